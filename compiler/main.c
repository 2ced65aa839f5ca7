// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * main.c - the sonde command: options, then passes 1 to 5
 *
 * Exit status: 0 ok, 1 the script has errors, 2 usage or environment.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "debuginfo.h"
#include "diag.h"
#include "elaborate.h"
#include "passes.h"
#include "pretty.h"
#include "target.h"
#include "usyms.h"
#include "util.h"

#ifndef SONDE_VERSION
#define SONDE_VERSION "0.1"
#endif
#ifndef SONDE_TAPSET_DIR
#define SONDE_TAPSET_DIR "/usr/local/share/sonde/tapset"
#endif

static const char usage_text[] =
"usage: sonde [OPTIONS] SCRIPT.stp [ARG...]\n"
"       sonde [OPTIONS] -e 'SCRIPT' [ARG...]\n"
"       sonde [OPTIONS] -l|-L 'PROBE-POINT'\n"
"\n"
"Compile a SystemTap-language script into a kernel module and run it.\n"
"\n"
"  -e SCRIPT      run SCRIPT given on the command line\n"
"                 (a script file named '-' is read from standard input)\n"
"  -p N           stop after pass N: 1 parse, 2 elaborate, 3 translate,\n"
"                 4 build, 5 run (default)\n"
"  -v             more verbose; repeat for more (per-pass time and memory)\n"
"  -I DIR         also search DIR for library scripts\n"
"  -r KVER|DIR    build for kernel release KVER or the kernel tree in DIR\n"
"  -D NAME=VALUE  define a C macro for the module (limits such as MAXACTION)\n"
"  -m NAME        name the module NAME\n"
"  -o FILE        write the script's output to FILE\n"
"  -c CMD         run CMD while the script runs; target() is its pid\n"
"  -x PID         set target() to PID\n"
"  -d FILE        also symbolize user addresses in FILE (an executable or\n"
"                 library) for usymname(), print_ubacktrace()...\n"
"  --ldd          also those of the shared libraries the user files need\n"
"  -g             guru mode: embedded C, writes to kernel memory\n"
"  -k             keep the temporary build directory\n"
"  -u             unoptimized: keep unused globals, functions and probes\n"
"  -w             no warnings\n"
"  -W             treat warnings as errors\n"
"  -l PATTERN     list the probe points matching PATTERN\n"
"  -L PATTERN     the same, with their variables\n"
"  -s MB          output buffer size per CPU\n"
"  -T SECONDS     stop the script after SECONDS\n"
"  --vm[=KVER]    run the script in a throwaway virtual machine\n"
"  --syntax-check FILE...  parse library files (pass 1) and report errors\n"
"  --disable-cache         build the module even if an identical one is cached\n"
"  --help         show this help\n"
"  --version      show the version\n"
"\n"
"Exit status: 0 success, 1 errors in the script, 2 usage or environment.\n";

static void usage_error(const char *fmt, const char *arg)
	__attribute__((format(printf, 1, 0), noreturn));
static void usage_error(const char *fmt, const char *arg)
{
	fputs("sonde: error: ", stderr);
	fprintf(stderr, fmt, arg); /* NOLINT: catalogued formats */
	fputs("\nTry 'sonde --help' for more information.\n", stderr);
	exit(2);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static long peak_kb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* The installed library, or ../tapset beside a sonde run from its build tree. */
static const char *find_tapset_dir(struct session *s)
{
	const char *env = getenv("SONDE_TAPSET_DIR");
	char exe[PATH_MAX], *slash;
	ssize_t n;

	if (env && *env)
		return env;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			slash = strrchr(exe, '/');
			if (slash) {
				*slash = '\0';
				if (path_is_dir(arena_strfmt(&s->arena, "%s/tapset", exe)) &&
				    path_is_dir(arena_strfmt(&s->arena, "%s/compiler", exe)))
					return arena_strfmt(&s->arena, "%s/tapset", exe);
				if (path_is_dir(arena_strfmt(&s->arena, "%s/share/sonde/tapset", exe)))
					return arena_strfmt(&s->arena, "%s/share/sonde/tapset", exe);
			}
		}
	}
	return SONDE_TAPSET_DIR;
}

/* the kbuild tree of a guest kernel, fetching it when needed */
static const char *vm_tree(struct session *s, const char *kver)
{
	const char *vm = session_share_dir(s, "vm");
	const char *cmd = arena_strfmt(&s->arena,
		"bash '%s/setup.sh' '%s' >/dev/null 2>&1 && bash '%s/kbuild-dir.sh' '%s' 2>/dev/null",
		vm, kver, vm, kver);
	char line[4096];
	FILE *p = popen(cmd, "r");

	if (!p || !fgets(line, sizeof(line), p)) {
		if (p)
			pclose(p);
		fprintf(stderr, "sonde: error: no virtual machine kernel '%s'; "
			"'bash %s/setup.sh %s' says why\n", kver, vm, kver);
		return NULL;
	}
	pclose(p);
	line[strcspn(line, "\n")] = '\0';
	return arena_strdup(&s->arena, line);
}

