// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * types.c - pass 2: type inference and checking over the whole program
 *
 * Every variable, array (value and each key), parameter and function
 * result gets one of long, string or stats. The walk pushes expected types
 * down into symbols and pulls known types up; it repeats over all reachable
 * code until nothing changes, then runs once more to report conflicts, so
 * each error is reported once, where the program contradicts itself.
 */
#include <regex.h>
#include <stdio.h>
#include <string.h>

#include "diag.h"
#include "elaborate.h"
#include "ere.h"
#include "format.h"
#include "tvar.h"

#define MAX_ROUNDS 64

struct tc {
	struct session *s;
	bool report;
	bool changed;
	struct function *fn;
};

static enum type infer(struct tc *t, struct expr *e, enum type want);
static void stats_operand(struct tc *t, struct expr *a, const char *op);

/* an article for messages: "a long", "a string", "statistics" */
static const char *with_article(enum type ty)
{
	switch (ty) {
	case TY_LONG: return "a long";
	case TY_STRING: return "a string";
	case TY_STATS: return "statistics";
	default: return "of unknown type";
	}
}

static void set_type(struct tc *t, struct symbol *y, enum type ty, struct loc loc)
{
	if (ty == TY_UNKNOWN || ty == TY_VOID || !y)
		return;
	if (y->type == TY_UNKNOWN) {
		y->type = ty;
		y->type_loc = loc;
		t->changed = true;
	} else if (y->type != ty && t->report) {
		diag_error(t->s, loc, DIAG_SEM_TYPE_MISMATCH, y->name, with_article(ty),
			   with_article(y->type));
		diag_note(t->s, y->type_loc, DIAG_NOTE_FIRST_USE, with_article(y->type));
	}
}

static void mismatch(struct tc *t, struct loc loc, enum type want, enum type got)
{
	if (t->report)
		diag_error(t->s, loc, DIAG_SEM_EXPECTED_TYPE, with_article(want), with_article(got));
}

/* after a mismatch on a variable: where did it get its type? */
static void type_origin(struct tc *t, struct expr *e)
{
	if (t->report && (e->kind == E_VAR || e->kind == E_INDEX) && e->sym &&
	    e->sym->type_loc.end && e->sym->type_loc.start != e->loc.start)
		diag_note(t->s, e->sym->type_loc, DIAG_NOTE_FIRST_USE, with_article(e->sym->type));
}

/* the result of e must be `want` (TY_UNKNOWN: anything) */
static enum type check(struct tc *t, struct expr *e, enum type want)
{
	enum type got = infer(t, e, want);

	if (want != TY_UNKNOWN && got != TY_UNKNOWN && got != want && got != TY_VOID) {
		mismatch(t, e->loc, want, got);
		type_origin(t, e);
	}
	return got;
}

/* {=== arrays ===} */

static bool is_array(const struct symbol *y)
{
	return y->arity > 0 || y->arity == -2;
}

static void need_scalar(struct tc *t, struct symbol *y, struct loc loc)
{
	if (is_array(y)) {
		if (t->report)
			diag_error(t->s, loc, DIAG_SEM_ARRAY_AS_SCALAR, y->name);
		return;
	}
	if (y->arity == -1) {
		y->arity = 0;
		y->arity_loc = loc;
		t->changed = true;
		if (y->global && y->global->wrap && t->report)
			diag_error(t->s, y->decl, DIAG_SEM_WRAP_SCALAR);
	}
}

