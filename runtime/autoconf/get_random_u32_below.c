// SPDX-License-Identifier: GPL-2.0
/*
 * get_random_u32_below(ceil) (6.2, in 6.1 stable) draws uniformly from
 * [0, ceil); before it, prandom_u32_max() or get_random_u32() % ceil.
 */
#include <linux/random.h>

static __maybe_unused u32 sd_test(u32 ceil)
{
	return get_random_u32_below(ceil);
}
