// SPDX-License-Identifier: GPL-2.0
/*
 * profile.c - timer.profile probes (profile.h)
 */

static enum hrtimer_restart _sd_profile_fire(struct hrtimer *hr)
{
	struct sd_profile_cpu *p = container_of(hr, struct sd_profile_cpu, hr);

	_sd_run(p->probe, get_irq_regs(), false);
	if (atomic_read(&_sd_state) != SD_RUNNING)
		return HRTIMER_NORESTART;
	hrtimer_forward_now(hr, ns_to_ktime(NSEC_PER_SEC / HZ));
	return HRTIMER_RESTART;
}

/* runs on each CPU (on_each_cpu): arm that CPU's timer there */
static void _sd_profile_arm(void *arg)
{
	struct sd_profile *v = arg;
	struct sd_profile_cpu *p = this_cpu_ptr(v->cpus);

	hrtimer_start(&p->hr, ns_to_ktime(NSEC_PER_SEC / HZ), HRTIMER_MODE_REL_PINNED);
}

void _sd_profiles_stop(struct sd_profile *v, size_t n)
{
	unsigned int cpu;

	for (size_t i = 0; i < n; i++) {
		if (!v[i].cpus)
			continue;
		for_each_possible_cpu(cpu)
			hrtimer_cancel(&per_cpu_ptr(v[i].cpus, cpu)->hr);
	}
}

void _sd_profiles_free(struct sd_profile *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free_percpu(v[i].cpus);
		v[i].cpus = NULL;
	}
}

/* at module init: the per-CPU timers, not armed yet */
int _sd_profiles_alloc(struct sd_profile *v, size_t n)
{
	unsigned int cpu;

	for (size_t i = 0; i < n; i++) {
		v[i].cpus = alloc_percpu(struct sd_profile_cpu);
		if (!v[i].cpus) {
			_sd_profiles_free(v, i);
			return -ENOMEM;
		}
		for_each_possible_cpu(cpu) {
			struct sd_profile_cpu *p = per_cpu_ptr(v[i].cpus, cpu);

			_sd_hrtimer_init(&p->hr, _sd_profile_fire, HRTIMER_MODE_REL_PINNED);
			p->probe = &v[i].probe;
		}
	}
	return 0;
}

void _sd_profiles_start(struct sd_profile *v, size_t n)
{
	cpus_read_lock();
	for (size_t i = 0; i < n; i++)
		on_each_cpu(_sd_profile_arm, &v[i], 1);
	cpus_read_unlock();
}