/* y[args]: arity and key types */
static void index_keys(struct tc *t, struct symbol *y, struct expr **args, int n, struct loc loc)
{
	if (y->kind != SYM_GLOBAL)
		return;		/* reported as a local array already */
	if (y->arity == 0) {
		if (t->report)
			diag_error(t->s, loc, DIAG_SEM_NOT_ARRAY, y->name);
		return;
	}
	if (n > MAX_KEYS) {
		if (t->report)
			diag_error(t->s, loc, DIAG_SEM_TOO_MANY_KEYS, y->name, MAX_KEYS);
		return;
	}
	if (y->arity < 0) {
		y->arity = n;
		y->arity_loc = loc;
		t->changed = true;
	} else if (y->arity != n) {
		if (t->report) {
			diag_error(t->s, loc, DIAG_SEM_ARRAY_ARITY, y->name, n, n == 1 ? "" : "es",
				   y->arity);
			diag_note(t->s, y->arity_loc, DIAG_NOTE_FIRST_USE,
				  y->arity == 1 ? "an array with one index" : "an array with more indexes");
		}
		return;
	}
	for (int i = 0; i < n; i++) {
		enum type kt;

		if (args[i]->kind == E_WILDCARD)
			continue;
		kt = infer(t, args[i], y->keys[i]);
		if (kt == TY_STATS && t->report) {
			diag_error(t->s, args[i]->loc, DIAG_SEM_STATS_MISUSE, y->name, "an index");
			continue;
		}
		if (kt == TY_UNKNOWN || kt == TY_VOID)
			continue;
		if (y->keys[i] == TY_UNKNOWN) {
			y->keys[i] = kt;
			t->changed = true;
		} else if (y->keys[i] != kt && t->report) {
			diag_error(t->s, args[i]->loc, DIAG_SEM_INDEX_TYPE, i + 1, y->name,
				   with_article(kt), with_article(y->keys[i]));
		}
	}
}

/* {=== the print family ===} */

struct fmt_arg {
	enum type type;
	char spec[16];
};

/* one more argument of a format; spec names it in messages */
static void fmt_arg(struct fmt_arg *out, int *n, int max, enum type type, const char *spec)
{
	if (*n < max) {
		out[*n].type = type;
		snprintf(out[*n].spec, sizeof(out[*n].spec), "%s", spec);
	}
	(*n)++;
}

/* Parse a printf format; returns the number of arguments it takes or -1. */
static int parse_format(struct tc *t, struct expr *fmt, struct fmt_arg *out, int max)
{
	const char *s = fmt->str;
	struct format_scan f;
	struct format_piece p;
	int n = 0;

	format_init(&f, s, fmt->len);
	while (format_next(&f, &p) != FORMAT_END) {
		char spec[24];

		if (p.kind == FORMAT_TEXT)
			continue;
		if (p.kind == FORMAT_CONV) {
			if (p.width == FORMAT_STAR)
				fmt_arg(out, &n, max, TY_LONG, "*");
			if (p.precision == FORMAT_STAR)
				fmt_arg(out, &n, max, TY_LONG, ".*");
			/* "%" and the conversion without its '%' */
			snprintf(spec, sizeof(spec), "%%%.*s", (int)(p.end - p.start - 1),
				 s + p.start + 1);
			fmt_arg(out, &n, max, p.conv == 's' ? TY_STRING : TY_LONG, spec);
			continue;
		}
		/* FORMAT_BAD: the format ended inside the conversion, or a bad character */
		if (p.end >= fmt->len) {
			snprintf(spec, sizeof(spec), "%%");
		} else {
			char conv = s[p.end];

			snprintf(spec, sizeof(spec), "%%%.*s", (int)(p.end - p.start - 1),
				 s + p.start + 1);
			snprintf(spec + strlen(spec), sizeof(spec) - strlen(spec), "%c",
				 conv >= 0x20 && conv < 0x7f ? conv : '?');
		}
		if (t->report)
			diag_error(t->s, fmt->loc, DIAG_SEM_PRINTF_BAD_SPEC, spec);
		return -1;
	}
	return n;
}

/* @hist_log(s) / @hist_linear(s, start, stop, step) where they are allowed */
static void hist(struct tc *t, struct expr *e)
{
	struct symbol *y = e->a->sym;

	stats_operand(t, e->a, (int)e->op == HIST_LOG ? "@hist_log" : "@hist_linear");
	if (y && !y->hist) {
		y->hist = 1 + (int)e->op;
		y->hist_loc = e->loc;
	} else if (y && y->hist != 1 + (int)e->op && t->report) {
		diag_error(t->s, e->loc, DIAG_SEM_HIST_MIXED, y->name);
		diag_note(t->s, y->hist_loc, DIAG_NOTE_FIRST_USE,
			  y->hist == 1 + HIST_LOG ? "@hist_log" : "@hist_linear");
	}
	for (int i = 0; i < e->nargs; i++)
		if (check(t, e->args[i], TY_LONG) != TY_UNKNOWN &&
		    !ast_int_literal(e->args[i], &(int64_t){0}) && t->report)
			diag_error(t->s, e->args[i]->loc, DIAG_SEM_HIST_ARGS);
	if ((int)e->op == HIST_LINEAR && e->nargs == 3 && t->report) {
		int64_t v[3];
		bool konst = true;

		for (int i = 0; i < 3; i++)
			if (!ast_int_literal(e->args[i], &v[i]))
				konst = false;
		if (konst && (v[0] >= v[1] || v[2] <= 0))
			diag_error(t->s, e->loc, DIAG_SEM_HIST_ARGS);
	}
}

