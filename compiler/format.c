// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * format.c - the one scanner of printf formats (see format.h)
 *
 * The syntax is SystemTap's: %[flags][width|*][.precision|.*][l]conv with
 * the flags - + space # 0 and the conversions d i u x X o p s c b m M, and
 * "%%" for a percent sign. A '.' with neither digits nor '*' after it
 * gives no precision, as in SystemTap (C would make it 0).
 */
#include <stddef.h>

#include "format.h"

void format_init(struct format_scan *f, const char *s, uint32_t len)
{
	f->s = s;
	f->len = len;
	f->pos = 0;
	f->stopped = false;
}

/* digits -> a value, saturated; '*' -> FORMAT_STAR; else FORMAT_NONE */
static int number(struct format_scan *f)
{
	int64_t v = 0;

	if (f->pos < f->len && f->s[f->pos] == '*') {
		f->pos++;
		return FORMAT_STAR;
	}
	if (f->pos >= f->len || f->s[f->pos] < '0' || f->s[f->pos] > '9')
		return FORMAT_NONE;
	while (f->pos < f->len && f->s[f->pos] >= '0' && f->s[f->pos] <= '9') {
		v = v * 10 + (f->s[f->pos++] - '0');
		if (v > INT32_MAX)
			v = INT32_MAX;
	}
	return (int)v;
}

static unsigned flag_of(char ch)
{
	switch (ch) {
	case '-': return FORMAT_LEFT;
	case '+': return FORMAT_PLUS;
	case ' ': return FORMAT_SPACE;
	case '#': return FORMAT_ALT;
	case '0': return FORMAT_ZERO;
	default: return 0;
	}
}

static bool is_conv(char ch)
{
	switch (ch) {
	case 'd': case 'i': case 'u': case 'x': case 'X': case 'o': case 'p':
	case 's': case 'c': case 'b': case 'm': case 'M':
		return true;
	default:
		return false;
	}
}

/* conversion -> '%' [flags] [width] ['.' precision] ['l'] conv */
static enum format_kind conversion(struct format_scan *f, struct format_piece *p)
{
	unsigned fl;

	p->start = f->pos++;
	p->flags = 0;
	p->width = p->precision = FORMAT_NONE;
	p->len_l = false;
	p->conv = 0;
	while (f->pos < f->len && (fl = flag_of(f->s[f->pos])) != 0) {
		p->flags |= fl;
		f->pos++;
	}
	p->width = number(f);
	if (f->pos < f->len && f->s[f->pos] == '.') {
		f->pos++;
		p->precision = number(f);
	}
	if (f->pos < f->len && f->s[f->pos] == 'l') {
		p->len_l = true;
		f->pos++;
	}
	if (f->pos >= f->len || !is_conv(f->s[f->pos])) {
		p->end = f->pos;
		f->stopped = true;
		return p->kind = FORMAT_BAD;
	}
	p->conv = f->s[f->pos++];
	p->end = f->pos;
	return p->kind = FORMAT_CONV;
}

enum format_kind format_next(struct format_scan *f, struct format_piece *p)
{
	const char *s = f->s;
	uint32_t i = f->pos;

	if (f->stopped || i >= f->len)
		return p->kind = FORMAT_END;
	if (s[i] != '%') {
		while (i < f->len && s[i] != '%')
			i++;
		p->start = f->pos;
		p->end = f->pos = i;
		return p->kind = FORMAT_TEXT;
	}
	if (i + 1 < f->len && s[i + 1] == '%') {
		p->start = i + 1;
		p->end = f->pos = i + 2;
		return p->kind = FORMAT_TEXT;
	}
	return conversion(f, p);
}

int format_nargs(const struct format_piece *p)
{
	if (p->kind != FORMAT_CONV)
		return 0;
	return 1 + (p->width == FORMAT_STAR) + (p->precision == FORMAT_STAR);
}
