// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pretty.c - canonical source printer (see pretty.h)
 *
 * Parentheses are printed only where precedence needs them, one statement
 * per line, simple statements end in ';' (statements need no separator, so
 * without it "a\n-b" would re-parse as "a - b").
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "pretty.h"

/* precedence levels, lowest first (docs/language.md) */
enum prec {
	P_ASSIGN = 1, P_TERNARY, P_LOR, P_LAND, P_BOR, P_BXOR, P_BAND, P_IN,
	P_CMP, P_SHIFT, P_CONCAT, P_ADD, P_MUL, P_UNARY, P_CREMENT, P_POSTFIX,
	P_PRIMARY,
};

static int prec_of(const struct expr *e)
{
	switch (e->kind) {
	case E_ASSIGN: return P_ASSIGN;
	case E_TERNARY: return P_TERNARY;
	case E_LOGICAL: return e->op == OP_LOR ? P_LOR : P_LAND;
	case E_BINARY:
		switch (e->op) {
		case OP_OR: return P_BOR;
		case OP_XOR: return P_BXOR;
		case OP_AND: return P_BAND;
		case OP_SHL: case OP_SHR: case OP_SHRU: return P_SHIFT;
		case OP_ADD: case OP_SUB: return P_ADD;
		default: return P_MUL;
		}
	case E_IN: return P_IN;
	case E_COMPARE: case E_REGEX: return P_CMP;
	case E_CONCAT: return P_CONCAT;
	case E_UNARY: case E_ADDR: return P_UNARY;
	case E_PREINC: return P_CREMENT;
	case E_POSTINC: return P_POSTFIX;
	default: return P_PRIMARY;
	}
}

void pretty_string(struct strbuf *sb, const char *s, size_t len)
{
	sb_putc(sb, '"');
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '"': sb_puts(sb, "\\\""); break;
		case '\\': sb_puts(sb, "\\\\"); break;
		case '\n': sb_puts(sb, "\\n"); break;
		case '\t': sb_puts(sb, "\\t"); break;
		case '\r': sb_puts(sb, "\\r"); break;
		case '\a': sb_puts(sb, "\\a"); break;
		case '\b': sb_puts(sb, "\\b"); break;
		case '\f': sb_puts(sb, "\\f"); break;
		case '\v': sb_puts(sb, "\\v"); break;
		default:
			if (c < 0x20 || c == 0x7f)
				sb_printf(sb, "\\%03o", c);
			else
				sb_putc(sb, (char)c);
		}
	}
	sb_putc(sb, '"');
}

static void number(struct strbuf *sb, int64_t v)
{
	if (v == INT64_MIN)
		sb_puts(sb, "0x8000000000000000");
	else
		sb_printf(sb, "%" PRId64, v);
}

static void sub(struct strbuf *sb, const struct expr *e, int min_prec)
{
	if (prec_of(e) < min_prec) {
		sb_putc(sb, '(');
		pretty_expr(sb, e);
		sb_putc(sb, ')');
	} else {
		pretty_expr(sb, e);
	}
}

static void list(struct strbuf *sb, struct expr **v, int n)
{
	for (int i = 0; i < n; i++) {
		if (i)
			sb_puts(sb, ", ");
		pretty_expr(sb, v[i]);
	}
}

static const char *const stat_names[] = {
	"@count", "@sum", "@min", "@max", "@avg", "@variance",
};