/* a value print() may show: long, string or a histogram */
static void printable(struct tc *t, struct expr *e)
{
	enum type ty;

	if (e->kind == E_HIST) {
		hist(t, e);
		return;
	}
	ty = infer(t, e, TY_UNKNOWN);
	if (ty == TY_VOID && t->report && e->fn)
		diag_error(t->s, e->loc, DIAG_SEM_VOID_VALUE, e->fn->name);
}

static enum type builtin(struct tc *t, struct expr *e)
{
	const char *n = e->name;
	bool to_string = n[0] == 's';
	const char *base = to_string ? n + 1 : n;

	if (!strcmp(base, "printf")) {
		struct fmt_arg args[64];
		int want;

		if (e->nargs < 1 || e->args[0]->kind != E_STR) {
			if (t->report)
				diag_error(t->s, e->nargs ? e->args[0]->loc : e->loc,
					   DIAG_SEM_PRINTF_FORMAT, n);
			for (int i = 0; i < e->nargs; i++)
				infer(t, e->args[i], TY_UNKNOWN);
			return to_string ? TY_STRING : TY_VOID;
		}
		want = parse_format(t, e->args[0], args, 64);
		if (want >= 0 && want != e->nargs - 1 && t->report)
			diag_error(t->s, e->loc, DIAG_SEM_PRINTF_ARGS, want, want == 1 ? "" : "s",
				   e->nargs - 1);
		for (int i = 1; i < e->nargs; i++) {
			enum type ty;

			if (want < 0 || i - 1 >= want || i - 1 >= 64) {
				infer(t, e->args[i], TY_UNKNOWN);
				continue;
			}
			ty = infer(t, e->args[i], args[i - 1].type);
			if (ty != TY_UNKNOWN && ty != args[i - 1].type && t->report)
				diag_error(t->s, e->args[i]->loc, DIAG_SEM_PRINTF_ARG_TYPE,
					   args[i - 1].spec, with_article(args[i - 1].type), i,
					   with_article(ty));
		}
		return to_string ? TY_STRING : TY_VOID;
	}
	if (!strcmp(base, "printd") || !strcmp(base, "printdln")) {
		if (e->nargs < 1 || e->args[0]->kind != E_STR) {
			if (t->report)
				diag_error(t->s, e->nargs ? e->args[0]->loc : e->loc,
					   DIAG_SEM_PRINTD_DELIM, n);
		} else if (e->nargs < 3 && t->report) {
			diag_error(t->s, e->loc, DIAG_SEM_BUILTIN_ARGS, n,
				   "a delimiter and at least two values");
		}
		for (int i = 1; i < e->nargs; i++)
			printable(t, e->args[i]);
		return to_string ? TY_STRING : TY_VOID;
	}
	/* print, println, sprint, sprintln */
	if (e->nargs < 1 && strcmp(base, "println") && t->report)
		diag_error(t->s, e->loc, DIAG_SEM_BUILTIN_ARGS, n, "at least one value");
	for (int i = 0; i < e->nargs; i++)
		printable(t, e->args[i]);
	return to_string ? TY_STRING : TY_VOID;
}

bool elab_is_builtin(const char *name);

/* {=== expressions ===} */

