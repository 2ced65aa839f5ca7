// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sdt.c - SDT markers (sdt.h)
 *
 * <sys/sdt.h> puts a note of type 3 and owner "stapsdt" in .note.stapsdt
 * for each marker: the marker's address (a nop), the address of the
 * .stapsdt.base section as the assembler saw it, the semaphore's address
 * (0 without one), then three strings: provider, name and the arguments,
 * space-separated, each SIZE@OPERAND with a negative size for a signed
 * value and the operand in AT&T syntax as the compiler chose it for an
 * "nor" constraint: %reg, $imm, disp(%base,%index,scale) or sym(%rip).
 * When the file was moved after linking (prelink), the distance between
 * the section's real address and the noted one moves the other two.
 */
#include <elfutils/libdwfl.h>
#include <fnmatch.h>
#include <gelf.h>
#include <stdlib.h>
#include <string.h>

#include "debuginfo.h"
#include "sdt.h"
#include "util.h"

#define NT_STAPSDT 3

/* {=== notes ===} */

/* the address of section name in elf, 0 if it has none */
static uint64_t section_addr(Elf *elf, size_t shstrndx, const char *name)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		const char *n;

		if (gelf_getshdr(scn, &sh) && (n = elf_strptr(elf, shstrndx, sh.sh_name)) &&
		    !strcmp(n, name))
			return sh.sh_addr;
	}
	return 0;
}

/* a NUL-terminated string at *p within [*p, end), advancing *p; NULL if none */
static const char *take_string(const char **p, const char *end)
{
	const char *s = *p;
	const char *nul = memchr(s, 0, (size_t)(end - s));

	if (!nul)
		return NULL;
	*p = nul + 1;
	return s;
}

static uint64_t take_addr(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));	/* x86-64: little-endian, like the host */
	return v;
}

/* one stapsdt note's descriptor; false if it is malformed */
static bool parse_note(struct session *s, const char *desc, size_t len, int64_t adjust,
		       struct sdt_mark *m)
{
	const char *p = desc + 24, *end = desc + len, *args;
	struct vec v = {0};

	if (len < 24 + 3)
		return false;
	m->pc = take_addr((const unsigned char *)desc) + (uint64_t)adjust;
	m->semaphore = take_addr((const unsigned char *)desc + 16);
	if (m->semaphore)
		m->semaphore += (uint64_t)adjust;
	if (!(m->provider = take_string(&p, end)) || !(m->name = take_string(&p, end)) ||
	    !(args = take_string(&p, end)))
		return false;
	m->provider = arena_strdup(&s->arena, m->provider);
	m->name = arena_strdup(&s->arena, m->name);
	for (char *save = NULL, *a = strtok_r(arena_strdup(&s->arena, args), " \t", &save); a;
	     a = strtok_r(NULL, " \t", &save))
		vec_push(&s->arena, &v, a);
	m->args = (const char **)v.v;
	m->nargs = v.n;
	return true;
}

static void read_notes(struct session *s, Elf *elf, struct vec *out)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	uint64_t base;

	if (elf_getshdrstrndx(elf, &shstrndx))
		return;
	base = section_addr(elf, shstrndx, ".stapsdt.base");
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		const char *n;
		Elf_Data *data;
		size_t off = 0, name_off, desc_off;
		GElf_Nhdr nh;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE ||
		    !(n = elf_strptr(elf, shstrndx, sh.sh_name)) || strcmp(n, ".note.stapsdt") ||
		    !(data = elf_getdata(scn, NULL)) || !data->d_buf)
			continue;
		while ((off = gelf_getnote(data, off, &nh, &name_off, &desc_off)) > 0) {
			const char *d = (const char *)data->d_buf;
			struct sdt_mark *m;
			int64_t adjust;

			if (nh.n_type != NT_STAPSDT || nh.n_namesz != sizeof("stapsdt") ||
			    memcmp(d + name_off, "stapsdt", sizeof("stapsdt")) || nh.n_descsz < 24)
				continue;
			/* the note's base is its second address: where .stapsdt.base was linked */
			adjust = base ? (int64_t)(base - take_addr((const unsigned char *)d + desc_off + 8)) : 0;
			m = arena_calloc(&s->arena, 1, sizeof(*m));
			if (parse_note(s, d + desc_off, nh.n_descsz, adjust, m))
				vec_push(&s->arena, out, m);
		}
	}
}

