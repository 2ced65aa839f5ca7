// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * build.c - pass 4: the generated C into a kernel module with kbuild
 *
 * The C goes into a fresh temporary directory as sd_script.c beside a
 * Kbuild file and sd_autoconf.h, the kernel features of the tree
 * (autoconf.c). The module is made of two objects: the script's and
 * sd_runtime.o, the runtime (runtime/sd_runtime.c), which depends on the
 * tree, the runtime's sources, the -D options and the features but not on
 * the script. So sd_runtime.o is built once and kept in the cache
 * (CACHE/runtime/KEY/, with the .sd_runtime.o.cmd file kbuild wants beside
 * it): a module whose runtime is cached only compiles the script. The
 * Kbuild file:
 *
 *	obj-m := NAME.o
 *	NAME-y := sd_script.o sd_runtime.o
 *	ccflags-y := -IRUNTIME -I$(src) -Wno-unused-function -DNAME=VALUE...
 *
 * While it is not cached, the module is sd_script.o alone, compiled with
 * -DSD_RUNTIME_INLINE: the runtime's code is then part of the script's
 * file, static, and only what the script uses is compiled, as fast as
 * before the split (compiling all of sd_runtime.o takes about twice as
 * long as a small script). A child process builds sd_runtime.o for the
 * cache once the module is built, in the background (build_runtime_bg).
 *
 * `make -C KDIR M=DIR modules` does the rest. The directory is kept, since
 * -p4 prints the path of the .ko inside it.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/file.h>
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

/* the runtime's sources: headers and the .c files of sd_runtime.o */
static int is_source(const struct dirent *de)
{
	size_t n = strlen(de->d_name);

	return n > 2 && (!strcmp(de->d_name + n - 2, ".h") || !strcmp(de->d_name + n - 2, ".c"));
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/*
 * The cache keys. The runtime's: the compiler flags (runtime directory, -D
 * options), the kernel tree and release, sonde's version, the tree's
 * features (@features, the text of sd_autoconf.h) and every source of the
 * runtime directory, by name and content, so that a new file is covered
 * without a change here. The module's: the runtime's key with the C and
 * the Kbuild file (name, -D options). @csrc and @kbuild are NULL for the
 * runtime's.
 */
static unsigned long long cache_key(struct session *s, const char *csrc, const char *kbuild,
				    const char *ccflags, const char *rt, const char *features)
{
	struct target *t = target_get(s);
	unsigned long long h = fnv(ccflags);
	struct dirent **ents;
	int n;

	if (csrc) {
		h = fnv1a(h, csrc, strlen(csrc) + 1);
		h = fnv1a(h, kbuild, strlen(kbuild));
	}
	h = fnv1a(h, t->build_dir, strlen(t->build_dir));
	h = fnv1a(h, t->release, strlen(t->release));
	h = fnv1a(h, SONDE_VERSION, strlen(SONDE_VERSION));
	h = fnv1a(h, features, strlen(features));
	n = scandir(rt, &ents, is_source, by_name);
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

/* from/name to to/name, for both files of the runtime object */
static bool copy_runtime(struct session *s, const char *from, const char *to)
{
	static const char *const files[] = { ".sd_runtime.o.cmd", "sd_runtime.o" };

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (!copy_file(arena_strfmt(&s->arena, "%s/%s", from, files[i]),
			       arena_strfmt(&s->arena, "%s/%s", to, files[i])))
			return false;
	return true;
}

static bool runtime_cached(struct session *s, const char *dir)
{
	return path_exists(arena_strfmt(&s->arena, "%s/sd_runtime.o", dir)) &&
	       path_exists(arena_strfmt(&s->arena, "%s/.sd_runtime.o.cmd", dir));
}

/*
 * Build sd_runtime.o into @rtcache in a detached child, so that the next
 * module links it. It is compiled as the one component of a composite
 * module (obj-m := sdrt.o, sdrt-y := sd_runtime.o), as it will be linked:
 * compiled as a module of its own it is not the same object (6.12 then
 * finds duplicate __pfx_ symbols). A lock beside the cache entry keeps two
 * sondes from building the same one.
 */
static void build_runtime_bg(struct session *s, const char *rtcache, const char *rtsrc,
			     const char *ccflags, const char *features)
{
	struct target *t = target_get(s);
	const char *lock = arena_strfmt(&s->arena, "%s.lock", rtcache);
	char dir[] = "/tmp/sondertXXXXXX";
	int fd, null;
	pid_t pid;

	make_dirs(rtcache);
	fflush(NULL);
	pid = fork();
	if (pid != 0) {
		if (pid > 0)
			waitpid(pid, NULL, 0);	/* the child forks again and returns at once */
		return;
	}
	/* the grandchild does the work, in its own session, with no tie to our output */
	if (fork() != 0)
		_exit(0);
	setsid();
	if (nice(10) == -1)
		errno = 0;	/* best effort: then at the same priority */
	null = open("/dev/null", O_RDWR);
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
	}
	fd = open(lock, O_CREAT | O_RDWR, 0644);
	if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) != 0 || runtime_cached(s, rtcache))
		_exit(0);
	if (mkdtemp(dir) &&
	    write_text(arena_strfmt(&s->arena, "%s/Kbuild", dir),
		       arena_strfmt(&s->arena, "obj-m := sdrt.o\nsdrt-y := sd_runtime.o\n"
				    "ccflags-y := %s\n", ccflags)) &&
	    write_text(arena_strfmt(&s->arena, "%s/" AUTOCONF_HEADER, dir), features) &&
	    copy_file(rtsrc, arena_strfmt(&s->arena, "%s/sd_runtime.c", dir)) &&
	    system(arena_strfmt(&s->arena, "make -C '%s' M='%s' sd_runtime.o >'%s/build.log' 2>&1",
				t->build_dir, dir, dir)) == 0)
		copy_runtime(s, dir, rtcache);
	if (system(arena_strfmt(&s->arena, "rm -rf '%s'", dir)) != 0)
		_exit(1);
	_exit(0);
}

