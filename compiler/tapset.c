// SPDX-License-Identifier: GPL-2.0-or-later
/* tapset.c - the script library; see tapset.h */
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "parser.h"
#include "passes.h"
#include "preproc.h"
#include "tapset.h"
#include "target.h"
#include "token.h"
#include "util.h"

#define INDEX_MAGIC "sonde-tapset-index 3"

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool ends_with(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);

	return n >= m && !strcmp(s + n - m, suf);
}

/* {=== scanning a file for what it defines ===} */

struct scan {
	struct arena *a;
	struct vec *out;	/* struct lib_sym * */
	int file;
};

static void add_sym(struct scan *sc, int kind, const char *name)
{
	struct lib_sym *y = arena_calloc(sc->a, 1, sizeof(*y));

	y->kind = kind;
	y->name = arena_strdup(sc->a, name);
	y->file = sc->file;
	vec_push(sc->a, sc->out, y);
}

static bool is_name_token(int k)
{
	return k == IDENT || k == '*' || (k >= PROBE && k <= CATCH);
}

/* Lex without reporting: a library file with errors is reported when loaded. */
static void scan_file(struct session *s, const char *path, struct scan *sc)
{
	struct session tmp;
	struct tokens t = {0};
	size_t len;
	char *text = read_file(path, &len);

	if (!text)
		return;
	session_init(&tmp);
	tmp.stop = true;	/* silence */
	session_add_source(&tmp, path, path, text, len, true);
	lex_file(&tmp, 0, &t);
	for (int i = 0; i < t.n; i++) {
		int k = t.v[i].kind;

		if (k == AT_DEFINE && i + 1 < t.n && t.v[i + 1].kind == IDENT) {
			add_sym(sc, LIB_MACRO, t.v[i + 1].text);
		} else if (k == FUNCTION && i + 1 < t.n && t.v[i + 1].kind == IDENT) {
			add_sym(sc, LIB_FUNCTION, t.v[i + 1].text);
		} else if ((k == GLOBAL || (k == PRIVATE && i + 1 < t.n &&
					    t.v[i + 1].kind == IDENT))) {
			int j = i + 1;

			while (j < t.n && t.v[j].kind == IDENT) {
				add_sym(sc, LIB_GLOBAL, t.v[j].text);
				j++;
				/* skip % [N] = literal */
				while (j < t.n && (t.v[j].kind == '%' || t.v[j].kind == '[' ||
						   t.v[j].kind == ']' || t.v[j].kind == NUMBER ||
						   t.v[j].kind == '=' || t.v[j].kind == '-' ||
						   t.v[j].kind == STRING))
					j++;
				if (j < t.n && t.v[j].kind == ',')
					j++;
				else
					break;
			}
		} else if (k == PROBE) {
			/* probe NAME[, NAME] = ... or += ... : an alias definition */
			struct strbuf name = STRBUF_INIT;
			struct vec names = {0};
			int j = i + 1, depth = 0;

			for (; j < t.n; j++) {
				int kj = t.v[j].kind;

				if (kj == '(') {
					depth++;
				} else if (kj == ')') {
					depth--;
				} else if (depth == 0 && (kj == '=' || kj == ADD_ASSIGN ||
							  kj == '{' || kj == PROBE)) {
					break;
				} else if (depth == 0 && kj == ',') {
					if (name.len)
						vec_push(&tmp.arena, &names,
							 arena_strdup(&tmp.arena, name.buf));
					name.len = 0;
					continue;
				}
				if (depth == 0 && (is_name_token(kj) || kj == '.'))
					sb_puts(&name, kj == '.' ? "." : kj == '*' ? "*" :
						t.v[j].text);
			}
			if (j < t.n && (t.v[j].kind == '=' || t.v[j].kind == ADD_ASSIGN)) {
				if (name.len)
					vec_push(&tmp.arena, &names, arena_strdup(&tmp.arena, name.buf));
				for (int n = 0; n < names.n; n++)
					add_sym(sc, LIB_ALIAS, names.v[n]);
			}
			sb_release(&name);
		}
	}
	tokens_free(&t);
	session_free(&tmp);
	free(text);
}

/* {=== the index and its cache ===} */

struct cached {
	const char *path;
	long long mtime, size;
	struct vec syms;	/* struct lib_sym * with file = -1 */
};

