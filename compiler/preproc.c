// SPDX-License-Identifier: GPL-2.0-or-later
/* preproc.c - token-level preprocessor; see preproc.h */
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "parser.h"
#include "preproc.h"
#include "target.h"
#include "util.h"
#include "elaborate.h"

#define PP_MAX_DEPTH 64
/* tokens all macro expansions of a file may produce: bounds exponential growth */
#define PP_MAX_EXPANDED (1024 * 1024)
#define SYSTEMTAP_COMPAT "4.8"

struct pp {
	struct session *s;
	struct vec *macros;	/* this file's */
	int depth;
	long expanded;		/* tokens produced by expansions so far */
	bool collect_only;	/* .stpm: record definitions, emit nothing */
};

static void process(struct pp *pp, const struct token *t, int n, struct tokens *out);

static void emit(struct pp *pp, struct tokens *out, const struct token *t)
{
	if (!pp->collect_only)
		tokens_push(out, t);
}

/*
 * Find the end of a %( .. %) group starting at t[i] (the %( token).
 * Sets *then and *els to the indexes of %? and %: at depth 0 (or -1), *extra
 * to a second %: or a %: before %? (an error), and
 * returns the index of the closing %), or -1 when there is none.
 */
static int match_group(const struct token *t, int n, int i, int *then, int *els,
		       int *extra)
{
	int depth = 0;

	*then = *els = *extra = -1;
	for (int j = i + 1; j < n; j++) {
		switch (t[j].kind) {
		case PP_OPEN:
			depth++;
			break;
		case PP_CLOSE:
			if (depth-- == 0)
				return j;
			break;
		case PP_THEN:
			if (depth == 0 && *then < 0)
				*then = j;
			break;
		case PP_ELSE:
			if (depth == 0 && *then >= 0 && *els < 0)
				*els = j;
			else if (depth == 0 && *extra < 0)
				*extra = j;
			break;
		}
	}
	return -1;
}

/* {=== conditions ===} */

enum val_kind { V_NONE, V_NUM, V_STR, V_VERSION };

struct val {
	enum val_kind kind;
	const char *str;
	long long num;
	const struct token *tok;
};

struct cond {
	struct pp *pp;
	const struct token *t;
	int n, i;
	bool failed;
};

static void cond_error(struct cond *c, const struct token *at, enum diag_code code,
		       const char *arg, const char *arg2)
{
	if (!c->failed)
		diag_error(c->pp->s, at->loc, code, arg, arg2);
	c->failed = true;
}

static const struct token *cond_peek(struct cond *c)
{
	return c->i < c->n ? &c->t[c->i] : NULL;
}

static struct val operand(struct cond *c, const struct token *end)
{
	const struct token *t = cond_peek(c);
	struct session *s = c->pp->s;
	struct val v = { V_NONE, NULL, 0, t };

	if (!t) {
		cond_error(c, end, DIAG_PP_BAD_CONDITION, "missing operand", NULL);
		return v;
	}
	c->i++;
	switch (t->kind) {
	case NUMBER:
		v.kind = V_NUM;
		v.num = t->num;
		return v;
	case '-':
		if (cond_peek(c) && cond_peek(c)->kind == NUMBER) {
			v.kind = V_NUM;
			v.num = -cond_peek(c)->num;
			c->i++;
			return v;
		}
		break;
	case STRING:
		v.kind = V_STR;
		v.str = t->text;
		return v;
	case '(':
		cond_error(c, t, DIAG_PP_BAD_CONDITION, "parentheses are not allowed", NULL);
		return v;
	case IDENT:
		if (!strcmp(t->text, "kernel_v")) {
			v.kind = V_VERSION;
			v.str = target_get(s)->version;
		} else if (!strcmp(t->text, "kernel_vr")) {
			v.kind = V_VERSION;
			v.str = target_get(s)->release;
		} else if (!strcmp(t->text, "systemtap_v")) {
			v.kind = V_VERSION;
			v.str = SYSTEMTAP_COMPAT;
		} else if (!strcmp(t->text, "arch")) {
			v.kind = V_STR;
			v.str = target_get(s)->arch;
		} else if (!strcmp(t->text, "runtime")) {
			v.kind = V_STR;
			v.str = "kernel";
		} else if (!strcmp(t->text, "systemtap_privilege")) {
			v.kind = V_STR;
			v.str = "stapdev";
		} else if (!strcmp(t->text, "guru_mode")) {
			v.kind = V_NUM;
			v.num = s->guru;
		} else if (!strncmp(t->text, "CONFIG_", 7)) {
			v.kind = V_STR;
			v.str = target_config(s, t->text);
		} else {
			break;
		}
		return v;
	}
	cond_error(c, t, DIAG_PP_BAD_OPERAND,
		   t->kind == IDENT || t->kind == MACRO ? t->text :
		   t->kind == STRING ? "string" : "token", NULL);
	return v;
}