/* 'text' for sh, with any ' inside escaped */
static const char *shq(struct session *s, const char *text)
{
	struct strbuf sb = STRBUF_INIT;
	const char *r;

	sb_putc(&sb, '\'');
	for (; *text; text++) {
		if (*text == '\'')
			sb_puts(&sb, "'\\''");
		else
			sb_putc(&sb, *text);
	}
	sb_putc(&sb, '\'');
	r = arena_strdup(&s->arena, sb.buf);
	sb_release(&sb);
	return r;
}

/*
 * Pass 5: sonde-run, here or in a throwaway guest (--vm). Returns the exit
 * status: sonde-run's, or 2 when it cannot start.
 */
static int run_module(struct session *s, const char *ko, const char *vm_kver)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	const char *dir, *cmd;
	int status;

	if (n <= 0)
		return 2;
	exe[n] = '\0';
	dir = arena_strndup(&s->arena, exe, (size_t)(strrchr(exe, '/') - exe));
	if (vm_kver) {
		const char *loader = arena_strfmt(&s->arena, "%s/sonde-run.static", dir);

		const char *opts = "";

		/* -x and -s go to the guest's sonde-run (a pid there, a buffer there) */
		if (s->target_pid >= 0)
			opts = arena_strfmt(&s->arena, "-x %ld", s->target_pid);
		if (s->bufsize_mb)
			opts = arena_strfmt(&s->arena, "%s%s-s %d", opts, *opts ? " " : "", s->bufsize_mb);
		/* the files process("PATH") probes, and a -c program named by path, keep their paths there */
		struct strbuf files = STRBUF_INIT;
		char cwd[PATH_MAX];

		for (int i = 0; i < s->modules.n; i++) {
			struct debuginfo *di = s->modules.v[i];

			if (di->user)
				sb_printf(&files, "%s\n", di->path);
		}
		for (int i = 0; s->program && i < s->program->probes.n; i++) {
			struct dprobe *dp = s->program->probes.v[i];

			if (dp->family == PF_UTASK && dp->exe)
				sb_printf(&files, "%s\n", dp->exe);
		}
		if (s->cmd && strchr(arena_strndup(&s->arena, s->cmd, strcspn(s->cmd, " \t")), '/') &&
		    realpath(arena_strndup(&s->arena, s->cmd, strcspn(s->cmd, " \t")), exe))
			sb_printf(&files, "%s\n", exe);
		setenv("SONDE_VM_FILES", files.buf ? files.buf : "", 1);
		sb_release(&files);
		if (getcwd(cwd, sizeof(cwd)))
			setenv("SONDE_VM_CWD", cwd, 1);
		cmd = arena_strfmt(&s->arena, "SONDE_RUN_OPTS=%s bash %s %s %s %s %s", shq(s, opts),
				   shq(s, arena_strfmt(&s->arena, "%s/sonde-vm.sh", session_share_dir(s, "vm"))),
				   shq(s, vm_kver), shq(s, ko), shq(s, loader), shq(s, s->cmd ? s->cmd : ""));
		/* -o: the guest's output lands in the file here */
		if (s->output)
			cmd = arena_strfmt(&s->arena, "%s >%s", cmd, shq(s, s->output));
	} else {
		if (access("/proc/modules", F_OK) != 0) {
			fprintf(stderr, "sonde: error: this kernel cannot load modules; run the "
				"script in a virtual machine with --vm\n");
			return 2;
		}
		cmd = arena_strfmt(&s->arena, "%s", shq(s, arena_strfmt(&s->arena, "%s/sonde-run", dir)));
		if (s->output)
			cmd = arena_strfmt(&s->arena, "%s -o %s", cmd, shq(s, s->output));
		if (s->cmd)
			cmd = arena_strfmt(&s->arena, "%s -c %s", cmd, shq(s, s->cmd));
		if (s->target_pid >= 0)
			cmd = arena_strfmt(&s->arena, "%s -x %ld", cmd, s->target_pid);
		if (s->bufsize_mb)
			cmd = arena_strfmt(&s->arena, "%s -s %d", cmd, s->bufsize_mb);
		cmd = arena_strfmt(&s->arena, "%s %s", cmd, shq(s, ko));
	}
	fflush(NULL);
	status = system(cmd);
	if (status == -1 || !WIFEXITED(status))
		return 2;
	return WEXITSTATUS(status);
}

static char *read_stdin(size_t *len)
{
	struct strbuf sb = STRBUF_INIT;
	char buf[65536];
	size_t n;

	while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0)
		sb_add(&sb, buf, n);
	if (!sb.buf)
		sb_add(&sb, "", 0);
	*len = sb.len;
	return sb.buf;
}

