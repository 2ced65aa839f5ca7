// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * locks.c - which globals each probe handler reads and writes
 *
 * A handler takes the locks of every global it (or any function it calls)
 * uses before it runs, all at once and in the order of the globals'
 * declarations, so two handlers can never wait for each other. A global
 * that is only read is locked for reading. Statistics are not locked for
 * `<<<` and @count(...) reads: each CPU adds into its own copy under its
 * own lock (runtime/stat.h); only foreach over a statistics array, which
 * fills the shared merged copy, locks it for writing. A sorted foreach
 * reorders its array, so it is a write too.
 */
#include <string.h>

#include "elaborate.h"
#include "locks.h"

struct walker {
	struct program *prog;
	uint8_t *mode;		/* per global */
	uint8_t **fmode;	/* per function in prog->used */
	bool changed;
};

static void mark(struct walker *w, struct symbol *y, int m)
{
	int i = y && y->kind == SYM_GLOBAL ? y->index : -1;

	if (i >= 0 && w->mode[i] < m) {
		w->mode[i] = (uint8_t)m;
		w->changed = true;
	}
}

static bool is_stats(struct symbol *y)
{
	return y && y->type == TY_STATS;
}

static void expr(struct walker *w, struct expr *e, int m);

static void exprs(struct walker *w, struct expr **v, int n)
{
	for (int i = 0; i < n; i++)
		expr(w, v[i], LK_READ);
}

/* e is written (m == LK_WRITE) or read */
static void expr(struct walker *w, struct expr *e, int m)
{
	if (!e)
		return;
	switch (e->kind) {
	case E_VAR:
		if (!is_stats(e->sym))
			mark(w, e->sym, m);
		return;
	case E_INDEX:
		exprs(w, e->args, e->nargs);
		if (!is_stats(e->sym))
			mark(w, e->sym, m);
		return;
	case E_IN:
		exprs(w, e->args, e->nargs);
		if (!is_stats(e->sym))
			mark(w, e->sym, LK_READ);
		return;
	case E_ASSIGN:
		expr(w, e->b, LK_READ);
		if (e->op == OP_AGG) {
			if (e->a->kind == E_INDEX)
				exprs(w, e->a->args, e->a->nargs);
			return;
		}
		expr(w, e->a, LK_WRITE);
		return;
	case E_PREINC:
	case E_POSTINC:
		expr(w, e->a, LK_WRITE);
		return;
	case E_STATOP:
	case E_HIST:
		if (e->a && e->a->kind == E_INDEX)
			exprs(w, e->a->args, e->a->nargs);
		expr(w, e->b, LK_READ);
		exprs(w, e->args, e->nargs);
		return;
	case E_CALL:
		exprs(w, e->args, e->nargs);
		if (e->fn) {
			for (int i = 0; i < w->prog->used.n; i++) {
				if (w->prog->used.v[i] != e->fn || !w->fmode)
					continue;
				for (int k = 0; k < w->prog->globals.n; k++)
					if (w->fmode[i][k] > w->mode[k]) {
						w->mode[k] = w->fmode[i][k];
						w->changed = true;
					}
			}
		}
		return;
	default:
		expr(w, e->a, LK_READ);
		expr(w, e->b, LK_READ);
		expr(w, e->c, LK_READ);
		exprs(w, e->args, e->nargs);
		return;
	}
}

static void stmt(struct walker *w, struct stmt *st)
{
	if (!st)
		return;
	for (int i = 0; i < st->nbody; i++)
		stmt(w, st->body[i]);
	if (st->kind == S_DELETE) {
		struct expr *e = st->e;

		if (e->kind == E_INDEX)
			exprs(w, e->args, e->nargs);
		if (!is_stats(e->sym))
			mark(w, e->sym, LK_WRITE);
	} else if (st->kind == S_FOREACH) {
		struct foreach *fe = st->fe;
		struct expr *arr = fe->array;

		if (arr->kind == E_HIST) {
			if (arr->a && arr->a->kind == E_INDEX)
				exprs(w, arr->a->args, arr->a->nargs);
		} else {
			if (arr->kind == E_INDEX)
				exprs(w, arr->args, arr->nargs);
			mark(w, arr->sym, is_stats(arr->sym) || fe->sort_key ? LK_WRITE : LK_READ);
		}
		for (int i = 0; i < fe->nkeys; i++)
			expr(w, fe->keys[i], LK_WRITE);
		expr(w, fe->value, LK_WRITE);
		expr(w, fe->limit, LK_READ);
	} else {
		expr(w, st->e, LK_READ);
	}
	expr(w, st->init, LK_READ);
	expr(w, st->step, LK_READ);
	stmt(w, st->then);
	stmt(w, st->els);
}

struct locks *locks_compute(struct session *s)
{
	struct program *prog = s->program;
	struct arena *A = &s->arena;
	struct locks *lk = arena_alloc(A, sizeof(*lk));
	struct walker w = { .prog = prog };
	size_t ng = (size_t)prog->globals.n + 1;

	lk->nglobals = prog->globals.n;
	w.fmode = arena_alloc(A, sizeof(*w.fmode) * ((size_t)prog->used.n + 1));
	for (int i = 0; i < prog->used.n; i++) {
		w.fmode[i] = arena_alloc(A, ng);
		memset(w.fmode[i], 0, ng);
	}
	/* functions: until nothing changes, since calls may recurse */
	for (int round = 0; round < 1000; round++) {
		bool any = false;

		for (int i = 0; i < prog->used.n; i++) {
			struct function *fn = prog->used.v[i];

			w.mode = w.fmode[i];
			w.changed = false;
			stmt(&w, fn->body);
			any |= w.changed;
		}
		if (!any)
			break;
	}
	lk->probe = arena_alloc(A, sizeof(*lk->probe) * ((size_t)prog->probes.n + 1));
	for (int i = 0; i < prog->probes.n; i++) {
		struct dprobe *dp = prog->probes.v[i];

		lk->probe[i] = arena_alloc(A, ng);
		memset(lk->probe[i], 0, ng);
		w.mode = lk->probe[i];
		stmt(&w, dp->body);
		expr(&w, dp->cond, LK_READ);
	}
	return lk;
}
