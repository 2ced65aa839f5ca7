// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ere.c - POSIX extended regular expressions: parse, compile to a program
 * for the matcher of runtime/regex.h, and emit it as C (see ere.h)
 *
 * The parser builds a small syntax tree, computing for each node the number
 * of instructions it compiles to. That number grows strictly from child to
 * parent, so the ERE_MAX_INSNS limit also bounds the depth of the tree and
 * of the recursion over it; every '(' is a group, so ERE_MAX_GROUPS bounds
 * the parser's own recursion.
 *
 * The program is a Thompson NFA for a Pike VM: consuming instructions
 * (CHAR, ANY, CLASS), control flow (SPLIT, JMP), group boundaries (GSTART,
 * GEND), assertions (BOL, EOL, word boundaries) and MATCH. A SPLIT's first
 * target has priority: quantifiers are greedy and alternatives are tried
 * from the left, which decides the groups among the ways to match the
 * leftmost-longest overall match (runtime/regex.h).
 *
 * The syntax follows glibc's regcomp(REG_EXTENDED) in the C locale, which
 * pass 2 also runs: what it rejects is rejected here too, with a caret on
 * the offending part of the literal. On top of that, backreferences are not
 * supported, repetition counts are at most ERE_MAX_REPEAT, and a program is
 * at most ERE_MAX_INSNS instructions and ERE_MAX_GROUPS groups.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "ere.h"

/* {=== where each byte of the expression is in the source ===} */

static int hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Decode the string literal(s) at loc again, as the lexer does, recording
 * the source bytes [from[i], to[i]) that produced byte i of the expression.
 * Returns false when the source there is not a literal that decodes to re
 * (an expression from a script argument, say); carets then cover the
 * whole literal.
 */
static bool map_literal(struct session *s, struct loc loc, const char *re, size_t len,
			uint32_t *from, uint32_t *to)
{
	const struct source *src;
	const char *t;
	uint32_t i, end;
	size_t n = 0;

	if (loc.file >= (uint32_t)s->nsources)
		return false;
	src = s->sources[loc.file];
	t = src->text;
	end = loc.end < src->len ? loc.end : src->len;
	i = loc.start;
	while (i < end) {
		/* adjacent literals are joined; only blanks may separate them */
		if (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r') {
			i++;
			continue;
		}
		if (t[i] != '"')
			return false;
		for (i++; i < end && t[i] != '"'; n++) {
			uint32_t start = i;
			int c = (unsigned char)t[i++], v, k;

			if (c == '\\' && i < end) {
				c = (unsigned char)t[i++];
				switch (c) {
				case 'a': c = '\a'; break;
				case 'b': c = '\b'; break;
				case 't': c = '\t'; break;
				case 'n': c = '\n'; break;
				case 'v': c = '\v'; break;
				case 'f': c = '\f'; break;
				case 'r': c = '\r'; break;
				case 'x':
					for (v = 0, k = 0; k < 2 && i < end && t[i] != '"' &&
					     hex_value((unsigned char)t[i]) >= 0; k++)
						v = v * 16 + hex_value((unsigned char)t[i++]);
					if (!k)
						return false;
					c = v & 0xff;
					break;
				case '0': case '1': case '2': case '3':
				case '4': case '5': case '6': case '7':
					for (v = c - '0', k = 1; k < 3 && i < end && t[i] >= '0' &&
					     t[i] <= '7'; k++)
						v = v * 8 + (t[i++] - '0');
					c = v & 0xff;
					break;
				case '\n':
					return false;
				default:
					break;
				}
			}
			if (n >= len || (unsigned char)re[n] != c)
				return false;
			from[n] = start;
			to[n] = i;
		}
		if (i >= end)
			return false;
		i++;	/* the closing quote */
	}
	return n == len;
}

/* {=== the syntax tree ===} */

enum node_kind {
	N_EMPTY,	/* matches the empty string */
	N_CHAR,		/* v: the byte */
	N_ANY,
	N_CLASS,	/* v: the bitmap */
	N_ASSERT,	/* v: an ERE_ assertion */
	N_CAT,		/* a then b */
	N_ALT,		/* a or b */
	N_GROUP,	/* (a): group v, the groups nested in it are v+1..last */
	N_REPEAT,	/* a{min,max}, max -1 for no limit */
};