int load_source(struct session *s, const char *path, const char *name, bool tapset)
{
	size_t len;
	char *text = read_file(path, &len);
	char *copy;

	if (!text)
		return -1;
	copy = arena_strndup(&s->arena, text, len);
	free(text);
	return (int)session_add_source(s, name, path, copy, len, tapset);
}

/*
 * --syntax-check: pass 1 over each file as a library file would be read
 * (embedded C allowed); for tapset authors, the corpus test and make bench.
 */
static int syntax_check_files(struct session *s, int n, char **files)
{
	int bad = 0;
	double t0 = now_ms();

	for (int i = 0; i < n; i++) {
		struct file_ast ast = {0};
		int id = load_source(s, files[i], files[i], true);

		if (id < 0) {
			fprintf(stderr, "sonde: error: cannot read '%s': %s\n", files[i],
				strerror(errno));
			bad++;
			continue;
		}
		s->stop = false;
		if (parse_source(s, (uint32_t)id, &ast) < 0)
			bad++;
	}
	if (s->verbose)
		fprintf(stderr, "Pass 1: parsed %d files using %ld KiB peak memory, in %.1f ms\n",
			n, peak_kb(), now_ms() - t0);
	if (bad)
		fprintf(stderr, "sonde: %d of %d files failed to parse\n", bad, n);
	session_free(s);
	return bad ? 1 : 0;
}

enum {
	OPT_HELP = 256, OPT_VERSION, OPT_VM, OPT_SYNTAX_CHECK, OPT_DISABLE_CACHE, OPT_LDD,
};

static const struct option long_opts[] = {
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "vm", optional_argument, NULL, OPT_VM },
	{ "syntax-check", no_argument, NULL, OPT_SYNTAX_CHECK },
	{ "disable-cache", no_argument, NULL, OPT_DISABLE_CACHE },
	{ "ldd", no_argument, NULL, OPT_LDD },
	{ NULL, 0, NULL, 0 },
};

