/*
 * sonde-run: load a Sonde module, relay its output, unload it.
 *
 *   sonde-run [-o FILE] [-c CMD] [-x PID] [-s MB] [-v] MODULE.ko [NAME=VALUE...]
 *   sonde-run -d MODNAME
 *
 * The module side is runtime/transport.h; the protocol is described in
 * runtime/transport_msgs.h.  Plain C11 plus POSIX/Linux system calls, no
 * library beyond libc, so it links statically for the test VM.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../transport_msgs.h"

#define DEBUGFS_DIR	"/sys/kernel/debug"
#define DEBUGFS_MAGIC_NUMBER 0x64626720
#define POLL_MS		100	/* relay wakes readers only per sub-buffer */
#define MODNAME_MAX	64	/* kernel: MODULE_NAME_LEN, 56 on 64-bit */

static const char *prog = "sonde-run";
static int verbose;

/* Everything the error path may have to undo. */
static struct {
	char modname[MODNAME_MAX];
	bool loaded;
	int cmd_fd;
	pid_t child;
	int child_go;		/* write end of the pipe the child waits on */
} st = { .cmd_fd = -1, .child = -1, .child_go = -1 };

struct relay {
	int fd;
	int cpu;
	char *buf;
	size_t off, len, cap;
	bool broken;
};

static struct relay *relays;
static int n_relays;
static FILE *out;
static uint64_t next_seq = 1;

static volatile sig_atomic_t got_signal, nsignals;

/* the first signal asks for a clean end; a second one stops waiting for it */
static void on_signal(int sig)
{
	got_signal = sig;
	if (nsignals < 100)
		nsignals++;
}

static void on_sigchld(int sig)
{
	(void)sig;	/* only here so that poll(2) returns EINTR */
}

static void vlog(const char *fmt, ...)
{
	va_list ap;

	if (!verbose)
		return;
	va_start(ap, fmt);
	fprintf(stderr, "%s: ", prog);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* delete_module(2), retrying while the module is briefly busy. */
static int remove_module(const char *name)
{
	int i;

	for (i = 0; i < 50; i++) {
		if (syscall(SYS_delete_module, name, O_NONBLOCK) == 0)
			return 0;
		if (errno != EAGAIN && errno != EBUSY)
			return -1;
		sleep_ms(100);
	}
	return -1;
}

static void cleanup(void)
{
	int i;

	for (i = 0; i < n_relays; i++)
		if (relays[i].fd >= 0) {
			close(relays[i].fd);
			relays[i].fd = -1;
		}
	if (st.cmd_fd >= 0) {
		close(st.cmd_fd);	/* the module stops its probes */
		st.cmd_fd = -1;
	}
	if (st.child_go >= 0) {
		close(st.child_go);
		st.child_go = -1;
	}
	if (st.child > 0) {
		kill(st.child, SIGTERM);
		waitpid(st.child, NULL, 0);
		st.child = -1;
	}
	if (st.loaded) {
		if (remove_module(st.modname) < 0)
			fprintf(stderr, "%s: cannot remove module %s: %s\n",
				prog, st.modname, strerror(errno));
		else
			vlog("removed module %s", st.modname);
		st.loaded = false;
	}
}

static void __attribute__((noreturn, format(printf, 1, 2)))
fail(const char *fmt, ...)
{
	va_list ap;

	if (out)
		fflush(out);
	va_start(ap, fmt);
	fprintf(stderr, "%s: ", prog);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	cleanup();
	exit(1);
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p)
		fail("out of memory");
	return p;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: %s [-o FILE] [-c CMD] [-x PID] [-s MB] [-v] MODULE.ko [NAME=VALUE...]\n"
		"       %s -d MODNAME\n"
		"  -o FILE  write the script's output to FILE instead of stdout\n"
		"  -c CMD   run CMD (/bin/sh -c) once the probes are armed; stop when it exits\n"
		"  -x PID   target process id\n"
		"  -s MB    relay buffer per CPU, 1..64 MB\n"
		"  -v       progress on stderr\n"
		"  -d NAME  remove a module left behind by an earlier run\n",
		prog, prog);
}

