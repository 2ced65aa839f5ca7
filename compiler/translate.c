// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * translate.c - pass 3: the elaborated program as C for a kernel module
 *
 * The shape of the output (docs/internals.md):
 *
 *   #include "runtime.h"
 *   globals                 static int64_t g_NAME; static char g_NAME[MAXSTRINGLEN];
 *                           struct sd_map g_NAME (arrays), struct sd_agg g_NAME
 *                           (statistics), rwlock_t g_NAME_lock each
 *   function frames         struct sdf_NAME_N_frame { params, locals, string temporaries };
 *   script functions        static int64_t sdf_NAME_N(struct sd_context *c, ...)
 *   probe frames, handlers  static void sdp_N(struct sd_context *c)
 *   tables and glue         begin/end/error probes in order, timers, _sd_on_start/_sd_on_exit
 *
 * Locals and string temporaries live in frames taken from the per-CPU
 * context, not on the kernel stack. Each statement starts by charging the
 * action budget and checking for a pending error; an error jumps to the
 * innermost catch or out of the handler.
 *
 * Every handler's table entry lists the locks of the globals it uses
 * (locks.c), which _sd_run takes before it runs.
 *
 * Not translated yet (an error says so): target variables, and the few
 * statistics uses listed under trans-unsupported in docs/errors.md.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "debuginfo.h"
#include "diag.h"
#include "elaborate.h"
#include "ere.h"
#include "format.h"
#include "passes.h"
#include "locks.h"
#include "pretty.h"
#include "tvar.h"
#include "usyms.h"

struct aggspec;

struct gen {
	struct session *s;
	struct dprobe *dp;	/* the probe whose handler is generated, NULL in functions */
	struct strbuf *out;
	struct strbuf body;	/* the function being generated */
	struct strbuf frame;	/* its frame's fields */
	int indent;
	int temps;		/* string temporaries in the frame */
	int labels;
	const char *errlabel;	/* where a pending error goes */
	struct function *fn;
	bool failed;
	int stats;		/* statistics temporaries in the frame */
	struct aggspec *specs;	/* per global */
	struct locks *locks;
	const char **plocks;	/* per probe: its lock table and count */
	const char *glocks;	/* the exit display's */
	struct ere_set *regex;	/* the compiled regular expressions (ere.h) */
};

static const char *cname_fn(struct gen *g, const struct function *fn)
{
	return arena_strfmt(&g->s->arena, "sdf_%s_%d", fn->name, fn->nparams);
}

