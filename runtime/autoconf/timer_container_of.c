// SPDX-License-Identifier: GPL-2.0
/*
 * timer_container_of() (6.16) replaces from_timer(): from a timer_list to
 * the structure around it, in a timer callback.
 */
#include <linux/timer.h>

struct sd_outer {
	int x;
	struct timer_list t;
};

static __maybe_unused void sd_test(struct timer_list *t)
{
	struct sd_outer *o = timer_container_of(o, t, t);

	o->x = 1;
}
