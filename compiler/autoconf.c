// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * autoconf.c - kernel feature tests (see autoconf.h)
 *
 * Kernel APIs come and go (hrtimer_init gives way to hrtimer_setup,
 * del_timer_sync to timer_delete_sync, ...), and stable updates backport
 * some of them, so version numbers say little. Each runtime/autoconf/NAME.c
 * uses one API and compiles only where it exists. All of them are copied
 * into one temporary directory and built as separate objects by a single
 * `make -C TREE M=DIR -k -jN NAME.o...`: kbuild starts once, the tests run
 * in parallel, and a test passed when its NAME.o exists. One more object,
 * sd_base.o, includes nothing special: when even it fails, the tree or
 * the compiler is broken and nothing is cached.
 *
 * The result is cached as CACHE/autoconf/RELEASE-KEY/sd_autoconf.h, KEY
 * hashing sonde's version, the tree's path, release, .config and
 * Module.symvers (size and time) and every test's name and text. Finding
 * it costs a directory scan and a few small reads. Two sondes building for
 * the same new tree take turns (flock on the key's directory), so the
 * tests run once.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "autoconf.h"
#include "target.h"
#include "util.h"

#define BASE_TEST "sd_base"

struct test {
	const char *name;	/* hrtimer_setup */
	char *text;		/* its source */
	size_t len;
};

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* NAME.c with NAME in [a-z0-9_]: the rest of the directory is not a test */
static int is_test(const struct dirent *de)
{
	size_t n = strlen(de->d_name);

	if (n < 3 || strcmp(de->d_name + n - 2, ".c"))
		return 0;
	return strspn(de->d_name, "abcdefghijklmnopqrstuvwxyz0123456789_") == n - 2;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* the tests of RT/autoconf, sorted by name, read into the arena */
static int read_tests(struct session *s, const char *dir, struct test **out)
{
	struct dirent **ents;
	struct test *v;
	int n = scandir(dir, &ents, is_test, by_name), k = 0;

	if (n < 0)
		return -1;
	v = arena_alloc(&s->arena, (n ? n : 1) * sizeof(*v));
	for (int i = 0; i < n; i++) {
		const char *path = arena_strfmt(&s->arena, "%s/%s", dir, ents[i]->d_name);
		size_t len;
		char *text = read_file(path, &len);

		if (text) {
			v[k].name = arena_strndup(&s->arena, ents[i]->d_name,
						  strlen(ents[i]->d_name) - 2);
			v[k].text = arena_strndup(&s->arena, text, len);
			v[k].len = len;
			k++;
			free(text);
		}
		free(ents[i]);
	}
	free(ents);
	*out = v;
	return k;
}

static unsigned long long hash_stat(unsigned long long h, const char *path)
{
	struct stat st;
	long long v[2] = { -1, -1 };

	if (stat(path, &st) == 0) {
		v[0] = (long long)st.st_size;
		v[1] = (long long)st.st_mtime;
	}
	return fnv1a(h, v, sizeof(v));
}

static unsigned long long tests_key(struct session *s, const struct test *v, int n)
{
	struct target *t = target_get(s);
	unsigned long long h = fnv1a(FNV1A_INIT, SONDE_VERSION, sizeof(SONDE_VERSION));

	h = fnv1a(h, t->build_dir, strlen(t->build_dir) + 1);
	h = fnv1a(h, t->release, strlen(t->release) + 1);
	h = hash_stat(h, arena_strfmt(&s->arena, "%s/.config", t->build_dir));
	h = hash_stat(h, arena_strfmt(&s->arena, "%s/Module.symvers", t->build_dir));
	for (int i = 0; i < n; i++) {
		h = fnv1a(h, v[i].name, strlen(v[i].name) + 1);
		h = fnv1a(h, v[i].text, v[i].len);
	}
	return h;
}

static bool write_file(const char *path, const char *text, size_t len)
{
	FILE *f = fopen(path, "w");
	bool ok;

	if (!f)
		return false;
	ok = fwrite(text, 1, len, f) == len;
	return fclose(f) == 0 && ok;
}

static bool write_text(const char *path, const char *text)
{
	return write_file(path, text, strlen(text));
}

/* write to a temporary name, then rename: readers see all of it or nothing */
static bool store_file(struct session *s, const char *path, const char *text, size_t len)
{
	const char *tmp = arena_strfmt(&s->arena, "%s.%d", path, (int)getpid());

	if (write_file(tmp, text, len) && rename(tmp, path) == 0)
		return true;
	remove(tmp);
	return false;
}

static void remove_dir(struct session *s, const char *dir)
{
	if (system(arena_strfmt(&s->arena, "rm -rf '%s'", dir)) != 0 && s->verbose)
		fprintf(stderr, "Pass 4: could not remove %s\n", dir);
}

/* "hrtimer_setup" -> "SD_HAVE_HRTIMER_SETUP" */
static void add_macro(struct strbuf *sb, const char *name)
{
	sb_puts(sb, "SD_HAVE_");
	for (const char *p = name; *p; p++)
		sb_putc(sb, *p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p);
}

/*
 * Compile the tests in one kbuild run; returns the header text, or NULL
 * when the base test did not compile (error printed). The build log goes
 * to *log (heap) for the cache.
 */
static const char *run_tests(struct session *s, const struct test *v, int n, char **log)
{
	struct target *t = target_get(s);
	char dir[] = "/tmp/sondeacXXXXXX";
	struct strbuf objs = STRBUF_INIT, hdr = STRBUF_INIT;
	const char *logpath, *ret = NULL;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int have = 0, status;
	size_t loglen = 0;

	*log = NULL;
	if (!mkdtemp(dir)) {
		fprintf(stderr, "sonde: error: cannot make a directory for the kernel feature tests: "
			"%s\n", strerror(errno));
		return NULL;
	}
	if (!write_text(arena_strfmt(&s->arena, "%s/%s.c", dir, BASE_TEST),
			"#include <linux/types.h>\n"))
		goto write_failed;
	sb_puts(&objs, BASE_TEST ".o");
	for (int i = 0; i < n; i++) {
		if (!write_file(arena_strfmt(&s->arena, "%s/%s.c", dir, v[i].name), v[i].text,
				v[i].len))
			goto write_failed;
		sb_printf(&objs, " %s.o", v[i].name);
	}
	if (!write_text(arena_strfmt(&s->arena, "%s/Kbuild", dir),
			arena_strfmt(&s->arena, "obj-m := %s\n", objs.buf)))
		goto write_failed;
	if (ncpu < 1)
		ncpu = 1;
	if (ncpu > n + 1)
		ncpu = n + 1;
	logpath = arena_strfmt(&s->arena, "%s/build.log", dir);
	/* failing tests make make fail: the objects that exist are the answer */
	status = system(arena_strfmt(&s->arena, "make -C '%s' M='%s' -k -j%ld %s >'%s' 2>&1",
				     t->build_dir, dir, ncpu, objs.buf, logpath));
	if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) > 2) {
		fprintf(stderr, "sonde: error: could not run make for the kernel feature tests\n");
		goto out;
	}
	*log = read_file(logpath, &loglen);
	if (!path_exists(arena_strfmt(&s->arena, "%s/%s.o", dir, BASE_TEST))) {
		fprintf(stderr, "sonde: error: nothing compiles against the kernel tree '%s' "
			"(not even an empty file); see %s\n", t->build_dir, logpath);
		if (*log)
			fputs(loglen > 2000 ? *log + loglen - 2000 : *log, stderr);
		free(*log);
		*log = NULL;
		sb_release(&objs);
		return NULL;	/* keep the directory: its log says why */
	}
	sb_printf(&hdr, "/* " AUTOCONF_HEADER ": kernel features of %s (%s), from sonde's "
		  "tests in runtime/autoconf/ */\n#ifndef _SD_AUTOCONF_H_\n#define _SD_AUTOCONF_H_\n",
		  t->release, t->build_dir);
	for (int i = 0; i < n; i++) {
		bool ok = path_exists(arena_strfmt(&s->arena, "%s/%s.o", dir, v[i].name));

		sb_puts(&hdr, ok ? "#define " : "/* no ");
		add_macro(&hdr, v[i].name);
		sb_puts(&hdr, ok ? " 1\n" : " */\n");
		have += ok;
	}
	sb_puts(&hdr, "#endif\n");
	ret = arena_strdup(&s->arena, hdr.buf);
	if (s->verbose)
		fprintf(stderr, "Pass 4: kernel feature tests for %s: %d of %d APIs present\n",
			t->release, have, n);
out:
	sb_release(&objs);
	sb_release(&hdr);
	if (s->keep_tmp)
		fprintf(stderr, "Keeping temporary directory \"%s\"\n", dir);
	else
		remove_dir(s, dir);
	return ret;

write_failed:
	fprintf(stderr, "sonde: error: cannot write into '%s': %s\n", dir, strerror(errno));
	sb_release(&objs);
	remove_dir(s, dir);
	return NULL;
}

