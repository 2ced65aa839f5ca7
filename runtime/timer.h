/* SPDX-License-Identifier: GPL-2.0 */
/*
 * timer.h - timer.s/ms/us/ns/hz/jiffies(N)[.randomize(M)] probes on
 * hrtimers: each fires on the CPU that armed it and re-arms itself until
 * the session stops.
 */
#ifndef _SD_TIMER_H_
#define _SD_TIMER_H_

struct sd_timer {
	struct hrtimer hr;
	struct sd_probe probe;
	u64 interval_ns;
	u64 randomize_ns;	/* +/- this much at random, 0 for none */
};

SD_API void _sd_hrtimer_init(struct hrtimer *hr, enum hrtimer_restart (*fn)(struct hrtimer *),
			     enum hrtimer_mode mode);
SD_API void _sd_timers_start(struct sd_timer *v, size_t n);
SD_API void _sd_timers_stop(struct sd_timer *v, size_t n);

#endif /* _SD_TIMER_H_ */