const struct vec *sdt_marks(struct session *s, struct debuginfo *di)
{
	struct vec *v;
	Dwarf_Addr bias;
	Elf *elf;

	if (di->sdt)
		return ((struct vec *)di->sdt)->n ? di->sdt : NULL;
	v = arena_calloc(&s->arena, 1, sizeof(*v));
	di->sdt = v;
	if (di->mod && (elf = dwfl_module_getelf(di->mod, &bias)))
		read_notes(s, elf, v);
	return v->n ? v : NULL;
}

bool sdt_name_match(struct session *s, const char *pat, const char *name)
{
	char *dashed, *d;

	if (!fnmatch(pat, name, 0))
		return true;
	if (!strstr(name, "__"))
		return false;
	/* function__entry may be written function-entry, as in DTrace */
	dashed = d = arena_strdup(&s->arena, name);
	for (const char *p = name; *p; p++) {
		if (p[0] == '_' && p[1] == '_') {
			*d++ = '-';
			p++;
		} else {
			*d++ = *p;
		}
	}
	*d = 0;
	return !fnmatch(pat, dashed, 0);
}

/* {=== operands ===} */

static const struct {
	const char *name;
	const char *member;	/* of struct pt_regs */
	int width;		/* bytes */
	int shift;
} regs[] = {
	{ "rax", "ax", 8, 0 }, { "eax", "ax", 4, 0 }, { "ax", "ax", 2, 0 }, { "al", "ax", 1, 0 },
	{ "ah", "ax", 1, 8 },
	{ "rbx", "bx", 8, 0 }, { "ebx", "bx", 4, 0 }, { "bx", "bx", 2, 0 }, { "bl", "bx", 1, 0 },
	{ "bh", "bx", 1, 8 },
	{ "rcx", "cx", 8, 0 }, { "ecx", "cx", 4, 0 }, { "cx", "cx", 2, 0 }, { "cl", "cx", 1, 0 },
	{ "ch", "cx", 1, 8 },
	{ "rdx", "dx", 8, 0 }, { "edx", "dx", 4, 0 }, { "dx", "dx", 2, 0 }, { "dl", "dx", 1, 0 },
	{ "dh", "dx", 1, 8 },
	{ "rsi", "si", 8, 0 }, { "esi", "si", 4, 0 }, { "si", "si", 2, 0 }, { "sil", "si", 1, 0 },
	{ "rdi", "di", 8, 0 }, { "edi", "di", 4, 0 }, { "di", "di", 2, 0 }, { "dil", "di", 1, 0 },
	{ "rbp", "bp", 8, 0 }, { "ebp", "bp", 4, 0 }, { "bp", "bp", 2, 0 }, { "bpl", "bp", 1, 0 },
	{ "rsp", "sp", 8, 0 }, { "esp", "sp", 4, 0 }, { "sp", "sp", 2, 0 }, { "spl", "sp", 1, 0 },
	{ "rip", "ip", 8, 0 },
};

/* %NAME at *p: its index in regs (r8..r15 and their d/w/b forms are built), -1 if none */
static int take_reg(const char **p, const char **member, int *width, int *shift)
{
	static const char *const hi[] = { "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15" };
	const char *q = *p;
	size_t n = 0;

	if (*q != '%')
		return -1;
	q++;
	while ((q[n] >= 'a' && q[n] <= 'z') || (q[n] >= '0' && q[n] <= '9'))
		n++;
	for (size_t i = 0; i < ARRAY_SIZE(regs); i++) {
		if (strlen(regs[i].name) == n && !strncmp(q, regs[i].name, n)) {
			*member = regs[i].member;
			*width = regs[i].width;
			*shift = regs[i].shift;
			*p = q + n;
			return (int)i;
		}
	}
	for (size_t i = 0; i < ARRAY_SIZE(hi); i++) {
		size_t l = strlen(hi[i]);

		if (n < l || n > l + 1 || strncmp(q, hi[i], l))
			continue;
		if (n == l)
			*width = 8;
		else if (q[l] == 'd')
			*width = 4;
		else if (q[l] == 'w')
			*width = 2;
		else if (q[l] == 'b' || q[l] == 'l')
			*width = 1;
		else
			continue;
		*member = hi[i];
		*shift = 0;
		*p = q + n;
		return 0;
	}
	return -1;
}

