// SPDX-License-Identifier: GPL-2.0-or-later
/* session.c - see session.h */
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "session.h"
#include "util.h"

void session_init(struct session *s)
{
	memset(s, 0, sizeof(*s));
	diag_reset();
	arena_init(&s->arena);
	s->last_pass = 5;
	s->target_pid = -1;
}

uint32_t session_add_source(struct session *s, const char *name, const char *path,
			    const char *text, size_t len, bool tapset)
{
	struct source *src = arena_calloc(&s->arena, 1, sizeof(*src));

	if (len >= UINT32_MAX)
		len = UINT32_MAX - 1;
	src->name = name;
	src->path = path;
	src->text = text;
	src->len = (uint32_t)len;
	src->tapset = tapset;
	s->sources = arena_grow(&s->arena, s->sources, sizeof(*s->sources) * s->nsources,
				sizeof(*s->sources) * (s->nsources + 1));
	s->sources[s->nsources] = src;
	return (uint32_t)s->nsources++;
}

const char *session_share_dir(struct session *s, const char *what)
{
	size_t n = strlen(s->tapset_dir);

	if (n > 7 && !strcmp(s->tapset_dir + n - 7, "/tapset"))
		return arena_strfmt(&s->arena, "%.*s/%s", (int)(n - 7), s->tapset_dir, what);
	return arena_strfmt(&s->arena, "%s/../%s", s->tapset_dir, what);
}

const char *session_cache_dir(struct session *s)
{
	const char *d = getenv("SONDE_CACHE");
	const char *x = getenv("XDG_CACHE_HOME");
	const char *h = getenv("HOME");

	if (d && *d)
		return d;
	if (x && *x)
		return arena_strfmt(&s->arena, "%s/sonde", x);
	if (h && *h)
		return arena_strfmt(&s->arena, "%s/.cache/sonde", h);
	return NULL;
}

void session_free(struct session *s)
{
	int i;

	if (s->debuginfo && s->debuginfo_close)
		s->debuginfo_close(s->debuginfo);
	for (i = 0; i < s->modules.n && s->debuginfo_close; i++)
		s->debuginfo_close(s->modules.v[i]);
	for (i = 0; i < s->nsources; i++)
		free(s->sources[i]->lines);
	arena_free(&s->arena);
}