/* ---- the module file ---- */

static char *read_file(const char *path, size_t *size)
{
	struct stat sb;
	char *data;
	size_t got = 0;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		fail("cannot open %s: %s", path, strerror(errno));
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode))
		fail("%s is not a regular file", path);
	data = xrealloc(NULL, sb.st_size ? (size_t)sb.st_size : 1);
	while (got < (size_t)sb.st_size) {
		n = read(fd, data + got, sb.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			fail("cannot read %s: %s", path,
			     n < 0 ? strerror(errno) : "short read");
		got += n;
	}
	close(fd);
	*size = got;
	return data;
}

/* The value of the "KEY=" entry of the ELF .modinfo section, or NULL. */
static const char *modinfo_get(const char *img, size_t size, const char *key)
{
	size_t klen = strlen(key);
	const Elf64_Ehdr *eh = (const void *)img;
	const Elf64_Shdr *sh, *strsec;
	size_t i;

	if (size < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_shentsize != sizeof(*sh) || eh->e_shoff > size ||
	    eh->e_shnum > (size - eh->e_shoff) / sizeof(*sh) ||
	    eh->e_shstrndx >= eh->e_shnum)
		return NULL;
	sh = (const void *)(img + eh->e_shoff);
	strsec = &sh[eh->e_shstrndx];
	if (strsec->sh_offset > size || strsec->sh_size > size - strsec->sh_offset)
		return NULL;
	for (i = 0; i < eh->e_shnum; i++) {
		const char *p, *end;

		if (sh[i].sh_name >= strsec->sh_size ||
		    strncmp(img + strsec->sh_offset + sh[i].sh_name, ".modinfo",
			    strsec->sh_size - sh[i].sh_name))
			continue;
		if (sh[i].sh_offset > size || sh[i].sh_size > size - sh[i].sh_offset)
			return NULL;
		p = img + sh[i].sh_offset;
		end = p + sh[i].sh_size;
		while (p < end) {
			size_t n = strnlen(p, end - p);

			if (n < (size_t)(end - p) && !strncmp(p, key, klen))
				return p + klen;
			p += n + 1;
		}
	}
	return NULL;
}

/*
 * The running kernel's GNU build-id from /sys/kernel/notes, as hex into
 * buf; false if it cannot be read.
 */
static bool kernel_build_id(char *buf, size_t cap)
{
	unsigned char notes[4096];
	ssize_t len;
	size_t off = 0;
	int fd = open("/sys/kernel/notes", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	len = read(fd, notes, sizeof(notes));
	close(fd);
	while (len > 0 && off + 12 <= (size_t)len) {
		uint32_t nsz, dsz, type;
		size_t name_end, desc_end;

		memcpy(&nsz, notes + off, 4);
		memcpy(&dsz, notes + off + 4, 4);
		memcpy(&type, notes + off + 8, 4);
		name_end = off + 12 + ((nsz + 3) & ~3u);
		desc_end = name_end + ((dsz + 3) & ~3u);
		if (desc_end > (size_t)len || nsz > 64 || dsz > 64)
			break;
		if (type == 3 && nsz == 4 && !memcmp(notes + off + 12, "GNU", 4) && 2 * dsz < cap) {
			for (uint32_t i = 0; i < dsz; i++)
				snprintf(buf + 2 * i, 3, "%02x", notes[name_end + i]);
			return true;
		}
		off = desc_end;
	}
	return false;
}

/*
 * A module compiled with the kernel's debug information records its
 * build-id: its offsets are only right for that kernel
 */
static void check_build_id(const char *path, const char *img, size_t size)
{
	const char *want = modinfo_get(img, size, "sonde_build_id=");
	char have[160];

	if (!want || !kernel_build_id(have, sizeof(have)) || !strcmp(want, have))
		return;
	fail("%s was compiled with the debug information of a kernel with build-id %s, but "
	     "the running kernel's is %s; compile it again for this kernel", path, want, have);
}

static void module_name(const char *path, const char *img, size_t size,
			char *name, size_t cap)
{
	const char *n = modinfo_get(img, size, "name=");
	const char *base;
	size_t len, i;

	if (n) {
		len = strlen(n);
	} else {
		/* Older modules: the file name, as kbuild derives it. */
		base = strrchr(path, '/');
		n = base ? base + 1 : path;
		len = strlen(n);
		if (len > 3 && !strcmp(n + len - 3, ".ko"))
			len -= 3;
	}
	if (len == 0 || len >= cap)
		fail("cannot tell the module name of %s", path);
	memcpy(name, n, len);
	name[len] = '\0';
	for (i = 0; i < len; i++)
		if (name[i] == '-')
			name[i] = '_';
}

static bool module_loaded(const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "/sys/module/%s", name);
	return access(path, F_OK) == 0;
}

