// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * elaborate.h - pass 2 internals shared by elaborate.c (symbols and the
 * library), probes.c (probe points and aliases) and types.c (inference)
 */
#ifndef SONDE_ELABORATE_H
#define SONDE_ELABORATE_H

#include "ast.h"
#include "session.h"

#define MAX_KEYS 9

enum sym_kind { SYM_GLOBAL, SYM_LOCAL, SYM_PARAM };

struct sdt_mark;

struct symbol {
	const char *name;
	enum sym_kind kind;
	int index;		/* globals: position in program.globals */
	struct loc decl;	/* declaration, or first use of a local */
	enum type type;		/* scalar type, or an array's value type */
	struct loc type_loc;	/* where the type was first fixed */
	int arity;		/* -1 unknown, 0 scalar, n > 0 array of n keys */
	struct loc arity_loc;
	enum type keys[MAX_KEYS];
	struct global *global;
	bool read, written, tapset;
	bool rvalue;		/* read other than by ++, += and the like */
	int hist;		/* 0, or 1 + HIST_* once a histogram reads it */
	struct loc hist_loc;
	bool dropped;
};

enum family {
	PF_BEGIN, PF_END, PF_ERROR, PF_NEVER, PF_TIMER, PF_PROFILE, PF_KPROBE, PF_UPROBE,
	PF_UTASK,	/* process.begin/.end/.thread.begin/.thread.end */
};

/* the events of PF_UTASK, as runtime/utask.h numbers them */
enum utask_event { UT_BEGIN, UT_END, UT_THREAD_BEGIN, UT_THREAD_END };

enum timer_unit { TU_S, TU_MS, TU_US, TU_NS, TU_HZ, TU_JIFFIES };

/* a probe after aliases are expanded: one handler at one point */
struct dprobe {
	const char *point;	/* canonical, e.g. "timer.ms(100).randomize(5)" */
	const char *orig;	/* as the script wrote it */
	const char *matched;	/* the name it matched: alias name or point, for -l */
	struct loc loc;
	enum family family;
	int64_t seq;		/* begin/end/error order */
	int64_t interval;	/* timer */
	enum timer_unit unit;
	int64_t randomize;
	const char *symbol;	/* kprobe.function("symbol"), the ELF symbol of a DWARF point */
	int64_t offset;		/* from symbol */
	uint64_t addr;		/* without a usable symbol: the link-time address; uprobe: file offset */
	int64_t stmt_offset;	/* then, how far addr is into func (offset is 0) */
	uint64_t pc;		/* the link-time address probed (DWARF points) */
	uint64_t anchor;	/* the link-time address of init_task, to relocate addr */
	struct dfunc *func;	/* kernel.function: the function in the debuginfo index */
	uint64_t scope_die;	/* .inline: the instance's DIE, where its variables are; else 0 */
	struct dfunc *host;	/* .inline: the function the instance is in (probefunc()), if known */
	struct debuginfo *di;	/* whose: the kernel's or a module's */
	bool ret;		/* .return */
	bool target_only;	/* process.*: only the -c/-x target's process tree */
	/*
	 * A process .return's @entry values are taken where the function's
	 * values are in place (past an unoptimized prologue): that pc, its
	 * file offset, and how to find the stack pointer the function was
	 * entered with there (DWARF register entry_reg + entry_off), which
	 * pairs the entry with its return
	 */
	uint64_t entry_pc, entry_offset;
	int entry_reg;
	int64_t entry_off;
	int64_t maxactive;	/* .maxactive(N), 0 if not given */
	enum utask_event event;	/* process.begin and the like: which */
	const char *exe;	/* their executable (absolute), NULL for any */
	int64_t pid;		/* process(PID).begin and the like, else 0 */
	const struct sdt_mark *mark;	/* process.mark: the SDT marker */
	const char *plt;	/* process.plt: the imported function ($$name) */
	uint64_t ref_ctr;	/* process.mark: its semaphore's file offset, 0 if none */
	struct stmt *body;
	struct expr *cond;
	struct vec locals;	/* struct symbol * */
	struct vec entries;	/* struct expr *: the @entry(...) of a .return probe, by slot */
	struct probe *src;
	bool in_alias_body;
};

struct program {
	struct vec files;	/* struct file_ast * */
	struct vec globals;	/* struct symbol *, declared globals */
	struct vec functions;	/* struct function *, all loaded */
	struct vec used;	/* struct function *, reachable */
	struct vec aliases;	/* struct probe *, alias definitions */
	struct vec probes;	/* struct dprobe * */
	struct vec embeds;	/* struct decl *, top-level %{ %} */
	bool listing;		/* -l/-L: points that match nothing are not errors */
};

/* elaborate.c */
struct symbol *elab_global(struct session *s, const char *name, uint32_t file);
void elab_add_file(struct session *s, struct file_ast *f);
/* Pull library files defining aliases that may match a probe point. */
void elab_load_aliases(struct session *s, const char *point);
/* Edit-distance suggestion among candidates, or NULL. */
const char *elab_suggest(const char *name, const char **cands, int n);

/* probes.c */
void probes_derive(struct session *s, struct probe *user);
/* a shared library by path, or by name as the dynamic linker finds it; NULL if none */
const char *probes_find_library(struct session *s, const char *name);
/* the -c command's executable or the -x process's, absolute; NULL if none */
const char *probes_target_executable(struct session *s);
void probes_list_families(struct session *s, const char *pattern, struct vec *out);

/* types.c */
int types_check(struct session *s);

#endif
