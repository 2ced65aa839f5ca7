// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ere.h - POSIX extended regular expressions, compiled in pass 3
 *
 * `s =~ "re"` is compiled when the script is translated, never in probe
 * context: ere_compile() parses the literal and turns it into a small
 * program for the Pike-style matcher of runtime/regex.h, and ere_emit()
 * writes that program into the generated C as static const data.
 *
 * (The header is not called regex.h: the compiler is built with
 * -Icompiler, and types.c includes the C library's <regex.h>.)
 */
#ifndef SONDE_ERE_H
#define SONDE_ERE_H

#include <stdint.h>

#include "session.h"
#include "util.h"

/* limits, checked at translate time; see docs/language.md */
#define ERE_MAX_INSNS 512	/* instructions of one program, MATCH included */
#define ERE_MAX_GROUPS 16	/* parenthesized groups of one expression */
#define ERE_MAX_REPEAT 255	/* the largest count of {m,n} */

/*
 * ORDER ERE_OP: the runtime's enum sd_regex_op (runtime/regex.h) has the
 * same names with SD_RE_ in front; ere_emit() writes the names.
 */
enum ere_op {
	ERE_CHAR,	/* consume byte c */
	ERE_ANY,	/* consume any byte */
	ERE_CLASS,	/* consume a byte of bitmap x */
	ERE_SPLIT,	/* go on at x, and (with lower priority) at y */
	ERE_JMP,	/* go on at x */
	ERE_GSTART,	/* group x starts here; groups x+1..y (nested in x) are reset */
	ERE_GEND,	/* group x ends here */
	ERE_BOL,	/* ^ and \` : at the start of the string */
	ERE_EOL,	/* $ and \' : at the end of the string */
	ERE_WORDB,	/* \b : between a word and a non-word byte */
	ERE_NWORDB,	/* \B : not at a word boundary */
	ERE_WBEG,	/* \< : at the start of a word */
	ERE_WEND,	/* \> : at the end of a word */
	ERE_MATCH,	/* the whole expression matched */
};

struct ere_insn {
	enum ere_op op;
	int c;		/* ERE_CHAR: the byte */
	int x, y;
};

struct ere_prog {
	struct ere_insn *insns;
	int ninsns;
	uint8_t (*classes)[32];	/* 256-bit byte sets, bit b of byte b/8 */
	int nclasses;
	int ngroups;		/* parenthesized groups + 1 for the whole match */
	int nthreads;		/* consuming instructions + MATCH: threads of one list */
	int nstack;		/* entries of the matcher's work stack it can need */
};

/*
 * Compile re[0..len), the decoded text of the string literal at loc, into
 * *prog (memory from the session's arena). Errors are reported with a
 * caret on the offending part of the literal; returns 0 or -1.
 */
int ere_compile(struct session *s, struct loc loc, const char *re, size_t len,
		struct ere_prog *prog);

/* A human-readable listing of a program, one instruction a line. */
void ere_dump(const struct ere_prog *prog, struct strbuf *sb);

/*
 * The regular expressions of one generated module. ere_emit() compiles a
 * literal (once per distinct text) and returns the C name of its program,
 * "sd_re_N", or NULL after an error. ere_finish() puts the programs and the
 * sizes of the matcher's per-CPU state into the module's C source: the
 * #defines before `#include "runtime.h"`, the programs right after it.
 */
struct ere_set;
const char *ere_emit(struct session *s, struct ere_set **set, struct loc loc,
		     const char *re, size_t len);
void ere_finish(struct ere_set *set, struct strbuf *out);

#endif