/* the aggregate operand of <<<, @count, @hist_log...: a stats global */
static void stats_operand(struct tc *t, struct expr *a, const char *op)
{
	struct symbol *y = a->sym;

	if ((a->kind != E_VAR && a->kind != E_INDEX) || !y) {
		if (t->report)
			diag_error(t->s, a->loc, DIAG_SEM_AGG_ON_NON_AGG, op);
		return;
	}
	if (y->kind != SYM_GLOBAL) {
		if (t->report)
			diag_error(t->s, a->loc, DIAG_SEM_AGG_LOCAL, y->name);
		return;
	}
	if (a->kind == E_VAR)
		need_scalar(t, y, a->loc);
	else
		index_keys(t, y, a->args, a->nargs, a->loc);
	if (y->type != TY_UNKNOWN && y->type != TY_STATS) {
		if (t->report) {
			diag_error(t->s, a->loc, DIAG_SEM_AGG_OP_NON_STATS, y->name);
			diag_note(t->s, y->type_loc, DIAG_NOTE_FIRST_USE, with_article(y->type));
		}
		return;
	}
	set_type(t, y, TY_STATS, a->loc);
	a->type = TY_STATS;
}

static void not_stats(struct tc *t, struct symbol *y, struct loc loc)
{
	if (y && y->type == TY_STATS && t->report)
		diag_error(t->s, loc, DIAG_SEM_AGG_READ, y->name);
}

static void regex_check(struct tc *t, struct expr *re)
{
	regex_t rx;
	int rc;
	char buf[128];

	if (!t->report || re->kind != E_STR)
		return;
	if (re->len > 1024) {
		/*
		 * glibc's regcomp recurses and backtracks without bound on long
		 * patterns (100,000 '*' overflow its stack); ere_compile, which
		 * pass 3 uses anyway, is linear and bounded
		 */
		struct ere_prog prog;

		ere_compile(t->s, re->loc, re->str, re->len, &prog);
		return;
	}
	rc = regcomp(&rx, re->str, REG_EXTENDED | REG_NOSUB);
	if (rc) {
		regerror(rc, &rx, buf, sizeof(buf));
		diag_error(t->s, re->loc, DIAG_SEM_REGEX, buf);
		return;
	}
	regfree(&rx);
}

static enum type infer(struct tc *t, struct expr *e, enum type want)
{
	enum type ta, tb;
	struct symbol *y = e->sym;

