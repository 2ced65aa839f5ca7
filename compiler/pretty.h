// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pretty.h - print scripts back as source: -p1 prints the parse tree in a
 * canonical form that re-parses to the same tree, -p2 the elaborated program
 */
#ifndef SONDE_PRETTY_H
#define SONDE_PRETTY_H

#include "ast.h"
#include "util.h"

void pretty_file(struct strbuf *sb, const struct file_ast *f);
void pretty_expr(struct strbuf *sb, const struct expr *e);
void pretty_stmt(struct strbuf *sb, const struct stmt *s, int indent);
void pretty_probe_point(struct strbuf *sb, const struct probe_point *pp);
void pretty_string(struct strbuf *sb, const char *s, size_t len);

#endif
