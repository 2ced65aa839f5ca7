// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * arena.h - bump allocator owning everything the compiler makes
 *
 * Tokens, AST nodes, types, symbol tables and strings are allocated from one
 * arena per session and released together by arena_free(). Nothing is freed
 * one object at a time.
 */
#ifndef SONDE_ARENA_H
#define SONDE_ARENA_H

#include <stddef.h>

struct arena_block;

struct arena {
	struct arena_block *head;	/* block being filled */
	size_t used;			/* bytes handed out, for -v */
	size_t reserved;		/* bytes obtained from malloc */
};

void arena_init(struct arena *a);
void *arena_alloc(struct arena *a, size_t size);
void *arena_calloc(struct arena *a, size_t n, size_t size);
/* Grow an array allocated from the arena: copies when it cannot extend. */
void *arena_grow(struct arena *a, void *ptr, size_t old_size, size_t new_size);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strfmt(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void arena_free(struct arena *a);

/* A growable vector of pointers living in an arena. */
struct vec {
	void **v;
	int n, cap;
};
void vec_push(struct arena *a, struct vec *vec, void *item);

#endif
