/* SPDX-License-Identifier: GPL-2.0 */
/*
 * usym.h - user-space addresses shown as symbols, source lines and
 * backtraces (usymname(), usymdata(), umodname(), usymfileline(),
 * ubacktrace(), print_ubacktrace()...).
 *
 * The compiler emits one table per user file the script probes or names
 * with -d (compiler/usyms.c): the file's function symbols sorted by their
 * link-time address, its executable PT_LOAD segments and, when the script
 * asks for lines and the file has DWARF, its line table. At session start
 * (process context) each file's inode is looked up once. In a probe, an
 * address of the current process is mapped to the file through its VMA
 * (only with mmap_read_trylock(): nothing here sleeps, and outside process
 * context, where the lock must not be taken, addresses stay unknown), to
 * the file offset, then through the segments to the link-time address
 * that the tables are sorted by.
 *
 * The backtrace follows the frame-pointer chain (rbp) through user memory
 * with nofault reads: code built without frame pointers (most of libc)
 * ends the trace early or skips its callers.
 */
#ifndef _SD_USYM_H_
#define _SD_USYM_H_

#include <linux/mm.h>
#include <linux/namei.h>
#include <linux/uaccess.h>

struct sd_usym_sym {
	unsigned long addr;	/* link-time */
	unsigned long size;
	const char *name;
};

struct sd_usym_seg {
	unsigned long vaddr, memsz, offset;
};

struct sd_usym_line {
	u32 addr;		/* link-time; line 0 ends a sequence */
	u32 line;
	u32 src;		/* index into the file's srcs */
};

struct sd_usym_file {
	const char *path;
	const struct sd_usym_sym *syms;
	size_t nsyms;
	const struct sd_usym_seg *segs;
	size_t nsegs;
	const struct sd_usym_line *lines;
	size_t nlines;
	const char *const *srcs;
	struct inode *inode;	/* from _sd_usyms_start() to _sd_usyms_stop() */
};

enum sd_usym_fmt {
	SD_USYM_NAME,		/* "c" (usymname); "0xADDR" when unknown */
	SD_USYM_DATA,		/* "c+0x8/0x20 [/path/prog]" (usymdata); "0xADDR" */
	SD_USYM_FULL,		/* " 0xADDR : c+0x8/0x20 [/path/prog]\n" (print_ubacktrace); " 0xADDR\n" */
	SD_USYM_SIMPLE,		/* "c+0x8 [prog]\n" (sprint_ubacktrace); "0xADDR\n" */
	SD_USYM_HEX,		/* "0xADDR " (ubacktrace) */
	SD_USYM_FILELINE,	/* "/src/prog.c:12" (usymfileline); "0xADDR" */
};

static struct sd_usym_file *_sd_usym_files;
static size_t _sd_usym_nfiles;

/* look the files up; in process context before any probe runs */
static void _sd_usyms_start(struct sd_usym_file *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct path path;

		v[i].inode = NULL;
		if (kern_path(v[i].path, LOOKUP_FOLLOW, &path))
			continue;	/* gone: its addresses stay unknown */
		v[i].inode = igrab(d_inode(path.dentry));
		path_put(&path);
	}
	_sd_usym_files = v;
	_sd_usym_nfiles = n;
}

/* once no probe runs any more; may be called again */
static void _sd_usyms_stop(void)
{
	struct sd_usym_file *v = _sd_usym_files;
	size_t n = _sd_usym_nfiles;

	_sd_usym_nfiles = 0;
	_sd_usym_files = NULL;
	for (size_t i = 0; v && i < n; i++) {
		if (v[i].inode) {
			iput(v[i].inode);
			v[i].inode = NULL;
		}
	}
}

/* an address of the current process in a file with a table */
struct sd_usym_at {
	const struct sd_usym_file *file;
	unsigned long link;	/* its link-time address */
	bool mapped;		/* in a segment of the file */
};

