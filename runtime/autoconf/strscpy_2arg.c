// SPDX-License-Identifier: GPL-2.0
/*
 * strscpy(dst, src) with the size taken from the array (6.8); before it,
 * strscpy() always takes the size.
 */
#include <linux/string.h>

static __maybe_unused ssize_t sd_test(const char *src)
{
	char dst[16];

	return strscpy(dst, src);
}
