// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * build.c - pass 4: the generated C into a kernel module with kbuild
 *
 * The C goes into a fresh temporary directory as NAME.c beside a Kbuild
 * file (obj-m := NAME.o, the runtime directory on the include path, -D
 * options as C macros) and sd_autoconf.h, the kernel features of the tree
 * (autoconf.c); `make -C KDIR M=DIR modules` does the rest. The directory
 * is kept, since -p4 prints the path of the .ko inside it.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "autoconf.h"
#include "diag.h"
#include "passes.h"
#include "target.h"
#include "util.h"

#ifndef SONDE_RUNTIME_DIR
#define SONDE_RUNTIME_DIR "/usr/local/share/sonde/runtime"
#endif

/* the runtime beside the library: ../runtime in a build tree, or installed */
static const char *runtime_dir(struct session *s)
{
	const char *env = getenv("SONDE_RUNTIME_DIR");
	const char *cand;

	if (env && *env)
		return env;
	if (s->tapset_dir) {
		cand = session_share_dir(s, "runtime");
		if (path_exists(arena_strfmt(&s->arena, "%s/runtime.h", cand)))
			return cand;
	}
	return SONDE_RUNTIME_DIR;
}

static unsigned long long fnv(const char *p)
{
	return fnv1a(FNV1A_INIT, p, strlen(p));
}

static int is_header(const struct dirent *de)
{
	size_t n = strlen(de->d_name);

	return n > 2 && !strcmp(de->d_name + n - 2, ".h");
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/*
 * The module cache key: the C, the Kbuild file (name, -D options), the
 * kernel tree and release, sonde's version, the tree's features (@features,
 * the text of sd_autoconf.h) and every header of the runtime directory,
 * by name and content, so that a new header is covered without a change
 * here.
 */
static unsigned long long cache_key(struct session *s, const char *csrc, const char *kbuild,
				    const char *rt, const char *features)
{
	struct target *t = target_get(s);
	unsigned long long h = fnv(csrc);
	struct dirent **ents;
	int n;

	h = fnv1a(h, kbuild, strlen(kbuild));
	h = fnv1a(h, t->build_dir, strlen(t->build_dir));
	h = fnv1a(h, t->release, strlen(t->release));
	h = fnv1a(h, SONDE_VERSION, strlen(SONDE_VERSION));
	h = fnv1a(h, features, strlen(features));
	n = scandir(rt, &ents, is_header, by_name);
	for (int i = 0; i < n; i++) {
		size_t len;
		char *text = read_file(arena_strfmt(&s->arena, "%s/%s", rt, ents[i]->d_name), &len);

		h = fnv1a(h, ents[i]->d_name, strlen(ents[i]->d_name) + 1);
		if (text) {
			h = fnv1a(h, text, len);
			free(text);
		}
		free(ents[i]);
	}
	if (n >= 0)
		free(ents);
	return h;
}

static bool copy_file(const char *from, const char *to)
{
	size_t len;
	char *text = read_file(from, &len);
	char tmp[4200];
	FILE *f;
	bool ok;

	if (!text)
		return false;
	snprintf(tmp, sizeof(tmp), "%s.%d", to, (int)getpid());
	f = fopen(tmp, "wb");
	ok = f && fwrite(text, 1, len, f) == len;
	if (f && fclose(f) != 0)
		ok = false;
	free(text);
	if (ok)
		ok = rename(tmp, to) == 0;
	else
		remove(tmp);
	return ok;
}

static bool write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return false;
	fputs(text, f);
	return fclose(f) == 0;
}

