/* SPDX-License-Identifier: GPL-2.0 */
/*
 * profile.h - timer.profile: a probe that fires on every CPU at every
 * scheduler tick (1/HZ), on a pinned hrtimer per CPU. Each CPU runs the
 * handler on its own, so these probes exercise the global locks.
 */
#ifndef _SD_PROFILE_H_
#define _SD_PROFILE_H_

#include <linux/cpu.h>
#include <linux/smp.h>

struct sd_profile_cpu {
	struct hrtimer hr;
	const struct sd_probe *probe;
};

struct sd_profile {
	struct sd_probe probe;
	struct sd_profile_cpu __percpu *cpus;
};

SD_API void _sd_profiles_stop(struct sd_profile *v, size_t n);
SD_API void _sd_profiles_free(struct sd_profile *v, size_t n);
SD_API int _sd_profiles_alloc(struct sd_profile *v, size_t n);
SD_API void _sd_profiles_start(struct sd_profile *v, size_t n);

#endif /* _SD_PROFILE_H_ */