int main(int argc, char **argv)
{
	struct session sess, *s = &sess;
	const char *script = NULL, *script_path = NULL;
	struct file_ast user = {0};
	struct vec incs = {0}, defs = {0};
	int c, file, rc = 0;
	double t0;
	bool syntax_check = false;
	const char *vm_kver = NULL;

	session_init(s);
	while ((c = getopt_long(argc, argv, "+e:p:vI:r:D:m:o:c:x:gkuwWl:L:s:T:G:d:tqb",
				long_opts, NULL)) != -1) {
		switch (c) {
		case 'e':
			script = optarg;
			break;
		case 'p': {
			char *end;
			long v = strtol(optarg, &end, 10);

			if (*end || v < 1 || v > 5)
				usage_error("invalid pass '%s'; expected 1 to 5", optarg);
			s->last_pass = (int)v;
			break;
		}
		case 'v':
			s->verbose++;
			break;
		case 'I':
			vec_push(&s->arena, &incs, optarg);
			break;
		case 'r':
			s->release = optarg;
			break;
		case 'D': {
			struct define *d = arena_calloc(&s->arena, 1, sizeof(*d));
			char *eq = strchr(optarg, '=');

			d->name = eq ? arena_strndup(&s->arena, optarg, (size_t)(eq - optarg)) : optarg;
			d->value = eq ? eq + 1 : NULL;
			if (!d->name[0])
				usage_error("invalid -D '%s'; expected NAME=VALUE", optarg);
			vec_push(&s->arena, &defs, d);
			break;
		}
		case 'm':
			s->module_name = optarg;
			break;
		case 'o':
			s->output = optarg;
			break;
		case 'c':
			s->cmd = optarg;
			break;
		case 'x': {
			char *end;

			s->target_pid = strtol(optarg, &end, 10);
			if (*end || s->target_pid < 0)
				usage_error("invalid pid '%s'", optarg);
			break;
		}
		case 'g':
			s->guru = true;
			break;
		case 'k':
			s->keep_tmp = true;
			break;
		case 'u':
			s->unoptimized = true;
			break;
		case 'w':
			s->no_warnings = true;
			break;
		case 'W':
			s->warnings_fatal = true;
			break;
		case 'l':
		case 'L':
			s->list_pattern = optarg;
			s->list_vars = c == 'L';
			break;
		case 's':
			s->bufsize_mb = atoi(optarg);
			if (s->bufsize_mb < 1 || s->bufsize_mb > 4095)
				usage_error("invalid buffer size '%s'; expected 1 to 4095 (MB)", optarg);
			break;
		case 'd':
			vec_push(&s->arena, &s->sym_files, optarg);
			break;
		case 'T':
		case 'G':
		case 't':
		case 'q':
		case 'b':
			/* accepted for stap compatibility; used by later passes */
			break;
		case OPT_HELP:
			fputs(usage_text, stdout);
			return 0;
		case OPT_VERSION:
			printf("sonde %s (SystemTap language %s compatible)\n", SONDE_VERSION, "4.8");
			return 0;
		case OPT_VM:
			vm_kver = optarg ? optarg : "6.1";
			break;
		case OPT_SYNTAX_CHECK:
			syntax_check = true;
			break;
		case OPT_LDD:
			s->ldd = true;
			break;
		case OPT_DISABLE_CACHE:
			s->no_cache = true;
			break;
		default:
			fputs("Try 'sonde --help' for more information.\n", stderr);
			return 2;
		}
	}

	s->tapset_dir = find_tapset_dir(s);
	if (vm_kver && s->last_pass >= 3 && !s->release) {
		/* build for the guest's kernel: the VM runner knows its tree */
		s->release = vm_tree(s, vm_kver);
		if (!s->release) {
			session_free(s);
			return 2;
		}
	}
	s->include_dirs = (const char **)incs.v;
	s->ninclude_dirs = incs.n;
	s->defines = (struct define **)defs.v;
	s->ndefines = defs.n;

	if (s->list_pattern) {
		struct strbuf sb = STRBUF_INIT;
		int n = elaborate_list(s, s->list_pattern, s->list_vars, &sb);

		fputs(sb.buf ? sb.buf : "", stdout);
		sb_release(&sb);
		session_free(s);
		return n > 0 ? 0 : 1;
	}

	if (syntax_check)
		return syntax_check_files(s, argc - optind, argv + optind);

	if (!script) {
		if (optind >= argc)
			usage_error("%s", "no script given; expected a file or -e SCRIPT");
		script_path = argv[optind++];
	}
	s->args = (const char **)argv + optind;
	s->nargs = argc - optind;

	t0 = now_ms();
	if (script) {
		file = (int)session_add_source(s, "<input>", NULL, script, strlen(script), false);
	} else if (!strcmp(script_path, "-")) {
		size_t len;
		char *text = read_stdin(&len);

		file = (int)session_add_source(s, "<stdin>", NULL,
					       arena_strndup(&s->arena, text, len), len, false);
		free(text);
	} else {
		file = load_source(s, script_path, script_path, false);
		if (file < 0) {
			fprintf(stderr, "sonde: error: cannot read '%s': %s\n", script_path,
				strerror(errno));
			session_free(s);
			return 2;
		}
	}

	if (parse_source(s, (uint32_t)file, &user) < 0) {
		diag_pass_failed(s, 1, "parse");
		rc = 1;
		goto out;
	}
	if (s->verbose)
		fprintf(stderr, "Pass 1: parsed user script using %ld KiB peak memory, in %.1f ms\n",
			peak_kb(), now_ms() - t0);
	if (s->last_pass == 1) {
		struct strbuf sb = STRBUF_INIT;

		pretty_file(&sb, &user);
		fputs(sb.buf ? sb.buf : "", stdout);
		sb_release(&sb);
		goto out;
	}

	t0 = now_ms();
	if (elaborate(s, &user) < 0 || usyms_load(s) < 0) {
		diag_pass_failed(s, 2, "elaborate");
		rc = 1;
		goto out;
	}
	if (s->verbose)
		fprintf(stderr, "Pass 2: elaborated script using %ld KiB peak memory, in %.1f ms\n",
			peak_kb(), now_ms() - t0);
	if (s->last_pass == 2) {
		struct strbuf sb = STRBUF_INIT;

		elaborate_print(s, &sb);
		fputs(sb.buf ? sb.buf : "", stdout);
		sb_release(&sb);
		goto out;
	}
	t0 = now_ms();
	{
		struct strbuf csrc = STRBUF_INIT;
		const char *ko;

		if (translate(s, &csrc) < 0) {
			diag_pass_failed(s, 3, "translate");
			sb_release(&csrc);
			rc = 1;
			goto out;
		}
		if (s->verbose)
			fprintf(stderr, "Pass 3: translated to %zu bytes of C in %.1f ms\n",
				csrc.len, now_ms() - t0);
		if (s->last_pass == 3) {
			fputs(csrc.buf, stdout);
			sb_release(&csrc);
			goto out;
		}
		t0 = now_ms();
		ko = build_module(s, csrc.buf);
		sb_release(&csrc);
		if (!ko) {
			rc = s->nerrors ? 1 : 2;
			goto out;
		}
		if (s->verbose)
			fprintf(stderr, "Pass 4: built %s in %.1f ms\n", ko, now_ms() - t0);
		if (s->last_pass == 4) {
			printf("%s\n", ko);
			goto out;
		}
		rc = run_module(s, ko, vm_kver);
	}
out:
	session_free(s);
	return rc;
}