static bool has_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

static bool is_number(const char *s, long long *out)
{
	char *end;

	if (!*s)
		return false;
	*out = strtoll(s, &end, 0);
	return *end == '\0';
}

static bool compare(struct cond *c, struct val l, int op, struct val r)
{
	int cmp;
	long long ln, rn;

	if (c->failed)
		return false;
	if (l.kind == V_NUM && r.kind == V_NUM) {
		ln = l.num;
		rn = r.num;
		cmp = ln < rn ? -1 : ln > rn;
	} else if (l.kind == V_NUM || r.kind == V_NUM) {
		/* CONFIG_HZ >= 250: a string holding a number compares as one */
		struct val sv = l.kind == V_NUM ? r : l;
		long long num;

		if (!is_number(sv.str, &num) || sv.kind == V_VERSION) {
			cond_error(c, sv.tok, DIAG_PP_TYPE_MISMATCH,
				   sv.tok->kind == IDENT ? sv.tok->text : "a string",
				   "number");
			return false;
		}
		ln = l.kind == V_NUM ? l.num : num;
		rn = r.kind == V_NUM ? r.num : num;
		cmp = ln < rn ? -1 : ln > rn;
	} else if ((op == EQ || op == NE) && has_glob(r.str)) {
		cmp = fnmatch(r.str, l.str, 0) == 0 ? 0 : 1;
	} else if (l.kind == V_VERSION || r.kind == V_VERSION) {
		cmp = strverscmp(l.str, r.str);
	} else {
		cmp = strcmp(l.str, r.str);
	}
	switch (op) {
	case EQ: return cmp == 0;
	case NE: return cmp != 0;
	case '<': return cmp < 0;
	case LE: return cmp <= 0;
	case '>': return cmp > 0;
	default: return cmp >= 0;
	}
}

static bool comparison(struct cond *c, const struct token *end)
{
	struct val l = operand(c, end), r;
	const struct token *op;

	if (c->failed)
		return false;
	op = cond_peek(c);
	if (!op) {
		cond_error(c, end, DIAG_PP_BAD_CONDITION, "missing comparison operator", NULL);
		return false;
	}
	if (op->kind != EQ && op->kind != NE && op->kind != '<' && op->kind != LE &&
	    op->kind != '>' && op->kind != GE) {
		char buf[64];

		snprintf(buf, sizeof(buf), "%.40s", op->kind == IDENT ? op->text :
			 op->kind == STRING ? "string" : op->kind == NUMBER ? "number" :
			 op->kind < 256 ? (char[2]){ (char)op->kind, 0 } : "token");
		cond_error(c, op, DIAG_PP_BAD_OPERATOR, buf, NULL);
		return false;
	}
	c->i++;
	r = operand(c, end);
	return compare(c, l, op->kind, r);
}

static bool conjunction(struct cond *c, const struct token *end)
{
	bool v = comparison(c, end);

	while (!c->failed && cond_peek(c) && cond_peek(c)->kind == ANDAND) {
		c->i++;
		v = comparison(c, end) && v;
	}
	return v;
}

/* cond -> cmp {'&&' cmp} {'||' cmp {'&&' cmp}}; '&&' binds tighter */
static bool evaluate(struct pp *pp, const struct token *t, int n, const struct token *end)
{
	struct cond c = { pp, t, n, 0, false };
	bool v = conjunction(&c, end);

	while (!c.failed && cond_peek(&c) && cond_peek(&c)->kind == OROR) {
		c.i++;
		v = conjunction(&c, end) || v;
	}
	if (!c.failed && c.i < c.n)
		cond_error(&c, &t[c.i], DIAG_PP_BAD_CONDITION,
			   "unexpected token after comparison", NULL);
	return !c.failed && v;
}

/* {=== macros ===} */

