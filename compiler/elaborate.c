// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * elaborate.c - pass 2: resolve every name of the script
 *
 * Starting from the user's file, probes are derived (probes.c), then their
 * bodies are walked: each identifier becomes a parameter, a local or a
 * global; each call finds its function by name and arity. What the script
 * does not define is looked up in the library (tapset.c), which parses only
 * the files that define it; those files' bodies are walked in turn until
 * nothing new is needed. types.c then infers and checks types.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "elaborate.h"
#include "tvar.h"
#include "parser.h"
#include "passes.h"
#include "pretty.h"
#include "tapset.h"

/* the print family and other operators the compiler implements itself */
static const char *const builtins[] = {
	"print", "println", "printf", "printd", "printdln",
	"sprint", "sprintln", "sprintf", "sprintd", "sprintdln",
};

bool elab_is_builtin(const char *name);
bool elab_is_builtin(const char *name)
{
	for (size_t i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++)
		if (!strcmp(name, builtins[i]))
			return true;
	return false;
}

/* {=== suggestions ===} */

static int distance(const char *a, const char *b)
{
	size_t n = strlen(a), m = strlen(b);
	int row[64], prev, tmp;

	if (m >= 64 || n >= 64)
		return INT_MAX;
	for (size_t j = 0; j <= m; j++)
		row[j] = (int)j;
	for (size_t i = 1; i <= n; i++) {
		prev = row[0];
		row[0] = (int)i;
		for (size_t j = 1; j <= m; j++) {
			int cost = a[i - 1] != b[j - 1];
			int best = prev + cost;

			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			tmp = row[j];
			row[j] = best;
			prev = tmp;
		}
	}
	return row[m];
}

const char *elab_suggest(const char *name, const char **cands, int n)
{
	const char *best = NULL;
	int bestd = INT_MAX, limit = (int)strlen(name) / 3;

	if (limit < 1)
		limit = 1;
	if (limit > 3)
		limit = 3;
	for (int i = 0; i < n; i++) {
		int d;

		if (!cands[i] || !strcmp(cands[i], name))
			continue;
		d = distance(name, cands[i]);
		if (d <= limit && d < bestd) {
			bestd = d;
			best = cands[i];
		}
	}
	return best;
}

/* {=== the program: declarations of every loaded file ===} */

static bool visible(uint32_t decl_file, bool private_, uint32_t from_file)
{
	return !private_ || decl_file == from_file;
}

void elab_add_file(struct session *s, struct file_ast *f)
{
	struct program *prog = s->program;
	bool lib = s->sources[f->file]->tapset;

	vec_push(&s->arena, &prog->files, f);
	for (int i = 0; i < f->ndecls; i++) {
		struct decl *d = &f->decls[i];

		switch (d->kind) {
		case D_GLOBAL: {
			struct global *g = d->u.global;
			struct symbol *y;
			bool dup = false;

			for (int k = 0; k < prog->globals.n; k++) {
				struct symbol *o = prog->globals.v[k];

				if (!strcmp(o->name, g->name) &&
				    (o->global->file == g->file ||
				     (!o->global->private_ && !g->private_))) {
					diag_error(s, g->loc, DIAG_SEM_DUP_GLOBAL, g->name);
					diag_note(s, o->decl, DIAG_NOTE_PREVIOUS);
					dup = true;
					break;
				}
			}
			if (dup)
				break;
			if (g->wrap && !g->maxsize)
				g->maxsize = -1;	/* wraps at MAXMAPENTRIES */
			y = arena_calloc(&s->arena, 1, sizeof(*y));
			y->name = g->name;
			y->kind = SYM_GLOBAL;
			y->decl = g->loc;
			y->global = g;
			y->arity = g->maxsize || g->wrap ? -2 : -1;	/* -2: must be an array */
			y->tapset = lib;
			g->sym = y;
			y->index = prog->globals.n;
			vec_push(&s->arena, &prog->globals, y);
			break;
		}
		case D_FUNCTION: {
			struct function *fn = d->u.function;

			for (int a = 0; a < fn->nparams; a++)
				for (int b = 0; b < a; b++)
					if (!strcmp(fn->params[a].name, fn->params[b].name))
						diag_error(s, fn->params[a].loc, DIAG_SEM_DUP_PARAM,
							   fn->params[a].name);
			vec_push(&s->arena, &prog->functions, fn);
			break;
		}
		case D_PROBE: {
			struct probe *p = d->u.probe;

			if (p->alias) {
				for (int k = 0; k < p->npoints; k++) {
					struct probe_point *n = p->points[k];

					if (n->optional || n->sufficient || n->cond)
						diag_error(s, n->loc, DIAG_SEM_ALIAS_OPTIONAL);
					for (int c = 0; c < n->ncomps; c++)
						if (!n->comps[c].name || strpbrk(n->comps[c].name, "*?"))
							diag_error(s, n->loc, DIAG_SEM_ALIAS_WILDCARD);
				}
				vec_push(&s->arena, &prog->aliases, p);
			} else {
				vec_push(&s->arena, &prog->embeds, NULL);	/* keeps order stable */
				prog->embeds.n--;
				probes_derive(s, p);
			}
			break;
		}
		case D_EMBEDDED:
			vec_push(&s->arena, &prog->embeds, d);
			break;
		}
	}
}

