// SPDX-License-Identifier: GPL-2.0
/*
 * print.c - script output and the script's formatter (print.h)
 */

#ifdef __KERNEL__	/* testsuite/unit/test_format.c includes this file in user space */
#include <linux/uaccess.h>
#endif

void _sd_flush(struct sd_context *c)
{
	if (c->out_len) {
		_sd_transport_write(c->out, c->out_len);
		c->out_len = 0;
	}
}

void _sd_print_n(struct sd_context *c, const char *s, size_t n)
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

void _sd_print(struct sd_context *c, const char *s)
{
	_sd_print_n(c, s, strnlen(s, MAXSTRINGLEN));
}

void _sd_print_long(struct sd_context *c, int64_t v)
{
	char buf[24];

	_sd_print_n(c, buf, scnprintf(buf, sizeof(buf), "%lld", (long long)v));
}

/*
 * printf with a kernel format (the display of written-only globals at
 * the end); the script's printf uses the formatter below.
 */
__printf(2, 3) void _sd_printf(struct sd_context *c, const char *fmt, ...)
{
	char buf[MAXSTRINGLEN];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	_sd_print_n(c, buf, n < (int)sizeof(buf) ? n : sizeof(buf) - 1);
}

/* _sd_fmt_print - start formatting into the handler's output */
void _sd_fmt_print(struct sd_fmt *o, struct sd_context *c)
{
	o->c = c;
	o->buf = c->out + c->out_len;
	o->len = 0;
	o->room = sizeof(c->out) - c->out_len;
	o->limit = sizeof(c->out);
}

/* _sd_fmt_print_done - the formatted bytes become output */
void _sd_fmt_print_done(struct sd_fmt *o)
{
	struct sd_context *c = o->c;

	c->out_len += o->len;
	if (c->out_len == sizeof(c->out))
		_sd_flush(c);
}

/* _sd_fmt_string - start formatting into @buf of MAXSTRINGLEN bytes */
void _sd_fmt_string(struct sd_fmt *o, char *buf)
{
	o->c = NULL;
	o->buf = buf;
	o->len = 0;
	o->room = o->limit = MAXSTRINGLEN;
}

char *_sd_fmt_string_done(struct sd_fmt *o)
{
	o->buf[min_t(size_t, o->len, MAXSTRINGLEN - 1)] = '\0';
	return o->buf;
}

/*
 * Printing ran out of the output buffer: hand what came before this call
 * to the transport and move this call's bytes to the front. Since one call
 * makes at most sizeof(c->out) bytes, it then fits.
 */
static void _sd_fmt_grow(struct sd_fmt *o)
{
	struct sd_context *c = o->c;

	_sd_flush(c);
	memmove(c->out, o->buf, o->len);
	o->buf = c->out;
	o->room = sizeof(c->out);
}

/* n bytes of s (NULL: n times ch), as many as the limit allows */
void _sd_fmt_put(struct sd_fmt *o, const char *s, char ch, size_t n)
{
	n = min(n, o->limit - o->len);
	if (!n)
		return;
	if (o->len + n > o->room)
		_sd_fmt_grow(o);
	if (s)
		memcpy(o->buf + o->len, s, n);
	else
		memset(o->buf + o->len, ch, n);
	o->len += n;
}

/* _sd_fmt_text - literal text of the format */
void _sd_fmt_text(struct sd_fmt *o, const char *s, size_t n)
{
	_sd_fmt_put(o, s, 0, n);
}

/**
 * _sd_fmt_int - a number: %d %i %u %o %x %X %p
 * @o: the output
 * @v: the value
 * @conv: the conversion character
 * @flags: SD_FMT_*
 * @width: the field's width, -1 for none
 * @prec: the least number of digits, -1 for none
 */
