// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs_lookup() (4.19) finds an existing debugfs entry, so that modules
 * can share a top directory.
 */
#include <linux/debugfs.h>

static __maybe_unused struct dentry *sd_test(void)
{
	return debugfs_lookup("sonde", NULL);
}
