// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tvar.c - target variables (tvar.h)
 *
 * A $name is looked up among the probed function's parameters and
 * locals, then the globals of its compilation unit. Its DWARF location at
 * the probe address (a location list entry or a single expression) is
 * turned into a C expression over the probe's pt_regs: a register's value,
 * or an address computed from registers, the frame base (at a function's
 * entry the CFA is sp + 8) or a link-time address relocated like the
 * probe itself. Each ->field or [i] then adds an offset or loads a
 * pointer, following the type (typedefs and qualifiers peeled); the last
 * step reads the scalar, bitfield or char array. Pass 3 emits every load
 * as a fault-safe read.
 */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "debuginfo.h"
#include "diag.h"
#include "elaborate.h"
#include "tvar.h"
#include "util.h"

struct ctx {
	struct session *s;
	struct dprobe *dp;
	struct expr *e;
	bool quiet;
	bool failed;
	bool ret;		/* at the function's return (not in @entry) */
	bool entry_only;	/* the location is the value at the entry, gone here */
	Dwarf_Attribute loc_attr;	/* the variable's DW_AT_location */
};

/* report once (unless quiet); every message here takes one or two strings */
static void fail(struct ctx *x, struct loc loc, enum diag_code code, const char *a, const char *b)
{
	if (!x->failed && !x->quiet)
		diag_error(x->s, loc, code, a, b);
	x->failed = true;
}

/* x86-64 DWARF register numbers to struct pt_regs members */
static const char *const regnames[] = {
	"ax", "dx", "cx", "bx", "si", "di", "bp", "sp",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "ip",
};

static const char *reg_expr(struct ctx *x, unsigned n)
{
	if (n >= ARRAY_SIZE(regnames))
		return NULL;
	return arena_strfmt(&x->s->arena, "((uint64_t)c->regs->%s)", regnames[n]);
}

/* {=== types ===} */

static Dwarf_Die *peel(Dwarf_Die *type, Dwarf_Die *out)
{
	if (dwarf_peel_type(type, out) != 0)
		return NULL;
	return out;
}

static bool type_of(Dwarf_Die *die, Dwarf_Die *out)
{
	Dwarf_Attribute a;

	return dwarf_attr_integrate(die, DW_AT_type, &a) && dwarf_formref_die(&a, out);
}

/* the C spelling of a type, as stap -L shows it ("struct sk_buff*") */
static void type_name(struct strbuf *sb, Dwarf_Die *type, int depth)
{
	Dwarf_Die t;
	const char *n = dwarf_diename(type);

	if (depth > 16) {
		sb_puts(sb, "...");
		return;
	}
	switch (dwarf_tag(type)) {
	case DW_TAG_pointer_type:
		if (type_of(type, &t))
			type_name(sb, &t, depth + 1);
		else
			sb_puts(sb, "void");
		sb_putc(sb, '*');
		return;
	case DW_TAG_const_type:
	case DW_TAG_volatile_type:
	case DW_TAG_restrict_type:
	case DW_TAG_atomic_type:
		sb_puts(sb, dwarf_tag(type) == DW_TAG_const_type ? "const " :
			dwarf_tag(type) == DW_TAG_volatile_type ? "volatile " : "");
		if (type_of(type, &t))
			type_name(sb, &t, depth + 1);
		else
			sb_puts(sb, "void");
		return;
	case DW_TAG_structure_type:
		sb_printf(sb, "struct %s", n ? n : "{...}");
		return;
	case DW_TAG_union_type:
		sb_printf(sb, "union %s", n ? n : "{...}");
		return;
	case DW_TAG_enumeration_type:
		sb_printf(sb, "enum %s", n ? n : "{...}");
		return;
	case DW_TAG_array_type:
		if (type_of(type, &t))
			type_name(sb, &t, depth + 1);
		sb_puts(sb, "[]");
		return;
	case DW_TAG_subroutine_type:
		sb_puts(sb, "func");
		return;
	default:
		sb_puts(sb, n ? n : "void");
	}
}

static const char *type_str(struct ctx *x, Dwarf_Die *type)
{
	struct strbuf sb = STRBUF_INIT;
	const char *r;

	type_name(&sb, type, 0);
	r = arena_strdup(&x->s->arena, sb.buf ? sb.buf : "void");
	sb_release(&sb);
	return r;
}

/*
 * A struct or union declared here but defined elsewhere: the definition in
 * the same CU, else the kernel's (the type index), as stap does
 */
static bool complete(struct ctx *x, Dwarf_Die *type, Dwarf_Die *out)
{
	Dwarf_Die cu, child;
	const char *name = dwarf_diename(type);
	int tag = dwarf_tag(type);

	if (!dwarf_hasattr(type, DW_AT_declaration)) {
		*out = *type;
		return true;
	}
	if (!name || !dwarf_diecu(type, &cu, NULL, NULL) || dwarf_child(&cu, &child) != 0)
		return false;
	do {
		const char *n;

		if (dwarf_tag(&child) != tag || dwarf_hasattr(&child, DW_AT_declaration))
			continue;
		n = dwarf_diename(&child);
		if (n && !strcmp(n, name)) {
			*out = child;
			return true;
		}
	} while (dwarf_siblingof(&child, &child) == 0);
	if (x->s->debuginfo && (!x->dp->di || !x->dp->di->module)) {
		uint64_t off = debuginfo_type(x->s->debuginfo, arena_strfmt(&x->s->arena, "%s %s",
					      tag == DW_TAG_union_type ? "union" : "struct", name));

		if (off && dwarf_offdie(debuginfo_dwarf(x->s, x->s->debuginfo), off, out))
			return true;
	}
	return false;
}

/* {=== locations ===} */

/*
 * The canonical frame address at the probe, as C: sp + 8 at a function's
 * entry (the return address just pushed), else the .debug_frame rule for
 * that address (a register plus an offset). NULL if unknown.
 */
