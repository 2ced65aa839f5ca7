// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * diag.h - error, warning, note and hint reporting with source excerpts
 *
 *   t.stp:3:18: error: undefined variable 'cnt'
 *       3 |   printf("%d\n", cnt)
 *         |                  ^~~
 *   hint: did you mean 'count'?
 *
 * Messages come from diag_msgs.def. Notes and hints attach to the error or
 * warning reported just before them and vanish with it when it is suppressed
 * (duplicate, -w, or past the error cap).
 */
#ifndef SONDE_DIAG_H
#define SONDE_DIAG_H

#include <stdio.h>

#include "session.h"

#define DIAG_MAX_ERRORS 20
#define NOLOC ((struct loc){ UINT32_MAX, 0, 0 })

void diag_error(struct session *s, struct loc loc, enum diag_code code, ...);
void diag_warning(struct session *s, struct loc loc, enum diag_code code, ...);
void diag_note(struct session *s, struct loc loc, enum diag_code code, ...);
void diag_hint(struct session *s, enum diag_code code, ...);
/* The closing line of a failed pass, e.g. "pass 2 (elaborate) failed ..." */
void diag_pass_failed(struct session *s, int pass, const char *what);
/* Forget what was printed (a new session in the same process). */
void diag_reset(void);

/* 1-based line and column of a location's start. */
void diag_linecol(struct session *s, uint32_t file, uint32_t off,
		  unsigned *line, unsigned *col);
/* "file:line:col" into buf. */
void diag_format_loc(struct session *s, struct loc loc, char *buf, size_t n);
/* "sem-undef-var" for DIAG_SEM_UNDEF_VAR */
const char *diag_code_name(enum diag_code code);
const char *diag_code_format(enum diag_code code);

/* Where diagnostics go (stderr unless a test redirects them). */
extern FILE *diag_out;

#endif
