// SPDX-License-Identifier: GPL-2.0-or-later
/* diag.c - diagnostics printer; see diag.h */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "util.h"

FILE *diag_out;

static const char *const formats[] = {
#define D(code, fmt) fmt,
#include "diag_msgs.def"
#undef D
};

static const char *const names[] = {
#define D(code, fmt) #code,
#include "diag_msgs.def"
#undef D
};

/* true while the last error/warning was suppressed: its notes go too */
static int suppressing;

/* errors printed so far, to print each once */
static struct seen {
	int code;
	uint32_t file, start;
} seen[DIAG_MAX_ERRORS];
static int nseen;

const char *diag_code_format(enum diag_code code)
{
	return formats[code];
}

const char *diag_code_name(enum diag_code code)
{
	static char buf[64];
	const char *n = names[code];
	size_t i;

	for (i = 0; n[i] && i < sizeof(buf) - 1; i++)
		buf[i] = n[i] == '_' ? '-' : (char)tolower((unsigned char)n[i]);
	buf[i] = '\0';
	return buf;
}

static FILE *out(void)
{
	return diag_out ? diag_out : stderr;
}

static void build_lines(struct source *src)
{
	uint32_t n = 1, i, cap = 64;

	src->lines = xmalloc(cap * sizeof(uint32_t));
	src->lines[0] = 0;
	for (i = 0; i < src->len; i++) {
		if (src->text[i] != '\n')
			continue;
		if (n == cap) {
			cap *= 2;
			src->lines = xrealloc(src->lines, cap * sizeof(uint32_t));
		}
		src->lines[n++] = i + 1;
	}
	src->nlines = n;
}

void diag_linecol(struct session *s, uint32_t file, uint32_t off,
		  unsigned *line, unsigned *col)
{
	struct source *src = s->sources[file];
	uint32_t lo = 0, hi;

	if (!src->lines)
		build_lines(src);
	if (off > src->len)
		off = src->len;
	hi = src->nlines;
	while (hi - lo > 1) {
		uint32_t mid = (lo + hi) / 2;

		if (src->lines[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	*line = lo + 1;
	*col = off - src->lines[lo] + 1;
}

void diag_format_loc(struct session *s, struct loc loc, char *buf, size_t n)
{
	unsigned line, col;

	diag_linecol(s, loc.file, loc.start, &line, &col);
	snprintf(buf, n, "%s:%u:%u", s->sources[loc.file]->name, line, col);
}

/* The source line with a gutter, then ^~~~ under [start, end). */
static void excerpt(struct session *s, struct loc loc)
{
	struct source *src = s->sources[loc.file];
	unsigned line, col;
	uint32_t bol, eol, i, end;
	int width;
	char num[16];

	diag_linecol(s, loc.file, loc.start, &line, &col);
	bol = loc.start - (col - 1);
	for (eol = bol; eol < src->len && src->text[eol] != '\n'; eol++)
		;
	if (eol > bol && src->text[eol - 1] == '\r')
		eol--;
	end = loc.end > eol ? eol : loc.end;
	width = snprintf(num, sizeof(num), "%u", line);
	if (width < 4)
		width = 4;
	fprintf(out(), " %*u | ", width, line);
	for (i = bol; i < eol; i++) {
		unsigned char c = (unsigned char)src->text[i];

		/* control bytes (a NUL would end the line) show as '?' */
		fputc(c < 0x20 && c != '\t' ? '?' : c == 0x7f ? '?' : c, out());
	}
	fputc('\n', out());
	fprintf(out(), " %*s | ", width, "");
	for (i = bol; i < loc.start && i < eol; i++) {
		unsigned char c = (unsigned char)src->text[i];

		if ((c & 0xc0) == 0x80)
			continue;	/* UTF-8 continuation: no column */
		fputc(c == '\t' ? '\t' : ' ', out());
	}
	fputc('^', out());
	for (i = loc.start + 1; i < end; i++)
		if (((unsigned char)src->text[i] & 0xc0) != 0x80)
			fputc('~', out());
	fputc('\n', out());
}

static void emit(struct session *s, struct loc loc, const char *kind,
		 enum diag_code code, va_list ap)
{
	char where[512];

	if (loc.file != UINT32_MAX && loc.file < (uint32_t)s->nsources) {
		diag_format_loc(s, loc, where, sizeof(where));
		fprintf(out(), "%s: %s: ", where, kind);
	} else {
		fprintf(out(), "sonde: %s: ", kind);
	}
	vfprintf(out(), formats[code], ap);
	fputc('\n', out());
	if (loc.file != UINT32_MAX && loc.file < (uint32_t)s->nsources)
		excerpt(s, loc);
}

void diag_error(struct session *s, struct loc loc, enum diag_code code, ...)
{
	va_list ap;

	/* the same error at the same place once is enough (copies of one body) */
	for (int i = 0; i < nseen; i++) {
		if (seen[i].code == (int)code && seen[i].file == loc.file &&
		    seen[i].start == loc.start) {
			suppressing = 1;
			return;
		}
	}
	if (nseen < DIAG_MAX_ERRORS)
		seen[nseen++] = (struct seen){ (int)code, loc.file, loc.start };
	if (s->stop) {
		suppressing = 1;
		return;
	}
	suppressing = 0;
	s->last_err_code = code;
	s->last_err_file = loc.file;
	s->last_err_start = loc.start;
	s->nerrors++;
	va_start(ap, code);
	emit(s, loc, "error", code, ap);
	va_end(ap);
	if (s->nerrors >= DIAG_MAX_ERRORS) {
		fprintf(out(), "sonde: error: %s\n", formats[DIAG_PARSE_TOO_MANY_ERRORS]);
		s->stop = true;
		suppressing = 1;
	}
}

void diag_reset(void)
{
	nseen = 0;
	suppressing = 0;
}

void diag_warning(struct session *s, struct loc loc, enum diag_code code, ...)
{
	va_list ap;

	for (int i = 0; i < nseen; i++)
		if (seen[i].code == (int)code && seen[i].file == loc.file &&
		    seen[i].start == loc.start)
			return;
	if (nseen < DIAG_MAX_ERRORS)
		seen[nseen++] = (struct seen){ (int)code, loc.file, loc.start };
	if (s->no_warnings || s->stop) {
		suppressing = 1;
		return;
	}
	suppressing = 0;
	va_start(ap, code);
	if (s->warnings_fatal) {
		s->nerrors++;
		emit(s, loc, "error", code, ap);
	} else {
		s->nwarnings++;
		emit(s, loc, "warning", code, ap);
	}
	va_end(ap);
}

void diag_note(struct session *s, struct loc loc, enum diag_code code, ...)
{
	va_list ap;

	if (suppressing)
		return;
	va_start(ap, code);
	emit(s, loc, "note", code, ap);
	va_end(ap);
}

void diag_hint(struct session *s, enum diag_code code, ...)
{
	va_list ap;

	if (suppressing)
		return;
	fputs("hint: ", out());
	va_start(ap, code);
	vfprintf(out(), formats[code], ap);
	va_end(ap);
	fputc('\n', out());
}

void diag_pass_failed(struct session *s, int pass, const char *what)
{
	fprintf(out(), "sonde: pass %d (%s) failed with %d error%s; see docs/errors.md\n",
		pass, what, s->nerrors, s->nerrors == 1 ? "" : "s");
}