void _sd_fmt_int(struct sd_fmt *o, int64_t v, char conv, unsigned int flags, int width,
		 int prec)
{
	const char *digits = conv == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
	u32 base = conv == 'o' ? 8 : conv == 'x' || conv == 'X' || conv == 'p' ? 16 : 10;
	char tmp[24], sign = 0;
	u64 n = (u64)v;
	int nd = 0, prefix = 0, pad;

	width = _sd_fmt_clamp(o, width);
	prec = _sd_fmt_clamp(o, prec);
	if (conv == 'p')
		flags |= SD_FMT_ALT;
	if (flags & SD_FMT_LEFT)
		flags &= ~SD_FMT_ZERO;
	if (conv == 'd' || conv == 'i') {
		if (v < 0) {
			sign = '-';
			n = 0 - (u64)v;
		} else if (flags & SD_FMT_PLUS) {
			sign = '+';
		} else if (flags & SD_FMT_SPACE) {
			sign = ' ';
		}
	}
	/* "0x" and "0" even for 0: unlike C, the prefix is always there */
	if (flags & SD_FMT_ALT)
		prefix = base == 16 ? 2 : base == 8 ? 1 : 0;
	do {
		tmp[nd++] = digits[do_div(n, base)];
	} while (n);
	if (prec < nd)
		prec = nd;
	pad = width - prec - (sign != 0) - prefix;
	if (!(flags & (SD_FMT_ZERO | SD_FMT_LEFT))) {
		_sd_fmt_fill(o, ' ', pad);
		pad = 0;
	}
	if (sign)
		_sd_fmt_putc(o, sign);
	if (prefix)
		_sd_fmt_putc(o, '0');
	if (prefix == 2)
		_sd_fmt_putc(o, conv == 'X' ? 'X' : 'x');
	if (!(flags & SD_FMT_LEFT)) {
		_sd_fmt_fill(o, '0', pad);
		pad = 0;
	}
	_sd_fmt_fill(o, '0', prec - nd);
	while (nd)
		_sd_fmt_putc(o, tmp[--nd]);
	_sd_fmt_fill(o, ' ', pad);
}

/* the letter of a C escape like \n, or 0 */
static char _sd_fmt_escape(unsigned char ch)
{
	switch (ch) {
	case '\a': return 'a';
	case '\b': return 'b';
	case '\f': return 'f';
	case '\n': return 'n';
	case '\r': return 'r';
	case '\t': return 't';
	case '\v': return 'v';
	case '\'': return '\'';
	case '\\': return '\\';
	default: return 0;
	}
}

/*
 * _sd_fmt_char - %c: one byte, NUL included. With '#', a byte that is not
 * printable ASCII, and ' and \, becomes a C escape or \ and 3 octal digits.
 */
void _sd_fmt_char(struct sd_fmt *o, int64_t v, unsigned int flags, int width)
{
	unsigned char ch = (unsigned char)v;
	char esc[4] = { (char)ch };
	int n = 1;

	width = _sd_fmt_clamp(o, width);
	if ((flags & SD_FMT_ALT) && (ch < 0x20 || ch > 0x7e || ch == '\'' || ch == '\\')) {
		esc[0] = '\\';
		esc[1] = _sd_fmt_escape(ch);
		n = 2;
		if (!esc[1]) {
			esc[1] = '0' + (ch >> 6);
			esc[2] = '0' + ((ch >> 3) & 7);
			esc[3] = '0' + (ch & 7);
			n = 4;
		}
	}
	if (!(flags & SD_FMT_LEFT))
		_sd_fmt_fill(o, ' ', width - n);
	_sd_fmt_put(o, esc, 0, n);
	if (flags & SD_FMT_LEFT)
		_sd_fmt_fill(o, ' ', width - n);
}

/*
 * _sd_fmt_bin - %b: the value's low bytes in host order. The size is the
 * precision if it is 1, 2, 4 or 8, else the width if it is, else 8; a
 * larger width pads with NUL bytes (after the value with '-').
 */
void _sd_fmt_bin(struct sd_fmt *o, int64_t v, unsigned int flags, int width, int prec)
{
	union {
		u8 v8;
		u16 v16;
		u32 v32;
		u64 v64;
		char bytes[8];
	} u;

	width = _sd_fmt_clamp(o, width);
	prec = _sd_fmt_clamp(o, prec);
	if (prec != 1 && prec != 2 && prec != 4 && prec != 8)
		prec = -1;
	if (width < 0)
		width = prec = prec < 0 ? 8 : prec;
	else if (prec < 0)
		prec = width == 1 || width == 2 || width == 4 || width == 8 ? width : 8;
	if (!(flags & SD_FMT_LEFT) && width > prec) {
		_sd_fmt_fill(o, '\0', width - prec);
		width = prec;
	}
	/* all of the value or nothing */
	if (o->limit - o->len >= (size_t)prec) {
		switch (prec) {
		case 1: u.v8 = (u8)v; break;
		case 2: u.v16 = (u16)v; break;
		case 4: u.v32 = (u32)v; break;
		default: u.v64 = (u64)v; break;
		}
		_sd_fmt_put(o, u.bytes, 0, prec);
	}
	_sd_fmt_fill(o, '\0', width - prec);
}

