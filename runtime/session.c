// SPDX-License-Identifier: GPL-2.0
/*
 * session.c - running handlers, their errors, exit() (session.h)
 */

atomic_t _sd_state = ATOMIC_INIT(SD_LOADED);
atomic_t _sd_failed = ATOMIC_INIT(0);

/* exit(): let the current handler finish, then stop the session */
void _sd_exit(struct sd_context *c)
{
	if (atomic_cmpxchg(&_sd_state, SD_RUNNING, SD_STOPPING) == SD_RUNNING)
		_sd_transport_request_exit();
}

static void _sd_report_error(struct sd_context *c)
{
	char msg[MAXSTRINGLEN + 128];

	snprintf(msg, sizeof(msg), "%s near %s", c->error,
		 c->where ? c->where : c->probe_point);
	_sd_transport_oob(SD_OOB_ERROR, msg);
	if (atomic_long_inc_return(&_sd_errors) > MAXERRORS) {
		atomic_set(&_sd_failed, 1);
		_sd_exit(c);
	}
}

/* a skipped hit; too many end the session as an error */
static void _sd_skip(struct sd_context *c)
{
	if (atomic_long_inc_return(&_sd_skipped) > MAXSKIPPED &&
	    atomic_cmpxchg(&_sd_failed, 0, 1) == 0) {
		_sd_transport_oob(SD_OOB_ERROR, "Skipped too many probes, check MAXSKIPPED or try "
				  "again with sonde -t for more details");
		_sd_exit(c);
	}
}

/*
 * MINSTACKSPACE: a hit that finds less free kernel stack than this is
 * skipped (only checked on the task's own stack, not on interrupt stacks).
 */
static bool _sd_stack_low(void)
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
 * with an error, as SystemTap does. -D STP_NO_OVERLOAD turns it off.
 */
static bool _sd_overloaded(struct sd_context *c, cycles_t start, cycles_t end)
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
 * _sd_run - run one handler on this CPU
 * @p: the probe
 * @always: run even when the session is not running (begin and end probes)
 *
 * A handler that fires while another runs on the same CPU is skipped and
 * counted, never nested.
 */
static bool _sd_run_ctx(const struct sd_probe *p, struct pt_regs *regs, void *data, bool always)
{
	bool ok;
	struct sd_context *c;
	cycles_t start;

	if (!always && atomic_read(&_sd_state) != SD_RUNNING)
		return false;
	preempt_disable();
	c = _sd_contexts[smp_processor_id()];
	if (atomic_inc_return(&c->busy) != 1) {
		atomic_dec(&c->busy);
		_sd_skip(c);
		preempt_enable();
		return false;
	}
	if (_sd_stack_low() || !_sd_lock_all(p->locks, p->nlocks)) {
		_sd_skip(c);
		atomic_dec(&c->busy);
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
	_sd_unlock_all(p->locks, p->nlocks);
	_sd_flush(c);	/* what the handler printed comes before its error */
	if (c->error && !c->aborting)
		_sd_report_error(c);
	if (_sd_overloaded(c, start, get_cycles()) && !c->aborting) {
		c->error = NULL;
		_sd_error_str(c, "probe overhead exceeded threshold");
		c->where = NULL;
		_sd_report_error(c);
		_sd_exit(c);
	}
	atomic_dec(&c->busy);
	preempt_enable();
	return ok;
}

void _sd_run(const struct sd_probe *p, struct pt_regs *regs, bool always)
{
	_sd_run_ctx(p, regs, NULL, always);
}

/* a handler with data (a kretprobe instance's); true if it ran without error */
bool _sd_run_data(const struct sd_probe *p, struct pt_regs *regs, void *data)
{
	return _sd_run_ctx(p, regs, data, false);
}

/* the library's interface (tapset/README.md) */
void _sd_error(struct sd_context *c, const char *msg)
{
	_sd_error_str(c, msg);
}

void _sd_warn(struct sd_context *c, const char *msg)
{
	_sd_transport_oob(SD_OOB_WARNING, msg);
}

/* abort(): stop at once; the error it leaves is not catchable */
void _sd_abort(struct sd_context *c)
{
	_sd_exit(c);
	c->aborting = true;
	_sd_error_str(c, "abort");
}

/* _sd_target_pid is the module parameter set by sonde-run (transport.h) */
int64_t _sd_target(struct sd_context *c)
{
	return _sd_target_pid;
}
