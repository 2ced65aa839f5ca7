// SPDX-License-Identifier: GPL-2.0
/*
 * sonde_testmod.c - the test suite's own kernel module: a target for
 * module("sonde_testmod").function(...) probes, built with debug
 * information. A timer calls sonde_testmod_tick() every 10 ms with known
 * arguments and a struct whose members the tests read.
 */
#include <linux/module.h>
#include <linux/timer.h>

struct sonde_testmod_state {
	int ticks;
	unsigned short flags : 3;
	unsigned short level : 5;
	char name[16];
	long history[4];
};

static struct sonde_testmod_state state = { .name = "testmod", .flags = 5, .level = 17 };
static struct timer_list tick_timer;

/* noinline: the probe target, with parameters the tests check */
noinline int sonde_testmod_tick(int n, const char *label, struct sonde_testmod_state *st)
{
	st->ticks = n;
	st->history[n % 4] = n;
	return n * 2 + (label[0] == 't');
}
EXPORT_SYMBOL_GPL(sonde_testmod_tick);

/* always inlined into tick_fire(): the target of .inline probes */
static __always_inline int tick_next(int ticks)
{
	return ticks + 1;
}

static void tick_fire(struct timer_list *t)
{
	sonde_testmod_tick(tick_next(state.ticks), "tick", &state);
	mod_timer(&tick_timer, jiffies + msecs_to_jiffies(10));
}

static int __init sonde_testmod_init(void)
{
	timer_setup(&tick_timer, tick_fire, 0);
	mod_timer(&tick_timer, jiffies + msecs_to_jiffies(10));
	return 0;
}

static void __exit sonde_testmod_exit(void)
{
	del_timer_sync(&tick_timer);
}

module_init(sonde_testmod_init);
module_exit(sonde_testmod_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("sonde test suite: a target for module() probes");
