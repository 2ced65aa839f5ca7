// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ast.h - the syntax tree of a script, built by the parser in the arena
 *
 * Every node keeps its location. Pass 2 fills in the type and symbol fields;
 * nothing else changes after parsing.
 */
#ifndef SONDE_AST_H
#define SONDE_AST_H

#include <stdbool.h>
#include <stdint.h>

#include "session.h"

enum type {
	TY_UNKNOWN,
	TY_LONG,
	TY_STRING,
	TY_STATS,
	TY_VOID,	/* function without a value */
};

/* ORDER EXPR: grep ORDER EXPR when adding kinds */
enum expr_kind {
	E_NUM,		/* num */
	E_STR,		/* str, len */
	E_VAR,		/* name: variable */
	E_INDEX,	/* name[args]: array element */
	E_CALL,		/* name(args) */
	E_TARGET,	/* $name chain, @cast(a, str, str2) chain, @var(str, str2) chain */
	E_STATOP,	/* @count(a) .. @variance(a[, b]): op = STAT_* */
	E_HIST,		/* @hist_log(a), @hist_linear(a, b, c, d): op = HIST_* */
	E_HIST_BUCKET,	/* a[b]: a is E_HIST */
	E_DEFINED,	/* @defined(a) */
	E_ENTRY,	/* @entry(a) */
	E_PROBEWRITE,	/* @probewrite(name) */
	E_CONST,	/* @const(str) */
	E_PERF,		/* @perf(str) */
	E_REGISTER,	/* @kregister(a) / @uregister(a): op = 'k' or 'u' */
	E_DEREF,	/* @kderef(a, b) / @uderef(a, b): op = 'k' or 'u' */
	E_EMBEDDED,	/* %{ str %} */
	E_UNARY,	/* op a: '-' '+' '!' '~' */
	E_PREINC,	/* ++a / --a: op = TOK_INC / TOK_DEC */
	E_POSTINC,	/* a++ / a-- */
	E_BINARY,	/* a op b: arithmetic, bitwise, shifts */
	E_LOGICAL,	/* a && b, a || b */
	E_COMPARE,	/* a op b: == != < <= > >= */
	E_REGEX,	/* a =~ "re", a !~ "re": str holds the regex */
	E_CONCAT,	/* a . b */
	E_TERNARY,	/* a ? b : c */
	E_ASSIGN,	/* a op b: '=' and compound forms, and '<<<' */
	E_IN,		/* [args] in name, args[i] may be E_WILDCARD */
	E_WILDCARD,	/* '*' as an index */
	E_ADDR,		/* &a where a is E_TARGET */
};

enum stat_op { STAT_COUNT, STAT_SUM, STAT_MIN, STAT_MAX, STAT_AVG, STAT_VARIANCE };
enum hist_op { HIST_LOG, HIST_LINEAR };
/* ORDER OPS: binary/assignment operator codes, see ast_op_name() */
enum op {
	OP_NONE,
	OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MOD,
	OP_SHL, OP_SHR, OP_SHRU, OP_AND, OP_OR, OP_XOR,
	OP_LAND, OP_LOR,
	OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE,
	OP_MATCH, OP_NMATCH,
	OP_CONCAT,
	OP_NEG, OP_PLUS, OP_NOT, OP_BITNOT,
	OP_INC, OP_DEC,
	OP_ASSIGN, OP_AGG,	/* '=' and '<<<'; compound: OP_ASSIGN + binop */
};

/* one step of a target-variable chain: ->name or [index] */
struct tcomp {
	struct loc loc;
	const char *field;	/* NULL for an index */
	struct expr *index;
};

struct symbol;
struct function;
struct tvar;

struct expr {
	enum expr_kind kind;
	enum op op;		/* operator; for E_ASSIGN the compound binop or OP_ASSIGN/OP_AGG */
	struct loc loc;
	struct expr *a, *b, *c;
	struct expr **args;
	int nargs;
	const char *name;	/* variable, array, function, target base ("$skb", "@cast", "@var") */
	const char *str;	/* string literal, regex, embedded code, @cast type */
	uint32_t len;
	const char *str2;	/* @cast / @var module */
	int64_t num;
	struct tcomp *chain;
	int nchain;
	int pretty;		/* trailing '$' count on a target */
	/* pass 2 */
	enum type type;
	struct symbol *sym;
	struct function *fn;
	struct tvar *tv;	/* E_TARGET resolved against DWARF (tvar.h) */
};

