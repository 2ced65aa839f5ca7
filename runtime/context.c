// SPDX-License-Identifier: GPL-2.0
/*
 * context.c - the per-CPU probe contexts (context.h)
 */

struct sd_context **_sd_contexts;
atomic_long_t _sd_skipped = ATOMIC_LONG_INIT(0);
atomic_long_t _sd_errors = ATOMIC_LONG_INIT(0);

/**
 * _sd_frame - room for a handler's or function's locals on this CPU
 * @c: the context
 * @size: bytes
 *
 * Returns NULL (with an error pending) when the room is used up.
 */
void *_sd_frame(struct sd_context *c, size_t size)
{
	void *f;

	size = ALIGN(size, 8);
	if (c->sp + size > sizeof(c->frames)) {
		c->error = "out of room for locals (SD_FRAME_BYTES); nesting too deep?";
		return NULL;
	}
	f = c->frames + c->sp;
	memset(f, 0, size);
	c->sp += size;
	return f;
}

/* Raise a run-time error unless one is pending; catchable by try/catch. */
void _sd_error_str(struct sd_context *c, const char *msg)
{
	if (c->error)
		return;
	strscpy(c->error_buf, msg, sizeof(c->error_buf));
	c->error = c->error_buf;
}

__printf(2, 3) void _sd_error_fmt(struct sd_context *c, const char *fmt, ...)
{
	va_list ap;

	if (c->error)
		return;
	va_start(ap, fmt);
	vsnprintf(c->error_buf, sizeof(c->error_buf), fmt, ap);
	va_end(ap);
	c->error = c->error_buf;
}

void _sd_contexts_free(void)
{
	unsigned int cpu;

	if (!_sd_contexts)
		return;
	for_each_possible_cpu(cpu) {
		if (_sd_contexts[cpu])
			kfree(_sd_contexts[cpu]->regex);
		kfree(_sd_contexts[cpu]);
	}
	kfree(_sd_contexts);
	_sd_contexts = NULL;
}

/**
 * _sd_contexts_alloc - the contexts of all possible CPUs, at module init
 * @regex_size: bytes of the script's regex matcher state (regex.h) per CPU,
 *	0 when the script has no =~
 */
int _sd_contexts_alloc(size_t regex_size)
{
	unsigned int cpu;

	_sd_contexts = kcalloc(nr_cpu_ids, sizeof(*_sd_contexts), GFP_KERNEL);
	if (!_sd_contexts)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		_sd_contexts[cpu] = kzalloc_node(sizeof(struct sd_context), GFP_KERNEL,
						 cpu_to_node(cpu));
		if (!_sd_contexts[cpu])
			goto fail;
		if (!regex_size)
			continue;
		_sd_contexts[cpu]->regex = kzalloc_node(regex_size, GFP_KERNEL, cpu_to_node(cpu));
		if (!_sd_contexts[cpu]->regex)
			goto fail;
	}
	return 0;
fail:
	_sd_contexts_free();
	return -ENOMEM;
}