void pretty_expr(struct strbuf *sb, const struct expr *e)
{
	int p = prec_of(e);

	switch (e->kind) {
	case E_NUM:
		number(sb, e->num);
		break;
	case E_STR:
		pretty_string(sb, e->str, e->len);
		break;
	case E_VAR:
		sb_puts(sb, e->name);
		break;
	case E_INDEX:
		sb_printf(sb, "%s[", e->name);
		list(sb, e->args, e->nargs);
		sb_putc(sb, ']');
		break;
	case E_CALL:
		sb_printf(sb, "%s(", e->name);
		list(sb, e->args, e->nargs);
		sb_putc(sb, ')');
		break;
	case E_TARGET:
		if (!e->name) {
			/* (x)[0] indexes a pointer value; x[0] would be an array */
			if (e->a->kind == E_VAR && e->nchain && !e->chain[0].field) {
				sb_putc(sb, '(');
				pretty_expr(sb, e->a);
				sb_putc(sb, ')');
			} else {
				sub(sb, e->a, P_PRIMARY);
			}
		} else if (!strcmp(e->name, "@cast")) {
			sb_puts(sb, "@cast(");
			pretty_expr(sb, e->a);
			sb_puts(sb, ", ");
			pretty_string(sb, e->str, strlen(e->str));
			if (e->str2) {
				sb_puts(sb, ", ");
				pretty_string(sb, e->str2, strlen(e->str2));
			}
			sb_putc(sb, ')');
		} else if (!strcmp(e->name, "@var")) {
			sb_puts(sb, "@var(");
			pretty_string(sb, e->str, strlen(e->str));
			if (e->str2) {
				sb_puts(sb, ", ");
				pretty_string(sb, e->str2, strlen(e->str2));
			}
			sb_putc(sb, ')');
		} else {
			sb_puts(sb, e->name);
		}
		for (int i = 0; i < e->nchain; i++) {
			if (e->chain[i].field) {
				sb_printf(sb, "->%s", e->chain[i].field);
			} else {
				sb_putc(sb, '[');
				pretty_expr(sb, e->chain[i].index);
				sb_putc(sb, ']');
			}
		}
		for (int i = 0; i < e->pretty; i++)
			sb_putc(sb, '$');
		break;
	case E_STATOP:
		sb_printf(sb, "%s(", stat_names[e->op]);
		pretty_expr(sb, e->a);
		if (e->b) {
			sb_puts(sb, ", ");
			pretty_expr(sb, e->b);
		}
		sb_putc(sb, ')');
		break;
	case E_HIST:
		sb_puts(sb, (int)e->op == HIST_LOG ? "@hist_log(" : "@hist_linear(");
		pretty_expr(sb, e->a);
		for (int i = 0; i < e->nargs; i++) {
			sb_puts(sb, ", ");
			pretty_expr(sb, e->args[i]);
		}
		sb_putc(sb, ')');
		break;
	case E_HIST_BUCKET:
		pretty_expr(sb, e->a);
		sb_putc(sb, '[');
		pretty_expr(sb, e->b);
		sb_putc(sb, ']');
		break;
	case E_DEFINED:
	case E_ENTRY:
		sb_puts(sb, e->kind == E_DEFINED ? "@defined(" : "@entry(");
		pretty_expr(sb, e->a);
		sb_putc(sb, ')');
		break;
	case E_PROBEWRITE:
		sb_printf(sb, "@probewrite(%s)", e->name);
		break;
	case E_CONST:
	case E_PERF:
		sb_puts(sb, e->kind == E_CONST ? "@const(" : "@perf(");
		pretty_string(sb, e->str, e->len);
		sb_putc(sb, ')');
		break;
	case E_REGISTER:
		sb_puts(sb, (int)e->op == 'k' ? "@kregister(" : "@uregister(");
		pretty_expr(sb, e->a);
		sb_putc(sb, ')');
		break;
	case E_DEREF:
		sb_puts(sb, (int)e->op == 'k' ? "@kderef(" : "@uderef(");
		pretty_expr(sb, e->a);
		sb_puts(sb, ", ");
		pretty_expr(sb, e->b);
		sb_putc(sb, ')');
		break;
	case E_EMBEDDED:
		sb_printf(sb, "%%{%s%%}", e->str);
		break;
	case E_UNARY:
	case E_ADDR: {
		size_t at;

		sb_puts(sb, ast_op_name(e->op));
		at = sb->len;
		sub(sb, e->a, P_UNARY);
		/* "- -x" and "- --x" must not lex as "--" */
		if ((sb->buf[at] == '-' || sb->buf[at] == '+' || sb->buf[at] == '&') &&
		    sb->buf[at] == sb->buf[at - 1]) {
			sb_putc(sb, ' ');
			memmove(sb->buf + at + 1, sb->buf + at, sb->len - at - 1);
			sb->buf[at] = ' ';
		}
		break;
	}
	case E_PREINC:
		sb_puts(sb, ast_op_name(e->op));
		sub(sb, e->a, P_CREMENT);
		break;
	case E_POSTINC:
		sub(sb, e->a, P_POSTFIX);
		sb_puts(sb, ast_op_name(e->op));
		break;
	case E_BINARY:
	case E_LOGICAL:
	case E_COMPARE:
	case E_REGEX:
	case E_CONCAT:
		sub(sb, e->a, p);
		sb_printf(sb, " %s ", ast_op_name(e->op));
		sub(sb, e->b, p + 1);
		break;
	case E_TERNARY:
		sub(sb, e->a, P_TERNARY + 1);
		sb_puts(sb, " ? ");
		pretty_expr(sb, e->b);
		sb_puts(sb, " : ");
		sub(sb, e->c, P_TERNARY);
		break;
	case E_ASSIGN:
		sub(sb, e->a, P_TERNARY);
		if (e->op == OP_ASSIGN || e->op == OP_AGG)
			sb_printf(sb, " %s ", ast_op_name(e->op));
		else
			sb_printf(sb, " %s= ", ast_op_name(e->op));
		sub(sb, e->b, P_ASSIGN);
		break;
	case E_IN:
		if (e->nargs == 1 && e->args[0]->kind != E_WILDCARD) {
			sub(sb, e->args[0], P_CMP);
		} else {
			sb_putc(sb, '[');
			list(sb, e->args, e->nargs);
			sb_putc(sb, ']');
		}
		sb_printf(sb, " in %s", e->name);
		break;
	case E_WILDCARD:
		sb_putc(sb, '*');
		break;
	}
}

