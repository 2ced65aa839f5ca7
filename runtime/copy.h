/* SPDX-License-Identifier: GPL-2.0 */
/*
 * copy.h - strings copied out of kernel or user memory that may not be
 * readable (kernel_string(), user_string() and their kin).
 *
 * strncpy_from_kernel_nofault() and strncpy_from_user_nofault() are not
 * exported to modules, so the copy is built on copy_from_kernel_nofault()
 * and copy_from_user_nofault().
 */
#ifndef _SD_COPY_H_
#define _SD_COPY_H_

/**
 * _sd_strncpy_nofault - copy a NUL-terminated string that may fault
 * @dst: at least @len bytes
 * @addr: the string, in the kernel or (@user) in the current task
 * @len: room in @dst with the NUL; at most len - 1 bytes are copied
 *
 * Returns the length copied (dst is then NUL-terminated), or -EFAULT when
 * a byte before the end could not be read (dst holds what was read).
 * Never sleeps: a user page that is not present is a fault.
 */
SD_API long _sd_strncpy_nofault(char *dst, unsigned long addr, size_t len, bool user);

#endif /* _SD_COPY_H_ */
