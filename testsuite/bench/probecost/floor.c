// SPDX-License-Identifier: GPL-2.0
/*
 * sd_bench_floor: the floor of the probe-overhead benchmark. One kprobe
 * on ksys_write whose pre_handler does nothing, so the cost it adds to
 * write(2) is the kprobe mechanism's alone (on these kernels, a kprobe on
 * a function's first instruction goes through ftrace).
 */
#include <linux/kprobes.h>
#include <linux/module.h>

static char *symbol = "ksys_write";
module_param(symbol, charp, 0444);

static int floor_pre(struct kprobe *p, struct pt_regs *regs)
{
	return 0;
}

static struct kprobe floor_kp = {
	.pre_handler = floor_pre,
};

static int __init floor_init(void)
{
	int ret;

	floor_kp.symbol_name = symbol;
	ret = register_kprobe(&floor_kp);
	if (ret < 0)
		pr_err("sd_bench_floor: register_kprobe(%s): %d\n", symbol, ret);
	return ret;
}

static void __exit floor_exit(void)
{
	unregister_kprobe(&floor_kp);
}

module_init(floor_init);
module_exit(floor_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("empty kprobe: the floor of sonde's probe benchmark");