static void load_lib_file(struct session *s, int file)
{
	struct file_ast *f = tapset_load(s, file);

	if (f)
		elab_add_file(s, f);
}

void elab_load_aliases(struct session *s, const char *point)
{
	int files[64];
	int n = tapset_find(s, LIB_ALIAS, point, files, 64);

	for (int i = 0; i < n; i++)
		load_lib_file(s, files[i]);
}

static struct symbol *find_global(struct session *s, const char *name, uint32_t file)
{
	struct program *prog = s->program;

	for (int i = 0; i < prog->globals.n; i++) {
		struct symbol *y = prog->globals.v[i];

		if (!strcmp(y->name, name) &&
		    visible(y->global->file, y->global->private_, file))
			return y;
	}
	return NULL;
}

struct symbol *elab_global(struct session *s, const char *name, uint32_t file)
{
	struct symbol *y = find_global(s, name, file);
	int files[16], n;

	if (y)
		return y;
	n = tapset_find(s, LIB_GLOBAL, name, files, 16);
	for (int i = 0; i < n; i++)
		load_lib_file(s, files[i]);
	return n ? find_global(s, name, file) : NULL;
}

/* {=== walking bodies ===} */

enum { CTX_READ = 1, CTX_WRITE = 2, CTX_WILD = 4 };

struct scope {
	struct session *s;
	struct function *fn;
	struct dprobe *dp;
	struct vec *locals;
	struct vec assigned;	/* names assigned in this body */
	int loops;
	bool in_entry;		/* inside @entry(...) */
	bool writing;		/* resolving the target of an assignment */
	struct expr *discarded;	/* the expression of an expression statement: its value is unused */
	struct symbol *iterating[16];
	struct loc iter_loc[16];
	int niter;
};

static void walk_stmt(struct scope *sc, struct stmt *st);
static void walk_expr(struct scope *sc, struct expr *e, int ctx);

static void note_assigned(struct scope *sc, const char *name)
{
	vec_push(&sc->s->arena, &sc->assigned, (void *)name);
}

static void collect_expr(struct scope *sc, struct expr *e)
{
	if (!e)
		return;
	if ((e->kind == E_ASSIGN || e->kind == E_PREINC || e->kind == E_POSTINC) &&
	    e->a && e->a->kind == E_VAR)
		note_assigned(sc, e->a->name);
	collect_expr(sc, e->a);
	collect_expr(sc, e->b);
	collect_expr(sc, e->c);
	for (int i = 0; i < e->nargs; i++)
		collect_expr(sc, e->args[i]);
}

static void collect_stmt(struct scope *sc, struct stmt *st)
{
	if (!st)
		return;
	for (int i = 0; i < st->nbody; i++)
		collect_stmt(sc, st->body[i]);
	collect_expr(sc, st->e);
	collect_expr(sc, st->init);
	collect_expr(sc, st->step);
	collect_stmt(sc, st->then);
	collect_stmt(sc, st->els);
	if (st->catch_var)
		note_assigned(sc, st->catch_var);
	if (st->fe) {
		if (st->fe->value)
			note_assigned(sc, st->fe->value->name);
		for (int i = 0; i < st->fe->nkeys; i++)
			note_assigned(sc, st->fe->keys[i]->name);
	}
}

static bool is_assigned(struct scope *sc, const char *name)
{
	for (int i = 0; i < sc->assigned.n; i++)
		if (!strcmp(sc->assigned.v[i], name))
			return true;
	return false;
}

static struct symbol *new_local(struct scope *sc, const char *name, struct loc loc)
{
	struct symbol *y = arena_calloc(&sc->s->arena, 1, sizeof(*y));

	y->name = name;
	y->kind = SYM_LOCAL;
	y->decl = loc;
	y->arity = 0;
	vec_push(&sc->s->arena, sc->locals, y);
	return y;
}

/* name -> parameter, local, global, library global, or a new local */
static struct symbol *lookup(struct scope *sc, const char *name, bool indexed, struct loc loc)
{
	struct symbol *y;

