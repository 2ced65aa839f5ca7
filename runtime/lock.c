// SPDX-License-Identifier: GPL-2.0
/*
 * lock.c - taking and giving up the locks of script globals (lock.h)
 */

void _sd_unlock_all(const struct sd_lock *v, int n)
{
	while (n-- > 0) {
		if (v[n].write)
			write_unlock(v[n].lock);
		else
			read_unlock(v[n].lock);
	}
}

/* false when some lock stayed busy: nothing is held then */
bool _sd_lock_all(const struct sd_lock *v, int n)
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
