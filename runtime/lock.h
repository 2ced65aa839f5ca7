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

static void _sd_unlock_all(const struct sd_lock *v, int n)
{
	while (n-- > 0) {
		if (v[n].write)
			write_unlock(v[n].lock);
		else
			read_unlock(v[n].lock);
	}
}

/* false when some lock stayed busy: nothing is held then */
static bool _sd_lock_all(const struct sd_lock *v, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		int tries = MAXTRYLOCK;

		while (!(v[i].write ? write_trylock(v[i].lock) : read_trylock(v[i].lock))) {
			if (--tries <= 0) {
				_sd_unlock_all(v, i);
				return false;
			}
			udelay(TRYLOCKDELAY);
		}
	}
	return true;
}

#endif /* _SD_LOCK_H_ */
