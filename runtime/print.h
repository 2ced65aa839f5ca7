/* SPDX-License-Identifier: GPL-2.0 */
/*
 * print.h - script output: gathered per CPU during a handler and handed
 * to the transport as one chunk when the handler ends (or fills it).
 */
#ifndef _SD_PRINT_H_
#define _SD_PRINT_H_

/* SD_API: the linkage of the runtime's functions (runtime.h); extern outside it */
#ifndef SD_API
#define SD_API
#endif

SD_API void _sd_flush(struct sd_context *c);
SD_API void _sd_print_n(struct sd_context *c, const char *s, size_t n);
SD_API void _sd_print(struct sd_context *c, const char *s);
SD_API void _sd_print_long(struct sd_context *c, int64_t v);
SD_API __printf(2, 3) void _sd_printf(struct sd_context *c, const char *fmt, ...);

/* {=== the script's formatter: printf and the rest of the print family ===} */

/*
 * The translator turns a format into one call per piece (literal text or
 * a conversion) on a struct sd_fmt, which gathers the output either in the
 * handler's output buffer (printing) or in a string of MAXSTRINGLEN
 * (sprintf). The conversions behave as SystemTap's, which differ from the
 * kernel's vsnprintf: %#o of 0 is "00", %p is %#x of 64 bits (0 is "0x0"),
 * a negative '*' width or precision counts as 0, %0s appends a NUL byte,
 * %#c escapes, %b writes raw bytes and %m/%M read memory.
 *
 * Widths and precisions are clamped to the room left, so every loop is
 * bounded: one printf produces at most STP_BUFFER_SIZE bytes, one sprintf
 * MAXSTRINGLEN - 1.
 */

/* ORDER FORMAT_FLAGS: compiler/format.h FORMAT_* have the same values */
#define SD_FMT_LEFT	0x01	/* '-' */
#define SD_FMT_PLUS	0x02	/* '+' */
#define SD_FMT_SPACE	0x04	/* ' ' */
#define SD_FMT_ALT	0x08	/* '#' */
#define SD_FMT_ZERO	0x10	/* '0' */

/* a width or precision taken from an argument ('*'): an int, negative is 0 */
#define SD_FMT_ARG(v) max_t(int, (int)(v), 0)

struct sd_fmt {
	struct sd_context *c;	/* printing: buf is c->out + c->out_len */
	char *buf;
	size_t len;		/* bytes formatted */
	size_t room;		/* bytes buf can hold */
	size_t limit;		/* bytes this call may produce in all */
};

SD_API void _sd_fmt_print(struct sd_fmt *o, struct sd_context *c);
SD_API void _sd_fmt_print_done(struct sd_fmt *o);
SD_API void _sd_fmt_string(struct sd_fmt *o, char *buf);
SD_API char *_sd_fmt_string_done(struct sd_fmt *o);
SD_API void _sd_fmt_put(struct sd_fmt *o, const char *s, char ch, size_t n);
static inline void _sd_fmt_putc(struct sd_fmt *o, char ch)
{
	_sd_fmt_put(o, NULL, ch, 1);
}

static inline void _sd_fmt_fill(struct sd_fmt *o, char ch, int n)
{
	if (n > 0)
		_sd_fmt_put(o, NULL, ch, n);
}

/* a width or precision: none (negative) stays, others fit the room left */
static inline int _sd_fmt_clamp(const struct sd_fmt *o, int v)
{
	return v < 0 ? -1 : (int)min_t(size_t, v, o->limit - o->len);
}

SD_API void _sd_fmt_text(struct sd_fmt *o, const char *s, size_t n);
SD_API void _sd_fmt_int(struct sd_fmt *o, int64_t v, char conv, unsigned int flags, int width,
			int prec);
SD_API void _sd_fmt_char(struct sd_fmt *o, int64_t v, unsigned int flags, int width);
SD_API void _sd_fmt_bin(struct sd_fmt *o, int64_t v, unsigned int flags, int width, int prec);

/* spaces up to the width of a field of shown bytes: before it, or after it with '-' */
static inline void _sd_fmt_pad(struct sd_fmt *o, unsigned int flags, int width, size_t shown,
			       bool after)
{
	bool left = flags & SD_FMT_LEFT;

	if (left == after && width > 0 && (size_t)width > shown)
		_sd_fmt_fill(o, ' ', width - (int)shown);
}

SD_API void _sd_fmt_str(struct sd_fmt *o, const char *s, unsigned int flags, int width, int prec);
SD_API bool _sd_fmt_mem_check(struct sd_context *c, int64_t prec);
SD_API void _sd_fmt_mem(struct sd_context *c, struct sd_fmt *o, int64_t addr, char conv,
			unsigned int flags, int width, int prec);
SD_API char *_sd_concat(char *out, const char *a, const char *b);

#endif /* _SD_PRINT_H_ */
