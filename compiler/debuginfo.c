// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * debuginfo.c - find the target kernel's vmlinux with DWARF and index its
 * functions (debuginfo.h)
 *
 * Walking every compilation unit of a distribution vmlinux (633 MB, 2,300
 * CUs, 160,000 subprograms) takes two seconds and 400 MB of mapped pages,
 * so it is done once per build-id: the index (name, ELF symbol, entry,
 * DIE offset, declaring file and line, flags) is written to
 * CACHE/dwarf/BUILDID.idx as text, and later runs read only that file and
 * the few DIEs their probes name.
 */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwelf.h>
#include <elfutils/libdwfl.h>
#include <ftw.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <gelf.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "debuginfo.h"
#include "diag.h"
#include "target.h"
#include "util.h"

#define INDEX_MAGIC "sonde-dwarf-index 4"

/* {=== finding vmlinux ===} */

static bool usable(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0;
}

/* the candidates in search order, for the target release rel */
static void candidates(struct session *s, const char *rel, struct vec *out)
{
	struct arena *A = &s->arena;
	const char *env = getenv("SONDE_DEBUGINFO_PATH");
	struct target *t = target_get(s);
	const char *cache = session_cache_dir(s);

	if (env && *env) {
		char *list = arena_strdup(A, env), *save = NULL;

		for (char *d = strtok_r(list, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
			if (!path_is_dir(d)) {
				vec_push(A, out, d);
				continue;
			}
			vec_push(A, out, arena_strfmt(A, "%s/vmlinux-%s", d, rel));
			vec_push(A, out, arena_strfmt(A, "%s/boot/vmlinux-%s", d, rel));
			vec_push(A, out, arena_strfmt(A, "%s/lib/modules/%s/vmlinux", d, rel));
			vec_push(A, out, arena_strfmt(A, "%s/vmlinux", d));
		}
	}
	if (t->build_dir)
		vec_push(A, out, arena_strfmt(A, "%s/vmlinux", t->build_dir));
	vec_push(A, out, arena_strfmt(A, "/usr/lib/debug/boot/vmlinux-%s", rel));
	vec_push(A, out, arena_strfmt(A, "/usr/lib/debug/lib/modules/%s/vmlinux", rel));
	if (cache)
		vec_push(A, out, arena_strfmt(A, "%s/vm/%s/debug/vmlinux", cache, rel));
}

/* the running kernel's build-id from /sys/kernel/notes, when it is the target */
static const char *running_build_id(struct session *s, const char *rel)
{
	struct utsname u;
	size_t len, off = 0;
	char *notes;
	const char *id = NULL;

	if (uname(&u) || strcmp(u.release, rel) || !(notes = read_file("/sys/kernel/notes", &len)))
		return NULL;
	while (off + 12 <= len) {
		uint32_t nsz, dsz, type;

		memcpy(&nsz, notes + off, 4);
		memcpy(&dsz, notes + off + 4, 4);
		memcpy(&type, notes + off + 8, 4);
		off += 12;
		size_t name_end = off + ((nsz + 3) & ~3u), desc_end = name_end + ((dsz + 3) & ~3u);

		if (desc_end > len)
			break;
		if (type == NT_GNU_BUILD_ID && nsz == 4 && !memcmp(notes + off, "GNU", 4)) {
			struct strbuf sb = STRBUF_INIT;

			for (uint32_t i = 0; i < dsz; i++)
				sb_printf(&sb, "%02x", (unsigned char)notes[name_end + i]);
			id = arena_strdup(&s->arena, sb.buf);
			sb_release(&sb);
			break;
		}
		off = desc_end;
	}
	free(notes);
	return id;
}

static const char *build_id_of(struct session *s, Elf *elf)
{
	const void *id;
	ssize_t n = dwelf_elf_gnu_build_id(elf, &id);
	struct strbuf sb = STRBUF_INIT;
	const char *r;

	if (n <= 0)
		return NULL;
	for (ssize_t i = 0; i < n; i++)
		sb_printf(&sb, "%02x", ((const unsigned char *)id)[i]);
	r = arena_strdup(&s->arena, sb.buf);
	sb_release(&sb);
	return r;
}

/* {=== building the index ===} */

struct sym {
	uint64_t addr;
	const char *name;
	int count;		/* symbols of this name in the whole table */
};

struct range {
	uint64_t lo, hi;
};

struct builder {
	struct session *s;
	struct sym *syms;	/* FUNC symbols by address */
	size_t nsyms, capsyms;
	struct range noprobe[8];	/* sections kprobes refuse */
	int nnoprobe;
	struct range init, blacklist_tab, mcount_tab;
	uint64_t *blacklist, *mcount;	/* sorted addresses */
	size_t nblacklist, nmcount;
	uint64_t anchor;	/* init_task */
	uint64_t banner;	/* linux_banner */
	struct tdef *types;
	size_t ntypes, captypes;
	FILE *out;
};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int cmp_sym_addr(const void *a, const void *b)
{
	const struct sym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static int cmp_sym_name(const void *a, const void *b)
{
	return strcmp((*(struct sym *const *)a)->name, (*(struct sym *const *)b)->name);
}

static bool has_u64(const uint64_t *v, size_t n, uint64_t x)
{
	return n && bsearch(&x, v, n, sizeof(*v), cmp_u64);
}

/* the 8-byte addresses stored between two link-time addresses, sorted */
static uint64_t *addr_array(Elf *elf, struct range r, size_t *n)
{
	Elf_Scn *scn = NULL;

	*n = 0;
	if (r.hi <= r.lo)
		return NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;
		uint64_t *v;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type == SHT_NOBITS || !(sh.sh_flags & SHF_ALLOC) ||
		    r.lo < sh.sh_addr || r.hi > sh.sh_addr + sh.sh_size)
			continue;
		if (!(d = elf_getdata(scn, NULL)) || !d->d_buf || d->d_size < sh.sh_size)
			return NULL;
		*n = (r.hi - r.lo) / 8;
		v = xmalloc(*n * 8 + 8);
		memcpy(v, (const char *)d->d_buf + (r.lo - sh.sh_addr), *n * 8);
		qsort(v, *n, 8, cmp_u64);
		return v;
	}
	return NULL;
}

/* calls fn(symbol, name, arg) for each named symbol of elf's .symtab until fn returns true */
static void each_symbol(Elf *elf, bool (*fn)(const GElf_Sym *, const char *, void *), void *arg)
{
	Elf_Scn *scn = NULL;

	while (elf && (scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB || !(d = elf_getdata(scn, NULL)))
			continue;
		for (size_t i = 0; i < sh.sh_size / (sh.sh_entsize ?: 1); i++) {
			GElf_Sym sym;
			const char *name;

			if (gelf_getsym(d, (int)i, &sym) && (name = elf_strptr(elf, sh.sh_link, sym.st_name)) &&
			    fn(&sym, name, arg))
				return;
		}
	}
}

