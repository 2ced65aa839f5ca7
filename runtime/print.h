/* SPDX-License-Identifier: GPL-2.0 */
/*
 * print.h - script output: gathered per CPU during a handler and handed
 * to the transport as one chunk when the handler ends (or fills it).
 */
#ifndef _SD_PRINT_H_
#define _SD_PRINT_H_

static void _sd_flush(struct sd_context *c)
{
	if (c->out_len) {
		_sd_transport_write(c->out, c->out_len);
		c->out_len = 0;
	}
}

static void _sd_print_n(struct sd_context *c, const char *s, size_t n)
{
	while (n) {
		size_t room = sizeof(c->out) - c->out_len;
		size_t k = n < room ? n : room;

		memcpy(c->out + c->out_len, s, k);
		c->out_len += k;
		s += k;
		n -= k;
		if (c->out_len == sizeof(c->out))
			_sd_flush(c);
	}
}

static void _sd_print(struct sd_context *c, const char *s)
{
	_sd_print_n(c, s, strnlen(s, MAXSTRINGLEN));
}

static void _sd_print_long(struct sd_context *c, int64_t v)
{
	char buf[24];

	_sd_print_n(c, buf, scnprintf(buf, sizeof(buf), "%lld", (long long)v));
}

/*
 * printf with a kernel format made by the translator from the script's:
 * every integer conversion takes a long long.
 */
static __printf(2, 3) void _sd_printf(struct sd_context *c, const char *fmt, ...)
{
	char buf[MAXSTRINGLEN];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	_sd_print_n(c, buf, n < (int)sizeof(buf) ? n : sizeof(buf) - 1);
}

/* sprintf: into a string buffer of MAXSTRINGLEN */
static __printf(2, 3) char *_sd_sprintf(char *out, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(out, MAXSTRINGLEN, fmt, ap);
	va_end(ap);
	return out;
}

/* a . b into out (which may not alias a or b) */
static char *_sd_concat(char *out, const char *a, const char *b)
{
	size_t n = strscpy(out, a, MAXSTRINGLEN) < 0 ? MAXSTRINGLEN - 1 : strlen(out);

	strscpy(out + n, b, MAXSTRINGLEN - n);
	return out;
}

#endif /* _SD_PRINT_H_ */