const char *build_module(struct session *s, const char *csrc)
{
	struct target *t = target_get(s);
	const char *rt = runtime_dir(s);
	char dir[] = "/tmp/sondeXXXXXX";
	const char *name, *kbuild, *cmd, *log, *cdir, *ko, *features;
	char *cached = NULL;
	struct strbuf flags = STRBUF_INIT;
	int status;

	if (!t->build_dir) {
		fprintf(stderr, "sonde: error: no kernel build tree for %s (%s); install "
			"linux-headers-%s or give one with -r DIR\n", t->release, t->how, t->release);
		return NULL;
	}
	if (!path_exists(arena_strfmt(&s->arena, "%s/runtime.h", rt))) {
		fprintf(stderr, "sonde: error: the runtime is not in '%s'; set SONDE_RUNTIME_DIR\n",
			rt);
		return NULL;
	}
	features = autoconf_header(s, rt);
	if (!features)
		return NULL;
	name = s->module_name ? s->module_name :
	       arena_strfmt(&s->arena, "sonde_%08llx", fnv(csrc) & 0xffffffffULL);
	for (int i = 0; i < s->ndefines; i++)
		sb_printf(&flags, " -D%s%s%s", s->defines[i]->name,
			  s->defines[i]->value ? "=" : "",
			  s->defines[i]->value ? s->defines[i]->value : "");
	/*
	 * The runtime is all static functions: a script uses some of them.
	 * $(src) is the build directory, where sd_autoconf.h is.
	 */
	kbuild = arena_strfmt(&s->arena, "obj-m := %s.o\nccflags-y := -I%s -I$(src) "
			      "-Wno-unused-function%s\n", name, rt, flags.buf ? flags.buf : "");
	sb_release(&flags);
	cdir = s->no_cache ? NULL : session_cache_dir(s);
	if (cdir) {
		cached = arena_strfmt(&s->arena, "%s/modules/%016llx/%s.ko", cdir,
				      cache_key(s, csrc, kbuild, rt, features), name);
		if (path_exists(cached)) {
			if (s->verbose)
				fprintf(stderr, "Pass 4: using the cached %s\n", cached);
			return cached;
		}
	}
	if (!mkdtemp(dir)) {
		fprintf(stderr, "sonde: error: cannot make a build directory: %s\n", strerror(errno));
		return NULL;
	}
	if (!write_text(arena_strfmt(&s->arena, "%s/%s.c", dir, name), csrc) ||
	    !write_text(arena_strfmt(&s->arena, "%s/Kbuild", dir), kbuild) ||
	    !write_text(arena_strfmt(&s->arena, "%s/" AUTOCONF_HEADER, dir), features)) {
		fprintf(stderr, "sonde: error: cannot write into '%s': %s\n", dir, strerror(errno));
		return NULL;
	}
	log = arena_strfmt(&s->arena, "%s/build.log", dir);
	cmd = arena_strfmt(&s->arena, "make -C '%s' M='%s' modules >'%s' 2>&1", t->build_dir, dir,
			   log);
	if (s->verbose > 1)
		fprintf(stderr, "Pass 4: %s\n", cmd);
	status = system(cmd);
	if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
	    !path_exists(arena_strfmt(&s->arena, "%s/%s.ko", dir, name))) {
		size_t len;
		char *text = read_file(log, &len);

		diag_error(s, NOLOC, DIAG_BUILD_FAILED, arena_strfmt(&s->arena, "see %s", log));
		if (text) {
			/* the compiler's own words, last lines first in importance */
			const char *p = len > 3000 ? text + len - 3000 : text;

			fprintf(stderr, "%s", p);
			free(text);
		}
		diag_pass_failed(s, 4, "build");
		return NULL;
	}
	ko = arena_strfmt(&s->arena, "%s/%s.ko", dir, name);
	if (cached) {
		char *slash = strrchr(cached, '/');

		*slash = '\0';
		make_dirs(cached);
		*slash = '/';
		if (!copy_file(ko, cached) && s->verbose)
			fprintf(stderr, "Pass 4: could not cache the module in %s\n", cached);
	}
	if (s->keep_tmp) {
		fprintf(stderr, "Keeping temporary directory \"%s\"\n", dir);
		return ko;
	}
	if (cached && path_exists(cached)) {
		/* the cached copy is the one to use; the build directory can go */
		if (system(arena_strfmt(&s->arena, "rm -rf '%s'", dir)) != 0 && s->verbose)
			fprintf(stderr, "Pass 4: could not remove %s\n", dir);
		return cached;
	}
	return ko;
}