static struct macro *find_macro(struct pp *pp, const char *name)
{
	for (int i = 0; i < pp->macros->n; i++) {
		struct macro *m = pp->macros->v[i];

		if (!strcmp(m->name, name))
			return m;
	}
	return NULL;
}

/* @define NAME ['(' params ')'] %( body %); returns the index after it */
static int define(struct pp *pp, const struct token *t, int n, int i)
{
	struct session *s = pp->s;
	const struct token *at = &t[i];
	struct macro *m;
	struct vec params = {0};
	int then, els, extra, close;

	i++;
	if (i >= n || t[i].kind != IDENT) {
		diag_error(s, i < n ? t[i].loc : at->loc, DIAG_PP_MACRO_BAD_DEFINE,
			   "expected a macro name after '@define'");
		return i;
	}
	m = arena_calloc(&s->arena, 1, sizeof(*m));
	m->name = t[i].text;
	m->loc = loc_span(at->loc, t[i].loc);
	i++;
	if (i < n && t[i].kind == '(' && !(t[i].flags & TF_SPACE_BEFORE && 0)) {
		m->has_parens = true;
		i++;
		while (i < n && t[i].kind != ')') {
			if (t[i].kind != IDENT) {
				diag_error(s, t[i].loc, DIAG_PP_MACRO_BAD_DEFINE,
					   "expected a parameter name");
				return i;
			}
			for (int k = 0; k < params.n; k++)
				if (!strcmp(params.v[k], t[i].text))
					diag_error(s, t[i].loc, DIAG_PP_MACRO_PARAM_DUP, t[i].text);
			vec_push(&s->arena, &params, (void *)t[i].text);
			i++;
			if (i < n && t[i].kind == ',')
				i++;
			else if (i < n && t[i].kind != ')') {
				diag_error(s, t[i].loc, DIAG_PP_MACRO_BAD_DEFINE,
					   "expected ',' or ')' in the parameter list");
				return i;
			}
		}
		if (i >= n) {
			diag_error(s, at->loc, DIAG_PP_MACRO_BAD_DEFINE,
				   "unterminated parameter list");
			return i;
		}
		i++;
	}
	if (i >= n || t[i].kind != PP_OPEN) {
		diag_error(s, i < n ? t[i].loc : at->loc, DIAG_PP_MACRO_BAD_DEFINE,
			   "expected '%(' to start the macro body");
		return i;
	}
	close = match_group(t, n, i, &then, &els, &extra);
	if (close < 0) {
		diag_error(s, t[i].loc, DIAG_PP_UNTERMINATED);
		return n;
	}
	m->params = (const char **)params.v;
	m->nparams = params.n;
	/* the tokens may be a temporary expansion: the macro keeps a copy */
	m->nbody = close - i - 1;
	m->body = arena_alloc(&s->arena, sizeof(*m->body) * (size_t)(m->nbody ? m->nbody : 1));
	if (m->nbody)
		memcpy(m->body, &t[i + 1], sizeof(*m->body) * (size_t)m->nbody);
	{
		struct macro *old = find_macro(pp, m->name);

		if (old && pp->collect_only) {
			/* library: the first definition on the search path wins */
		} else if (old) {
			diag_error(s, m->loc, DIAG_PP_MACRO_REDEFINED, m->name);
			diag_note(s, old->loc, DIAG_NOTE_PREVIOUS);
		} else {
			vec_push(&s->arena, pp->macros, m);
		}
	}
	return close + 1;
}

struct range {
	int start, end;
};

