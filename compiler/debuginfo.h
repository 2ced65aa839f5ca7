// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * debuginfo.h - the target kernel's debug information: where vmlinux is,
 * and an index of its functions built once per kernel (cached) so that
 * resolving kernel.function("vfs_*") never walks all of the DWARF again
 */
#ifndef SONDE_DEBUGINFO_H
#define SONDE_DEBUGINFO_H

#include <stdbool.h>
#include <stdint.h>

#include "session.h"

enum {
	DF_CODE = 1,		/* has an out-of-line body at addr */
	DF_INLINED = 2,		/* has inlined instances */
	DF_EXTERNAL = 4,	/* not static */
	DF_SYM_UNIQUE = 8,	/* symbol names one address in the kernel */
	DF_INIT = 16,		/* in .init.text: gone after boot */
	DF_NOKPROBE = 32,	/* in a section or list kprobes refuse */
	DF_FTRACE = 64,		/* its entry is an ftrace site (__mcount_loc) */
	DF_TYPE = 128,		/* not a function: a struct or union definition */
};

struct dfunc {
	const char *name;
	const char *symbol;	/* the ELF symbol at addr ("foo.isra.0"), NULL if none */
	uint64_t addr;		/* link-time entry address, 0 without DF_CODE */
	uint64_t die;		/* offset of its DW_TAG_subprogram in .debug_info */
	const char *file;	/* declaring file, relative to the build directory */
	int line;		/* declaring line */
	unsigned flags;		/* DF_* */
};

struct dtype {
	const char *name;	/* "struct sk_buff", "union bpf_attr" */
	uint64_t die;
};

struct debuginfo {
	const char *module;	/* NULL for the kernel, else the module's name */
	const char *path;	/* vmlinux with DWARF, or the module's .ko */
	const char *build_id;	/* hex */
	const char *release;	/* from its banner */
	uint64_t anchor;	/* link-time address of init_task (exported): KASLR */
	struct dfunc *funcs;	/* sorted by name, then address */
	struct vec types;	/* struct dtype *, sorted by name */
	size_t nfuncs;
	struct dfunc **byaddr;	/* the functions with code by address, once asked (debuginfo_func_at) */
	size_t nbyaddr;
	void *dw;		/* Dwarf * */
	void *elf;		/* Elf * */
	void *dwfl;		/* Dwfl *, for a module (its relocations applied) */
	void *mod;		/* Dwfl_Module *, for a module or a user file */
	int fd;
	/* a user executable or library (process("PATH")): module is its path */
	bool user;
	bool pie;		/* ET_DYN: loaded at a bias, relocated at run time */
	struct useg *segs;	/* its PT_LOAD segments, for file offsets */
	int nsegs;
	void *sdt;		/* sdt.c's markers (struct vec *), once read */
	void *plt;		/* plt.c's stubs (struct vec *), once read */
	const char **exports;	/* names with an EXPORT_SYMBOL, sorted, once asked */
	size_t nexports;
};

struct useg {
	uint64_t vaddr, memsz, filesz, offset;
	bool exec;		/* code (PF_X) */
};

/*
 * The target kernel's debug information, loaded once per session; NULL
 * after reporting at loc why there is none (and which package has it).
 */
struct debuginfo *debuginfo_kernel(struct session *s, struct loc loc);

/*
 * Functions matching a name pattern (fnmatch) and, when file is not NULL,
 * a file pattern (the whole relative path or a trailing part of it), and
 * when line_lo > 0, a declaring line in [line_lo, line_hi].
 */
void debuginfo_match(struct session *s, struct debuginfo *di, const char *name,
		     const char *file, int line_lo, int line_hi, struct vec *out);

/* the DIE offset of the definition of "struct NAME" / "union NAME", 0 if none */
uint64_t debuginfo_type(struct debuginfo *di, const char *name);

struct dline {
	int line;
	uint64_t addr;		/* where (one block of) that line's code begins */
};

/*
 * The lines in [lo, hi] of function f's file that have code inside f's
 * out-of-line body, one entry per block of code a line begins, by line.
 */
void debuginfo_lines(struct session *s, struct debuginfo *di, const struct dfunc *f, int lo,
		     int hi, struct vec *out);

/*
 * A module's debug information: NAME is a module name (its .ko is looked
 * up like vmlinux, and in the -dbg package's module tree) or a path to a
 * .ko. Functions are indexed in memory each run (a module is small).
 * Loaded once per session; NULL after reporting at loc.
 */
struct debuginfo *debuginfo_module(struct session *s, const char *name, struct loc loc);

/*
 * A user executable or shared library (an absolute path), with its DWARF
 * where there is some (in the file, or a separate file found by build-id
 * or .gnu_debuglink under /usr/lib/debug); its functions come from the
 * DWARF and from the symbol table. Loaded once per session; NULL after
 * reporting at loc.
 */
struct debuginfo *debuginfo_user(struct session *s, const char *path, struct loc loc);

/* the offset in the file of link-time address addr, -1 if no code segment maps it */
int64_t debuginfo_file_offset(const struct debuginfo *di, uint64_t addr);

/*
 * The same for data: any loaded segment's bytes that come from the file
 * (an SDT semaphore in .probes), -1 if none maps addr
 */
int64_t debuginfo_data_offset(const struct debuginfo *di, uint64_t addr);

/*
 * Where function f's prologue ends: the start of its second line in the
 * line table, or f->addr when the line table does not say. For code built
 * without optimization, whose parameters live in the frame only once the
 * prologue has stored them.
 */
uint64_t debuginfo_prologue_end(struct debuginfo *di, const struct dfunc *f);

/*
 * The canonical frame address at pc as DWARF register *reg plus *off,
 * from .debug_frame or .eh_frame; false if unknown or not that simple
 */
bool debuginfo_cfa(struct debuginfo *di, uint64_t pc, int *reg, int64_t *off);

/* the function with code whose entry is the nearest at or below addr, NULL if none */
struct dfunc *debuginfo_func_at(struct session *s, struct debuginfo *di, uint64_t addr);

/* an inlined instance of a function: where its code starts, and its DIE */
struct dinline {
	uint64_t pc;
	uint64_t die;		/* DW_TAG_inlined_subroutine, the scope of its variables */
};

/* the inlined instances of f (struct dinline *, one per address) appended to out */
void debuginfo_inlines(struct session *s, struct debuginfo *di, const struct dfunc *f,
		       struct vec *out);

/* does function f keep its parameters in frame slots (no location lists)? */
bool debuginfo_unoptimized(struct debuginfo *di, const struct dfunc *f);

/* the link-time address of the kernel symbol name (a variable), 0 if none */
uint64_t debuginfo_symbol(struct debuginfo *di, const char *name);

/*
 * Is name exported to modules (EXPORT_SYMBOL*: the file has a
 * __ksymtab_NAME symbol)? For .exported points
 */
bool debuginfo_exported(struct session *s, struct debuginfo *di, const char *name);

/* release libdw's and libelf's state (session_free) */
void debuginfo_close(struct debuginfo *di);

/* the open libdw handle (Dwarf *), NULL if vmlinux cannot be read */
void *debuginfo_dwarf(struct session *s, struct debuginfo *di);

#endif
