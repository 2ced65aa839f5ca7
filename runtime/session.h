/* SPDX-License-Identifier: GPL-2.0 */
/*
 * session.h - the life of a script: running handlers, reporting their
 * errors, exit(), and starting and stopping the session when the loader
 * says so (the transport calls _sd_on_start and _sd_on_exit).
 */
#ifndef _SD_SESSION_H_
#define _SD_SESSION_H_

enum sd_state { SD_LOADED, SD_RUNNING, SD_STOPPING, SD_STOPPED };

static atomic_t _sd_state = ATOMIC_INIT(SD_LOADED);

typedef void (*sd_handler_t)(struct sd_context *c);

struct sd_probe {
	sd_handler_t fn;
	const char *pp;		/* probe point, for messages */
};

/* exit(): let the current handler finish, then stop the session */
static void _sd_exit(struct sd_context *c)
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
	if (atomic_long_inc_return(&_sd_errors) > MAXERRORS)
		_sd_exit(c);
}

/**
 * _sd_run - run one handler on this CPU
 * @p: the probe
 * @always: run even when the session is not running (begin and end probes)
 *
 * A handler that fires while another runs on the same CPU is skipped and
 * counted, never nested.
 */
static void _sd_run(const struct sd_probe *p, bool always)
{
	struct sd_context *c;

	if (!always && atomic_read(&_sd_state) != SD_RUNNING)
		return;
	preempt_disable();
	c = _sd_contexts[smp_processor_id()];
	if (atomic_inc_return(&c->busy) != 1) {
		atomic_dec(&c->busy);
		if (atomic_long_inc_return(&_sd_skipped) > MAXSKIPPED)
			_sd_exit(c);
		preempt_enable();
		return;
	}
	c->actions = SD_ACTIONS;
	c->error = NULL;
	c->aborting = false;
	c->where = NULL;
	c->probe_point = p->pp;
	c->sp = 0;
	c->nesting = 0;
	p->fn(c);
	_sd_flush(c);	/* what the handler printed comes before its error */
	if (c->error && !c->aborting)
		_sd_report_error(c);
	atomic_dec(&c->busy);
	preempt_enable();
}

/* the library's interface (tapset/README.md) */
static void _sd_error(struct sd_context *c, const char *msg)
{
	_sd_error_str(c, msg);
}

static void _sd_warn(struct sd_context *c, const char *msg)
{
	_sd_transport_oob(SD_OOB_WARNING, msg);
}

/* abort(): stop at once; the error it leaves is not catchable */
static void _sd_abort(struct sd_context *c)
{
	_sd_exit(c);
	c->aborting = true;
	_sd_error_str(c, "abort");
}

/* _sd_target_pid is the module parameter set by sonde-run (transport.h) */
static int64_t _sd_target(struct sd_context *c)
{
	return _sd_target_pid;
}

#endif /* _SD_SESSION_H_ */
