// SPDX-License-Identifier: GPL-2.0
/*
 * Hand-written stand-in for a generated Sonde module: exercises
 * runtime/transport.h and transport.c (see runtime/test/selftest.sh).
 *
 * begin:  "<greeting> from begin", "line 2", "target PID" if sonde-run
 *         passed one (-x/-c), an OOB warning; with xcpu=N,
 *         also N lines "x I" written alternately on each online CPU (in IPI
 *         context), which must come out in order; then starts an hrtimer.
 * timer:  every period_ms, "tick N" from hardirq context; after max_ticks
 *         ticks (0: never) it asks the loader to exit.
 * end:    cancels the timer, writes "end", reports done.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hrtimer.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/smp.h>

#include "transport.h"
#include "transport.c"

static char *greeting = "hello";
module_param(greeting, charp, 0444);
static int max_ticks = 5;
module_param(max_ticks, int, 0444);
static int period_ms = 20;
module_param(period_ms, int, 0444);
static int xcpu;
module_param(xcpu, int, 0444);

static struct hrtimer tick_timer;
static int ticks;

static void say(const char *fmt, ...)
{
	char line[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vscnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	_sd_transport_write(line, n);
}

static enum hrtimer_restart tick_fn(struct hrtimer *t)
{
	ticks++;
	say("tick %d\n", ticks);
	if (max_ticks > 0 && ticks >= max_ticks) {
		_sd_transport_request_exit();
		return HRTIMER_NORESTART;
	}
	hrtimer_forward_now(t, ms_to_ktime(period_ms));
	return HRTIMER_RESTART;
}

static void xcpu_fn(void *arg)
{
	say("x %d\n", *(int *)arg);
}

void _sd_on_start(void)
{
	int i, cpu;

	say("%s from begin\n", greeting);
	say("line 2\n");
	if (_sd_target_pid)
		say("target %d\n", _sd_target_pid);
	_sd_transport_oob(SD_OOB_WARNING, "test warning");
	cpu = cpumask_first(cpu_online_mask);
	for (i = 0; i < xcpu; i++) {
		smp_call_function_single(cpu, xcpu_fn, &i, 1);
		cpu = cpumask_next(cpu, cpu_online_mask);
		if (cpu >= nr_cpu_ids)
			cpu = cpumask_first(cpu_online_mask);
	}
	hrtimer_init(&tick_timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
	tick_timer.function = tick_fn;
	hrtimer_start(&tick_timer, ms_to_ktime(period_ms),
		      HRTIMER_MODE_REL_HARD);
}

void _sd_on_exit(void)
{
	hrtimer_cancel(&tick_timer);
	say("end\n");
	_sd_transport_done(0, 0);
}

static int __init hello_init(void)
{
	return _sd_transport_init();
}

static void __exit hello_exit(void)
{
	_sd_transport_close();
}

module_init(hello_init);
module_exit(hello_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Sonde transport test module");