static const char *cfa(struct ctx *x)
{
	struct dprobe *dp = x->dp;
	Dwarf *dw = debuginfo_dwarf(x->s, dp->di);
	Dwarf_CFI *cfi;
	Dwarf_Frame *fr = NULL;
	Dwarf_Op *ops;
	size_t n;
	const char *r = NULL, *reg;

	if (x->ret)
		return NULL;
	if (dp->func && dp->pc == dp->func->addr)
		return "((uint64_t)c->regs->sp + 8)";
	cfi = dw ? dwarf_getcfi(dw) : NULL;
	if (!cfi || dwarf_cfi_addrframe(cfi, dp->pc, &fr) != 0) {
		Dwarf_Addr bias;

		/* user code has its rules in .eh_frame */
		fr = NULL;
		if (!dp->di || !dp->di->mod || !(cfi = dwfl_module_eh_cfi(dp->di->mod, &bias)) ||
		    dwarf_cfi_addrframe(cfi, dp->pc, &fr) != 0)
			return NULL;
	}
	if (dwarf_frame_cfa(fr, &ops, &n) == 0 && n == 1 && ops[0].atom >= DW_OP_breg0 &&
	    ops[0].atom <= DW_OP_breg31 && (reg = reg_expr(x, ops[0].atom - DW_OP_breg0)))
		r = arena_strfmt(&x->s->arena, "(%s + %" PRId64 ")", reg, (int64_t)ops[0].number);
	else if (n == 1 && ops[0].atom == DW_OP_bregx && (reg = reg_expr(x, (unsigned)ops[0].number)))
		r = arena_strfmt(&x->s->arena, "(%s + %" PRId64 ")", reg, (int64_t)ops[0].number2);
	free(fr);
	return r;
}

/* A small stack machine over C expressions: the DWARF operations kernels use. */
static bool location(struct ctx *x, Dwarf_Op *ops, size_t n, struct tvar *tv)
{
	struct arena *A = &x->s->arena;
	const char *st[16];
	int sp = 0;
	bool value = false;
#define PUSH(v) do { if (sp == 16) return false; st[sp++] = (v); } while (0)
	if (n == 1 && ops[0].atom >= DW_OP_reg0 && ops[0].atom <= DW_OP_reg31) {
		tv->base = reg_expr(x, ops[0].atom - DW_OP_reg0);
		if (tv->base)
			tv->reg = regnames[ops[0].atom - DW_OP_reg0];
		return tv->base != NULL;
	}
	if (n == 1 && ops[0].atom == DW_OP_regx) {
		tv->base = reg_expr(x, (unsigned)ops[0].number);
		return tv->base != NULL;
	}
	for (size_t i = 0; i < n; i++) {
		Dwarf_Op *op = &ops[i];
		const char *r;

		if (op->atom >= DW_OP_breg0 && op->atom <= DW_OP_breg31) {
			if (!(r = reg_expr(x, op->atom - DW_OP_breg0)))
				return false;
			PUSH(arena_strfmt(A, "(%s + %" PRId64 ")", r, (int64_t)op->number));
		} else if (op->atom >= DW_OP_lit0 && op->atom <= DW_OP_lit31) {
			PUSH(arena_strfmt(A, "%dULL", op->atom - DW_OP_lit0));
		} else {
			switch (op->atom) {
			case DW_OP_fbreg:
				/* the kernel's frame base is DW_OP_call_frame_cfa */
				if (!(r = cfa(x)))
					return false;
				PUSH(arena_strfmt(A, "(%s + %" PRId64 ")", r, (int64_t)op->number));
				break;
			case DW_OP_call_frame_cfa:
				if (!(r = cfa(x)))
					return false;
				PUSH(r);
				break;
			case DW_OP_addr:
				if (x->dp->di && x->dp->di->user) {
					/* a process's global: moved by the file's load bias (PIE, libraries) */
					PUSH(x->dp->di->pie ? arena_strfmt(A, "(0x%" PRIx64 "ULL + _sd_ubias(c))",
									   (uint64_t)op->number) :
					     arena_strfmt(A, "0x%" PRIx64 "ULL", (uint64_t)op->number));
					break;
				}
				if (x->dp->di && x->dp->di->module)
					return false;	/* a module's global: where it loads is not known yet */
				PUSH(arena_strfmt(A, "_sd_reloc(0x%" PRIx64 "ULL, 0x%" PRIx64 "ULL)",
						  (uint64_t)op->number, x->s->debuginfo ? x->s->debuginfo->anchor : 0));
				break;
			case DW_OP_const1u: case DW_OP_const2u: case DW_OP_const4u:
			case DW_OP_const8u: case DW_OP_constu:
				PUSH(arena_strfmt(A, "%" PRIu64 "ULL", (uint64_t)op->number));
				break;
			case DW_OP_const1s: case DW_OP_const2s: case DW_OP_const4s:
			case DW_OP_const8s: case DW_OP_consts:
				PUSH(arena_strfmt(A, "(uint64_t)%" PRId64 "LL", (int64_t)op->number));
				break;
			case DW_OP_plus_uconst:
				if (!sp)
					return false;
				st[sp - 1] = arena_strfmt(A, "(%s + %" PRIu64 "ULL)", st[sp - 1],
							  (uint64_t)op->number);
				break;
			case DW_OP_plus: case DW_OP_minus: case DW_OP_and: case DW_OP_or:
			case DW_OP_xor: case DW_OP_shl: case DW_OP_shr: case DW_OP_mul: {
				const char *o = op->atom == DW_OP_plus ? "+" : op->atom == DW_OP_minus ? "-" :
					op->atom == DW_OP_and ? "&" : op->atom == DW_OP_or ? "|" :
					op->atom == DW_OP_xor ? "^" : op->atom == DW_OP_shl ? "<<" :
					op->atom == DW_OP_shr ? ">>" : "*";

				if (sp < 2)
					return false;
				st[sp - 2] = arena_strfmt(A, "(%s %s %s)", st[sp - 2], o, st[sp - 1]);
				sp--;
				break;
			}
			case DW_OP_neg:
				if (!sp)
					return false;
				st[sp - 1] = arena_strfmt(A, "(0 - %s)", st[sp - 1]);
				break;
			case DW_OP_stack_value:
				value = true;
				break;
			case DW_OP_entry_value:
			case DW_OP_GNU_entry_value: {
				/* at the function's entry, a register's entry value is its value */
				Dwarf_Op *sub;
				size_t nsub;
				Dwarf_Attribute attr;

				if (!x->dp->func || x->dp->pc != x->dp->func->addr || x->ret) {
					x->entry_only = true;
					return false;
				}
				if (
				    dwarf_getlocation_attr(&x->loc_attr, op, &attr) != 0 ||
				    dwarf_getlocation(&attr, &sub, &nsub) != 0 || nsub != 1)
					return false;
				if (sub[0].atom >= DW_OP_reg0 && sub[0].atom <= DW_OP_reg31)
					r = reg_expr(x, sub[0].atom - DW_OP_reg0);
				else
					return false;
				PUSH(r);
				break;
			}
			default:
				return false;
			}
		}
	}
#undef PUSH
	if (sp != 1)
		return false;
	tv->base = st[0];
	tv->base_is_addr = !value;
	return true;
}

