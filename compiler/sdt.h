// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sdt.h - SDT (USDT) markers of a user executable or library: the
 * <sys/sdt.h> notes in .note.stapsdt and their argument operands, for
 * process("PATH").provider("P").mark("NAME") probes and their $argN
 */
#ifndef SONDE_SDT_H
#define SONDE_SDT_H

#include <stdbool.h>
#include <stdint.h>

#include "session.h"

struct debuginfo;

struct sdt_mark {
	const char *provider;
	const char *name;
	uint64_t pc;		/* link-time address of the marker, adjusted by .stapsdt.base */
	uint64_t semaphore;	/* link-time address of its semaphore, 0 if none */
	const char **args;	/* the operands as the note spells them ("-4@%edi") */
	int nargs;
};

enum sdt_arg_kind {
	SDT_REG,	/* a register's value */
	SDT_MEM,	/* the value in the process's memory at an address */
	SDT_IMM,	/* a constant */
};

/* one operand, parsed: a size and an AT&T operand of x86-64 */
struct sdt_arg {
	int size;		/* bytes: 1, 2, 4 or 8 */
	bool is_signed;
	enum sdt_arg_kind kind;
	const char *reg;	/* SDT_REG: its pt_regs member; SDT_MEM: the base register, or NULL */
	int shift;		/* SDT_REG: 8 for %ah, %bh, %ch, %dh */
	const char *index;	/* SDT_MEM: the index register, or NULL */
	int scale;		/* SDT_MEM: 1, 2, 4 or 8 */
	int64_t disp;		/* SDT_MEM: displacement (after sym); SDT_IMM: the value */
	const char *sym;	/* SDT_MEM: a symbol whose address is added, or NULL */
	uint64_t sym_addr;	/* its link-time address */
};

/*
 * The markers of user file di (struct sdt_mark *, in the order of the
 * notes), read once per file. NULL when the file has none.
 */
const struct vec *sdt_marks(struct session *s, struct debuginfo *di);

/*
 * Parse argument i (from 0) of marker m. False when sonde cannot read it
 * (a floating-point register, an unknown symbol, a malformed operand).
 */
bool sdt_arg_parse(struct session *s, struct debuginfo *di, const struct sdt_mark *m, int i,
		   struct sdt_arg *out);

/* does NAME match pattern pat (fnmatch), also with each "__" of NAME as "-"? */
bool sdt_name_match(struct session *s, const char *pat, const char *name);

#endif