/* the sections kprobes refuse, by their start and end symbols */
static const char *const bounds[][2] = {
	{ "__kprobes_text_start", "__kprobes_text_end" },
	{ "__noinstr_text_start", "__noinstr_text_end" },
	{ "__entry_text_start", "__entry_text_end" },
	{ "__irqentry_text_start", "__irqentry_text_end" },
	{ "__softirqentry_text_start", "__softirqentry_text_end" },
	{ "__cpuidle_text_start", "__cpuidle_text_end" },
};

/* one symbol for read_symbols: section bounds, markers, and FUNC symbols kept */
static bool note_symbol(const GElf_Sym *sym, const char *name, void *arg)
{
	struct builder *b = arg;

	for (size_t k = 0; k < ARRAY_SIZE(bounds); k++)
		for (int e = 0; e < 2; e++)
			if (!strcmp(name, bounds[k][e])) {
				struct range *r = &b->noprobe[k];

				*(e ? &r->hi : &r->lo) = sym->st_value;
			}
	if (!strcmp(name, "__start_kprobe_blacklist"))
		b->blacklist_tab.lo = sym->st_value;
	else if (!strcmp(name, "__stop_kprobe_blacklist"))
		b->blacklist_tab.hi = sym->st_value;
	else if (!strcmp(name, "__start_mcount_loc"))
		b->mcount_tab.lo = sym->st_value;
	else if (!strcmp(name, "__stop_mcount_loc"))
		b->mcount_tab.hi = sym->st_value;
	if (!strcmp(name, "init_task"))
		b->anchor = sym->st_value;
	else if (!strcmp(name, "linux_banner"))
		b->banner = sym->st_value;
	if (!strcmp(name, "_sinittext"))
		b->init.lo = sym->st_value;
	else if (!strcmp(name, "_einittext"))
		b->init.hi = sym->st_value;
	if (GELF_ST_TYPE(sym->st_info) != STT_FUNC || !*name)
		return false;
	if (b->nsyms == b->capsyms) {
		b->capsyms = b->capsyms ? 2 * b->capsyms : 65536;
		b->syms = xrealloc(b->syms, b->capsyms * sizeof(*b->syms));
	}
	b->syms[b->nsyms++] = (struct sym){ sym->st_value, name, 0 };
	return false;
}

static void read_symbols(struct builder *b, Elf *elf)
{
	struct sym **byname;

	each_symbol(elf, note_symbol, b);
	b->nnoprobe = (int)ARRAY_SIZE(bounds);
	/* how many symbols share each name */
	byname = xmalloc((b->nsyms + 1) * sizeof(*byname));
	for (size_t i = 0; i < b->nsyms; i++)
		byname[i] = &b->syms[i];
	qsort(byname, b->nsyms, sizeof(*byname), cmp_sym_name);
	for (size_t i = 0, j; i < b->nsyms; i = j) {
		for (j = i; j < b->nsyms && !strcmp(byname[j]->name, byname[i]->name); j++)
			;
		for (size_t k = i; k < j; k++)
			byname[k]->count = (int)(j - i);
	}
	free(byname);
	qsort(b->syms, b->nsyms, sizeof(*b->syms), cmp_sym_addr);
}

/* the symbol at exactly addr, preferring a unique name */
static const struct sym *sym_at(struct builder *b, uint64_t addr)
{
	size_t lo = 0, hi = b->nsyms;
	const struct sym *best = NULL;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (b->syms[mid].addr < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < b->nsyms && b->syms[lo].addr == addr; lo++)
		if (!best || (best->count > 1 && b->syms[lo].count == 1))
			best = &b->syms[lo];
	return best;
}

static const char *rel_path(const char *f)
{
	if (!f)
		return "";
	while (f[0] == '.' && f[1] == '/')
		f += 2;
	return f;
}

/* the first definition of each named struct and union, for @cast */
struct tdef {
	const char *name;
	uint64_t die;
	int tag;
};

static void index_types(struct builder *b, Dwarf_Die *cu)
{
	Dwarf_Die child;

	if (dwarf_child(cu, &child) != 0)
		return;
	do {
		int tag = dwarf_tag(&child);
		const char *n;

		if ((tag != DW_TAG_structure_type && tag != DW_TAG_union_type) ||
		    dwarf_hasattr(&child, DW_AT_declaration) || !(n = dwarf_diename(&child)))
			continue;
		if (b->ntypes == b->captypes) {
			b->captypes = b->captypes ? 2 * b->captypes : 65536;
			b->types = xrealloc(b->types, b->captypes * sizeof(*b->types));
		}
		b->types[b->ntypes++] = (struct tdef){ n, dwarf_dieoffset(&child), tag };
	} while (dwarf_siblingof(&child, &child) == 0);
}

static int cmp_tdef(const void *a, const void *b)
{
	const struct tdef *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	if (x->tag != y->tag)
		return x->tag - y->tag;
	return x->die < y->die ? -1 : x->die > y->die;
}

static int index_func(Dwarf_Die *die, void *arg)
{
	struct builder *b = arg;
	const char *name = dwarf_diename(die);
	Dwarf_Addr lo = 0;
	unsigned flags = 0;
	int line = 0;
	const struct sym *sym = NULL;
	Dwarf_Attribute a;

	if (!name || dwarf_hasattr(die, DW_AT_declaration))
		return DWARF_CB_OK;
	if (dwarf_func_inline(die))
		flags |= DF_INLINED;
	if (dwarf_hasattr(die, DW_AT_external))
		flags |= DF_EXTERNAL;
	if (dwarf_attr(die, DW_AT_low_pc, &a) && dwarf_lowpc(die, &lo) == 0 && lo) {
		flags |= DF_CODE;
		sym = sym_at(b, lo);
		if (sym && sym->count == 1)
			flags |= DF_SYM_UNIQUE;
		if (lo >= b->init.lo && lo < b->init.hi)
			flags |= DF_INIT;
		for (int i = 0; i < b->nnoprobe; i++)
			if (lo >= b->noprobe[i].lo && lo < b->noprobe[i].hi)
				flags |= DF_NOKPROBE;
		if (has_u64(b->blacklist, b->nblacklist, lo))
			flags |= DF_NOKPROBE;
		/* the fentry call follows the entry, or an endbr64 */
		if (has_u64(b->mcount, b->nmcount, lo) || has_u64(b->mcount, b->nmcount, lo + 4))
			flags |= DF_FTRACE;
	}
	dwarf_decl_line(die, &line);
	fprintf(b->out, "%s\t%s\t%" PRIx64 "\t%" PRIx64 "\t%s\t%d\t%x\n", name,
		sym ? sym->name : "-", (uint64_t)lo, (uint64_t)dwarf_dieoffset(die),
		rel_path(dwarf_decl_file(die)), line, flags);
	return DWARF_CB_OK;
}

