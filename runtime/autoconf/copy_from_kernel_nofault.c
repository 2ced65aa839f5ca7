// SPDX-License-Identifier: GPL-2.0
/*
 * copy_from_kernel_nofault() (5.8) reads kernel memory that may fault;
 * older kernels call it probe_kernel_read().
 */
#include <linux/uaccess.h>

static __maybe_unused long sd_test(void *dst, const void *src)
{
	return copy_from_kernel_nofault(dst, src, 8);
}