	switch (e->kind) {
	case E_NUM:
	case E_DEFINED:
	case E_CONST:
	case E_REGISTER:
	case E_DEREF:
	case E_PROBEWRITE:
	case E_PERF:
	case E_TARGET:
	case E_ADDR:
		if (e->kind == E_TARGET && e->tv && e->tv->final != TVF_PRETTY && !e->tv->base)
			check(t, e->a, TY_LONG);
		if (e->kind == E_TARGET || (e->kind == E_ADDR && e->a->tv)) {
			struct expr *tg = e->kind == E_ADDR ? e->a : e;	/* the chain's indexes */

			for (int i = 0; i < tg->nchain; i++)
				if (tg->chain[i].index)
					check(t, tg->chain[i].index, TY_LONG);
		}
		if (e->kind == E_TARGET && e->tv)
			return e->type = e->tv->final == TVF_STRING || e->tv->final == TVF_PRETTY ?
				TY_STRING : TY_LONG;
		if (e->kind == E_DEREF) {
			check(t, e->a, TY_LONG);
			check(t, e->b, TY_LONG);
		} else if (e->kind == E_REGISTER) {
			check(t, e->a, TY_LONG);
		}
		return e->type = TY_LONG;
	case E_ENTRY:
		return e->type = infer(t, e->a, want);
	case E_STR:
		return e->type = TY_STRING;
	case E_EMBEDDED:
		return e->type = strstr(e->str, "/* string */") ? TY_STRING : TY_LONG;
	case E_WILDCARD:
		return TY_UNKNOWN;
	case E_VAR:
	case E_INDEX:
		if (!y)
			return TY_UNKNOWN;
		if (e->kind == E_VAR)
			need_scalar(t, y, e->loc);
		else
			index_keys(t, y, e->args, e->nargs, e->loc);
		not_stats(t, y, e->loc);
		if (y->type == TY_STATS)
			return TY_UNKNOWN;
		if ((want == TY_LONG || want == TY_STRING) && y->type == TY_UNKNOWN)
			set_type(t, y, want, e->loc);
		return e->type = y->type;
	case E_IN:
		if (y)
			index_keys(t, y, e->args, e->nargs, e->loc);
		return e->type = TY_LONG;
	case E_CALL: {
		struct function *fn = e->fn;

		if (elab_is_builtin(e->name))
			return e->type = builtin(t, e);
		if (!fn) {
			for (int i = 0; i < e->nargs; i++)
				infer(t, e->args[i], TY_UNKNOWN);
			return TY_UNKNOWN;
		}
		for (int i = 0; i < e->nargs && i < fn->nparams; i++) {
			struct symbol *p = fn->param_syms ? fn->param_syms[i] : NULL;
			enum type pt = p ? p->type : TY_UNKNOWN;
			enum type at;

			if (e->args[i]->kind == E_HIST ||
			    ((e->args[i]->kind == E_VAR || e->args[i]->kind == E_INDEX) &&
			     e->args[i]->sym && (is_array(e->args[i]->sym) ||
						 e->args[i]->sym->type == TY_STATS) &&
			     e->args[i]->kind == E_VAR)) {
				if (t->report)
					diag_error(t->s, e->args[i]->loc, DIAG_SEM_FUNC_ARRAY_ARG);
				continue;
			}
			at = infer(t, e->args[i], pt);
			if (!p || at == TY_UNKNOWN || at == TY_VOID)
				continue;
			if (p->type == TY_UNKNOWN) {
				p->type = at;
				p->type_loc = e->args[i]->loc;
				t->changed = true;
			} else if (p->type != at && t->report) {
				diag_error(t->s, e->args[i]->loc, DIAG_SEM_ARG_TYPE, i + 1, fn->name,
					   with_article(at), with_article(p->type));
				diag_note(t->s, fn->params[i].loc, DIAG_NOTE_DECLARED_HERE,
					  fn->params[i].name);
			}
		}
		if (fn->type == TY_VOID && want != TY_VOID && want != TY_UNKNOWN && t->report)
			diag_error(t->s, e->loc, DIAG_SEM_VOID_VALUE, fn->name);
		return e->type = fn->type;
	}
	case E_BINARY:
	case E_LOGICAL:
		ta = infer(t, e->a, TY_LONG);
		tb = infer(t, e->b, TY_LONG);
		if ((ta == TY_STRING || tb == TY_STRING) && t->report) {
			diag_error(t->s, (ta == TY_STRING ? e->a : e->b)->loc, DIAG_SEM_OPERAND_TYPE,
				   ast_op_name(e->op), "long", "a string");
			if (e->op == OP_ADD)
				diag_hint(t->s, DIAG_HINT_USE_STRING_CONCAT);
		}
		return e->type = TY_LONG;
	case E_UNARY:
	case E_PREINC:
	case E_POSTINC:
		ta = infer(t, e->a, TY_LONG);
		if (ta == TY_STRING && t->report) {
			diag_error(t->s, e->a->loc, DIAG_SEM_OPERAND_TYPE, ast_op_name(e->op),
				   "long", "a string");
			type_origin(t, e->a);
		}
		if (e->kind != E_UNARY && e->a->sym && e->a->sym->type == TY_STATS && t->report)
			diag_error(t->s, e->a->loc, DIAG_SEM_STATS_MISUSE, e->a->sym->name,
				   "incremented");
		return e->type = TY_LONG;
	case E_CONCAT:
		ta = infer(t, e->a, TY_STRING);
		tb = infer(t, e->b, TY_STRING);
		if ((ta == TY_LONG || tb == TY_LONG) && t->report)
			diag_error(t->s, (ta == TY_LONG ? e->a : e->b)->loc, DIAG_SEM_OPERAND_TYPE,
				   ".", "string", "a long");
		return e->type = TY_STRING;
	case E_COMPARE:
		ta = infer(t, e->a, TY_UNKNOWN);
		tb = infer(t, e->b, ta);
		if (ta == TY_UNKNOWN && tb != TY_UNKNOWN)
			ta = infer(t, e->a, tb);
		if (ta != TY_UNKNOWN && tb != TY_UNKNOWN && ta != tb && t->report)
			diag_error(t->s, e->loc, DIAG_SEM_COMPARE_TYPES, with_article(ta),
				   with_article(tb));
		return e->type = TY_LONG;
	case E_REGEX:
		check(t, e->a, TY_STRING);
		regex_check(t, e->b);
		return e->type = TY_LONG;
	case E_TERNARY:
		check(t, e->a, TY_LONG);
		if (e->a->kind == E_DEFINED)
			return e->type = infer(t, e->a->num ? e->b : e->c, want);
		ta = infer(t, e->b, want);
		tb = infer(t, e->c, ta != TY_UNKNOWN ? ta : want);
		if (ta == TY_UNKNOWN && tb != TY_UNKNOWN)
			ta = infer(t, e->b, tb);
		if (ta != TY_UNKNOWN && tb != TY_UNKNOWN && ta != tb && t->report)
			mismatch(t, e->c->loc, ta, tb);
		return e->type = ta != TY_UNKNOWN ? ta : tb;
	case E_ASSIGN:
		if (e->op == OP_AGG) {
			stats_operand(t, e->a, "<<<");
			tb = infer(t, e->b, TY_LONG);
			if (tb == TY_STRING && t->report)
				diag_error(t->s, e->b->loc, DIAG_SEM_AGG_VALUE_TYPE);
			return e->type = TY_UNKNOWN;
		}
		if (e->a->sym && e->a->sym->type == TY_STATS) {
			if (t->report)
				diag_error(t->s, e->a->loc, DIAG_SEM_STATS_MISUSE, e->a->sym->name,
					   "assigned; use '<<<'");
			return TY_UNKNOWN;
		}
		if (e->op == OP_ASSIGN) {
			tb = infer(t, e->b, e->a->sym ? e->a->sym->type : TY_UNKNOWN);
			if (tb == TY_VOID) {
				if (t->report && e->b->fn)
					diag_error(t->s, e->b->loc, DIAG_SEM_VOID_VALUE, e->b->fn->name);
				tb = TY_UNKNOWN;
			}
			ta = infer(t, e->a, tb);
			if (ta != TY_UNKNOWN && tb == TY_UNKNOWN) {
				infer(t, e->b, ta);
			} else if (ta != TY_UNKNOWN && tb != TY_UNKNOWN && ta != tb && t->report) {
				diag_error(t->s, e->b->loc, DIAG_SEM_ASSIGN_TYPE, with_article(tb),
					   e->a->sym ? e->a->sym->name : "?", with_article(ta));
				type_origin(t, e->a);
			}
			return e->type = ta != TY_UNKNOWN ? ta : tb;
		}
		if (e->op == OP_CONCAT) {
			check(t, e->a, TY_STRING);
			check(t, e->b, TY_STRING);
			return e->type = TY_STRING;
		}
		ta = infer(t, e->a, TY_LONG);
		tb = infer(t, e->b, TY_LONG);
		if ((ta == TY_STRING || tb == TY_STRING) && t->report)
			diag_error(t->s, (ta == TY_STRING ? e->a : e->b)->loc, DIAG_SEM_OPERAND_TYPE,
				   arena_strfmt(&t->s->arena, "%s=", ast_op_name(e->op)), "long",
				   "a string");
		return e->type = TY_LONG;
	case E_STATOP: {
		static const char *const ops[] = { "@count", "@sum", "@min", "@max", "@avg",
						   "@variance" };

		stats_operand(t, e->a, ops[e->op]);
		if (e->b) {
			check(t, e->b, TY_LONG);
			if ((int)e->op != STAT_VARIANCE && t->report)
				diag_error(t->s, e->b->loc, DIAG_SEM_BUILTIN_ARGS, ops[e->op],
					   "one aggregate");
		}
		return e->type = TY_LONG;
	}
	case E_HIST:
		hist(t, e);
		if (t->report)
			diag_error(t->s, e->loc, DIAG_SEM_HIST_CONTEXT);
		return TY_UNKNOWN;
	case E_HIST_BUCKET:
		hist(t, e->a);
		check(t, e->b, TY_LONG);
		return e->type = TY_LONG;
	}
	return TY_UNKNOWN;
}