/* the release in "Linux version REL (...", "unknown" if not found */
static const char *banner_release(struct builder *b, Elf *elf)
{
	Elf_Scn *scn = NULL;

	while (b->banner && (scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;
		const char *p, *end;
		size_t off;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type == SHT_NOBITS ||
		    b->banner < sh.sh_addr || b->banner >= sh.sh_addr + sh.sh_size)
			continue;
		if (!(d = elf_getdata(scn, NULL)) || !d->d_buf)
			break;
		off = b->banner - sh.sh_addr;
		p = (const char *)d->d_buf + off;
		end = memchr(p, ' ', d->d_size - off > 200 ? 200 : d->d_size - off);
		if (!end || strncmp(p, "Linux version ", 14))
			break;
		p += 14;
		end = memchr(p, ' ', (size_t)((const char *)d->d_buf + d->d_size - p));
		if (!end || end - p > 120)
			break;
		return arena_strndup(&b->s->arena, p, (size_t)(end - p));
	}
	return "unknown";
}

/* write the index of vmlinux (open as dw/elf) to path; false on failure */
static bool build_index(struct session *s, Dwarf *dw, Elf *elf, const char *id, const char *path)
{
	struct builder b = { .s = s };
	char *tmp = arena_strfmt(&s->arena, "%s.%d.tmp", path, (int)getpid());
	Dwarf_Off off = 0, next;
	size_t hsize;
	bool ok;

	read_symbols(&b, elf);
	b.blacklist = addr_array(elf, b.blacklist_tab, &b.nblacklist);
	b.mcount = addr_array(elf, b.mcount_tab, &b.nmcount);
	if (!(b.out = fopen(tmp, "w")))
		return false;
	fprintf(b.out, "%s %s %" PRIx64 " %s\n", INDEX_MAGIC, id, b.anchor, banner_release(&b, elf));
	while (dwarf_nextcu(dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		Dwarf_Die cu;

		if (dwarf_offdie(dw, off + hsize, &cu)) {
			dwarf_getfuncs(&cu, index_func, &b, 0);
			index_types(&b, &cu);
		}
		off = next;
	}
	/* one line per struct or union name: "struct NAME" / "union NAME" */
	qsort(b.types, b.ntypes, sizeof(*b.types), cmp_tdef);
	for (size_t i = 0; i < b.ntypes; i++)
		if (!i || strcmp(b.types[i].name, b.types[i - 1].name) || b.types[i].tag != b.types[i - 1].tag)
			fprintf(b.out, "%s %s\t-\t0\t%" PRIx64 "\t\t0\t%x\n",
				b.types[i].tag == DW_TAG_structure_type ? "struct" : "union",
				b.types[i].name, b.types[i].die, DF_TYPE);
	ok = !ferror(b.out);
	ok = fclose(b.out) == 0 && ok && rename(tmp, path) == 0;
	if (!ok)
		unlink(tmp);
	free(b.syms);
	free(b.types);
	free(b.blacklist);
	free(b.mcount);
	return ok;
}

/* {=== reading the index ===} */

static int cmp_func(const void *a, const void *b)
{
	const struct dfunc *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : x->addr < y->addr ? -1 : x->addr > y->addr;
}

static int cmp_dtype(const void *a, const void *b)
{
	return strcmp((*(struct dtype *const *)a)->name, (*(struct dtype *const *)b)->name);
}

static bool load_index(struct session *s, struct debuginfo *di, const char *path)
{
	size_t len, n = 0, cap = 0;
	char *text = read_file(path, &len), *p, *eol;
	char id[128], release[128];
	unsigned long long anchor;

	if (!text)
		return false;
	if (sscanf(text, INDEX_MAGIC " %127s %llx %127s", id, &anchor, release) != 3 ||
	    strcmp(id, di->build_id) || !(eol = strchr(text, '\n'))) {
		free(text);
		return false;
	}
	di->anchor = anchor;
	di->release = arena_strdup(&s->arena, release);
	/* the file's text becomes the strings of the entries */
	p = arena_alloc(&s->arena, len - (size_t)(eol + 1 - text) + 1);
	memcpy(p, eol + 1, len - (size_t)(eol + 1 - text));
	p[len - (size_t)(eol + 1 - text)] = 0;
	free(text);
	while (*p) {
		char *f[7];
		int k = 0;

		eol = strchr(p, '\n');
		if (!eol)
			break;
		*eol = 0;
		for (char *q = p; k < 7; k++) {
			f[k] = q;
			q = strchr(q, '\t');
			if (!q)
				break;
			*q++ = 0;
		}
		if (k == 6 && (strtoul(f[6], NULL, 16) & DF_TYPE)) {
			struct dtype *t = arena_alloc(&s->arena, sizeof(*t));

			t->name = f[0];
			t->die = strtoull(f[3], NULL, 16);
			vec_push(&s->arena, &di->types, t);
		} else if (k == 6) {
			if (n == cap) {
				cap = cap ? 2 * cap : 65536;
				di->funcs = xrealloc(di->funcs, cap * sizeof(*di->funcs));
			}
			di->funcs[n++] = (struct dfunc){
				.name = f[0],
				.symbol = strcmp(f[1], "-") ? f[1] : NULL,
				.addr = strtoull(f[2], NULL, 16),
				.die = strtoull(f[3], NULL, 16),
				.file = f[4],
				.line = atoi(f[5]),
				.flags = (unsigned)strtoul(f[6], NULL, 16),
			};
		}
		p = eol + 1;
	}
	qsort(di->types.v, (size_t)di->types.n, sizeof(void *), cmp_dtype);
	/* the arena owns everything else; keep the array there too */
	struct dfunc *v = arena_alloc(&s->arena, (n + 1) * sizeof(*v));

	if (n)
		memcpy(v, di->funcs, n * sizeof(*v));
	free(di->funcs);
	qsort(v, n, sizeof(*v), cmp_func);
	di->funcs = v;
	di->nfuncs = n;
	return true;
}

/* {=== the facility ===} */

static void no_debuginfo(struct session *s, struct loc loc, const char *rel, const char *why)
{
	diag_error(s, loc, DIAG_SEM_NO_DEBUGINFO, rel, why);
	diag_hint(s, DIAG_HINT_DEBUGINFO_PACKAGE, rel, rel);
}

/*
 * Open one candidate: its build-id must match the running kernel's when
 * that is the target, and its banner ("Linux version REL ...", kept in the
 * index) the target release. Returns the reason when it does not fit.
 */
static const char *try_candidate(struct session *s, struct debuginfo *di, const char *path,
				 const char *rel, const char *want_id)
{
	const char *cache = session_cache_dir(s), *idx, *why = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	Elf *elf;
	Dwarf *dw = NULL;

	if (fd < 0)
		return arena_strfmt(&s->arena, "%s: %s", path, strerror(errno));
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	di->build_id = elf ? build_id_of(s, elf) : NULL;
	if (!di->build_id) {
		why = arena_strfmt(&s->arena, "%s has no build-id", path);
		goto fail;
	}
	if (want_id && strcmp(di->build_id, want_id)) {
		why = arena_strfmt(&s->arena, "%s has build-id %s, the running kernel %s", path,
				   di->build_id, want_id);
		goto fail;
	}
	idx = cache ? arena_strfmt(&s->arena, "%s/dwarf/%s.idx", cache, di->build_id) :
		arena_strfmt(&s->arena, "/tmp/sonde-%d.idx", (int)getpid());
	if (!load_index(s, di, idx)) {
		bool ok;

		if (!(dw = dwarf_begin_elf(elf, DWARF_C_READ, NULL))) {
			why = arena_strfmt(&s->arena, "%s has no DWARF", path);
			goto fail;
		}
		if (cache)
			make_dirs(arena_strfmt(&s->arena, "%s/dwarf", cache));
		if (s->verbose)
			fprintf(stderr, "Pass 2: indexing the functions of %s\n", path);
		ok = build_index(s, dw, elf, di->build_id, idx) && load_index(s, di, idx);
		if (!cache)
			unlink(idx);
		if (!ok) {
			why = arena_strfmt(&s->arena, "cannot index %s", path);
			goto fail;
		}
	}
	if (strcmp(di->release, rel)) {
		why = arena_strfmt(&s->arena, "%s is for kernel %s", path, di->release);
		goto fail;
	}
	di->path = path;
	di->dw = dw ? dw : dwarf_begin_elf(elf, DWARF_C_READ, NULL);
	di->fd = fd;
	di->elf = elf;
	return NULL;
fail:
	if (dw)
		dwarf_end(dw);
	if (elf)
		elf_end(elf);
	close(fd);
	di->funcs = NULL;
	di->nfuncs = 0;
	return why;
}

struct debuginfo *debuginfo_kernel(struct session *s, struct loc loc)
{
	const char *rel = target_get(s)->release;
	struct vec cands = {0};
	const char *want_id, *why = "no vmlinux with DWARF was found";
	struct debuginfo *di;

	if (s->debuginfo_tried)
		return s->debuginfo;
	s->debuginfo_tried = true;
	elf_version(EV_CURRENT);
	want_id = running_build_id(s, rel);
	candidates(s, rel, &cands);
	di = arena_calloc(&s->arena, 1, sizeof(*di));
	for (int i = 0; i < cands.n; i++) {
		const char *c = cands.v[i], *w;

		if (!usable(c))
			continue;
		if (!(w = try_candidate(s, di, c, rel, want_id))) {
			if (s->verbose)
				fprintf(stderr, "Pass 2: debug information for %s: %s (build-id %s)\n",
					rel, c, di->build_id);
			s->debuginfo = di;
			s->debuginfo_close = debuginfo_close;
			return di;
		}
		why = w;
	}
	no_debuginfo(s, loc, rel, why);
	return NULL;
}

/* {=== modules ===} */

static const char *find_in_tree_name;
static char find_in_tree_found[4096];

static int find_in_tree_cb(const char *path, const struct stat *st, int type, struct FTW *f)
{
	const char *base = path + f->base;
	size_t n = strlen(find_in_tree_name);

	(void)st;
	if (type != FTW_F || strncmp(base, find_in_tree_name, n) || strcmp(base + n, ".ko"))
		return 0;
	snprintf(find_in_tree_found, sizeof(find_in_tree_found), "%s", path);
	return 1;
}

/* DIR/.../NAME.ko below dir, NULL if none */
static const char *find_in_tree(struct session *s, const char *dir, const char *name)
{
	if (!path_is_dir(dir))
		return NULL;
	find_in_tree_name = name;
	find_in_tree_found[0] = 0;
	nftw(dir, find_in_tree_cb, 16, FTW_PHYS);
	return find_in_tree_found[0] ? arena_strdup(&s->arena, find_in_tree_found) : NULL;
}

/* "foo-bar" and "foo_bar" name the same module */
static const char *module_name(struct session *s, const char *path_or_name)
{
	const char *b = strrchr(path_or_name, '/');
	char *n = arena_strdup(&s->arena, b ? b + 1 : path_or_name);
	size_t len = strlen(n);

	if (len > 3 && !strcmp(n + len - 3, ".ko"))
		n[len - 3] = 0;
	for (char *p = n; *p; p++)
		if (*p == '-')
			*p = '_';
	return n;
}

static const char *module_file(struct session *s, const char *name)
{
	const char *rel = target_get(s)->release, *env = getenv("SONDE_DEBUGINFO_PATH");
	const char *cache = session_cache_dir(s), *f;
	const char *dash = arena_strdup(&s->arena, name);

	for (char *p = (char *)dash; *p; p++)
		if (*p == '_')
			*p = '-';
	if (env && *env) {
		char *list = arena_strdup(&s->arena, env), *save = NULL;

		for (char *d = strtok_r(list, ":", &save); d; d = strtok_r(NULL, ":", &save))
			if ((f = find_in_tree(s, d, name)) || (f = find_in_tree(s, d, dash)))
				return f;
	}
	const char *dirs[] = {
		arena_strfmt(&s->arena, "/usr/lib/debug/lib/modules/%s", rel),
		cache ? arena_strfmt(&s->arena, "%s/vm/%s/debug/modules", cache, rel) : NULL,
		arena_strfmt(&s->arena, "/lib/modules/%s", rel),
	};
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++)
		if (dirs[i] && ((f = find_in_tree(s, dirs[i], name)) || (f = find_in_tree(s, dirs[i], dash))))
			return f;
	return NULL;
}