enum stmt_kind {
	S_BLOCK, S_EXPR, S_NULL, S_IF, S_WHILE, S_FOR, S_FOREACH,
	S_BREAK, S_CONTINUE, S_NEXT, S_RETURN, S_DELETE, S_TRY,
};

struct stmt {
	enum stmt_kind kind;
	struct loc loc;
	struct stmt **body;	/* S_BLOCK */
	int nbody;
	struct expr *e;		/* S_EXPR, S_IF/S_WHILE/S_FOR condition, S_RETURN, S_DELETE */
	struct expr *init, *step;	/* S_FOR */
	struct stmt *then, *els;	/* S_IF; S_WHILE/S_FOR/S_FOREACH body in then; S_TRY */
	const char *catch_var;		/* S_TRY */
	struct loc catch_loc;
	struct symbol *catch_sym;
	struct foreach *fe;
};

struct foreach {
	struct expr *value;	/* E_VAR or NULL */
	struct expr **keys;	/* E_VAR each */
	int nkeys;
	bool bracketed;		/* keys written as [k1, ...] */
	struct expr *array;	/* E_VAR, E_INDEX (slice) or E_HIST */
	int sort_key;		/* 0 none, -1 value/array, i+1 key i */
	int sort_dir;		/* +1 ascending, -1 descending */
	int sort_stat;		/* -1, or STAT_* for "a @sum-" */
	struct loc stat_loc;
	struct expr *limit;
};

/* probe point component: name, optional (arg), or a {brace, list} */
struct ppcomp {
	struct loc loc;
	const char *name;
	struct expr *arg;	/* E_NUM or E_STR, NULL if none */
	struct probe_point **alts;	/* brace list */
	int nalts;
};

struct probe_point {
	struct loc loc;
	struct ppcomp *comps;
	int ncomps;
	bool optional;		/* '?' */
	bool sufficient;	/* '!' */
	struct expr *cond;	/* if (cond) */
};

struct probe {
	struct loc loc;		/* the 'probe' keyword to the end of the points */
	uint32_t file;
	struct probe_point **points;
	int npoints;
	struct stmt *body;
	/* alias definitions */
	bool alias;
	bool epilogue;		/* '+=' */
	struct probe_point **targets;
	int ntargets;
	struct stmt *epi_body;	/* probe a = b { pro }, { epi } */
	bool private_;
};

struct param {
	struct loc loc;
	const char *name;
	enum type decl_type;	/* TY_UNKNOWN when not written */
};

struct function {
	struct loc loc;		/* the name */
	uint32_t file;
	const char *name;
	enum type decl_type;
	struct param *params;
	int nparams;
	struct stmt *body;	/* NULL for embedded */
	const char *embedded;
	struct loc body_loc;
	int64_t priority;
	bool has_priority;
	bool private_;
	/* pass 2 */
	enum type type;
	bool used;
	struct symbol **param_syms;
	struct vec locals;
};

struct global {
	struct loc loc;
	uint32_t file;
	const char *name;
	struct expr *init;	/* E_NUM or E_STR */
	int64_t maxsize;	/* a[N], 0 if none */
	bool wrap;		/* a% */
	bool private_;
	struct symbol *sym;
};

enum decl_kind { D_GLOBAL, D_PROBE, D_FUNCTION, D_EMBEDDED };

struct decl {
	enum decl_kind kind;
	union {
		struct global *global;
		struct probe *probe;
		struct function *function;
		struct {
			const char *code;
			struct loc loc;
		} embedded;
	} u;
};

/* A parsed file: its top-level declarations in source order. */
struct file_ast {
	uint32_t file;
	struct decl *decls;
	int ndecls;
	int cap;
};

struct arena;
struct expr *ast_expr(struct arena *a, enum expr_kind kind, struct loc loc);
struct stmt *ast_stmt(struct arena *a, enum stmt_kind kind, struct loc loc);
void ast_add_decl(struct arena *a, struct file_ast *f, struct decl d);
void ast_push_expr(struct arena *a, struct expr ***v, int *n, struct expr *e);
void ast_push_stmt(struct arena *a, struct stmt ***v, int *n, struct stmt *s);
struct loc loc_span(struct loc a, struct loc b);
const char *ast_op_name(enum op op);
const char *ast_type_name(enum type t);
bool ast_is_lvalue(const struct expr *e);
/* a number literal, or a unary operator on one: its value in *v */
bool ast_int_literal(const struct expr *e, int64_t *v);
struct expr *ast_clone_expr(struct arena *a, const struct expr *e);
struct stmt *ast_clone_stmt(struct arena *a, const struct stmt *s);

#endif