struct node {
	enum node_kind kind;
	int v, last;
	int min, max;
	struct node *a, *b;
	int size;	/* instructions, at most ERE_MAX_INSNS + 1 */
};

struct parser {
	struct session *s;
	struct loc loc;		/* the literal */
	uint32_t *from, *to;	/* source of each byte, or NULL */
	const char *re;
	size_t len, i;
	int ngroups;		/* groups opened so far */
	int depth;		/* groups open at p->i */
	struct ere_prog *prog;	/* receives the bitmaps */
	bool failed;
};

/* the location of bytes [a, b) of the expression */
static struct loc at(struct parser *p, size_t a, size_t b)
{
	struct loc l = p->loc;

	if (!p->from)
		return l;
	if (a >= p->len)
		a = p->len - 1;
	if (b <= a)
		b = a + 1;
	if (b > p->len)
		b = p->len;
	l.start = p->from[a];
	l.end = p->to[b - 1];
	return l;
}

/* an invalid expression: pass 2 reports the same ones (types.c) */
static void syntax(struct parser *p, size_t a, size_t b, const char *what)
{
	if (!p->failed)
		diag_error(p->s, at(p, a, b), DIAG_SEM_REGEX, what);
	p->failed = true;
}

static int sat(long long n)
{
	return n > ERE_MAX_INSNS ? ERE_MAX_INSNS + 1 : (int)n;
}

static struct node *node(struct parser *p, enum node_kind kind, int v, int size)
{
	struct node *n = arena_calloc(&p->s->arena, 1, sizeof(*n));

	n->kind = kind;
	n->v = v;
	n->size = size;
	return n;
}

/* every new node is checked, so the first one over the limit stops parsing */
static struct node *check_size(struct parser *p, struct node *n)
{
	/* room for the final MATCH */
	if (n->size > ERE_MAX_INSNS - 1 && !p->failed) {
		diag_error(p->s, p->loc, DIAG_TRANS_REGEX_TOO_BIG, ERE_MAX_INSNS);
		p->failed = true;
	}
	return n;
}

static struct node *cat(struct parser *p, struct node *a, struct node *b)
{
	struct node *n;

	if (a->kind == N_EMPTY)
		return b;
	if (b->kind == N_EMPTY)
		return a;
	n = node(p, N_CAT, 0, sat((long long)a->size + b->size));
	n->a = a;
	n->b = b;
	return check_size(p, n);
}

/* SPLIT a; a; JMP; b */
static struct node *alt(struct parser *p, struct node *a, struct node *b)
{
	struct node *n = node(p, N_ALT, 0, sat((long long)a->size + b->size + 2));

	n->a = a;
	n->b = b;
	return check_size(p, n);
}

static struct node *repeat(struct parser *p, struct node *a, int min, int max)
{
	long long s = a->size, size;
	struct node *n;

	if (a->kind == N_EMPTY || (min == 0 && max == 0))
		return node(p, N_EMPTY, 0, 0);
	if (min == 1 && max == 1)
		return a;
	if (max < 0)
		/* x{0,}: SPLIT x SPLIT; x{m,}: m-1 copies, then x SPLIT */
		size = min ? min * s + 1 : s + 2;
	else
		/* m copies, then SPLIT x for each optional one */
		size = min * s + (long long)(max - min) * (s + 1);
	n = node(p, N_REPEAT, 0, sat(size));
	n->a = a;
	n->min = min;
	n->max = max;
	return check_size(p, n);
}

/* {=== bracket expressions ===} */

