// SPDX-License-Identifier: GPL-2.0-or-later
/* arena.c - bump allocator; see arena.h */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "util.h"

#define ARENA_BLOCK_MIN (64 * 1024)
#define ARENA_ALIGN 16

struct arena_block {
	struct arena_block *next;
	size_t size, off;
	_Alignas(ARENA_ALIGN) unsigned char data[];
};

void arena_init(struct arena *a)
{
	memset(a, 0, sizeof(*a));
}

static struct arena_block *new_block(struct arena *a, size_t need)
{
	size_t size = need > ARENA_BLOCK_MIN ? need : ARENA_BLOCK_MIN;
	struct arena_block *b = xmalloc(sizeof(*b) + size);

	b->size = size;
	b->off = 0;
	b->next = a->head;
	a->head = b;
	a->reserved += size;
	return b;
}

void *arena_alloc(struct arena *a, size_t size)
{
	struct arena_block *b = a->head;
	size_t off;

	size = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	if (size == 0)
		size = ARENA_ALIGN;
	if (!b || b->size - b->off < size) {
		if (size >= ARENA_BLOCK_MIN / 4 && b) {
			/* big object: own block, keep filling the current one */
			struct arena_block *big = xmalloc(sizeof(*big) + size);

			big->size = big->off = size;
			big->next = b->next;
			b->next = big;
			a->reserved += size;
			a->used += size;
			return big->data;
		}
		b = new_block(a, size);
	}
	off = b->off;
	b->off += size;
	a->used += size;
	return b->data + off;
}

void *arena_calloc(struct arena *a, size_t n, size_t size)
{
	void *p;

	if (size && n > SIZE_MAX / size)
		die("cannot allocate memory");
	p = arena_alloc(a, n * size);
	memset(p, 0, n * size);
	return p;
}

void *arena_grow(struct arena *a, void *ptr, size_t old_size, size_t new_size)
{
	void *p;

	if (new_size <= old_size)
		return ptr;
	p = arena_alloc(a, new_size);
	if (ptr && old_size)
		memcpy(p, ptr, old_size);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *arena_strfmt(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	p = arena_alloc(a, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

void arena_free(struct arena *a)
{
	struct arena_block *b = a->head, *next;

	for (; b; b = next) {
		next = b->next;
		free(b);
	}
	arena_init(a);
}

void vec_push(struct arena *a, struct vec *vec, void *item)
{
	if (vec->n == vec->cap) {
		int cap = vec->cap ? vec->cap * 2 : 4;

		vec->v = arena_grow(a, vec->v, sizeof(void *) * vec->cap,
				    sizeof(void *) * cap);
		vec->cap = cap;
	}
	vec->v[vec->n++] = item;
}
