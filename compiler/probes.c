// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * probes.c - pass 2: probe points to handlers
 *
 * Each point of a user probe is expanded ({a,b} alternatives), matched
 * against the probe aliases (recursively; an alias name may be followed by
 * more components, which are appended to each of its targets) and finally
 * against the built-in families. Every resulting point becomes a struct
 * dprobe whose body is the aliases' prologues, the user's body and the
 * aliases' epilogues, each copied so that every handler types its own
 * locals.
 */
#include <fnmatch.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>
#include <inttypes.h>
#include <stdlib.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#include "debuginfo.h"
#include "diag.h"
#include "elaborate.h"
#include "pretty.h"
#include "plt.h"
#include "sdt.h"
#include "tapset.h"

#define ALIAS_DEPTH 32

struct plain {
	struct ppcomp *c;
	int n;
};

/* a resolved point with the alias bodies around it, innermost alias first */
struct partial {
	struct dprobe *dp;
	struct vec pre;		/* struct stmt *, run before the user body */
	struct vec post;	/* struct stmt *, run after it */
	struct vec conds;	/* struct expr * */
};

struct derive {
	struct session *s;
	struct program *prog;
	struct probe *stack[ALIAS_DEPTH];
	int depth;
	bool unsupported;	/* some point failed for lack of a family */
	const char *unsupported_name;
	bool quiet;		/* -l: no errors */
	bool optional;		/* the point ends with '?' */
	bool reported;		/* an error about this point was given already */
	const char *orig;	/* the user's points, "end,error" */
};

static const char *point_text(struct session *s, const struct ppcomp *c, int n)
{
	struct strbuf sb = STRBUF_INIT;
	struct probe_point pp = { .comps = (struct ppcomp *)c, .ncomps = n };
	const char *r;

	pretty_probe_point(&sb, &pp);
	r = arena_strdup(&s->arena, sb.buf ? sb.buf : "");
	sb_release(&sb);
	return r;
}

/* {=== brace expansion ===} */

static void expand_braces(struct session *s, const struct ppcomp *c, int n,
			  struct ppcomp *prefix, int np, struct vec *out)
{
	if (n == 0) {
		struct plain *p = arena_alloc(&s->arena, sizeof(*p));

		p->c = arena_alloc(&s->arena, sizeof(*p->c) * (size_t)(np ? np : 1));
		if (np)
			memcpy(p->c, prefix, sizeof(*p->c) * (size_t)np);
		p->n = np;
		vec_push(&s->arena, out, p);
		return;
	}
	if (!c->alts) {
		struct ppcomp *np2 = arena_alloc(&s->arena, sizeof(*np2) * (size_t)(np + 1));

		if (np)
			memcpy(np2, prefix, sizeof(*np2) * (size_t)np);
		np2[np] = *c;
		expand_braces(s, c + 1, n - 1, np2, np + 1, out);
		return;
	}
	for (int a = 0; a < c->nalts; a++) {
		struct vec alts = {0};

		/* each alternative may hold braces itself */
		expand_braces(s, c->alts[a]->comps, c->alts[a]->ncomps, NULL, 0, &alts);
		for (int k = 0; k < alts.n; k++) {
			struct plain *alt = alts.v[k];
			int m = np + alt->n;
			struct ppcomp *np2 = arena_alloc(&s->arena, sizeof(*np2) * (size_t)m);

			if (np)
				memcpy(np2, prefix, sizeof(*np2) * (size_t)np);
			if (alt->n)
				memcpy(np2 + np, alt->c, sizeof(*np2) * (size_t)alt->n);
			expand_braces(s, c + 1, n - 1, np2, m, out);
		}
	}
}

/* {=== built-in families ===} */

static bool is_num(const struct ppcomp *c)
{
	return c->arg && c->arg->kind == E_NUM;
}

static void arg_error(struct derive *d, const struct ppcomp *c, const char *what)
{
	if (!d->quiet)
		diag_error(d->s, c->loc, DIAG_SEM_PROBE_ARG, c->name, what);
}

static const char *const unsupported[] = { "perf", "procfs", "netfilter",
	"java", "python", "python2", "python3", "input", "kprobe_seq",
	"debuginfod", "prometheus",
};

static const char *const families[] = {
	"begin", "end", "error", "never", "timer.s", "timer.sec", "timer.ms",
	"timer.msec", "timer.us", "timer.usec", "timer.ns", "timer.nsec",
	"timer.hz", "timer.jiffies", "timer.profile", "timer.profile.tick",
	"kprobe.function", "kprobe.function.return", "kprobe.module.function",
	"kprobe.module.function.return", "kprobe.statement.absolute",
	"kernel.function", "kernel.function.call", "kernel.function.return", "kernel.statement",
	"module.function", "module.function.call", "module.function.return", "module.statement",
	"process.function", "process.function.call", "process.function.return",
	"process.function.inline", "kernel.function.inline", "module.function.inline",
	"kernel.function.exported", "module.function.exported",
	"process.statement", "process.library.function", "process.library.function.call",
	"process.library.function.return", "process.library.statement",
	"process.mark", "process.provider.mark", "process.library.mark",
	"process.library.provider.mark", "process.plt", "process.plt.return",
	"process.library.plt", "process.library.plt.return", "process.begin", "process.end",
	"process.thread.begin",
	"process.thread.end",
};

/* -l with a wildcard pattern: the built-in points it matches, as templates */
void probes_list_families(struct session *s, const char *pattern, struct vec *out)
{
	for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
		const char *f = families[i];
		bool timer = !strncmp(f, "timer.", 6) && strncmp(f, "timer.profile", 13);

		if (!fnmatch(pattern, f, FNM_PERIOD & 0))
			vec_push(&s->arena, out, timer ? arena_strfmt(&s->arena, "%s(N)", f) :
				 (void *)f);
	}
}

static const struct {
	const char *name;
	enum timer_unit unit;
} units[] = {
	{ "s", TU_S }, { "sec", TU_S }, { "ms", TU_MS }, { "msec", TU_MS },
	{ "us", TU_US }, { "usec", TU_US }, { "ns", TU_NS }, { "nsec", TU_NS },
	{ "hz", TU_HZ }, { "jiffies", TU_JIFFIES },
};

/*
 * The end of a kernel probe point from component i: [.call] (when call_ok),
 * or .return with .maxactive(N) after it (when maxactive_ok). False after
 * an error; components after those are not valid.
 */
static bool ret_suffix(struct derive *d, const struct ppcomp *c, int i, int n, bool call_ok,
		       bool maxactive_ok, bool *ret, int64_t *maxactive)
{
	*ret = false;
	*maxactive = 0;
	if (call_ok && i < n && !strcmp(c[i].name, "call") && !c[i].arg) {
		i++;
	} else if (i < n && !strcmp(c[i].name, "return") && !c[i].arg) {
		*ret = true;
		i++;
		if (maxactive_ok && i < n && !strcmp(c[i].name, "maxactive")) {
			if (!is_num(&c[i]) || c[i].arg->num <= 0 || c[i].arg->num > 100000) {
				arg_error(d, &c[i], "needs a positive number");
				return false;
			}
			*maxactive = c[i].arg->num;
			i++;
		}
	}
	if (i < n) {
		arg_error(d, &c[i], "is not valid here");
		return false;
	}
	return true;
}

/* is component i ".inline" (the last one)? false, with *bad set, after an error */
static bool inline_suffix(struct derive *d, const struct ppcomp *c, int i, int n, bool *bad)
{
	*bad = false;
	if (i >= n || strcmp(c[i].name, "inline"))
		return false;
	if (c[i].arg || i + 1 < n) {
		arg_error(d, c[i].arg ? &c[i] : &c[i + 1], c[i].arg ? "takes no argument" :
			  "is not valid here: an inlined instance has no return probe");
		*bad = true;
	}
	return !*bad;
}