/* ---- control file ---- */

static void cmd_send(uint32_t id, const void *payload, uint32_t len)
{
	char msg[sizeof(struct sd_msg_hdr) + 64];
	struct sd_msg_hdr hdr = { .id = id, .len = len };

	memcpy(msg, &hdr, sizeof(hdr));
	if (len)
		memcpy(msg + sizeof(hdr), payload, len);
	if (write(st.cmd_fd, msg, sizeof(hdr) + len) != (ssize_t)(sizeof(hdr) + len)) {
		if (errno == EPROTO)
			fail("protocol version mismatch: module %s does not speak version %d",
			     st.modname, SD_PROTOCOL_VERSION);
		fail("cannot write to the control file of %s: %s", st.modname,
		     strerror(errno));
	}
}

/* One message into msg (SD_MSG_MAX bytes); 0 if none is waiting. */
static size_t cmd_recv(char *msg)
{
	ssize_t n;

	for (;;) {
		n = read(st.cmd_fd, msg, SD_MSG_MAX);
		if (n >= 0 || errno != EINTR)
			break;
	}
	if (n < 0 && errno == EAGAIN)
		return 0;
	if (n < 0)
		fail("cannot read the control file of %s: %s", st.modname,
		     strerror(errno));
	if ((size_t)n < sizeof(struct sd_msg_hdr) ||
	    ((struct sd_msg_hdr *)msg)->len != n - sizeof(struct sd_msg_hdr))
		fail("malformed control message from %s", st.modname);
	return n;
}

/*
 * Each distinct warning or error is shown once, as SystemTap does: the
 * messages seen so far are remembered by hash (a bounded table; once it
 * is full, new messages are shown again every time).
 */
#define SEEN_SLOTS 4096

static bool seen_before(uint32_t kind, const char *text, size_t len)
{
	static uint64_t seen[SEEN_SLOTS];
	uint64_t h = 1469598103934665603ULL ^ kind;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)text[i]) * 1099511628211ULL;
	h |= 1;
	for (size_t i = 0, k = h % SEEN_SLOTS; i < SEEN_SLOTS; i++, k = (k + 1) % SEEN_SLOTS) {
		if (seen[k] == h)
			return true;
		if (!seen[k]) {
			seen[k] = h;
			return false;
		}
	}
	return false;
}

static void print_oob(uint32_t kind, const char *text, size_t len)
{
	while (len && (text[len - 1] == '\n' || text[len - 1] == '\0'))
		len--;
	if (seen_before(kind, text, len))
		return;
	fflush(out);
	fprintf(stderr, "%s: %.*s\n", kind == SD_OOB_ERROR ? "ERROR" : "WARNING",
		(int)len, text);
}

/* ---- relay channels ---- */