static void read_cache(struct session *s, const char *path, struct vec *out)
{
	size_t len;
	char *text = read_file(path, &len), *line, *save = NULL;
	struct cached *cur = NULL;

	if (!text)
		return;
	line = strtok_r(text, "\n", &save);
	if (!line || strcmp(line, INDEX_MAGIC)) {
		free(text);
		return;
	}
	while ((line = strtok_r(NULL, "\n", &save))) {
		if (line[0] == 'F' && line[1] == ' ') {
			long long m, z;
			int off = 0;

			if (sscanf(line + 2, "%lld %lld %n", &m, &z, &off) < 2 || !off)
				break;
			cur = arena_calloc(&s->arena, 1, sizeof(*cur));
			cur->mtime = m;
			cur->size = z;
			cur->path = arena_strdup(&s->arena, line + 2 + off);
			vec_push(&s->arena, out, cur);
		} else if (cur && line[0] == 'S' && line[1] == ' ' && line[2] && line[3] == ' ') {
			struct lib_sym *y = arena_calloc(&s->arena, 1, sizeof(*y));

			y->kind = line[2];
			y->name = arena_strdup(&s->arena, line + 4);
			vec_push(&s->arena, &cur->syms, y);
		}
	}
	free(text);
}

static void write_cache(struct session *s, const char *path, struct tapset_lib *lib)
{
	char tmp[4200];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.%d", path, (int)getpid());
	f = fopen(tmp, "w");
	if (!f)
		return;
	fprintf(f, "%s\n", INDEX_MAGIC);
	for (int i = 0; i < lib->files.n; i++) {
		struct lib_file *lf = lib->files.v[i];

		fprintf(f, "F %lld %lld %s\n", lf->mtime, lf->size, lf->path);
		for (int k = 0; k < lib->syms.n; k++) {
			struct lib_sym *y = lib->syms.v[k];

			if (y->file == i)
				fprintf(f, "S %c %s\n", y->kind, y->name);
		}
	}
	if (fclose(f) == 0)
		rename(tmp, path);
	else
		remove(tmp);
}

static void add_dir(struct session *s, struct tapset_lib *lib, const char *d)
{
	char real[4096];
	const char *r;

	if (!realpath(d, real) || !path_is_dir(real))
		return;
	r = arena_strdup(&s->arena, real);
	for (int i = 0; i < lib->dirs.n; i++)
		if (!strcmp(lib->dirs.v[i], r))
			return;
	vec_push(&s->arena, &lib->dirs, (void *)r);
}