	for (int i = 0; i < sc->locals->n; i++) {
		y = sc->locals->v[i];
		if (!strcmp(y->name, name)) {
			if (indexed && y->arity == 0)
				diag_error(sc->s, loc, DIAG_SEM_LOCAL_ARRAY, name, name);
			return y;
		}
	}
	y = find_global(sc->s, name, loc.file);
	if (!y && (indexed || !is_assigned(sc, name)))
		y = elab_global(sc->s, name, loc.file);
	if (y)
		return y;
	if (indexed) {
		diag_error(sc->s, loc, DIAG_SEM_LOCAL_ARRAY, name, name);
		y = new_local(sc, name, loc);
		y->arity = -1;
		return y;
	}
	return new_local(sc, name, loc);
}

static void use(struct symbol *y, int ctx)
{
	if (ctx & CTX_READ)
		y->read = true;
	if ((ctx & CTX_READ) && !(ctx & CTX_WRITE))
		y->rvalue = true;
	if (ctx & CTX_WRITE)
		y->written = true;
}

static void check_modify(struct scope *sc, struct symbol *y, struct loc loc)
{
	for (int i = 0; i < sc->niter; i++) {
		if (sc->iterating[i] == y) {
			diag_error(sc->s, loc, DIAG_SEM_FOREACH_MODIFIED, y->name);
			diag_note(sc->s, sc->iter_loc[i], DIAG_NOTE_ITERATED_HERE);
			return;
		}
	}
}

static void call(struct scope *sc, struct expr *e);

static void walk_index_args(struct scope *sc, struct expr *e, bool wild_ok)
{
	for (int i = 0; i < e->nargs; i++) {
		if (e->args[i]->kind == E_WILDCARD) {
			if (!wild_ok)
				diag_error(sc->s, e->args[i]->loc, DIAG_SEM_WILDCARD_INDEX);
			continue;
		}
		walk_expr(sc, e->args[i], CTX_READ);
	}
}

/* the [index] expressions of a target chain */
static void walk_indexes(struct scope *sc, struct expr *e)
{
	for (int i = 0; i < e->nchain; i++)
		walk_expr(sc, e->chain[i].index, CTX_READ);
}

/*
 * A target resolved against the kernel's DWARF: @cast and @var anywhere, a
 * $name chain in a probe with DWARF. False when it is none of these.
 */
static bool dwarf_target(struct scope *sc, struct expr *e, bool addr_of, bool quiet)
{
	bool cast = e->name && !strcmp(e->name, "@cast");
	bool var = e->name && !strcmp(e->name, "@var");

	if (!cast && !var && sc->dp && sc->dp->mark && e->name && e->name[0] == '$') {
		/* an SDT marker's probe: $argN and friends, from its note */
		tvar_sdt(sc->s, sc->dp, e, addr_of, quiet);
		return true;
	}
	if (!cast && !var && sc->dp && sc->dp->plt && e->name && e->name[0] == '$') {
		/* a PLT stub's probe: $$name only */
		tvar_plt(sc->s, sc->dp, e, addr_of, quiet);
		return true;
	}
	if (!cast && !var && (!sc->dp || !sc->dp->func || !e->name || e->name[0] != '$'))
		return false;
	if (!cast && !var && e->name[1] == '$') {	/* $$parms, $$locals, $$vars, $$return */
		if (!quiet)
			tvar_pretty(sc->s, sc->dp, e);
		return true;
	}
	if (!cast && !var && sc->dp->ret && !sc->in_entry && !sc->writing &&
	    strcmp(e->name, "$return") && !quiet && !addr_of) {
		/* in a .return probe $param means its value at the entry, as in stap */
		struct expr *inner = ast_clone_expr(&sc->s->arena, e);

		e->kind = E_ENTRY;
		e->a = inner;
		e->name = NULL;
		e->nchain = 0;
		walk_expr(sc, e, CTX_READ);
		return true;
	}
	if (!quiet) {
		if (cast)
			walk_expr(sc, e->a, CTX_READ);
		walk_indexes(sc, e);
	}
	if (cast)
		tvar_cast(sc->s, e, addr_of, quiet);
	else if (var)
		tvar_var(sc->s, sc->dp, e, addr_of, quiet);
	else
		tvar_resolve(sc->s, sc->dp, e, addr_of, quiet, sc->in_entry);
	return true;
}

