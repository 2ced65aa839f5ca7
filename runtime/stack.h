/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stack.h - where a probe fired: its address, whether it is a return
 * probe, and the kernel backtrace from there (addr(), is_return(),
 * backtrace(), print_backtrace(), stack(), callers()).
 */
#ifndef _SD_STACK_H_
#define _SD_STACK_H_

/**
 * _sd_probe_is_return - the running probe is a return probe
 * Its point has a ".return" component, as in
 * kprobe.function("vfs_read").return.
 */
SD_API bool _sd_probe_is_return(struct sd_context *c);

/**
 * _sd_probe_addr - the address the probe fired at (addr())
 * The instruction pointer of the probe's registers, 0 without them
 * (begin, end and error probes). At the entry of a kernel function probe
 * it is the probed instruction itself: kprobes hand the handler the
 * address after their breakpoint. In a return probe it is the address the
 * function returns to.
 */
SD_API unsigned long _sd_probe_addr(struct sd_context *c);

/**
 * _sd_stack_kernel - the kernel backtrace of the probe, innermost first
 * @pcs: filled with at most @max addresses (and never more than MAXBACKTRACE)
 *
 * With kernel registers, the first address is _sd_probe_addr() (the
 * probed function for an entry probe, the caller it returns into for a
 * return probe), then the return addresses of the callers: the probe
 * machinery (int3 handler, kprobe and sonde frames) is not part of it.
 * Without registers (begin, end) the trace starts at the first frame
 * outside this module. Registers of user mode give no frames.
 * Returns the number of addresses.
 */
SD_API int _sd_stack_kernel(struct sd_context *c, unsigned long *pcs, int max);

/*
 * The backtrace as text: one _sd_sym_format(fmt) piece per address,
 * cut to len - 1 bytes (backtrace(), sprint_backtrace()).
 */
SD_API void _sd_stack_sprint(struct sd_context *c, char *buf, size_t len, enum sd_sym_fmt fmt);

/* print_backtrace(): one SD_SYM_FULL line per address, into the output */
SD_API void _sd_stack_print(struct sd_context *c);

#endif /* _SD_STACK_H_ */