static void open_relays(const char *dir, uint32_t nr_cpus)
{
	char path[PATH_MAX];
	uint32_t cpu;
	int fd;

	relays = xrealloc(NULL, sizeof(*relays) * (nr_cpus ? nr_cpus : 1));
	for (cpu = 0; cpu < nr_cpus; cpu++) {
		snprintf(path, sizeof(path), "%s/%s%u", dir, SD_RELAY_BASE, cpu);
		fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0) {
			if (errno == ENOENT)
				continue;	/* CPU not online */
			fail("cannot open %s: %s", path, strerror(errno));
		}
		relays[n_relays] = (struct relay){ .fd = fd, .cpu = (int)cpu };
		n_relays++;
	}
	if (!n_relays)
		fail("no relay files in %s", dir);
	vlog("%d relay file(s)", n_relays);
}

/* Read what relay r has now; returns bytes read. */
static size_t relay_fill(struct relay *r)
{
	size_t total = 0;
	ssize_t n;

	if (r->fd < 0 || r->broken)
		return 0;
	for (;;) {
		if (r->off) {	/* keep the unread part at the front */
			memmove(r->buf, r->buf + r->off, r->len - r->off);
			r->len -= r->off;
			r->off = 0;
		}
		if (r->cap - r->len < 65536) {
			r->cap = r->cap ? r->cap * 2 : 262144;
			r->buf = xrealloc(r->buf, r->cap);
		}
		n = read(r->fd, r->buf + r->len, r->cap - r->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n < 0)
			fail("cannot read relay of cpu %d: %s", r->cpu,
			     strerror(errno));
		if (n == 0)
			break;
		r->len += n;
		total += n;
	}
	return total;
}

/* The complete chunk at the head of r, or NULL. */
static const struct sd_chunk_hdr *relay_head(struct relay *r,
					     struct sd_chunk_hdr *hdr)
{
	if (r->broken || r->len - r->off < sizeof(*hdr))
		return NULL;
	memcpy(hdr, r->buf + r->off, sizeof(*hdr));
	if (hdr->magic != SD_CHUNK_MAGIC) {
		fflush(out);
		fprintf(stderr, "%s: corrupt data on relay of cpu %d; ignoring the rest of it\n",
			prog, r->cpu);
		r->broken = true;
		return NULL;
	}
	if (r->len - r->off - sizeof(*hdr) < hdr->len)
		return NULL;
	return hdr;
}

/*
 * Print chunks in sequence order.  Each CPU's stream is in order, so the
 * next chunk is always at the head of some stream; a missing number means
 * its chunk is still being written on another CPU.  With force, print
 * whatever is there (the module has finished, nothing more can come).
 */
static void merge(bool force)
{
	struct sd_chunk_hdr hdr, best_hdr;
	struct relay *best;
	const char *body;
	int i;

	for (;;) {
		best = NULL;
		for (i = 0; i < n_relays; i++) {
			if (!relay_head(&relays[i], &hdr))
				continue;
			if (!best || hdr.seq < best_hdr.seq) {
				best = &relays[i];
				best_hdr = hdr;
			}
		}
		if (!best || (!force && best_hdr.seq != next_seq))
			break;
		if (best_hdr.seq != next_seq)
			vlog("sequence gap: %llu..%llu missing",
			     (unsigned long long)next_seq,
			     (unsigned long long)best_hdr.seq - 1);
		body = best->buf + best->off + sizeof(best_hdr);
		if (best_hdr.type == SD_MSG_OOB)
			print_oob(best_hdr.flags, body, best_hdr.len);
		else
			fwrite(body, 1, best_hdr.len, out);
		best->off += sizeof(best_hdr) + best_hdr.len;
		next_seq = best_hdr.seq + 1;
	}
	fflush(out);
}

static void drain_all(void)
{
	bool more;
	int i;

	do {
		more = false;
		for (i = 0; i < n_relays; i++)
			if (relay_fill(&relays[i]))
				more = true;
		merge(false);
	} while (more);
}

/* ---- -c CMD ---- */