static void indent_to(struct strbuf *sb, int n)
{
	for (int i = 0; i < n; i++)
		sb_putc(sb, '\t');
}

static void sort_mark(struct strbuf *sb, const struct foreach *fe, int key)
{
	if (fe->sort_dir && fe->sort_key == key)
		sb_putc(sb, fe->sort_dir > 0 ? '+' : '-');
}

static void foreach_head(struct strbuf *sb, const struct foreach *fe)
{
	sb_puts(sb, "foreach (");
	if (fe->value) {
		sb_puts(sb, fe->value->name);
		sort_mark(sb, fe, -1);
		sb_puts(sb, " = ");
	}
	if (fe->bracketed || fe->nkeys > 1)
		sb_putc(sb, '[');
	for (int i = 0; i < fe->nkeys; i++) {
		if (i)
			sb_puts(sb, ", ");
		sb_puts(sb, fe->keys[i]->name);
		sort_mark(sb, fe, i + 1);
	}
	if (fe->bracketed || fe->nkeys > 1)
		sb_putc(sb, ']');
	sb_puts(sb, " in ");
	pretty_expr(sb, fe->array);
	if (fe->sort_stat >= 0)
		sb_printf(sb, " %s", stat_names[fe->sort_stat]);
	if (!fe->value)
		sort_mark(sb, fe, -1);
	if (fe->limit) {
		sb_puts(sb, " limit ");
		pretty_expr(sb, fe->limit);
	}
	sb_putc(sb, ')');
}

/* a statement that is the body of if/while/for: block on the same line */
static void body(struct strbuf *sb, const struct stmt *s, int indent)
{
	if (s->kind == S_BLOCK) {
		sb_putc(sb, ' ');
		pretty_stmt(sb, s, indent);
	} else {
		sb_putc(sb, '\n');
		indent_to(sb, indent + 1);
		pretty_stmt(sb, s, indent + 1);
	}
}

void pretty_stmt(struct strbuf *sb, const struct stmt *s, int indent)
{
	switch (s->kind) {
	case S_BLOCK:
		sb_puts(sb, "{\n");
		for (int i = 0; i < s->nbody; i++) {
			indent_to(sb, indent + 1);
			pretty_stmt(sb, s->body[i], indent + 1);
			sb_putc(sb, '\n');
		}
		indent_to(sb, indent);
		sb_putc(sb, '}');
		break;
	case S_EXPR:
		pretty_expr(sb, s->e);
		sb_putc(sb, ';');
		break;
	case S_NULL:
		sb_putc(sb, ';');
		break;
	case S_IF:
		sb_puts(sb, "if (");
		pretty_expr(sb, s->e);
		sb_putc(sb, ')');
		body(sb, s->then, indent);
		if (s->els) {
			if (s->then->kind == S_BLOCK) {
				sb_puts(sb, " else");
			} else {
				sb_putc(sb, '\n');
				indent_to(sb, indent);
				sb_puts(sb, "else");
			}
			if (s->els->kind == S_IF) {
				sb_putc(sb, ' ');
				pretty_stmt(sb, s->els, indent);
			} else {
				body(sb, s->els, indent);
			}
		}
		break;
	case S_WHILE:
		sb_puts(sb, "while (");
		pretty_expr(sb, s->e);
		sb_putc(sb, ')');
		body(sb, s->then, indent);
		break;
	case S_FOR:
		sb_puts(sb, "for (");
		if (s->init)
			pretty_expr(sb, s->init);
		sb_puts(sb, "; ");
		if (s->e)
			pretty_expr(sb, s->e);
		sb_puts(sb, "; ");
		if (s->step)
			pretty_expr(sb, s->step);
		sb_putc(sb, ')');
		body(sb, s->then, indent);
		break;
	case S_FOREACH:
		foreach_head(sb, s->fe);
		body(sb, s->then, indent);
		break;
	case S_BREAK:
		sb_puts(sb, "break;");
		break;
	case S_CONTINUE:
		sb_puts(sb, "continue;");
		break;
	case S_NEXT:
		sb_puts(sb, "next;");
		break;
	case S_RETURN:
		sb_puts(sb, "return");
		if (s->e) {
			sb_putc(sb, ' ');
			pretty_expr(sb, s->e);
		}
		sb_putc(sb, ';');
		break;
	case S_DELETE:
		sb_puts(sb, "delete ");
		pretty_expr(sb, s->e);
		sb_putc(sb, ';');
		break;
	case S_TRY:
		sb_puts(sb, "try ");
		pretty_stmt(sb, s->then, indent);
		sb_puts(sb, " catch ");
		if (s->catch_var)
			sb_printf(sb, "(%s) ", s->catch_var);
		pretty_stmt(sb, s->els, indent);
		break;
	}
}

