// SPDX-License-Identifier: GPL-2.0-or-later
/* ast.c - syntax tree constructors and small queries; see ast.h */
#include <string.h>

#include "arena.h"
#include "ast.h"

struct expr *ast_expr(struct arena *a, enum expr_kind kind, struct loc loc)
{
	struct expr *e = arena_calloc(a, 1, sizeof(*e));

	e->kind = kind;
	e->loc = loc;
	return e;
}

struct stmt *ast_stmt(struct arena *a, enum stmt_kind kind, struct loc loc)
{
	struct stmt *s = arena_calloc(a, 1, sizeof(*s));

	s->kind = kind;
	s->loc = loc;
	return s;
}

void ast_add_decl(struct arena *a, struct file_ast *f, struct decl d)
{
	if (f->ndecls == f->cap) {
		int cap = f->cap ? f->cap * 2 : 16;

		f->decls = arena_grow(a, f->decls, sizeof(*f->decls) * f->cap,
				      sizeof(*f->decls) * cap);
		f->cap = cap;
	}
	f->decls[f->ndecls++] = d;
}

struct loc loc_span(struct loc a, struct loc b)
{
	if (a.file != b.file)
		return a;
	return (struct loc){ a.file, a.start < b.start ? a.start : b.start,
			     a.end > b.end ? a.end : b.end };
}

/* ORDER OPS */
const char *ast_op_name(enum op op)
{
	static const char *const names[] = {
		[OP_NONE] = "?",
		[OP_ADD] = "+", [OP_SUB] = "-", [OP_MUL] = "*", [OP_DIV] = "/",
		[OP_MOD] = "%", [OP_SHL] = "<<", [OP_SHR] = ">>", [OP_SHRU] = ">>>",
		[OP_AND] = "&", [OP_OR] = "|", [OP_XOR] = "^",
		[OP_LAND] = "&&", [OP_LOR] = "||",
		[OP_EQ] = "==", [OP_NE] = "!=", [OP_LT] = "<", [OP_LE] = "<=",
		[OP_GT] = ">", [OP_GE] = ">=", [OP_MATCH] = "=~", [OP_NMATCH] = "!~",
		[OP_CONCAT] = ".", [OP_NEG] = "-", [OP_PLUS] = "+", [OP_NOT] = "!",
		[OP_BITNOT] = "~", [OP_INC] = "++", [OP_DEC] = "--",
		[OP_ASSIGN] = "=", [OP_AGG] = "<<<",
	};

	return op < sizeof(names) / sizeof(names[0]) && names[op] ? names[op] : "?";
}

const char *ast_type_name(enum type t)
{
	switch (t) {
	case TY_LONG: return "long";
	case TY_STRING: return "string";
	case TY_STATS: return "stats";
	case TY_VOID: return "unknown";
	default: return "unknown";
	}
}

bool ast_int_literal(const struct expr *e, int64_t *v)
{
	if (e->kind == E_NUM) {
		*v = e->num;
		return true;
	}
	if (e->kind != E_UNARY || e->a->kind != E_NUM)
		return false;
	switch (e->op) {
	case OP_NEG: *v = (int64_t)(0 - (uint64_t)e->a->num); return true;
	case OP_PLUS: *v = e->a->num; return true;
	case OP_BITNOT: *v = ~e->a->num; return true;
	case OP_NOT: *v = !e->a->num; return true;
	default: return false;
	}
}

bool ast_is_lvalue(const struct expr *e)
{
	return e->kind == E_VAR || e->kind == E_INDEX || e->kind == E_TARGET;
}

/* {=== deep copies: alias bodies are instantiated once per use ===} */

static struct expr **clone_list(struct arena *a, struct expr **v, int n)
{
	struct expr **c;

	if (!n)
		return NULL;
	c = arena_alloc(a, sizeof(*c) * (size_t)n);
	for (int i = 0; i < n; i++)
		c[i] = ast_clone_expr(a, v[i]);
	return c;
}

struct expr *ast_clone_expr(struct arena *a, const struct expr *e)
{
	struct expr *c;

	if (!e)
		return NULL;
	c = arena_alloc(a, sizeof(*c));
	*c = *e;
	c->a = ast_clone_expr(a, e->a);
	c->b = ast_clone_expr(a, e->b);
	c->c = ast_clone_expr(a, e->c);
	c->args = clone_list(a, e->args, e->nargs);
	if (e->nchain) {
		c->chain = arena_alloc(a, sizeof(*c->chain) * (size_t)e->nchain);
		for (int i = 0; i < e->nchain; i++) {
			c->chain[i] = e->chain[i];
			c->chain[i].index = ast_clone_expr(a, e->chain[i].index);
		}
	}
	c->type = TY_UNKNOWN;
	c->sym = NULL;
	c->fn = NULL;
	return c;
}

struct stmt *ast_clone_stmt(struct arena *a, const struct stmt *s)
{
	struct stmt *c;

	if (!s)
		return NULL;
	c = arena_alloc(a, sizeof(*c));
	*c = *s;
	if (s->nbody) {
		c->body = arena_alloc(a, sizeof(*c->body) * (size_t)s->nbody);
		for (int i = 0; i < s->nbody; i++)
			c->body[i] = ast_clone_stmt(a, s->body[i]);
	}
	c->e = ast_clone_expr(a, s->e);
	c->init = ast_clone_expr(a, s->init);
	c->step = ast_clone_expr(a, s->step);
	c->then = ast_clone_stmt(a, s->then);
	c->els = ast_clone_stmt(a, s->els);
	c->catch_sym = NULL;
	if (s->fe) {
		struct foreach *f = arena_alloc(a, sizeof(*f));

		*f = *s->fe;
		f->value = ast_clone_expr(a, s->fe->value);
		f->keys = clone_list(a, s->fe->keys, s->fe->nkeys);
		f->array = ast_clone_expr(a, s->fe->array);
		f->limit = ast_clone_expr(a, s->fe->limit);
		c->fe = f;
	}
	return c;
}
