// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * token.h - tokens as the lexer makes them and the preprocessor and parser
 * consume them: whole files are lexed into arrays first.
 */
#ifndef SONDE_TOKEN_H
#define SONDE_TOKEN_H

#include <stdint.h>

#include "session.h"

#define TF_SPACE_BEFORE 1	/* whitespace or a comment precedes the token */

struct token {
	int kind;		/* a parser token kind (parser.h) */
	uint16_t flags;
	uint16_t sub;		/* operator variant, e.g. which @-operator */
	struct loc loc;
	uint32_t len;		/* length of text (strings may hold NUL) */
	const char *text;	/* name, decoded string, or embedded code */
	int64_t num;
};

struct tokens {
	struct token *v;
	int n, cap;
};

/* Token arrays live on the heap and are freed once a file is parsed. */
void tokens_push(struct tokens *t, const struct token *tok);
void tokens_free(struct tokens *t);

/* Lex a whole source file; lexical errors are reported and skipped. */
void lex_file(struct session *s, uint32_t file, struct tokens *out);
/* Lex a string standing in for a token at `at` (script arguments $N). */
void lex_string(struct session *s, const char *text, struct loc at, struct tokens *out);

#endif