void pretty_probe_point(struct strbuf *sb, const struct probe_point *pp)
{
	for (int i = 0; i < pp->ncomps; i++) {
		const struct ppcomp *c = &pp->comps[i];

		if (i)
			sb_putc(sb, '.');
		if (c->alts) {
			sb_putc(sb, '{');
			for (int k = 0; k < c->nalts; k++) {
				if (k)
					sb_putc(sb, ',');
				pretty_probe_point(sb, c->alts[k]);
			}
			sb_putc(sb, '}');
			continue;
		}
		sb_puts(sb, c->name);
		if (c->arg) {
			sb_putc(sb, '(');
			pretty_expr(sb, c->arg);
			sb_putc(sb, ')');
		}
	}
	if (pp->optional && !pp->sufficient)
		sb_putc(sb, '?');
	if (pp->sufficient)
		sb_putc(sb, '!');
	if (pp->cond) {
		sb_puts(sb, " if (");
		pretty_expr(sb, pp->cond);
		sb_putc(sb, ')');
	}
}

static void points(struct strbuf *sb, struct probe_point **v, int n)
{
	for (int i = 0; i < n; i++) {
		if (i)
			sb_puts(sb, ", ");
		pretty_probe_point(sb, v[i]);
	}
}

static const char *type_suffix(enum type t)
{
	return t == TY_LONG ? ":long" : t == TY_STRING ? ":string" : "";
}

static void function(struct strbuf *sb, const struct function *f)
{
	if (f->private_)
		sb_puts(sb, "private ");
	sb_printf(sb, "function %s%s(", f->name, type_suffix(f->decl_type));
	for (int i = 0; i < f->nparams; i++)
		sb_printf(sb, "%s%s%s", i ? ", " : "", f->params[i].name,
			  type_suffix(f->params[i].decl_type));
	sb_putc(sb, ')');
	if (f->has_priority)
		sb_printf(sb, " :%" PRId64, f->priority);
	if (f->embedded) {
		sb_printf(sb, " %%{%s%%}\n", f->embedded);
	} else {
		sb_putc(sb, ' ');
		pretty_stmt(sb, f->body, 0);
		sb_putc(sb, '\n');
	}
}

void pretty_file(struct strbuf *sb, const struct file_ast *f)
{
	for (int i = 0; i < f->ndecls; i++) {
		const struct decl *d = &f->decls[i];

		switch (d->kind) {
		case D_GLOBAL: {
			const struct global *g = d->u.global;

			sb_printf(sb, "%sglobal %s", g->private_ ? "private " : "", g->name);
			if (g->wrap)
				sb_putc(sb, '%');
			if (g->maxsize)
				sb_printf(sb, "[%" PRId64 "]", g->maxsize);
			if (g->init) {
				sb_puts(sb, " = ");
				pretty_expr(sb, g->init);
			}
			sb_putc(sb, '\n');
			break;
		}
		case D_PROBE: {
			const struct probe *p = d->u.probe;

			sb_puts(sb, "probe ");
			points(sb, p->points, p->npoints);
			if (p->alias) {
				sb_puts(sb, p->epilogue ? " += " : " = ");
				points(sb, p->targets, p->ntargets);
			}
			sb_putc(sb, ' ');
			pretty_stmt(sb, p->body, 0);
			if (p->epi_body) {
				sb_puts(sb, ", ");
				pretty_stmt(sb, p->epi_body, 0);
			}
			sb_putc(sb, '\n');
			break;
		}
		case D_FUNCTION:
			function(sb, d->u.function);
			break;
		case D_EMBEDDED:
			sb_printf(sb, "%%{%s%%}\n", d->u.embedded.code);
			break;
		}
	}
}