/* @name[(args)]: expand into out; returns the index after the call */
static int expand(struct pp *pp, const struct token *t, int n, int i, struct tokens *out)
{
	struct session *s = pp->s;
	const struct token *call = &t[i];
	struct macro *m = find_macro(pp, call->text);
	struct range args[64];
	int nargs = 0, j = i + 1;
	struct tokens body = {0};

	if (!m)
		m = tapset_macro(s, call->text);
	if (!m) {
		struct vec cands = {0};
		const char *sug;
		static const char *const ops[] = {
			"count", "sum", "min", "max", "avg", "variance", "hist_log",
			"hist_linear", "entry", "defined", "cast", "var", "const",
			"probewrite", "perf", "kregister", "uregister", "kderef", "uderef",
			"define",
		};

		diag_error(s, call->loc, DIAG_PP_MACRO_UNDEFINED, call->text);
		for (size_t k = 0; k < ARRAY_SIZE(ops); k++)
			vec_push(&s->arena, &cands, (void *)ops[k]);
		for (int k = 0; k < pp->macros->n; k++)
			vec_push(&s->arena, &cands, (void *)((struct macro *)pp->macros->v[k])->name);
		sug = elab_suggest(call->text, (const char **)cands.v, cands.n);
		if (sug)
			diag_hint(s, DIAG_HINT_DID_YOU_MEAN, arena_strfmt(&s->arena, "@%s", sug));
		return i + 1;
	}
	if (m->has_parens) {
		int depth = 0, start;

		if (j >= n || t[j].kind != '(') {
			diag_error(s, call->loc, DIAG_PP_MACRO_ARITY, m->name, m->nparams,
				   m->nparams == 1 ? "" : "s", 0);
			return j;
		}
		start = ++j;
		for (; j < n; j++) {
			int k = t[j].kind;

			if (k == '(' || k == '[' || k == '{' || k == PP_OPEN)
				depth++;
			else if ((k == ')' || k == ']' || k == '}' || k == PP_CLOSE) && depth > 0)
				depth--;
			else if (k == ')')
				break;
			else if (k == ',' && depth == 0) {
				if (nargs < (int)ARRAY_SIZE(args))
					args[nargs++] = (struct range){ start, j };
				start = j + 1;
			}
		}
		if (j >= n) {
			diag_error(s, call->loc, DIAG_PP_MACRO_BAD_CALL, m->name);
			return n;
		}
		if (j > start || nargs > 0) {
			if (nargs < (int)ARRAY_SIZE(args))
				args[nargs++] = (struct range){ start, j };
		}
		j++;
		if (nargs != m->nparams) {
			diag_error(s, loc_span(call->loc, t[j - 1].loc), DIAG_PP_MACRO_ARITY,
				   m->name, m->nparams, m->nparams == 1 ? "" : "s", nargs);
			diag_note(s, m->loc, DIAG_NOTE_DEFINED_HERE,
				  arena_strfmt(&s->arena, "@%s", m->name));
			return j;
		}
	}
	if (pp->depth >= PP_MAX_DEPTH) {
		diag_error(s, call->loc, DIAG_PP_MACRO_RECURSION, m->name);
		s->stop = true;	/* every enclosing expansion would repeat it */
		return j;
	}
	for (int k = 0; k < m->nbody; k++) {
		const struct token *bt = &m->body[k];
		int p = -1;

		/* a parameter may share a name with an operator: @var, @max */
		if (bt->kind == MACRO || (bt->kind >= AT_STATOP && bt->kind <= AT_DEREF))
			for (p = m->nparams - 1; p >= 0; p--)
				if (!strcmp(m->params[p], bt->text))
					break;
		if (p >= 0) {
			for (int a = args[p].start; a < args[p].end; a++)
				tokens_push(&body, &t[a]);
		} else {
			tokens_push(&body, bt);
		}
	}
	pp->expanded += body.n;
	if (pp->expanded > PP_MAX_EXPANDED) {
		diag_error(s, call->loc, DIAG_PP_MACRO_TOO_BIG, m->name, PP_MAX_EXPANDED);
		s->stop = true;
		tokens_free(&body);
		return j;
	}
	pp->depth++;
	process(pp, body.v, body.n, out);
	pp->depth--;
	tokens_free(&body);
	return j;
}

/* {=== the token walk ===} */

static void guru_check(struct pp *pp, const struct token *t, bool embedded)
{
	struct session *s = pp->s;

	if (s->guru || t->loc.file >= (uint32_t)s->nsources ||
	    s->sources[t->loc.file]->tapset)
		return;
	if (embedded)
		diag_error(s, t->loc, DIAG_PP_EMBEDDED_NOT_ALLOWED);
	else
		diag_error(s, t->loc, DIAG_PP_GURU_OPERATOR, arena_strfmt(&s->arena, "@%s", t->text));
	diag_hint(s, DIAG_HINT_GURU);
}