/* {=== statements ===} */

static void walk(struct tc *t, struct stmt *st);

static void foreach_types(struct tc *t, struct foreach *fe)
{
	struct expr *arr = fe->array;
	struct symbol *y = arr->sym;

	if (arr->kind == E_HIST) {
		/* buckets: one long key, long counts */
		hist(t, arr);
		if (fe->nkeys != 1 && t->report)
			diag_error(t->s, fe->keys[0]->loc, DIAG_SEM_FOREACH_HIST_KEYS);
		for (int i = 0; i < fe->nkeys; i++)
			set_type(t, fe->keys[i]->sym, TY_LONG, fe->keys[i]->loc);
		if (fe->value)
			set_type(t, fe->value->sym, TY_LONG, fe->value->loc);
		if (fe->sort_stat >= 0 && t->report)
			diag_error(t->s, arr->loc, DIAG_SEM_FOREACH_SORT_HIST);
	} else if (y) {
		if (y->kind != SYM_GLOBAL || y->arity == 0) {
			if (t->report && y->kind == SYM_GLOBAL)
				diag_error(t->s, arr->loc, DIAG_SEM_FOREACH_NON_ARRAY, y->name);
		} else {
			if (y->arity < 0) {
				y->arity = fe->nkeys;
				y->arity_loc = arr->loc;
				t->changed = true;
			}
			if (y->arity != fe->nkeys) {
				if (t->report)
					diag_error(t->s, arr->loc, DIAG_SEM_FOREACH_ARITY, fe->nkeys,
						   fe->nkeys == 1 ? "" : "s", y->name, y->arity);
			} else {
				for (int i = 0; i < fe->nkeys; i++) {
					struct symbol *k = fe->keys[i]->sym;

					if (!k)
						continue;
					if (y->keys[i] == TY_UNKNOWN && k->type != TY_UNKNOWN) {
						y->keys[i] = k->type;
						t->changed = true;
					}
					set_type(t, k, y->keys[i], fe->keys[i]->loc);
				}
			}
			if (arr->kind == E_INDEX)
				index_keys(t, y, arr->args, arr->nargs, arr->loc);
			if (fe->value && fe->value->sym) {
				if (y->type == TY_STATS) {
					if (t->report)
						diag_error(t->s, fe->value->loc, DIAG_SEM_STATS_MISUSE,
							   y->name, "assigned to a variable");
				} else {
					set_type(t, fe->value->sym, y->type, fe->value->loc);
					if (y->type == TY_UNKNOWN && fe->value->sym->type != TY_UNKNOWN)
						set_type(t, y, fe->value->sym->type, fe->value->loc);
				}
			}
			if (fe->sort_stat >= 0 && y->type != TY_STATS && y->type != TY_UNKNOWN &&
			    t->report)
				diag_error(t->s, arr->loc, DIAG_SEM_AGG_OP_NON_STATS, y->name);
		}
	}
	if (fe->limit)
		check(t, fe->limit, TY_LONG);
}

