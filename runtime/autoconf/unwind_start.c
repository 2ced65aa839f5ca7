// SPDX-License-Identifier: GPL-2.0
/*
 * The x86 stack unwinder's interface (4.10): unwind_start() from a
 * task's registers, unwind_next_frame(), unwind_get_return_address().
 * Modules may call it; stack_trace_save_regs() is not exported.
 */
#include <linux/sched.h>
#include <asm/unwind.h>

static __maybe_unused unsigned long sd_test(struct pt_regs *regs)
{
	struct unwind_state state;

	unwind_start(&state, current, regs, NULL);
	if (unwind_done(&state))
		return 0;
	unwind_next_frame(&state);
	return unwind_get_return_address(&state);
}
