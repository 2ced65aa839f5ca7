// SPDX-License-Identifier: GPL-2.0
/*
 * timer_delete_sync() (6.2, in some older stable kernels too) is the new
 * name of del_timer_sync(), which 6.15 removes.
 */
#include <linux/timer.h>

static __maybe_unused int sd_test(struct timer_list *t)
{
	return timer_delete_sync(t);
}