struct mod_builder {
	struct session *s;
	struct debuginfo *di;
	Dwfl_Module *mod;
	struct vec funcs;
};

/* di's functions: the index entries in funcs (struct dfunc *), copied and sorted by name */
static void set_funcs(struct session *s, struct debuginfo *di, const struct vec *funcs)
{
	di->funcs = arena_alloc(&s->arena, sizeof(*di->funcs) * (size_t)(funcs->n + 1));
	for (int i = 0; i < funcs->n; i++)
		di->funcs[i] = *(struct dfunc *)funcs->v[i];
	di->nfuncs = (size_t)funcs->n;
	qsort(di->funcs, di->nfuncs, sizeof(*di->funcs), cmp_func);
}

/*
 * A defined function's DIE as an index entry: name, DIE offset, declaring
 * file (relative to the build directory for kernel code, as DWARF says
 * for user code) and line, DF_INLINED; NULL for declarations and DIEs
 * without a name
 */
static struct dfunc *die_func(struct session *s, Dwarf_Die *die, bool relative)
{
	const char *name = dwarf_diename(die);
	struct dfunc *f;
	int line = 0;

	if (!name || dwarf_hasattr(die, DW_AT_declaration))
		return NULL;
	f = arena_calloc(&s->arena, 1, sizeof(*f));
	f->name = name;
	f->die = dwarf_dieoffset(die);
	f->file = relative ? rel_path(dwarf_decl_file(die)) : dwarf_decl_file(die) ?: "";
	dwarf_decl_line(die, &line);
	f->line = line;
	if (dwarf_func_inline(die))
		f->flags |= DF_INLINED;
	return f;
}