static void build_index(struct session *s, struct tapset_lib *lib)
{
	const char *arch = target_get(s)->arch;
	const char *cdir = session_cache_dir(s);
	char *cpath = NULL;
	struct vec cached = {0};
	unsigned long long h = FNV1A_INIT;
	bool dirty = false;
	int next_cached = 0;

	for (int i = 0; i < lib->roots.n; i++) {
		const char *r = lib->roots.v[i];

		add_dir(s, lib, r);
		add_dir(s, lib, arena_strfmt(&s->arena, "%s/linux", r));
		add_dir(s, lib, arena_strfmt(&s->arena, "%s/%s", r, arch));
		add_dir(s, lib, arena_strfmt(&s->arena, "%s/linux/%s", r, arch));
	}
	for (int i = 0; i < lib->dirs.n; i++)
		h = fnv1a(fnv1a(h, "\n", 1), lib->dirs.v[i], strlen(lib->dirs.v[i]));
	if (cdir) {
		cpath = arena_strfmt(&s->arena, "%s/tapset-%016llx.idx", cdir, h);
		read_cache(s, cpath, &cached);
	}

	for (int i = 0; i < lib->dirs.n; i++) {
		const char *d = lib->dirs.v[i];
		DIR *dh = opendir(d);
		struct dirent *de;
		struct vec names = {0};

		if (!dh)
			continue;
		while ((de = readdir(dh)))
			if (ends_with(de->d_name, ".stp") || ends_with(de->d_name, ".stpm"))
				vec_push(&s->arena, &names, arena_strdup(&s->arena, de->d_name));
		closedir(dh);
		qsort(names.v, (size_t)names.n, sizeof(void *), cmp_str);
		for (int k = 0; k < names.n; k++) {
			struct lib_file *lf = arena_calloc(&s->arena, 1, sizeof(*lf));
			struct stat st;
			struct cached *hit = NULL;
			int idx = lib->files.n;

			lf->path = arena_strfmt(&s->arena, "%s/%s", d, (char *)names.v[k]);
			lf->macros = ends_with(lf->path, ".stpm");
			if (stat(lf->path, &st) != 0)
				continue;
			lf->mtime = (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
			lf->size = (long long)st.st_size;
			vec_push(&s->arena, &lib->files, lf);
			/* the cache lists files in this same order: look from where we are */
			for (int c = 0; c < cached.n; c++) {
				struct cached *cf = cached.v[(next_cached + c) % cached.n];

				if (!strcmp(cf->path, lf->path)) {
					hit = cf;
					next_cached = (next_cached + c + 1) % cached.n;
					break;
				}
			}
			if (hit && hit->mtime == lf->mtime && hit->size == lf->size) {
				for (int y = 0; y < hit->syms.n; y++) {
					struct lib_sym *sym = hit->syms.v[y];

					sym->file = idx;
					vec_push(&s->arena, &lib->syms, sym);
				}
			} else {
				struct scan sc = { &s->arena, &lib->syms, idx };

				scan_file(s, lf->path, &sc);
				dirty = true;
			}
		}
	}
	if (cached.n != lib->files.n)
		dirty = true;
	if (dirty && cpath) {
		make_dirs(cdir);
		write_cache(s, cpath, lib);
	}
}

struct tapset_lib *tapset_get(struct session *s)
{
	struct tapset_lib *lib;

	if (s->lib)
		return s->lib;
	lib = arena_calloc(&s->arena, 1, sizeof(*lib));
	s->lib = lib;
	for (int i = 0; i < s->ninclude_dirs; i++)
		vec_push(&s->arena, &lib->roots, (void *)s->include_dirs[i]);
	if (s->tapset_dir)
		vec_push(&s->arena, &lib->roots, (void *)s->tapset_dir);
	build_index(s, lib);
	return lib;
}

/* {=== lookups ===} */

/* does alias name `alias` possibly serve the probe point text `point`? */
static bool first_component_matches(const char *point, const char *alias)
{
	char p[256], a[256];
	size_t pn = strcspn(point, ".("), an = strcspn(alias, ".(");

	snprintf(p, sizeof(p), "%.*s", (int)pn, point);
	snprintf(a, sizeof(a), "%.*s", (int)an, alias);
	return fnmatch(p, a, 0) == 0 || fnmatch(a, p, 0) == 0;
}

int tapset_find(struct session *s, enum lib_kind kind, const char *name, int *files, int max)
{
	struct tapset_lib *lib = tapset_get(s);
	int n = 0;

	for (int i = 0; i < lib->syms.n; i++) {
		struct lib_sym *y = lib->syms.v[i];
		bool dup = false;

		if (y->kind != (int)kind)
			continue;
		if (kind == LIB_ALIAS ? !first_component_matches(name, y->name) :
		    strcmp(y->name, name) != 0)
			continue;
		for (int k = 0; k < n; k++)
			dup |= files[k] == y->file;
		if (!dup && n < max)
			files[n++] = y->file;
	}
	return n;
}

void tapset_names(struct session *s, enum lib_kind kind, struct vec *out)
{
	struct tapset_lib *lib = tapset_get(s);

	for (int i = 0; i < lib->syms.n; i++) {
		struct lib_sym *y = lib->syms.v[i];

		if (y->kind == (int)kind)
			vec_push(&s->arena, out, (void *)y->name);
	}
}

struct file_ast *tapset_load(struct session *s, int file)
{
	struct tapset_lib *lib = tapset_get(s);
	struct lib_file *lf = lib->files.v[file];
	int id;

	if (lf->loaded)
		return NULL;
	lf->loaded = true;
	id = load_source(s, lf->path, lf->path, true);
	if (id < 0)
		return NULL;
	lf->ast = arena_calloc(&s->arena, 1, sizeof(*lf->ast));
	lib->nloaded++;
	parse_source(s, (uint32_t)id, lf->ast);
	return lf->ast;
}

/* A library macro: only the .stpm files the index says define it are read. */
struct macro *tapset_macro(struct session *s, const char *name)
{
	struct tapset_lib *lib = tapset_get(s);
	int files[16], n;

	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < lib->macros.n; i++) {
			struct macro *m = lib->macros.v[i];

			if (!strcmp(m->name, name))
				return m;
		}
		if (pass)
			break;
		n = tapset_find(s, LIB_MACRO, name, files, 16);
		for (int i = 0; i < n; i++) {
			struct lib_file *lf = lib->files.v[files[i]];
			struct tokens t = {0};
			int id;

			if (!lf->macros || lf->loaded)
				continue;
			lf->loaded = true;
			id = load_source(s, lf->path, lf->path, true);
			if (id < 0)
				continue;
			lex_file(s, (uint32_t)id, &t);
			pp_collect_macros(s, &t, &lib->macros);
			tokens_free(&t);
		}
	}
	return NULL;
}