static void walk_target(struct scope *sc, struct expr *e)
{
	const char *what = e->name ? e->name : "->";

	if (dwarf_target(sc, e, false, false))
		return;

	if (!e->name && e->a) {
		/* autocast: a typed pointer value; needs DWARF types too */
		walk_expr(sc, e->a, CTX_READ);
	} else if (e->a) {
		walk_expr(sc, e->a, CTX_READ);
	}
	walk_indexes(sc, e);
	diag_error(sc->s, e->loc, DIAG_SEM_TARGET_CONTEXT, what);
}

/*
 * x++ or x += 1 whose value the program uses (if (++n == 1)) reads x, as
 * in stap: such a global is not shown at exit; one that is a statement of
 * its own (n++) is not a read
 */
static void value_used(struct scope *sc, struct expr *e)
{
	if (e != sc->discarded && e->op != OP_ASSIGN && e->op != OP_AGG && e->a->sym &&
	    (e->a->kind == E_VAR || e->a->kind == E_INDEX))
		e->a->sym->rvalue = true;
}

static void walk_expr(struct scope *sc, struct expr *e, int ctx)
{
	struct session *s = sc->s;

	if (!e)
		return;
	switch (e->kind) {
	case E_NUM:
	case E_STR:
	case E_EMBEDDED:
	case E_CONST:
	case E_WILDCARD:
		break;
	case E_VAR:
		e->sym = lookup(sc, e->name, false, e->loc);
		use(e->sym, ctx);
		if ((ctx & CTX_WRITE) && !(ctx & CTX_WILD))
			check_modify(sc, e->sym, e->loc);
		break;
	case E_INDEX:
		e->sym = lookup(sc, e->name, true, e->loc);
		use(e->sym, ctx);
		if (ctx & CTX_WRITE)
			check_modify(sc, e->sym, e->loc);
		walk_index_args(sc, e, ctx & CTX_WILD);
		break;
	case E_IN:
		e->sym = lookup(sc, e->name, true, e->loc);
		use(e->sym, CTX_READ);
		walk_index_args(sc, e, true);
		break;
	case E_CALL:
		for (int i = 0; i < e->nargs; i++)
			walk_expr(sc, e->args[i], CTX_READ);
		call(sc, e);
		break;
	case E_TARGET:
		walk_target(sc, e);
		break;
	case E_ADDR:
		if (e->a->kind != E_TARGET) {
			diag_error(s, e->a->loc, DIAG_SEM_ADDR_OF);
			walk_expr(sc, e->a, CTX_READ);
		} else if (!dwarf_target(sc, e->a, true, false)) {
			walk_target(sc, e->a);
		}
		break;
	case E_DEFINED:
		/* 1 when its target variable resolves here (quietly), else 0 */
		e->num = e->a && e->a->kind == E_TARGET && dwarf_target(sc, e->a, false, true) &&
			 e->a->tv != NULL;
		if (e->num)
			walk_indexes(sc, e->a);
		break;
	case E_ENTRY:
		if (!sc->dp || (sc->dp->family != PF_KPROBE && sc->dp->family != PF_UPROBE) ||
		    !sc->dp->ret || sc->in_entry) {
			diag_error(s, e->loc, DIAG_SEM_ENTRY_CONTEXT);
			break;
		}
		/* evaluated when the function is entered, kept for its return */
		sc->in_entry = true;
		walk_expr(sc, e->a, CTX_READ);
		sc->in_entry = false;
		e->num = sc->dp->entries.n;
		vec_push(&s->arena, &sc->dp->entries, e);
		break;
	case E_PERF:
		diag_error(s, e->loc, DIAG_SEM_PERF_CONTEXT);
		break;
	case E_PROBEWRITE:
		if (!sc->dp || !sc->dp->in_alias_body)
			diag_error(s, e->loc, DIAG_SEM_PROBEWRITE_CONTEXT);
		break;
	case E_STATOP:
	case E_HIST:
		walk_expr(sc, e->a, CTX_READ);
		walk_expr(sc, e->b, CTX_READ);
		for (int i = 0; i < e->nargs; i++)
			walk_expr(sc, e->args[i], CTX_READ);
		break;
	case E_ASSIGN:
		if (e->a->kind == E_TARGET && e->a->name) {
			/* a write to the probed code's variable: guru mode only */
			if (!s->guru) {
				diag_error(s, e->a->loc, DIAG_SEM_TARGET_WRITE, e->a->name);
				diag_hint(s, DIAG_HINT_GURU);
			} else if (sc->dp && sc->dp->ret && e->a->name[0] == '$' &&
				   strcmp(e->a->name, "$return")) {
				/* a parameter's entry value cannot be written back */
				diag_error(s, e->a->loc, DIAG_SEM_TARGET_IN_RETURN, e->a->name, e->a->name);
				break;
			}
			if (!s->guru)
				break;
			walk_expr(sc, e->b, CTX_READ);
			sc->writing = true;	/* no @entry rewriting of the written variable */
			if (!dwarf_target(sc, e->a, false, false))
				walk_target(sc, e->a);
			sc->writing = false;
			break;
		}
		walk_expr(sc, e->b, CTX_READ);
		walk_expr(sc, e->a, e->op == OP_ASSIGN || e->op == OP_AGG ? CTX_WRITE :
			  CTX_READ | CTX_WRITE);
		value_used(sc, e);
		break;
	case E_PREINC:
	case E_POSTINC:
		walk_expr(sc, e->a, CTX_READ | CTX_WRITE);
		value_used(sc, e);
		break;
	case E_TERNARY:
		walk_expr(sc, e->a, CTX_READ);
		if (e->a->kind == E_DEFINED) {
			/* @defined(..) ? a : b: only the branch it selects counts */
			walk_expr(sc, e->a->num ? e->b : e->c, CTX_READ);
			break;
		}
		walk_expr(sc, e->b, CTX_READ);
		walk_expr(sc, e->c, CTX_READ);
		break;
	default:
		walk_expr(sc, e->a, CTX_READ);
		walk_expr(sc, e->b, CTX_READ);
		walk_expr(sc, e->c, CTX_READ);
		for (int i = 0; i < e->nargs; i++)
			walk_expr(sc, e->args[i], CTX_READ);
		break;
	}
}

