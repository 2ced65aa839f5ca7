// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * session.h - state shared by every pass: options, the arena, the source
 * files and the diagnostics sink
 */
#ifndef SONDE_SESSION_H
#define SONDE_SESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"

/* A span of bytes in one source file; line/column are computed when printing. */
struct loc {
	uint32_t file;
	uint32_t start, end;
};

struct source {
	const char *name;	/* as shown in diagnostics */
	const char *path;	/* on disk, or NULL for -e */
	const char *text;
	uint32_t len;
	uint32_t *lines;	/* byte offset of each line start, built lazily */
	uint32_t nlines;
	bool tapset;		/* library file: embedded C allowed */
};

struct define {
	const char *name, *value;
};

enum diag_code {
#define D(code, fmt) DIAG_##code,
#include "diag_msgs.def"
#undef D
	DIAG__COUNT
};

struct target;
struct program;
struct tapset_lib;

struct session {
	struct arena arena;

	/* options */
	int last_pass;		/* -p */
	int verbose;		/* -v count */
	bool guru;		/* -g */
	bool keep_tmp;		/* -k */
	bool no_warnings;	/* -w */
	bool warnings_fatal;	/* -W */
	bool unoptimized;	/* -u */
	bool no_cache;		/* --disable-cache */
	const char *release;	/* -r */
	const char *module_name;/* -m */
	const char *output;	/* -o */
	const char *cmd;	/* -c */
	struct vec sym_files;	/* const char *: -d PATH, user files to symbolize */
	bool ldd;		/* --ldd: and the libraries they need */
	long target_pid;	/* -x */
	int bufsize_mb;		/* -s */
	const char *list_pattern;	/* -l / -L */
	bool list_vars;			/* -L */
	const char **include_dirs;	/* -I */
	int ninclude_dirs;
	struct define **defines;	/* -D */
	int ndefines;
	const char **args;	/* script arguments $1..$N */
	int nargs;
	const char *tapset_dir;	/* installed library */

	/* sources */
	struct source **sources;
	int nsources;

	/* diagnostics */
	int nerrors, nwarnings;
	bool stop;		/* error cap reached */
	uint32_t last_err_file, last_err_start;
	int last_err_code;

	struct target *target;
	struct debuginfo *debuginfo;	/* the target kernel's (debuginfo.c) */
	bool debuginfo_tried;
	struct vec modules;	/* struct debuginfo *, of modules (debuginfo.c) */
	void (*debuginfo_close)(struct debuginfo *);	/* set with it, run by session_free */
	struct program *program;
	struct tapset_lib *lib;
};

void session_init(struct session *s);
void session_free(struct session *s);
/* a directory installed beside the library (vm, runtime): ../WHAT of tapset/ */
const char *session_share_dir(struct session *s, const char *what);
/* $SONDE_CACHE, $XDG_CACHE_HOME/sonde or ~/.cache/sonde; NULL if none */
const char *session_cache_dir(struct session *s);
/* Register a source text; returns its file id. Text must outlive the session. */
uint32_t session_add_source(struct session *s, const char *name, const char *path,
			    const char *text, size_t len, bool tapset);

#endif
