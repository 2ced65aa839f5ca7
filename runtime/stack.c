// SPDX-License-Identifier: GPL-2.0
/*
 * stack.c - probe address and kernel backtraces (stack.h)
 *
 * The unwinder is the kernel's own: on x86 the unwind_start() /
 * unwind_next_frame() interface (ORC, frame pointers or guessing, as the
 * kernel was built) started from the probe's registers, which skips the
 * breakpoint and kprobe frames and, through unwind_get_return_address(),
 * sees through kretprobe and function-graph trampolines. Elsewhere, or
 * when the feature test finds no such interface, stack_trace_save() of
 * the handler is cut down to the probe's frames.
 */

#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/stacktrace.h>
#if defined(SD_HAVE_UNWIND_START) && !defined(SD_NO_UNWIND_API)
#define SD_UNWIND_API 1
#include <asm/unwind.h>
#endif

bool _sd_probe_is_return(struct sd_context *c)
{
	const char *s = c->probe_point;
	bool quoted = false;

	if (!s)
		return false;
	/* a ".return" component outside the quoted parameters */
	for (; *s; s++) {
		if (quoted) {
			if (*s == '\\' && s[1])
				s++;
			else if (*s == '"')
				quoted = false;
		} else if (*s == '"') {
			quoted = true;
		} else if (*s == '.' && !strncmp(s + 1, "return", 6) &&
			   (s[7] == '\0' || s[7] == '.' || s[7] == '(')) {
			return true;
		}
	}
	return false;
}

unsigned long _sd_probe_addr(struct sd_context *c)
{
	struct pt_regs *regs = c->regs;
	unsigned long ip;

	if (!regs)
		return 0;
	ip = instruction_pointer(regs);
	/*
	 * Kernel function probes are kprobes: at the entry, the kprobe
	 * handler sees the address just after the breakpoint instruction
	 * (x86 sets it so for int3, ftrace and optimized kprobes alike).
	 */
#ifdef CONFIG_X86
	if (!user_mode(regs) && c->probe && c->probe->func && !_sd_probe_is_return(c))
		ip -= sizeof(kprobe_opcode_t);
#endif
	return ip;
}

/* frames of this module (the handler and the runtime) are not the probe's */
static bool _sd_stack_ours(unsigned long addr)
{
	return within_module(addr, THIS_MODULE);
}

#ifdef SD_UNWIND_API

int _sd_stack_kernel(struct sd_context *c, unsigned long *pcs, int max)
{
	struct pt_regs *regs = c->regs;
	struct unwind_state state;
	unsigned long addr;
	int n = 0;

	max = min(max, MAXBACKTRACE);
	if (max <= 0 || (regs && user_mode(regs)))
		return 0;
	if (regs)
		pcs[n++] = _sd_probe_addr(c);
	/* from registers, the unwinder starts at the caller of the frame they are in */
	for (unwind_start(&state, current, regs, NULL); n < max && !unwind_done(&state);
	     unwind_next_frame(&state)) {
		addr = unwind_get_return_address(&state);
		if (!addr)
			break;
		if (!regs && n == 0 && _sd_stack_ours(addr))
			continue;
		pcs[n++] = addr;
	}
	return n;
}

#else /* !SD_UNWIND_API */

int _sd_stack_kernel(struct sd_context *c, unsigned long *pcs, int max)
{
	struct pt_regs *regs = c->regs;
	unsigned long trace[MAXBACKTRACE + 16];
	unsigned int got, i = 0;
	int n = 0;

	max = min(max, MAXBACKTRACE);
	if (max <= 0 || (regs && user_mode(regs)))
		return 0;
	got = stack_trace_save(trace, ARRAY_SIZE(trace), 0);
	while (i < got && _sd_stack_ours(trace[i]))
		i++;
	if (regs) {
		/* drop the breakpoint and kprobe frames, up to the probed one */
		unsigned int j;

		for (j = i; j < got; j++) {
			if (trace[j] == instruction_pointer(regs))
				break;
		}
		if (j < got)
			i = j + 1;
		pcs[n++] = _sd_probe_addr(c);
	}
	for (; i < got && n < max; i++)
		pcs[n++] = trace[i];
	return n;
}

#endif /* SD_UNWIND_API */

void _sd_stack_sprint(struct sd_context *c, char *buf, size_t len, enum sd_sym_fmt fmt)
{
	unsigned long pcs[MAXBACKTRACE];
	size_t used = 0;
	int i, n, k;

	if (!len)
		return;
	buf[0] = '\0';
	n = _sd_stack_kernel(c, pcs, MAXBACKTRACE);
	for (i = 0; i < n && used + 1 < len; i++) {
		k = _sd_sym_format(c, buf + used, len - used, pcs[i], fmt);
		if (k < 0)
			break;
		used += k;
	}
}

void _sd_stack_print(struct sd_context *c)
{
	unsigned long pcs[MAXBACKTRACE];
	const size_t len = KSYM_SYMBOL_LEN + 64;
	char *line;
	int i, n, k;

	n = _sd_stack_kernel(c, pcs, MAXBACKTRACE);
	if (!n)
		return;
	line = _sd_frame(c, len);
	if (!line)
		return;
	for (i = 0; i < n; i++) {
		k = _sd_sym_format(c, line, len, pcs[i], SD_SYM_FULL);
		if (k < 0)
			break;
		_sd_print_n(c, line, k);
	}
	_sd_frame_pop(c, len);
}
