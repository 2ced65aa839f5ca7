// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * format.h - the one scanner of printf formats
 *
 * A format is scanned into pieces: runs of literal text and conversions
 * %[flags][width][.precision][l]conv. Pass 2 (types.c) counts and types the
 * arguments with it, pass 3 (translate.c) turns each piece into a call of
 * the runtime's formatter (runtime/print.h).
 *
 *	struct format_scan f;
 *	struct format_piece p;
 *
 *	format_init(&f, str, len);
 *	while (format_next(&f, &p) != FORMAT_END)
 *		...
 */
#ifndef SONDE_FORMAT_H
#define SONDE_FORMAT_H

#include <stdbool.h>
#include <stdint.h>

/* ORDER FORMAT_FLAGS: runtime/print.h SD_FMT_* have the same values */
enum {
	FORMAT_LEFT = 1 << 0,	/* '-' */
	FORMAT_PLUS = 1 << 1,	/* '+' */
	FORMAT_SPACE = 1 << 2,	/* ' ' */
	FORMAT_ALT = 1 << 3,	/* '#' */
	FORMAT_ZERO = 1 << 4,	/* '0' */
};

#define FORMAT_NONE (-1)	/* no width or precision given */
#define FORMAT_STAR (-2)	/* '*': taken from the next argument, a long */

enum format_kind {
	FORMAT_END,		/* nothing left */
	FORMAT_TEXT,		/* literal bytes s[start..end); "%%" gives the text "%" */
	FORMAT_CONV,		/* a conversion, '%' at start, its character at end - 1 */
	FORMAT_BAD,		/* an invalid conversion: see below */
};

/*
 * One piece. For FORMAT_BAD, start is the '%' and end the offset of the
 * character that is not valid there; end == the format's length when the
 * format ended inside the conversion. The scan stops after a bad piece.
 */
struct format_piece {
	enum format_kind kind;
	uint32_t start, end;	/* byte offsets into the format */
	unsigned flags;		/* FORMAT_LEFT ... */
	int width;		/* FORMAT_NONE, FORMAT_STAR or a value (saturated at INT32_MAX) */
	int precision;		/* the same; a '.' without digits or '*' gives FORMAT_NONE */
	bool len_l;		/* an 'l' length modifier: accepted and ignored */
	char conv;		/* d i u x X o p s c b m M */
};

struct format_scan {
	const char *s;
	uint32_t len, pos;
	bool stopped;
};

void format_init(struct format_scan *f, const char *s, uint32_t len);
enum format_kind format_next(struct format_scan *f, struct format_piece *p);

/* how many arguments a conversion takes: 1, plus one per '*' */
int format_nargs(const struct format_piece *p);

#endif
