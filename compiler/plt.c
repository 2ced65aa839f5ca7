// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * plt.c - PLT stubs (plt.h). Each stub jumps through a GOT slot
 * ("jmp *disp(%rip)", after an endbr64 and a bnd prefix in .plt.sec), and
 * .rela.plt says which function each slot is for. Decoding the jump, not
 * assuming a layout, serves the lazy .plt and the IBT .plt.sec alike.
 */
#include <gelf.h>
#include <elfutils/libdwfl.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "debuginfo.h"
#include "plt.h"

struct slot {
	uint64_t got;
	const char *name;
};

/* the functions of .rela.plt's slots */
static int read_slots(struct session *s, Elf *elf, size_t shstrndx, struct slot **out)
{
	Elf_Scn *scn = NULL;
	int n = 0;

	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh, symsh;
		const char *name;
		Elf_Data *data, *syms;
		Elf_Scn *symscn;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_RELA ||
		    !(name = elf_strptr(elf, shstrndx, sh.sh_name)) || strcmp(name, ".rela.plt") ||
		    !sh.sh_entsize || !(data = elf_getdata(scn, NULL)) ||
		    !(symscn = elf_getscn(elf, sh.sh_link)) || !gelf_getshdr(symscn, &symsh) ||
		    !(syms = elf_getdata(symscn, NULL)))
			continue;
		*out = arena_calloc(&s->arena, sh.sh_size / sh.sh_entsize + 1, sizeof(**out));
		for (size_t i = 0; i < sh.sh_size / sh.sh_entsize; i++) {
			GElf_Rela r;
			GElf_Sym sym;
			const char *sn;

			if (!gelf_getrela(data, (int)i, &r) || GELF_R_TYPE(r.r_info) != R_X86_64_JUMP_SLOT ||
			    !gelf_getsym(syms, (int)GELF_R_SYM(r.r_info), &sym) ||
			    !(sn = elf_strptr(elf, symsh.sh_link, sym.st_name)) || !*sn)
				continue;
			(*out)[n].got = r.r_offset;
			(*out)[n].name = arena_strndup(&s->arena, sn, strcspn(sn, "@"));
			n++;
		}
		break;
	}
	return n;
}

/* the GOT slot a 16-byte stub at addr jumps through, 0 if it is no such stub */
static uint64_t stub_slot(const unsigned char *b, uint64_t addr)
{
	int at = 0;
	int32_t disp;

	if (b[0] == 0xf3 && b[1] == 0x0f && b[2] == 0x1e && b[3] == 0xfa)
		at = 4;		/* endbr64 */
	if (b[at] == 0xf2)
		at++;		/* bnd */
	if (at > 11 || b[at] != 0xff || b[at + 1] != 0x25)
		return 0;
	memcpy(&disp, b + at + 2, 4);
	return addr + (uint64_t)at + 6 + (uint64_t)(int64_t)disp;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct plt_entry *x = *(struct plt_entry *const *)a, *y = *(struct plt_entry *const *)b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

const struct vec *plt_entries(struct session *s, struct debuginfo *di)
{
	struct vec *v;
	struct slot *slots = NULL;
	Dwarf_Addr bias;
	Elf *elf;
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	int nslots;

	if (di->plt)
		return ((struct vec *)di->plt)->n ? di->plt : NULL;
	v = arena_calloc(&s->arena, 1, sizeof(*v));
	di->plt = v;
	if (!di->mod || !(elf = dwfl_module_getelf(di->mod, &bias)) || elf_getshdrstrndx(elf, &shstrndx) ||
	    !(nslots = read_slots(s, elf, shstrndx, &slots)))
		return NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		const char *name;
		Elf_Data *data;

		if (!gelf_getshdr(scn, &sh) || !(name = elf_strptr(elf, shstrndx, sh.sh_name)) ||
		    (strcmp(name, ".plt") && strcmp(name, ".plt.sec")) ||
		    !(data = elf_getdata(scn, NULL)) || !data->d_buf || data->d_size < sh.sh_size)
			continue;
		for (uint64_t off = 0; off + 16 <= sh.sh_size; off += 16) {
			uint64_t got = stub_slot((const unsigned char *)data->d_buf + off, sh.sh_addr + off);

			for (int i = 0; got && i < nslots; i++) {
				struct plt_entry *e;

				if (slots[i].got != got)
					continue;
				e = arena_calloc(&s->arena, 1, sizeof(*e));
				e->name = slots[i].name;
				e->addr = sh.sh_addr + off;
				vec_push(&s->arena, v, e);
				break;
			}
		}
	}
	if (v->n)
		qsort(v->v, (size_t)v->n, sizeof(void *), cmp_entry);
	return v->n ? v : NULL;
}