/* Returns a dprobe, NULL when the point names no family (*known is false) or is bad. */
static struct dprobe *builtin(struct derive *d, const struct ppcomp *c, int n, bool *known)
{
	struct session *s = d->s;
	struct dprobe *dp = arena_calloc(&s->arena, 1, sizeof(*dp));
	const char *f = c[0].name;

	*known = true;
	dp->loc = c[0].loc;
	if (!strcmp(f, "begin") || !strcmp(f, "end") || !strcmp(f, "error") ||
	    !strcmp(f, "never")) {
		dp->family = f[0] == 'b' ? PF_BEGIN : f[0] == 'e' && f[1] == 'n' ? PF_END :
			     f[0] == 'e' ? PF_ERROR : PF_NEVER;
		if (n > 1) {
			arg_error(d, &c[1], "is not valid here");
			return NULL;
		}
		if (c[0].arg && (dp->family == PF_NEVER || !is_num(&c[0]))) {
			arg_error(d, &c[0], dp->family == PF_NEVER ? "takes no argument" :
				  "takes a number");
			return NULL;
		}
		dp->seq = c[0].arg ? c[0].arg->num : 0;
		return dp;
	}
	if (!strcmp(f, "timer")) {
		if (n < 2 || c[0].arg) {
			if (!c[0].arg)
				arg_error(d, &c[0], "needs a unit such as 'timer.ms(100)'");
			else
				arg_error(d, &c[0], "takes no argument");
			return NULL;
		}
		if (!strcmp(c[1].name, "profile")) {
			if (c[1].arg) {
				arg_error(d, &c[1], "takes no argument");
				return NULL;
			}
			if ((n == 3 && (strcmp(c[2].name, "tick") || c[2].arg)) || n > 3) {
				arg_error(d, &c[2], "is not valid here");
				return NULL;
			}
			dp->family = PF_PROFILE;
			return dp;
		}
		for (size_t u = 0; u < sizeof(units) / sizeof(units[0]); u++) {
			if (strcmp(c[1].name, units[u].name))
				continue;
			dp->family = PF_TIMER;
			dp->unit = units[u].unit;
			if (!is_num(&c[1]) || c[1].arg->num <= 0) {
				arg_error(d, &c[1], "needs a positive number");
				return NULL;
			}
			dp->interval = c[1].arg->num;
			/* the interval in ns must fit in 63 bits; hz(N) in at least 1 ns */
			if ((dp->unit == TU_HZ && dp->interval > 1000000000) ||
			    (dp->unit == TU_JIFFIES && dp->interval > INT64_MAX / 10000000) ||
			    (dp->unit == TU_S && dp->interval > INT64_MAX / 1000000000) ||
			    (dp->unit == TU_MS && dp->interval > INT64_MAX / 1000000) ||
			    (dp->unit == TU_US && dp->interval > INT64_MAX / 1000)) {
				arg_error(d, &c[1], "is too large");
				return NULL;
			}
			if (n >= 3) {
				if (strcmp(c[2].name, "randomize") || dp->unit == TU_HZ || n > 3) {
					arg_error(d, &c[2], "is not valid here");
					return NULL;
				}
				if (!is_num(&c[2]) || c[2].arg->num < 0) {
					arg_error(d, &c[2], "needs a number that is not negative");
					return NULL;
				}
				dp->randomize = c[2].arg->num;
				if (dp->randomize >= dp->interval) {
					arg_error(d, &c[2], "must be smaller than the interval");
					return NULL;
				}
			}
			return dp;
		}
		arg_error(d, &c[1], "is not a timer unit (s, ms, us, ns, hz, jiffies or profile)");
		return NULL;
	}
	if (!strcmp(f, "kprobe") && n >= 2 && !strcmp(c[1].name, "function")) {
		/* kprobe.function("NAME")[.return[.maxactive(N)]]: no debug information */
		const char *sym = c[1].arg && c[1].arg->kind == E_STR ? c[1].arg->str : NULL;

		if (c[0].arg) {
			arg_error(d, &c[0], "takes no argument");
			return NULL;
		}
		if (!sym || !*sym || strpbrk(sym, "*?[ \t")) {
			arg_error(d, &c[1], "needs the name of a kernel function, without wildcards");
			return NULL;
		}
		dp->family = PF_KPROBE;
		dp->symbol = sym;
		return ret_suffix(d, c, 2, n, false, true, &dp->ret, &dp->maxactive) ? dp : NULL;
	}
	if (!strcmp(f, "kprobe") && n >= 3 && !strcmp(c[1].name, "module") &&
	    !strcmp(c[2].name, "function")) {
		/* kprobe.module("M").function("F")[.return]: "M:F" for kallsyms */
		const char *mod = c[1].arg && c[1].arg->kind == E_STR ? c[1].arg->str : NULL;
		const char *sym = c[2].arg && c[2].arg->kind == E_STR ? c[2].arg->str : NULL;

		if (c[0].arg) {
			arg_error(d, &c[0], "takes no argument");
			return NULL;
		}
		if (!mod || !*mod || strpbrk(mod, "*?[: \t")) {
			arg_error(d, &c[1], "needs the name of a loaded module, without wildcards");
			return NULL;
		}
		if (!sym || !*sym || strpbrk(sym, "*?[: \t")) {
			arg_error(d, &c[2], "needs the name of a function of the module, without wildcards");
			return NULL;
		}
		dp->family = PF_KPROBE;
		dp->symbol = arena_strfmt(&s->arena, "%s:%s", mod, sym);
		return ret_suffix(d, c, 3, n, false, false, &dp->ret, &dp->maxactive) ? dp : NULL;
	}
	if (!strcmp(f, "kprobe") && n >= 2 && !strcmp(c[1].name, "statement")) {
		/* kprobe.statement(ADDR).absolute: a run-time address, guru mode only */
		if (c[0].arg) {
			arg_error(d, &c[0], "takes no argument");
			return NULL;
		}
		if (!is_num(&c[1]) || n != 3 || strcmp(c[2].name, "absolute") || c[2].arg) {
			arg_error(d, &c[1], "needs a number and '.absolute': kprobe.statement(ADDR).absolute");
			return NULL;
		}
		if (!s->guru) {
			diag_error(s, c[0].loc, DIAG_SEM_ABSOLUTE_GURU);
			diag_hint(s, DIAG_HINT_GURU);
			d->reported = true;
			return NULL;
		}
		dp->family = PF_KPROBE;
		dp->addr = (uint64_t)c[1].arg->num;
		dp->anchor = 0;	/* already a run-time address: not relocated */
		return dp;
	}
	if (!strcmp(f, "kprobe")) {	/* kprobe_seq... */
		*known = false;
		d->unsupported = true;
		d->unsupported_name = "kprobe";
		return NULL;
	}
	*known = false;
	for (size_t i = 0; i < sizeof(unsupported) / sizeof(unsupported[0]); i++) {
		if (!fnmatch(f, unsupported[i], 0)) {
			d->unsupported = true;
			d->unsupported_name = unsupported[i];
			return NULL;
		}
	}
	return NULL;
}

/* {=== kernel.function: points from the DWARF index ===} */

