// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * usyms.c - the symbol and line tables of user files, emitted into the
 * module for runtime/usym.h (usyms.h)
 *
 * A file's table holds its function symbols (STT_FUNC and STT_GNU_IFUNC
 * of the symbol table, or of the separate debug file's, which libdwfl
 * reads) sorted by link-time address, one name per address; its
 * executable PT_LOAD segments, to turn a file offset back into a
 * link-time address; and, when the script asks for source lines and the
 * file has DWARF, its line table: one row where the line changes, with
 * line 0 where a sequence of code ends, and the source files' paths.
 */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <gelf.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "debuginfo.h"
#include "diag.h"
#include "elaborate.h"
#include "pretty.h"
#include "usyms.h"

/* beyond this many rows (a big library's DWARF) a file gets no line table */
#define USYMS_MAX_LINES 2000000

struct usyms_sym {
	uint64_t addr, size;
	const char *name;
	int rank;		/* lower is the better name for an address */
};

struct usyms_row {
	uint64_t addr;
	uint32_t line, src;
	size_t seq;		/* order in the line programs */
};

/* source paths, each stored once: an open-addressing hash of indexes */
struct usyms_srcs {
	const char **v;
	size_t n, cap;
	uint32_t *slot;		/* index + 1, 0 for empty */
	size_t nslots;
};

static uint32_t usyms_src_index(struct usyms_srcs *t, const char *path)
{
	size_t h;

	if (2 * (t->n + 1) > t->nslots) {
		size_t ns = t->nslots ? 2 * t->nslots : 256;
		uint32_t *slot = xcalloc(ns, sizeof(*slot));

		for (size_t i = 0; i < t->nslots; i++) {
			if (!t->slot[i])
				continue;
			h = fnv1a(FNV1A_INIT, t->v[t->slot[i] - 1], strlen(t->v[t->slot[i] - 1])) % ns;
			while (slot[h])
				h = (h + 1) % ns;
			slot[h] = t->slot[i];
		}
		free(t->slot);
		t->slot = slot;
		t->nslots = ns;
	}
	h = fnv1a(FNV1A_INIT, path, strlen(path)) % t->nslots;
	for (; t->slot[h]; h = (h + 1) % t->nslots)
		if (!strcmp(t->v[t->slot[h] - 1], path))
			return t->slot[h] - 1;
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 64;
		t->v = xrealloc(t->v, t->cap * sizeof(*t->v));
	}
	t->v[t->n] = path;
	t->slot[h] = (uint32_t)++t->n;
	return (uint32_t)(t->n - 1);
}

/* does the script call a library function whose C code mentions what? */
static bool usyms_used(struct session *s, const char *what)
{
	struct program *prog = s->program;

	for (int i = 0; i < prog->used.n; i++) {
		struct function *fn = prog->used.v[i];

		if (fn->embedded && strstr(fn->embedded, what))
			return true;
	}
	return false;
}

static int usyms_sym_rank(const GElf_Sym *sym, const char *name)
{
	int bind = GELF_ST_BIND(sym->st_info);
	int r = bind == STB_GLOBAL ? 0 : bind == STB_WEAK ? 1 : 2;

	/* "malloc" rather than "__libc_malloc" for the same code */
	while (*name++ == '_')
		r += 3;
	return r;
}

