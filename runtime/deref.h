/* SPDX-License-Identifier: GPL-2.0 */
/*
 * deref.h - fault-safe reads of kernel and user memory for probe handlers.
 *
 * Every read of memory a script names ($var->field, kernel_int(), user
 * strings) goes through these: a bad address never oopses, it raises a
 * catchable run-time error that names the address.
 */
#ifndef _SD_DEREF_H_
#define _SD_DEREF_H_

#include <linux/uaccess.h>

/**
 * _sd_kread - copy size bytes of kernel memory at addr into dst
 * Returns 0, or -EFAULT after raising "kernel read fault at 0x...".
 */
static inline int _sd_kread(struct sd_context *c, void *dst, unsigned long addr, size_t size)
{
	if (likely(!copy_from_kernel_nofault(dst, (const void *)addr, size)))
		return 0;
	if (!c->error)
		_sd_error_fmt(c, "read fault [man error::fault] at 0x%lx", addr);
	return -EFAULT;
}

/* the same for user memory of the current task */
static inline int _sd_uread(struct sd_context *c, void *dst, unsigned long addr, size_t size)
{
	if (likely(!copy_from_user_nofault(dst, (const void __user *)addr, size)))
		return 0;
	if (!c->error)
		_sd_error_fmt(c, "user read fault [man error::fault] at 0x%lx", addr);
	return -EFAULT;
}

/*
 * A scalar of 1, 2, 4 or 8 bytes at addr, sign- or zero-extended to 64
 * bits; 0 after a fault (the error is pending in c).
 */
static inline int64_t _sd_kread_int(struct sd_context *c, unsigned long addr, int size, bool is_signed)
{
	union { u8 u8; u16 u16; u32 u32; u64 u64; } v = { .u64 = 0 };

	if (_sd_kread(c, &v, addr, size))
		return 0;
	switch (size) {
	case 1: return is_signed ? (int64_t)(s8)v.u8 : v.u8;
	case 2: return is_signed ? (int64_t)(s16)v.u16 : v.u16;
	case 4: return is_signed ? (int64_t)(s32)v.u32 : v.u32;
	default: return (int64_t)v.u64;
	}
}

/* the user-memory twin of _sd_kread_int */
static inline int64_t _sd_uread_int(struct sd_context *c, unsigned long addr, int size, bool is_signed)
{
	union { u8 u8; u16 u16; u32 u32; u64 u64; } v = { .u64 = 0 };

	if (_sd_uread(c, &v, addr, size))
		return 0;
	switch (size) {
	case 1: return is_signed ? (int64_t)(s8)v.u8 : v.u8;
	case 2: return is_signed ? (int64_t)(s16)v.u16 : v.u16;
	case 4: return is_signed ? (int64_t)(s32)v.u32 : v.u32;
	default: return (int64_t)v.u64;
	}
}

#endif /* _SD_DEREF_H_ */
