// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tapset.h - the script library: where it is, what each file defines, and
 * loading only the files a script needs
 *
 * The library is every directory given with -I, then the installed one.
 * In each root R the files of R, R/linux, R/ARCH and R/linux/ARCH count.
 * An index of the functions, probe aliases and globals each file defines is
 * built by lexing (not parsing) and cached per library under
 * $XDG_CACHE_HOME/sonde; a file is lexed again only when it changes.
 */
#ifndef SONDE_TAPSET_H
#define SONDE_TAPSET_H

#include <stdbool.h>

#include "ast.h"
#include "session.h"

enum lib_kind { LIB_FUNCTION = 'f', LIB_ALIAS = 'a', LIB_GLOBAL = 'g', LIB_MACRO = 'm' };

struct lib_file {
	const char *path;
	long long mtime;
	long long size;
	bool macros;		/* a .stpm file */
	bool loaded;
	struct file_ast *ast;
};

struct lib_sym {
	int kind;		/* enum lib_kind */
	const char *name;
	int file;
};

struct tapset_lib {
	struct vec roots;	/* const char * */
	struct vec dirs;	/* const char *, the directories searched */
	struct vec files;	/* struct lib_file * */
	struct vec syms;	/* struct lib_sym * */
	struct vec macros;	/* struct macro * */
	int nloaded;
	double index_ms;
};

struct tapset_lib *tapset_get(struct session *s);
/*
 * Files defining `name` of a kind; for aliases `name` is a probe point
 * pattern and matching is by its first component. Returns the count and
 * fills files[] (up to max).
 */
int tapset_find(struct session *s, enum lib_kind kind, const char *name, int *files, int max);
/* Parse a library file once; NULL if it was loaded before or failed. */
struct file_ast *tapset_load(struct session *s, int file);
/* Names defined in the library of a kind, for "did you mean" hints. */
void tapset_names(struct session *s, enum lib_kind kind, struct vec *out);

#endif