static void start_child(const char *cmd)
{
	int go[2];
	char c;

	if (pipe2(go, O_CLOEXEC) < 0)
		fail("pipe: %s", strerror(errno));
	st.child = fork();
	if (st.child < 0)
		fail("fork: %s", strerror(errno));
	if (st.child == 0) {
		/* Wait until the probes are armed, then become CMD. */
		close(go[1]);
		if (read(go[0], &c, 1) != 1)
			_exit(127);	/* sonde-run gave up */
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		fprintf(stderr, "%s: cannot run /bin/sh: %s\n", prog, strerror(errno));
		_exit(127);
	}
	close(go[0]);
	st.child_go = go[1];
}

static void release_child(void)
{
	if (st.child_go < 0)
		return;
	if (write(st.child_go, "g", 1) != 1)
		fail("cannot start the command: %s", strerror(errno));
	close(st.child_go);
	st.child_go = -1;
}

/* ---- main ---- */

static char *build_params(char **argv, int argc, unsigned int bufsize_mb,
			  long target)
{
	size_t cap = 64, len = 0, need;
	char *p = xrealloc(NULL, cap);
	char extra[64];
	int i;

	p[0] = '\0';
	for (i = 0; i <= argc + 1; i++) {
		const char *a, *eq;
		bool quote;

		if (i < argc) {
			a = argv[i];
		} else if (i == argc && bufsize_mb) {
			snprintf(extra, sizeof(extra), "%s=%u", SD_PARAM_BUFSIZE,
				 bufsize_mb);
			a = extra;
		} else if (i == argc + 1 && target) {
			snprintf(extra, sizeof(extra), "%s=%ld", SD_PARAM_TARGET,
				 target);
			a = extra;
		} else {
			continue;
		}
		eq = strchr(a, '=');
		if (!eq || eq == a)
			fail("bad module parameter '%s' (want NAME=VALUE)", a);
		if (strchr(a, '"'))
			fail("module parameter '%s': double quotes are not supported", a);
		/* The kernel splits at blanks unless the value is quoted. */
		quote = strpbrk(eq + 1, " \t\n") != NULL;
		need = len + strlen(a) + 4;
		if (need > cap) {
			cap = need * 2;
			p = xrealloc(p, cap);
		}
		len += sprintf(p + len, "%s%.*s%s%s%s", len ? " " : "",
			       (int)(eq + 1 - a), a, quote ? "\"" : "", eq + 1,
			       quote ? "\"" : "");
	}
	return p;
}

static int do_delete(const char *name)
{
	if (!module_loaded(name)) {
		fprintf(stderr, "%s: module %s is not loaded\n", prog, name);
		return 1;
	}
	if (remove_module(name) < 0) {
		fprintf(stderr, "%s: cannot remove module %s: %s\n", prog, name,
			strerror(errno));
		return 1;
	}
	vlog("removed module %s", name);
	return 0;
}

static long parse_num(const char *s, const char *what, long lo, long hi)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi) {
		fprintf(stderr, "%s: bad %s '%s'\n", prog, what, s);
		exit(1);
	}
	return v;
}