const char *build_module(struct session *s, const char *csrc)
{
	struct target *t = target_get(s);
	const char *rt = runtime_dir(s);
	char dir[] = "/tmp/sondeXXXXXX";
	const char *name, *kbuild, *ccflags, *cmd, *log, *cdir, *ko, *features, *rtsrc;
	char *cached = NULL, *rtcache = NULL;
	bool rt_ready = false;
	struct strbuf flags = STRBUF_INIT;
	int status;

	if (!t->build_dir) {
		fprintf(stderr, "sonde: error: no kernel build tree for %s (%s); install "
			"linux-headers-%s or give one with -r DIR\n", t->release, t->how, t->release);
		return NULL;
	}
	rtsrc = arena_strfmt(&s->arena, "%s/sd_runtime.c", rt);
	if (!path_exists(arena_strfmt(&s->arena, "%s/runtime.h", rt)) || !path_exists(rtsrc)) {
		fprintf(stderr, "sonde: error: the runtime is not in '%s'; set SONDE_RUNTIME_DIR\n",
			rt);
		return NULL;
	}
	features = autoconf_header(s, rt);
	if (!features)
		return NULL;
	name = s->module_name ? s->module_name :
	       arena_strfmt(&s->arena, "sonde_%08llx", fnv(csrc) & 0xffffffffULL);
	if (!strcmp(name, "sd_script") || !strcmp(name, "sd_runtime")) {
		fprintf(stderr, "sonde: error: '%s' is the name of one of the module's objects; "
			"choose another module name\n", name);
		return NULL;
	}
	for (int i = 0; i < s->ndefines; i++)
		sb_printf(&flags, " -D%s%s%s", s->defines[i]->name,
			  s->defines[i]->value ? "=" : "",
			  s->defines[i]->value ? s->defines[i]->value : "");
	/*
	 * A script uses only some of the matcher's static functions (regex.h).
	 * $(src) is the build directory, where sd_autoconf.h is. The flags
	 * apply to both objects.
	 */
	ccflags = arena_strfmt(&s->arena, "-I%s -I$(src) -Wno-unused-function%s", rt,
			       flags.buf ? flags.buf : "");
	sb_release(&flags);
	kbuild = arena_strfmt(&s->arena, "obj-m := %s.o\n%s-y := sd_script.o sd_runtime.o\n"
			      "ccflags-y := %s\n", name, name, ccflags);
	/* the runtime object is worth keeping even with --disable-cache */
	cdir = session_cache_dir(s);
	if (cdir) {
		rtcache = arena_strfmt(&s->arena, "%s/runtime/%016llx", cdir,
				       cache_key(s, NULL, NULL, ccflags, rt, features));
		rt_ready = runtime_cached(s, rtcache);
	}
	if (cdir && !s->no_cache) {
		cached = arena_strfmt(&s->arena, "%s/modules/%016llx/%s.ko", cdir,
				      cache_key(s, csrc, kbuild, ccflags, rt, features), name);
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
	if (!write_text(arena_strfmt(&s->arena, "%s/sd_script.c", dir), csrc) ||
	    !write_text(arena_strfmt(&s->arena, "%s/Kbuild", dir), kbuild) ||
	    !write_text(arena_strfmt(&s->arena, "%s/" AUTOCONF_HEADER, dir), features)) {
		fprintf(stderr, "sonde: error: cannot write into '%s': %s\n", dir, strerror(errno));
		return NULL;
	}
	/* the cached runtime object, or the runtime's code in the script's object */
	if (rt_ready && !copy_runtime(s, rtcache, dir))
		rt_ready = false;
	if (rt_ready) {
		if (s->verbose)
			fprintf(stderr, "Pass 4: using the cached runtime %s/sd_runtime.o\n", rtcache);
	} else {
		if (!write_text(arena_strfmt(&s->arena, "%s/Kbuild", dir),
				arena_strfmt(&s->arena, "obj-m := %s.o\n%s-y := sd_script.o\n"
					     "ccflags-y := %s -DSD_RUNTIME_INLINE\n", name, name,
					     ccflags))) {
			fprintf(stderr, "sonde: error: cannot write into '%s': %s\n", dir,
				strerror(errno));
			return NULL;
		}
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
	/* once the module is built, not to slow it down */
	if (rtcache && !rt_ready) {
		if (s->verbose)
			fprintf(stderr, "Pass 4: building the runtime into %s in the background\n",
				rtcache);
		build_runtime_bg(s, rtcache, rtsrc, ccflags, features);
	}
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