static void walk_foreach(struct scope *sc, struct stmt *st)
{
	struct foreach *fe = st->fe;
	struct expr *arr = fe->array;
	struct symbol *y = NULL;

	if (arr->kind == E_HIST) {
		walk_expr(sc, arr, CTX_READ);
	} else {
		for (int i = 0; i < sc->locals->n && !y; i++) {
			struct symbol *l = sc->locals->v[i];

			if (!strcmp(l->name, arr->name)) {
				diag_error(sc->s, arr->loc, DIAG_SEM_FOREACH_NON_ARRAY, arr->name);
				y = l;
			}
		}
		if (!y)
			y = lookup(sc, arr->name, true, arr->loc);
		arr->sym = y;
		use(y, CTX_READ);
		if (arr->kind == E_INDEX)
			walk_index_args(sc, arr, true);
	}
	walk_expr(sc, fe->limit, CTX_READ);
	/* iteration variables need not be read: no unused warning */
	if (fe->value)
		walk_expr(sc, fe->value, CTX_READ | CTX_WRITE);
	for (int i = 0; i < fe->nkeys; i++)
		walk_expr(sc, fe->keys[i], CTX_READ | CTX_WRITE);
	if (y && sc->niter < 16) {
		sc->iterating[sc->niter] = y;
		sc->iter_loc[sc->niter++] = arr->loc;
	}
	sc->loops++;
	walk_stmt(sc, st->then);
	sc->loops--;
	if (y && sc->niter > 0 && sc->iterating[sc->niter - 1] == y)
		sc->niter--;
}

static void walk_stmt(struct scope *sc, struct stmt *st)
{
	struct session *s = sc->s;

	if (!st)
		return;
	switch (st->kind) {
	case S_BLOCK:
		for (int i = 0; i < st->nbody; i++)
			walk_stmt(sc, st->body[i]);
		break;
	case S_EXPR:
		sc->discarded = st->e;
		walk_expr(sc, st->e, CTX_READ);
		sc->discarded = NULL;
		break;
	case S_NULL:
		break;
	case S_IF:
		walk_expr(sc, st->e, CTX_READ);
		walk_stmt(sc, st->then);
		walk_stmt(sc, st->els);
		break;
	case S_WHILE:
	case S_FOR:
		sc->discarded = st->init;
		walk_expr(sc, st->init, CTX_READ);
		sc->discarded = NULL;
		walk_expr(sc, st->e, CTX_READ);
		sc->discarded = st->step;
		walk_expr(sc, st->step, CTX_READ);
		sc->discarded = NULL;
		sc->loops++;
		walk_stmt(sc, st->then);
		sc->loops--;
		break;
	case S_FOREACH:
		walk_foreach(sc, st);
		break;
	case S_BREAK:
	case S_CONTINUE:
		if (!sc->loops)
			diag_error(s, st->loc, DIAG_SEM_LOOP_CONTROL,
				   st->kind == S_BREAK ? "break" : "continue");
		break;
	case S_NEXT:
		break;
	case S_RETURN:
		if (!sc->fn)
			diag_error(s, st->loc, DIAG_SEM_RETURN_OUTSIDE_FUNC);
		walk_expr(sc, st->e, CTX_READ);
		break;
	case S_DELETE:
		walk_expr(sc, st->e, CTX_WRITE | CTX_WILD);
		break;
	case S_TRY:
		walk_stmt(sc, st->then);
		if (st->catch_var) {
			struct symbol *y = lookup(sc, st->catch_var, false, st->catch_loc);

			use(y, CTX_WRITE);
			st->catch_sym = y;
		}
		walk_stmt(sc, st->els);
		break;
	}
}

