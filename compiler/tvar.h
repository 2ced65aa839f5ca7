// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tvar.h - target variables: $name->field[i] chains resolved against the
 * DWARF of a probed function (pass 2) into a recipe that pass 3 turns
 * into fault-safe reads of registers and kernel memory
 */
#ifndef SONDE_TVAR_H
#define SONDE_TVAR_H

#include <stdbool.h>
#include <stdint.h>

#include "ast.h"
#include "sdt.h"
#include "session.h"

struct dprobe;

/*
 * The value being computed is either an address (the object is in
 * memory there) or the value itself (in a register, or computed).
 */
enum tv_step_kind {
	TV_LOAD,	/* address -> the 8-byte pointer stored there */
	TV_ADD,		/* address or pointer value -> address + off */
	TV_INDEX,	/* address or pointer value -> address + chain[i] index * size */
};

struct tv_step {
	enum tv_step_kind kind;
	int64_t off;		/* TV_ADD */
	int64_t size;		/* TV_INDEX: element size */
	int chain;		/* TV_INDEX: which chain component holds the index */
};

enum tv_final {
	TVF_INT,	/* an integer, enum, bool or pointer of size bytes */
	TVF_BITS,	/* a bitfield */
	TVF_STRING,	/* a char array, read as a string of at most size bytes */
	TVF_PRETTY,	/* $$parms and friends, $var$: a formatted string (fmt/args) */
};

struct tvar {
	const char *base;	/* C expression: an address or a value; NULL: @cast's operand */
	bool base_is_addr;
	const char *reg;	/* the base is this pt_regs member's value (guru writes) */
	struct tv_step *steps;
	int nsteps;
	bool is_addr;		/* after the steps: an address (else a value) */
	bool user;		/* addresses are in the probed process's memory */
	enum tv_final final;
	int size;		/* bytes */
	bool is_signed;
	int bit_off, bit_size;	/* TVF_BITS: from the low bit of the size-byte unit */
	/* TVF_PRETTY: a printf format and its arguments (resolved E_TARGET or E_ENTRY) */
	const char *fmt;
	struct expr **args;
	int nargs;
};

/*
 * Resolve e (E_TARGET, or the operand of E_ADDR when addr_of) in the
 * DWARF probe dp: sets e->tv and e->type. Reports and returns false when
 * it cannot (quiet: no report, for @defined). at_entry: inside @entry()
 * of a .return probe, evaluated at the function's entry.
 */
bool tvar_resolve(struct session *s, struct dprobe *dp, struct expr *e, bool addr_of, bool quiet,
		  bool at_entry);

/*
 * Resolve @cast(addr, "struct NAME"[, "kernel"])->chain: the operand is
 * the address of such an object. Any probe or function may use it.
 */
bool tvar_cast(struct session *s, struct expr *e, bool addr_of, bool quiet);

/*
 * $$parms, $$locals, $$vars and $$return: "name=0x1f name2=0x0 ..." as
 * stap prints them (a struct "{...}", a char array quoted, an unavailable
 * variable "?"). In a .return probe the parameters are their entry values.
 * Returns false after a report.
 */
bool tvar_pretty(struct session *s, struct dprobe *dp, struct expr *e);

/*
 * @var("NAME[@FILE]"[, "kernel"])->chain: a global variable of the kernel,
 * looked up in FILE's compilation unit, or the probed function's, and
 * located through the symbol table when that unit only declares it.
 */
bool tvar_var(struct session *s, struct dprobe *dp, struct expr *e, bool addr_of, bool quiet);

/* "$skb:struct sk_buff*" and friends for -L: the variables at dp, space-separated */
const char *tvar_list(struct session *s, struct dprobe *dp);

/*
 * In the probe of an SDT marker (dp->mark): $argN (from the marker's note:
 * a register, a constant or the process's memory, of the size and
 * signedness the note gives), $$name and $$provider (become string
 * literals), $$parms and $$vars ("$arg1=0x.. $arg2=0x.."). Reports (unless
 * quiet) and returns false for anything else, and for $argN past the
 * marker's arguments.
 */
/* $$name in a process.plt probe: the imported function; anything else is an error */
bool tvar_plt(struct session *s, struct dprobe *dp, struct expr *e, bool addr_of, bool quiet);
bool tvar_sdt(struct session *s, struct dprobe *dp, struct expr *e, bool addr_of, bool quiet);

/* " $arg1:long $arg2:long" for -L */
const char *tvar_sdt_list(struct session *s, struct dprobe *dp);

#endif
