// SPDX-License-Identifier: GPL-2.0
/*
 * task_struct's run state is the unsigned int __state (5.14); before, it
 * was the long state.
 */
#include <linux/sched.h>

static __maybe_unused unsigned int sd_test(struct task_struct *t)
{
	return t->__state;
}
