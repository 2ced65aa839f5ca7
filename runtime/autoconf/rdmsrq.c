// SPDX-License-Identifier: GPL-2.0
/*
 * rdmsrq() reads a 64-bit model-specific register (6.16); before, it was
 * rdmsrl().
 */
#include <asm/msr.h>

static __maybe_unused u64 sd_test(void)
{
	u64 v;

	rdmsrq(MSR_FS_BASE, v);
	return v;
}