const char *autoconf_header(struct session *s, const char *rt)
{
	struct target *t = target_get(s);
	const char *cdir = session_cache_dir(s), *keydir = NULL, *path = NULL, *hdr;
	struct test *v;
	double t0 = now_ms();
	int n = read_tests(s, arena_strfmt(&s->arena, "%s/autoconf", rt), &v);
	int lock = -1;
	char *text, *log;
	size_t len;

	if (n < 0) {
		fprintf(stderr, "sonde: error: no kernel feature tests in '%s/autoconf': %s\n", rt,
			strerror(errno));
		return NULL;
	}
	if (cdir) {
		keydir = arena_strfmt(&s->arena, "%s/autoconf/%s-%016llx", cdir, t->release,
				      tests_key(s, v, n));
		path = arena_strfmt(&s->arena, "%s/" AUTOCONF_HEADER, keydir);
		text = read_file(path, &len);
		if (!text) {
			/* not there yet: build it, or wait for whoever is building it */
			make_dirs(keydir);
			lock = open(keydir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (lock >= 0)
				flock(lock, LOCK_EX);
			text = read_file(path, &len);
		}
		if (text) {
			hdr = arena_strndup(&s->arena, text, len);
			free(text);
			if (lock >= 0)
				close(lock);
			if (s->verbose)
				fprintf(stderr, "Pass 4: kernel features from %s\n", path);
			return hdr;
		}
	}
	hdr = run_tests(s, v, n, &log);
	if (hdr && lock >= 0) {
		/* the log says why a test failed, should anyone wonder */
		if (log)
			store_file(s, arena_strfmt(&s->arena, "%s/build.log", keydir), log,
				   strlen(log));
		if (!store_file(s, path, hdr, strlen(hdr)) && s->verbose)
			fprintf(stderr, "Pass 4: could not cache %s\n", path);
	}
	free(log);
	if (lock >= 0)
		close(lock);
	if (!hdr && keydir)
		rmdir(keydir);	/* only if empty: nothing to keep */
	if (hdr && s->verbose)
		fprintf(stderr, "Pass 4: kernel feature tests took %.1f ms\n", now_ms() - t0);
	return hdr;
}
