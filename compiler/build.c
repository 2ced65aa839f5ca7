// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * build.c - pass 4: the generated C into a kernel module with kbuild
 *
 * The C goes into a fresh temporary directory as NAME.c beside a Kbuild
 * file (obj-m := NAME.o, the runtime directory on the include path, -D
 * options as C macros); `make -C KDIR M=DIR modules` does the rest. The
 * directory is kept, since -p4 prints the path of the .ko inside it.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "diag.h"
#include "passes.h"
#include "target.h"
#include "util.h"

#ifndef SONDE_RUNTIME_DIR
#define SONDE_RUNTIME_DIR "/usr/local/share/sonde/runtime"
#endif

static bool exists(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0;
}

/* the runtime beside the library: ../runtime in a build tree, or installed */
static const char *runtime_dir(struct session *s)
{
	const char *env = getenv("SONDE_RUNTIME_DIR");
	const char *cand;
	size_t n;

	if (env && *env)
		return env;
	if (s->tapset_dir) {
		n = strlen(s->tapset_dir);
		if (n > 7 && !strcmp(s->tapset_dir + n - 7, "/tapset")) {
			cand = arena_strfmt(&s->arena, "%.*s/runtime", (int)(n - 7), s->tapset_dir);
			if (exists(arena_strfmt(&s->arena, "%s/runtime.h", cand)))
				return cand;
		}
	}
	return SONDE_RUNTIME_DIR;
}

static unsigned long long fnv(const char *p)
{
	unsigned long long h = 14695981039346656037ULL;

	for (; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	return h;
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
	const char *name, *kbuild, *cmd, *log;
	struct strbuf flags = STRBUF_INIT;
	int status;

	if (!t->build_dir) {
		fprintf(stderr, "sonde: error: no kernel build tree for %s (%s); install "
			"linux-headers-%s or give one with -r DIR\n", t->release, t->how, t->release);
		return NULL;
	}
	if (!exists(arena_strfmt(&s->arena, "%s/runtime.h", rt))) {
		fprintf(stderr, "sonde: error: the runtime is not in '%s'; set SONDE_RUNTIME_DIR\n",
			rt);
		return NULL;
	}
	if (!mkdtemp(dir)) {
		fprintf(stderr, "sonde: error: cannot make a build directory: %s\n", strerror(errno));
		return NULL;
	}
	name = s->module_name ? s->module_name :
	       arena_strfmt(&s->arena, "sonde_%08llx", fnv(csrc) & 0xffffffffULL);
	for (int i = 0; i < s->ndefines; i++)
		sb_printf(&flags, " -D%s%s%s", s->defines[i]->name,
			  s->defines[i]->value ? "=" : "",
			  s->defines[i]->value ? s->defines[i]->value : "");
	/* the runtime is all static functions: a script uses some of them */
	kbuild = arena_strfmt(&s->arena, "obj-m := %s.o\nccflags-y := -I%s -Wno-unused-function%s\n",
			      name, rt,
			      flags.buf ? flags.buf : "");
	sb_release(&flags);
	if (!write_text(arena_strfmt(&s->arena, "%s/%s.c", dir, name), csrc) ||
	    !write_text(arena_strfmt(&s->arena, "%s/Kbuild", dir), kbuild)) {
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
	    !exists(arena_strfmt(&s->arena, "%s/%s.ko", dir, name))) {
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
	return arena_strfmt(&s->arena, "%s/%s.ko", dir, name);
}