static int is_upper(int c) { return c >= 'A' && c <= 'Z'; }
static int is_lower(int c) { return c >= 'a' && c <= 'z'; }
static int is_alpha(int c) { return is_upper(c) || is_lower(c); }
static int is_digit(int c) { return c >= '0' && c <= '9'; }
static int is_alnum(int c) { return is_alpha(c) || is_digit(c); }
static int is_xdigit(int c) { return hex_value(c) >= 0; }
static int is_space(int c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
static int is_blank(int c) { return c == ' ' || c == '\t'; }
static int is_graph(int c) { return c > ' ' && c < 0x7f; }
static int is_print(int c) { return c >= ' ' && c < 0x7f; }
static int is_punct(int c) { return is_graph(c) && !is_alnum(c); }
static int is_cntrl(int c) { return c < ' ' || c == 0x7f; }
static int is_word(int c) { return is_alnum(c) || c == '_'; }

/* the classes of the C locale */
static const struct {
	const char *name;
	int (*test)(int c);
} class_names[] = {
	{ "alpha", is_alpha }, { "digit", is_digit }, { "alnum", is_alnum },
	{ "upper", is_upper }, { "lower", is_lower }, { "space", is_space },
	{ "blank", is_blank }, { "punct", is_punct }, { "print", is_print },
	{ "graph", is_graph }, { "cntrl", is_cntrl }, { "xdigit", is_xdigit },
};

static void set_add(uint8_t *set, int c)
{
	set[c >> 3] |= (uint8_t)(1u << (c & 7));
}

static void set_add_class(uint8_t *set, int (*test)(int c), bool negate)
{
	for (int c = 0; c < 256; c++)
		if (!test(c) != !negate)
			set_add(set, c);
}

/* the index of a bitmap in the program, shared by equal sets */
static int class_index(struct parser *p, const uint8_t *set)
{
	struct ere_prog *pr = p->prog;

	for (int k = 0; k < pr->nclasses; k++)
		if (!memcmp(pr->classes[k], set, 32))
			return k;
	pr->classes = arena_grow(&p->s->arena, pr->classes, (size_t)pr->nclasses * 32,
				 (size_t)(pr->nclasses + 1) * 32);
	memcpy(pr->classes[pr->nclasses], set, 32);
	return pr->nclasses++;
}

static struct node *class_node(struct parser *p, const uint8_t *set)
{
	return node(p, N_CLASS, class_index(p, set), 1);
}

/* one element of a bracket expression */
struct element {
	enum { EL_CHAR, EL_CLASS, EL_EQUIV } kind;
	int c;				/* EL_CHAR, EL_EQUIV */
	int (*test)(int c);		/* EL_CLASS */
	size_t start;
};

/*
 * [: name :], [= c =] or [. c .] at p->i (which is at the '['); false after
 * an error. bracket is where the bracket expression started.
 */
static bool bracket_special(struct parser *p, size_t bracket, struct element *el)
{
	char kind = p->re[p->i + 1];
	size_t name = p->i + 2, e;
	char buf[32];

	/* the terminator ":]" comes after at least one byte */
	for (e = name + 1; e + 1 < p->len; e++)
		if (p->re[e] == kind && p->re[e + 1] == ']')
			break;
	if (e + 1 >= p->len) {
		syntax(p, bracket, bracket + 1, "unterminated bracket expression '['");
		return false;
	}
	el->start = p->i;
	p->i = e + 2;
	if (kind == ':') {
		snprintf(buf, sizeof(buf), "%.*s", (int)(e - name), p->re + name);
		for (size_t k = 0; k < ARRAY_SIZE(class_names); k++) {
			if (e - name == strlen(class_names[k].name) &&
			    !memcmp(class_names[k].name, p->re + name, e - name)) {
				el->kind = EL_CLASS;
				el->test = class_names[k].test;
				return true;
			}
		}
		syntax(p, el->start, p->i, arena_strfmt(&p->s->arena,
			"unknown character class '%s'", buf));
		return false;
	}
	/* in the C locale a collating element or equivalence class is one byte */
	if (e - name != 1) {
		syntax(p, el->start, p->i, arena_strfmt(&p->s->arena,
			"invalid collating element '%.*s'", (int)(e - name), p->re + name));
		return false;
	}
	el->kind = kind == '=' ? EL_EQUIV : EL_CHAR;
	el->c = (unsigned char)p->re[name];
	return true;
}

/* one element at p->i; false after an error */
static bool bracket_element(struct parser *p, size_t bracket, struct element *el)
{
	if (p->i >= p->len) {
		syntax(p, bracket, bracket + 1, "unterminated bracket expression '['");
		return false;
	}
	if (p->re[p->i] == '[' && p->i + 1 < p->len &&
	    (p->re[p->i + 1] == ':' || p->re[p->i + 1] == '=' || p->re[p->i + 1] == '.'))
		return bracket_special(p, bracket, el);
	el->kind = EL_CHAR;
	el->start = p->i;
	el->c = (unsigned char)p->re[p->i++];
	return true;
}

/*
 * bracket -> '[' '^'? ']'? (element | element '-' element)* ']'
 *
 * A ']' first stands for itself, so does a '-' first or last. A backslash
 * is an ordinary byte. Ranges go by byte value.
 */
static struct node *bracket(struct parser *p)
{
	size_t start = p->i++;
	uint8_t set[32] = { 0 };
	bool negate = false, first = true;

	if (p->i < p->len && p->re[p->i] == '^') {
		negate = true;
		p->i++;
	}
	for (;;) {
		struct element lo, hi;

		if (p->i >= p->len) {
			syntax(p, start, start + 1, "unterminated bracket expression '['");
			return NULL;
		}
		if (p->re[p->i] == ']' && !first) {
			p->i++;
			break;
		}
		first = false;
		if (!bracket_element(p, start, &lo))
			return NULL;
		/* a '-' before the closing ']' is an ordinary byte */
		if (p->i + 1 < p->len && p->re[p->i] == '-' && p->re[p->i + 1] != ']') {
			if (lo.kind != EL_CHAR) {
				syntax(p, lo.start, p->i + 1, "a range cannot start with a class");
				return NULL;
			}
			p->i++;
			if (!bracket_element(p, start, &hi))
				return NULL;
			if (hi.kind != EL_CHAR) {
				syntax(p, lo.start, p->i, "a range cannot end with a class");
				return NULL;
			}
			if (hi.c < lo.c) {
				syntax(p, lo.start, p->i, "invalid range: its end is before its start");
				return NULL;
			}
			/* [a-c-e] */
			if (p->i + 1 < p->len && p->re[p->i] == '-' && p->re[p->i + 1] != ']') {
				syntax(p, lo.start, p->i + 1, "invalid range: a range cannot go on");
				return NULL;
			}
			for (int c = lo.c; c <= hi.c; c++)
				set_add(set, c);
			continue;
		}
		if (lo.kind == EL_CLASS)
			set_add_class(set, lo.test, false);
		else
			set_add(set, lo.c);
	}
	if (negate)
		for (int k = 0; k < 32; k++)
			set[k] = (uint8_t)~set[k];
	return class_node(p, set);
}

/* {=== the parser ===} */

static struct node *parse_alt(struct parser *p);

/* '\' c outside brackets */
static struct node *escape(struct parser *p)
{
	size_t start = p->i++;
	uint8_t set[32] = { 0 };
	int c;

	if (p->i >= p->len) {
		syntax(p, start, start + 1, "trailing backslash");
		return NULL;
	}
	c = (unsigned char)p->re[p->i++];
	switch (c) {
	case '1': case '2': case '3': case '4': case '5':
	case '6': case '7': case '8': case '9':
		if (!p->failed)
			diag_error(p->s, at(p, start, p->i), DIAG_TRANS_REGEX_BACKREF,
				   arena_strfmt(&p->s->arena, "\\%c", c));
		p->failed = true;
		return NULL;
	case 'w': case 'W':
		set_add_class(set, is_word, c == 'W');
		return class_node(p, set);
	case 's': case 'S':
		set_add_class(set, is_space, c == 'S');
		return class_node(p, set);
	case 'b': return node(p, N_ASSERT, ERE_WORDB, 1);
	case 'B': return node(p, N_ASSERT, ERE_NWORDB, 1);
	case '<': return node(p, N_ASSERT, ERE_WBEG, 1);
	case '>': return node(p, N_ASSERT, ERE_WEND, 1);
	case '`': return node(p, N_ASSERT, ERE_BOL, 1);
	case '\'': return node(p, N_ASSERT, ERE_EOL, 1);
	default:
		/* \. \\ \( \{ ... and any other \c stand for c */
		return node(p, N_CHAR, c, 1);
	}
}

/* '(' alt ')' */
static struct node *group(struct parser *p)
{
	size_t start = p->i++;
	int k = ++p->ngroups;
	struct node *body, *n;

	if (k > ERE_MAX_GROUPS) {
		if (!p->failed)
			diag_error(p->s, at(p, start, start + 1), DIAG_TRANS_REGEX_GROUPS,
				   ERE_MAX_GROUPS);
		p->failed = true;
		return NULL;
	}
	p->depth++;
	body = parse_alt(p);
	p->depth--;
	if (!body)
		return NULL;
	if (p->i >= p->len || p->re[p->i] != ')') {
		syntax(p, start, start + 1, "unmatched '('");
		return NULL;
	}
	p->i++;
	n = node(p, N_GROUP, k, sat((long long)body->size + 2));
	n->last = p->ngroups;
	n->a = body;
	return check_size(p, n);
}

/* atom -> char | '.' | '^' | '$' | '\' char | bracket | group; NULL after an error */
static struct node *atom(struct parser *p, bool *repeatable)
{
	int c = (unsigned char)p->re[p->i];

	*repeatable = true;
	switch (c) {
	case '(':
		return group(p);
	case '[':
		return bracket(p);
	case '\\': {
		struct node *n = escape(p);

		*repeatable = n && n->kind != N_ASSERT;
		return n;
	}
	case '.':
		p->i++;
		return node(p, N_ANY, 0, 1);
	case '^':
	case '$':
		p->i++;
		*repeatable = false;
		return node(p, N_ASSERT, c == '^' ? ERE_BOL : ERE_EOL, 1);
	case '*': case '+': case '?': case '{':
		syntax(p, p->i, p->i + 1, arena_strfmt(&p->s->arena,
			"'%c' has nothing to repeat", c));
		return NULL;
	default:
		/* ')' without a '(' is an ordinary byte, as in glibc */
		p->i++;
		return node(p, N_CHAR, c, 1);
	}
}

/* a decimal count of a bound, or -1 if none; stops growing past the limit */
static int count(struct parser *p)
{
	int n = -1;

	while (p->i < p->len && p->re[p->i] >= '0' && p->re[p->i] <= '9') {
		n = (n < 0 ? 0 : n) * 10 + (p->re[p->i++] - '0');
		if (n > 100000)
			n = 100000;
	}
	return n;
}

/* '{' m '}' | '{' m? ',' n? '}' at p->i; false after an error */
static bool bound(struct parser *p, int *min, int *max)
{
	size_t start = p->i++;
	int m, n;

	m = count(p);
	n = m;
	if (p->i < p->len && p->re[p->i] == ',') {
		p->i++;
		n = count(p);
		if (m < 0)
			m = 0;
	} else if (m < 0) {
		n = -2;	/* "{}" or "{x" */
	}
	if (p->i >= p->len) {
		syntax(p, start, start + 1, "unterminated repetition bound '{'");
		return false;
	}
	if (p->re[p->i] != '}' || n == -2 || (n >= 0 && n < m)) {
		syntax(p, start, p->i + 1, "invalid repetition bound");
		return false;
	}
	p->i++;
	if (m > ERE_MAX_REPEAT || n > ERE_MAX_REPEAT) {
		if (!p->failed)
			diag_error(p->s, at(p, start, p->i), DIAG_TRANS_REGEX_REPEAT,
				   m > ERE_MAX_REPEAT ? m : n, ERE_MAX_REPEAT);
		p->failed = true;
		return false;
	}
	*min = m;
	*max = n;
	return true;
}

/* piece -> atom ('*' | '+' | '?' | bound)* */
static struct node *piece(struct parser *p)
{
	bool repeatable;
	struct node *n = atom(p, &repeatable);

	while (n && p->i < p->len) {
		int c = p->re[p->i], min, max;
		size_t start = p->i;

		if (c == '*') {
			min = 0, max = -1;
		} else if (c == '+') {
			min = 1, max = -1;
		} else if (c == '?') {
			min = 0, max = 1;
		} else if (c == '{') {
			if (!repeatable) {
				syntax(p, start, start + 1, "'{' has nothing to repeat");
				return NULL;
			}
			if (!bound(p, &min, &max))
				return NULL;
			n = repeat(p, n, min, max);
			continue;
		} else {
			break;
		}
		if (!repeatable) {
			syntax(p, start, start + 1, arena_strfmt(&p->s->arena,
				"'%c' has nothing to repeat", c));
			return NULL;
		}
		p->i++;
		n = repeat(p, n, min, max);
	}
	return p->failed ? NULL : n;
}

/* branch -> piece*, ended by '|', the ')' of an open group, or the end */
static struct node *branch(struct parser *p)
{
	struct node *n = node(p, N_EMPTY, 0, 0);

	while (p->i < p->len && p->re[p->i] != '|' && !(p->re[p->i] == ')' && p->depth)) {
		struct node *k = piece(p);

		if (!k)
			return NULL;
		n = cat(p, n, k);
	}
	return p->failed ? NULL : n;
}

/*
 * alt -> branch ('|' branch)*: an empty branch matches the empty string.
 * The branches are collected first, counting their size as they come, so
 * that a long list stops at the limit before it is folded into a tree.
 */
static struct node *parse_alt(struct parser *p)
{
	struct node **v = NULL, *n;
	int nv = 0;
	long long size = -2;

	for (;;) {
		n = branch(p);
		if (!n)
			return NULL;
		v = arena_grow(&p->s->arena, v, sizeof(*v) * (size_t)nv, sizeof(*v) * (size_t)(nv + 1));
		v[nv++] = n;
		size += n->size + 2;
		if (size > ERE_MAX_INSNS - 1) {
			check_size(p, node(p, N_EMPTY, 0, sat(size)));
			return NULL;
		}
		if (p->i >= p->len || p->re[p->i] != '|')
			break;
		p->i++;
	}
	/* a|b|c is a|(b|c): the first alternative has priority */
	for (n = v[--nv]; nv > 0; )
		n = alt(p, v[--nv], n);
	return p->failed ? NULL : n;
}

/* {=== code generation ===} */

static int insn(struct ere_prog *pr, enum ere_op op, int c, int x, int y)
{
	pr->insns[pr->ninsns] = (struct ere_insn){ op, c, x, y };
	return pr->ninsns++;
}

/* the instructions of n; the tree's depth is bounded by its size */
static void gen(struct ere_prog *pr, const struct node *n)
{
	int l, k;

	switch (n->kind) {
	case N_EMPTY:
		break;
	case N_CHAR:
		insn(pr, ERE_CHAR, n->v, 0, 0);
		break;
	case N_ANY:
		insn(pr, ERE_ANY, 0, 0, 0);
		break;
	case N_CLASS:
		insn(pr, ERE_CLASS, 0, n->v, 0);
		break;
	case N_ASSERT:
		insn(pr, (enum ere_op)n->v, 0, 0, 0);
		break;
	case N_CAT:
		gen(pr, n->a);
		gen(pr, n->b);
		break;
	case N_ALT:
		/* SPLIT L1, L2; L1: a; JMP L3; L2: b; L3: */
		l = insn(pr, ERE_SPLIT, 0, 0, 0);
		pr->insns[l].x = l + 1;
		gen(pr, n->a);
		k = insn(pr, ERE_JMP, 0, 0, 0);
		pr->insns[l].y = pr->ninsns;
		gen(pr, n->b);
		pr->insns[k].x = pr->ninsns;
		break;
	case N_GROUP:
		insn(pr, ERE_GSTART, 0, n->v, n->last);
		gen(pr, n->a);
		insn(pr, ERE_GEND, 0, n->v, 0);
		break;
	case N_REPEAT:
		if (n->max < 0 && n->min == 0) {
			/*
			 * (a+)?: SPLIT L1, L2; L1: a; SPLIT L1, L2; L2:
			 * rather than L: SPLIT L1, L2; L1: a; JMP L, so that an
			 * empty last iteration counts, as in POSIX and glibc:
			 * (a*)* on "b" sets group 1 to (0,0)
			 */
			l = insn(pr, ERE_SPLIT, 0, 0, 0);
			pr->insns[l].x = l + 1;
			gen(pr, n->a);
			insn(pr, ERE_SPLIT, 0, l + 1, pr->ninsns + 1);
			pr->insns[l].y = pr->ninsns;
			break;
		}
		for (k = 0; k < n->min - (n->max < 0); k++)
			gen(pr, n->a);
		if (n->max < 0) {
			/* L: a; SPLIT L, next */
			l = pr->ninsns;
			gen(pr, n->a);
			insn(pr, ERE_SPLIT, 0, l, pr->ninsns + 1);
			break;
		}
		/* each optional copy: SPLIT next, end; a */
		l = pr->ninsns;
		for (k = n->min; k < n->max; k++) {
			insn(pr, ERE_SPLIT, 0, pr->ninsns + 1, -1);
			gen(pr, n->a);
		}
		for (k = l; k < pr->ninsns; k++)
			if (pr->insns[k].op == ERE_SPLIT && pr->insns[k].y == -1)
				pr->insns[k].y = pr->ninsns;
		break;
	}
}

int ere_compile(struct session *s, struct loc loc, const char *re, size_t len,
		struct ere_prog *prog)
{
	struct parser p = { .s = s, .loc = loc, .re = re, .len = len, .prog = prog };
	struct node *root;

	memset(prog, 0, sizeof(*prog));
	if (len) {
		p.from = xmalloc(len * sizeof(uint32_t));
		p.to = xmalloc(len * sizeof(uint32_t));
		if (!map_literal(s, loc, re, len, p.from, p.to)) {
			free(p.from);
			free(p.to);
			p.from = p.to = NULL;
		}
	}
	root = parse_alt(&p);
	/* a ')' at the top is ordinary, so only an error stops short of the end */
	free(p.from);
	free(p.to);
	if (!root || p.failed)
		return -1;
	prog->insns = arena_alloc(&s->arena, sizeof(struct ere_insn) * (size_t)(root->size + 1));
	gen(prog, root);
	insn(prog, ERE_MATCH, 0, 0, 0);
	if (prog->ninsns != root->size + 1)
		BUG("regex program size");
	prog->ngroups = p.ngroups + 1;
	/* the matcher's needs: one thread per consuming instruction, a stack entry per push */
	prog->nstack = 1;
	for (int i = 0; i < prog->ninsns; i++) {
		const struct ere_insn *n = &prog->insns[i];

		switch (n->op) {
		case ERE_CHAR: case ERE_ANY: case ERE_CLASS: case ERE_MATCH:
			prog->nthreads++;
			break;
		case ERE_SPLIT: case ERE_GEND:
			prog->nstack++;
			break;
		case ERE_GSTART:
			prog->nstack += 2 * (1 + n->y - n->x);
			break;
		default:
			break;
		}
	}
	return 0;
}

/* {=== output ===} */

/* ORDER ERE_OP */
static const char *const op_names[] = {
	"CHAR", "ANY", "CLASS", "SPLIT", "JMP", "GSTART", "GEND", "BOL", "EOL",
	"WORDB", "NWORDB", "WBEG", "WEND", "MATCH",
};

/* a byte as a C character constant */
static void c_char(struct strbuf *sb, int c)
{
	if (c == '\'' || c == '\\')
		sb_printf(sb, "'\\%c'", c);
	else if (c >= ' ' && c < 0x7f)
		sb_printf(sb, "'%c'", c);
	else
		sb_printf(sb, "0x%02x", c);
}

void ere_dump(const struct ere_prog *prog, struct strbuf *sb)
{
	for (int i = 0; i < prog->ninsns; i++) {
		const struct ere_insn *n = &prog->insns[i];

		sb_printf(sb, "%d %s", i, op_names[n->op]);
		switch (n->op) {
		case ERE_CHAR:
			sb_putc(sb, ' ');
			c_char(sb, n->c);
			break;
		case ERE_CLASS: case ERE_JMP: case ERE_GEND:
			sb_printf(sb, " %d", n->x);
			break;
		case ERE_SPLIT: case ERE_GSTART:
			sb_printf(sb, " %d %d", n->x, n->y);
			break;
		default:
			break;
		}
		sb_putc(sb, '\n');
	}
}

struct ere_item {
	const char *re;
	size_t len;
	const char *name;
};

struct ere_set {
	struct vec items;	/* struct ere_item * */
	struct strbuf code;	/* the programs */
	int insns, groups, threads, stack;	/* the largest needs */
};

/* the expression as text inside a C comment */
static void comment_text(struct strbuf *sb, const char *re, size_t len)
{
	sb_putc(sb, '"');
	for (size_t i = 0; i < len; i++) {
		int c = (unsigned char)re[i];

		if (c == '"' || c == '\\')
			sb_printf(sb, "\\%c", c);
		else if (c == '/' && i && re[i - 1] == '*')
			sb_puts(sb, "\\/");	/* no end of comment */
		else if (c >= ' ' && c < 0x7f)
			sb_putc(sb, (char)c);
		else
			sb_printf(sb, "\\x%02x", c);
	}
	sb_putc(sb, '"');
}

static void emit_prog(struct session *s, struct strbuf *sb, const char *name, struct loc loc,
		      const char *re, size_t len, const struct ere_prog *pr)
{
	char where[512];

	diag_format_loc(s, loc, where, sizeof(where));
	sb_printf(sb, "/* %s: ", where);
	comment_text(sb, re, len);
	sb_printf(sb, " */\nstatic const struct sd_regex_insn %s_insns[] = {\n", name);
	for (int i = 0; i < pr->ninsns; i++) {
		const struct ere_insn *n = &pr->insns[i];

		sb_printf(sb, "\t/* %3d */ { SD_RE_%s", i, op_names[n->op]);
		switch (n->op) {
		case ERE_CHAR:
			sb_puts(sb, ", ");
			c_char(sb, n->c);
			break;
		case ERE_CLASS: case ERE_JMP: case ERE_GEND:
			sb_printf(sb, ", 0, %d", n->x);
			break;
		case ERE_SPLIT: case ERE_GSTART:
			sb_printf(sb, ", 0, %d, %d", n->x, n->y);
			break;
		default:
			break;
		}
		sb_puts(sb, " },\n");
	}
	sb_puts(sb, "};\n");
	if (pr->nclasses) {
		sb_printf(sb, "static const u8 %s_classes[][32] = {\n", name);
		for (int k = 0; k < pr->nclasses; k++) {
			sb_puts(sb, "\t{");
			for (int b = 0; b < 32; b++)
				sb_printf(sb, "%s0x%02x", b ? (b % 8 ? ", " : ",\n\t  ") : " ",
					  pr->classes[k][b]);
			sb_puts(sb, " },\n");
		}
		sb_puts(sb, "};\n");
	}
	sb_printf(sb, "static const struct sd_regex %s = {\n\t.insns = %s_insns,\n", name, name);
	if (pr->nclasses)
		sb_printf(sb, "\t.classes = %s_classes,\n", name);
	sb_printf(sb, "\t.ninsns = %d,\n\t.ngroups = %d,\n\t.nthreads = %d,\n\t.nstack = %d,\n};\n\n",
		  pr->ninsns, pr->ngroups, pr->nthreads, pr->nstack);
}

static int max_int(int a, int b)
{
	return a > b ? a : b;
}

const char *ere_emit(struct session *s, struct ere_set **setp, struct loc loc,
		     const char *re, size_t len)
{
	struct ere_set *set = *setp;
	struct ere_prog pr;
	struct ere_item *it;

	if (set) {
		for (int i = 0; i < set->items.n; i++) {
			it = set->items.v[i];
			if (it->len == len && !memcmp(it->re, re, len))
				return it->name;
		}
	}
	if (ere_compile(s, loc, re, len, &pr) < 0)
		return NULL;
	if (!set)
		set = *setp = arena_calloc(&s->arena, 1, sizeof(*set));
	it = arena_alloc(&s->arena, sizeof(*it));
	it->re = re;
	it->len = len;
	it->name = arena_strfmt(&s->arena, "sd_re_%d", set->items.n);
	vec_push(&s->arena, &set->items, it);
	emit_prog(s, &set->code, it->name, loc, re, len, &pr);
	set->insns = max_int(set->insns, pr.ninsns);
	set->groups = max_int(set->groups, pr.ngroups);
	set->threads = max_int(set->threads, pr.nthreads);
	set->stack = max_int(set->stack, pr.nstack);
	return it->name;
}

void ere_finish(struct ere_set *set, struct strbuf *out)
{
	static const char include[] = "#include \"runtime.h\"\n";
	struct strbuf sb = STRBUF_INIT;
	const char *p;
	size_t before, after;

	if (!set)
		return;
	p = out->buf ? strstr(out->buf, include) : NULL;
	if (!p)
		BUG("no #include \"runtime.h\" in the generated C");
	before = (size_t)(p - out->buf);
	after = before + sizeof(include) - 1;
	sb_add(&sb, out->buf, before);
	sb_printf(&sb, "/* the regular expression matcher's per-CPU state (runtime/regex.h) */\n"
		  "#define SD_REGEX_INSNS %d\n#define SD_REGEX_GROUPS %d\n"
		  "#define SD_REGEX_THREADS %d\n#define SD_REGEX_STACK %d\n",
		  set->insns, set->groups, set->threads, set->stack);
	sb_add(&sb, out->buf + before, after - before);
	sb_puts(&sb, "\n/* the regular expressions, compiled by sonde (compiler/ere.c) */\n");
	sb_add(&sb, set->code.buf, set->code.len);
	sb_add(&sb, out->buf + after, out->len - after);
	sb_release(out);
	*out = sb;
	sb_release(&set->code);
}
