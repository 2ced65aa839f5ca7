// SPDX-License-Identifier: GPL-2.0
/*
 * proc_create() takes a struct proc_ops (5.6); older kernels take a struct
 * file_operations.
 */
#include <linux/proc_fs.h>

static const struct proc_ops sd_ops;

static __maybe_unused struct proc_dir_entry *sd_test(void)
{
	return proc_create("sonde", 0444, NULL, &sd_ops);
}