static void script_arg(struct pp *pp, const struct token *t, struct tokens *out)
{
	struct session *s = pp->s;
	long idx = strtol(t->text + 1, NULL, 10);
	struct token nt = *t;

	if (idx < 1 || idx > s->nargs) {
		diag_error(s, t->loc, DIAG_PP_ARG_RANGE, t->text, s->nargs,
			   s->nargs == 1 ? "" : "s");
		nt.kind = t->kind == SCRIPT_ARG_STR ? STRING : NUMBER;
		nt.text = "";
		nt.len = 0;
		nt.num = 0;
		emit(pp, out, &nt);	/* a placeholder, so parsing goes on quietly */
		return;
	}
	if (t->kind == SCRIPT_ARG_STR) {
		nt.kind = STRING;
		nt.text = s->args[idx - 1];
		nt.len = (uint32_t)strlen(nt.text);
		emit(pp, out, &nt);
		return;
	}
	{
		struct tokens tmp = {0};

		lex_string(s, s->args[idx - 1], t->loc, &tmp);
		for (int k = 0; k < tmp.n; k++) {
			if (k == 0)
				tmp.v[k].flags = t->flags;
			emit(pp, out, &tmp.v[k]);
		}
		tokens_free(&tmp);
	}
}

static void process(struct pp *pp, const struct token *t, int n, struct tokens *out)
{
	struct session *s = pp->s;

	for (int i = 0; i < n && !s->stop;) {
		const struct token *tok = &t[i];
		int then, els, extra, close;

		switch (tok->kind) {
		case PP_OPEN: {
			struct tokens cond = {0};
			bool v;

			close = match_group(t, n, i, &then, &els, &extra);
			if (close < 0) {
				diag_error(s, tok->loc, DIAG_PP_UNTERMINATED);
				return;
			}
			if (extra >= 0) {
				diag_error(s, t[extra].loc, DIAG_PP_DUP_ELSE);
				i = close + 1;
				break;
			}
			if (then < 0) {
				diag_error(s, tok->loc, DIAG_PP_EXPECTED_THEN);
				i = close + 1;
				break;
			}
			{
				bool saved = pp->collect_only;

				pp->collect_only = false;
				process(pp, t + i + 1, then - i - 1, &cond);
				pp->collect_only = saved;
			}
			v = evaluate(pp, cond.v, cond.n, &t[then]);
			tokens_free(&cond);
			if (v)
				process(pp, t + then + 1, (els < 0 ? close : els) - then - 1, out);
			else if (els >= 0)
				process(pp, t + els + 1, close - els - 1, out);
			i = close + 1;
			break;
		}
		case PP_THEN:
		case PP_ELSE:
		case PP_CLOSE:
			diag_error(s, tok->loc, DIAG_PP_STRAY,
				   tok->kind == PP_THEN ? "%?" : tok->kind == PP_ELSE ? "%:" : "%)");
			i++;
			break;
		case AT_DEFINE:
			i = define(pp, t, n, i);
			break;
		case MACRO:
			if (pp->collect_only) {
				i++;
				break;
			}
			i = expand(pp, t, n, i, out);
			break;
		case SCRIPT_ARG:
		case SCRIPT_ARG_STR:
			script_arg(pp, tok, out);
			i++;
			break;
		case ARGC:
		case ARGC_STR: {
			struct token nt = *tok;

			if (tok->kind == ARGC) {
				nt.kind = NUMBER;
				nt.num = s->nargs;
				nt.text = "";
			} else {
				nt.kind = STRING;
				nt.text = arena_strfmt(&s->arena, "%d", s->nargs);
				nt.len = (uint32_t)strlen(nt.text);
			}
			emit(pp, out, &nt);
			i++;
			break;
		}
		case EMBEDDED:
			guru_check(pp, tok, true);
			emit(pp, out, tok);
			i++;
			break;
		case AT_CONST:
		case AT_REGISTER:
		case AT_DEREF:
			guru_check(pp, tok, false);
			emit(pp, out, tok);
			i++;
			break;
		default:
			emit(pp, out, tok);
			i++;
			break;
		}
	}
}

void pp_file(struct session *s, const struct tokens *in, struct tokens *out)
{
	struct vec macros = {0};
	struct pp pp = { .s = s, .macros = &macros };

	process(&pp, in->v, in->n, out);
}

void pp_collect_macros(struct session *s, const struct tokens *in, struct vec *macros)
{
	struct pp pp = { .s = s, .macros = macros, .collect_only = true };
	struct tokens dummy = {0};

	process(&pp, in->v, in->n, &dummy);
	tokens_free(&dummy);
}