/* {=== finding a variable ===} */

static bool find_named(Dwarf_Die *parent, const char *name, Dwarf_Die *out, int depth)
{
	Dwarf_Die child;

	if (depth > 8 || dwarf_child(parent, &child) != 0)
		return false;
	do {
		int tag = dwarf_tag(&child);
		const char *n;

		if (tag == DW_TAG_formal_parameter || tag == DW_TAG_variable) {
			n = dwarf_diename(&child);
			if (n && !strcmp(n, name)) {
				*out = child;
				return true;
			}
		} else if (tag == DW_TAG_lexical_block && find_named(&child, name, out, depth + 1)) {
			return true;
		}
	} while (dwarf_siblingof(&child, &child) == 0);
	return false;
}

/* the CU's global of that name (a definition, or a declaration to follow) */
static bool find_global(Dwarf_Die *func, const char *name, Dwarf_Die *out)
{
	Dwarf_Die cu, child;

	if (!dwarf_diecu(func, &cu, NULL, NULL) || dwarf_child(&cu, &child) != 0)
		return false;
	do {
		const char *n;

		if (dwarf_tag(&child) != DW_TAG_variable)
			continue;
		n = dwarf_diename(&child);
		if (n && !strcmp(n, name) && dwarf_hasattr_integrate(&child, DW_AT_location)) {
			*out = child;
			return true;
		}
	} while (dwarf_siblingof(&child, &child) == 0);
	return false;
}

static bool func_die(struct ctx *x, Dwarf_Die *out)
{
	Dwarf *dw = x->dp->di ? debuginfo_dwarf(x->s, x->dp->di) : NULL;

	return dw && x->dp->func && dwarf_offdie(dw, x->dp->scope_die ? x->dp->scope_die :
						   x->dp->func->die, out);
}

/* "$a $b $c": the parameters and outermost locals, for a hint */
static const char *var_names(struct ctx *x, Dwarf_Die *func)
{
	struct strbuf sb = STRBUF_INIT;
	Dwarf_Die child;
	const char *r;

	if (dwarf_child(func, &child) == 0) {
		do {
			const char *n = dwarf_diename(&child);
			int tag = dwarf_tag(&child);

			if (n && (tag == DW_TAG_formal_parameter || tag == DW_TAG_variable))
				sb_printf(&sb, "%s$%s", sb.len ? " " : "", n);
		} while (dwarf_siblingof(&child, &child) == 0);
	}
	r = arena_strdup(&x->s->arena, sb.buf ? sb.buf : "none");
	sb_release(&sb);
	return r;
}

/* {=== the chain ===} */

/* "$file->f_path" or "$argv[...]": the expression as written, for messages */
static const char *chain_text(struct ctx *x, struct expr *e)
{
	struct strbuf sb = STRBUF_INIT;
	const char *r;

	sb_puts(&sb, e->name);
	for (int i = 0; i < e->nchain; i++) {
		if (e->chain[i].field)
			sb_printf(&sb, "->%s", e->chain[i].field);
		else
			sb_puts(&sb, "[...]");
	}
	r = arena_strdup(&x->s->arena, sb.buf);
	sb_release(&sb);
	return r;
}

static void add_step(struct ctx *x, struct tvar *tv, struct tv_step st)
{
	struct tv_step *v = arena_alloc(&x->s->arena, sizeof(*v) * (size_t)(tv->nsteps + 1));

	if (tv->nsteps)
		memcpy(v, tv->steps, sizeof(*v) * (size_t)tv->nsteps);
	v[tv->nsteps++] = st;
	tv->steps = v;
}

/* a value that is a pointer -> make it an address to add to */
static void deref_pointer(struct ctx *x, struct tvar *tv)
{
	if (tv->is_addr)
		add_step(x, tv, (struct tv_step){ .kind = TV_LOAD });
	tv->is_addr = true;	/* the pointer's value, used as an address */
}

/* the member called name in a struct/union, looking into anonymous members */
static bool member(Dwarf_Die *agg, const char *name, Dwarf_Die *out, int64_t *off, int depth)
{
	Dwarf_Die child;

	if (depth > 8 || dwarf_child(agg, &child) != 0)
		return false;
	do {
		const char *n;
		Dwarf_Word loc = 0;
		Dwarf_Attribute a;
		Dwarf_Die t, pt;

		if (dwarf_tag(&child) != DW_TAG_member)
			continue;
		if (dwarf_attr(&child, DW_AT_data_member_location, &a))
			dwarf_formudata(&a, &loc);
		n = dwarf_diename(&child);
		if (n && !strcmp(n, name)) {
			*out = child;
			*off += (int64_t)loc;
			return true;
		}
		if (!n && type_of(&child, &t) && peel(&t, &pt) &&
		    (dwarf_tag(&pt) == DW_TAG_structure_type || dwarf_tag(&pt) == DW_TAG_union_type)) {
			int64_t sub = *off + (int64_t)loc;

			if (member(&pt, name, out, &sub, depth + 1)) {
				*off = sub;
				return true;
			}
		}
	} while (dwarf_siblingof(&child, &child) == 0);
	return false;
}

