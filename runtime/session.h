/* SPDX-License-Identifier: GPL-2.0 */
/*
 * session.h - the life of a script: running handlers, reporting their
 * errors, exit(), and starting and stopping the session when the loader
 * says so (the transport calls _sd_on_start and _sd_on_exit).
 */
#ifndef _SD_SESSION_H_
#define _SD_SESSION_H_

enum sd_state { SD_LOADED, SD_RUNNING, SD_STOPPING, SD_STOPPED };

extern atomic_t _sd_state;
/* the session ends because of errors: error probes run instead of end probes */
extern atomic_t _sd_failed;

typedef void (*sd_handler_t)(struct sd_context *c);

struct sd_probe {
	sd_handler_t fn;
	const char *pp;		/* probe point, for messages */
	const struct sd_lock *locks;	/* the globals it uses (lock.h) */
	int nlocks;
	const char *func;	/* the probed function (probefunc()), NULL if none */
	const char *module;	/* its module, "kernel" for vmlinux (probemod()) */
};


SD_API void _sd_exit(struct sd_context *c);
SD_API void _sd_skip(struct sd_context *c);
SD_API void _sd_report_error(struct sd_context *c);
SD_API void _sd_overload_stop(struct sd_context *c);
SD_API void _sd_run(const struct sd_probe *p, struct pt_regs *regs, bool always);
SD_API void _sd_error(struct sd_context *c, const char *msg);
SD_API void _sd_warn(struct sd_context *c, const char *msg);
SD_API void _sd_abort(struct sd_context *c);
SD_API int64_t _sd_target(struct sd_context *c);

/*
 * MINSTACKSPACE: a hit that finds less free kernel stack than this is
 * skipped (only checked on the task's own stack, not on interrupt stacks).
 */
static __always_inline bool _sd_stack_low(void)
{
#ifdef current_stack_pointer
	unsigned long low = (unsigned long)task_stack_page(current);
	unsigned long sp = current_stack_pointer;

	if (sp > low && sp - low < THREAD_SIZE)
		return sp - low < MINSTACKSPACE;
#endif
	return false;
}

/*
 * The overload governor: a CPU that spends more than STP_OVERLOAD_THRESHOLD
 * cycles in handlers within STP_OVERLOAD_INTERVAL cycles ends the session
 * (STP_NO_OVERLOAD turns it off).
 */
static __always_inline bool _sd_overloaded(struct sd_context *c, cycles_t start, cycles_t end)
{
#ifndef STP_NO_OVERLOAD
	if (end - c->ovl_start > STP_OVERLOAD_INTERVAL) {
		c->ovl_start = end;
		c->ovl_used = 0;
	}
	c->ovl_used += end - start;
	return c->ovl_used > STP_OVERLOAD_THRESHOLD;
#else
	return false;
#endif
}

/**
 * _sd_run_inline - run one handler on this CPU
 * @p: the probe
 * @regs: the registers at the hit, NULL for begin/end probes
 * @data: a kretprobe instance's @entry values, or NULL
 * @always: run even when the session is not running (begin and end probes)
 *
 * A handler that fires while another runs on the same CPU is skipped and
 * counted, never nested. Returns true when it ran without an error.
 * Inline, so that a kprobe's handler (compiled with the script) reaches
 * the script's code without calls into the runtime on the common path.
 */
static __always_inline bool _sd_run_inline(const struct sd_probe *p, struct pt_regs *regs,
					   void *data, bool always)
{
	struct sd_context *c;
	cycles_t start;
	bool ok;

	if (!always && atomic_read(&_sd_state) != SD_RUNNING)
		return false;
	preempt_disable();
	c = _sd_contexts[smp_processor_id()];
	if (unlikely(local_inc_return(&c->busy) != 1)) {
		local_dec(&c->busy);
		_sd_skip(c);
		preempt_enable();
		return false;
	}
	if (unlikely(_sd_stack_low() || (p->nlocks && !_sd_lock_all(p->locks, p->nlocks)))) {
		_sd_skip(c);
		local_dec(&c->busy);
		preempt_enable();
		return false;
	}
	start = get_cycles();
	c->actions = SD_ACTIONS;
	c->error = NULL;
	c->aborting = false;
	c->where = NULL;
	c->probe_point = p->pp;
	c->probe = p;
	c->regs = regs;
	c->entry_data = data;
	c->sp = 0;
	c->nesting = 0;
	c->regex_ngroups = 0;	/* matched() sees only this handler's matches */
	p->fn(c);
	ok = !c->error;
	if (p->nlocks)
		_sd_unlock_all(p->locks, p->nlocks);
	if (c->out_len)
		_sd_flush(c);	/* what the handler printed comes before its error */
	if (unlikely(c->error) && !c->aborting)
		_sd_report_error(c);
	if (unlikely(_sd_overloaded(c, start, get_cycles())) && !c->aborting)
		_sd_overload_stop(c);
	local_dec(&c->busy);
	preempt_enable();
	return ok;
}

#endif /* _SD_SESSION_H_ */