/* {=== functions ===} */

static void mark_used(struct session *s, struct function *fn)
{
	if (fn->used)
		return;
	fn->used = true;
	vec_push(&s->arena, &s->program->used, fn);
}

static int candidates(struct session *s, const char *name, uint32_t file, int nargs,
		      struct function **exact, struct function **other)
{
	int n = 0;

	*exact = *other = NULL;
	for (int i = 0; i < s->program->functions.n; i++) {
		struct function *fn = s->program->functions.v[i];

		if (strcmp(fn->name, name) || !visible(fn->file, fn->private_, file))
			continue;
		n++;
		if (fn->nparams == nargs) {
			/* the lowest priority runs first and types the call */
			if (!*exact || fn->priority < (*exact)->priority)
				*exact = fn;
		} else if (!*other) {
			*other = fn;
		}
	}
	return n;
}

static void suggest_function(struct session *s, const char *name)
{
	struct vec cands = {0};
	const char *sug;

	for (size_t i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++)
		vec_push(&s->arena, &cands, (void *)builtins[i]);
	for (int i = 0; i < s->program->functions.n; i++)
		vec_push(&s->arena, &cands, (void *)((struct function *)s->program->functions.v[i])->name);
	tapset_names(s, LIB_FUNCTION, &cands);
	sug = elab_suggest(name, (const char **)cands.v, cands.n);
	if (sug)
		diag_hint(s, DIAG_HINT_DID_YOU_MEAN, sug);
}

static void call(struct scope *sc, struct expr *e)
{
	struct session *s = sc->s;
	struct function *exact, *other;
	int n;

	if (elab_is_builtin(e->name))
		return;
	n = candidates(s, e->name, e->loc.file, e->nargs, &exact, &other);
	if (!exact) {
		int files[16], nf = tapset_find(s, LIB_FUNCTION, e->name, files, 16);

		for (int i = 0; i < nf; i++)
			load_lib_file(s, files[i]);
		n = candidates(s, e->name, e->loc.file, e->nargs, &exact, &other);
	}
	if (exact) {
		e->fn = exact;
		mark_used(s, exact);
		/* runtime overloads of the same arity are all reachable */
		for (int i = 0; i < s->program->functions.n; i++) {
			struct function *fn = s->program->functions.v[i];

			if (fn != exact && !strcmp(fn->name, e->name) && fn->nparams == e->nargs &&
			    visible(fn->file, fn->private_, e->loc.file))
				mark_used(s, fn);
		}
		return;
	}
	if (n == 1 && other) {
		diag_error(s, e->loc, DIAG_SEM_ARITY, e->name, other->nparams,
			   other->nparams == 1 ? "" : "s", e->nargs);
		diag_note(s, other->loc, DIAG_NOTE_DEFINED_HERE, e->name);
	} else if (other) {
		diag_error(s, e->loc, DIAG_SEM_NO_ARITY, e->name, e->nargs, e->nargs == 1 ? "" : "s");
	} else {
		diag_error(s, e->loc, DIAG_SEM_UNDEF_FUNC, e->name);
		suggest_function(s, e->name);
	}
}

static void walk_function(struct session *s, struct function *fn)
{
	struct scope sc = { .s = s, .fn = fn, .locals = &fn->locals };

	fn->param_syms = arena_calloc(&s->arena, (size_t)fn->nparams + 1, sizeof(struct symbol *));
	for (int i = 0; i < fn->nparams; i++) {
		struct symbol *y = new_local(&sc, fn->params[i].name, fn->params[i].loc);

		y->kind = SYM_PARAM;
		y->written = true;
		y->read = true;	/* unused parameters are not worth a warning */
		if (fn->params[i].decl_type != TY_UNKNOWN) {
			y->type = fn->params[i].decl_type;
			y->type_loc = fn->params[i].loc;
		}
		fn->param_syms[i] = y;
	}
	if (fn->body) {
		collect_stmt(&sc, fn->body);
		walk_stmt(&sc, fn->body);
	}
}

