// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * target.c - find the target kernel (see target.h)
 *
 * -r takes a release (its tree is /lib/modules/REL/build) or a build
 * directory. Without -r: the running kernel when its tree is installed,
 * otherwise the newest installed tree, otherwise the running kernel's
 * release with no tree at all (enough for passes 1 and 2).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "target.h"
#include "util.h"

static char *slurp_line(const char *path)
{
	size_t len;
	char *t = read_file(path, &len);

	if (!t)
		return NULL;
	t[strcspn(t, "\n")] = '\0';
	return t;
}

/* "6.1.0-56-amd64" -> "6.1.0" */
static const char *version_of(struct arena *a, const char *release)
{
	size_t n = strspn(release, "0123456789.");

	while (n > 0 && release[n - 1] == '.')
		n--;
	return arena_strndup(a, release, n);
}

static const char *newest_tree(struct arena *a)
{
	DIR *d = opendir("/lib/modules");
	struct dirent *de;
	char *best = NULL;

	if (!d)
		return NULL;
	while ((de = readdir(d))) {
		char path[4096];

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/lib/modules/%s/build", de->d_name);
		if (!path_is_dir(path))
			continue;
		if (!best || strverscmp(de->d_name, best) > 0) {
			free(best);
			best = xstrdup(de->d_name);
		}
	}
	closedir(d);
	if (best) {
		const char *r = arena_strdup(a, best);

		free(best);
		return r;
	}
	return NULL;
}

struct target *target_get(struct session *s)
{
	struct target *t;
	struct utsname u;
	char path[4096];
	const char *r = s->release ? s->release : getenv("SONDE_RELEASE");

	if (s->target)
		return s->target;
	t = arena_calloc(&s->arena, 1, sizeof(*t));
	uname(&u);
	t->arch = strcmp(u.machine, "amd64") ? arena_strdup(&s->arena, u.machine) : "x86_64";
	if (r && r[0] == '/') {
		char *rel;

		t->build_dir = r;
		/*
		 * UTS_RELEASE is what uname -r says on that kernel; Debian's
		 * kernel.release holds the upstream version instead (6.1.192)
		 */
		snprintf(path, sizeof(path), "%s/include/generated/utsrelease.h", r);
		rel = slurp_line(path);
		if (rel && !strncmp(rel, "#define UTS_RELEASE \"", 21) && strchr(rel + 21, '"')) {
			memmove(rel, rel + 21, strlen(rel + 21) + 1);
			*strchr(rel, '"') = 0;
		} else {
			free(rel);
			snprintf(path, sizeof(path), "%s/include/config/kernel.release", r);
			rel = slurp_line(path);
		}
		t->release = arena_strdup(&s->arena, rel ? rel : "unknown");
		free(rel);
		t->how = "build directory given with -r";
	} else if (r) {
		t->release = r;
		snprintf(path, sizeof(path), "/lib/modules/%s/build", r);
		if (path_is_dir(path))
			t->build_dir = arena_strdup(&s->arena, path);
		t->how = "release given with -r";
	} else {
		snprintf(path, sizeof(path), "/lib/modules/%s/build", u.release);
		if (path_is_dir(path)) {
			t->release = arena_strdup(&s->arena, u.release);
			t->build_dir = arena_strdup(&s->arena, path);
			t->how = "the running kernel";
		} else if ((t->release = newest_tree(&s->arena))) {
			t->build_dir = arena_strfmt(&s->arena, "/lib/modules/%s/build", t->release);
			t->how = "the newest installed kernel tree (none for the running kernel)";
		} else {
			t->release = arena_strdup(&s->arena, u.release);
			t->how = "the running kernel, without a build tree";
		}
	}
	t->version = version_of(&s->arena, t->release);
	s->target = t;
	/* the tree's configuration knows its architecture better than uname */
	{
		static const struct { const char *config, *arch; } arches[] = {
			{ "CONFIG_X86_64", "x86_64" }, { "CONFIG_ARM64", "arm64" },
			{ "CONFIG_PPC64", "powerpc" }, { "CONFIG_S390", "s390" },
			{ "CONFIG_RISCV", "riscv" }, { "CONFIG_X86_32", "i386" },
			{ "CONFIG_ARM", "arm" }, { "CONFIG_MIPS", "mips" },
		};

		for (size_t i = 0; i < sizeof(arches) / sizeof(arches[0]); i++) {
			if (!strcmp(target_config(s, arches[i].config), "y")) {
				t->arch = arches[i].arch;
				break;
			}
		}
	}
	return t;
}

/* The configuration is kept as text; the few lookups a script makes scan it. */
static void load_config(struct session *s, struct target *t)
{
	char path[4096];
	char *text = NULL;
	size_t len = 0;

	t->config_loaded = true;
	if (t->build_dir) {
		snprintf(path, sizeof(path), "%s/.config", t->build_dir);
		text = read_file(path, &len);
	}
	if (!text) {
		snprintf(path, sizeof(path), "/boot/config-%s", t->release);
		text = read_file(path, &len);
	}
	if (!text)
		return;
	/* a leading newline lets every entry be found as "\nNAME=" */
	t->config_text = arena_alloc(&s->arena, len + 2);
	t->config_text[0] = '\n';
	memcpy(t->config_text + 1, text, len);
	t->config_text[len + 1] = '\0';
	t->config_len = len + 1;
	free(text);
}

const char *target_config(struct session *s, const char *name)
{
	struct target *t = target_get(s);
	char key[256];
	const char *hit, *val, *end;
	int n;

	if (!t->config_loaded)
		load_config(s, t);
	n = snprintf(key, sizeof(key), "\n%s=", name);
	if (!t->config_text || n <= 0 || (size_t)n >= sizeof(key))
		return "";
	hit = memmem(t->config_text, t->config_len, key, (size_t)n);
	if (!hit)
		return "";
	val = hit + n;
	end = strchr(val, '\n');
	if (!end)
		end = val + strlen(val);
	if (end - val >= 2 && val[0] == '"' && end[-1] == '"') {
		val++;
		end--;
	}
	return arena_strndup(&s->arena, val, (size_t)(end - val));
}