static void member_names(Dwarf_Die *agg, struct session *s, struct vec *out, int depth)
{
	Dwarf_Die child, t;

	if (depth > 8 || dwarf_child(agg, &child) != 0)
		return;
	do {
		const char *n = dwarf_diename(&child);

		if (dwarf_tag(&child) != DW_TAG_member)
			continue;
		if (n)
			vec_push(&s->arena, out, (void *)n);
		else if (type_of(&child, &t) && peel(&t, &t))
			member_names(&t, s, out, depth + 1);
	} while (dwarf_siblingof(&child, &child) == 0);
}

static void suggest_member(struct ctx *x, Dwarf_Die *agg, const char *name)
{
	struct vec names = {0};
	const char *sug;

	member_names(agg, x->s, &names, 0);
	sug = elab_suggest(name, (const char **)names.v, names.n);
	if (sug)
		diag_hint(x->s, DIAG_HINT_DID_YOU_MEAN, sug);
}

static int64_t array_count(Dwarf_Die *arr)
{
	Dwarf_Die sub;
	Dwarf_Attribute a;
	Dwarf_Word v;

	if (dwarf_child(arr, &sub) != 0 || dwarf_tag(&sub) != DW_TAG_subrange_type)
		return -1;
	if (dwarf_attr(&sub, DW_AT_count, &a) && dwarf_formudata(&a, &v) == 0)
		return (int64_t)v;
	if (dwarf_attr(&sub, DW_AT_upper_bound, &a) && dwarf_formudata(&a, &v) == 0)
		return (int64_t)v + 1;
	return -1;
}

static bool is_char(Dwarf_Die *t)
{
	Dwarf_Attribute a;
	Dwarf_Word enc;

	if (dwarf_tag(t) != DW_TAG_base_type || dwarf_bytesize(t) != 1 ||
	    !dwarf_attr(t, DW_AT_encoding, &a) || dwarf_formudata(&a, &enc))
		return false;
	return enc == DW_ATE_signed_char || enc == DW_ATE_unsigned_char;
}

/* the final value of type t (peeled) */
static bool finish(struct ctx *x, struct tvar *tv, Dwarf_Die *t, Dwarf_Die *mem, struct loc loc,
		   const char *what)
{
	Dwarf_Attribute a;
	Dwarf_Word enc = 0, bits;
	int size = dwarf_bytesize(t);

	switch (dwarf_tag(t)) {
	case DW_TAG_pointer_type:
		tv->final = TVF_INT;
		tv->size = 8;
		return true;
	case DW_TAG_enumeration_type:
		tv->final = TVF_INT;
		tv->size = size > 0 ? size : 4;
		{
			Dwarf_Die ut;

			tv->is_signed = true;
			if (type_of(t, &ut) && dwarf_attr(&ut, DW_AT_encoding, &a) &&
			    dwarf_formudata(&a, &enc) == 0)
				tv->is_signed = enc == DW_ATE_signed || enc == DW_ATE_signed_char;
		}
		break;
	case DW_TAG_base_type:
		if (dwarf_attr(t, DW_AT_encoding, &a))
			dwarf_formudata(&a, &enc);
		if (enc == DW_ATE_float || enc == DW_ATE_complex_float || size <= 0 || size > 8) {
			fail(x, loc, DIAG_SEM_TARGET_TYPE, what, type_str(x, t));
			return false;
		}
		tv->final = TVF_INT;
		tv->size = size;
		tv->is_signed = enc == DW_ATE_signed || enc == DW_ATE_signed_char;
		break;
	case DW_TAG_array_type: {
		Dwarf_Die et, pet;

		if (type_of(t, &et) && peel(&et, &pet) && is_char(&pet) && tv->is_addr) {
			int64_t n = array_count(t);

			tv->final = TVF_STRING;
			tv->size = n > 0 && n < 4096 ? (int)n : 4096;
			return true;
		}
		/* any other array: its address, as C would decay it */
		if (!tv->is_addr) {
			fail(x, loc, DIAG_SEM_TARGET_TYPE, what, type_str(x, t));
			return false;
		}
		tv->is_addr = false;
		tv->final = TVF_INT;
		tv->size = 8;
		return true;
	}
	default:
		fail(x, loc, DIAG_SEM_TARGET_TYPE, what, type_str(x, t));
		return false;
	}
	/* a bitfield member */
	if (mem && dwarf_attr(mem, DW_AT_bit_size, &a) && dwarf_formudata(&a, &bits) == 0) {
		Dwarf_Word boff = 0, unit = (Dwarf_Word)size;

		if (!tv->is_addr) {
			fail(x, loc, DIAG_SEM_TARGET_TYPE, what, type_str(x, t));
			return false;
		}
		if (dwarf_attr(mem, DW_AT_data_bit_offset, &a) && dwarf_formudata(&a, &boff) == 0) {
			/* DWARF 5 style: bits from the start of the struct; the last TV_ADD had the bytes */
			int64_t byte = (int64_t)(boff / 8) & ~(int64_t)(unit - 1);

			add_step(x, tv, (struct tv_step){ .kind = TV_ADD, .off = byte });
			tv->bit_off = (int)(boff - (Dwarf_Word)byte * 8);
		} else if (dwarf_attr(mem, DW_AT_bit_offset, &a) && dwarf_formudata(&a, &boff) == 0) {
			/* DWARF 2-4: from the most significant bit of the unit */
			tv->bit_off = (int)(unit * 8 - boff - bits);
		}
		tv->final = TVF_BITS;
		tv->bit_size = (int)bits;
	}
	return true;
}

static bool walk_chain(struct ctx *xp, struct tvar *tv, Dwarf_Die *type, struct expr *e,
		       bool addr_of);

static bool resolve_at(struct session *s, struct dprobe *dp, struct expr *e, bool addr_of,
		       bool quiet, bool at_entry);