int main(int argc, char **argv)
{
	const char *outfile = NULL, *cmd = NULL, *modpath, *del = NULL;
	char dir[256], path[PATH_MAX], msg[SD_MSG_MAX];
	struct sd_msg_ready ready;
	struct sd_msg_start start = { .version = SD_PROTOCOL_VERSION };
	struct sd_msg_done done = { 0 };
	struct sigaction sa;
	struct statfs sfs;
	struct pollfd *pfd;
	unsigned int bufsize_mb = 0;
	long target = 0;
	bool exit_sent = false, got_done = false;
	double t0 = now_s();
	char *img, *params;
	size_t imgsize;
	int opt, fd, i, status;

	while ((opt = getopt(argc, argv, "+o:c:x:s:vd:h")) != -1) {
		switch (opt) {
		case 'o': outfile = optarg; break;
		case 'c': cmd = optarg; break;
		case 'x': target = parse_num(optarg, "pid", 1, INT_MAX); break;
		case 's': bufsize_mb = parse_num(optarg, "buffer size", 1, 64); break;
		case 'v': verbose++; break;
		case 'd': del = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 1;
		}
	}
	if (del) {
		if (optind != argc || outfile || cmd) {
			usage(stderr);
			return 1;
		}
		return do_delete(del);
	}
	if (optind >= argc) {
		usage(stderr);
		return 1;
	}
	if (cmd && target) {
		fprintf(stderr, "%s: -c and -x cannot be used together\n", prog);
		return 1;
	}
	modpath = argv[optind++];

	/* Signals: INT/TERM/HUP ask for a clean shutdown, at any point. */
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_signal;	/* no SA_RESTART: poll(2) must wake */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = on_sigchld;
	sa.sa_flags = SA_NOCLDSTOP;
	sigaction(SIGCHLD, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	out = stdout;
	if (outfile) {
		out = fopen(outfile, "w");
		if (!out) {
			out = stdout;
			fail("cannot open %s: %s", outfile, strerror(errno));
		}
	}

	img = read_file(modpath, &imgsize);
	module_name(modpath, img, imgsize, st.modname, sizeof(st.modname));
	check_build_id(modpath, img, imgsize);

	if (statfs(DEBUGFS_DIR, &sfs) < 0 || sfs.f_type != DEBUGFS_MAGIC_NUMBER)
		fail("debugfs is not mounted at %s (mount -t debugfs none %s)",
		     DEBUGFS_DIR, DEBUGFS_DIR);

	if (module_loaded(st.modname)) {
		vlog("removing leftover module %s", st.modname);
		if (remove_module(st.modname) < 0)
			fail("module %s is already loaded and cannot be removed: %s",
			     st.modname, strerror(errno));
	}

	if (cmd) {
		start_child(cmd);
		target = st.child;
	}
	params = build_params(argv + optind, argc - optind, bufsize_mb, target);
	vlog("loading %s as %s with '%s'", modpath, st.modname, params);

	fd = open(modpath, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		fail("cannot open %s: %s", modpath, strerror(errno));
	if (syscall(SYS_finit_module, fd, params, 0) < 0) {
		if (errno == ENOSYS)
			i = syscall(SYS_init_module, img, imgsize, params);
		else
			i = -1;
		if (i < 0) {
			int e = errno;

			close(fd);
			if (e == EEXIST)
				fail("cannot load %s: module %s is already loaded",
				     modpath, st.modname);
			fail("cannot load %s: %s%s", modpath, strerror(e),
			     e == ENOEXEC || e == EINVAL ?
			     " (see dmesg; wrong kernel or bad parameter?)" : "");
		}
	}
	close(fd);
	free(img);
	free(params);
	st.loaded = true;
	vlog("loaded in %.3f s", now_s() - t0);

	snprintf(dir, sizeof(dir), "%s/%s/%s", DEBUGFS_DIR, SD_DEBUGFS_TOP,
		 st.modname);
	snprintf(path, sizeof(path), "%s/%s", dir, SD_CMD_FILE);
	st.cmd_fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (st.cmd_fd < 0)
		fail("cannot open %s: %s (is %s a Sonde module?)", path,
		     strerror(errno), modpath);

	/* READY comes first and tells the protocol version. */
	{
		struct pollfd p = { .fd = st.cmd_fd, .events = POLLIN };
		struct sd_msg_hdr *h = (struct sd_msg_hdr *)msg;

		if (poll(&p, 1, 5000) <= 0 || !cmd_recv(msg))
			fail("module %s did not answer on %s", st.modname, path);
		if (h->id != SD_MSG_READY || h->len < sizeof(uint32_t))
			fail("protocol error: module %s sent message %u before READY",
			     st.modname, h->id);
		memcpy(&ready.version, msg + sizeof(*h), sizeof(ready.version));
		if (ready.version != SD_PROTOCOL_VERSION || h->len != sizeof(ready))
			fail("protocol version mismatch: module %s speaks version %u, sonde-run %d",
			     st.modname, ready.version, SD_PROTOCOL_VERSION);
		memcpy(&ready, msg + sizeof(*h), sizeof(ready));
	}
	open_relays(dir, ready.nr_cpus);

	pfd = xrealloc(NULL, sizeof(*pfd) * (n_relays + 1));
	if (got_signal) {
		cmd_send(SD_MSG_EXIT, NULL, 0);
		exit_sent = true;
	} else {
		cmd_send(SD_MSG_START, &start, sizeof(start));
		vlog("started after %.3f s", now_s() - t0);
		release_child();
	}

	while (!got_done) {
		pfd[0] = (struct pollfd){ .fd = st.cmd_fd, .events = POLLIN };
		for (i = 0; i < n_relays; i++)
			pfd[i + 1] = (struct pollfd){ .fd = relays[i].fd,
						      .events = POLLIN };
		if (poll(pfd, n_relays + 1, POLL_MS) < 0 && errno != EINTR)
			fail("poll: %s", strerror(errno));

		drain_all();

		while (cmd_recv(msg)) {
			struct sd_msg_hdr *h = (struct sd_msg_hdr *)msg;
			char *payload = msg + sizeof(*h);

			switch (h->id) {
			case SD_MSG_REQUEST_EXIT:
				vlog("module asked to exit");
				if (!exit_sent) {
					cmd_send(SD_MSG_EXIT, NULL, 0);
					exit_sent = true;
				}
				break;
			case SD_MSG_DONE:
				if (h->len >= sizeof(done))
					memcpy(&done, payload, sizeof(done));
				got_done = true;
				break;
			case SD_MSG_OOB:
				if (h->len >= sizeof(struct sd_msg_oob)) {
					struct sd_msg_oob o;

					memcpy(&o, payload, sizeof(o));
					print_oob(o.kind, payload + sizeof(o),
						  h->len - sizeof(o));
				}
				break;
			default:
				vlog("ignoring control message %u", h->id);
				break;
			}
		}
		if (got_done)
			break;

		if (st.child > 0 && waitpid(st.child, &status, WNOHANG) == st.child) {
			vlog("command exited (status %d)", status);
			st.child = -1;
			if (!exit_sent) {
				cmd_send(SD_MSG_EXIT, NULL, 0);
				exit_sent = true;
			}
		}
		if (got_signal && !exit_sent) {
			vlog("signal %d: exiting", (int)got_signal);
			cmd_send(SD_MSG_EXIT, NULL, 0);
			exit_sent = true;
			nsignals = 1;
		}
		if (exit_sent && nsignals > 1) {
			fprintf(stderr, "%s: interrupted again: not waiting for the end probes\n",
				prog);
			break;
		}
	}

	/* The module has finished writing: everything is in the relays. */
	drain_all();
	merge(true);
	for (i = 0; i < n_relays; i++)
		if (relays[i].len != relays[i].off && !relays[i].broken)
			fprintf(stderr, "%s: %zu bytes of a truncated chunk on cpu %d\n",
				prog, relays[i].len - relays[i].off, relays[i].cpu);
	if (done.errors || done.skipped)
		fprintf(stderr, "WARNING: Number of errors: %llu, skipped probes: %llu\n",
			(unsigned long long)done.errors,
			(unsigned long long)done.skipped);
	if (done.dropped)
		fprintf(stderr, "WARNING: %llu output chunks were lost (transport buffers full; try -s)\n",
			(unsigned long long)done.dropped);
	if (out != stdout && fclose(out) != 0) {
		out = stdout;
		fail("cannot write %s: %s", outfile, strerror(errno));
	}
	out = stdout;
	cleanup();
	vlog("finished after %.3f s", now_s() - t0);
	return done.errors ? 1 : 0;	/* like stap: errors fail the run */
}