static int module_func(Dwarf_Die *die, void *arg)
{
	struct mod_builder *b = arg;
	struct dfunc *f = die_func(b->s, die, true);
	Dwarf_Addr lo = 0;
	Dwarf_Attribute a;

	if (!f)
		return DWARF_CB_OK;
	if (dwarf_attr(die, DW_AT_low_pc, &a) && dwarf_lowpc(die, &lo) == 0) {
		Dwarf_Addr sa = lo, bias;
		Elf_Scn *scn = dwfl_module_address_section(b->mod, &sa, &bias);
		GElf_Shdr sh;
		Elf *elf = dwfl_module_getelf(b->mod, &bias);
		size_t shstr;
		const char *sname = "";

		if (scn && elf && gelf_getshdr(scn, &sh) && elf_getshdrstrndx(elf, &shstr) == 0)
			sname = elf_strptr(elf, shstr, sh.sh_name) ?: "";
		f->flags |= DF_CODE | DF_SYM_UNIQUE;
		f->addr = lo;
		/* kallsyms knows a module's functions by their DWARF names, module-qualified */
		f->symbol = arena_strfmt(&b->s->arena, "%s:%s", b->di->module, f->name);
		if (!strncmp(sname, ".init", 5) || !strncmp(sname, ".exit", 5))
			f->flags |= DF_INIT;
		if (!strncmp(sname, ".noinstr", 8) || !strncmp(sname, ".kprobes", 8))
			f->flags |= DF_NOKPROBE;
	}
	vec_push(&b->s->arena, &b->funcs, f);
	return DWARF_CB_OK;
}

static const Dwfl_Callbacks module_callbacks = {
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = dwfl_offline_section_address,
};

struct debuginfo *debuginfo_module(struct session *s, const char *name, struct loc loc)
{
	const char *mname = module_name(s, name), *path;
	struct debuginfo *di;
	struct mod_builder b = { .s = s };
	Dwfl *dwfl;
	Dwfl_Module *mod;
	Dwarf *dw;
	Dwarf_Addr bias;
	Dwarf_Off off = 0, next;
	size_t hsize;

