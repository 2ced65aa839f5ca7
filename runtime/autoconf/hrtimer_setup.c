// SPDX-License-Identifier: GPL-2.0
/*
 * hrtimer_setup(timer, fn, clock, mode) (6.13) sets the callback with the
 * rest; hrtimer_init() plus an assignment to .function is the older way,
 * and later kernels drop hrtimer_init().
 */
#include <linux/hrtimer.h>

static enum hrtimer_restart sd_fn(struct hrtimer *t)
{
	return HRTIMER_NORESTART;
}

static __maybe_unused void sd_test(struct hrtimer *t)
{
	hrtimer_setup(t, sd_fn, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
}
