/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sym.h - kernel addresses shown as symbols, for symname(), symdata(),
 * modname() and the backtraces.
 *
 * Modules may not call kallsyms_lookup() itself; sprint_symbol() is the
 * exported way in, and its text ("NAME+0xOFF/0xSIZE", then " [MODULE]"
 * for a module) is parsed back into its parts and written out again in
 * the forms SystemTap prints.
 */
#ifndef _SD_SYM_H_
#define _SD_SYM_H_

enum sd_sym_fmt {
	SD_SYM_NAME,	/* "vfs_read" (symname); "0xADDR" when unknown */
	SD_SYM_DATA,	/* "vfs_read+0x0/0x1a0 [kernel]" (symdata); "0xADDR" when unknown */
	SD_SYM_FULL,	/* " 0xADDR : vfs_read+0x0/0x1a0 [kernel]\n" (print_backtrace); " 0xADDR\n" */
	SD_SYM_SIMPLE,	/* "vfs_read+0x0 [kernel]\n" (sprint_backtrace); "0xADDR\n" */
	SD_SYM_HEX,	/* "0xADDR " (backtrace) */
	SD_SYM_MODULE,	/* "kernel" or the module's name (modname); fails when unknown */
};

/**
 * _sd_sym_format - write addr in the form fmt into buf (NUL-terminated)
 * Returns the length written (cut to len - 1 like snprintf), or -1 when
 * SD_SYM_MODULE finds no module or the context has no room left for the
 * lookup's buffer (an error is then pending only in the latter case).
 */
SD_API int _sd_sym_format(struct sd_context *c, char *buf, size_t len, unsigned long addr,
			  enum sd_sym_fmt fmt);

#endif /* _SD_SYM_H_ */
