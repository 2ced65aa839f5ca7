// SPDX-License-Identifier: GPL-2.0
/*
 * The relay subbuf_start() callback has a fourth argument, prev_padding,
 * which later kernels (6.16) drop.
 */
#include <linux/relay.h>

_Static_assert(__builtin_types_compatible_p(
	typeof(((struct rchan_callbacks *)0)->subbuf_start),
	int (*)(struct rchan_buf *, void *, void *, size_t)),
	"subbuf_start() has no prev_padding");
