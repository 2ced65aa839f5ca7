/* SPDX-License-Identifier: GPL-2.0 */
/*
 * context.h - the per-CPU probe context: reentrancy guard, action budget,
 * the pending run-time error, a stack for handler and function locals and
 * the output gathered during one handler.
 */
#ifndef _SD_CONTEXT_H_
#define _SD_CONTEXT_H_

struct sd_context {
	local_t busy;			/* a handler runs on this CPU (only this CPU touches it) */
	long actions;			/* statements left in this hit */
	int nesting;			/* script function depth */
	const char *probe_point;	/* for error messages */
	const struct sd_probe *probe;	/* the probe running */
	struct pt_regs *regs;		/* registers at the probe hit, NULL in begin/end */
	void *entry_data;		/* a .return probe's @entry values (kretprobe data) */
	const char *where;		/* script location of the statement running */
	const char *error;		/* pending run-time error, NULL if none */
	bool aborting;			/* abort(): the error is not catchable */
	char error_buf[MAXSTRINGLEN];
	cycles_t ovl_start, ovl_used;	/* the overload governor's window */
	size_t sp;			/* bytes of frames in use */
	char frames[SD_FRAME_BYTES];
	size_t out_len;			/* bytes gathered in out */
	char out[STP_BUFFER_SIZE];
	/*
	 * The regular expression matcher's state (regex.h), sized by the
	 * script, so allocated beside the context: NULL without =~.
	 */
	struct sd_regex_match *regex;
	unsigned int regex_ngroups;	/* groups of this handler's last match, 0 for none */
};

/* one context per possible CPU; too big for the per-CPU allocator */
extern struct sd_context **_sd_contexts;
extern atomic_long_t _sd_skipped;
extern atomic_long_t _sd_errors;


SD_API void *_sd_frame(struct sd_context *c, size_t size);
SD_API void _sd_error_str(struct sd_context *c, const char *msg);
SD_API __printf(2, 3) void _sd_error_fmt(struct sd_context *c, const char *fmt, ...);

static inline void _sd_frame_pop(struct sd_context *c, size_t size)
{
	c->sp -= ALIGN(size, 8);
}

/* One statement of the budget; false once MAXACTION is exceeded. */
static inline bool _sd_action(struct sd_context *c)
{
	if (likely(--c->actions >= 0))
		return true;
	_sd_error_str(c, "MAXACTION exceeded");
	return false;
}

static inline int64_t _sd_div(struct sd_context *c, int64_t a, int64_t b)
{
	if (unlikely(b == 0)) {
		_sd_error_str(c, "division by 0");
		return 0;
	}
	if (b == -1)
		return (int64_t)(0 - (uint64_t)a);	/* no trap on INT64_MIN / -1 */
	return div64_s64(a, b);
}

static inline int64_t _sd_mod(struct sd_context *c, int64_t a, int64_t b)
{
	if (unlikely(b == 0)) {
		_sd_error_str(c, "division by 0");
		return 0;
	}
	if (b == 1 || b == -1)
		return 0;
	return a - div64_s64(a, b) * b;
}

/* a / b and a % b that name the operator when b is 0 (where: its location) */
static inline int64_t _sd_div_at(struct sd_context *c, int64_t a, int64_t b, const char *where)
{
	if (unlikely(b == 0) && !c->error)
		c->where = where;
	return _sd_div(c, a, b);
}

static inline int64_t _sd_mod_at(struct sd_context *c, int64_t a, int64_t b, const char *where)
{
	if (unlikely(b == 0) && !c->error)
		c->where = where;
	return _sd_mod(c, a, b);
}

SD_API void _sd_contexts_free(void);
SD_API int _sd_contexts_alloc(size_t regex_size);

#endif /* _SD_CONTEXT_H_ */
