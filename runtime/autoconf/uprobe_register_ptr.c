// SPDX-License-Identifier: GPL-2.0
/*
 * uprobe_register() returning the struct uprobe it attached to, with a
 * reference-counter offset argument (6.12); unregistering is then
 * uprobe_unregister_nosync() per probe and one uprobe_unregister_sync().
 * Before, uprobe_register(inode, offset, uc) returned an int and
 * uprobe_unregister(inode, offset, uc) waited by itself.
 */
#include <linux/uprobes.h>

static __maybe_unused void sd_test(struct inode *inode, struct uprobe_consumer *uc)
{
	struct uprobe *u = uprobe_register(inode, 0, 0, uc);

	if (!IS_ERR(u))
		uprobe_unregister_nosync(u, uc);
	uprobe_unregister_sync();
}
