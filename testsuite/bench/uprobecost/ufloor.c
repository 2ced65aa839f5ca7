// SPDX-License-Identifier: GPL-2.0
/*
 * sd_bench_ufloor: the floor of the uprobe-overhead benchmark. One uprobe
 * consumer whose handler does nothing, on the file PATH at file offset
 * OFFSET (module parameters path= and offset=), so the cost it adds to a
 * call is the uprobe mechanism's alone: the breakpoint trap, the lookup,
 * the consumer call and the out-of-line single step.
 *
 * The registration API changed in 6.12: uprobe_register() takes a
 * reference-counter offset and returns the struct uprobe, which
 * uprobe_unregister_nosync() takes back. testsuite/bench/probecost.sh
 * builds with -DSD_UFLOOR_PTR first and without it when that fails.
 */
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/namei.h>
#include <linux/uprobes.h>

static char *path = "";
module_param(path, charp, 0444);
static unsigned long offset;
module_param(offset, ulong, 0444);

static struct inode *ufloor_inode;
#ifdef SD_UFLOOR_PTR
static struct uprobe *ufloor_uprobe;
#endif

static int ufloor_hit(struct uprobe_consumer *uc, struct pt_regs *regs)
{
	return 0;
}

static struct uprobe_consumer ufloor_uc = {
	.handler = ufloor_hit,
};

static int __init ufloor_init(void)
{
	struct path p;
	int ret;

	ret = kern_path(path, LOOKUP_FOLLOW, &p);
	if (ret) {
		pr_err("sd_bench_ufloor: %s: %d\n", path, ret);
		return ret;
	}
	ufloor_inode = igrab(d_inode(p.dentry));
	path_put(&p);
	if (!ufloor_inode)
		return -ENOENT;
#ifdef SD_UFLOOR_PTR
	ufloor_uprobe = uprobe_register(ufloor_inode, offset, 0, &ufloor_uc);
	ret = IS_ERR(ufloor_uprobe) ? PTR_ERR(ufloor_uprobe) : 0;
#else
	ret = uprobe_register(ufloor_inode, offset, &ufloor_uc);
#endif
	if (ret) {
		pr_err("sd_bench_ufloor: uprobe_register(%s, 0x%lx): %d\n", path, offset, ret);
		iput(ufloor_inode);
	}
	return ret;
}

static void __exit ufloor_exit(void)
{
#ifdef SD_UFLOOR_PTR
	uprobe_unregister_nosync(ufloor_uprobe, &ufloor_uc);
	uprobe_unregister_sync();
#else
	uprobe_unregister(ufloor_inode, offset, &ufloor_uc);
#endif
	iput(ufloor_inode);
}

module_init(ufloor_init);
module_exit(ufloor_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("empty uprobe consumer: the floor of sonde's uprobe benchmark");