/* "NAME[@FILE[:LINE[-LINE]]]" split; false after an error */
static bool split_spec(struct derive *d, const struct ppcomp *c, const char *spec,
		       const char **name, const char **file, int *lo, int *hi)
{
	struct session *s = d->s;
	const char *at = strchr(spec, '@');

	*file = NULL;
	*lo = *hi = 0;
	if (!at) {
		*name = spec;
		return *spec != 0;
	}
	*name = arena_strndup(&s->arena, spec, (size_t)(at - spec));
	const char *colon = strchr(at + 1, ':');

	if (!colon) {
		*file = at + 1;
	} else {
		char *end;
		long a, b;

		*file = arena_strndup(&s->arena, at + 1, (size_t)(colon - at - 1));
		if (!strcmp(colon + 1, "*")) {	/* every line */
			*lo = 1;
			*hi = 10000000;
			return **name && **file;
		}
		a = strtol(colon + 1, &end, 10);
		b = a;
		if (*end == '-')
			b = strtol(end + 1, &end, 10);
		if (*end || a <= 0 || b < a || b > 10000000) {
			arg_error(d, c, "has a bad line number or range after ':'");
			return false;
		}
		*lo = (int)a;
		*hi = (int)b;
	}
	return **name && **file;
}

static const char *kernel_why_not(const struct dfunc *f)
{
	if (!(f->flags & DF_CODE))
		return "it is inlined everywhere (try .inline)";
	if (f->flags & DF_INIT)
		return "it is in .init.text, discarded after boot";
	if (f->flags & DF_NOKPROBE)
		return "the kernel does not allow kprobes on it";
	return NULL;
}

/*
 * The debug information of kernel.* or module("NAME").* points, and the
 * prefix of their names; NULL after an error
 */
static struct debuginfo *point_di(struct derive *d, const struct ppcomp *c, const char **prefix)
{
	struct session *s = d->s;
	const char *m = c[0].arg && c[0].arg->kind == E_STR ? c[0].arg->str : NULL;
	struct debuginfo *di;

	if (!strcmp(c[0].name, "kernel")) {
		if (c[0].arg) {
			arg_error(d, &c[0], "takes no argument");
			return NULL;
		}
		*prefix = "kernel";
		di = debuginfo_kernel(s, c[1].loc);
	} else {
		if (!m || !*m || strpbrk(m, "*?[")) {
			arg_error(d, &c[0], "needs a module name or the path of a .ko, without wildcards");
			return NULL;
		}
		*prefix = arena_strfmt(&s->arena, "module(\"%s\")", m);
		di = debuginfo_module(s, m, c[0].loc);
	}
	if (!di)
		d->reported = true;
	return di;
}

/* one kprobe at addr inside f (a statement) or at its entry */
static void push_kprobe(struct derive *d, struct debuginfo *di, struct dfunc *f, uint64_t addr,
			bool ret, int64_t maxactive, const char *point, const struct ppcomp *c,
			struct vec *out)
{
	struct session *s = d->s;
	struct dprobe *dp = arena_calloc(&s->arena, 1, sizeof(*dp));
	struct partial *pa = arena_calloc(&s->arena, 1, sizeof(*pa));

	dp->loc = c[0].loc;
	dp->family = PF_KPROBE;
	dp->di = di;
	dp->func = f;
	dp->ret = ret;
	dp->maxactive = maxactive;
	dp->offset = (int64_t)(addr - f->addr);
	dp->pc = addr;
	if (f->symbol && (f->flags & DF_SYM_UNIQUE) && addr >= f->addr && f->addr) {
		dp->symbol = f->symbol;
	} else {	/* kallsyms cannot resolve the name: the address, relocated at load */
		dp->addr = addr;
		dp->offset = 0;
		dp->anchor = di->anchor;
		dp->stmt_offset = (int64_t)(addr - f->addr);
	}
	dp->point = point;
	dp->matched = point;
	pa->dp = dp;
	vec_push(&s->arena, out, pa);
	/* the kernel attaches an entry with an fentry call through ftrace, the rest with int3 */
	if (s->verbose && !d->quiet)
		fprintf(stderr, "Pass 2: %s: %s at %s+0x%" PRIx64 ", %s\n", point,
			ret ? "kretprobe" : "kprobe", dp->symbol ? dp->symbol : f->name,
			dp->symbol ? (uint64_t)dp->offset : addr, addr == f->addr && (f->flags & DF_FTRACE) ?
			"ftrace-based (the function's fentry call)" : "int3 breakpoint");
}

/*
 * A statement's "FUNC@FILE:LINE[-LINE|*]" or "FUNC@FILE+N" (N lines after
 * FUNC's declaration: *rel, else -1); false after an error (what says
 * which other form the point also takes)
 */
static bool stmt_spec(struct derive *d, const struct ppcomp *sc, const char *spec, const char *what,
		      const char **name, const char **file, int *lo, int *hi, int *rel)
{
	struct session *s = d->s;
	const char *at = spec ? strchr(spec, '@') : NULL;

	*rel = -1;
	*lo = *hi = 0;
	if (at && strchr(at, '+') && !strchr(at, ':')) {
		char *end;
		const char *p2 = strchr(at, '+');

		*name = arena_strndup(&s->arena, spec, (size_t)(at - spec));
		*file = arena_strndup(&s->arena, at + 1, (size_t)(p2 - at - 1));
		*rel = (int)strtol(p2 + 1, &end, 10);
		if (*end || *rel < 0 || *rel > 100000 || !**name || !**file) {
			arg_error(d, sc, "needs \"FUNCTION@FILE+LINES\" with a number of lines");
			return false;
		}
		return true;
	}
	if (!spec || !split_spec(d, sc, spec, name, file, lo, hi) || !*lo) {
		if (!spec || !strchr(spec, ':') || *lo)
			arg_error(d, sc, what);
		return false;
	}
	return true;
}

/* kernel.statement("FUNC@FILE:LINE[-LINE|*]") and kernel.statement("FUNC+OFFSET") */
static void kernel_statement(struct derive *d, const struct ppcomp *c, int n, struct vec *out)
{
	struct session *s = d->s;
	const char *spec = c[1].arg && c[1].arg->kind == E_STR ? c[1].arg->str : NULL;
	const char *name, *file = NULL, *plus;
	int lo = 0, hi = 0, before = out->n, rel = -1;
	int64_t off = -1;
	struct debuginfo *di;
	struct vec found = {0};

	const char *prefix;

	if (n > 2) {
		arg_error(d, &c[2], "is not valid here");
		return;
	}
	if (spec && !strchr(spec, '@') && (plus = strchr(spec, '+'))) {
		char *end;

		name = arena_strndup(&s->arena, spec, (size_t)(plus - spec));
		off = strtoll(plus + 1, &end, 0);
		if (*end || off < 0 || !*name || strpbrk(name, "*?[")) {
			arg_error(d, &c[1], "needs \"FUNCTION+OFFSET\" with a number of bytes");
			return;
		}
	} else if (!stmt_spec(d, &c[1], spec, "needs \"FUNCTION@FILE:LINE\" or \"FUNCTION+OFFSET\"",
			      &name, &file, &lo, &hi, &rel)) {
		return;
	}
	if (!(di = point_di(d, c, &prefix)))
		return;
	debuginfo_match(s, di, name, file, 0, 0, &found);
	for (int k = 0; k < found.n; k++) {
		struct dfunc *f = found.v[k];
		struct vec lines = {0};

		if (kernel_why_not(f))
			continue;
		if (off >= 0) {
			push_kprobe(d, di, f, f->addr + (uint64_t)off, false, 0,
				    arena_strfmt(&s->arena, "%s.statement(\"%s+0x%" PRIx64 "\")", prefix,
						 f->name, (uint64_t)off), c, out);
			continue;
		}
		if (rel >= 0)
			lo = hi = f->line + rel;
		debuginfo_lines(s, di, f, lo, hi, &lines);
		for (int i = 0; i < lines.n; i++) {
			struct dline *l = lines.v[i];

			push_kprobe(d, di, f, l->addr, false, 0,
				    arena_strfmt(&s->arena, "%s.statement(\"%s@%s:%d\")", prefix,
						 f->name, f->file, l->line), c, out);
		}
	}
	if (out->n == before && !d->quiet && !d->optional) {
		diag_error(s, c[1].loc, DIAG_SEM_NO_STATEMENT, spec);
		d->reported = true;
	}
}