static void walk(struct tc *t, struct stmt *st)
{
	if (!st)
		return;
	switch (st->kind) {
	case S_BLOCK:
		for (int i = 0; i < st->nbody; i++)
			walk(t, st->body[i]);
		break;
	case S_EXPR:
		infer(t, st->e, TY_VOID);
		break;
	case S_NULL:
	case S_BREAK:
	case S_CONTINUE:
	case S_NEXT:
		break;
	case S_IF:
	case S_WHILE:
		check(t, st->e, TY_LONG);
		walk(t, st->then);
		walk(t, st->els);
		break;
	case S_FOR:
		if (st->init)
			infer(t, st->init, TY_VOID);
		if (st->e)
			check(t, st->e, TY_LONG);
		if (st->step)
			infer(t, st->step, TY_VOID);
		walk(t, st->then);
		break;
	case S_FOREACH:
		foreach_types(t, st->fe);
		walk(t, st->then);
		break;
	case S_RETURN:
		if (t->fn && st->e) {
			enum type want = t->fn->decl_type != TY_UNKNOWN ? t->fn->decl_type : t->fn->type;
			enum type got = infer(t, st->e, want == TY_VOID ? TY_UNKNOWN : want);

			if (got == TY_STATS || got == TY_VOID)
				break;
			if (t->fn->type == TY_UNKNOWN || t->fn->type == TY_VOID) {
				if (got != TY_UNKNOWN) {
					t->fn->type = got;
					t->changed = true;
				}
			} else if (got != TY_UNKNOWN && got != t->fn->type && t->report) {
				diag_error(t->s, st->e->loc, DIAG_SEM_EXPECTED_TYPE,
					   with_article(t->fn->type), with_article(got));
			}
		}
		break;
	case S_DELETE: {
		struct expr *e = st->e;

		if (e->kind == E_INDEX && e->sym)
			index_keys(t, e->sym, e->args, e->nargs, e->loc);
		break;
	}
	case S_TRY:
		walk(t, st->then);
		if (st->catch_sym) {
			if (st->catch_sym->type != TY_UNKNOWN && st->catch_sym->type != TY_STRING) {
				if (t->report)
					diag_error(t->s, st->catch_loc, DIAG_SEM_CATCH_VAR, st->catch_var);
			} else {
				set_type(t, st->catch_sym, TY_STRING, st->catch_loc);
			}
		}
		walk(t, st->els);
		break;
	}
}