bool tvar_resolve(struct session *s, struct dprobe *dp, struct expr *e, bool addr_of, bool quiet,
		  bool at_entry)
{
	uint64_t pc = dp->pc;
	bool ok;

	/* a process .return's @entry runs where the function's values are in place */
	if (!at_entry || !dp->entry_pc)
		return resolve_at(s, dp, e, addr_of, quiet, at_entry);
	dp->pc = dp->entry_pc;
	ok = resolve_at(s, dp, e, addr_of, quiet, at_entry);
	dp->pc = pc;
	return ok;
}

static bool resolve_at(struct session *s, struct dprobe *dp, struct expr *e, bool addr_of,
		       bool quiet, bool at_entry)
{
	struct ctx x = { .s = s, .dp = dp, .e = e, .quiet = quiet, .ret = dp->ret && !at_entry };
	struct tvar *tv = arena_calloc(&s->arena, 1, sizeof(*tv));
	Dwarf_Die fdie, var, type;
	const char *name = e->name + 1;	/* after '$' */

	tv->user = dp->di && dp->di->user;
	Dwarf_Op *ops;
	size_t nops;

	if (!func_die(&x, &fdie)) {
		fail(&x, e->loc, DIAG_SEM_TARGET_CONTEXT, e->name, NULL);
		return false;
	}
	if (!strcmp(name, "return")) {
		if (!x.ret) {
			fail(&x, e->loc, DIAG_SEM_TARGET_RETURN, e->name, NULL);
			return false;
		}
		if (!type_of(&fdie, &type)) {
			fail(&x, e->loc, DIAG_SEM_TARGET_VOID, dp->func->name, NULL);
			return false;
		}
		tv->base = "((uint64_t)regs_return_value(c->regs))";
		tv->reg = "ax";
	} else {
		if (!find_named(&fdie, name, &var, 0) && !find_global(&fdie, name, &var)) {
			fail(&x, e->loc, DIAG_SEM_TARGET_UNKNOWN, e->name, dp->func->name);
			if (!quiet)
				diag_hint(s, DIAG_HINT_TARGET_ALTERNATIVES, var_names(&x, &fdie));
			return false;
		}
		if (x.ret && dwarf_tag(&var) == DW_TAG_formal_parameter) {
			fail(&x, e->loc, DIAG_SEM_TARGET_IN_RETURN, e->name, e->name);
			return false;
		}
		if (!type_of(&var, &type)) {
			fail(&x, e->loc, DIAG_SEM_TARGET_TYPE, e->name, "void");
			return false;
		}
		if (!dwarf_attr_integrate(&var, DW_AT_location, &x.loc_attr)) {
			fail(&x, e->loc, DIAG_SEM_TARGET_OPTIMIZED, e->name,
			     arena_strfmt(&s->arena, "0x%" PRIx64, dp->pc));
			return false;
		}
		int n = dwarf_getlocation_addr(&x.loc_attr, dp->pc,
					       &ops, &nops, 1);

		if (n <= 0 || nops == 0) {
			fail(&x, e->loc, DIAG_SEM_TARGET_OPTIMIZED, e->name,
			     arena_strfmt(&s->arena, "0x%" PRIx64, dp->pc));
			return false;
		}
		if (!location(&x, ops, nops, tv)) {
			if (x.entry_only)
				fail(&x, e->loc, DIAG_SEM_TARGET_OPTIMIZED, e->name,
				     arena_strfmt(&s->arena, "0x%" PRIx64, dp->pc));
			else
				fail(&x, e->loc, DIAG_SEM_TARGET_LOCATION, e->name, NULL);
			return false;
		}
	}
	return walk_chain(&x, tv, &type, e, addr_of);
}

/* the ->field and [i] steps and the final read, from a value of type type */
static bool walk_chain(struct ctx *xp, struct tvar *tv, Dwarf_Die *type, struct expr *e, bool addr_of)
{
	struct ctx x = *xp;
	bool quiet = x.quiet;
	Dwarf_Die t, *cur, mem;
	bool have_mem = false;

	tv->is_addr = tv->base_is_addr;
	cur = peel(type, &t);
	if (!cur) {
		fail(&x, e->loc, DIAG_SEM_TARGET_TYPE, e->name, "?");
		return false;
	}
	for (int i = 0; i < e->nchain; i++) {
		struct tcomp *c = &e->chain[i];
		int tag = dwarf_tag(cur);
		Dwarf_Die next, agg;

		have_mem = false;
		if (c->field) {
			int64_t off = 0;

			if (tag == DW_TAG_pointer_type) {
				if (!type_of(cur, &next) || !peel(&next, &next)) {
					fail(&x, c->loc, DIAG_SEM_TARGET_FIELD, c->field, "void*");
					return false;
				}
				deref_pointer(&x, tv);
				cur = &next;
				tag = dwarf_tag(cur);
				t = next;
				cur = &t;
			}
			if ((tag != DW_TAG_structure_type && tag != DW_TAG_union_type) || !tv->is_addr) {
				fail(&x, c->loc, DIAG_SEM_TARGET_FIELD, c->field, type_str(&x, cur));
				return false;
			}
			if (!complete(&x, cur, &agg)) {
				fail(&x, c->loc, DIAG_SEM_TARGET_INCOMPLETE, type_str(&x, cur), NULL);
				return false;
			}
			if (!member(&agg, c->field, &mem, &off, 0)) {
				fail(&x, c->loc, DIAG_SEM_TARGET_NO_FIELD, c->field, type_str(&x, cur));
				if (!quiet)
					suggest_member(&x, &agg, c->field);
				return false;
			}
			if (off)
				add_step(&x, tv, (struct tv_step){ .kind = TV_ADD, .off = off });
			have_mem = true;
			if (!type_of(&mem, &next) || !peel(&next, &next)) {
				fail(&x, c->loc, DIAG_SEM_TARGET_TYPE, c->field, "void");
				return false;
			}
			t = next;
			cur = &t;
		} else {
			Dwarf_Die et;

			if (tag == DW_TAG_pointer_type) {
				deref_pointer(&x, tv);
			} else if (tag != DW_TAG_array_type || !tv->is_addr) {
				fail(&x, c->loc, DIAG_SEM_TARGET_INDEX, type_str(&x, cur), NULL);
				return false;
			}
			if (!type_of(cur, &et) || !peel(&et, &et) || dwarf_bytesize(&et) <= 0) {
				fail(&x, c->loc, DIAG_SEM_TARGET_INDEX, type_str(&x, cur), NULL);
				return false;
			}
			add_step(&x, tv, (struct tv_step){ .kind = TV_INDEX, .size = dwarf_bytesize(&et),
							   .chain = i });
			t = et;
			cur = &t;
		}
	}
	if (addr_of) {
		if (!tv->is_addr) {
			fail(&x, e->loc, DIAG_SEM_TARGET_ADDR, e->name, NULL);
			return false;
		}
		tv->is_addr = false;
		tv->final = TVF_INT;
		tv->size = 8;
	} else if (!finish(&x, tv, cur, have_mem ? &mem : NULL, e->loc, chain_text(&x, e))) {
		return false;
	}
	e->tv = tv;
	e->type = tv->final == TVF_STRING ? TY_STRING : TY_LONG;
	return true;
}