/*
 * _sd_fmt_str - %s: at most prec bytes of the string. With '0' a NUL byte
 * follows the field (SystemTap's way to put NULs in binary output).
 */
void _sd_fmt_str(struct sd_fmt *o, const char *s, unsigned int flags, int width, int prec)
{
	size_t n;

	width = _sd_fmt_clamp(o, width);
	prec = _sd_fmt_clamp(o, prec);
	n = strnlen(s, prec < 0 ? STP_BUFFER_SIZE : prec);
	_sd_fmt_pad(o, flags, width, n, false);
	_sd_fmt_put(o, s, 0, n);
	_sd_fmt_pad(o, flags, width, n, true);
	if (flags & SD_FMT_ZERO)
		_sd_fmt_putc(o, '\0');
}

/**
 * _sd_fmt_mem_check - the precision of %m or %M, before anything is printed
 * @c: the context
 * @prec: the precision (number of bytes)
 *
 * Returns false, with an error, for more than a page.
 */
bool _sd_fmt_mem_check(struct sd_context *c, int64_t prec)
{
	if ((u64)prec <= PAGE_SIZE)
		return true;
	_sd_error_fmt(c, "%lld is too many bytes for a memory dump", (long long)prec);
	return false;
}

/* n bytes at addr, kernel or user memory; 0 or -EFAULT */
static int _sd_fmt_read(void *dst, unsigned long addr, size_t n, bool user)
{
	if (user)
		return copy_from_user_nofault(dst, (const void __user *)addr, n) ? -EFAULT : 0;
	return copy_from_kernel_nofault(dst, (const void *)addr, n) ? -EFAULT : 0;
}

/**
 * _sd_fmt_mem - %m and %M: bytes of memory, raw or as hexadecimal digits
 * @c: the context, for a read fault
 * @o: the output
 * @addr: the address; user memory with '#', else kernel memory
 * @conv: 'm' or 'M'
 * @flags: SD_FMT_*
 * @width: the field's width, -1 for none
 * @prec: the number of bytes, default 1
 *
 * Only the bytes that fit in the output are read. A byte that cannot be
 * read raises "read fault" with its address and drops this call's output.
 */
void _sd_fmt_mem(struct sd_context *c, struct sd_fmt *o, int64_t addr, char conv,
		 unsigned int flags, int width, int prec)
{
	static const char hex[] = "0123456789abcdef";
	bool user = flags & SD_FMT_ALT;
	size_t n, shown, done = 0;
	u8 tmp[64];

	width = _sd_fmt_clamp(o, width);
	prec = _sd_fmt_clamp(o, prec);
	n = prec > 0 ? prec : 1;
	shown = conv == 'M' ? 2 * n : n;
	_sd_fmt_pad(o, flags, width, shown, false);
	n = min(n, conv == 'M' ? (o->limit - o->len) / 2 : o->limit - o->len);
	while (done < n) {
		size_t k = min(n - done, sizeof(tmp)), i;
		unsigned long at = (unsigned long)addr + done;

		if (_sd_fmt_read(tmp, at, k, user)) {
			for (i = 0; i < k && !_sd_fmt_read(tmp, at + i, 1, user); i++)
				;
			_sd_error_fmt(c, "read fault [man error::fault] at 0x%lx", at + i);
			o->len = o->limit = 0;
			return;
		}
		if (conv == 'M') {
			for (i = 0; i < k; i++) {
				_sd_fmt_putc(o, hex[tmp[i] >> 4]);
				_sd_fmt_putc(o, hex[tmp[i] & 15]);
			}
		} else {
			_sd_fmt_put(o, (const char *)tmp, 0, k);
		}
		done += k;
	}
	_sd_fmt_pad(o, flags, width, shown, true);
	if (flags & SD_FMT_ZERO)
		_sd_fmt_putc(o, '\0');
}

/* a . b into out (which may not alias a or b) */
char *_sd_concat(char *out, const char *a, const char *b)
{
	size_t n = strscpy(out, a, MAXSTRINGLEN) < 0 ? MAXSTRINGLEN - 1 : strlen(out);

	strscpy(out + n, b, MAXSTRINGLEN - n);
	return out;
}