static bool sym_char(char c, bool first)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '.' ||
	       (!first && ((c >= '0' && c <= '9') || c == '@' || c == '$'));
}

/* the link-time address of symbol name in di, false if none */
static bool lookup_symbol(struct debuginfo *di, const char *name, uint64_t *addr)
{
	int n = di->mod ? dwfl_module_getsymtab(di->mod) : -1;

	for (int i = 1; i < n; i++) {
		GElf_Sym sym;
		GElf_Addr a;
		const char *sn = dwfl_module_getsym_info(di->mod, i, &sym, &a, NULL, NULL, NULL);

		if (sn && sym.st_shndx != SHN_UNDEF && !strcmp(sn, name)) {
			*addr = sym.st_value;
			return true;
		}
	}
	return false;
}

/* a displacement: [SYMBOL][(+|-)NUMBER] or NUMBER; false if malformed */
static bool take_disp(struct session *s, struct debuginfo *di, const char **p, struct sdt_arg *a)
{
	const char *q = *p;
	char *end;

	if (sym_char(*q, true)) {
		const char *st = q;

		while (sym_char(*q, false))
			q++;
		a->sym = arena_strndup(&s->arena, st, (size_t)(q - st));
		if (!lookup_symbol(di, a->sym, &a->sym_addr))
			return false;
		if (*q != '+' && *q != '-') {
			*p = q;
			return true;
		}
	}
	if (!((*q >= '0' && *q <= '9') || *q == '-' || *q == '+'))
		return *p != q;
	a->disp = strtoll(q, &end, 0);
	if (end == q)
		return false;
	*p = end;
	return true;
}

bool sdt_arg_parse(struct session *s, struct debuginfo *di, const struct sdt_mark *m, int i,
		   struct sdt_arg *a)
{
	const char *p, *at, *member;
	int width = 8, shift = 0;
	char *end;

	memset(a, 0, sizeof(*a));
	if (i < 0 || i >= m->nargs)
		return false;
	p = m->args[i];
	a->is_signed = true;
	a->size = 0;
	if ((at = strchr(p, '@'))) {
		long sz = strtol(p, &end, 10);

		if (end != at || sz < -8 || sz > 8 || (labs(sz) != 1 && labs(sz) != 2 &&
							labs(sz) != 4 && labs(sz) != 8))
			return false;
		a->size = (int)labs(sz);
		a->is_signed = sz < 0;
		p = at + 1;
	}
	if (*p == '%') {
		if (take_reg(&p, &member, &width, &shift) < 0 || *p || !strcmp(member, "ip"))
			return false;
		a->kind = SDT_REG;
		a->reg = member;
		a->shift = shift;
		if (!a->size || a->size > width)
			a->size = width;
		return true;
	}
	if (!a->size)
		a->size = 8;
	if (*p == '$') {	/* $NUMBER or $SYMBOL: a constant */
		p++;
		a->kind = SDT_IMM;
		if (!take_disp(s, di, &p, a) || *p)
			return false;
		return true;
	}
	a->kind = SDT_MEM;
	a->scale = 1;
	if (*p != '(' && (!take_disp(s, di, &p, a)))
		return false;
	if (!*p)
		return true;	/* an absolute address */
	if (*p != '(')
		return false;
	p++;
	if (*p == '%') {
		if (take_reg(&p, &member, &width, &shift) < 0 || width != 8)
			return false;
		a->reg = member;
	}
	if (*p == ',') {
		p++;
		if (take_reg(&p, &member, &width, &shift) < 0 || width != 8 || !strcmp(member, "ip"))
			return false;
		a->index = member;
		if (*p == ',') {
			long sc = strtol(p + 1, &end, 10);

			if (end == p + 1 || (sc != 1 && sc != 2 && sc != 4 && sc != 8))
				return false;
			a->scale = (int)sc;
			p = end;
		}
	}
	if (*p != ')' || p[1])
		return false;
	/* sym(%rip) is the symbol's address; a bare offset from the next instruction is unknown */
	if (a->reg && !strcmp(a->reg, "ip")) {
		if (!a->sym || a->index)
			return false;
		a->reg = NULL;
	}
	return a->reg || a->index || a->sym || a->disp;
}