static void round_all(struct tc *t)
{
	struct program *prog = t->s->program;

	for (int i = 0; i < prog->probes.n; i++) {
		struct dprobe *dp = prog->probes.v[i];

		t->fn = NULL;
		if (dp->cond)
			check(t, dp->cond, TY_LONG);
		walk(t, dp->body);
	}
	for (int i = 0; i < prog->used.n; i++) {
		struct function *fn = prog->used.v[i];

		t->fn = fn;
		if (fn->type == TY_UNKNOWN && fn->decl_type != TY_UNKNOWN) {
			fn->type = fn->decl_type;
			t->changed = true;
		}
		walk(t, fn->body);
	}
}

static void unresolved(struct tc *t, struct vec *locals, int from)
{
	for (int k = from; k < locals->n; k++) {
		struct symbol *y = locals->v[k];

		if (y->type == TY_UNKNOWN && y->read && y->written)
			diag_error(t->s, y->decl, DIAG_SEM_UNRESOLVED_TYPE, y->name);
		else if (y->type == TY_UNKNOWN)
			y->type = TY_LONG;	/* never both read and written: a long 0 */
	}
}

int types_check(struct session *s)
{
	struct tc t = { .s = s };
	struct program *prog = s->program;
	int before = s->nerrors;

	for (int i = 0; i < prog->globals.n; i++) {
		struct symbol *y = prog->globals.v[i];
		struct expr *init = y->global->init;

		if (init) {
			y->type = init->kind == E_STR ? TY_STRING : TY_LONG;
			y->type_loc = init->loc;
			y->arity = 0;
			y->arity_loc = y->decl;
		}
	}
	for (int r = 0; r < MAX_ROUNDS; r++) {
		t.changed = false;
		round_all(&t);
		if (!t.changed)
			break;
	}
	/* functions that never return a value */
	for (int i = 0; i < prog->used.n; i++) {
		struct function *fn = prog->used.v[i];

		if (fn->type == TY_UNKNOWN)
			fn->type = TY_VOID;
	}
	t.report = true;
	round_all(&t);
	if (s->nerrors > before)
		return -1;
	for (int i = 0; i < prog->globals.n; i++) {
		struct symbol *y = prog->globals.v[i];

		if (y->type == TY_UNKNOWN && (y->read || y->written) && !y->tapset)
			diag_error(s, y->decl, DIAG_SEM_UNRESOLVED_TYPE, y->name);
		if (is_array(y) && y->arity < 0 && (y->read || y->written))
			diag_error(s, y->decl, DIAG_SEM_UNRESOLVED_TYPE, y->name);
		for (int k = 0; k < y->arity && k < MAX_KEYS; k++)
			if (y->keys[k] == TY_UNKNOWN)
				diag_error(s, y->decl, DIAG_SEM_UNRESOLVED_TYPE, y->name);
	}
	for (int i = 0; i < prog->probes.n; i++)
		unresolved(&t, &((struct dprobe *)prog->probes.v[i])->locals, 0);
	for (int i = 0; i < prog->used.n; i++) {
		struct function *fn = prog->used.v[i];

		unresolved(&t, &fn->locals, fn->nparams);
		for (int k = 0; k < fn->nparams; k++)
			if (fn->param_syms[k]->type == TY_UNKNOWN)
				fn->param_syms[k]->type = TY_LONG;
	}
	return s->nerrors > before ? -1 : 0;
}
