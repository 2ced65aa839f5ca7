/* SPDX-License-Identifier: GPL-2.0 */
/*
 * regex.h - matching `s =~ "re"` in probe context
 *
 * sonde compiles each regular expression when it translates the script
 * (compiler/ere.c) into a program for a Pike VM: a Thompson NFA whose
 * threads run in lock step over the string, one byte at a time, so the
 * time is O(length of the string * length of the program) and nothing
 * backtracks. The threads of a step form a list in priority order; a
 * SPLIT's first target comes first, so quantifiers are greedy and
 * alternatives are tried from the left. Two threads at the same
 * instruction have the same future: only the first is kept.
 *
 * The overall match is POSIX's leftmost-longest one: threads started at
 * earlier positions come first, a new thread is started at each position
 * until a match is found, and the matcher goes on after a match for as
 * long as a thread that started at the same place or earlier is alive,
 * keeping the longest. Among the ways to match that span, the groups come
 * from the first one in priority order. When a group starts again (a loop)
 * the groups nested in it are reset, as POSIX says.
 *
 * No recursion and no allocation: all the state is per CPU (struct
 * sd_regex_match), sized by the generated C for its programs. So this file
 * is compiled with the script, not into sd_runtime.o: the context only
 * points to the state, which _sd_contexts_alloc allocates with the size
 * SD_REGEX_STATE the script gives it.
 */
#ifndef _SD_REGEX_H_
#define _SD_REGEX_H_

/* the sizes of the matcher's state; the generated C defines them (ere_finish) */
#ifdef SD_REGEX_INSNS
#define SD_REGEX_USED 1		/* the script has =~ */
#else
#define SD_REGEX_USED 0
#endif
#ifndef SD_REGEX_INSNS
#define SD_REGEX_INSNS 1	/* instructions of the largest program */
#endif
#ifndef SD_REGEX_GROUPS
#define SD_REGEX_GROUPS 1	/* groups of the largest program, the whole match included */
#endif
#ifndef SD_REGEX_THREADS
#define SD_REGEX_THREADS 1	/* consuming instructions and MATCH of the largest program */
#endif
#ifndef SD_REGEX_STACK
#define SD_REGEX_STACK 1	/* work stack entries the largest program needs */
#endif

#if MAXSTRINGLEN > 0xffff
#error "the regex matcher keeps offsets in 16 bits: MAXSTRINGLEN must be at most 65535"
#endif

/* ORDER ERE_OP: the same order as enum ere_op in compiler/ere.h */
enum sd_regex_op {
	SD_RE_CHAR,	/* consume byte c */
	SD_RE_ANY,	/* consume any byte */
	SD_RE_CLASS,	/* consume a byte of classes[x] */
	SD_RE_SPLIT,	/* go on at x, then (lower priority) at y */
	SD_RE_JMP,	/* go on at x */
	SD_RE_GSTART,	/* group x starts; the groups nested in it, x+1..y, are reset */
	SD_RE_GEND,	/* group x ends */
	SD_RE_BOL,	/* at the start of the string */
	SD_RE_EOL,	/* at the end of the string */
	SD_RE_WORDB,	/* at a word boundary */
	SD_RE_NWORDB,	/* not at a word boundary */
	SD_RE_WBEG,	/* at the start of a word */
	SD_RE_WEND,	/* at the end of a word */
	SD_RE_MATCH,
};

struct sd_regex_insn {
	u8 op;
	u8 c;
	u16 x, y;
};

/* a compiled regular expression, static const in the generated C */
struct sd_regex {
	const struct sd_regex_insn *insns;
	const u8 (*classes)[32];	/* byte sets: bit b%8 of byte b/8 */
	u16 ninsns;
	u16 ngroups;			/* parenthesized groups + 1 */
	u16 nthreads;			/* threads a list can have */
	u16 nstack;			/* stack entries _sd_re_add can need */
};

#define SD_RE_UNSET 0xffff		/* an offset of a group that did not take part */
#define SD_RE_SLOTS (2 * SD_REGEX_GROUPS)	/* start and end of each group */
#define SD_RE_RESTORE 0x8000		/* a stack entry that restores a slot */

struct sd_regex_thread {
	u16 pc;
	u16 caps[SD_RE_SLOTS];
};

struct sd_regex_list {
	unsigned int n;
	int match;			/* the thread at MATCH, or -1 */
	struct sd_regex_thread t[SD_REGEX_THREADS];
};

/* the per-CPU state, which each struct sd_context points to */
struct sd_regex_match {
	/* the last successful match in this handler, for matched() and ngroups() */
	unsigned int ngroups;		/* 0 after a failed match */
	u16 off[SD_RE_SLOTS];		/* group offsets into text, or SD_RE_UNSET */
	char text[MAXSTRINGLEN];	/* the part of the string that matched */
	/* the matcher's scratch space */
	struct sd_regex_list list[2];
	u16 caps[SD_RE_SLOTS];		/* the thread being added */
	u16 best[SD_RE_SLOTS];		/* the best match so far */
	u32 gen;			/* number of the list being built */
	u32 mark[SD_REGEX_INSNS];	/* == gen: instruction reached in this list */
	struct {
		u16 what;		/* an instruction, or SD_RE_RESTORE | slot */
		u16 val;		/* the slot's value to restore */
	} stack[SD_REGEX_STACK];
};

