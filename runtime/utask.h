/* SPDX-License-Identifier: GPL-2.0 */
/*
 * utask.h - process("PATH").begin, .end, .thread.begin and .thread.end,
 * also for process(PID) and for any process (or, with -c/-x, the target's
 * process tree): a process or a thread starts or ends.
 *
 * Three scheduler tracepoints, found by name (their register_trace_*
 * helpers need symbols a module cannot link against), drive them:
 *  - sched_process_exec: a process starts running an executable. Probes
 *    that matched its old image see it end, then those that match the new
 *    one see it begin, in its own context.
 *  - sched_process_fork: a new process (.begin) or thread (.thread.begin).
 *    The tracepoint runs in the parent; the probe runs in the child itself,
 *    the first time it returns to user space, through task_work.
 *  - sched_process_exit: a thread ends (.thread.end), or the last thread
 *    of a process (.end), in its own context.
 * Processes already running when the script starts begin too, through
 * task_work, when they next return to user space; works still pending when
 * the script stops are cancelled.
 *
 * A process matches a path by its executable's inode. By the time it exits
 * its memory map is gone, so the processes that began are remembered, in a
 * table of thread group ids with the probe classes they began for: one bit
 * per executable, one for every other probe. A process that does not fit
 * in the table still begins; its end is counted as skipped.
 */
#ifndef _SD_UTASK_H_
#define _SD_UTASK_H_

#include <linux/delay.h>
#include <linux/kprobes.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/task_work.h>
#include <linux/tracepoint.h>

enum { SD_UT_BEGIN, SD_UT_END, SD_UT_THREAD_BEGIN, SD_UT_THREAD_END };

struct sd_utask {
	struct sd_probe probe;
	const char *path;	/* the executable, absolute; NULL for any */
	pid_t pid;		/* process(PID), else 0 */
	int event;		/* SD_UT_* */
	bool target_only;	/* only the -c/-x target's tree */
	int exe;		/* path's index in _sd_ut.inodes (its class bit) */
};

#ifndef SD_UPROCS
#define SD_UPROCS 4096		/* processes remembered at once */
#endif
#ifndef SD_UWORKS
#define SD_UWORKS 256		/* begins waiting for their task at once */
#endif
#define SD_UT_EXES 31		/* distinct executables */
#define SD_UT_OTHER (1u << 31)	/* the class of process(PID) and any-process probes */

struct sd_uproc {
	pid_t tgid;		/* 0 free, -1 deleted */
	u32 classes;
};

struct sd_uwork {
	struct callback_head cb;
	struct task_struct *task;	/* holding a reference; NULL when free */
	int event;
};

typedef struct callback_head *(*sd_tw_cancel_t)(struct task_struct *,
		bool (*)(struct callback_head *, void *), void *);

SD_API bool _sd_utasks_register(struct sd_utask *v, size_t n);
SD_API void _sd_utasks_unregister(struct sd_utask *v, size_t n);

#endif /* _SD_UTASK_H_ */
