// SPDX-License-Identifier: GPL-2.0-or-later
/* util.h - allocation that cannot fail, a growable string buffer, fatal errors */
#ifndef SONDE_UTIL_H
#define SONDE_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

/* Print "sonde: error: ..." and exit with status 2 (environment). */
void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* An internal invariant broke: exit 3 with the location. */
#define BUG(msg) bug_at(__FILE__, __LINE__, msg)
void bug_at(const char *file, int line, const char *msg) __attribute__((noreturn));

struct strbuf {
	char *buf;
	size_t len, cap;
};
#define STRBUF_INIT { NULL, 0, 0 }
void sb_grow(struct strbuf *sb, size_t extra);
void sb_add(struct strbuf *sb, const char *s, size_t n);
void sb_puts(struct strbuf *sb, const char *s);
void sb_putc(struct strbuf *sb, char c);
void sb_printf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_vprintf(struct strbuf *sb, const char *fmt, va_list ap);
void sb_release(struct strbuf *sb);

bool path_exists(const char *path);
bool path_is_dir(const char *path);
/* mkdir -p */
void make_dirs(const char *path);
/* 64-bit FNV-1a over n bytes, continuing from h (start with FNV1A_INIT) */
#define FNV1A_INIT 14695981039346656037ULL
unsigned long long fnv1a(unsigned long long h, const void *p, size_t n);

/* Read a whole file; returns NULL with errno set on failure. */
char *read_file(const char *path, size_t *len);

#endif