/* bytes of the state per CPU for _sd_contexts_alloc: none without =~ */
#define SD_REGEX_STATE (SD_REGEX_USED ? sizeof(struct sd_regex_match) : 0)

/* word bytes are the C locale's: [[:alnum:]_] */
static inline bool _sd_re_word(const char *s, unsigned int len, unsigned int pos)
{
	unsigned char c;

	if (pos >= len)
		return false;
	c = s[pos];
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

static bool _sd_re_assert(unsigned int op, const char *s, unsigned int len, unsigned int pos)
{
	bool before = pos > 0 && _sd_re_word(s, len, pos - 1);
	bool after = _sd_re_word(s, len, pos);

	switch (op) {
	case SD_RE_BOL:
		return pos == 0;
	case SD_RE_EOL:
		return pos == len;
	case SD_RE_WORDB:
		return before != after;
	case SD_RE_NWORDB:
		return before == after;
	case SD_RE_WBEG:
		return !before && after;
	case SD_RE_WEND:
		return before && !after;
	}
	return false;
}

static inline bool _sd_re_consumes(const struct sd_regex *re, const struct sd_regex_insn *in,
				   unsigned char c)
{
	switch (in->op) {
	case SD_RE_CHAR:
		return in->c == c;
	case SD_RE_ANY:
		return true;
	case SD_RE_CLASS:
		return re->classes[in->x][c >> 3] & (1u << (c & 7));
	}
	return false;
}

static inline void _sd_re_push(struct sd_regex_match *m, const struct sd_regex *re,
			       unsigned int *sp, unsigned int what, unsigned int val)
{
	if (WARN_ON_ONCE(*sp >= re->nstack))
		return;
	m->stack[*sp].what = what;
	m->stack[*sp].val = val;
	(*sp)++;
}

/*
 * _sd_re_add - add to @l the threads that instruction @pc leads to at @pos
 * without consuming a byte, in priority order, each with m->caps as changed
 * by the group boundaries on its way. A depth-first walk: a SPLIT's second
 * target waits on the stack, below the entries that undo the changes made
 * to m->caps on the way to its first. Each instruction is reached once per
 * list, so the stack and the list need at most what the compiler counted.
 */
static void _sd_re_add(struct sd_regex_match *m, const struct sd_regex *re,
		       struct sd_regex_list *l, unsigned int pc, unsigned int pos,
		       const char *s, unsigned int len)
{
	unsigned int sp = 0, nslots = 2 * re->ngroups;

	_sd_re_push(m, re, &sp, pc, 0);
	while (sp) {
		unsigned int what = m->stack[--sp].what;

		if (what & SD_RE_RESTORE) {
			m->caps[what & ~SD_RE_RESTORE] = m->stack[sp].val;
			continue;
		}
		pc = what;
		while (m->mark[pc] != m->gen) {
			const struct sd_regex_insn *in = &re->insns[pc];
			struct sd_regex_thread *t;
			unsigned int k, v;

			m->mark[pc] = m->gen;
			switch (in->op) {
			case SD_RE_JMP:
				pc = in->x;
				continue;
			case SD_RE_SPLIT:
				_sd_re_push(m, re, &sp, in->y, 0);
				pc = in->x;
				continue;
			case SD_RE_GSTART:
				for (k = 2 * in->x; k <= 2 * in->y + 1u; k++) {
					v = k == 2 * in->x ? pos : SD_RE_UNSET;
					if (m->caps[k] != v) {
						_sd_re_push(m, re, &sp, SD_RE_RESTORE | k,
							    m->caps[k]);
						m->caps[k] = v;
					}
				}
				pc++;
				continue;
			case SD_RE_GEND:
				k = 2 * in->x + 1;
				_sd_re_push(m, re, &sp, SD_RE_RESTORE | k, m->caps[k]);
				m->caps[k] = pos;
				pc++;
				continue;
			case SD_RE_CHAR:
			case SD_RE_ANY:
			case SD_RE_CLASS:
			case SD_RE_MATCH:
				if (WARN_ON_ONCE(l->n >= re->nthreads))
					break;
				t = &l->t[l->n];
				t->pc = pc;
				memcpy(t->caps, m->caps, nslots * sizeof(m->caps[0]));
				if (in->op == SD_RE_MATCH)
					l->match = l->n;
				l->n++;
				break;
			default:
				if (_sd_re_assert(in->op, s, len, pos)) {
					pc++;
					continue;
				}
				break;
			}
			break;	/* the thread stopped or waits for a byte */
		}
	}
}

/* a thread starting at pos: only the whole match has begun */
static inline void _sd_re_seed(struct sd_regex_match *m, unsigned int nslots, unsigned int pos)
{
	unsigned int k;

	for (k = 0; k < nslots; k++)
		m->caps[k] = SD_RE_UNSET;
	m->caps[0] = pos;
}

/**
 * _sd_regex_exec - match a string against a compiled regular expression
 * @m: the per-CPU state; receives the groups of a successful match
 * @re: the program
 * @s: the string
 *
 * Returns 1 when @re matches somewhere in @s, else 0 (and @m then holds
 * no match).
 */
static int64_t _sd_regex_exec(struct sd_regex_match *m, const struct sd_regex *re,
			      const char *s)
{
	unsigned int len = strnlen(s, MAXSTRINGLEN - 1);
	unsigned int nslots = 2 * re->ngroups, pos, i, k;
	struct sd_regex_list *cl = &m->list[0], *nl = &m->list[1], *swap;
	bool found = false;

	m->ngroups = 0;
	if (WARN_ON_ONCE(re->ninsns > SD_REGEX_INSNS || re->ngroups > SD_REGEX_GROUPS ||
			 re->nthreads > SD_REGEX_THREADS || re->nstack > SD_REGEX_STACK))
		return 0;
	memset(m->mark, 0, re->ninsns * sizeof(m->mark[0]));
	m->gen = 1;
	cl->n = 0;
	cl->match = -1;
	_sd_re_seed(m, nslots, 0);
	_sd_re_add(m, re, cl, 0, 0, s, len);
	for (pos = 0;; pos++) {
		/* only threads that started no later than the best match are left */
		if (cl->match >= 0) {
			memcpy(m->best, cl->t[cl->match].caps, nslots * sizeof(m->best[0]));
			m->best[1] = pos;
			found = true;
		}
		/* no thread left can beat the match found */
		if (pos >= len || (found && !cl->n))
			break;
		nl->n = 0;
		nl->match = -1;
		m->gen++;
		for (i = 0; i < cl->n; i++) {
			const struct sd_regex_thread *t = &cl->t[i];

			if (found && t->caps[0] > m->best[0])
				continue;
			if (!_sd_re_consumes(re, &re->insns[t->pc], s[pos]))
				continue;
			memcpy(m->caps, t->caps, nslots * sizeof(m->caps[0]));
			_sd_re_add(m, re, nl, t->pc + 1, pos + 1, s, len);
		}
		/* a match can start here too, with the lowest priority */
		if (!found) {
			_sd_re_seed(m, nslots, pos + 1);
			_sd_re_add(m, re, nl, 0, pos + 1, s, len);
		}
		swap = cl;
		cl = nl;
		nl = swap;
	}
	if (!found)
		return 0;
	memcpy(m->text, s + m->best[0], m->best[1] - m->best[0]);
	m->text[m->best[1] - m->best[0]] = '\0';
	for (k = 0; k < nslots; k++)
		m->off[k] = m->best[k] == SD_RE_UNSET ? SD_RE_UNSET : m->best[k] - m->best[0];
	m->ngroups = re->ngroups;
	return 1;
}

/**
 * _sd_regex_copy - the text of a group of the last successful match
 * @m: the per-CPU state
 * @n: the group, 0 for the whole match
 * @buf: receives the text, "" when the group did not take part
 * @size: bytes at @buf
 *
 * Returns the length copied, or -1 when there was no successful match or
 * it has no group @n.
 */
static int _sd_regex_copy(const struct sd_regex_match *m, int64_t n, char *buf, size_t size)
{
	unsigned int so, eo, k;

	if (n < 0 || n >= (int64_t)m->ngroups)
		return -1;
	so = m->off[2 * n];
	eo = m->off[2 * n + 1];
	if (so == SD_RE_UNSET || eo == SD_RE_UNSET || eo < so) {
		buf[0] = '\0';
		return 0;
	}
	k = min_t(size_t, eo - so, size - 1);
	memcpy(buf, m->text + so, k);
	buf[k] = '\0';
	return k;
}

/* a match that sets the handler's count of groups (context.h) too */
static inline int64_t _sd_regex_run(struct sd_regex_match *m, unsigned int *ngroups,
				    const struct sd_regex *re, const char *s)
{
	int64_t r = _sd_regex_exec(m, re, s);

	*ngroups = m->ngroups;
	return r;
}

/*
 * The interface of the generated C and the library (tapset/regex.stp);
 * c is the struct sd_context * of the handler (CONTEXT). The groups of the
 * last match are only those of a match in this handler: _sd_run clears
 * c->regex_ngroups, and c->regex is NULL in a script without =~.
 */
#define _sd_regex_match(c, re, s)	_sd_regex_run((c)->regex, &(c)->regex_ngroups, (re), (s))
#define _sd_regex_group(c, n, buf, size) \
	((c)->regex_ngroups ? _sd_regex_copy((c)->regex, (n), (buf), (size)) : -1)
#define _sd_regex_ngroups(c)		((int64_t)(c)->regex_ngroups)

#endif /* _SD_REGEX_H_ */