/* kernel.function("PATTERN").inline: a kprobe at each inlined instance of the functions found */
static void kernel_inlines(struct derive *d, struct debuginfo *di, const char *prefix,
			   struct vec *found, const struct ppcomp *c, struct vec *out)
{
	struct session *s = d->s;

	for (int k = 0; k < found->n; k++) {
		struct dfunc *f = found->v[k];
		struct vec inst = {0};

		if (!(f->flags & DF_INLINED))
			continue;
		debuginfo_inlines(s, di, f, &inst);
		for (int i = 0; i < inst.n; i++) {
			struct dinline *in = inst.v[i];
			const char *point = arena_strfmt(&s->arena, "%s.function(\"%s@%s:%d\").inline",
							 prefix, f->name, f->file, f->line);

			/* inside another function: from its symbol (a module's), or by address */
			struct dfunc *host = debuginfo_func_at(s, di, in->pc);
			struct dprobe *dp;

			push_kprobe(d, di, host && host->symbol && (host->flags & DF_SYM_UNIQUE) ? host : f,
				    in->pc, false, 0, point, c, out);
			dp = ((struct partial *)out->v[out->n - 1])->dp;
			dp->func = f;
			dp->host = host;
			dp->scope_die = in->die;
		}
	}
}

/* kernel.function("PATTERN")[.call|.return[.maxactive(N)]|.inline|.exported] */
static void kernel_function(struct derive *d, const struct ppcomp *c, int n, struct vec *out)
{
	struct session *s = d->s;
	const char *spec = c[1].arg && c[1].arg->kind == E_STR ? c[1].arg->str : NULL;
	const char *name, *file;
	int lo, hi;
	bool ret;
	int64_t maxactive;
	struct debuginfo *di;
	struct vec found = {0};
	int usable = 0, before = out->n;
	const struct dfunc *refused = NULL;
	const char *prefix;
	bool inl, bad, exported = false;

	if (!spec || !split_spec(d, &c[1], spec, &name, &file, &lo, &hi)) {
		arg_error(d, &c[1], "needs a function name pattern such as \"vfs_*\" or \"ip_rcv@net/ipv4/ip_input.c\"");
		return;
	}
	inl = inline_suffix(d, c, 2, n, &bad);
	if (!inl && !bad && n > 2 && !strcmp(c[2].name, "exported")) {
		/* only the functions exported to modules, entries only (as stap) */
		exported = true;
		if (c[2].arg || n > 3) {
			arg_error(d, c[2].arg ? &c[2] : &c[3], c[2].arg ? "takes no argument" :
				  "is not valid here");
			return;
		}
		ret = false;
		maxactive = 0;
	} else if (bad || (!inl && !ret_suffix(d, c, 2, n, true, true, &ret, &maxactive))) {
		return;
	}
	if (!(di = point_di(d, c, &prefix)))
		return;
	debuginfo_match(s, di, name, file, lo, hi, &found);
	if (exported) {
		int kept = 0;

		for (int k = 0; k < found.n; k++)
			if (debuginfo_exported(s, di, ((struct dfunc *)found.v[k])->name))
				found.v[kept++] = found.v[k];
		if (!kept && found.n && !d->quiet && !d->optional) {
			diag_error(s, c[1].loc, DIAG_SEM_NOT_EXPORTED, spec);
			d->reported = true;
			return;
		}
		found.n = kept;
	}
	if (inl) {
		kernel_inlines(d, di, prefix, &found, c, out);
		if (out->n == before && !d->quiet && !d->optional)
			diag_error(s, c[1].loc, DIAG_SEM_NO_INLINE, spec);
		return;
	}
	for (int k = 0; k < found.n; k++) {
		struct dfunc *f = found.v[k];
		const char *point;
		bool dup = false;

		if (kernel_why_not(f)) {
			/* the reason of an out-of-line copy says more than "inlined" */
			if (!refused || (!(refused->flags & DF_CODE) && (f->flags & DF_CODE)))
				refused = f;
			continue;
		}
		/* one probe per address: a function indexed twice is one point */
		for (int j = 0; j < k && !dup; j++) {
			struct dfunc *g = found.v[j];

			dup = g->addr == f->addr && !kernel_why_not(g);
		}
		if (dup)
			continue;
		usable++;
		point = arena_strfmt(&s->arena, "%s.function(\"%s@%s:%d\")%s", prefix, f->name,
				     f->file, f->line, ret ? ".return" : exported ? ".exported" : "");
		if (maxactive)
			point = arena_strfmt(&s->arena, "%s.maxactive(%" PRId64 ")", point, maxactive);
		push_kprobe(d, di, f, f->addr, ret, maxactive, point, c, out);
	}
	if (usable || d->quiet || d->optional)
		return;
	if (refused) {
		diag_error(s, c[1].loc, DIAG_SEM_FUNCTION_UNPROBEABLE, refused->name,
			   kernel_why_not(refused));
	} else if (strpbrk(name, "*?[") || file) {
		diag_error(s, c[1].loc, DIAG_SEM_NO_MATCH, spec);
	} else {
		/* a near miss among the kernel's function names */
		struct vec cands = {0};

		for (size_t k = 0; k < di->nfuncs; k++)
			if (di->funcs[k].flags & DF_CODE)
				vec_push(&s->arena, &cands, (void *)di->funcs[k].name);
		const char *sug = elab_suggest(name, (const char **)cands.v, cands.n);

		diag_error(s, c[1].loc, DIAG_SEM_NO_SUCH_FUNCTION, name);
		if (sug)
			diag_hint(s, DIAG_HINT_DID_YOU_MEAN, sug);
	}
}

/* {=== process("PATH"): user space ===} */

static bool is_executable_file(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISREG(st.st_mode) && access(p, X_OK) == 0;
}