static bool _sd_usym_where(unsigned long addr, struct sd_usym_at *at)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	struct inode *inode = NULL;
	unsigned long off = 0;

	at->file = NULL;
	at->mapped = false;
	if (!_sd_usym_nfiles || !mm || (current->flags & PF_KTHREAD) || !in_task() ||
	    irqs_disabled())
		return false;
	if (!mmap_read_trylock(mm))
		return false;
	vma = find_vma(mm, addr);
	if (vma && addr >= vma->vm_start && vma->vm_file) {
		inode = file_inode(vma->vm_file);
		off = addr - vma->vm_start + (vma->vm_pgoff << PAGE_SHIFT);
	}
	mmap_read_unlock(mm);
	if (!inode)
		return false;
	for (size_t i = 0; i < _sd_usym_nfiles; i++) {
		const struct sd_usym_file *f = &_sd_usym_files[i];

		if (f->inode != inode)
			continue;
		at->file = f;
		for (size_t k = 0; k < f->nsegs; k++) {
			const struct sd_usym_seg *s = &f->segs[k];

			if (off >= s->offset && off - s->offset < s->memsz) {
				at->link = off - s->offset + s->vaddr;
				at->mapped = true;
				break;
			}
		}
		return true;
	}
	return false;
}

/* the symbol containing link-time address a, NULL if none */
static const struct sd_usym_sym *_sd_usym_sym(const struct sd_usym_file *f, unsigned long a)
{
	size_t lo = 0, hi = f->nsyms;

	while (lo < hi) {	/* the first symbol above a */
		size_t mid = lo + (hi - lo) / 2;

		if (f->syms[mid].addr <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo || a - f->syms[lo - 1].addr >= f->syms[lo - 1].size)
		return NULL;
	return &f->syms[lo - 1];
}

/* the line table's row for link-time address a, NULL if none covers it */
static const struct sd_usym_line *_sd_usym_line(const struct sd_usym_file *f, unsigned long a)
{
	size_t lo = 0, hi = f->nlines;

	if (a > U32_MAX)
		return NULL;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (f->lines[mid].addr <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo || !f->lines[lo - 1].line)
		return NULL;
	return &f->lines[lo - 1];
}

static const char *_sd_usym_basename(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

/*
 * addr of the current process in the form fmt, into buf (NUL-terminated);
 * returns the length written, cut to len - 1 like scnprintf
 */
static int _sd_usym_format(char *buf, size_t len, unsigned long addr, enum sd_usym_fmt fmt)
{
	const struct sd_usym_sym *sym = NULL;
	const struct sd_usym_line *ln;
	struct sd_usym_at at;
	unsigned long off = 0;

	if (fmt == SD_USYM_HEX)
		return scnprintf(buf, len, "0x%lx ", addr);
	if (_sd_usym_where(addr, &at) && at.mapped) {
		if (fmt == SD_USYM_FILELINE) {
			ln = _sd_usym_line(at.file, at.link);
			if (ln)
				return scnprintf(buf, len, "%s:%u", at.file->srcs[ln->src], ln->line);
		} else if ((sym = _sd_usym_sym(at.file, at.link))) {
			off = at.link - sym->addr;
		}
	}
	switch (fmt) {
	case SD_USYM_NAME:
		if (sym)
			return scnprintf(buf, len, "%s", sym->name);
		break;
	case SD_USYM_DATA:
		if (sym)
			return scnprintf(buf, len, "%s+0x%lx/0x%lx [%s]", sym->name, off, sym->size,
					 at.file->path);
		break;
	case SD_USYM_FULL:
		if (sym)
			return scnprintf(buf, len, " 0x%lx : %s+0x%lx/0x%lx [%s]\n", addr, sym->name,
					 off, sym->size, at.file->path);
		return scnprintf(buf, len, " 0x%lx\n", addr);
	case SD_USYM_SIMPLE:
		if (sym)
			return scnprintf(buf, len, "%s+0x%lx [%s]\n", sym->name, off,
					 _sd_usym_basename(at.file->path));
		return scnprintf(buf, len, "0x%lx\n", addr);
	case SD_USYM_HEX:
	case SD_USYM_FILELINE:
		break;
	}
	return scnprintf(buf, len, "0x%lx", addr);
}

/* the path of the file with a table that maps addr, NULL if none (umodname) */
static const char *_sd_usym_module(unsigned long addr)
{
	struct sd_usym_at at;

	return _sd_usym_where(addr, &at) ? at.file->path : NULL;
}

/* the registers of the current task's user space, NULL if it has none */
static struct pt_regs *_sd_usym_regs(struct sd_context *c)
{
	if (c->regs && user_mode(c->regs))
		return c->regs;
	if (!current->mm || (current->flags & PF_KTHREAD))
		return NULL;
	return task_pt_regs(current);
}

/* is link-time address a of the current process the entry of a known function? */
static bool _sd_usym_at_entry(unsigned long addr)
{
	const struct sd_usym_sym *sym;
	struct sd_usym_at at;

	if (!_sd_usym_where(addr, &at) || !at.mapped)
		return false;
	sym = _sd_usym_sym(at.file, at.link);
	return sym && sym->addr == at.link;
}

/**
 * _sd_usym_stack - the user backtrace of the current task, innermost first
 * @pcs: filled with at most @max (and MAXBACKTRACE) addresses
 *
 * The first address is the user instruction pointer; then the return
 * addresses of the rbp chain. At the first instruction of a function of a
 * table (a probe on a function without the prologue skipped) the frame is
 * not set up yet: the return address is at [sp], rbp still the caller's.
 * Returns the number of addresses.
 */
static int _sd_usym_stack(struct sd_context *c, unsigned long *pcs, int max)
{
	struct pt_regs *regs = _sd_usym_regs(c);
	unsigned long fp, ret, frame[2];
	int n = 0;

	max = min(max, MAXBACKTRACE);
	if (!regs || max <= 0)
		return 0;
	pcs[n++] = instruction_pointer(regs);
	fp = regs->bp;
	if (n < max && _sd_usym_at_entry(pcs[0])) {
		if (copy_from_user_nofault(&ret, (const void __user *)regs->sp, sizeof(ret)) ||
		    !ret)
			return n;
		pcs[n++] = ret;
	}
	/* frames are at rising addresses above sp: anything else ends the chain */
	if (fp < regs->sp)
		return n;
	while (n < max) {
		if (!fp || (fp & (sizeof(long) - 1)) ||
		    copy_from_user_nofault(frame, (const void __user *)fp, sizeof(frame)) ||
		    !frame[1])
			break;
		pcs[n++] = frame[1];
		if (frame[0] <= fp)
			break;
		fp = frame[0];
	}
	return n;
}

/* the backtrace as text: one _sd_usym_format(fmt) piece per frame, cut to len - 1 */
static void _sd_usym_sprint(struct sd_context *c, char *buf, size_t len, enum sd_usym_fmt fmt)
{
	unsigned long pcs[MAXBACKTRACE];
	size_t used = 0;
	int i, n;

	if (!len)
		return;
	buf[0] = '\0';
	n = _sd_usym_stack(c, pcs, MAXBACKTRACE);
	for (i = 0; i < n && used + 1 < len; i++)
		used += _sd_usym_format(buf + used, len - used, pcs[i], fmt);
}

/* print_ubacktrace(): one SD_USYM_FULL line per frame, into the output */
static void _sd_usym_print(struct sd_context *c)
{
	unsigned long pcs[MAXBACKTRACE];
	const size_t len = 512;
	char *line;
	int i, n, k;

	n = _sd_usym_stack(c, pcs, MAXBACKTRACE);
	if (!n)
		return;
	line = _sd_frame(c, len);
	if (!line)
		return;
	for (i = 0; i < n; i++) {
		k = _sd_usym_format(line, len, pcs[i], SD_USYM_FULL);
		_sd_print_n(c, line, k);
	}
	_sd_frame_pop(c, len);
}

#endif /* _SD_USYM_H_ */