	for (int i = 0; i < s->modules.n; i++) {
		di = s->modules.v[i];
		if (!di->user && !strcmp(di->module, mname))
			return di->dw ? di : NULL;
	}
	di = arena_calloc(&s->arena, 1, sizeof(*di));
	di->module = mname;
	di->fd = -1;
	vec_push(&s->arena, &s->modules, di);
	elf_version(EV_CURRENT);
	path = strchr(name, '/') ? name : module_file(s, mname);
	if (!path || !usable(path)) {
		diag_error(s, loc, DIAG_SEM_NO_MODULE_DEBUGINFO, mname, target_get(s)->release);
		diag_hint(s, DIAG_HINT_MODULE_DEBUGINFO, target_get(s)->release, mname);
		return NULL;
	}
	if (!(dwfl = dwfl_begin(&module_callbacks)) ||
	    !(mod = dwfl_report_offline(dwfl, mname, path, -1)) || dwfl_report_end(dwfl, NULL, NULL) ||
	    !(dw = dwfl_module_getdwarf(mod, &bias))) {
		if (dwfl)
			dwfl_end(dwfl);
		diag_error(s, loc, DIAG_SEM_NO_MODULE_DEBUGINFO, mname,
			   arena_strfmt(&s->arena, "%s (%s has no DWARF)", target_get(s)->release, path));
		return NULL;
	}
	di->path = path;
	di->dwfl = dwfl;
	di->mod = mod;
	di->dw = dw;
	di->release = target_get(s)->release;
	b.di = di;
	b.mod = mod;
	while (dwarf_nextcu(dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
		Dwarf_Die cu;

		if (dwarf_offdie(dw, off + hsize, &cu))
			dwarf_getfuncs(&cu, module_func, &b, 0);
		off = next;
	}
	set_funcs(s, di, &b.funcs);
	if (s->verbose)
		fprintf(stderr, "Pass 2: debug information for module %s: %s (%zu functions)\n", mname,
			path, di->nfuncs);
	s->debuginfo_close = debuginfo_close;
	return di;
}

/* {=== user executables and libraries ===} */

struct user_builder {
	struct session *s;
	struct debuginfo *di;
	struct vec funcs;	/* struct dfunc * */
};

static int user_func(Dwarf_Die *die, void *arg)
{
	struct user_builder *b = arg;
	struct dfunc *f = die_func(b->s, die, false);
	Dwarf_Addr lo = 0;

	if (!f)
		return DWARF_CB_OK;
	if (dwarf_hasattr(die, DW_AT_external))
		f->flags |= DF_EXTERNAL;
	if (dwarf_lowpc(die, &lo) == 0 && lo) {
		f->flags |= DF_CODE | DF_SYM_UNIQUE;
		f->addr = lo;
		f->symbol = f->name;
	}
	vec_push(&b->s->arena, &b->funcs, f);
	return DWARF_CB_OK;
}

static int cmp_dfunc_addr(const void *a, const void *b)
{
	const struct dfunc *x = *(struct dfunc *const *)a, *y = *(struct dfunc *const *)b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* functions of the symbol table that the DWARF does not have (no -g, or libc without -dbg) */
static void user_symbols(struct user_builder *b, Dwfl_Module *mod)
{
	struct session *s = b->s;
	int n = dwfl_module_getsymtab(mod);
	struct vec have = {0};

	for (int i = 0; i < b->funcs.n; i++)
		if (((struct dfunc *)b->funcs.v[i])->flags & DF_CODE)
			vec_push(&s->arena, &have, b->funcs.v[i]);
	if (have.n)
		qsort(have.v, (size_t)have.n, sizeof(void *), cmp_dfunc_addr);
	for (int i = 1; i < n; i++) {
		GElf_Sym sym;
		GElf_Addr addr;
		const char *name = dwfl_module_getsym_info(mod, i, &sym, &addr, NULL, NULL, NULL);
		size_t lo = 0, hi = (size_t)have.n;
		struct dfunc *f;
		char *at;

		if (!name || !*name || GELF_ST_TYPE(sym.st_info) != STT_FUNC || sym.st_shndx == SHN_UNDEF ||
		    !sym.st_value)
			continue;
		while (lo < hi) {	/* is there a DWARF function at that address? */
			size_t mid = (lo + hi) / 2;

			if (((struct dfunc *)have.v[mid])->addr < sym.st_value)
				lo = mid + 1;
			else
				hi = mid;
		}
		f = arena_calloc(&s->arena, 1, sizeof(*f));
		/* "malloc@@GLIBC_2.2.5" in a dynamic symbol table is malloc */
		f->name = at = arena_strdup(&s->arena, name);
		if ((at = strchr(at, '@')))
			*at = 0;
		if (lo < (size_t)have.n && ((struct dfunc *)have.v[lo])->addr == sym.st_value) {
			/*
			 * An alias of a DWARF function (libc's malloc is
			 * __libc_malloc): the same function under the symbol's
			 * name, so that .function("malloc") finds its DWARF
			 */
			const struct dfunc *d = have.v[lo];
			const char *alias = f->name;
			bool known = false;

			for (size_t k = lo; k < (size_t)have.n &&
			     ((struct dfunc *)have.v[k])->addr == sym.st_value; k++)
				known |= !strcmp(((struct dfunc *)have.v[k])->name, f->name);
			if (known)
				continue;
			*f = *d;
			f->name = f->symbol = alias;
			vec_push(&s->arena, &b->funcs, f);
			continue;
		}
		f->symbol = f->name;
		f->addr = sym.st_value;
		f->file = "";
		f->flags = DF_CODE | DF_SYM_UNIQUE |
			   (GELF_ST_BIND(sym.st_info) != STB_LOCAL ? DF_EXTERNAL : 0);
		vec_push(&s->arena, &b->funcs, f);
	}
}

static const Dwfl_Callbacks user_callbacks = {
	.find_elf = dwfl_build_id_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = dwfl_offline_section_address,
};

struct debuginfo *debuginfo_user(struct session *s, const char *path, struct loc loc)
{
	struct debuginfo *di;
	struct user_builder b = { .s = s };
	Dwfl *dwfl;
	Dwfl_Module *mod;
	Dwarf *dw;
	Dwarf_Addr bias = 0;
	Dwarf_Off off = 0, next;
	size_t hsize, nph;
	Elf *elf;
	GElf_Ehdr eh;

	for (int i = 0; i < s->modules.n; i++) {
		di = s->modules.v[i];
		if (di->user && !strcmp(di->module, path))
			return di->dwfl ? di : NULL;
	}
	di = arena_calloc(&s->arena, 1, sizeof(*di));
	di->module = path;
	di->path = path;
	di->user = true;
	di->fd = -1;
	vec_push(&s->arena, &s->modules, di);
	s->debuginfo_close = debuginfo_close;
	elf_version(EV_CURRENT);
	if (!(dwfl = dwfl_begin(&user_callbacks)))
		goto bad;
	/* base 0 and no p_vaddr: addresses stay the file's link-time ones */
	mod = dwfl_report_elf(dwfl, path, path, -1, 0, false);
	if (!mod || dwfl_report_end(dwfl, NULL, NULL) || !(elf = dwfl_module_getelf(mod, &bias)) ||
	    !gelf_getehdr(elf, &eh) || (eh.e_type != ET_EXEC && eh.e_type != ET_DYN) ||
	    eh.e_machine != EM_X86_64 || elf_getphdrnum(elf, &nph)) {
		dwfl_end(dwfl);
		goto bad;
	}
	di->dwfl = dwfl;
	di->mod = mod;
	di->elf = NULL;		/* owned by dwfl */
	di->pie = eh.e_type == ET_DYN;
	di->build_id = build_id_of(s, elf);
	di->segs = arena_calloc(&s->arena, nph ? nph : 1, sizeof(*di->segs));
	for (size_t i = 0; i < nph; i++) {
		GElf_Phdr ph;

		if (gelf_getphdr(elf, (int)i, &ph) && ph.p_type == PT_LOAD)
			di->segs[di->nsegs++] = (struct useg){ ph.p_vaddr, ph.p_memsz, ph.p_filesz,
							       ph.p_offset, ph.p_flags & PF_X };
	}
	b.di = di;
	if ((dw = dwfl_module_getdwarf(mod, &bias))) {
		di->dw = dw;
		while (dwarf_nextcu(dw, off, &next, &hsize, NULL, NULL, NULL) == 0) {
			Dwarf_Die cu;

			if (dwarf_offdie(dw, off + hsize, &cu))
				dwarf_getfuncs(&cu, user_func, &b, 0);
			off = next;
		}
	}
	user_symbols(&b, mod);
	set_funcs(s, di, &b.funcs);
	if (s->verbose)
		fprintf(stderr, "Pass 2: %s: %s, %s, %zu functions\n", path,
			di->pie ? "position-independent" : "fixed addresses",
			dw ? "with DWARF" : "symbol table only", di->nfuncs);
	return di;
bad:
	diag_error(s, loc, DIAG_SEM_NOT_USER_ELF, path);
	return NULL;
}

int64_t debuginfo_file_offset(const struct debuginfo *di, uint64_t addr)
{
	for (int i = 0; i < di->nsegs; i++)
		if (di->segs[i].exec && addr >= di->segs[i].vaddr &&
		    addr < di->segs[i].vaddr + di->segs[i].memsz)
			return (int64_t)(addr - di->segs[i].vaddr + di->segs[i].offset);
	return -1;
}

int64_t debuginfo_data_offset(const struct debuginfo *di, uint64_t addr)
{
	for (int i = 0; i < di->nsegs; i++)
		if (addr >= di->segs[i].vaddr && addr < di->segs[i].vaddr + di->segs[i].filesz)
			return (int64_t)(addr - di->segs[i].vaddr + di->segs[i].offset);
	return -1;
}

uint64_t debuginfo_prologue_end(struct debuginfo *di, const struct dfunc *f)
{
	Dwarf_Die die, cu;
	Dwarf_Lines *lines;
	Dwarf_Addr hi, best = 0;
	size_t n;

	if (!di->dw || !f->die || !dwarf_offdie(di->dw, f->die, &die) ||
	    !dwarf_diecu(&die, &cu, NULL, NULL) || dwarf_highpc(&die, &hi) != 0 ||
	    dwarf_getsrclines(&cu, &lines, &n) != 0)
		return f->addr;
	/* the lowest address after the entry where a new line begins */
	for (size_t i = 0; i < n; i++) {
		Dwarf_Line *l = dwarf_onesrcline(lines, i);
		Dwarf_Addr a;
		bool stmt;

		if (!l || dwarf_lineaddr(l, &a) || dwarf_linebeginstatement(l, &stmt) || !stmt)
			continue;
		if (a > f->addr && a < hi && (!best || a < best))
			best = a;
	}
	return best ? best : f->addr;
}

bool debuginfo_cfa(struct debuginfo *di, uint64_t pc, int *reg, int64_t *off)
{
	Dwarf_CFI *cfi = di->dw ? dwarf_getcfi(di->dw) : NULL;
	Dwarf_Frame *fr = NULL;
	Dwarf_Op *ops;
	Dwarf_Addr bias;
	size_t n;
	bool ok = false;

	if (!cfi || dwarf_cfi_addrframe(cfi, pc, &fr) != 0) {
		fr = NULL;
		if (!di->mod || !(cfi = dwfl_module_eh_cfi(di->mod, &bias)) ||
		    dwarf_cfi_addrframe(cfi, pc, &fr) != 0)
			return false;
	}
	if (dwarf_frame_cfa(fr, &ops, &n) == 0 && n == 1) {
		if (ops[0].atom >= DW_OP_breg0 && ops[0].atom <= DW_OP_breg31) {
			*reg = ops[0].atom - DW_OP_breg0;
			*off = (int64_t)ops[0].number;
			ok = true;
		} else if (ops[0].atom == DW_OP_bregx) {
			*reg = (int)ops[0].number;
			*off = (int64_t)ops[0].number2;
			ok = true;
		}
	}
	free(fr);
	return ok && *reg >= 0 && *reg <= 16;
}

bool debuginfo_unoptimized(struct debuginfo *di, const struct dfunc *f)
{
	Dwarf_Die die, child;
	bool frame = false;

	if (!di->dw || !f->die || !dwarf_offdie(di->dw, f->die, &die) || dwarf_child(&die, &child))
		return false;
	do {
		Dwarf_Attribute a;
		Dwarf_Op *ops;
		size_t n;

		if (dwarf_tag(&child) != DW_TAG_formal_parameter)
			continue;
		if (!dwarf_attr(&child, DW_AT_location, &a))
			continue;
		/* a location list means the compiler tracked it: optimized code */
		if (dwarf_getlocation(&a, &ops, &n) != 0)
			return false;
		if (n >= 1 && ops[0].atom == DW_OP_fbreg)
			frame = true;
	} while (dwarf_siblingof(&child, &child) == 0);
	return frame;
}

struct find_sym {
	const char *name;
	uint64_t addr;
};

static bool match_object(const GElf_Sym *sym, const char *name, void *arg)
{
	struct find_sym *f = arg;

	if (GELF_ST_TYPE(sym->st_info) != STT_OBJECT || strcmp(name, f->name))
		return false;
	f->addr = sym->st_value;
	return true;
}

uint64_t debuginfo_symbol(struct debuginfo *di, const char *name)
{
	struct find_sym f = { name, 0 };

	each_symbol(di->elf, match_object, &f);
	return f.addr;
}

struct exports {
	struct session *s;
	struct vec names;
};

static bool note_export(const GElf_Sym *sym, const char *name, void *arg)
{
	struct exports *e = arg;

	(void)sym;
	if (!strncmp(name, "__ksymtab_", 10) && name[10])
		vec_push(&e->s->arena, &e->names, arena_strdup(&e->s->arena, name + 10));
	return false;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

bool debuginfo_exported(struct session *s, struct debuginfo *di, const char *name)
{
	if (!di->exports) {
		struct exports e = { .s = s };
		Dwarf_Addr bias;
		Elf *elf = di->elf ? di->elf : di->mod ? dwfl_module_getelf(di->mod, &bias) : NULL;

		each_symbol(elf, note_export, &e);
		if (e.names.n)
			qsort(e.names.v, (size_t)e.names.n, sizeof(void *), cmp_str);
		di->exports = e.names.n ? (const char **)e.names.v : arena_calloc(&s->arena, 1, sizeof(char *));
		di->nexports = (size_t)e.names.n;
	}
	return di->nexports &&
	       bsearch(&name, di->exports, di->nexports, sizeof(char *), cmp_str) != NULL;
}

void debuginfo_close(struct debuginfo *di)
{
	if (di->dwfl) {		/* owns its Dwarf */
		dwfl_end(di->dwfl);
		di->dwfl = NULL;
		di->dw = NULL;
	}
	if (di->dw)
		dwarf_end(di->dw);
	if (di->elf)
		elf_end(di->elf);
	if (di->fd >= 0)
		close(di->fd);
	di->dw = di->elf = NULL;
	di->fd = -1;
}

uint64_t debuginfo_type(struct debuginfo *di, const char *name)
{
	size_t lo = 0, hi = (size_t)di->types.n;

	while (lo < hi) {	/* the lines were written sorted */
		size_t mid = (lo + hi) / 2;
		struct dtype *t = di->types.v[mid];
		int c = strcmp(t->name, name);

		if (!c)
			return t->die;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* {=== functions by address ===} */

/* by address, then by place in di->funcs (the entries are in one array) */
static int cmp_func_place(const void *a, const void *b)
{
	const struct dfunc *x = *(struct dfunc *const *)a, *y = *(struct dfunc *const *)b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x < y ? -1 : x > y;
}

struct dfunc *debuginfo_func_at(struct session *s, struct debuginfo *di, uint64_t addr)
{
	size_t lo = 0, hi;

	if (!di->byaddr) {	/* the functions with code, sorted once */
		di->byaddr = arena_alloc(&s->arena, sizeof(*di->byaddr) * (di->nfuncs + 1));
		for (size_t i = 0; i < di->nfuncs; i++)
			if (di->funcs[i].flags & DF_CODE)
				di->byaddr[di->nbyaddr++] = &di->funcs[i];
		if (di->nbyaddr)
			qsort(di->byaddr, di->nbyaddr, sizeof(*di->byaddr), cmp_func_place);
	}
	hi = di->nbyaddr;
	while (lo < hi) {	/* the first entry past addr */
		size_t mid = (lo + hi) / 2;

		if (di->byaddr[mid]->addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	/* of several at that address, the first in the index */
	while (lo > 1 && di->byaddr[lo - 2]->addr == di->byaddr[lo - 1]->addr)
		lo--;
	return di->byaddr[lo - 1];
}

/* {=== inlined instances ===} */

struct inl_walk {
	struct session *s;
	struct vec *out;
};

static int inline_instance(Dwarf_Die *inst, void *arg)
{
	struct inl_walk *w = arg;
	Dwarf_Addr pc;
	struct dinline *in;

	if (dwarf_entrypc(inst, &pc) != 0 || !pc)
		return DWARF_CB_OK;	/* no code of its own left (optimized away) */
	for (int i = 0; i < w->out->n; i++)
		if (((struct dinline *)w->out->v[i])->pc == pc)
			return DWARF_CB_OK;
	in = arena_calloc(&w->s->arena, 1, sizeof(*in));
	in->pc = pc;
	in->die = dwarf_dieoffset(inst);
	vec_push(&w->s->arena, w->out, in);
	return DWARF_CB_OK;
}

void debuginfo_inlines(struct session *s, struct debuginfo *di, const struct dfunc *f,
		       struct vec *out)
{
	Dwarf *dw = debuginfo_dwarf(s, di);
	Dwarf_Die die, origin;
	Dwarf_Attribute a;
	struct inl_walk w = { s, out };

	if (!dw || !dwarf_offdie(dw, f->die, &die))
		return;
	/* an out-of-line copy points at the abstract function its instances name */
	if (dwarf_attr(&die, DW_AT_abstract_origin, &a) && dwarf_formref_die(&a, &origin))
		die = origin;
	if (dwarf_func_inline(&die))
		dwarf_func_inline_instances(&die, inline_instance, &w);
}

/* a line table's path (maybe with the build directory) names the relative file */
static bool same_file(const char *src, const char *file)
{
	size_t a = strlen(src), b = strlen(file);

	return !strcmp(src, file) || (a > b && src[a - b - 1] == '/' && !strcmp(src + a - b, file));
}

void debuginfo_lines(struct session *s, struct debuginfo *di, const struct dfunc *f, int lo,
		     int hi, struct vec *out)
{
	Dwarf_Die die, cu;
	Dwarf_Lines *lines;
	size_t n;
	Dwarf_Addr flo, fhi;
	int prev = -1;

	if (!di->dw || !dwarf_offdie(di->dw, f->die, &die) || !dwarf_diecu(&die, &cu, NULL, NULL) ||
	    dwarf_lowpc(&die, &flo) != 0 || dwarf_highpc(&die, &fhi) != 0 ||
	    dwarf_getsrclines(&cu, &lines, &n) != 0)
		return;
	/*
	 * Every address where a line's code begins: the compiler may have
	 * spread one line over several blocks (each path through it)
	 */
	for (size_t i = 0; i < n; i++) {
		Dwarf_Line *l = dwarf_onesrcline(lines, i);
		Dwarf_Addr a;
		int ln;
		bool stmt;
		const char *src;
		struct dline *d;

		if (!l || dwarf_lineaddr(l, &a) || dwarf_lineno(l, &ln) || dwarf_linebeginstatement(l, &stmt))
			continue;
		src = dwarf_linesrc(l, NULL, NULL);
		if (!src || !same_file(rel_path(src), f->file) || a < flo || a >= fhi) {
			prev = -1;	/* inlined code from elsewhere, or outside f */
			continue;
		}
		if (!stmt || ln == prev)
			continue;
		prev = ln;
		if (ln < lo || ln > hi)
			continue;
		d = arena_calloc(&s->arena, 1, sizeof(*d));
		d->line = ln;
		d->addr = a;
		vec_push(&s->arena, out, d);
	}
	/* by line, then address; one entry per address */
	for (int i = 1; i < out->n; i++)
		for (int k = i; k > 0; k--) {
			struct dline *x = out->v[k - 1], *y = out->v[k];

			if (x->line < y->line || (x->line == y->line && x->addr <= y->addr))
				break;
			out->v[k] = x;
			out->v[k - 1] = y;
		}
	for (int i = 1, w = 1; i <= out->n; i++) {
		if (i == out->n) {
			out->n = out->n ? w : 0;
			break;
		}
		if (((struct dline *)out->v[i])->addr != ((struct dline *)out->v[w - 1])->addr ||
		    ((struct dline *)out->v[i])->line != ((struct dline *)out->v[w - 1])->line)
			out->v[w++] = out->v[i];
	}
}

void *debuginfo_dwarf(struct session *s, struct debuginfo *di)
{
	(void)s;
	return di->dw;
}

/* does the relative path match the file pattern, whole or as its tail? */
static bool file_matches(const char *pat, const char *path)
{
	size_t n = strlen(path);

	if (!fnmatch(pat, path, 0))
		return true;
	for (size_t i = 0; i < n; i++)
		if (path[i] == '/' && !fnmatch(pat, path + i + 1, 0))
			return true;
	return false;
}

void debuginfo_match(struct session *s, struct debuginfo *di, const char *name,
		     const char *file, int line_lo, int line_hi, struct vec *out)
{
	bool wild = strpbrk(name, "*?[") != NULL;
	size_t lo = 0, hi = di->nfuncs;

	if (!wild) {	/* binary search for the first entry of that name */
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;

			if (strcmp(di->funcs[mid].name, name) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		hi = di->nfuncs;
	}
	for (size_t i = lo; i < hi; i++) {
		struct dfunc *f = &di->funcs[i];

		if (!wild && strcmp(f->name, name))
			break;
		if (wild && fnmatch(name, f->name, 0))
			continue;
		if (file && !file_matches(file, f->file))
			continue;
		if (line_lo > 0 && (f->line < line_lo || f->line > line_hi))
			continue;
		vec_push(&s->arena, out, f);
	}
}
