// SPDX-License-Identifier: GPL-2.0
/*
 * The CPU a task last ran on is kept in its thread_info (5.16 with
 * THREAD_INFO_IN_TASK); before, or without, it is task_struct's cpu.
 */
#include <linux/sched.h>

static __maybe_unused unsigned int sd_test(struct task_struct *t)
{
	return task_thread_info(t)->cpu;
}