/* the CU that compiles FILE (a relative path or its tail) */
static bool cu_of_file(struct debuginfo *di, const char *file, Dwarf_Die *cu)
{
	Dwarf_Off off = 0, next;
	size_t hsize, fl = strlen(file);

	while (dwarf_nextcu(di->dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		const char *n;

		if (dwarf_offdie(di->dw, off + hsize, cu) && (n = dwarf_diename(cu))) {
			size_t nl;

			while (n[0] == '.' && n[1] == '/')
				n += 2;
			nl = strlen(n);
			if (!strcmp(n, file) || (nl > fl && n[nl - fl - 1] == '/' && !strcmp(n + nl - fl, file)))
				return true;
		}
		off = next;
	}
	return false;
}

bool tvar_var(struct session *s, struct dprobe *dp, struct expr *e, bool addr_of, bool quiet)
{
	struct dprobe none = {0};
	struct ctx x = { .s = s, .dp = dp ? dp : &none, .e = e, .quiet = quiet };
	struct tvar *tv = arena_calloc(&s->arena, 1, sizeof(*tv));
	struct debuginfo *di = debuginfo_kernel(s, e->loc);
	const char *spec = e->str ? e->str : "", *at = strchr(spec, '@');
	const char *name = at ? arena_strndup(&s->arena, spec, (size_t)(at - spec)) : spec;
	Dwarf_Die cu, child, var, type;
	bool found = false;
	uint64_t addr = 0;

	if (!di)
		return false;
	if (e->str2 && strcmp(e->str2, "kernel")) {
		fail(&x, e->loc, DIAG_SEM_CAST_MODULE, e->str2, NULL);
		return false;
	}
	if (at ? !cu_of_file(di, at + 1, &cu) :
	    !(dp && dp->func && dp->di == di && func_die(&x, &child) && dwarf_diecu(&child, &cu, NULL, NULL))) {
		fail(&x, e->loc, DIAG_SEM_VAR_UNKNOWN, spec, NULL);
		return false;
	}
	if (dwarf_child(&cu, &child) == 0) {
		do {
			const char *n = dwarf_diename(&child);

			if (dwarf_tag(&child) == DW_TAG_variable && n && !strcmp(n, name)) {
				var = child;
				found = true;
				if (dwarf_hasattr(&child, DW_AT_location))
					break;
			}
		} while (dwarf_siblingof(&child, &child) == 0);
	}
	if (!found || !type_of(&var, &type)) {
		fail(&x, e->loc, DIAG_SEM_VAR_UNKNOWN, spec, NULL);
		return false;
	}
	/* where it is: its own DW_OP_addr, else the symbol table's */
	{
		Dwarf_Attribute a;
		Dwarf_Op *ops;
		size_t n;

		if (dwarf_attr_integrate(&var, DW_AT_location, &a) && dwarf_getlocation(&a, &ops, &n) == 0 &&
		    n == 1 && ops[0].atom == DW_OP_addr)
			addr = ops[0].number;
		else
			addr = debuginfo_symbol(di, name);
	}
	if (!addr) {
		fail(&x, e->loc, DIAG_SEM_VAR_UNKNOWN, spec, NULL);
		return false;
	}
	tv->base = arena_strfmt(&s->arena, "_sd_reloc(0x%" PRIx64 "ULL, 0x%" PRIx64 "ULL)", addr,
				di->anchor);
	tv->base_is_addr = true;
	return walk_chain(&x, tv, &type, e, addr_of);
}

bool tvar_cast(struct session *s, struct expr *e, bool addr_of, bool quiet)
{
	struct dprobe none = {0};
	struct ctx x = { .s = s, .dp = &none, .e = e, .quiet = quiet };
	struct tvar *tv = arena_calloc(&s->arena, 1, sizeof(*tv));
	struct debuginfo *di = debuginfo_kernel(s, e->loc);
	const char *want = e->str ? e->str : "";
	uint64_t off = 0;
	Dwarf_Die type;

	if (!di)
		return false;
	if (e->str2 && strcmp(e->str2, "kernel")) {
		fail(&x, e->loc, DIAG_SEM_CAST_MODULE, e->str2, NULL);
		return false;
	}
	while (*want == ' ')
		want++;
	if (!strncmp(want, "struct ", 7) || !strncmp(want, "union ", 6)) {
		off = debuginfo_type(di, want);
	} else {
		off = debuginfo_type(di, arena_strfmt(&s->arena, "struct %s", want));
		if (!off)
			off = debuginfo_type(di, arena_strfmt(&s->arena, "union %s", want));
	}
	if (!off || !dwarf_offdie(debuginfo_dwarf(s, di), off, &type)) {
		fail(&x, e->loc, DIAG_SEM_CAST_TYPE, e->str ? e->str : "", NULL);
		return false;
	}
	tv->base = NULL;	/* the operand: an address */
	tv->base_is_addr = true;
	e->name = "@cast";
	if (!walk_chain(&x, tv, &type, e, addr_of))
		return false;
	return true;
}

/* one variable of $$vars: its text in the format, maybe an argument */
static void pretty_one(struct session *s, struct dprobe *dp, struct expr *e, const char *name,
		       bool param, struct strbuf *fmt, struct vec *args)
{
	struct expr *v = ast_expr(&s->arena, E_TARGET, e->loc);
	bool entry = dp->ret && param;

	v->name = arena_strfmt(&s->arena, "$%s", name);
	sb_printf(fmt, "%s%s=", fmt->len ? " " : "", name);
	if (!tvar_resolve(s, dp, v, false, true, entry)) {
		Dwarf_Die fdie, var, t;
		struct ctx x = { .s = s, .dp = dp };

		/* a struct or union value prints as {...}; anything else unreadable as ? */
		if (func_die(&x, &fdie) && find_named(&fdie, name, &var, 0) && type_of(&var, &t) &&
		    peel(&t, &t) && (dwarf_tag(&t) == DW_TAG_structure_type ||
				     dwarf_tag(&t) == DW_TAG_union_type))
			sb_puts(fmt, "{...}");
		else
			sb_putc(fmt, '?');
		return;
	}
	if (entry) {	/* kept at the entry, like @entry($name) */
		struct expr *w = ast_expr(&s->arena, E_ENTRY, e->loc);

		w->a = v;
		w->type = v->type;
		w->num = dp->entries.n;
		vec_push(&s->arena, &dp->entries, w);
		v = w;
	}
	sb_puts(fmt, v->type == TY_STRING ? "\"%s\"" : "0x%llx");
	vec_push(&s->arena, args, v);
}

/* e becomes tv, a $$vars-style string: the printf format fmt (released) over args */
static void pretty_done(struct session *s, struct expr *e, struct tvar *tv, struct strbuf *fmt,
			struct vec *args)
{
	tv->final = TVF_PRETTY;
	tv->fmt = arena_strdup(&s->arena, fmt->buf ? fmt->buf : "");
	tv->args = (struct expr **)args->v;
	tv->nargs = args->n;
	sb_release(fmt);
	e->tv = tv;
	e->type = TY_STRING;
}

bool tvar_pretty(struct session *s, struct dprobe *dp, struct expr *e)
{
	struct ctx x = { .s = s, .dp = dp, .e = e };
	const char *which = e->name + 2;	/* after "$$" */
	bool parms = !strcmp(which, "parms") || !strcmp(which, "vars");
	bool locals = !strcmp(which, "locals") || !strcmp(which, "vars");
	struct strbuf fmt = STRBUF_INIT;
	struct vec args = {0};
	Dwarf_Die fdie, child;

	if (!func_die(&x, &fdie)) {
		fail(&x, e->loc, DIAG_SEM_TARGET_CONTEXT, e->name, NULL);
		return false;
	}
	if (!strcmp(which, "return")) {
		if (!dp->ret) {
			fail(&x, e->loc, DIAG_SEM_TARGET_RETURN, e->name, NULL);
			return false;
		}
		pretty_one(s, dp, e, "return", false, &fmt, &args);
	} else if (!parms && !locals) {
		fail(&x, e->loc, DIAG_SEM_TARGET_UNKNOWN, e->name, dp->func->name);
		return false;
	} else if (dwarf_child(&fdie, &child) == 0) {
		do {
			const char *n = dwarf_diename(&child);
			int tag = dwarf_tag(&child);

			if (!n || (tag == DW_TAG_formal_parameter ? !parms :
				   tag != DW_TAG_variable || !locals || dp->ret))
				continue;
			pretty_one(s, dp, e, n, tag == DW_TAG_formal_parameter, &fmt, &args);
		} while (dwarf_siblingof(&child, &child) == 0);
	}
	pretty_done(s, e, arena_calloc(&s->arena, 1, sizeof(struct tvar)), &fmt, &args);
	return true;
}

const char *tvar_list(struct session *s, struct dprobe *dp)
{
	struct ctx x = { .s = s, .dp = dp, .quiet = true };
	Dwarf_Die fdie, child, t;
	struct strbuf sb = STRBUF_INIT;
	const char *r;

	if (!func_die(&x, &fdie))
		return "";
	if (dp->ret && type_of(&fdie, &t))
		sb_printf(&sb, " $return:%s", type_str(&x, &t));
	if (dwarf_child(&fdie, &child) == 0) {
		do {
			const char *n = dwarf_diename(&child);

			if (dwarf_tag(&child) != DW_TAG_formal_parameter || !n)
				continue;
			sb_printf(&sb, " $%s:%s", n, type_of(&child, &t) ? type_str(&x, &t) : "void");
		} while (dwarf_siblingof(&child, &child) == 0);
	}
	r = arena_strdup(&s->arena, sb.buf ? sb.buf : "");
	sb_release(&sb);
	return r;
}

/* {=== SDT markers ===} */

/* "no arguments", "1 argument ($arg1)", "3 arguments ($arg1..$arg3)" */
static const char *sdt_count(struct session *s, int n)
{
	if (!n)
		return "no arguments";
	if (n == 1)
		return "1 argument ($arg1)";
	return arena_strfmt(&s->arena, "%d arguments ($arg1..$arg%d)", n, n);
}

/* argument a of marker probe dp as a recipe: a register, a constant or the memory at an address */
static void sdt_recipe(struct session *s, struct dprobe *dp, const struct sdt_arg *a, struct tvar *tv)
{
	struct arena *A = &s->arena;
	const char *sym = "";

	tv->user = true;
	tv->final = TVF_INT;
	tv->size = a->size;
	tv->is_signed = a->is_signed;
	if (a->sym)	/* a symbol of the file: moved by its load bias (PIE, libraries) */
		sym = arena_strfmt(A, " + 0x%" PRIx64 "ULL%s", a->sym_addr,
				   dp->di->pie ? " + _sd_ubias(c)" : "");
	switch (a->kind) {
	case SDT_REG:
		tv->base = a->shift ? arena_strfmt(A, "(((uint64_t)c->regs->%s) >> %d)", a->reg, a->shift) :
			   arena_strfmt(A, "((uint64_t)c->regs->%s)", a->reg);
		if (!a->shift && a->size == 8)
			tv->reg = a->reg;	/* guru writes */
		break;
	case SDT_IMM:
		tv->base = arena_strfmt(A, "(0x%" PRIx64 "ULL%s)", (uint64_t)a->disp, sym);
		break;
	case SDT_MEM:
		tv->base = a->disp < 0 ? arena_strfmt(A, "-0x%" PRIx64 "ULL", -(uint64_t)a->disp) :
			   arena_strfmt(A, "0x%" PRIx64 "ULL", (uint64_t)a->disp);
		if (a->reg)
			tv->base = arena_strfmt(A, "%s + (uint64_t)c->regs->%s", tv->base, a->reg);
		if (a->index)
			tv->base = arena_strfmt(A, "%s + (uint64_t)c->regs->%s * %d", tv->base, a->index,
						a->scale);
		tv->base = arena_strfmt(A, "(%s%s)", tv->base, sym);
		tv->base_is_addr = true;
		break;
	}
	tv->is_addr = tv->base_is_addr;
}

/* $$parms and $$vars of a marker: "$arg1=0x2a $arg2=0x0", as stap prints them */
static void sdt_pretty(struct session *s, struct dprobe *dp, struct expr *e)
{
	struct strbuf fmt = STRBUF_INIT;
	struct vec args = {0};
	struct tvar *tv = arena_calloc(&s->arena, 1, sizeof(*tv));

	for (int i = 1; i <= dp->mark->nargs; i++) {
		struct expr *v = ast_expr(&s->arena, E_TARGET, e->loc);

		v->name = arena_strfmt(&s->arena, "$arg%d", i);
		sb_printf(&fmt, "%s$arg%d=", i > 1 ? " " : "", i);
		if (tvar_sdt(s, dp, v, false, true)) {
			sb_puts(&fmt, "0x%llx");
			vec_push(&s->arena, &args, v);
		} else {
			sb_putc(&fmt, '?');
		}
	}
	pretty_done(s, e, tv, &fmt, &args);
}

/* e becomes the string literal str */
static void to_string(struct expr *e, const char *str)
{
	e->kind = E_STR;
	e->str = str;
	e->len = (uint32_t)strlen(str);
	e->name = NULL;
	e->type = TY_STRING;
}

bool tvar_plt(struct session *s, struct dprobe *dp, struct expr *e, bool addr_of, bool quiet)
{
	if (strcmp(e->name, "$$name") || e->nchain || addr_of) {
		if (!quiet)
			diag_error(s, e->loc, DIAG_SEM_PLT_VAR, e->name);
		return false;
	}
	if (quiet) {	/* @defined */
		e->tv = arena_calloc(&s->arena, 1, sizeof(*e->tv));
		e->tv->final = TVF_PRETTY;
		e->tv->fmt = "";
		return true;
	}
	to_string(e, dp->plt);
	return true;
}

bool tvar_sdt(struct session *s, struct dprobe *dp, struct expr *e, bool addr_of, bool quiet)
{
	const struct sdt_mark *m = dp->mark;
	const char *name = e->name;
	struct tvar *tv;
	struct sdt_arg a;
	long n = 0;
	char *end = NULL;

	if (!strncmp(name, "$arg", 4) && name[4] >= '1' && name[4] <= '9')
		n = strtol(name + 4, &end, 10);
	if (!n || *end || n > 1000) {
		bool str = !strcmp(name, "$$name") || !strcmp(name, "$$provider") ||
			   !strcmp(name, "$$locals");
		bool pretty = !strcmp(name, "$$parms") || !strcmp(name, "$$vars");

		if ((str || pretty) && !e->nchain && !addr_of) {
			if (quiet) {	/* @defined: these are always there */
				e->tv = arena_calloc(&s->arena, 1, sizeof(*e->tv));
				e->tv->final = TVF_PRETTY;
				e->tv->fmt = "";
				return true;
			}
			if (pretty)
				sdt_pretty(s, dp, e);
			else	/* a marker has no locals */
				to_string(e, !strcmp(name, "$$name") ? m->name :
					  !strcmp(name, "$$provider") ? m->provider : "");
			return true;
		}
		if (!quiet) {
			diag_error(s, e->loc, (str || pretty) ? DIAG_SEM_SDT_ARG_CHAIN : DIAG_SEM_SDT_VAR,
				   name, m->name);
			if (!str && !pretty)
				diag_hint(s, DIAG_HINT_SDT_VARS);
		}
		return false;
	}
	if (n > m->nargs) {
		if (!quiet)
			diag_error(s, e->loc, DIAG_SEM_SDT_ARG_RANGE, name, m->name,
				   sdt_count(s, m->nargs));
		return false;
	}
	if (!sdt_arg_parse(s, dp->di, m, (int)n - 1, &a)) {
		if (!quiet)
			diag_error(s, e->loc, DIAG_SEM_SDT_ARG_OPERAND, name, m->name, m->args[n - 1]);
		return false;
	}
	if (e->nchain) {
		if (!quiet)
			diag_error(s, e->loc, DIAG_SEM_SDT_ARG_CHAIN, name);
		return false;
	}
	tv = arena_calloc(&s->arena, 1, sizeof(*tv));
	sdt_recipe(s, dp, &a, tv);
	if (addr_of) {
		if (!tv->is_addr) {
			if (!quiet)
				diag_error(s, e->loc, DIAG_SEM_TARGET_ADDR, name);
			return false;
		}
		tv->is_addr = false;
		tv->size = 8;
		tv->is_signed = false;
		tv->reg = NULL;
	}
	e->tv = tv;
	e->type = TY_LONG;
	return true;
}

const char *tvar_sdt_list(struct session *s, struct dprobe *dp)
{
	struct strbuf sb = STRBUF_INIT;
	const char *r;

	for (int i = 1; i <= dp->mark->nargs; i++)
		sb_printf(&sb, " $arg%d:long", i);
	r = arena_strdup(&s->arena, sb.buf ? sb.buf : "");
	sb_release(&sb);
	return r;
}
