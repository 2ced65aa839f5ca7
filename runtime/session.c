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

void _sd_report_error(struct sd_context *c)
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
void _sd_skip(struct sd_context *c)
{
	if (atomic_long_inc_return(&_sd_skipped) > MAXSKIPPED &&
	    atomic_cmpxchg(&_sd_failed, 0, 1) == 0) {
		_sd_transport_oob(SD_OOB_ERROR, "Skipped too many probes, check MAXSKIPPED or try "
				  "again with sonde -t for more details");
		_sd_exit(c);
	}
}

/* the overload governor tripped: the session ends with an error */
void _sd_overload_stop(struct sd_context *c)
{
	c->error = NULL;
	_sd_error_str(c, "probe overhead exceeded threshold");
	c->where = NULL;
	_sd_report_error(c);
	_sd_exit(c);
}

void _sd_run(const struct sd_probe *p, struct pt_regs *regs, bool always)
{
	_sd_run_inline(p, regs, NULL, always);
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
