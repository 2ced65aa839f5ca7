// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * preproc.h - pass 1: conditionals, macros and script arguments on tokens
 *
 * %( cond %? a %: b %) keeps a or b; @define name(x, y) %( body %) defines
 * a macro expanded at @name(..), with @x standing for an argument; $N, @N,
 * $# and @# become the script's arguments. Tokens keep the location of the
 * text they came from, so errors in expanded code point at the definition.
 */
#ifndef SONDE_PREPROC_H
#define SONDE_PREPROC_H

#include <stdbool.h>

#include "token.h"

struct macro {
	const char *name;
	struct loc loc;
	const char **params;
	int nparams;
	bool has_parens;
	struct token *body;
	int nbody;
};

/* Preprocess one file's tokens into out. */
void pp_file(struct session *s, const struct tokens *in, struct tokens *out);
/* Collect the @define's of a macro library file (.stpm) into macros. */
void pp_collect_macros(struct session *s, const struct tokens *in, struct vec *macros);

/* Provided by tapset.c: a macro exported by the library's .stpm files. */
struct macro *tapset_macro(struct session *s, const char *name);

#endif