static int usyms_cmp_sym(const void *a, const void *b)
{
	const struct usyms_sym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	if (x->rank != y->rank)
		return x->rank - y->rank;
	if (strlen(x->name) != strlen(y->name))
		return strlen(x->name) < strlen(y->name) ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* the file's functions by address, one per address; *n of them (free the array) */
static struct usyms_sym *usyms_symbols(struct session *s, struct debuginfo *di, size_t *n)
{
	Dwfl_Module *mod = di->mod;
	int nsym = dwfl_module_getsymtab(mod);
	struct usyms_sym *v = xcalloc(nsym > 0 ? (size_t)nsym : 1, sizeof(*v));
	size_t k = 0, out = 0;

	for (int i = 1; i < nsym; i++) {
		GElf_Sym sym;
		GElf_Addr addr;
		const char *name = dwfl_module_getsym_info(mod, i, &sym, &addr, NULL, NULL, NULL);
		int type = GELF_ST_TYPE(sym.st_info);
		char *at;

		if (!name || !*name || (type != STT_FUNC && type != STT_GNU_IFUNC) ||
		    sym.st_shndx == SHN_UNDEF || !sym.st_value ||
		    debuginfo_file_offset(di, sym.st_value) < 0)
			continue;
		/* "malloc@@GLIBC_2.2.5" in a dynamic symbol table is malloc */
		if ((at = strchr(name, '@')))
			name = arena_strndup(&s->arena, name, (size_t)(at - name));
		v[k++] = (struct usyms_sym){ sym.st_value, sym.st_size, name, usyms_sym_rank(&sym, name) };
	}
	qsort(v, k, sizeof(*v), usyms_cmp_sym);
	for (size_t i = 0; i < k; i++) {
		if (out && v[out - 1].addr == v[i].addr) {
			if (!v[out - 1].size)
				v[out - 1].size = v[i].size;
			continue;
		}
		v[out++] = v[i];
	}
	/* a symbol without a size reaches to the next one */
	for (size_t i = 0; i + 1 < out; i++)
		if (!v[i].size)
			v[i].size = v[i + 1].addr - v[i].addr;
	*n = out;
	return v;
}

static int usyms_cmp_row(const void *a, const void *b)
{
	const struct usyms_row *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* the file's line table, compacted; NULL (and *n 0) when it has none or it is too big */
static struct usyms_row *usyms_lines(struct session *s, struct debuginfo *di, struct usyms_srcs *srcs,
				     size_t *n)
{
	Dwarf *dw = di->dw;
	Dwarf_Off off = 0, next;
	size_t hsize, k = 0, cap = 0, out = 0;
	struct usyms_row *v = NULL;

	*n = 0;
	if (!dw)
		return NULL;
	while (dwarf_nextcu(dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		Dwarf_Die cu;
		Dwarf_Lines *lines;
		size_t nl;

		if (dwarf_offdie(dw, off + hsize, &cu) && dwarf_getsrclines(&cu, &lines, &nl) == 0) {
			for (size_t i = 0; i < nl; i++) {
				Dwarf_Line *l = dwarf_onesrcline(lines, i);
				Dwarf_Addr a;
				int line = 0;
				bool end = false;
				const char *src;

				if (!l || dwarf_lineaddr(l, &a) || dwarf_lineno(l, &line) ||
				    dwarf_lineendsequence(l, &end) || !(src = dwarf_linesrc(l, NULL, NULL)))
					continue;
				if (a > UINT32_MAX || k >= USYMS_MAX_LINES) {
					if (s->verbose)
						fprintf(stderr, "Pass 4: %s: no line table (too big)\n", di->path);
					free(v);
					return NULL;
				}
				if (k == cap) {
					cap = cap ? 2 * cap : 4096;
					v = xrealloc(v, cap * sizeof(*v));
				}
				v[k] = (struct usyms_row){ a, end || line < 0 ? 0 : (uint32_t)line,
							   usyms_src_index(srcs, src), k };
				k++;
			}
		}
		off = next;
	}
	qsort(v, k, sizeof(*v), usyms_cmp_row);
	/* the last row at an address wins; then one row per change of place */
	for (size_t i = 0; i < k; i++) {
		if (i + 1 < k && v[i + 1].addr == v[i].addr)
			continue;
		if (out && v[out - 1].line == v[i].line && v[out - 1].src == v[i].src)
			continue;
		v[out++] = v[i];
	}
	*n = out;
	return v;
}

static void usyms_file(struct session *s, struct strbuf *out, struct debuginfo *di, int idx,
		       bool want_lines, struct strbuf *list)
{
	struct usyms_srcs srcs = {0};
	struct usyms_sym *syms;
	struct usyms_row *rows = NULL;
	size_t nsyms, nrows = 0;
	struct strbuf q = STRBUF_INIT;

	syms = usyms_symbols(s, di, &nsyms);
	if (want_lines)
		rows = usyms_lines(s, di, &srcs, &nrows);
	if (nsyms) {
		sb_printf(out, "static const struct sd_usym_sym sd_usym_%d_syms[] = {\n", idx);
		for (size_t i = 0; i < nsyms; i++) {
			q.len = 0;
			pretty_string(&q, syms[i].name, strlen(syms[i].name));
			sb_printf(out, "\t{ 0x%" PRIx64 "UL, 0x%" PRIx64 "UL, %s },\n", syms[i].addr,
				  syms[i].size, q.buf);
		}
		sb_puts(out, "};\n");
	}
	sb_printf(out, "static const struct sd_usym_seg sd_usym_%d_segs[] = {\n", idx);
	for (int i = 0; i < di->nsegs; i++)
		sb_printf(out, "\t{ 0x%" PRIx64 "UL, 0x%" PRIx64 "UL, 0x%" PRIx64 "UL },\n",
			  di->segs[i].vaddr, di->segs[i].memsz, di->segs[i].offset);
	if (!di->nsegs)
		sb_puts(out, "\t{ 0, 0, 0 }\n");
	sb_puts(out, "};\n");
	if (nrows) {
		sb_printf(out, "static const char *const sd_usym_%d_srcs[] = {\n", idx);
		for (size_t i = 0; i < srcs.n; i++) {
			q.len = 0;
			pretty_string(&q, srcs.v[i], strlen(srcs.v[i]));
			sb_printf(out, "\t%s,\n", q.buf);
		}
		sb_printf(out, "};\nstatic const struct sd_usym_line sd_usym_%d_lines[] = {\n", idx);
		for (size_t i = 0; i < nrows; i++)
			sb_printf(out, "\t{ 0x%" PRIx64 ", %" PRIu32 ", %" PRIu32 " },\n", rows[i].addr,
				  rows[i].line, rows[i].src);
		sb_puts(out, "};\n");
	}
	q.len = 0;
	pretty_string(&q, di->path, strlen(di->path));
	sb_printf(list, "\t{ .path = %s, .segs = sd_usym_%d_segs, .nsegs = %d", q.buf, idx, di->nsegs);
	if (nsyms)
		sb_printf(list, ", .syms = sd_usym_%d_syms, .nsyms = %zu", idx, nsyms);
	if (nrows)
		sb_printf(list, ", .lines = sd_usym_%d_lines, .nlines = %zu, .srcs = sd_usym_%d_srcs",
			  idx, nrows, idx);
	sb_puts(list, " },\n");
	if (s->verbose)
		fprintf(stderr, "Pass 3: %s: %zu symbols, %zu line rows for user addresses\n", di->path,
			nsyms, nrows);
	free(syms);
	free(rows);
	free(srcs.v);
	free(srcs.slot);
	sb_release(&q);
}

static bool usyms_is_elf(const char *path)
{
	char magic[4] = {0};
	FILE *f = fopen(path, "rb");

	if (!f)
		return false;
	if (fread(magic, 1, sizeof(magic), f) != sizeof(magic))
		magic[0] = 0;
	fclose(f);
	return !memcmp(magic, "\177ELF", 4);
}

/* --ldd: load the libraries (DT_NEEDED) of a user file that can be found */
static void usyms_needed(struct session *s, struct debuginfo *di)
{
	GElf_Addr bias;
	Elf *elf = dwfl_module_getelf(di->mod, &bias);
	Elf_Scn *scn = NULL;

	while (elf && (scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_DYNAMIC || !(data = elf_getdata(scn, NULL)))
			continue;
		for (size_t k = 0; k < sh.sh_size / (sh.sh_entsize ? sh.sh_entsize : 1); k++) {
			GElf_Dyn dyn;
			const char *name, *path;

			if (!gelf_getdyn(data, (int)k, &dyn) || dyn.d_tag == DT_NULL)
				break;
			if (dyn.d_tag != DT_NEEDED ||
			    !(name = elf_strptr(elf, sh.sh_link, dyn.d_un.d_val)) ||
			    !(path = probes_find_library(s, name)))
				continue;
			debuginfo_user(s, path, NOLOC);
		}
	}
}

int usyms_load(struct session *s)
{
	int before = s->nerrors;
	const char *exe;

	if (!usyms_used(s, "_sd_usym_"))
		return 0;
	/* the target's own functions, as process.function probes them (not a shell script's) */
	if ((exe = probes_target_executable(s)) && usyms_is_elf(exe) && !debuginfo_user(s, exe, NOLOC))
		return -1;

	for (int i = 0; i < s->sym_files.n; i++) {
		const char *p = s->sym_files.v[i];
		char buf[PATH_MAX];

		/* "-d ext4" names a kernel module: kallsyms has its symbols */
		if (!strchr(p, '/') && !path_exists(p))
			continue;
		if (!realpath(p, buf)) {
			diag_error(s, NOLOC, DIAG_SEM_NO_SYMBOL_FILE, p);
			continue;
		}
		debuginfo_user(s, arena_strdup(&s->arena, buf), NOLOC);
	}
	/* the list grows as libraries are added: theirs are followed too */
	for (int i = 0; s->ldd && i < s->modules.n; i++) {
		struct debuginfo *di = s->modules.v[i];

		if (di->user && di->mod)
			usyms_needed(s, di);
	}
	return s->nerrors > before ? -1 : 0;
}

void usyms_emit(struct session *s, struct strbuf *out)
{
	struct strbuf list = STRBUF_INIT;
	int n = 0;

	if (usyms_used(s, "_sd_usym_")) {
		bool lines = usyms_used(s, "SD_USYM_FILELINE");

		for (int i = 0; i < s->modules.n; i++) {
			struct debuginfo *di = s->modules.v[i];

			if (di->user && di->mod)
				usyms_file(s, out, di, n++, lines, &list);
		}
	}
	sb_puts(out, "static struct sd_usym_file sd_usym_files[] = {\n");
	sb_puts(out, list.len ? list.buf : "\t{ .path = NULL }\n");
	sb_printf(out, "};\nstatic const size_t sd_usym_files_n = %d;\n\n", n);
	sb_release(&list);
}