/* the absolute, symlink-free path of an executable, as a shell finds it */
static const char *find_executable(struct session *s, const char *name)
{
	char buf[PATH_MAX];
	const char *path = getenv("PATH");

	if (strchr(name, '/'))
		return realpath(name, buf) && is_executable_file(buf) ? arena_strdup(&s->arena, buf) : NULL;
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin";
	for (char *list = arena_strdup(&s->arena, path), *save = NULL,
	     *dir = strtok_r(list, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		const char *f = arena_strfmt(&s->arena, "%s/%s", *dir ? dir : ".", name);

		if (is_executable_file(f) && realpath(f, buf))
			return arena_strdup(&s->arena, buf);
	}
	return NULL;
}

/* a shared library by path, or by name in LD_LIBRARY_PATH and the system directories */
const char *probes_find_library(struct session *s, const char *name)
{
	char buf[PATH_MAX];
	const char *env = getenv("LD_LIBRARY_PATH");
	const char *dirs = arena_strfmt(&s->arena, "%s%s/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu:"
					"/lib64:/usr/lib64:/lib:/usr/lib:/usr/local/lib",
					env ? env : "", env && *env ? ":" : "");
	struct stat st;

	if (strchr(name, '/'))
		return realpath(name, buf) && stat(buf, &st) == 0 && S_ISREG(st.st_mode) ?
		       arena_strdup(&s->arena, buf) : NULL;
	for (char *list = arena_strdup(&s->arena, dirs), *save = NULL,
	     *dir = strtok_r(list, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		const char *f = arena_strfmt(&s->arena, "%s/%s", dir, name);

		if (stat(f, &st) == 0 && S_ISREG(st.st_mode) && realpath(f, buf))
			return arena_strdup(&s->arena, buf);
	}
	return NULL;
}

/* the first word of -c, or the executable of -x's process */
const char *probes_target_executable(struct session *s)
{
	char buf[PATH_MAX];
	ssize_t n;

	if (s->target_pid < 0 && !s->cmd)
		return NULL;
	if (s->cmd) {
		size_t len = strcspn(s->cmd, " \t");

		return find_executable(s, arena_strndup(&s->arena, s->cmd, len));
	}
	n = readlink(arena_strfmt(&s->arena, "/proc/%ld/exe", s->target_pid), buf, sizeof(buf) - 1);
	if (n <= 0)
		return NULL;
	buf[n] = 0;
	return arena_strdup(&s->arena, buf);
}

struct upoint {
	struct debuginfo *di;
	const char *prefix;	/* process("/bin/x") or process("/bin/x").library("/lib/y") */
	bool target_only;
	int next;		/* the component after process(...)[.library(...)] */
};

/* process[("PATH")][.library("LIB")]: the file probed; false after an error */
static bool user_file(struct derive *d, const struct ppcomp *c, int n, struct upoint *u)
{
	struct session *s = d->s;
	const char *exe, *arg = c[0].arg && c[0].arg->kind == E_STR ? c[0].arg->str : NULL;

	if (c[0].arg && (!arg || !*arg)) {
		arg_error(d, &c[0], "needs the path or name of an executable");
		return false;
	}
	if (!arg) {
		/* process.function(...): the -c command or the -x process, and only it */
		if (!s->cmd && s->target_pid < 0) {
			if (!d->quiet)
				diag_error(s, c[0].loc, DIAG_SEM_PROCESS_NO_TARGET);
			d->reported = true;
			return false;
		}
		u->target_only = true;
		exe = probes_target_executable(s);
		arg = s->cmd ? s->cmd : "-x";
	} else {
		exe = find_executable(s, arg);
	}
	if (!exe) {
		if (!d->quiet)
			diag_error(s, c[0].loc, DIAG_SEM_NO_EXECUTABLE, arg);
		d->reported = true;
		return false;
	}
	u->prefix = arena_strfmt(&s->arena, "process(\"%s\")", exe);
	u->next = 1;
	if (n > 1 && !strcmp(c[1].name, "library")) {
		const char *lib = c[1].arg && c[1].arg->kind == E_STR ? c[1].arg->str : NULL;

		if (!lib || !*lib || strpbrk(lib, "*?[")) {
			arg_error(d, &c[1], "needs the path or name of a shared library, without wildcards");
			return false;
		}
		if (!(exe = probes_find_library(s, lib))) {
			if (!d->quiet)
				diag_error(s, c[1].loc, DIAG_SEM_NO_LIBRARY, lib);
			d->reported = true;
			return false;
		}
		u->prefix = arena_strfmt(&s->arena, "%s.library(\"%s\")", u->prefix, exe);
		u->next = 2;
	}
	if (u->next >= n) {
		arg_error(d, &c[u->next - 1], "needs a probe point after it, such as .function(\"main\")");
		return false;
	}
	if (!(u->di = debuginfo_user(s, exe, c[u->next - 1].loc))) {
		d->reported = true;
		return false;
	}
	return true;
}

static uint64_t user_entry(const struct upoint *u, struct dfunc *f, bool ret);

static struct dprobe *push_uprobe(struct derive *d, const struct upoint *u, struct dfunc *f,
				  uint64_t addr, bool ret, const char *point, const struct ppcomp *c,
				  struct vec *out)
{
	struct session *s = d->s;
	struct dprobe *dp = arena_calloc(&s->arena, 1, sizeof(*dp));
	struct partial *pa = arena_calloc(&s->arena, 1, sizeof(*pa));
	int64_t off = debuginfo_file_offset(u->di, addr);

	if (off < 0) {
		if (!d->quiet)
			diag_error(s, c[0].loc, DIAG_SEM_USER_ADDR,
				   arena_strfmt(&s->arena, "0x%" PRIx64, addr), u->di->path);
		d->reported = true;
		return NULL;
	}
	dp->loc = c[0].loc;
	dp->family = PF_UPROBE;
	dp->di = u->di;
	dp->func = f;
	dp->ret = ret;
	dp->pc = addr;
	dp->addr = (uint64_t)off;	/* in the file */
	dp->target_only = u->target_only;
	if (ret && f) {
		/* where @entry values would be taken, and the entry's sp from there: CFA - 8 */
		dp->entry_pc = user_entry(u, f, false);
		dp->entry_offset = (uint64_t)debuginfo_file_offset(u->di, dp->entry_pc);
		dp->entry_reg = 7;	/* sp */
		dp->entry_off = 0;
		if (dp->entry_pc != f->addr && debuginfo_cfa(u->di, dp->entry_pc, &dp->entry_reg,
							    &dp->entry_off))
			dp->entry_off -= 8;
		else
			dp->entry_pc = f->addr, dp->entry_offset = (uint64_t)off;
	}
	dp->point = point;
	dp->matched = point;
	pa->dp = dp;
	vec_push(&s->arena, out, pa);
	if (s->verbose && !d->quiet)
		fprintf(stderr, "Pass 2: %s: %s at %s offset 0x%" PRIx64 " (%s%s+0x%" PRIx64 ")\n",
			point, ret ? "uretprobe" : "uprobe", u->di->path, (uint64_t)off,
			f && (!f->addr || addr < f->addr) ? "inlined " : "", f ? f->name : "?",
			f && f->addr && addr >= f->addr ? addr - f->addr : 0);
	return dp;
}

/* where a .function probe stops: past the prologue of unoptimized code (its frame is set up) */
static uint64_t user_entry(const struct upoint *u, struct dfunc *f, bool ret)
{
	if (ret || !debuginfo_unoptimized(u->di, f))
		return f->addr;
	return debuginfo_prologue_end(u->di, f);
}

/*
 * a user function's point: process(...).function("NAME@FILE:LINE") (just
 * NAME without DWARF), then suffix
 */
static const char *user_func_point(struct session *s, const struct upoint *u, const struct dfunc *f,
				   const char *suffix)
{
	if (*f->file)
		return arena_strfmt(&s->arena, "%s.function(\"%s@%s:%d\")%s", u->prefix, f->name,
				    f->file, f->line, suffix);
	return arena_strfmt(&s->arena, "%s.function(\"%s\")%s", u->prefix, f->name, suffix);
}

/* process("PATH")[.library("LIB")].function("PATTERN")[.call|.return|.inline] */
static void user_function(struct derive *d, const struct ppcomp *c, int n, struct upoint *u,
			  struct vec *out)
{
	struct session *s = d->s;
	const struct ppcomp *fc = &c[u->next];
	const char *spec = fc->arg && fc->arg->kind == E_STR ? fc->arg->str : NULL;
	const char *name, *file;
	int lo, hi, before = out->n;
	bool ret = false, inl, bad;
	int64_t maxactive;
	struct vec found = {0};

	if (!spec || !split_spec(d, fc, spec, &name, &file, &lo, &hi)) {
		arg_error(d, fc, "needs a function name pattern such as \"main\" or \"read_*@src/io.c\"");
		return;
	}
	inl = inline_suffix(d, c, u->next + 1, n, &bad);
	if (bad || (!inl && !ret_suffix(d, c, u->next + 1, n, true, false, &ret, &maxactive)))
		return;
	debuginfo_match(s, u->di, name, file, lo, hi, &found);
	for (int k = 0; k < found.n && inl; k++) {
		struct dfunc *f = found.v[k];
		struct vec inst = {0};

		if (f->flags & DF_INLINED)
			debuginfo_inlines(s, u->di, f, &inst);
		for (int i = 0; i < inst.n; i++) {
			struct dinline *in = inst.v[i];
			struct dprobe *dp = push_uprobe(d, u, f, in->pc, false,
							user_func_point(s, u, f, ".inline"), c, out);

			if (dp) {
				dp->scope_die = in->die;
				dp->host = debuginfo_func_at(s, u->di, in->pc);
			}
		}
	}
	for (int k = 0; k < found.n && !inl; k++) {
		struct dfunc *f = found.v[k];
		bool dup = false;

		if (!(f->flags & DF_CODE))
			continue;
		for (int j = 0; j < k && !dup; j++)
			dup = ((struct dfunc *)found.v[j])->addr == f->addr;
		if (dup)
			continue;
		push_uprobe(d, u, f, user_entry(u, f, ret), ret,
			    user_func_point(s, u, f, ret ? ".return" : ""), c, out);
	}
	if (out->n == before && !d->quiet && !d->optional && !d->reported) {
		struct vec cands = {0};
		const char *sug;

		if (inl)
			diag_error(s, fc->loc, DIAG_SEM_NO_INLINE, spec);
		else
			diag_error(s, fc->loc, DIAG_SEM_USER_NO_MATCH, spec, u->di->path);
		d->reported = true;
		if (inl)
			return;
		for (size_t k = 0; k < u->di->nfuncs && !strpbrk(name, "*?["); k++)
			if (u->di->funcs[k].flags & DF_CODE)
				vec_push(&s->arena, &cands, (void *)u->di->funcs[k].name);
		if ((sug = elab_suggest(name, (const char **)cands.v, cands.n)))
			diag_hint(s, DIAG_HINT_DID_YOU_MEAN, sug);
	}
}

/* process("PATH").statement("FUNC@FILE:LINE" | "FUNC@FILE+N") or .statement(ADDR) */
static void user_statement(struct derive *d, const struct ppcomp *c, int n, struct upoint *u,
			   struct vec *out)
{
	struct session *s = d->s;
	const struct ppcomp *sc = &c[u->next];
	const char *spec = sc->arg && sc->arg->kind == E_STR ? sc->arg->str : NULL;
	const char *name, *file;
	int lo = 0, hi = 0, rel = -1, before = out->n;
	struct vec found = {0};

	if (n > u->next + 1) {
		arg_error(d, &c[u->next + 1], "is not valid here");
		return;
	}
	if (is_num(sc)) {	/* a link-time address in the file, as objdump shows it */
		uint64_t a = (uint64_t)sc->arg->num;
		struct dfunc *f = debuginfo_func_at(s, u->di, a);

		push_uprobe(d, u, f, a, false, arena_strfmt(&s->arena, "%s.statement(0x%" PRIx64 ")",
							    u->prefix, a), c, out);
		return;
	}
	if (!stmt_spec(d, sc, spec, "needs \"FUNCTION@FILE:LINE\" or an address", &name, &file, &lo,
		       &hi, &rel))
		return;
	debuginfo_match(s, u->di, name, file, 0, 0, &found);
	for (int k = 0; k < found.n; k++) {
		struct dfunc *f = found.v[k];
		struct vec lines = {0};

		if (!(f->flags & DF_CODE) || !f->die)
			continue;
		if (rel >= 0)
			lo = hi = f->line + rel;
		debuginfo_lines(s, u->di, f, lo, hi, &lines);
		for (int i = 0; i < lines.n; i++) {
			struct dline *l = lines.v[i];

			push_uprobe(d, u, f, l->addr, false,
				    arena_strfmt(&s->arena, "%s.statement(\"%s@%s:%d\")", u->prefix,
						 f->name, f->file, l->line), c, out);
		}
	}
	if (out->n == before && !d->quiet && !d->optional && !d->reported) {
		diag_error(s, sc->loc, DIAG_SEM_USER_NO_STATEMENT, spec, u->di->path);
		d->reported = true;
	}
}

/* the string argument of component c, or NULL after reporting that it needs one */
static const char *str_arg(struct derive *d, const struct ppcomp *c, const char *what)
{
	if (c->arg && c->arg->kind == E_STR && *c->arg->str)
		return c->arg->str;
	arg_error(d, c, what);
	return NULL;
}

/* process("PATH")[.library("LIB")][.provider("PROV")].mark("NAME"): SDT markers */
static void user_mark(struct derive *d, const struct ppcomp *c, int n, struct upoint *u,
		      struct vec *out)
{
	struct session *s = d->s;
	const char *prov = "*", *name, *shown = u->prefix;
	int i = u->next, before = out->n;
	const struct vec *marks;
	struct vec names = {0};

	if (!strcmp(c[i].name, "provider")) {
		if (!(prov = str_arg(d, &c[i], "needs a provider name pattern such as \"demo\"")))
			return;
		shown = arena_strfmt(&s->arena, "%s.provider(\"%s\")", shown, prov);
		if (++i >= n || strcmp(c[i].name, "mark")) {
			arg_error(d, &c[i - 1], "needs .mark(\"NAME\") after it");
			return;
		}
	}
	if (!(name = str_arg(d, &c[i], "needs a marker name pattern such as \"request__start\"")))
		return;
	if (i + 1 < n) {
		arg_error(d, &c[i + 1], "is not valid here");
		return;
	}
	if (!(marks = sdt_marks(s, u->di))) {
		if (!d->quiet && !d->optional)
			diag_error(s, c[i].loc, DIAG_SEM_SDT_NONE, u->di->path);
		d->reported = true;
		return;
	}
	for (int k = 0; k < marks->n; k++) {
		const struct sdt_mark *m = marks->v[k];
		struct dprobe *dp;
		int64_t sem = 0;
		bool dup = false;

		vec_push(&s->arena, &names, (void *)m->name);
		if (!sdt_name_match(s, prov, m->provider) || !sdt_name_match(s, name, m->name))
			continue;
		for (int j = before; j < out->n && !dup; j++)
			dup = ((struct partial *)out->v[j])->dp->pc == m->pc;
		if (dup)
			continue;
		if (m->semaphore && (sem = debuginfo_data_offset(u->di, m->semaphore)) <= 0) {
			if (!d->quiet)
				diag_error(s, c[i].loc, DIAG_SEM_SDT_SEMAPHORE, m->name, u->di->path);
			d->reported = true;
			continue;
		}
		dp = push_uprobe(d, u, NULL, m->pc, false,
				 arena_strfmt(&s->arena, "%s.provider(\"%s\").mark(\"%s\")", u->prefix,
					      m->provider, m->name), c, out);
		if (!dp)
			continue;
		dp->mark = m;
		dp->ref_ctr = (uint64_t)sem;
		/* -l shows the point in the form the script gave, as stap does */
		dp->matched = arena_strfmt(&s->arena, "%s.mark(\"%s\")", shown, m->name);
	}
	if (out->n == before && !d->quiet && !d->optional && !d->reported) {
		const char *sug = strpbrk(name, "*?[") ? NULL :
				  elab_suggest(name, (const char **)names.v, names.n);

		diag_error(s, c[i].loc, DIAG_SEM_SDT_NO_MATCH, name, u->di->path);
		if (sug)
			diag_hint(s, DIAG_HINT_DID_YOU_MEAN, sug);
		d->reported = true;
	}
}

/* process("PATH").plt[("PATTERN")][.return]: the PLT stub of each matching imported function */
static void user_plt(struct derive *d, const struct ppcomp *c, int n, struct upoint *u,
		     struct vec *out)
{
	struct session *s = d->s;
	const struct ppcomp *pc = &c[u->next];
	const char *pat = "*";
	const struct vec *v;
	int before = out->n;
	bool ret;
	int64_t maxactive;

	if (pc->arg) {
		if (pc->arg->kind != E_STR || !*pc->arg->str) {
			arg_error(d, pc, "needs a function name pattern such as \"malloc\" or \"str*\"");
			return;
		}
		pat = pc->arg->str;
	}
	if (!ret_suffix(d, c, u->next + 1, n, false, false, &ret, &maxactive))
		return;
	v = plt_entries(s, u->di);
	for (int i = 0; v && i < v->n; i++) {
		const struct plt_entry *e = v->v[i];
		struct dprobe *dp;

		if (fnmatch(pat, e->name, 0))
			continue;
		dp = push_uprobe(d, u, NULL, e->addr, ret, arena_strfmt(&s->arena, "%s.plt(\"%s\")%s",
				 u->prefix, e->name, ret ? ".return" : ""), c, out);
		if (dp)
			dp->plt = e->name;
	}
	if (out->n == before && !d->quiet && !d->optional && !d->reported) {
		diag_error(s, pc->loc, DIAG_SEM_NO_PLT, pat, u->di->path);
		d->reported = true;
	}
}

/*
 * process[("PATH"|PID)].begin, .end, .thread.begin, .thread.end: a process
 * (or thread) of that executable or pid starts or ends; without either, any
 * process, or the -c/-x target's tree. True when c is one of them (pushed,
 * or its error reported).
 */
static bool user_lifecycle(struct derive *d, const struct ppcomp *c, int n, struct vec *out)
{
	static const char *const names[] = { "begin", "end", "thread.begin", "thread.end" };
	struct session *s = d->s;
	struct dprobe *dp;
	struct partial *pa;
	const char *what;
	int k = 1;

	if (n < 2)
		return false;
	if (n >= 3 && !strcmp(c[1].name, "library") && (!strcmp(c[2].name, "begin") ||
	    !strcmp(c[2].name, "end") || !strcmp(c[2].name, "thread"))) {
		arg_error(d, &c[2], "is not valid after .library(...): a library has no processes");
		return true;
	}
	if (!strcmp(c[1].name, "thread")) {
		if (n < 3 || (strcmp(c[2].name, "begin") && strcmp(c[2].name, "end"))) {
			arg_error(d, n < 3 ? &c[1] : &c[2], n < 3 ? "needs .begin or .end after it" :
				  "is not valid here: process.thread.begin or process.thread.end");
			return true;
		}
		k = 2;
	} else if (strcmp(c[1].name, "begin") && strcmp(c[1].name, "end")) {
		return false;
	}
	if (c[1].arg || c[k].arg) {
		arg_error(d, c[1].arg ? &c[1] : &c[k], "takes no argument");
		return true;
	}
	if (n > k + 1) {
		arg_error(d, &c[k + 1], "is not valid here");
		return true;
	}
	dp = arena_calloc(&s->arena, 1, sizeof(*dp));
	dp->loc = c[0].loc;
	dp->family = PF_UTASK;
	dp->event = (enum utask_event)((k == 2 ? 2 : 0) + (c[k].name[0] == 'e'));
	what = names[dp->event];
	if (is_num(&c[0])) {
		if (c[0].arg->num <= 0 || c[0].arg->num > INT32_MAX) {
			arg_error(d, &c[0], "needs a process ID greater than 0");
			return true;
		}
		dp->pid = c[0].arg->num;
		dp->point = arena_strfmt(&s->arena, "process(%" PRId64 ").%s", dp->pid, what);
	} else if (c[0].arg) {
		const char *arg = c[0].arg->kind == E_STR ? c[0].arg->str : NULL;

		if (!arg || !*arg) {
			arg_error(d, &c[0], "needs the path or name of an executable, or a process ID");
			return true;
		}
		if (!(dp->exe = find_executable(s, arg))) {
			if (!d->quiet)
				diag_error(s, c[0].loc, DIAG_SEM_NO_EXECUTABLE, arg);
			d->reported = true;
			return true;
		}
		dp->point = arena_strfmt(&s->arena, "process(\"%s\").%s", dp->exe, what);
	} else {
		/* any process; with -c or -x, the target and its descendants */
		dp->target_only = s->cmd || s->target_pid >= 0;
		dp->point = arena_strfmt(&s->arena, "process.%s", what);
	}
	dp->matched = dp->point;
	pa = arena_calloc(&s->arena, 1, sizeof(*pa));
	pa->dp = dp;
	vec_push(&s->arena, out, pa);
	return true;
}

static void user_point(struct derive *d, const struct ppcomp *c, int n, struct vec *out)
{
	struct upoint u = {0};

	if (user_lifecycle(d, c, n, out))
		return;
	if (!user_file(d, c, n, &u))
		return;
	if (!strcmp(c[u.next].name, "function")) {
		user_function(d, c, n, &u, out);
	} else if (!strcmp(c[u.next].name, "statement")) {
		user_statement(d, c, n, &u, out);
	} else if (!strcmp(c[u.next].name, "plt")) {
		user_plt(d, c, n, &u, out);
	} else if (!strcmp(c[u.next].name, "mark") || !strcmp(c[u.next].name, "provider")) {
		user_mark(d, c, n, &u, out);
	} else {
		d->unsupported = true;
		d->unsupported_name = arena_strfmt(&d->s->arena, "process.%s", c[u.next].name);
	}
}

/* {=== aliases ===} */

/* does alias name `name` match the start of point c? returns its length or -1 */
static int alias_match(const struct probe_point *name, const struct ppcomp *c, int n)
{
	if (name->ncomps > n)
		return -1;
	for (int i = 0; i < name->ncomps; i++) {
		const struct ppcomp *a = &name->comps[i];

		if (!a->name || fnmatch(c[i].name, a->name, 0))
			return -1;
		if (!!a->arg != !!c[i].arg)
			return -1;
		if (a->arg && (a->arg->kind != c[i].arg->kind ||
			       (a->arg->kind == E_NUM && a->arg->num != c[i].arg->num) ||
			       (a->arg->kind == E_STR && strcmp(a->arg->str, c[i].arg->str))))
			return -1;
	}
	return name->ncomps;
}

static void resolve(struct derive *d, const struct ppcomp *c, int n, struct vec *out);

static void through_alias(struct derive *d, struct probe *a, int len,
			  const struct ppcomp *c, int n, struct vec *out)
{
	struct session *s = d->s;
	const char *matched = NULL;

	for (int i = 0; i < d->depth; i++) {
		if (d->stack[i] == a) {
			if (!d->quiet)
				diag_error(s, a->loc, DIAG_SEM_ALIAS_RECURSION,
					   point_text(s, c, len));
			return;
		}
	}
	if (d->depth == ALIAS_DEPTH)
		return;
	d->stack[d->depth++] = a;
	/* the alias's own name with the user's suffix, for -l */
	{
		struct ppcomp *m = arena_alloc(&s->arena, sizeof(*m) * (size_t)n);
		struct probe_point *name = NULL;

		for (int k = 0; k < a->npoints && !name; k++)
			if (alias_match(a->points[k], c, n) == len)
				name = a->points[k];
		for (int i = 0; i < n; i++)
			m[i] = i < len && name ? name->comps[i] : c[i];
		matched = point_text(s, m, n);
	}
	for (int t = 0; t < a->ntargets; t++) {
		struct vec plains = {0};
		struct probe_point *tp = a->targets[t];

		expand_braces(s, tp->comps, tp->ncomps, NULL, 0, &plains);
		for (int k = 0; k < plains.n; k++) {
			struct plain *p = plains.v[k];
			int m = p->n + (n - len);
			struct ppcomp *full = arena_alloc(&s->arena, sizeof(*full) * (size_t)m);
			struct vec got = {0};

			if (p->n)
				memcpy(full, p->c, sizeof(*full) * (size_t)p->n);
			if (n > len)
				memcpy(full + p->n, c + len, sizeof(*full) * (size_t)(n - len));
			resolve(d, full, m, &got);
			for (int g = 0; g < got.n; g++) {
				struct partial *pa = got.v[g];
				struct vec post = {0};

				if (!a->epilogue)
					vec_push(&s->arena, &pa->pre, a->body);
				if (a->epilogue)
					vec_push(&s->arena, &post, a->body);
				else if (a->epi_body)
					vec_push(&s->arena, &post, a->epi_body);
				for (int i = 0; i < pa->post.n; i++)
					vec_push(&s->arena, &post, pa->post.v[i]);
				pa->post = post;
				if (tp->cond)
					vec_push(&s->arena, &pa->conds, tp->cond);
				pa->dp->matched = matched;
				vec_push(&s->arena, out, pa);
			}
			if (!got.n && !tp->optional)
				continue;
		}
	}
	d->depth--;
}

static void resolve(struct derive *d, const struct ppcomp *c, int n, struct vec *out)
{
	struct session *s = d->s;
	struct program *prog = s->program;
	bool known;
	struct dprobe *dp;
	int before = out->n;

	elab_load_aliases(s, point_text(s, c, n));
	for (int i = 0; i < prog->aliases.n; i++) {
		struct probe *a = prog->aliases.v[i];

		for (int k = 0; k < a->npoints; k++) {
			int len = alias_match(a->points[k], c, n);

			if (len > 0) {
				through_alias(d, a, len, c, n, out);
				break;
			}
		}
	}
	if (out->n > before)
		return;
	if ((!strcmp(c[0].name, "kernel") || !strcmp(c[0].name, "module")) && n >= 2 &&
	    !strcmp(c[1].name, "function")) {
		kernel_function(d, c, n, out);
		return;
	}
	if ((!strcmp(c[0].name, "kernel") || !strcmp(c[0].name, "module")) && n >= 2 &&
	    !strcmp(c[1].name, "statement")) {
		kernel_statement(d, c, n, out);
		return;
	}
	if (!strcmp(c[0].name, "process")) {
		user_point(d, c, n, out);
		return;
	}
	dp = builtin(d, c, n, &known);
	if (dp) {
		struct partial *pa = arena_calloc(&s->arena, 1, sizeof(*pa));

		dp->point = point_text(s, c, n);
		dp->matched = dp->point;
		pa->dp = dp;
		vec_push(&s->arena, out, pa);
	}
}

/* {=== user probes ===} */

static const char *suggest_point(struct session *s, const char *name)
{
	struct vec cands = {0};

	for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++)
		vec_push(&s->arena, &cands, (void *)families[i]);
	for (int i = 0; i < s->program->aliases.n; i++) {
		struct probe *a = s->program->aliases.v[i];

		for (int k = 0; k < a->npoints; k++)
			vec_push(&s->arena, &cands,
				 (void *)point_text(s, a->points[k]->comps, a->points[k]->ncomps));
	}
	tapset_names(s, LIB_ALIAS, &cands);
	return elab_suggest(name, (const char **)cands.v, cands.n);
}

static struct stmt *block_of(struct session *s, struct loc loc, struct vec *stmts)
{
	struct stmt *b = ast_stmt(&s->arena, S_BLOCK, loc);

	b->body = (struct stmt **)stmts->v;
	b->nbody = stmts->n;
	return b;
}

static void derive_point(struct derive *d, struct probe *user, struct probe_point *pp,
			 struct vec *out)
{
	struct session *s = d->s;
	struct vec plains = {0};

	expand_braces(s, pp->comps, pp->ncomps, NULL, 0, &plains);
	for (int k = 0; k < plains.n; k++) {
		struct plain *p = plains.v[k];
		struct vec got = {0};
		int errs = s->nerrors;

		d->unsupported = false;
		d->optional = pp->optional;
		d->reported = false;
		resolve(d, p->c, p->n, &got);
		if (!got.n && !pp->optional && s->nerrors == errs && !d->quiet && !d->reported) {
			const char *text = point_text(s, p->c, p->n);

			if (d->unsupported) {
				diag_error(s, pp->loc, DIAG_SEM_PROBE_UNSUPPORTED, d->unsupported_name);
				diag_hint(s, DIAG_HINT_SUPPORTED_FAMILIES);
			} else {
				const char *sug = suggest_point(s, text);

				diag_error(s, pp->loc, DIAG_SEM_PROBE_UNKNOWN, text);
				if (sug)
					diag_hint(s, DIAG_HINT_DID_YOU_MEAN, sug);
			}
		}
		for (int g = 0; g < got.n; g++) {
			struct partial *pa = got.v[g];
			struct dprobe *dp = pa->dp;
			struct vec stmts = {0};

			dp->orig = d->orig;
			dp->in_alias_body = pa->pre.n || pa->post.n;
			dp->src = user;
			dp->loc = pp->loc;
			for (int i = pa->pre.n - 1; i >= 0; i--)
				vec_push(&s->arena, &stmts, ast_clone_stmt(&s->arena, pa->pre.v[i]));
			vec_push(&s->arena, &stmts, ast_clone_stmt(&s->arena, user->body));
			for (int i = 0; i < pa->post.n; i++)
				vec_push(&s->arena, &stmts, ast_clone_stmt(&s->arena, pa->post.v[i]));
			dp->body = stmts.n == 1 ? stmts.v[0] : block_of(s, user->body->loc, &stmts);
			if (pp->cond)
				vec_push(&s->arena, &pa->conds, pp->cond);
			for (int i = 0; i < pa->conds.n; i++) {
				struct expr *c = ast_clone_expr(&s->arena, pa->conds.v[i]);

				if (dp->cond) {
					struct expr *and = ast_expr(&s->arena, E_LOGICAL, c->loc);

					and->op = OP_LAND;
					and->a = dp->cond;
					and->b = c;
					c = and;
				}
				dp->cond = c;
			}
			vec_push(&s->arena, out, dp);
		}
	}
}

void probes_derive(struct session *s, struct probe *user)
{
	struct derive d = { .s = s, .prog = s->program, .quiet = s->program->listing };
	struct strbuf sb = STRBUF_INIT;

	for (int i = 0; i < user->npoints; i++) {
		struct probe_point bare = *user->points[i];

		bare.cond = NULL;
		if (i)
			sb_putc(&sb, ',');
		pretty_probe_point(&sb, &bare);
	}
	d.orig = arena_strdup(&s->arena, sb.buf);
	sb_release(&sb);

	for (int i = 0; i < user->npoints; i++) {
		struct probe_point *pp = user->points[i];
		int before = s->program->probes.n;

		derive_point(&d, user, pp, &s->program->probes);
		if (pp->sufficient && s->program->probes.n > before)
			break;
	}
}

