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
SD_API void _sd_run(const struct sd_probe *p, struct pt_regs *regs, bool always);
SD_API bool _sd_run_data(const struct sd_probe *p, struct pt_regs *regs, void *data);
SD_API void _sd_error(struct sd_context *c, const char *msg);
SD_API void _sd_warn(struct sd_context *c, const char *msg);
SD_API void _sd_abort(struct sd_context *c);
SD_API int64_t _sd_target(struct sd_context *c);

#endif /* _SD_SESSION_H_ */