static void walk_probe(struct session *s, struct dprobe *dp)
{
	struct scope sc = { .s = s, .dp = dp, .locals = &dp->locals };

	collect_stmt(&sc, dp->body);
	if (dp->cond) {
		/* an arming condition sees globals only */
		struct vec none = {0};
		struct scope cs = { .s = s, .locals = &none };

		collect_expr(&cs, dp->cond);
		walk_expr(&cs, dp->cond, CTX_READ);
		if (none.n)
			diag_error(s, dp->cond->loc, DIAG_SEM_PROBE_BAD_COND);
	}
	walk_stmt(&sc, dp->body);
}

/* {=== the pass ===} */

/* locals from index `from` on (after the parameters) */
static void warn_locals(struct session *s, struct vec *locals, int from)
{
	for (int k = from; k < locals->n; k++) {
		struct symbol *y = locals->v[k];

		if (y->written && !y->read && !s->unoptimized) {
			diag_warning(s, y->decl, DIAG_WARN_UNUSED_LOCAL, y->name);
			y->dropped = true;
		} else if (y->read && !y->written) {
			diag_warning(s, y->decl, DIAG_WARN_NEVER_ASSIGNED_LOCAL, y->name);
		}
	}
}

static void warn_unused(struct session *s)
{
	struct program *prog = s->program;

	for (int i = 0; i < prog->globals.n; i++) {
		struct symbol *y = prog->globals.v[i];

		if (y->tapset)
			continue;
		if (!y->read && !y->written) {
			if (!s->unoptimized) {
				diag_warning(s, y->decl, DIAG_WARN_UNUSED_GLOBAL, y->name);
				y->dropped = true;
			}
		} else if (y->read && !y->written && !y->global->init && y->type != TY_STATS) {
			diag_warning(s, y->decl, DIAG_WARN_NEVER_ASSIGNED_GLOBAL, y->name);
		}
	}
	for (int i = 0; i < prog->probes.n; i++)
		warn_locals(s, &((struct dprobe *)prog->probes.v[i])->locals, 0);
	for (int i = 0; i < prog->used.n; i++) {
		struct function *fn = prog->used.v[i];

		if (!s->sources[fn->file]->tapset)
			warn_locals(s, &fn->locals, fn->nparams);
	}
	for (int i = 0; i < prog->functions.n; i++) {
		struct function *fn = prog->functions.v[i];

		if (!fn->used && !s->sources[fn->file]->tapset)
			diag_warning(s, fn->loc, DIAG_WARN_UNUSED_FUNC, fn->name);
	}
}

int elaborate(struct session *s, struct file_ast *user)
{
	struct program *prog = arena_calloc(&s->arena, 1, sizeof(*prog));
	int before = s->nerrors, done = 0;

	s->program = prog;
	elab_add_file(s, user);
	/* user functions are resolved even when unused (and typed with -u) */
	for (int i = 0; i < prog->functions.n; i++) {
		struct function *fn = prog->functions.v[i];

		if (fn->file == user->file && s->unoptimized)
			mark_used(s, fn);
	}
	for (int i = 0; i < prog->functions.n && s->nerrors == before; i++) {
		struct function *fn = prog->functions.v[i];

		if (fn->file == user->file && !fn->used)
			walk_function(s, fn);
	}
	/* probes and the functions they reach, until nothing new is pulled in */
	for (int pi = 0; ; ) {
		for (; pi < prog->probes.n; pi++)
			walk_probe(s, prog->probes.v[pi]);
		if (done < prog->used.n) {
			struct function *fn = prog->used.v[done++];

			fn->locals = (struct vec){0};
			walk_function(s, fn);
			continue;
		}
		if (pi >= prog->probes.n)
			break;
	}
	if (s->nerrors > before)
		return -1;
	if (!prog->probes.n) {
		diag_error(s, NOLOC, DIAG_SEM_NO_PROBES);
		return -1;
	}
	if (types_check(s) < 0 || s->nerrors > before)
		return -1;
	warn_unused(s);
	return s->nerrors > before ? -1 : 0;
}

/* {=== -p2 output ===} */

static void sym_type(struct strbuf *sb, const struct symbol *y)
{
	if (y->arity > 0) {
		if (y->global && y->global->maxsize > 0)
			sb_printf(sb, "[%lld]", (long long)y->global->maxsize);
		sb_printf(sb, ":%s [", ast_type_name(y->type));
		for (int k = 0; k < y->arity; k++)
			sb_printf(sb, "%s%s", k ? ", " : "", ast_type_name(y->keys[k]));
		sb_putc(sb, ']');
	} else {
		sb_printf(sb, ":%s", ast_type_name(y->type));
	}
}

