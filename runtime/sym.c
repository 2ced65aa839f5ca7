// SPDX-License-Identifier: GPL-2.0
/*
 * sym.c - kernel addresses shown as symbols (sym.h)
 */

#include <linux/kallsyms.h>

struct sd_sym {
	const char *name;
	const char *module;	/* "kernel" for vmlinux */
	unsigned long offset, size;
};

/*
 * Take apart, in place, what sprint_symbol() wrote: "NAME+0xOFF/0xSIZE"
 * with " [MODULE]" after it for a module's symbol, or the address in hex
 * when no symbol covers it (false then).
 */
static bool _sd_sym_parse(char *s, struct sd_sym *sym)
{
	char *plus, *slash, *mod;

	if (!s[0] || (s[0] == '0' && s[1] == 'x'))
		return false;
	sym->module = "kernel";
	mod = strstr(s, " [");
	if (mod) {
		char *end = strchr(mod, ']');

		if (end)
			*end = '\0';
		*mod = '\0';
		sym->module = mod + 2;
	}
	plus = strrchr(s, '+');
	if (!plus)
		return false;
	*plus = '\0';
	slash = strchr(plus + 1, '/');
	if (!slash)
		return false;
	*slash = '\0';
	if (kstrtoul(plus + 1, 16, &sym->offset) || kstrtoul(slash + 1, 16, &sym->size))
		return false;
	sym->name = s;
	return true;
}

int _sd_sym_format(struct sd_context *c, char *buf, size_t len, unsigned long addr,
		   enum sd_sym_fmt fmt)
{
	struct sd_sym sym;
	char *ks;
	bool found;
	int n = -1;

	if (fmt == SD_SYM_HEX)
		return scnprintf(buf, len, "0x%lx ", addr);
	/* KSYM_SYMBOL_LEN is too much for a probe's stack: take it from the context */
	ks = _sd_frame(c, KSYM_SYMBOL_LEN);
	if (!ks)
		return -1;
	sprint_symbol(ks, addr);
	found = _sd_sym_parse(ks, &sym);
	switch (fmt) {
	case SD_SYM_NAME:
		n = found ? scnprintf(buf, len, "%s", sym.name) : scnprintf(buf, len, "0x%lx", addr);
		break;
	case SD_SYM_DATA:
		n = found ? scnprintf(buf, len, "%s+0x%lx/0x%lx [%s]", sym.name, sym.offset,
				      sym.size, sym.module)
			  : scnprintf(buf, len, "0x%lx", addr);
		break;
	case SD_SYM_FULL:
		n = found ? scnprintf(buf, len, " 0x%lx : %s+0x%lx/0x%lx [%s]\n", addr, sym.name,
				      sym.offset, sym.size, sym.module)
			  : scnprintf(buf, len, " 0x%lx\n", addr);
		break;
	case SD_SYM_SIMPLE:
		n = found ? scnprintf(buf, len, "%s+0x%lx [%s]\n", sym.name, sym.offset, sym.module)
			  : scnprintf(buf, len, "0x%lx\n", addr);
		break;
	case SD_SYM_MODULE:
		if (found)
			n = scnprintf(buf, len, "%s", sym.module);
		break;
	case SD_SYM_HEX:
		break;
	}
	_sd_frame_pop(c, KSYM_SYMBOL_LEN);
	return n;
}
