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

#include <linux/pgtable.h>
#include <linux/sched/task.h>
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
union sd_scalar {
	u8 u8;
	u16 u16;
	u32 u32;
	u64 u64;
};

/* the first size bytes of v as a 64-bit number, sign- or zero-extended */
static inline int64_t _sd_extend(union sd_scalar v, int size, bool is_signed)
{
	switch (size) {
	case 1: return is_signed ? (int64_t)(s8)v.u8 : v.u8;
	case 2: return is_signed ? (int64_t)(s16)v.u16 : v.u16;
	case 4: return is_signed ? (int64_t)(s32)v.u32 : v.u32;
	default: return (int64_t)v.u64;
	}
}

static inline int64_t _sd_kread_int(struct sd_context *c, unsigned long addr, int size, bool is_signed)
{
	union sd_scalar v = { .u64 = 0 };

	return _sd_kread(c, &v, addr, size) ? 0 : _sd_extend(v, size, is_signed);
}

/* the user-memory twin of _sd_kread_int */
static inline int64_t _sd_uread_int(struct sd_context *c, unsigned long addr, int size, bool is_signed)
{
	union sd_scalar v = { .u64 = 0 };

	return _sd_uread(c, &v, addr, size) ? 0 : _sd_extend(v, size, is_signed);
}

/* {=== target variables ($var->field): pass 3 emits these ===} */

/* a link-time kernel address relocated by how far init_task moved (KASLR) */
static inline uint64_t _sd_reloc(uint64_t link, uint64_t anchor)
{
	return link + ((unsigned long)&init_task - anchor);
}

/*
 * An integer of size bytes at addr; once a read has faulted in this
 * handler the rest read nothing. where names the variable for the error.
 */
static inline int64_t _sd_tv_read(struct sd_context *c, uint64_t addr, int size, bool is_signed,
				  const char *where, bool user)
{
	int64_t v;

	if (unlikely(c->error))
		return 0;
	v = user ? _sd_uread_int(c, addr, size, is_signed) : _sd_kread_int(c, addr, size, is_signed);
	if (unlikely(c->error))
		c->where = where;
	return v;
}

/* is [addr, addr + size) in one present, writable page of kernel memory? */
static inline bool _sd_kernel_writable(uint64_t addr, int size)
{
	unsigned int level;
	pte_t *pte;

	if (addr < TASK_SIZE_MAX || addr + size < addr ||
	    (addr & PAGE_MASK) != ((addr + size - 1) & PAGE_MASK))
		return false;
	pte = lookup_address((unsigned long)addr, &level);
	return pte && pte_present(*pte) && pte_write(*pte);
}

/*
 * Guru mode: store the low size bytes of v at addr. Only a present,
 * writable page of kernel memory is written; anything else (a user or
 * unmapped address, read-only text and data) is an error, never an oops.
 */
static inline int64_t _sd_tv_write(struct sd_context *c, uint64_t addr, int size, int64_t v,
				   const char *where)
{
	void *dst = (void *)(unsigned long)addr;
	u8 b = v;
	u16 h = v;
	u32 w = v;
	u64 q = v;

	if (unlikely(c->error))
		return v;
	if (!_sd_kernel_writable(addr, size))
		goto fault;
	pagefault_disable();
	switch (size) {
	case 1: __put_kernel_nofault(dst, &b, u8, fault_enabled); break;
	case 2: __put_kernel_nofault(dst, &h, u16, fault_enabled); break;
	case 4: __put_kernel_nofault(dst, &w, u32, fault_enabled); break;
	default: __put_kernel_nofault(dst, &q, u64, fault_enabled); break;
	}
	pagefault_enable();
	return v;
fault_enabled:
	pagefault_enable();
fault:
	_sd_error_fmt(c, "write fault [man error::fault] at 0x%llx", (unsigned long long)addr);
	c->where = where;
	return v;
}

/* a bitfield of bits bits, shift bits up from the low end of its size-byte unit */
static inline int64_t _sd_tv_bits(struct sd_context *c, uint64_t addr, int size, int shift,
				  int bits, bool is_signed, const char *where, bool user)
{
	uint64_t v = (uint64_t)_sd_tv_read(c, addr, size, false, where, user) >> shift;

	if (bits < 64)
		v &= (1ULL << bits) - 1;
	if (is_signed && bits < 64 && (v >> (bits - 1)) & 1)
		v |= ~0ULL << bits;
	return (int64_t)v;
}

/* a char array of n bytes at addr (user memory if user) as a string (up to its NUL) in buf */
static inline const char *_sd_tv_string(struct sd_context *c, char *buf, uint64_t addr, int n,
					const char *where, bool user)
{
	int done = 0;

	buf[0] = 0;
	if (unlikely(c->error))
		return buf;
	if (n > MAXSTRINGLEN)
		n = MAXSTRINGLEN;
	/* page by page, so that a string ending before an unmapped page reads */
	while (done < n - 1) {
		uint64_t a = addr + done;
		int chunk = min_t(int, n - 1 - done, PAGE_SIZE - (a & (PAGE_SIZE - 1)));

		if (user ? copy_from_user_nofault(buf + done, (const void __user *)(unsigned long)a, chunk) :
		    copy_from_kernel_nofault(buf + done, (const void *)(unsigned long)a, chunk)) {
			buf[0] = 0;
			_sd_error_fmt(c, "%sread fault [man error::fault] at 0x%llx", user ? "user " : "",
				      (unsigned long long)a);
			c->where = where;
			return buf;
		}
		if (memchr(buf + done, 0, chunk))
			return buf;
		done += chunk;
	}
	buf[done] = 0;
	return buf;
}

#endif /* _SD_DEREF_H_ */
