// SPDX-License-Identifier: GPL-2.0
/*
 * hello.c - smallest possible module for the Sonde VM self-test.
 *
 * Loading it prints one line that the in-guest test looks for with dmesg;
 * unloading prints another.  It registers nothing.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>

static int __init sonde_hello_init(void)
{
	pr_info("sonde selftest module loaded\n");
	return 0;
}

static void __exit sonde_hello_exit(void)
{
	pr_info("sonde selftest module unloaded\n");
}

module_init(sonde_hello_init);
module_exit(sonde_hello_exit);

MODULE_DESCRIPTION("Sonde VM self-test module");
MODULE_LICENSE("GPL");
