// SPDX-License-Identifier: GPL-2.0
/*
 * timer.c - timer.* probes (timer.h)
 */

static u64 _sd_timer_next(const struct sd_timer *t)
{
	u64 ns = t->interval_ns;

	if (t->randomize_ns) {
		u64 span = 2 * t->randomize_ns + 1;

		ns = ns - t->randomize_ns + (get_random_u32() % span);
	}
	return ns;
}

static enum hrtimer_restart _sd_timer_fire(struct hrtimer *hr)
{
	struct sd_timer *t = container_of(hr, struct sd_timer, hr);

	_sd_run(&t->probe, get_irq_regs(), false);
	if (atomic_read(&_sd_state) != SD_RUNNING)
		return HRTIMER_NORESTART;
	hrtimer_forward_now(hr, ns_to_ktime(_sd_timer_next(t)));
	return HRTIMER_RESTART;
}

/* hrtimer_setup where the kernel has it (6.13 on), hrtimer_init before */
void _sd_hrtimer_init(struct hrtimer *hr, enum hrtimer_restart (*fn)(struct hrtimer *),
		      enum hrtimer_mode mode)
{
#ifdef SD_HAVE_HRTIMER_SETUP
	hrtimer_setup(hr, fn, CLOCK_MONOTONIC, mode);
#else
	hrtimer_init(hr, CLOCK_MONOTONIC, mode);
	hr->function = fn;
#endif
}

void _sd_timers_start(struct sd_timer *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		_sd_hrtimer_init(&v[i].hr, _sd_timer_fire, HRTIMER_MODE_REL);
		hrtimer_start(&v[i].hr, ns_to_ktime(_sd_timer_next(&v[i])), HRTIMER_MODE_REL);
	}
}

void _sd_timers_stop(struct sd_timer *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		hrtimer_cancel(&v[i].hr);
}
