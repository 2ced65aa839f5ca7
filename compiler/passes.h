// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * passes.h - the pass contract: each pass reads the session and what the
 * previous pass left in it, reports through diag, and returns 0 or -1
 */
#ifndef SONDE_PASSES_H
#define SONDE_PASSES_H

#include "ast.h"
#include "session.h"
#include "util.h"

/* pass 1 (parser.y): lex, preprocess and parse one source */
int parse_source(struct session *s, uint32_t file, struct file_ast *out);
/* load a file from disk as a source; returns its id or -1 (errno set) */
int load_source(struct session *s, const char *path, const char *name, bool tapset);

/* pass 2 (elaborate.c): resolve, pull in the library, infer types */
int elaborate(struct session *s, struct file_ast *user);
/* -p2 output */
void elaborate_print(struct session *s, struct strbuf *sb);
/* pass 3 (translate.c): the program as C for a kernel module */
int translate(struct session *s, struct strbuf *out);

/* pass 4 (build.c): kbuild the module; returns the .ko path or NULL */
const char *build_module(struct session *s, const char *csrc);

/* -l / -L: list probe points matching a pattern; returns the match count */
int elaborate_list(struct session *s, const char *pattern, bool vars, struct strbuf *sb);

#endif
