/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lock.h - the locks of script globals. A handler takes all the locks it
 * needs before it runs, in one fixed order (the globals' declaration
 * order), each for reading or writing, and gives up after MAXTRYLOCK
 * attempts TRYLOCKDELAY microseconds apart: the hit is then skipped and
 * counted, never waited for without bound.
 */
#ifndef _SD_LOCK_H_
#define _SD_LOCK_H_

#include <linux/delay.h>
#include <linux/spinlock.h>

#ifndef MAXTRYLOCK
#define MAXTRYLOCK 100		/* attempts before a skip */
#endif
#ifndef TRYLOCKDELAY
#define TRYLOCKDELAY 10		/* microseconds between attempts */
#endif

struct sd_lock {
	rwlock_t *lock;
	bool write;
};

SD_API void _sd_unlock_all(const struct sd_lock *v, int n);
SD_API bool _sd_lock_all(const struct sd_lock *v, int n);

#endif /* _SD_LOCK_H_ */