static void print_locals(struct strbuf *sb, struct vec *locals, int from)
{
	bool any = false;

	for (int k = from; k < locals->n; k++) {
		struct symbol *y = locals->v[k];

		if (y->dropped)
			continue;
		if (!any)
			sb_puts(sb, "  # locals\n");
		any = true;
		sb_printf(sb, "  %s", y->name);
		sym_type(sb, y);
		sb_putc(sb, '\n');
	}
}

static int cmp_fn(const void *a, const void *b)
{
	const struct function *x = *(struct function *const *)a;
	const struct function *y = *(struct function *const *)b;
	int c = strcmp(x->name, y->name);

	return c ? c : x->nparams - y->nparams;
}

void elaborate_print(struct session *s, struct strbuf *sb)
{
	struct program *prog = s->program;
	struct function **fns;
	bool any = false;

	for (int i = 0; i < prog->globals.n; i++) {
		struct symbol *y = prog->globals.v[i];

		if (y->dropped || (y->tapset && !y->read && !y->written))
			continue;
		if (!any)
			sb_puts(sb, "# globals\n");
		any = true;
		sb_puts(sb, y->name);
		sym_type(sb, y);
		sb_putc(sb, '\n');
	}
	if (prog->used.n)
		sb_puts(sb, "# functions\n");
	fns = arena_alloc(&s->arena, sizeof(*fns) * (size_t)prog->used.n);
	if (prog->used.n)
		memcpy(fns, prog->used.v, sizeof(*fns) * (size_t)prog->used.n);
	qsort(fns, (size_t)prog->used.n, sizeof(*fns), cmp_fn);
	for (int i = 0; i < prog->used.n; i++) {
		struct function *fn = fns[i];

		sb_printf(sb, "%s:%s (", fn->name, ast_type_name(fn->type));
		for (int k = 0; k < fn->nparams; k++)
			sb_printf(sb, "%s%s:%s", k ? ", " : "", fn->params[k].name,
				  ast_type_name(fn->param_syms[k]->type));
		sb_puts(sb, ")\n");
		print_locals(sb, &fn->locals, fn->nparams);
	}
	sb_puts(sb, "# probes\n");
	for (int i = 0; i < prog->probes.n; i++) {
		struct dprobe *dp = prog->probes.v[i];

		sb_printf(sb, "%s /* <- %s */\n", dp->point, dp->orig);
		print_locals(sb, &dp->locals, 0);
	}
}

/* {=== -l and -L ===} */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int elaborate_list(struct session *s, const char *pattern, bool vars, struct strbuf *sb)
{
	const char *text = arena_strfmt(&s->arena, "probe %s {}", pattern);
	uint32_t file = session_add_source(s, "<pattern>", NULL, text, strlen(text), false);
	struct file_ast ast = {0};
	struct vec lines = {0};
	struct program *prog;

	if (parse_source(s, file, &ast) < 0)
		return 0;
	prog = arena_calloc(&s->arena, 1, sizeof(*prog));
	prog->listing = true;
	s->program = prog;
	s->no_warnings = true;
	/* a pattern that matches nothing is not an error here */
	for (int i = 0; i < ast.ndecls; i++)
		if (ast.decls[i].kind == D_PROBE)
			for (int k = 0; k < ast.decls[i].u.probe->npoints; k++)
				ast.decls[i].u.probe->points[k]->optional = true;
	elab_add_file(s, &ast);
	if (vars) {
		for (int i = 0; i < prog->probes.n; i++)
			walk_probe(s, prog->probes.v[i]);
		types_check(s);
	}
	for (int i = 0; i < prog->probes.n; i++) {
		struct dprobe *dp = prog->probes.v[i];
		struct strbuf line = STRBUF_INIT;

		sb_puts(&line, dp->matched);
		if (vars && dp->mark)	/* $arg1:long ..., as stap -L shows them */
			sb_puts(&line, tvar_sdt_list(s, dp));
		else if (vars && dp->func)	/* the DWARF variables, as stap -L shows them */
			sb_puts(&line, tvar_list(s, dp));
		if (vars) {
			for (int k = 0; k < dp->locals.n; k++) {
				struct symbol *y = dp->locals.v[k];

				sb_printf(&line, " %s:%s", y->name, ast_type_name(y->type));
			}
		}
		vec_push(&s->arena, &lines, arena_strdup(&s->arena, line.buf));
		sb_release(&line);
	}
	if (strpbrk(pattern, "*?"))
		probes_list_families(s, pattern, &lines);
	qsort(lines.v, (size_t)lines.n, sizeof(void *), cmp_str);
	for (int i = 0; i < lines.n; i++)
		if (i == 0 || strcmp(lines.v[i], lines.v[i - 1]))
			sb_printf(sb, "%s\n", (char *)lines.v[i]);
	return lines.n;
}
