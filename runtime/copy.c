// SPDX-License-Identifier: GPL-2.0
/*
 * copy.c - strings from memory that may fault (copy.h)
 */

#include <linux/uaccess.h>

/* bytes read at a time: a piece never crosses a 64-byte boundary, so never a page */
#define SD_COPY_PIECE 64

long _sd_strncpy_nofault(char *dst, unsigned long addr, size_t len, bool user)
{
	char piece[SD_COPY_PIECE];
	size_t n = 0, k, i;

	if (!len)
		return 0;
	dst[0] = '\0';
	while (n + 1 < len) {
		unsigned long at = addr + n;

		k = SD_COPY_PIECE - (at & (SD_COPY_PIECE - 1));
		k = min(k, len - 1 - n);
		if (user ? copy_from_user_nofault(piece, (const void __user *)at, k)
			 : copy_from_kernel_nofault(piece, (const void *)at, k)) {
			dst[n] = '\0';
			return -EFAULT;
		}
		for (i = 0; i < k; i++) {
			dst[n] = piece[i];
			if (!piece[i])
				return n;
			n++;
		}
	}
	dst[n] = '\0';
	return n;
}