static void line(struct gen *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void line(struct gen *g, const char *fmt, ...)
{
	va_list ap;

	for (int i = 0; i < g->indent; i++)
		sb_putc(&g->body, '\t');
	va_start(ap, fmt);
	sb_vprintf(&g->body, fmt, ap);
	va_end(ap);
	sb_putc(&g->body, '\n');
}

static void unsupported(struct gen *g, struct loc loc, const char *what)
{
	diag_error(g->s, loc, DIAG_TRANS_UNSUPPORTED, what);
	g->failed = true;
}

/* a C string literal for bytes s[0..len) */
static const char *c_string(struct gen *g, const char *s, size_t len)
{
	struct strbuf sb = STRBUF_INIT;
	const char *r;

	pretty_string(&sb, s, len);
	/* pretty_string escapes like C, but octal escapes may need a break */
	r = arena_strdup(&g->s->arena, sb.buf);
	sb_release(&sb);
	return r;
}

static const char *temp(struct gen *g)
{
	sb_printf(&g->frame, "\tchar t%d[MAXSTRINGLEN];\n", g->temps);
	return arena_strfmt(&g->s->arena, "f->t%d", g->temps++);
}

static const char *var_ref(struct gen *g, struct symbol *y)
{
	if (y->kind == SYM_GLOBAL)
		return arena_strfmt(&g->s->arena, "g_%s", y->name);
	return arena_strfmt(&g->s->arena, "f->l_%s", y->name);
}

static const char *expr(struct gen *g, struct expr *e);
static const char *entry_slot(struct gen *g, struct dprobe *dp, int k);
static const char *target(struct gen *g, struct expr *e, const struct tvar *tv);
static const char *target_assign(struct gen *g, struct expr *e);
static const char *target_steps(struct gen *g, struct expr *e, const struct tvar *tv);
static const char *compound(struct gen *g, enum op op, const char *l, const char *r);
static const char *uniq(struct gen *g, const char *prefix);
static void loop_body(struct gen *g, struct stmt *body);

static bool is_keyword(const char *w, size_t n)
{
	static const char *const kw[] = {
		"if", "else", "for", "foreach", "while", "in", "limit", "return", "delete",
		"break", "continue", "next", "try", "catch", "global", "function", "probe",
		"private", "string", "long",
	};

	for (size_t i = 0; i < sizeof(kw) / sizeof(kw[0]); i++)
		if (strlen(kw[i]) == n && !memcmp(kw[i], w, n))
			return true;
	return false;
}

/*
 * Where a run-time error happened, the way SystemTap names it: the token
 * that starts the statement ("identifier 'printf' at FILE:L:C", "keyword
 * at ...", "operator '++' at ..."), as a C string literal.
 */
static const char *token_at(struct gen *g, struct loc loc)
{
	struct source *src = g->s->sources[loc.file];
	const char *p = src->text + loc.start, *end = src->text + src->len;
	char at[512];
	const char *msg;
	size_t n = 0;

	diag_format_loc(g->s, loc, at, sizeof(at));
	if (p < end && (isalpha((unsigned char)*p) || *p == '_' || *p == '$' || *p == '@')) {
		while (p + n < end && n < 200 && (isalnum((unsigned char)p[n]) || p[n] == '_' ||
						  (n == 0 && (*p == '$' || *p == '@'))))
			n++;
		if (is_keyword(p, n))
			msg = arena_strfmt(&g->s->arena, "keyword at %s", at);
		else
			msg = arena_strfmt(&g->s->arena, "identifier '%.*s' at %s", (int)n, p, at);
	} else if (p < end && isdigit((unsigned char)*p)) {
		while (p + n < end && n < 40 && isalnum((unsigned char)p[n]))
			n++;
		msg = arena_strfmt(&g->s->arena, "number '%.*s' at %s", (int)n, p, at);
	} else if (p < end && strchr("+-!~(*&", *p)) {
		n = p + 1 < end && (p[1] == '+' || p[1] == '-') && p[1] == *p ? 2 : 1;
		msg = arena_strfmt(&g->s->arena, "operator '%.*s' at %s", (int)n, p, at);
	} else {
		msg = at;
	}
	return c_string(g, msg, strlen(msg));
}

/* the operator between two operands (its first character is one of ops) */
static const char *op_at(struct gen *g, struct expr *a, struct expr *b, const char *ops)
{
	struct source *src = g->s->sources[a->loc.file];
	uint32_t i = a->loc.end;
	struct loc loc = a->loc;
	char at[512];
	const char *msg;
	size_t n = 1;

	while (i < b->loc.start && i < src->len && !strchr(ops, src->text[i]))
		i++;
	if (i >= b->loc.start || i >= src->len)
		return token_at(g, a->loc);
	loc.start = i;
	loc.end = i + 1;
	while (i + n < src->len && n < 3 && strchr("=<>", src->text[i + n]))
		n++;
	diag_format_loc(g->s, loc, at, sizeof(at));
	msg = arena_strfmt(&g->s->arena, "operator '%.*s' at %s", (int)n, src->text + i, at);
	return c_string(g, msg, strlen(msg));
}

/* {=== arrays and statistics ===} */

/* what pass 3 knows of a statistics global: its histogram and shift */
struct aggspec {
	int htype;		/* 0 none, 1 + HIST_* */
	int64_t start, stop, step;
	int shift;
	struct loc loc;		/* the histogram that set it */
};

static struct aggspec *spec_of(struct gen *g, struct symbol *y)
{
	return y->kind == SYM_GLOBAL ? &g->specs[y->index] : NULL;
}

static int buckets_of(const struct aggspec *sp)
{
	if (!sp || sp->htype == 0)
		return 0;
	if (sp->htype == 1 + HIST_LOG)
		return 128;
	return (int)((sp->stop - sp->start) / sp->step) + 3;
}

static const char *gname(struct gen *g, struct symbol *y)
{
	return arena_strfmt(&g->s->arena, "g_%s", y->name);
}

/* the histogram parameters and @variance shift of every statistics global */
static void spec_expr(struct gen *g, struct expr *e);

static void spec_stmt(struct gen *g, struct stmt *st)
{
	if (!st)
		return;
	for (int i = 0; i < st->nbody; i++)
		spec_stmt(g, st->body[i]);
	spec_expr(g, st->e);
	spec_expr(g, st->init);
	spec_expr(g, st->step);
	if (st->fe) {
		spec_expr(g, st->fe->array);
		spec_expr(g, st->fe->limit);
	}
	spec_stmt(g, st->then);
	spec_stmt(g, st->els);
}

static void spec_expr(struct gen *g, struct expr *e)
{
	struct aggspec *sp;

	if (!e)
		return;
	spec_expr(g, e->a);
	spec_expr(g, e->b);
	spec_expr(g, e->c);
	for (int i = 0; i < e->nargs; i++)
		spec_expr(g, e->args[i]);
	if (e->kind == E_STATOP && (int)e->op == STAT_VARIANCE && e->b && e->a->sym &&
	    (sp = spec_of(g, e->a->sym))) {
		int64_t v;

		if (!ast_int_literal(e->b, &v) || v < 0 || v > 62)
			unsupported(g, e->b->loc, "a @variance shift that is not a constant from 0 to 62");
		else
			sp->shift = (int)v;
	}
	if (e->kind == E_HIST && e->a->sym && (sp = spec_of(g, e->a->sym))) {
		int64_t v[3] = { 0, 0, 0 };
		struct aggspec want = { .htype = 1 + (int)e->op, .loc = e->loc };

		for (int i = 0; i < e->nargs && i < 3; i++)
			if (!ast_int_literal(e->args[i], &v[i]))
				return;
		if ((int)e->op == HIST_LINEAR) {
			want.start = v[0];
			want.stop = v[1];
			want.step = v[2];
			if (v[2] <= 0 || v[1] <= v[0] || (v[1] - v[0]) / v[2] > 126) {
				unsupported(g, e->loc, "a linear histogram of more than 126 or no buckets");
				return;
			}
		}
		if (!sp->htype) {
			int shift = sp->shift;

			*sp = want;
			sp->shift = shift;
		} else if (sp->htype != want.htype || sp->start != want.start ||
			   sp->stop != want.stop || sp->step != want.step) {
			unsupported(g, e->loc, "two different histograms of one statistic");
		}
	}
}

static void specs(struct gen *g)
{
	struct program *prog = g->s->program;

	g->specs = arena_alloc(&g->s->arena, sizeof(*g->specs) * ((size_t)prog->globals.n + 1));
	memset(g->specs, 0, sizeof(*g->specs) * ((size_t)prog->globals.n + 1));
	for (int i = 0; i < prog->probes.n; i++) {
		struct dprobe *dp = prog->probes.v[i];

		spec_stmt(g, dp->body);
		spec_expr(g, dp->cond);
	}
	for (int i = 0; i < prog->used.n; i++)
		spec_stmt(g, ((struct function *)prog->used.v[i])->body);
}

/* the keys of a[...] as a compound literal; *wild gets a bit per '*' */
static const char *keylist(struct gen *g, struct symbol *y, struct expr **args, int n,
			   unsigned *wild)
{
	struct strbuf sb = STRBUF_INIT;
	const char *r;

	*wild = 0;
	sb_puts(&sb, "((const struct sd_key[]){ ");
	for (int i = 0; i < n; i++) {
		if (args[i]->kind == E_WILDCARD) {
			*wild |= 1u << i;
			sb_puts(&sb, y->keys[i] == TY_STRING ? "{ .s = \"\" }, " : "{ 0 }, ");
		} else if (y->keys[i] == TY_STRING) {
			sb_printf(&sb, "{ .s = %s }, ", expr(g, args[i]));
		} else {
			sb_printf(&sb, "{ .n = %s }, ", expr(g, args[i]));
		}
	}
	sb_puts(&sb, "})");
	r = arena_strdup(&g->s->arena, sb.buf);
	sb_release(&sb);
	return r;
}

static const char *uniq(struct gen *g, const char *base)
{
	return arena_strfmt(&g->s->arena, "%s%d", base, g->labels++);
}

/* room in the frame for one merged statistic of y */
static const char *stat_temp(struct gen *g, struct symbol *y)
{
	int n = g->stats++;

	sb_printf(&g->frame, "\tint64_t s%d[SD_STAT_WORDS(%d)];\n", n, buckets_of(spec_of(g, y)));
	return arena_strfmt(&g->s->arena, "(struct sd_stat *)f->s%d", n);
}

/* the merged statistic of x or a[k] (e is E_VAR or E_INDEX) */
static const char *stat_read(struct gen *g, struct expr *e)
{
	struct symbol *y = e->sym;
	const char *keys = "NULL";
	unsigned wild = 0;

	if (e->kind == E_INDEX)
		keys = keylist(g, y, e->args, e->nargs, &wild);
	return arena_strfmt(&g->s->arena, "_sd_agg_read(&%s, %s, %s)", gname(g, y), keys,
			    stat_temp(g, y));
}

static const char *index_read(struct gen *g, struct expr *e)
{
	struct symbol *y = e->sym;
	unsigned wild;
	const char *keys = keylist(g, y, e->args, e->nargs, &wild);

	if (y->type == TY_STRING)
		return arena_strfmt(&g->s->arena, "({ char *t_ = %s; strscpy(t_, _sd_map_get_str(&%s, %s), "
				    "MAXSTRINGLEN); t_; })", temp(g), gname(g, y), keys);
	return arena_strfmt(&g->s->arena, "_sd_map_get_long(&%s, %s)", gname(g, y), keys);
}

static const char *in_expr(struct gen *g, struct expr *e)
{
	struct symbol *y = e->sym;
	unsigned wild;
	const char *keys = keylist(g, y, e->args, e->nargs, &wild);

	if (y->type == TY_STATS)
		return arena_strfmt(&g->s->arena, "(int64_t)_sd_agg_exists(&%s, %s, %uu)", gname(g, y),
				    keys, wild);
	if (wild)
		return arena_strfmt(&g->s->arena, "(int64_t)_sd_map_exists_slice(&%s, %s, %uu)",
				    gname(g, y), keys, wild);
	return arena_strfmt(&g->s->arena, "(int64_t)(_sd_map_find(&%s, %s) != 0)", gname(g, y), keys);
}

/* x op= r on a long lvalue *p */
static const char *compound(struct gen *g, enum op op, const char *p, const char *r)
{
	struct arena *A = &g->s->arena;

	switch (op) {
	case OP_ASSIGN:
		return r;
	case OP_DIV:
		return arena_strfmt(A, "_sd_div(c, %s, %s)", p, r);
	case OP_MOD:
		return arena_strfmt(A, "_sd_mod(c, %s, %s)", p, r);
	case OP_SHL:
		return arena_strfmt(A, "(int64_t)((uint64_t)%s << ((%s) & 63))", p, r);
	case OP_SHR:
		return arena_strfmt(A, "(%s >> ((%s) & 63))", p, r);
	case OP_SHRU:
		return arena_strfmt(A, "(int64_t)((uint64_t)%s >> ((%s) & 63))", p, r);
	default:
		return arena_strfmt(A, "(int64_t)((uint64_t)%s %s (uint64_t)%s)", p, ast_op_name(op), r);
	}
}

/* a[k] = v, a[k] op= v, a[k] .= s, x <<< v, a[k] <<< v */
static const char *index_assign(struct gen *g, struct expr *e)
{
	struct arena *A = &g->s->arena;
	struct expr *lv = e->a;
	struct symbol *y = lv->sym;
	const char *where = token_at(g, lv->loc);
	const char *keys = "NULL", *rhs, *r = uniq(g, "r"), *p = uniq(g, "p");
	unsigned wild = 0;

	if (lv->kind == E_INDEX)
		keys = keylist(g, y, lv->args, lv->nargs, &wild);
	rhs = expr(g, e->b);
	if (e->op == OP_AGG)
		return arena_strfmt(A, "({ int64_t %s = %s; _sd_agg_add(c, &%s, %s, %s, %s); %s; })", r,
				    rhs, gname(g, y), keys, r, where, r);
	if (y->type == TY_STRING) {
		if (e->op == OP_CONCAT)
			return arena_strfmt(A, "({ const char *%s = %s; char *%s = _sd_map_sref(c, &%s, %s, %s); "
					    "%s ? strcpy(%s, _sd_concat(%s, %s, %s)) : (char *)\"\"; })",
					    r, rhs, p, gname(g, y), keys, where, p, p, temp(g), p, r);
		return arena_strfmt(A, "(char *)_sd_map_set_str(c, &%s, %s, %s, %s)", gname(g, y), keys,
				    rhs, where);
	}
	if (e->op == OP_ASSIGN)
		return arena_strfmt(A, "_sd_map_set_long(c, &%s, %s, %s, %s)", gname(g, y), keys, rhs,
				    where);
	return arena_strfmt(A, "({ int64_t %s = %s; int64_t *%s = _sd_map_lref(c, &%s, %s, %s); "
			    "%s ? (*%s = %s) : 0; })", r, rhs, p, gname(g, y), keys, where, p, p,
			    compound(g, e->op, arena_strfmt(A, "*%s", p), r));
}

static const char *index_incdec(struct gen *g, struct expr *e)
{
	struct expr *lv = e->a;
	struct symbol *y = lv->sym;
	const char *p = uniq(g, "p");
	unsigned wild;
	const char *keys = keylist(g, y, lv->args, lv->nargs, &wild);

	return arena_strfmt(&g->s->arena, "({ int64_t *%s = _sd_map_lref(c, &%s, %s, %s); %s ? %s : 0; })",
			    p, gname(g, y), keys, token_at(g, lv->loc), p,
			    arena_strfmt(&g->s->arena, e->kind == E_PREINC ? "%2$s*%1$s" : "(*%1$s)%2$s",
					 p, ast_op_name(e->op)));
}

static const char *statop(struct gen *g, struct expr *e)
{
	const char *st = uniq(g, "st");

	return arena_strfmt(&g->s->arena, "({ struct sd_stat *%s = %s; _sd_stat_op(c, &%s, %s, %d); })",
			    st, stat_read(g, e->a), gname(g, e->a->sym), st, (int)e->op);
}

static const char *hist_bucket(struct gen *g, struct expr *e)
{
	const char *st = uniq(g, "st");

	return arena_strfmt(&g->s->arena, "({ struct sd_stat *%s = %s; _sd_hist_bucket(c, &%s, %s, %s); })",
			    st, stat_read(g, e->a->a), gname(g, e->a->a->sym), st, expr(g, e->b));
}

/* print(@hist_log(x)), println, sprint, sprintln: a histogram among the values */
static bool has_hist(struct expr *e)
{
	for (int i = 0; i < e->nargs; i++)
		if (e->args[i]->kind == E_HIST)
			return true;
	return false;
}

static const char *print_hist(struct gen *g, struct expr *e)
{
	struct arena *A = &g->s->arena;
	struct strbuf sb = STRBUF_INIT;
	bool to_string = e->name[0] == 's';
	bool newline = strstr(e->name, "ln") != NULL;
	const char *out = to_string ? temp(g) : NULL, *r;

	if (strcmp(e->name + to_string, "print") && strcmp(e->name + to_string, "println")) {
		unsupported(g, e->loc, "a histogram in this function");
		return "0";
	}
	sb_puts(&sb, "({ ");
	if (to_string)
		sb_printf(&sb, "%s[0] = '\\0'; ", out);
	for (int i = 0; i < e->nargs; i++) {
		struct expr *a = e->args[i];
		const char *st = uniq(g, "st");

		if (a->kind == E_HIST) {
			sb_printf(&sb, "{ struct sd_stat *%s = %s; if (!%s->count) ", st,
				  stat_read(g, a->a), st);
			sb_printf(&sb, "{ _sd_error_str(c, \"empty aggregate\"); c->where = %s; } ",
				  token_at(g, e->loc));
			if (to_string)
				sb_printf(&sb, "else _sd_hist_sprint(%s + strlen(%s), &%s, %s); } ", out, out,
					  gname(g, a->a->sym), st);
			else
				sb_printf(&sb, "else _sd_hist_print(c, &%s, %s); } ", gname(g, a->a->sym), st);
		} else if (a->type == TY_STRING) {
			if (to_string)
				sb_printf(&sb, "strlcat(%s, %s, MAXSTRINGLEN); ", out, expr(g, a));
			else
				sb_printf(&sb, "if (!c->error) _sd_print(c, %s); ", expr(g, a));
		} else {
			if (to_string)
				sb_printf(&sb, "{ size_t n_ = strlen(%s); snprintf(%s + n_, MAXSTRINGLEN - n_, "
					  "\"%%lld\", (long long)%s); } ", out, out, expr(g, a));
			else
				sb_printf(&sb, "if (!c->error) _sd_print_long(c, %s); ", expr(g, a));
		}
	}
	if (newline)
		sb_printf(&sb, to_string ? "strlcat(%s, \"\\n\", MAXSTRINGLEN); " :
			  "if (!c->error) _sd_print(c, \"\\n\"); ", out);
	sb_printf(&sb, "%s; })", to_string ? out : "0");
	r = arena_strdup(A, sb.buf);
	sb_release(&sb);
	return r;
}

static void foreach_stmt(struct gen *g, struct stmt *st)
{
	struct foreach *fe = st->fe;
	struct expr *arr = fe->array;
	struct symbol *y = arr->kind == E_HIST ? arr->a->sym : arr->sym;
	const char *m = uniq(g, "m"), *i = uniq(g, "i"), *lim = NULL, *sk = NULL;
	unsigned wild = 0;

	line(g, "{");
	g->indent++;
	if (fe->limit) {
		lim = uniq(g, "lim");
		line(g, "int64_t %s = %s;", lim, expr(g, fe->limit));
	}
	if (arr->kind == E_HIST) {
		/* every bucket, empty ones too */
		const char *s = uniq(g, "st");

		line(g, "struct sd_stat *%s = %s;", s, stat_read(g, arr->a));
		if (!fe->value)
			line(g, "(void)%s;", s);
		line(g, "for (int %s = 0; %s < %s.buckets; %s++) {", i, i, gname(g, y), i);
		g->indent++;
		if (lim)
			line(g, "if (%s-- <= 0)\n\t\tbreak;", lim);
		line(g, "%s = %s;", var_ref(g, fe->keys[0]->sym), i);
		if (fe->value)
			line(g, "%s = %s->hist[%s];", var_ref(g, fe->value->sym), s, i);
		g->indent--;
		loop_body(g, st->then);
		g->indent--;
		line(g, "}");
		return;
	}
	if (y->type == TY_STATS) {
		line(g, "struct sd_map *%s = &%s.merged;", m, gname(g, y));
		line(g, "if (!_sd_agg_merge_all(c, &%s, %s))", gname(g, y),
		     token_at(g, arr->loc));
		line(g, "\tgoto %s;", g->errlabel);
	} else {
		line(g, "struct sd_map *%s = &%s;", m, gname(g, y));
	}
	if (fe->sort_key)
		line(g, "_sd_map_sort(%s, %d, %d, %d);", m, fe->sort_key < 0 ? 0 : fe->sort_key,
		     fe->sort_dir, fe->sort_stat >= 0 ? fe->sort_stat : STAT_COUNT);
	if (arr->kind == E_INDEX) {
		sk = uniq(g, "k");
		line(g, "const struct sd_key *%s = %s;", sk, keylist(g, y, arr->args, arr->nargs, &wild));
	}
	/* `delete ARRAY` in the body empties the array and ends the loop */
	line(g, "for (u32 %s = %s->head; %s; %s = %s->count ? _sd_map_next(%s, %s) : 0) {", i, m, i, i,
	     m, m, i);
	g->indent++;
	/* as in SystemTap, limit counts the elements a slice skips too */
	if (lim)
		line(g, "if (%s-- <= 0)\n\t\tbreak;", lim);
	if (sk)
		line(g, "if (!_sd_map_match(%s, %s, %s, %uu))\n\t\tcontinue;", m, i, sk, wild);
	for (int k = 0; k < fe->nkeys; k++) {
		struct symbol *ks = fe->keys[k]->sym;

		if (y->keys[k] == TY_STRING)
			line(g, "strscpy(%s, _sd_map_ks(%s, %s, %d), MAXSTRINGLEN);", var_ref(g, ks), m, i, k);
		else
			line(g, "%s = _sd_map_kn(%s, %s, %d);", var_ref(g, ks), m, i, k);
	}
	if (fe->value) {
		struct symbol *vs = fe->value->sym;

		if (y->type == TY_STRING)
			line(g, "strscpy(%s, _sd_map_val(%s, %s), MAXSTRINGLEN);", var_ref(g, vs), m, i);
		else
			line(g, "%s = *(int64_t *)_sd_map_val(%s, %s);", var_ref(g, vs), m, i);
	}
	g->indent--;
	loop_body(g, st->then);
	g->indent--;
	line(g, "}");
}

static void delete_stmt(struct gen *g, struct stmt *st)
{
	struct expr *e = st->e;
	struct symbol *y = e->sym;
	unsigned wild = 0;
	const char *keys;

	if (!y || (e->kind != E_VAR && e->kind != E_INDEX)) {
		unsupported(g, e->loc, "deleting this");
		return;
	}
	if (y->type == TY_STATS) {
		keys = e->kind == E_INDEX ? keylist(g, y, e->args, e->nargs, &wild) : "NULL";
		line(g, "_sd_agg_delete(&%s, %s, %uu, %s);", gname(g, y), keys, wild,
		     e->kind == E_VAR ? "true" : "false");
	} else if (e->kind == E_VAR && y->arity > 0) {
		line(g, "_sd_map_clear(&%s);", gname(g, y));
	} else if (e->kind == E_VAR) {
		if (y->type == TY_STRING)
			line(g, "%s[0] = '\\0';", var_ref(g, y));
		else
			line(g, "%s = 0;", var_ref(g, y));
	} else {
		keys = keylist(g, y, e->args, e->nargs, &wild);
		if (wild)
			line(g, "_sd_map_delete_slice(&%s, %s, %uu);", gname(g, y), keys, wild);
		else
			line(g, "_sd_map_delete(&%s, %s);", gname(g, y), keys);
	}
}

/* the C declaration of a global */
static void global_decl(struct gen *g, struct symbol *y)
{
	struct strbuf *out = g->out;
	struct session *s = g->s;
	char kt[MAX_KEYS + 1];
	const char *max;

	for (int k = 0; k < y->arity && k < MAX_KEYS; k++)
		kt[k] = y->keys[k] == TY_STRING ? 's' : 'n';
	kt[y->arity > 0 ? y->arity : 0] = '\0';
	/* maxsize: N for `a[N]`, 0 when not given, -1 for `a%` (MAXMAPENTRIES) */
	max = y->global->maxsize > 0 ? arena_strfmt(&s->arena, "%" PRId64, y->global->maxsize) :
		"MAXMAPENTRIES";
	sb_printf(out, "static __maybe_unused DEFINE_RWLOCK(g_%s_lock);\n", y->name);
	if (y->type == TY_STATS) {
		struct aggspec *sp = spec_of(g, y);
		static const char *const ht[] = { "SD_HIST_NONE", "SD_HIST_LOG", "SD_HIST_LINEAR" };

		sb_printf(out, "static struct sd_agg g_%s = SD_AGG(\"%s\", \"%s\", %s, %s, %s, %d, %s, "
			  "%" PRId64 ", %" PRId64 ", %" PRId64 ");\n", y->name, y->name, kt,
			  y->arity > 0 ? max : "0", y->global->maxsize > 0 ? "true" : "false",
			  y->global->wrap ? "true" : "false", sp->shift,
			  ht[sp->htype], sp->start, sp->stop, sp->step);
	} else if (y->arity > 0) {
		sb_printf(out, "static struct sd_map g_%s = SD_MAP%s(\"%s\", \"%s\", %s, %s, %s);\n",
			  y->name, y->global->maxsize > 0 ? "_SIZED" : "", y->name, kt, y->type == TY_STRING ? "SD_V_STR" : "SD_V_LONG", max,
			  y->global->wrap ? "true" : "false");
	} else if (y->type == TY_STRING) {
		sb_printf(out, "static char g_%s[MAXSTRINGLEN]%s;\n", y->name,
			  y->global->init ? arena_strfmt(&s->arena, " = %s",
				c_string(g, y->global->init->str, y->global->init->len)) : "");
	} else {
		sb_printf(out, "static int64_t g_%s%s;\n", y->name,
			  y->global->init ? arena_strfmt(&s->arena, " = %" PRId64 "LL",
							 y->global->init->num) : "");
	}
}

/* the tables module init walks to allocate arrays and statistics */
static void data_tables(struct gen *g)
{
	struct program *prog = g->s->program;
	struct strbuf *out = g->out;

	sb_puts(out, "static struct sd_map *const sd_maps[] = {\n");
	for (int i = 0; i < prog->globals.n; i++) {
		struct symbol *y = prog->globals.v[i];

		if (!y->dropped && y->arity > 0 && y->type != TY_STATS)
			sb_printf(out, "\t&g_%s,\n", y->name);
	}
	sb_puts(out, "\tNULL\n};\nstatic struct sd_agg *const sd_aggs[] = {\n");
	for (int i = 0; i < prog->globals.n; i++) {
		struct symbol *y = prog->globals.v[i];

		if (!y->dropped && y->type == TY_STATS)
			sb_printf(out, "\t&g_%s,\n", y->name);
	}
	sb_puts(out, "\tNULL\n};\n\n");
}

/* the locks a handler takes (locks.c) */
static const char *lock_table(struct gen *g, uint8_t *mode, const char *name)
{
	struct program *prog = g->s->program;
	int n = 0;

	for (int i = 0; i < prog->globals.n; i++) {
		struct symbol *y = prog->globals.v[i];

		if (!mode[i] || y->dropped)
			continue;
		if (!n)
			sb_printf(g->out, "static const struct sd_lock %s_locks[] = {\n", name);
		sb_printf(g->out, "\t{ &g_%s_lock, %s },\n", y->name, mode[i] == LK_WRITE ? "true" : "false");
		n++;
	}
	if (!n)
		return "NULL, 0";
	sb_puts(g->out, "};\n\n");
	return arena_strfmt(&g->s->arena, "%s_locks, %d", name, n);
}

/* globals the script writes but never reads: shown when it ends, as stap does */
static bool shown_global(struct symbol *y)
{
	return y->written && !y->rvalue && !y->tapset && !y->dropped &&
	       (y->type == TY_LONG || y->type == TY_STRING || y->type == TY_STATS);
}

/* a[k1,"k2"] for node i of map m */
static void display_keys(struct gen *g, struct symbol *y, const char *m)
{
	struct strbuf fmt = STRBUF_INIT, args = STRBUF_INIT;

	sb_printf(&fmt, "%s[", y->name);
	for (int k = 0; k < y->arity; k++) {
		sb_puts(&fmt, k ? "," : "");
		if (y->keys[k] == TY_STRING) {
			sb_puts(&fmt, "\\\"%s\\\"");
			sb_printf(&args, ", _sd_map_ks(%s, i, %d)", m, k);
		} else {
			sb_puts(&fmt, "%lld");
			sb_printf(&args, ", (long long)_sd_map_kn(%s, i, %d)", m, k);
		}
	}
	sb_puts(&fmt, "]");
	sb_printf(g->out, "\t\t_sd_printf(c, \"%s\"%s);\n", fmt.buf, args.buf ? args.buf : "");
	sb_release(&fmt);
	sb_release(&args);
}

static const char stat_line[] =
	"\" @count=%lld @min=%lld @max=%lld @sum=%lld @avg=%lld\\n\", (long long)st->count, "
	"(long long)st->min, (long long)st->max, (long long)st->sum, "
	"(long long)div64_s64(st->sum, st->count)";

static bool global_display(struct gen *g)
{
	struct program *prog = g->s->program;
	struct strbuf *o = g->out;
	int words = 0;
	bool any = false;

	for (int i = 0; i < prog->globals.n; i++) {
		struct symbol *y = prog->globals.v[i];

		if (shown_global(y) && y->type == TY_STATS && buckets_of(spec_of(g, y)) + 16 > words)
			words = buckets_of(spec_of(g, y)) + 16;
	}
	for (int i = 0; i < prog->globals.n; i++) {
		struct symbol *y = prog->globals.v[i];

		if (!shown_global(y))
			continue;
		if (!any)
			sb_printf(o, "/* written but never read: shown at the end */\n"
				  "static void sdp_globals(struct sd_context *c)\n{\n"
				  "\tint64_t *tmp = _sd_frame(c, %d * sizeof(int64_t));\n"
				  "\tstruct sd_stat *st;\n\tu32 i;\n\n"
				  "\t(void)st;\n\t(void)i;\n\tif (!tmp)\n\t\treturn;\n", words ? words : 1);
		any = true;
		if (y->type == TY_STATS && y->arity > 0) {
			sb_printf(o, "\tif (_sd_agg_merge_all(c, &g_%s, \"identifier '%s'\")) {\n", y->name,
				  y->name);
			sb_printf(o, "\t\t_sd_map_sort(&g_%s.merged, 0, -1, SD_COUNT);\n", y->name);
			sb_printf(o, "\t\tfor (i = g_%s.merged.head; i; i = _sd_map_next(&g_%s.merged, i)) {\n",
				  y->name, y->name);
			sb_printf(o, "\t\tst = _sd_map_val(&g_%s.merged, i);\n", y->name);
			display_keys(g, y, arena_strfmt(&g->s->arena, "&g_%s.merged", y->name));
			sb_printf(o, "\t\t_sd_printf(c, %s);\n\t\t}\n\t}\n", stat_line);
		} else if (y->type == TY_STATS) {
			sb_printf(o, "\tst = _sd_agg_read(&g_%s, NULL, (struct sd_stat *)tmp);\n", y->name);
			sb_printf(o, "\tif (!st->count)\n\t\t_sd_printf(c, \"%s @count=0x0\\n\");\n", y->name);
			sb_printf(o, "\telse\n\t\t_sd_printf(c, \"%s%s);\n", y->name, stat_line + 1);
		} else if (y->arity > 0) {
			sb_printf(o, "\t_sd_map_sort(&g_%s, 0, -1, 0);\n", y->name);
			sb_printf(o, "\tfor (i = g_%s.head; i; i = _sd_map_next(&g_%s, i)) {\n", y->name, y->name);
			display_keys(g, y, arena_strfmt(&g->s->arena, "&g_%s", y->name));
			if (y->type == TY_STRING)
				sb_printf(o, "\t\t_sd_printf(c, \"=\\\"%%s\\\"\\n\", (char *)_sd_map_val(&g_%s, i));\n",
					  y->name);
			else
				sb_printf(o, "\t\t_sd_printf(c, \"=%%lld\\n\", (long long)*(int64_t *)"
					  "_sd_map_val(&g_%s, i));\n", y->name);
			sb_puts(o, "\t}\n");
		} else if (y->type == TY_STRING) {
			sb_printf(o, "\t_sd_printf(c, \"%s=\\\"%%s\\\"\\n\", g_%s);\n", y->name, y->name);
		} else {
			sb_printf(o, "\t_sd_printf(c, \"%s=%%lld\\n\", (long long)g_%s);\n", y->name, y->name);
		}
	}
	if (any)
		sb_puts(o, "}\n\n");
	return any;
}


/* {=== the print family: calls of the runtime's formatter ===} */

/*
 * printf("...", ...), print, printd and the rest become one statement
 * expression. The arguments are evaluated into a0, a1... first, so one
 * that raises an error (a division by zero, a failing function) leaves no
 * output behind. Then the byte counts of %m and %M are checked, and then
 * each piece of the format is one call of the formatter (runtime/print.h),
 * which writes into the handler's output or, for sprintf and the other
 * s-functions, into a string temporary. print and printd are formats of
 * %d, %s and literal text.
 */
struct printing {
	struct gen *g;
	struct expr *call;	/* printf(...) */
	struct expr **args;	/* the values, a0 a1 ... */
	int nargs, next;	/* how many, the next one to format */
	struct strbuf calls;	/* the formatter's calls */
	struct strbuf checks;	/* conditions to meet before any output */
	struct strbuf text;	/* literal text not yet in calls */
};

/* literal text waiting for the next conversion; like SystemTap, a run ends at a NUL */
static void flush_text(struct printing *p)
{
	const char *nul = p->text.len ? memchr(p->text.buf, '\0', p->text.len) : NULL;
	size_t n = nul ? (size_t)(nul - p->text.buf) : p->text.len;

	if (n)
		sb_printf(&p->calls, "_sd_fmt_text(&o_, %s, %zu); ", c_string(p->g, p->text.buf, n),
			  n);
	p->text.len = 0;
}

/* ORDER FORMAT_FLAGS */
static const char *flag_names(struct gen *g, unsigned flags)
{
	static const char *const names[] = {
		"SD_FMT_LEFT", "SD_FMT_PLUS", "SD_FMT_SPACE", "SD_FMT_ALT", "SD_FMT_ZERO",
	};
	struct strbuf sb = STRBUF_INIT;
	const char *r;

	if (!flags)
		return "0";
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (flags & 1u << i)
			sb_printf(&sb, "%s%s", sb.len ? " | " : "", names[i]);
	r = arena_strdup(&g->s->arena, sb.buf);
	sb_release(&sb);
	return r;
}

/* the next value, a0 a1 ...; -1 (and an error) if the format wants more */
static int next_arg(struct printing *p)
{
	if (p->next >= p->nargs) {
		unsupported(p->g, p->call->loc, "a format that wants more values than it has");
		return -1;
	}
	return p->next++;
}

/* a width or precision: a number, -1 for none, or the next value */
static const char *size_arg(struct printing *p, int v)
{
	int i;

	if (v != FORMAT_STAR)
		return arena_strfmt(&p->g->s->arena, "%d", v);
	i = next_arg(p);
	return i < 0 ? "0" : arena_strfmt(&p->g->s->arena, "SD_FMT_ARG(a%d)", i);
}

/* where a run-time error about a value is said to be, as SystemTap says it */
static const char *near(struct gen *g, struct expr *a)
{
	char buf[512];
	char *msg;

	if (a->kind == E_VAR || a->kind == E_CALL)
		return token_at(g, a->loc);
	diag_format_loc(g->s, a->loc, buf, sizeof(buf));
	if (a->kind == E_NUM)
		msg = arena_strfmt(&g->s->arena, "number '%" PRId64 "' at %s", a->num, buf);
	else
		msg = arena_strdup(&g->s->arena, buf);
	return c_string(g, msg, strlen(msg));
}

/* one conversion of a format */
static void print_conv(struct printing *p, const struct format_piece *f)
{
	struct gen *g = p->g;
	const char *flags = flag_names(g, f->flags);
	int prec_at = f->precision == FORMAT_STAR ? p->next + (f->width == FORMAT_STAR) : -1;
	const char *width = size_arg(p, f->width);
	const char *prec = size_arg(p, f->precision);
	int v = next_arg(p);

	flush_text(p);
	if (v < 0)
		return;
	switch (f->conv) {
	case 's':
		sb_printf(&p->calls, "_sd_fmt_str(&o_, a%d, %s, %s, %s); ", v, flags, width, prec);
		break;
	case 'c':
		sb_printf(&p->calls, "_sd_fmt_char(&o_, a%d, %s, %s); ", v, flags, width);
		break;
	case 'b':
		sb_printf(&p->calls, "_sd_fmt_bin(&o_, a%d, %s, %s, %s); ", v, flags, width, prec);
		break;
	case 'm':
	case 'M':
		/* at most a page: checked before anything is printed, as SystemTap does */
		if (prec_at >= 0 && prec_at < p->nargs)
			sb_printf(&p->checks, " && (c->where = %s, _sd_fmt_mem_check(c, a%d))",
				  near(g, p->args[prec_at]), prec_at);
		else if (f->precision >= 0)
			sb_printf(&p->checks, " && (c->where = %s, _sd_fmt_mem_check(c, %d))",
				  token_at(g, p->call->loc), f->precision);
		else
			sb_printf(&p->checks, " && (c->where = %s, true)",
				  token_at(g, p->call->loc));
		sb_printf(&p->calls, "_sd_fmt_mem(c, &o_, a%d, '%c', %s, %s, %s); ", v, f->conv, flags,
			  width, prec);
		break;
	default:
		sb_printf(&p->calls, "_sd_fmt_int(&o_, a%d, '%c', %s, %s, %s); ", v, f->conv, flags,
			  width, prec);
		break;
	}
}

/* printf's format: text and conversions */
static void print_format(struct printing *p, struct expr *fmt)
{
	struct format_scan f;
	struct format_piece piece;

	format_init(&f, fmt->str, fmt->len);
	while (format_next(&f, &piece) != FORMAT_END) {
		if (piece.kind == FORMAT_TEXT)
			sb_add(&p->text, fmt->str + piece.start, piece.end - piece.start);
		else if (piece.kind == FORMAT_CONV)
			print_conv(p, &piece);
		else
			unsupported(p->g, fmt->loc, "an invalid format");
	}
	if (p->next != p->nargs)
		unsupported(p->g, p->call->loc, "a format that wants fewer values than it has");
}

/* print, println, printd, printdln: each value as %d or %s, a delimiter between */
static void print_values(struct printing *p, const struct expr *delim, bool newline)
{
	for (int i = 0; i < p->nargs; i++) {
		if (i && delim)
			sb_add(&p->text, delim->str, delim->len);
		flush_text(p);
		if (p->args[i]->type == TY_STRING)
			sb_printf(&p->calls, "_sd_fmt_str(&o_, a%d, 0, -1, -1); ", i);
		else
			sb_printf(&p->calls, "_sd_fmt_int(&o_, a%d, 'd', 0, -1, -1); ", i);
	}
	p->next = p->nargs;
	if (newline)
		sb_putc(&p->text, '\n');
}

/* print_call -> PRINT '(' [format|delimiter ','] values ')' */
static const char *builtin(struct gen *g, struct expr *e)
{
	struct arena *A = &g->s->arena;
	const char *n = e->name;
	bool to_string = n[0] == 's';
	const char *base = to_string ? n + 1 : n;
	bool printd = !strcmp(base, "printd") || !strcmp(base, "printdln");
	bool first_is_text = printd || !strcmp(base, "printf");
	struct printing p = { .g = g, .call = e };
	struct strbuf decls = STRBUF_INIT;
	const char *r;

	p.args = e->args + first_is_text;
	p.nargs = e->nargs - first_is_text;
	for (int i = 0; i < p.nargs; i++) {
		if (p.args[i]->kind == E_HIST) {
			unsupported(g, p.args[i]->loc, "printing a histogram");
			continue;
		}
		sb_printf(&decls, "__auto_type a%d = %s; ", i, expr(g, p.args[i]));
	}
	if (!strcmp(base, "printf"))
		print_format(&p, e->args[0]);
	else
		print_values(&p, printd ? e->args[0] : NULL, printd ? base[6] == 'l' :
			     !strcmp(base, "println"));
	flush_text(&p);
	if (to_string)
		r = arena_strfmt(A, "({ %schar *s_ = %s; s_[0] = '\\0'; if (!c->error%s) { "
				 "struct sd_fmt o_; _sd_fmt_string(&o_, s_); %s_sd_fmt_string_done(&o_); } "
				 "s_; })", decls.buf ? decls.buf : "", temp(g), p.checks.buf ? p.checks.buf : "",
				 p.calls.buf ? p.calls.buf : "");
	else
		r = arena_strfmt(A, "({ %sif (!c->error%s) { struct sd_fmt o_; _sd_fmt_print(&o_, c); "
				 "%s_sd_fmt_print_done(&o_); } 0; })", decls.buf ? decls.buf : "",
				 p.checks.buf ? p.checks.buf : "", p.calls.buf ? p.calls.buf : "");
	sb_release(&decls);
	sb_release(&p.calls);
	sb_release(&p.checks);
	sb_release(&p.text);
	return r;
}

/* {=== expressions: each becomes a C expression ===} */

static const char *call(struct gen *g, struct expr *e)
{
	struct function *fn = e->fn;
	struct strbuf sb = STRBUF_INIT;
	const char *r;

	if (!fn && has_hist(e))
		return print_hist(g, e);
	if (!fn)
		return builtin(g, e);
	sb_printf(&sb, "%s(c", cname_fn(g, fn));
	if (fn->type == TY_STRING)
		sb_printf(&sb, ", %s", temp(g));
	for (int i = 0; i < e->nargs; i++)
		sb_printf(&sb, ", %s", expr(g, e->args[i]));
	sb_putc(&sb, ')');
	r = arena_strdup(&g->s->arena, sb.buf);
	sb_release(&sb);
	return fn->type == TY_VOID ? arena_strfmt(&g->s->arena, "(%s, 0)", r) : r;
}

static const char *assign(struct gen *g, struct expr *e)
{
	struct arena *A = &g->s->arena;
	const char *lhs, *rhs, *r;

	if (e->a->kind == E_INDEX || e->op == OP_AGG)
		return index_assign(g, e);
	if (e->a->kind == E_TARGET && e->a->tv)
		return target_assign(g, e);
	if (e->a->kind != E_VAR) {
		unsupported(g, e->a->loc, "assigning to target variables");
		return "0";
	}
	lhs = var_ref(g, e->a->sym);
	rhs = expr(g, e->b);
	r = uniq(g, "r");
	/* as in SystemTap, a value whose evaluation failed is not stored */
	if (e->a->sym->type == TY_STRING) {
		if (e->op == OP_CONCAT) {
			const char *t = temp(g);

			return arena_strfmt(A, "({ const char *%s = %s; if (!c->error) strscpy(%s, "
					    "_sd_concat(%s, %s, %s), MAXSTRINGLEN); %s; })", r, rhs, lhs,
					    t, lhs, r, lhs);
		}
		return arena_strfmt(A, "({ const char *%s = %s; if (!c->error) strscpy(%s, %s, "
				    "MAXSTRINGLEN); %s; })", r, rhs, lhs, r, lhs);
	}
	if (e->op == OP_AGG) {
		unsupported(g, e->loc, "statistics");
		return "0";
	}
	/* + - * & | ^ wrap like SystemTap's: compound() does them unsigned */
	return arena_strfmt(A, "({ int64_t %s = %s; if (!c->error) %s = %s; %s; })", r, rhs, lhs,
			    compound(g, e->op, lhs, r), lhs);
}

/*
 * regex -> a '=~' STRING | a '!~' STRING: the expression is compiled now
 * (ere.c) and matched at run time (runtime/regex.h), which also keeps the
 * groups for matched()
 */
static const char *regex_match(struct gen *g, struct expr *e)
{
	const char *prog;

	if (!e->b || e->b->kind != E_STR) {
		unsupported(g, e->loc, "a regular expression that is not a literal");
		return "0";
	}
	prog = ere_emit(g->s, &g->regex, e->b->loc, e->b->str, e->b->len);
	if (!prog) {
		g->failed = true;
		return "0";
	}
	return arena_strfmt(&g->s->arena, "%s_sd_regex_match(c, &%s, %s)",
			    e->op == OP_NMATCH ? "(int64_t)!" : "", prog, expr(g, e->a));
}

/*
 * A target variable: its base (a register value or an address), then each
 * step, then the final read, all through the fault-safe _sd_tv_* helpers
 * (runtime/deref.h) that name the variable when a read faults.
 */
static const char *target(struct gen *g, struct expr *e, const struct tvar *tv)
{
	struct arena *A = &g->s->arena;
	const char *v = tv->base, *w = token_at(g, e->loc);

	if (tv->final == TVF_PRETTY) {	/* $$vars: "name=0x.. ..." */
		const char *t = temp(g);
		struct strbuf sb = STRBUF_INIT;

		sb_printf(&sb, "({ snprintf(%s, MAXSTRINGLEN, %s", t,
			  c_string(g, tv->fmt, strlen(tv->fmt)));
		for (int i = 0; i < tv->nargs; i++) {
			struct expr *a = tv->args[i];

			if (a->type == TY_STRING)
				sb_printf(&sb, ", %s", expr(g, a));
			else
				sb_printf(&sb, ", (unsigned long long)%s", expr(g, a));
		}
		sb_printf(&sb, "); (const char *)%s; })", t);
		v = arena_strdup(A, sb.buf);
		sb_release(&sb);
		return v;
	}
	v = target_steps(g, e, tv);
	if (!tv->is_addr) {
		if (tv->size == 8)
			return arena_strfmt(A, "(int64_t)%s", v);
		return arena_strfmt(A, "(int64_t)(%s%d)%s", tv->is_signed ? "s" : "u",
				    tv->size * 8, v);
	}
	switch (tv->final) {
	case TVF_STRING:
		return arena_strfmt(A, "_sd_tv_string(c, %s, %s, %d, %s, %s)", temp(g), v, tv->size, w,
				    tv->user ? "true" : "false");
	case TVF_BITS:
		return arena_strfmt(A, "_sd_tv_bits(c, %s, %d, %d, %d, %s, %s, %s)", v, tv->size,
				    tv->bit_off, tv->bit_size, tv->is_signed ? "true" : "false", w,
				    tv->user ? "true" : "false");
	default:
		return arena_strfmt(A, "_sd_tv_read(c, %s, %d, %s, %s, %s)", v, tv->size,
				    tv->is_signed ? "true" : "false", w, tv->user ? "true" : "false");
	}
}

/* the base and the steps of a target variable: an address (or the value) as C */
static const char *target_steps(struct gen *g, struct expr *e, const struct tvar *tv)
{
	struct arena *A = &g->s->arena;
	const char *v = tv->base, *w = token_at(g, e->loc);

	if (!v)		/* @cast: the operand is the address */
		v = arena_strfmt(A, "((uint64_t)%s)", expr(g, e->a));
	for (int i = 0; i < tv->nsteps; i++) {
		const struct tv_step *st = &tv->steps[i];

		switch (st->kind) {
		case TV_LOAD:
			v = arena_strfmt(A, "_sd_tv_read(c, %s, 8, false, %s, %s)", v, w,
					 tv->user ? "true" : "false");
			break;
		case TV_ADD:
			v = arena_strfmt(A, "(%s + %" PRId64 "ULL)", v, st->off);
			break;
		case TV_INDEX:
			v = arena_strfmt(A, "(%s + (uint64_t)%s * %" PRId64 "ULL)", v,
					 expr(g, e->chain[st->chain].index), st->size);
			break;
		}
	}
	return v;
}

/*
 * Guru mode: $var = value stores into the register that holds it (so a
 * parameter changes before the function reads it; $return changes the
 * value returned) or into memory, fault-safely
 */
static const char *target_assign(struct gen *g, struct expr *e)
{
	struct arena *A = &g->s->arena;
	const struct tvar *tv = e->a->tv;
	const char *w = token_at(g, e->a->loc), *rhs, *r = uniq(g, "r");

	if (tv->final != TVF_INT || (!tv->is_addr && (!tv->reg || tv->nsteps)) ||
	    (tv->user && tv->is_addr)) {
		unsupported(g, e->a->loc, "writing this target variable");
		return "0";
	}
	rhs = e->op == OP_ASSIGN ? expr(g, e->b) : compound(g, e->op, target(g, e->a, tv), expr(g, e->b));
	if (!tv->is_addr)
		return arena_strfmt(A, "({ int64_t %s = %s; if (!c->error) c->regs->%s = (unsigned long)%s; %s; })",
				    r, rhs, tv->reg, r, r);
	return arena_strfmt(A, "({ int64_t %s = %s; _sd_tv_write(c, %s, %d, %s, %s); })", r, rhs,
			    target_steps(g, e->a, tv), tv->size, r, w);
}

static const char *expr(struct gen *g, struct expr *e)
{
	struct arena *A = &g->s->arena;

	switch (e->kind) {
	case E_NUM:
		if (e->num == INT64_MIN)
			return "INT64_MIN";
		return arena_strfmt(A, "%" PRId64 "LL", e->num);
	case E_STR:
		return c_string(g, e->str, e->len);
	case E_VAR:
		return var_ref(g, e->sym);
	case E_CALL:
		return call(g, e);
	case E_EMBEDDED:
		return arena_strfmt(A, "((int64_t)(%s))", e->str);
	case E_DEFINED:
		return e->num ? "1LL" : "0LL";
	case E_ENTRY:
		if (!g->dp || !g->dp->entries.n) {
			unsupported(g, e->loc, "@entry here");
			return "0";
		}
		return entry_slot(g, g->dp, (int)e->num);
	case E_TARGET:
		if (!e->tv) {
			unsupported(g, e->loc, "this target variable");
			return "0";
		}
		return target(g, e, e->tv);
	case E_ADDR:
		if (!e->a->tv) {
			unsupported(g, e->loc, "this target variable");
			return "0";
		}
		return target(g, e->a, e->a->tv);
	case E_UNARY:
		switch (e->op) {
		case OP_NEG:
			return arena_strfmt(A, "(int64_t)(0 - (uint64_t)%s)", expr(g, e->a));
		case OP_NOT:
			return arena_strfmt(A, "(int64_t)!%s", expr(g, e->a));
		case OP_BITNOT:
			return arena_strfmt(A, "(~%s)", expr(g, e->a));
		default:
			return expr(g, e->a);
		}
	case E_PREINC:
	case E_POSTINC: {
		const char *v;

		if (e->a->kind == E_INDEX)
			return index_incdec(g, e);
		if (e->a->kind != E_VAR) {
			unsupported(g, e->a->loc, "incrementing target variables");
			return "0";
		}
		v = var_ref(g, e->a->sym);
		return arena_strfmt(A, e->kind == E_PREINC ? "(%2$s%1$s)" : "(%1$s%2$s)", v,
				    ast_op_name(e->op));
	}
	case E_BINARY: {
		const char *l = expr(g, e->a), *r = expr(g, e->b);

		switch (e->op) {
		case OP_DIV:
			return arena_strfmt(A, "_sd_div_at(c, %s, %s, %s)", l, r, op_at(g, e->a, e->b, "/"));
		case OP_MOD:
			return arena_strfmt(A, "_sd_mod_at(c, %s, %s, %s)", l, r, op_at(g, e->a, e->b, "%"));
		default:
			/* + - * wrap like SystemTap's: compound() does them unsigned */
			return compound(g, e->op, l, r);
		}
	}
	case E_LOGICAL:
		return arena_strfmt(A, "(int64_t)(%s %s %s)", expr(g, e->a), ast_op_name(e->op),
				    expr(g, e->b));
	case E_COMPARE:
		if (e->a->type == TY_STRING)
			return arena_strfmt(A, "(int64_t)(strcmp(%s, %s) %s 0)", expr(g, e->a),
					    expr(g, e->b), ast_op_name(e->op));
		return arena_strfmt(A, "(int64_t)(%s %s %s)", expr(g, e->a), ast_op_name(e->op),
				    expr(g, e->b));
	case E_CONCAT:
		return arena_strfmt(A, "_sd_concat(%s, %s, %s)", temp(g), expr(g, e->a),
				    expr(g, e->b));
	case E_TERNARY:
		if (e->a->kind == E_DEFINED)	/* decided in pass 2 */
			return expr(g, e->a->num ? e->b : e->c);
		return arena_strfmt(A, "(%s ? %s : %s)", expr(g, e->a), expr(g, e->b),
				    expr(g, e->c));
	case E_ASSIGN:
		return assign(g, e);
	case E_INDEX:
		if (!e->sym || e->sym->type == TY_STATS) {
			unsupported(g, e->loc, "this use of a statistics array");
			return "0";
		}
		return index_read(g, e);
	case E_IN:
		return in_expr(g, e);
	case E_STATOP:
		return statop(g, e);
	case E_HIST_BUCKET:
		return hist_bucket(g, e);
	case E_WILDCARD:
	case E_HIST:
		unsupported(g, e->loc, "this use of a histogram");
		return "0";
	case E_REGEX:
		return regex_match(g, e);
	default:
		unsupported(g, e->loc, "this expression");
		return "0";
	}
}

/* {=== statements ===} */

static void stmt(struct gen *g, struct stmt *st);

static void where(struct gen *g, struct loc loc)
{
	line(g, "c->where = %s;", token_at(g, loc));
}

/*
 * A loop's body and closing brace. Every iteration charges the action
 * budget, so even an empty body cannot spin in a handler forever.
 */
static void loop_body(struct gen *g, struct stmt *body)
{
	g->indent++;
	line(g, "if (unlikely(c->error || !_sd_action(c)))");
	line(g, "\tgoto %s;", g->errlabel);
	stmt(g, body);
	line(g, "if (unlikely(c->error))");
	line(g, "\tgoto %s;", g->errlabel);
	g->indent--;
	line(g, "}");
}

static void stmt(struct gen *g, struct stmt *st)
{
	if (st->kind == S_BLOCK) {
		for (int i = 0; i < st->nbody; i++)
			stmt(g, st->body[i]);
		return;
	}
	if (st->kind == S_NULL)
		return;
	line(g, "if (unlikely(c->error || !_sd_action(c)))");
	line(g, "\tgoto %s;", g->errlabel);
	where(g, st->loc);
	switch (st->kind) {
	case S_EXPR:
		line(g, "(void)%s;", expr(g, st->e));
		break;
	case S_IF:
		line(g, "if (%s) {", expr(g, st->e));
		g->indent++;
		stmt(g, st->then);
		g->indent--;
		if (st->els) {
			line(g, "} else {");
			g->indent++;
			stmt(g, st->els);
			g->indent--;
		}
		line(g, "}");
		break;
	case S_WHILE:
		line(g, "while (%s) {", expr(g, st->e));
		loop_body(g, st->then);
		break;
	case S_FOR:
		line(g, "for (%s; %s; %s) {", st->init ? expr(g, st->init) : "",
		     st->e ? expr(g, st->e) : "1", st->step ? expr(g, st->step) : "");
		loop_body(g, st->then);
		break;
	case S_BREAK:
		line(g, "break;");
		break;
	case S_CONTINUE:
		line(g, "continue;");
		break;
	case S_NEXT:
		if (g->fn)
			unsupported(g, st->loc, "'next' in a function");
		line(g, "goto out;");
		break;
	case S_RETURN:
		if (st->e && g->fn->type == TY_STRING)
			line(g, "strscpy(ret, %s, MAXSTRINGLEN);", expr(g, st->e));
		else if (st->e)
			line(g, "ret = %s;", expr(g, st->e));
		/* an error in the value goes to the enclosing catch, if any */
		if (st->e && strcmp(g->errlabel, "out"))
			line(g, "if (unlikely(c->error))\n\t\tgoto %s;", g->errlabel);
		line(g, "goto out;");
		break;
	case S_TRY: {
		int n = g->labels++;
		const char *outer = g->errlabel;

		g->errlabel = arena_strfmt(&g->s->arena, "catch_%d", n);
		line(g, "{ /* try */");
		g->indent++;
		stmt(g, st->then);
		line(g, "if (unlikely(c->error))");
		line(g, "\tgoto catch_%d;", n);
		g->indent--;
		line(g, "}");
		g->errlabel = outer;
		line(g, "goto try_end_%d;", n);
		line(g, "catch_%d:", n);
		line(g, "if (c->aborting || !strcmp(c->error, \"MAXACTION exceeded\"))");
		line(g, "\tgoto %s;", outer);
		if (st->catch_sym)
			line(g, "strscpy(%s, c->error, MAXSTRINGLEN);", var_ref(g, st->catch_sym));
		line(g, "c->error = NULL;");
		stmt(g, st->els);
		line(g, "try_end_%d: ;", n);
		break;
	}
	case S_FOREACH:
		foreach_stmt(g, st);
		break;
	case S_DELETE:
		delete_stmt(g, st);
		break;
	default:
		break;
	}
}

/* {=== functions and probes ===} */

static const char *ctype(enum type t)
{
	return t == TY_STRING ? "char *" : t == TY_VOID ? "void " : "int64_t ";
}

static void frame_locals(struct gen *g, struct vec *locals, int from)
{
	for (int i = from; i < locals->n; i++) {
		struct symbol *y = locals->v[i];

		if (y->type == TY_STRING)
			sb_printf(&g->frame, "\tchar l_%s[MAXSTRINGLEN];\n", y->name);
		else
			sb_printf(&g->frame, "\tint64_t l_%s;\n", y->name);
	}
}

static void begin_body(struct gen *g)
{
	sb_release(&g->body);
	sb_release(&g->frame);
	g->temps = 0;
	g->stats = 0;
	g->indent = 1;
	g->errlabel = "out";
}

static void embedded_function(struct gen *g, struct function *fn)
{
	const char *name = cname_fn(g, fn);
	struct strbuf *o = g->out;

	sb_printf(o, "static %s%s(struct sd_context *c%s", ctype(fn->type), name,
		  fn->type == TY_STRING ? ", char *ret" : "");
	for (int i = 0; i < fn->nparams; i++)
		sb_printf(o, ", %sp_%s", fn->param_syms[i]->type == TY_STRING ? "const char *" :
			  "int64_t ", fn->params[i].name);
	sb_puts(o, ")\n{\n");
	if (fn->type == TY_LONG || fn->type == TY_UNKNOWN)
		sb_puts(o, "\tint64_t ret = 0;\n");
	sb_puts(o, "#define CONTEXT c\n");
	for (int i = 0; i < fn->nparams; i++)
		sb_printf(o, "#define STAP_ARG_%s p_%s\n", fn->params[i].name, fn->params[i].name);
	if (fn->type != TY_VOID) {
		sb_puts(o, "#define STAP_RETVALUE ret\n");
		sb_puts(o, "#define STAP_RETURN(v) do { STAP_RETVALUE = (v); goto sd_out; } while (0)\n");
	}
	sb_puts(o, "#define STAP_ERROR(...) do { _sd_error_fmt(c, __VA_ARGS__); goto sd_out; } while (0)\n");
	sb_printf(o, "\t{\n%s\n\t}\n\tgoto sd_out;\nsd_out:\n", fn->embedded);
	sb_puts(o, "#undef CONTEXT\n#undef STAP_ERROR\n");
	for (int i = 0; i < fn->nparams; i++)
		sb_printf(o, "#undef STAP_ARG_%s\n", fn->params[i].name);
	if (fn->type != TY_VOID)
		sb_puts(o, "#undef STAP_RETVALUE\n#undef STAP_RETURN\n");
	sb_puts(o, fn->type == TY_VOID ? "}\n\n" : "\treturn ret;\n}\n\n");
}

static void script_function(struct gen *g, struct function *fn)
{
	const char *name = cname_fn(g, fn);
	struct strbuf *o = g->out;

	begin_body(g);
	g->fn = fn;
	for (int i = 0; i < fn->nparams; i++) {
		struct symbol *y = fn->param_syms[i];

		if (y->type == TY_STRING)
			line(g, "strscpy(f->l_%s, p_%s, MAXSTRINGLEN);", y->name, y->name);
		else
			line(g, "f->l_%s = p_%s;", y->name, y->name);
	}
	stmt(g, fn->body);
	frame_locals(g, &fn->locals, 0);
	sb_printf(o, "struct %s_frame {\n%s};\n\n", name, g->frame.buf ? g->frame.buf : "\tchar unused;\n");
	sb_printf(o, "static %s%s(struct sd_context *c%s", ctype(fn->type), name,
		  fn->type == TY_STRING ? ", char *ret" : "");
	for (int i = 0; i < fn->nparams; i++)
		sb_printf(o, ", %sp_%s", fn->param_syms[i]->type == TY_STRING ? "const char *" :
			  "int64_t ", fn->params[i].name);
	sb_puts(o, ")\n{\n");
	sb_printf(o, "\tstruct %s_frame *f;\n", name);
	if (fn->type != TY_VOID && fn->type != TY_STRING)
		sb_puts(o, "\tint64_t ret = 0;\n");
	sb_puts(o, "\n");
	if (fn->type == TY_STRING)
		sb_puts(o, "\tret[0] = '\\0';\n");
	sb_printf(o, "\tif (++c->nesting > MAXNESTING) {\n\t\t_sd_error_str(c, \"MAXNESTING exceeded\");\n"
		  "\t\tc->where = %s;\n", token_at(g, fn->loc));
	sb_printf(o, "\t\tc->nesting--;\n\t\treturn%s;\n\t}\n", fn->type == TY_VOID ? "" : " ret");
	sb_puts(o, "\tf = _sd_frame(c, sizeof(*f));\n\tif (!f)\n\t\tgoto nest;\n");
	sb_puts(o, g->body.buf ? g->body.buf : "");
	sb_puts(o, "out: __maybe_unused;\n\t_sd_frame_pop(c, sizeof(*f));\nnest:\n\tc->nesting--;\n");
	sb_puts(o, fn->type == TY_VOID ? "}\n\n" : "\treturn ret;\n}\n\n");
	g->fn = NULL;
}

/* where @entry slot k of dp lives in the kretprobe instance's data: longs, then strings */
static const char *entry_slot(struct gen *g, struct dprobe *dp, int k)
{
	int nlong = 0, before_long = 0, before_str = 0;

	for (int i = 0; i < dp->entries.n; i++) {
		struct expr *e = dp->entries.v[i];

		if (e->type != TY_STRING)
			nlong++;
		if (i < k)
			*(e->type == TY_STRING ? &before_str : &before_long) += 1;
	}
	/* a uprobe's data starts with the load bias (_sd_ubias) */
	if (dp->family == PF_UPROBE) {
		nlong++;
		before_long++;
	}
	if (((struct expr *)dp->entries.v[k])->type == TY_STRING)
		return arena_strfmt(&g->s->arena, "((char *)c->entry_data + 8 * %d + MAXSTRINGLEN * %d)",
				    nlong, before_str);
	return arena_strfmt(&g->s->arena, "(*(int64_t *)((char *)c->entry_data + 8 * %d))",
			    before_long);
}

static const char *entry_size(struct gen *g, struct dprobe *dp)
{
	int nlong = 0, nstr = 0;

	for (int i = 0; i < dp->entries.n; i++)
		*(((struct expr *)dp->entries.v[i])->type == TY_STRING ? &nstr : &nlong) += 1;
	if (dp->family == PF_UPROBE)
		nlong++;	/* the load bias first */
	return arena_strfmt(&g->s->arena, "8 * %d + MAXSTRINGLEN * %d", nlong, nstr);
}

/*
 * The entry handler of a .return probe with @entry(...): it evaluates
 * each at the function's entry into the kretprobe instance's data.
 */
static void entry_handler(struct gen *g, struct dprobe *dp, int n)
{
	struct strbuf *o = g->out;

	begin_body(g);
	g->dp = dp;
	for (int k = 0; k < dp->entries.n; k++) {
		struct expr *e = dp->entries.v[k];

		if (e->type == TY_STRING)
			line(g, "strscpy(%s, %s, MAXSTRINGLEN);", entry_slot(g, dp, k), expr(g, e->a));
		else
			line(g, "%s = %s;", entry_slot(g, dp, k), expr(g, e->a));
		line(g, "if (unlikely(c->error))");
		line(g, "\tgoto out;");
	}
	sb_printf(o, "/* %s, at the entry */\nstruct sdp_%d_entry_frame {\n%s};\n\n", dp->point, n,
		  g->frame.buf ? g->frame.buf : "\tchar unused;\n");
	sb_printf(o, "static void sdp_%d_entry(struct sd_context *c)\n{\n", n);
	sb_printf(o, "\tstruct sdp_%d_entry_frame *f = _sd_frame(c, sizeof(*f));\n\n", n);
	sb_puts(o, "\tif (!f)\n\t\treturn;\n");
	sb_puts(o, g->body.buf ? g->body.buf : "");
	sb_puts(o, "out: __maybe_unused;\n\t_sd_frame_pop(c, sizeof(*f));\n}\n\n");
	g->dp = NULL;
}

static void probe_handler(struct gen *g, struct dprobe *dp, int n)
{
	struct strbuf *o = g->out;

	const char *cond;

	begin_body(g);
	g->dp = dp;
	cond = dp->cond ? expr(g, dp->cond) : NULL;
	stmt(g, dp->body);
	g->dp = NULL;
	frame_locals(g, &dp->locals, 0);
	sb_printf(o, "/* %s */\nstruct sdp_%d_frame {\n%s};\n\n", dp->point, n,
		  g->frame.buf ? g->frame.buf : "\tchar unused;\n");
	sb_printf(o, "static void sdp_%d(struct sd_context *c)\n{\n", n);
	sb_printf(o, "\tstruct sdp_%d_frame *f = _sd_frame(c, sizeof(*f));\n\n", n);
	sb_puts(o, "\tif (!f)\n\t\treturn;\n");
	if (cond)
		sb_printf(o, "\tif (!(%s) || c->error)\n\t\tgoto out;\n", cond);
	sb_puts(o, g->body.buf ? g->body.buf : "");
	sb_puts(o, "out: __maybe_unused;\n\t_sd_frame_pop(c, sizeof(*f));\n}\n\n");
}

static int cmp_seq(const void *a, const void *b)
{
	const struct dprobe *x = *(struct dprobe *const *)a, *y = *(struct dprobe *const *)b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* probe i as its struct sd_probe: handler, point and locks */
static const char *probe_ref(struct gen *g, int i)
{
	struct dprobe *dp = g->s->program->probes.v[i];

	const char *func = "";

	if (dp->symbol || dp->func) {
		/* an inlined instance's is the function it is in, as stap's probefunc() */
		const char *name = dp->host ? dp->host->name : dp->func ? dp->func->name : dp->symbol;

		const char *mod = dp->di && dp->di->module ? dp->di->module : "kernel";

		func = arena_strfmt(&g->s->arena, ", .func = %s, .module = %s",
				    c_string(g, name, strlen(name)), c_string(g, mod, strlen(mod)));
	}
	return arena_strfmt(&g->s->arena, "{ sdp_%d, %s, %s%s }", i,
			    c_string(g, dp->point, strlen(dp->point)), g->plocks[i], func);
}

static void probe_table(struct gen *g, const char *name, enum family fam, bool globals)
{
	struct program *prog = g->s->program;
	struct dprobe **v = arena_alloc(&g->s->arena, sizeof(*v) * (size_t)(prog->probes.n + 1));
	int n = 0;

	for (int i = 0; i < prog->probes.n; i++) {
		struct dprobe *dp = prog->probes.v[i];

		if (dp->family == fam)
			v[n++] = dp;
	}
	/* stable: equal sequence numbers keep script order */
	for (int i = 1; i < n; i++)
		for (int k = i; k > 0 && cmp_seq(&v[k - 1], &v[k]) > 0; k--) {
			struct dprobe *t = v[k];

			v[k] = v[k - 1];
			v[k - 1] = t;
		}
	sb_printf(g->out, "static const struct sd_probe %s[] = {\n", name);
	for (int i = 0; i <= n; i++) {
		int idx = 0;

		/* the exit display is an end probe of sequence 0 after the script's */
		if (globals && (i == n || v[i]->seq > 0)) {
			sb_printf(g->out, "\t{ sdp_globals, \"end\", %s },\n", g->glocks);
			globals = false;
		}
		if (i == n)
			break;

		for (; idx < prog->probes.n && prog->probes.v[idx] != v[i]; idx++)
			;
		sb_printf(g->out, "\t%s,\n", probe_ref(g, idx));
	}
	sb_printf(g->out, "\t{ NULL, NULL }\n};\n\n");
}

static uint64_t unit_ns(enum timer_unit u)
{
	switch (u) {
	case TU_S: return 1000000000ULL;
	case TU_MS: return 1000000ULL;
	case TU_US: return 1000ULL;
	default: return 1;
	}
}

/* a timer's interval and randomization in ns, as C expressions */
static const char *timer_fields(struct gen *g, struct dprobe *dp, int i)
{
	struct arena *A = &g->s->arena;
	const char *iv, *rnd;

	if (dp->unit == TU_HZ) {
		iv = arena_strfmt(A, "NSEC_PER_SEC / %" PRId64, dp->interval);
		rnd = "0";
	} else if (dp->unit == TU_JIFFIES) {
		iv = arena_strfmt(A, "%" PRId64 "ULL * (NSEC_PER_SEC / HZ)", dp->interval);
		rnd = arena_strfmt(A, "%" PRId64 "ULL * (NSEC_PER_SEC / HZ)", dp->randomize);
	} else {
		iv = arena_strfmt(A, "%" PRIu64 "ULL", (uint64_t)dp->interval * unit_ns(dp->unit));
		rnd = arena_strfmt(A, "%" PRIu64 "ULL", (uint64_t)dp->randomize * unit_ns(dp->unit));
	}
	return arena_strfmt(A, ", .interval_ns = %s, .randomize_ns = %s", iv, rnd);
}

/* probe i's kprobe: where, .return, maxactive and its @entry handler */
static const char *kprobe_fields(struct gen *g, struct dprobe *dp, int i)
{
	const char *where = dp->symbol ?
		arena_strfmt(&g->s->arena, ".symbol = %s, .offset = %" PRId64,
			     c_string(g, dp->symbol, strlen(dp->symbol)), dp->offset) :
		arena_strfmt(&g->s->arena, ".link_addr = 0x%" PRIx64 "UL, .anchor = 0x%" PRIx64 "UL",
			     dp->addr, dp->anchor);

	const char *entry = "";

	if (dp->entries.n) {
		entry = arena_strfmt(&g->s->arena, ", .entry = { sdp_%d_entry, %s, %s }, .data_size = %s",
				     i, c_string(g, dp->point, strlen(dp->point)), g->plocks[i],
				     entry_size(g, dp));
	}
	return arena_strfmt(&g->s->arena, ", %s, .ret = %s, .maxactive = %" PRId64 "%s", where,
			    dp->ret ? "true" : "false", dp->maxactive, entry);
}

/*
 * probe i's uprobe: the file, the offset in it, the link-time addresses for
 * the load bias and an SDT marker's semaphore
 */
static const char *uprobe_fields(struct gen *g, struct dprobe *dp, int i)
{
	const char *path = dp->di->path;

	const char *entry = "";

	if (dp->entries.n) {
		/* @entry: a uprobe where the function's values are set up, paired with the return by the stack */
		entry = arena_strfmt(&g->s->arena, ", .entry = { sdp_%d_entry, %s, %s }, .data_size = %s, "
				     ".entry_offset = 0x%" PRIx64 "UL, .entry_pc = 0x%" PRIx64 "UL, "
				     ".entry_reg = %d, .entry_off = %" PRId64, i,
				     c_string(g, dp->point, strlen(dp->point)), g->plocks[i],
				     entry_size(g, dp), dp->entry_offset, dp->entry_pc, dp->entry_reg,
				     dp->entry_off);
	}
	return arena_strfmt(&g->s->arena, ", .path = %s, .offset = 0x%" PRIx64 "UL, .link_addr = 0x%"
			    PRIx64 "UL, .func_addr = 0x%" PRIx64 "UL, .ref_ctr_offset = 0x%" PRIx64
			    "UL, .ret = %s, .target_only = %s%s",
			    c_string(g, path, strlen(path)), dp->addr, dp->pc,
			    dp->func ? dp->func->addr : dp->pc, dp->ref_ctr, dp->ret ? "true" : "false",
			    dp->target_only ? "true" : "false", entry);
}

/* probe i's process begin/end: the event and which processes */
static const char *utask_fields(struct gen *g, struct dprobe *dp, int i)
{
	static const char *const events[] = { "SD_UT_BEGIN", "SD_UT_END", "SD_UT_THREAD_BEGIN",
					       "SD_UT_THREAD_END" };

	return arena_strfmt(&g->s->arena, ", .path = %s, .pid = %" PRId64 ", .event = %s, "
			    ".target_only = %s", dp->exe ? c_string(g, dp->exe, strlen(dp->exe)) : "NULL",
			    dp->pid, events[dp->event], dp->target_only ? "true" : "false");
}

/*
 * The table of one armed family: TYPE NAME[] with an entry per probe
 * (.probe and the family's fields), never empty (C has no empty arrays),
 * and its length in NAME_n.
 */
static void family_table(struct gen *g, enum family fam, const char *type, const char *name,
			 const char *(*fields)(struct gen *, struct dprobe *, int))
{
	struct program *prog = g->s->program;
	int n = 0;

	sb_printf(g->out, "static struct %s %s[] = {\n", type, name);
	for (int i = 0; i < prog->probes.n; i++) {
		struct dprobe *dp = prog->probes.v[i];

		if (dp->family != fam)
			continue;
		sb_printf(g->out, "\t{ .probe = %s%s },\n", probe_ref(g, i), fields ? fields(g, dp, i) : "");
		n++;
	}
	if (!n)
		sb_puts(g->out, "\t{ .probe = { NULL } }\n");
	sb_printf(g->out, "};\nstatic const size_t %s_n = %d;\n\n", name, n);
}

static void timers(struct gen *g)
{
	family_table(g, PF_TIMER, "sd_timer", "sd_timers", timer_fields);
	family_table(g, PF_PROFILE, "sd_profile", "sd_profiles", NULL);
	family_table(g, PF_KPROBE, "sd_kprobe", "sd_kprobes", kprobe_fields);
	family_table(g, PF_UPROBE, "sd_uprobe", "sd_uprobes", uprobe_fields);
	family_table(g, PF_UTASK, "sd_utask", "sd_utasks", utask_fields);
	usyms_emit(g->s, g->out);
}

static const char glue[] =
"static bool sd_timers_running;\n"
"\n"
"/*\n"
" * begin probes stop once the session is not running (exit() in one skips\n"
" * the rest); end probes stop once errors end the session, and the error\n"
" * probes run instead\n"
" */\n"
"static void sd_run_all(const struct sd_probe *v, bool begin)\n"
"{\n"
"\tfor (; v->fn; v++) {\n"
"\t\tif (begin ? atomic_read(&_sd_state) != SD_RUNNING : atomic_read(&_sd_failed))\n"
"\t\t\tbreak;\n"
"\t\t_sd_run(v, NULL, true);\n"
"\t}\n"
"}\n"
"\n"
"/* the transport calls these (runtime/transport.h) */\n"
"void _sd_on_start(void)\n"
"{\n"
"\tatomic_set(&_sd_state, SD_RUNNING);\n"
"\t_sd_usyms_start(sd_usym_files, sd_usym_files_n);\n"
"\tsd_run_all(sd_begin, true);\n"
"\t/* kernel probes after the begin probes; a failure ends the script */\n"
"\tif (atomic_read(&_sd_state) == SD_RUNNING &&\n"
"\t    (!_sd_kprobes_register(sd_kprobes, sd_kprobes_n) ||\n"
"\t     !_sd_uprobes_register(sd_uprobes, sd_uprobes_n) ||\n"
"\t     !_sd_utasks_register(sd_utasks, sd_utasks_n)))\n"
"\t\t_sd_exit(NULL);\n"
"\tif (atomic_read(&_sd_state) == SD_RUNNING) {\n"
"\t\t_sd_timers_start(sd_timers, sd_timers_n);\n"
"\t\t_sd_profiles_start(sd_profiles, sd_profiles_n);\n"
"\t\tsd_timers_running = true;\n"
"\t}\n"
"}\n"
"\n"
"void _sd_on_exit(void)\n"
"{\n"
"\tatomic_set(&_sd_state, SD_STOPPING);\n"
"\tif (sd_timers_running) {\n"
"\t\t_sd_timers_stop(sd_timers, sd_timers_n);\n"
"\t\t_sd_profiles_stop(sd_profiles, sd_profiles_n);\n"
"\t\tsd_timers_running = false;\n"
"\t}\n"
"\t_sd_kprobes_unregister(sd_kprobes, sd_kprobes_n);\n"
"\t_sd_uprobes_unregister(sd_uprobes, sd_uprobes_n);\n"
"\t_sd_utasks_unregister(sd_utasks, sd_utasks_n);\n"
"\tsd_run_all(sd_end, false);\n"
"\tif (atomic_read(&_sd_failed))\n"
"\t\tfor (const struct sd_probe *p = sd_error_probes; p->fn; p++)\n"
"\t\t\t_sd_run(p, NULL, true);\n"
"\t_sd_usyms_stop();\n"
"\tatomic_set(&_sd_state, SD_STOPPED);\n"
"\t_sd_transport_done(atomic_long_read(&_sd_errors), atomic_long_read(&_sd_skipped));\n"
"}\n"
"\n"
"static void sd_data_free(void)\n"
"{\n"
"\tfor (size_t i = 0; sd_maps[i]; i++)\n"
"\t\t_sd_map_free(sd_maps[i]);\n"
"\tfor (size_t i = 0; sd_aggs[i]; i++)\n"
"\t\t_sd_agg_free(sd_aggs[i]);\n"
"}\n"
"\n"
"/* arrays and statistics are allocated whole, before any probe runs */\n"
"static int sd_data_alloc(void)\n"
"{\n"
"\tfor (size_t i = 0; sd_maps[i]; i++)\n"
"\t\tif (_sd_map_alloc(sd_maps[i]))\n"
"\t\t\tgoto fail;\n"
"\tfor (size_t i = 0; sd_aggs[i]; i++)\n"
"\t\tif (_sd_agg_alloc(sd_aggs[i]))\n"
"\t\t\tgoto fail;\n"
"\treturn 0;\n"
"fail:\n"
"\tsd_data_free();\n"
"\treturn -ENOMEM;\n"
"}\n"
"\n"
"static int __init sd_init(void)\n"
"{\n"
"\tint rc = _sd_contexts_alloc(SD_REGEX_STATE);\n"
"\n"
"\tif (rc)\n"
"\t\treturn rc;\n"
"\trc = sd_data_alloc();\n"
"\tif (rc)\n"
"\t\tgoto contexts;\n"
"\trc = _sd_profiles_alloc(sd_profiles, sd_profiles_n);\n"
"\tif (rc)\n"
"\t\tgoto data;\n"
"\trc = _sd_transport_init();\n"
"\tif (rc)\n"
"\t\tgoto profiles;\n"
"\treturn 0;\n"
"profiles:\n"
"\t_sd_profiles_free(sd_profiles, sd_profiles_n);\n"
"data:\n"
"\tsd_data_free();\n"
"contexts:\n"
"\t_sd_contexts_free();\n"
"\treturn rc;\n"
"}\n"
"\n"
"static void __exit sd_fini(void)\n"
"{\n"
"\t_sd_transport_close();\n"
"\tif (sd_timers_running) {\n"
"\t\t_sd_timers_stop(sd_timers, sd_timers_n);\n"
"\t\t_sd_profiles_stop(sd_profiles, sd_profiles_n);\n"
"\t}\n"
"\t_sd_kprobes_unregister(sd_kprobes, sd_kprobes_n);\n"
"\t_sd_uprobes_unregister(sd_uprobes, sd_uprobes_n);\n"
"\t_sd_utasks_unregister(sd_utasks, sd_utasks_n);\n"
"\t_sd_usyms_stop();\n"
"\t_sd_profiles_free(sd_profiles, sd_profiles_n);\n"
"\tsd_data_free();\n"
"\t_sd_contexts_free();\n"
"}\n"
"\n"
"module_init(sd_init);\n"
"module_exit(sd_fini);\n"
"MODULE_LICENSE(\"GPL\");\n"
"MODULE_DESCRIPTION(\"sonde script\");\n";

/* {=== MAXNESTING ===} */

struct depth {
	struct function **stack;
	int n;
	bool recursive;
};

static int calls_depth(struct depth *d, struct expr *e);

static int stmt_depth(struct depth *d, struct stmt *st)
{
	int m = 0, k;

	if (!st)
		return 0;
	for (int i = 0; i < st->nbody; i++)
		if ((k = stmt_depth(d, st->body[i])) > m)
			m = k;
	struct expr *es[] = { st->e, st->init, st->step };
	for (size_t i = 0; i < 3; i++)
		if ((k = calls_depth(d, es[i])) > m)
			m = k;
	if ((k = stmt_depth(d, st->then)) > m)
		m = k;
	if ((k = stmt_depth(d, st->els)) > m)
		m = k;
	return m;
}

/* the deepest chain of script function calls starting in e */
static int calls_depth(struct depth *d, struct expr *e)
{
	int m = 0, k;

	if (!e)
		return 0;
	struct expr *subs[] = { e->a, e->b, e->c };
	for (size_t i = 0; i < 3; i++)
		if ((k = calls_depth(d, subs[i])) > m)
			m = k;
	for (int i = 0; i < e->nargs; i++)
		if ((k = calls_depth(d, e->args[i])) > m)
			m = k;
	if (e->kind == E_CALL && e->fn) {
		for (int i = 0; i < d->n; i++) {
			if (d->stack[i] == e->fn) {
				/* the recursive call counts, as in SystemTap */
				d->recursive = true;
				return m > 1 ? m : 1;
			}
		}
		if (d->n < 64) {
			d->stack[d->n++] = e->fn;
			k = 1 + stmt_depth(d, e->fn->body);
			d->n--;
			if (k > m)
				m = k;
		}
	}
	return m;
}

static int nesting(struct session *s)
{
	struct function *stack[64];
	struct depth d = { stack, 0, false };
	int m = 0, k;

	for (int i = 0; i < s->program->probes.n; i++)
		if ((k = stmt_depth(&d, ((struct dprobe *)s->program->probes.v[i])->body)) > m)
			m = k;
	return m + (d.recursive ? 10 : 0) + 1;
}

int translate(struct session *s, struct strbuf *out)
{
	struct program *prog = s->program;
	struct gen g = { .s = s, .out = out };
	int before = s->nerrors;

	specs(&g);
	g.locks = locks_compute(s);
	g.plocks = arena_alloc(&s->arena, sizeof(*g.plocks) * ((size_t)prog->probes.n + 1));
	sb_puts(out, "/* generated by sonde: the script's probes as a kernel module */\n");
	sb_printf(out, "#ifndef MAXNESTING\n#define MAXNESTING %d\n#endif\n", nesting(s));
	sb_puts(out, "#include \"runtime.h\"\n\n");
	for (int i = 0; i < prog->embeds.n; i++) {
		struct decl *d = prog->embeds.v[i];

		sb_printf(out, "%s\n", d->u.embedded.code);
	}
	for (int i = 0; i < prog->globals.n; i++) {
		struct symbol *y = prog->globals.v[i];

		if (!y->dropped)
			global_decl(&g, y);
	}
	sb_putc(out, '\n');
	data_tables(&g);
	/* prototypes first: functions may call each other in any order */
	for (int i = 0; i < prog->used.n; i++) {
		struct function *fn = prog->used.v[i];

		sb_printf(out, "static %s%s(struct sd_context *c%s", ctype(fn->type),
			  cname_fn(&g, fn), fn->type == TY_STRING ? ", char *ret" : "");
		for (int k = 0; k < fn->nparams; k++)
			sb_printf(out, ", %s", fn->param_syms[k]->type == TY_STRING ?
				  "const char *" : "int64_t");
		sb_puts(out, ");\n");
	}
	sb_putc(out, '\n');
	for (int i = 0; i < prog->used.n; i++) {
		struct function *fn = prog->used.v[i];

		if (fn->embedded)
			embedded_function(&g, fn);
		else
			script_function(&g, fn);
	}
	for (int i = 0; i < prog->probes.n; i++) {
		if (((struct dprobe *)prog->probes.v[i])->entries.n)
			entry_handler(&g, prog->probes.v[i], i);
		probe_handler(&g, prog->probes.v[i], i);
	}
	for (int i = 0; i < prog->probes.n; i++)
		g.plocks[i] = lock_table(&g, g.locks->probe[i], arena_strfmt(&s->arena, "sdp_%d", i));
	{
		bool shown = global_display(&g);
		uint8_t *mode = arena_alloc(&s->arena, (size_t)prog->globals.n + 1);

		for (int i = 0; i < prog->globals.n; i++) {
			struct symbol *y = prog->globals.v[i];

			mode[i] = !shown_global(y) ? LK_NONE : y->arity > 0 ? LK_WRITE : LK_READ;
		}
		g.glocks = lock_table(&g, mode, "sdp_globals");

		probe_table(&g, "sd_begin", PF_BEGIN, false);
		probe_table(&g, "sd_end", PF_END, shown);
		probe_table(&g, "sd_error_probes", PF_ERROR, false);
	}
	timers(&g);
	sb_puts(out, glue);
	/* sonde-run refuses to load it into a kernel whose build-id differs */
	if (s->debuginfo && s->debuginfo->build_id)
		sb_printf(out, "MODULE_INFO(sonde_build_id, \"%s\");\n", s->debuginfo->build_id);
	ere_finish(g.regex, out);
	sb_release(&g.body);
	sb_release(&g.frame);
	return s->nerrors > before ? -1 : 0;
}
