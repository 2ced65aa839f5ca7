// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * translate.c - pass 3: the elaborated program as C for a kernel module
 *
 * The shape of the output (docs/internals.md):
 *
 *   #include "runtime.h"
 *   globals                 static int64_t g_NAME; static char g_NAME[MAXSTRINGLEN];
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
 * Not translated yet (an error says so): arrays, statistics, foreach,
 * delete, regular expressions, the printf conversions %b %m %M, target
 * variables and timer.profile.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "diag.h"
#include "elaborate.h"
#include "passes.h"
#include "pretty.h"

struct gen {
	struct session *s;
	struct strbuf *out;
	struct strbuf body;	/* the function being generated */
	struct strbuf frame;	/* its frame's fields */
	int indent;
	int temps;		/* string temporaries in the frame */
	int labels;
	const char *errlabel;	/* where a pending error goes */
	struct function *fn;
	bool failed;
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

/* {=== printf formats: the script's into the kernel's ===} */

/*
 * Convert a script format for kernel vsnprintf: integer conversions get
 * 'll', %p becomes %#llx, '*' takes an int. types[] receives each
 * argument's C cast.
 */
static const char *kernel_format(struct gen *g, struct expr *fmt, const char **casts, int max,
				 int *nargs)
{
	struct strbuf sb = STRBUF_INIT;
	const char *s = fmt->str, *r;
	int n = 0;

	for (uint32_t i = 0; i < fmt->len; i++) {
		uint32_t start;

		if (s[i] != '%') {
			sb_putc(&sb, s[i]);
			continue;
		}
		if (i + 1 < fmt->len && s[i + 1] == '%') {
			sb_puts(&sb, "%%");
			i++;
			continue;
		}
		start = i++;
		while (i < fmt->len && strchr("-+ 0#", s[i]))
			i++;
		for (int part = 0; part < 2; part++) {
			if (part == 1) {
				if (i >= fmt->len || s[i] != '.')
					break;
				i++;
			}
			if (i < fmt->len && s[i] == '*') {
				if (n < max)
					casts[n] = "(int)";
				n++;
				i++;
			} else {
				while (i < fmt->len && s[i] >= '0' && s[i] <= '9')
					i++;
			}
		}
		sb_add(&sb, s + start, i - start);
		if (i < fmt->len && s[i] == 'l')
			i++;
		if (i >= fmt->len)
			break;
		switch (s[i]) {
		case 'd': case 'i': case 'u': case 'x': case 'X': case 'o':
			sb_printf(&sb, "ll%c", s[i] == 'i' ? 'd' : s[i]);
			if (n < max)
				casts[n] = "(long long)";
			break;
		case 'p':
			sb_puts(&sb, "#llx");
			if (n < max)
				casts[n] = "(long long)";
			break;
		case 'c':
			sb_putc(&sb, 'c');
			if (n < max)
				casts[n] = "(int)";
			break;
		case 's':
			sb_putc(&sb, 's');
			if (n < max)
				casts[n] = "";
			break;
		default:
			unsupported(g, fmt->loc, arena_strfmt(&g->s->arena, "the %%%c conversion", s[i]));
			break;
		}
		n++;
	}
	*nargs = n;
	r = c_string(g, sb.buf ? sb.buf : "", sb.len);
	sb_release(&sb);
	return r;
}

/* print/println/printd...: a format from the argument types */
static const char *format_of(struct gen *g, struct expr **args, int n, const char *delim,
			     bool newline, const char **casts)
{
	struct strbuf sb = STRBUF_INIT;
	const char *r;

	for (int i = 0; i < n; i++) {
		if (i && delim) {
			for (const char *p = delim; *p; p++) {
				if (*p == '%')
					sb_putc(&sb, '%');
				sb_putc(&sb, *p);
			}
		}
		if (args[i]->type == TY_STRING) {
			sb_puts(&sb, "%s");
			casts[i] = "";
		} else {
			sb_puts(&sb, "%lld");
			casts[i] = "(long long)";
		}
	}
	if (newline)
		sb_putc(&sb, '\n');
	r = c_string(g, sb.buf ? sb.buf : "", sb.len);
	sb_release(&sb);
	return r;
}

/*
 * The arguments are evaluated into a0, a1... before anything is printed:
 * one that raises an error (a division by zero, a failing function) must
 * leave no output behind. *decls receives the declarations.
 */
static const char *arg_list(struct gen *g, struct expr **args, int n, const char **casts,
			    const char **decls)
{
	struct strbuf sb = STRBUF_INIT, d = STRBUF_INIT;
	const char *r;

	for (int i = 0; i < n; i++) {
		if (args[i]->kind == E_HIST) {
			unsupported(g, args[i]->loc, "printing a histogram");
			continue;
		}
		sb_printf(&d, "__auto_type a%d = %s%s; ", i, casts[i] ? casts[i] : "",
			  expr(g, args[i]));
		sb_printf(&sb, ", a%d", i);
	}
	r = arena_strdup(&g->s->arena, sb.buf ? sb.buf : "");
	*decls = arena_strdup(&g->s->arena, d.buf ? d.buf : "");
	sb_release(&sb);
	sb_release(&d);
	return r;
}

static const char *builtin(struct gen *g, struct expr *e)
{
	const char *n = e->name;
	bool to_string = n[0] == 's';
	const char *base = to_string ? n + 1 : n;
	const char *casts[64] = {0};
	const char *fmt, *args, *decls;
	struct expr **a = e->args;
	int na = e->nargs;

	if (na > 64) {
		unsupported(g, e->loc, "more than 64 arguments to a print function");
		return "0";
	}
	if (!strcmp(base, "printf")) {
		int want;

		fmt = kernel_format(g, a[0], casts, 64, &want);
		a++;
		na--;
	} else if (!strcmp(base, "printd") || !strcmp(base, "printdln")) {
		fmt = format_of(g, a + 1, na - 1, a[0]->str, base[6] == 'l', casts);
		a++;
		na--;
	} else {
		fmt = format_of(g, a, na, NULL, !strcmp(base, "println"), casts);
	}
	args = arg_list(g, a, na, casts, &decls);
	if (to_string)
		return arena_strfmt(&g->s->arena, "({ %schar *s_ = %s; if (!c->error) "
				    "_sd_sprintf(s_, %s%s); s_; })", decls, temp(g), fmt, args);
	return arena_strfmt(&g->s->arena, "({ %sif (!c->error) _sd_printf(c, %s%s); 0; })",
			    decls, fmt, args);
}

/* {=== expressions: each becomes a C expression ===} */

static const char *call(struct gen *g, struct expr *e)
{
	struct function *fn = e->fn;
	struct strbuf sb = STRBUF_INIT;
	const char *r;

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
	const char *lhs, *rhs;

	if (e->a->kind != E_VAR) {
		unsupported(g, e->a->loc, e->op == OP_AGG ? "statistics" :
			    e->a->kind == E_INDEX ? "arrays" : "assigning to target variables");
		return "0";
	}
	lhs = var_ref(g, e->a->sym);
	rhs = expr(g, e->b);
	if (e->a->sym->type == TY_STRING) {
		if (e->op == OP_CONCAT)
			return arena_strfmt(A, "_sd_concat(%s, strcpy(%s, %s), %s)", lhs,
					    temp(g), lhs, rhs);
		return arena_strfmt(A, "({ strscpy(%s, %s, MAXSTRINGLEN); %s; })", lhs, rhs, lhs);
	}
	switch (e->op) {
	case OP_ASSIGN:
		return arena_strfmt(A, "(%s = %s)", lhs, rhs);
	case OP_DIV:
		return arena_strfmt(A, "(%s = _sd_div(c, %s, %s))", lhs, lhs, rhs);
	case OP_MOD:
		return arena_strfmt(A, "(%s = _sd_mod(c, %s, %s))", lhs, lhs, rhs);
	case OP_SHL: case OP_SHR:
		return arena_strfmt(A, "(%s %s= (%s) & 63)", lhs, ast_op_name(e->op), rhs);
	case OP_AGG:
		unsupported(g, e->loc, "statistics");
		return "0";
	default:
		/* + - * & | ^ wrap like SystemTap's: do them unsigned */
		return arena_strfmt(A, "(%s = (int64_t)((uint64_t)%s %s (uint64_t)%s))", lhs, lhs,
				    ast_op_name(e->op), rhs);
	}
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
		return "0LL";
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

		if (e->a->kind != E_VAR) {
			unsupported(g, e->a->loc, e->a->kind == E_INDEX ? "arrays" :
				    "incrementing target variables");
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
			return arena_strfmt(A, "_sd_div(c, %s, %s)", l, r);
		case OP_MOD:
			return arena_strfmt(A, "_sd_mod(c, %s, %s)", l, r);
		case OP_SHL:
			return arena_strfmt(A, "(int64_t)((uint64_t)%s << ((%s) & 63))", l, r);
		case OP_SHR:
			return arena_strfmt(A, "(%s >> ((%s) & 63))", l, r);
		case OP_SHRU:
			return arena_strfmt(A, "(int64_t)((uint64_t)%s >> ((%s) & 63))", l, r);
		case OP_AND: case OP_OR: case OP_XOR:
			return arena_strfmt(A, "(%s %s %s)", l, ast_op_name(e->op), r);
		default:
			return arena_strfmt(A, "(int64_t)((uint64_t)%s %s (uint64_t)%s)", l,
					    ast_op_name(e->op), r);
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
		return arena_strfmt(A, "(%s ? %s : %s)", expr(g, e->a), expr(g, e->b),
				    expr(g, e->c));
	case E_ASSIGN:
		return assign(g, e);
	case E_INDEX:
	case E_IN:
	case E_WILDCARD:
		unsupported(g, e->loc, "arrays");
		return "0";
	case E_STATOP:
	case E_HIST:
	case E_HIST_BUCKET:
		unsupported(g, e->loc, "statistics");
		return "0";
	case E_REGEX:
		unsupported(g, e->loc, "regular expressions");
		return "0";
	default:
		unsupported(g, e->loc, "this expression");
		return "0";
	}
}

/* {=== statements ===} */

static void stmt(struct gen *g, struct stmt *st);

static void where(struct gen *g, struct loc loc)
{
	char buf[512];

	diag_format_loc(g->s, loc, buf, sizeof(buf));
	line(g, "c->where = %s;", c_string(g, buf, strlen(buf)));
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
		unsupported(g, st->loc, "foreach");
		break;
	case S_DELETE:
		unsupported(g, st->loc, "delete");
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
	sb_puts(o, "\tif (++c->nesting > MAXNESTING) {\n\t\t_sd_error_str(c, \"MAXNESTING exceeded\");\n");
	sb_printf(o, "\t\tc->nesting--;\n\t\treturn%s;\n\t}\n", fn->type == TY_VOID ? "" : " ret");
	sb_puts(o, "\tf = _sd_frame(c, sizeof(*f));\n\tif (!f)\n\t\tgoto nest;\n");
	sb_puts(o, g->body.buf ? g->body.buf : "");
	sb_puts(o, "out:\n\t_sd_frame_pop(c, sizeof(*f));\nnest:\n\tc->nesting--;\n");
	sb_puts(o, fn->type == TY_VOID ? "}\n\n" : "\treturn ret;\n}\n\n");
	g->fn = NULL;
}

static void probe_handler(struct gen *g, struct dprobe *dp, int n)
{
	struct strbuf *o = g->out;

	const char *cond;

	begin_body(g);
	cond = dp->cond ? expr(g, dp->cond) : NULL;
	stmt(g, dp->body);
	frame_locals(g, &dp->locals, 0);
	sb_printf(o, "/* %s */\nstruct sdp_%d_frame {\n%s};\n\n", dp->point, n,
		  g->frame.buf ? g->frame.buf : "\tchar unused;\n");
	sb_printf(o, "static void sdp_%d(struct sd_context *c)\n{\n", n);
	sb_printf(o, "\tstruct sdp_%d_frame *f = _sd_frame(c, sizeof(*f));\n\n", n);
	sb_puts(o, "\tif (!f)\n\t\treturn;\n");
	if (cond)
		sb_printf(o, "\tif (!(%s) || c->error)\n\t\tgoto out;\n", cond);
	sb_puts(o, g->body.buf ? g->body.buf : "");
	sb_puts(o, "out:\n\t_sd_frame_pop(c, sizeof(*f));\n}\n\n");
}

static int cmp_seq(const void *a, const void *b)
{
	const struct dprobe *x = *(struct dprobe *const *)a, *y = *(struct dprobe *const *)b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* globals the script writes but never reads: shown when it ends, as stap does */
static bool shown_global(struct symbol *y)
{
	return y->written && !y->read && !y->tapset && !y->dropped && y->arity <= 0 &&
	       (y->type == TY_LONG || y->type == TY_STRING);
}

static bool global_display(struct gen *g)
{
	struct program *prog = g->s->program;
	bool any = false;

	for (int i = 0; i < prog->globals.n; i++) {
		struct symbol *y = prog->globals.v[i];

		if (!shown_global(y))
			continue;
		if (!any)
			sb_puts(g->out, "/* written but never read: shown at the end */\n"
				"static void sdp_globals(struct sd_context *c)\n{\n");
		any = true;
		if (y->type == TY_STRING)
			sb_printf(g->out, "\t_sd_printf(c, \"%s=\\\"%%s\\\"\\n\", g_%s);\n", y->name,
				  y->name);
		else
			sb_printf(g->out, "\t_sd_printf(c, \"%s=%%lld\\n\", (long long)g_%s);\n",
				  y->name, y->name);
	}
	if (any)
		sb_puts(g->out, "}\n\n");
	return any;
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
	for (int i = 0; i < n; i++) {
		int idx = 0;

		for (; idx < prog->probes.n && prog->probes.v[idx] != v[i]; idx++)
			;
		sb_printf(g->out, "\t{ sdp_%d, %s },\n", idx, c_string(g, v[i]->point,
								       strlen(v[i]->point)));
	}
	if (globals)
		sb_puts(g->out, "\t{ sdp_globals, \"end\" },\n");
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

static void timers(struct gen *g)
{
	struct program *prog = g->s->program;
	int n = 0;

	sb_puts(g->out, "static struct sd_timer sd_timers[] = {\n");
	for (int i = 0; i < prog->probes.n; i++) {
		struct dprobe *dp = prog->probes.v[i];
		const char *iv, *rnd;

		if (dp->family == PF_PROFILE) {
			unsupported(g, dp->loc, "timer.profile");
			continue;
		}
		if (dp->family != PF_TIMER)
			continue;
		if (dp->unit == TU_HZ) {
			iv = arena_strfmt(&g->s->arena, "NSEC_PER_SEC / %" PRId64, dp->interval);
			rnd = "0";
		} else if (dp->unit == TU_JIFFIES) {
			iv = arena_strfmt(&g->s->arena, "%" PRId64 "ULL * (NSEC_PER_SEC / HZ)",
					  dp->interval);
			rnd = arena_strfmt(&g->s->arena, "%" PRId64 "ULL * (NSEC_PER_SEC / HZ)",
					   dp->randomize);
		} else {
			iv = arena_strfmt(&g->s->arena, "%" PRIu64 "ULL",
					  (uint64_t)dp->interval * unit_ns(dp->unit));
			rnd = arena_strfmt(&g->s->arena, "%" PRIu64 "ULL",
					   (uint64_t)dp->randomize * unit_ns(dp->unit));
		}
		sb_printf(g->out, "\t{ .probe = { sdp_%d, %s }, .interval_ns = %s, .randomize_ns = %s },\n",
			  i, c_string(g, dp->point, strlen(dp->point)), iv, rnd);
		n++;
	}
	if (!n)
		sb_puts(g->out, "\t{ .interval_ns = 0 }\n");
	sb_printf(g->out, "};\nstatic const size_t sd_ntimers = %d;\n\n", n);
}

static const char glue[] =
"static bool sd_timers_running;\n"
"\n"
"static void sd_run_all(const struct sd_probe *v)\n"
"{\n"
"\tfor (; v->fn; v++)\n"
"\t\t_sd_run(v, true);\n"
"}\n"
"\n"
"static void _sd_on_start(void)\n"
"{\n"
"\tatomic_set(&_sd_state, SD_RUNNING);\n"
"\tsd_run_all(sd_begin);\n"
"\tif (atomic_read(&_sd_state) == SD_RUNNING && sd_ntimers) {\n"
"\t\t_sd_timers_start(sd_timers, sd_ntimers);\n"
"\t\tsd_timers_running = true;\n"
"\t}\n"
"}\n"
"\n"
"static void _sd_on_exit(void)\n"
"{\n"
"\tatomic_set(&_sd_state, SD_STOPPING);\n"
"\tif (sd_timers_running) {\n"
"\t\t_sd_timers_stop(sd_timers, sd_ntimers);\n"
"\t\tsd_timers_running = false;\n"
"\t}\n"
"\tsd_run_all(atomic_long_read(&_sd_errors) ? sd_error_probes : sd_end);\n"
"\tatomic_set(&_sd_state, SD_STOPPED);\n"
"\t_sd_transport_done(atomic_long_read(&_sd_errors), atomic_long_read(&_sd_skipped));\n"
"}\n"
"\n"
"static int __init sd_init(void)\n"
"{\n"
"\tint rc = _sd_contexts_alloc();\n"
"\n"
"\tif (rc)\n"
"\t\treturn rc;\n"
"\trc = _sd_transport_init();\n"
"\tif (rc)\n"
"\t\t_sd_contexts_free();\n"
"\treturn rc;\n"
"}\n"
"\n"
"static void __exit sd_fini(void)\n"
"{\n"
"\t_sd_transport_close();\n"
"\tif (sd_timers_running)\n"
"\t\t_sd_timers_stop(sd_timers, sd_ntimers);\n"
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
				d->recursive = true;
				return m;
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

	sb_puts(out, "/* generated by sonde: the script's probes as a kernel module */\n");
	sb_printf(out, "#ifndef MAXNESTING\n#define MAXNESTING %d\n#endif\n", nesting(s));
	sb_puts(out, "#include \"runtime.h\"\n\n");
	for (int i = 0; i < prog->embeds.n; i++) {
		struct decl *d = prog->embeds.v[i];

		sb_printf(out, "%s\n", d->u.embedded.code);
	}
	for (int i = 0; i < prog->globals.n; i++) {
		struct symbol *y = prog->globals.v[i];

		if (y->dropped)
			continue;
		if (y->arity > 0 || y->arity == -2 || y->type == TY_STATS) {
			unsupported(&g, y->decl, y->type == TY_STATS ? "statistics" : "arrays");
			continue;
		}
		if (y->type == TY_STRING)
			sb_printf(out, "static char g_%s[MAXSTRINGLEN]%s;\n", y->name,
				  y->global->init ? arena_strfmt(&s->arena, " = %s",
					c_string(&g, y->global->init->str, y->global->init->len)) : "");
		else
			sb_printf(out, "static int64_t g_%s%s;\n", y->name,
				  y->global->init ? arena_strfmt(&s->arena, " = %" PRId64 "LL",
								 y->global->init->num) : "");
	}
	sb_putc(out, '\n');
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
	for (int i = 0; i < prog->probes.n; i++)
		probe_handler(&g, prog->probes.v[i], i);
	{
		bool shown = global_display(&g);

		probe_table(&g, "sd_begin", PF_BEGIN, false);
		probe_table(&g, "sd_end", PF_END, shown);
		probe_table(&g, "sd_error_probes", PF_ERROR, shown);
	}
	timers(&g);
	sb_puts(out, glue);
	sb_release(&g.body);
	sb_release(&g.frame);
	return s->nerrors > before ? -1 : 0;
}
