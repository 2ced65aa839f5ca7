/* SPDX-License-Identifier: GPL-2.0 */
/*
 * uprobes.h - process("PATH").function/.statement probes: uprobes and
 * uretprobes on an executable or shared library, by inode and file offset.
 *
 * A probe applies to every process that maps the file, those running when
 * the script starts and those started later, as the kernel's uprobe API
 * does. They are registered after the begin probes and unregistered before
 * the end probes, in process context; a point that cannot be registered
 * stops the script with an error naming it, and the ones before it are
 * unregistered again. A probe limited to the target's process tree
 * (process.function with -c or -x) ignores other processes' hits.
 *
 * The handler hands the script the load bias of the file in the hitting
 * process (run-time minus link-time address) in the context's entry_data,
 * so that DWARF addresses of globals can be relocated (PIE, libraries).
 */
#ifndef _SD_UPROBES_H_
#define _SD_UPROBES_H_

#include <linux/hash.h>
#include <linux/mm.h>
#include <linux/namei.h>
#include <linux/uprobes.h>

struct sd_uprobe {
	struct sd_probe probe;
	const char *path;	/* the file, absolute */
	unsigned long offset;	/* of the probed instruction in the file */
	unsigned long link_addr;	/* its link-time address (the handler's bias) */
	unsigned long func_addr;	/* link-time entry of the function (.return) */
	unsigned long ref_ctr_offset;	/* an SDT semaphore's file offset, 0 if none */
	bool ret;
	bool target_only;	/* only the -c/-x target and its descendants */
	/*
	 * .return with @entry: a second uprobe at entry_offset (link-time
	 * entry_pc: where the function's values are in place) runs the entry
	 * handler; DWARF register entry_reg + entry_off there is the stack
	 * pointer the function was entered with, which finds the values again
	 * at its return (the return's sp is 8 above it)
	 */
	struct sd_probe entry;
	size_t data_size;	/* the bias and the @entry values */
	unsigned long entry_offset, entry_pc;
	int entry_reg;
	long entry_off;
	bool registered, entry_registered;
	struct inode *inode;
#ifdef SD_HAVE_UPROBE_REGISTER_PTR
	struct uprobe *uprobe, *entry_uprobe;
#endif
	struct uprobe_consumer uc, entry_uc;
};

/*
 * The handler's data starts with the load bias of the hit (what the
 * script's DWARF addresses of globals are relocated by); a .return's
 * @entry values follow it.
 */
#define _sd_ubias(c) (*(const uint64_t *)(c)->entry_data)

/*
 * The @entry values of live return instances: a pool of slots, each owned
 * by a task while its function runs, found by (task, entry sp) hashed.
 * A slot whose return never comes (the task died, longjmp) stays taken;
 * when the slots near a hash are all taken the hit is skipped.
 */
#ifndef SD_UENTRIES
#define SD_UENTRIES 1024
#endif
#define SD_UENTRY_PROBES 16

struct sd_uentry {
	struct task_struct *task;	/* the owner, NULL when free */
	unsigned long sp;
	const struct sd_uprobe *p;
	u64 data[];
};

static char *_sd_uentries;
static size_t _sd_uentry_size;

static inline struct sd_uentry *_sd_uentry_at(unsigned long i)
{
	return (struct sd_uentry *)(_sd_uentries + (i % SD_UENTRIES) * _sd_uentry_size);
}

static inline unsigned long _sd_uentry_hash(unsigned long sp)
{
	return hash_long((unsigned long)current ^ sp, 32);
}

static struct sd_uentry *_sd_uentry_claim(const struct sd_uprobe *p, unsigned long sp)
{
	unsigned long h = _sd_uentry_hash(sp);

	for (int i = 0; i < SD_UENTRY_PROBES; i++) {
		struct sd_uentry *e = _sd_uentry_at(h + i);

		if (!READ_ONCE(e->task) && !cmpxchg(&e->task, NULL, current)) {
			e->sp = sp;
			e->p = p;
			return e;
		}
	}
	return NULL;
}

static struct sd_uentry *_sd_uentry_find(const struct sd_uprobe *p, unsigned long sp)
{
	unsigned long h = _sd_uentry_hash(sp);

	for (int i = 0; i < SD_UENTRY_PROBES; i++) {
		struct sd_uentry *e = _sd_uentry_at(h + i);

		if (READ_ONCE(e->task) == current && e->sp == sp && e->p == p)
			return e;
	}
	return NULL;
}

static inline void _sd_uentry_release(struct sd_uentry *e)
{
	smp_store_release(&e->task, NULL);
}

/* a DWARF register number's value in regs (x86-64 numbering) */
static unsigned long _sd_dwarf_reg(struct pt_regs *regs, int n)
{
	switch (n) {
	case 0: return regs->ax;
	case 1: return regs->dx;
	case 2: return regs->cx;
	case 3: return regs->bx;
	case 4: return regs->si;
	case 5: return regs->di;
	case 6: return regs->bp;
	case 7: return regs->sp;
	case 8: return regs->r8;
	case 9: return regs->r9;
	case 10: return regs->r10;
	case 11: return regs->r11;
	case 12: return regs->r12;
	case 13: return regs->r13;
	case 14: return regs->r14;
	case 15: return regs->r15;
	default: return regs->ip;
	}
}

/* is t's process the target or one of its descendants? */
static bool _sd_task_in_target_tree(struct task_struct *t)
{
	bool found = false;
	int depth = 0;

	if (!_sd_target_pid)
		return false;
	rcu_read_lock();
	for (; t && depth < 64; t = rcu_dereference(t->real_parent), depth++) {
		if (task_tgid_nr(t) == _sd_target_pid) {
			found = true;
			break;
		}
		if (t->pid <= 1)
			break;
	}
	rcu_read_unlock();
	return found;
}

static inline bool _sd_in_target_tree(void)
{
	return _sd_task_in_target_tree(current);
}

static int _sd_uprobe_hit(struct uprobe_consumer *uc, struct pt_regs *regs)
{
	struct sd_uprobe *p = container_of(uc, struct sd_uprobe, uc);
	/* the kernel has set ip back to the probed instruction */
	u64 bias = instruction_pointer(regs) - p->link_addr;

	if (p->target_only && !_sd_in_target_tree())
		return 0;
	_sd_run_inline(&p->probe, regs, &bias, false);
	return 0;
}

/* .return with @entry: take the values, keep them for the return */
static int _sd_uprobe_entry_hit(struct uprobe_consumer *uc, struct pt_regs *regs)
{
	struct sd_uprobe *p = container_of(uc, struct sd_uprobe, entry_uc);
	struct sd_uentry *e;

	if ((p->target_only && !_sd_in_target_tree()) || atomic_read(&_sd_state) != SD_RUNNING)
		return 0;
	e = _sd_uentry_claim(p, _sd_dwarf_reg(regs, p->entry_reg) + p->entry_off);
	if (!e) {
		atomic_long_inc(&_sd_skipped);
		return 0;
	}
	e->data[0] = instruction_pointer(regs) - p->entry_pc;
	if (!_sd_run_inline(&p->entry, regs, e->data, false))
		_sd_uentry_release(e);	/* no values: the return is not reported */
	return 0;
}

static int _sd_uretprobe_hit(struct uprobe_consumer *uc, unsigned long func,
			     struct pt_regs *regs)
{
	struct sd_uprobe *p = container_of(uc, struct sd_uprobe, uc);
	u64 bias = func - p->func_addr;
	struct sd_uentry *e;

	if (p->target_only && !_sd_in_target_tree())
		return 0;
	if (!p->entry.fn) {
		_sd_run_inline(&p->probe, regs, &bias, false);
		return 0;
	}
	/* after the return, sp is 8 above the entry's */
	e = _sd_uentry_find(p, regs->sp - 8);
	if (!e)
		return 0;
	e->data[0] = bias;
	_sd_run_inline(&p->probe, regs, e->data, false);
	_sd_uentry_release(e);
	return 0;
}

#ifdef SD_HAVE_UPROBE_REGISTER_PTR
#define SD_UPROBE_PTR(x) (&(x))
#else
#define SD_UPROBE_PTR(x) NULL
#endif

static void _sd_uprobe_drop(struct sd_uprobe *p)
{
#ifdef SD_HAVE_UPROBE_REGISTER_PTR
	if (p->registered)
		uprobe_unregister_nosync(p->uprobe, &p->uc);
	if (p->entry_registered)
		uprobe_unregister_nosync(p->entry_uprobe, &p->entry_uc);
#else
	if (p->registered)
		uprobe_unregister(p->inode, p->offset, &p->uc);
	if (p->entry_registered)
		uprobe_unregister(p->inode, p->entry_offset, &p->entry_uc);
#endif
	p->registered = p->entry_registered = false;
}

/* one consumer at offset; 0 or a negative errno */
static int _sd_uprobe_add(struct sd_uprobe *p, unsigned long offset, unsigned long ref_ctr,
			  struct uprobe_consumer *uc, struct uprobe **u)
{
#ifdef SD_HAVE_UPROBE_REGISTER_PTR
	*u = uprobe_register(p->inode, offset, ref_ctr, uc);
	return IS_ERR(*u) ? PTR_ERR(*u) : 0;
#else
	(void)u;
	return ref_ctr ? uprobe_register_refctr(p->inode, offset, ref_ctr, uc) :
	       uprobe_register(p->inode, offset, uc);
#endif
}

static void _sd_uprobes_unregister(struct sd_uprobe *v, size_t n)
{
	bool any = false;

	for (size_t i = 0; i < n; i++) {
		if (v[i].registered || v[i].entry_registered) {
			_sd_uprobe_drop(&v[i]);
			any = true;
		}
	}
#ifdef SD_HAVE_UPROBE_REGISTER_PTR
	if (any)
		uprobe_unregister_sync();	/* no handler runs after this */
#endif
	(void)any;
	for (size_t i = 0; i < n; i++) {
		if (v[i].inode) {
			iput(v[i].inode);
			v[i].inode = NULL;
		}
	}
	kvfree(_sd_uentries);	/* no handler runs any more */
	_sd_uentries = NULL;
}

static const char *_sd_uprobe_why(int rc)
{
	switch (rc) {
	case -ENOENT: return "no such file";
	case -EACCES: return "permission denied";
	case -EINVAL: return "the offset is not an instruction the kernel can probe";
	case -EIO: return "the file system does not support uprobes";
	case -ENOMEM: return "out of memory";
	default: return "registration failed";
	}
}

/* all of them or none; false after reporting which one failed */
static bool _sd_uprobes_register(struct sd_uprobe *v, size_t n)
{
	char msg[320];
	size_t i, size = 0;
	int rc = 0;

	for (i = 0; i < n; i++)
		if (v[i].entry.fn && v[i].data_size > size)
			size = v[i].data_size;
	if (size) {
		_sd_uentry_size = ALIGN(sizeof(struct sd_uentry) + size, 8);
		_sd_uentries = kvzalloc(_sd_uentry_size * SD_UENTRIES, GFP_KERNEL);
		if (!_sd_uentries) {
			i = 0;
			rc = -ENOMEM;
			goto fail;
		}
	}
	for (i = 0; i < n; i++) {
		struct sd_uprobe *p = &v[i];
		struct path path;

		memset(&p->uc, 0, sizeof(p->uc));
		if (p->ret)
			p->uc.ret_handler = _sd_uretprobe_hit;
		else
			p->uc.handler = _sd_uprobe_hit;
		/* the same file for every probe on it: the same inode */
		if (i && v[i - 1].inode && !strcmp(v[i - 1].path, p->path)) {
			p->inode = igrab(v[i - 1].inode);
		} else {
			rc = kern_path(p->path, LOOKUP_FOLLOW, &path);
			if (rc)
				goto fail;
			p->inode = igrab(d_inode(path.dentry));
			path_put(&path);
		}
		if (!p->inode) {
			rc = -ENOENT;
			goto fail;
		}
		if (p->entry.fn) {
			memset(&p->entry_uc, 0, sizeof(p->entry_uc));
			p->entry_uc.handler = _sd_uprobe_entry_hit;
			rc = _sd_uprobe_add(p, p->entry_offset, 0, &p->entry_uc, SD_UPROBE_PTR(p->entry_uprobe));
			if (rc)
				goto fail;
			p->entry_registered = true;
		}
		rc = _sd_uprobe_add(p, p->offset, p->ref_ctr_offset, &p->uc, SD_UPROBE_PTR(p->uprobe));
		if (rc)
			goto fail;
		p->registered = true;
	}
	return true;
fail:
	snprintf(msg, sizeof(msg), "probe %s registration error (rc %d): %s (%s offset 0x%lx)",
		 v[i].probe.pp, rc, _sd_uprobe_why(rc), v[i].path, v[i].offset);
	_sd_transport_oob(SD_OOB_ERROR, msg);
	atomic_long_inc(&_sd_errors);
	atomic_set(&_sd_failed, 1);
	_sd_uprobes_unregister(v, i < n ? i + 1 : n);
	return false;
}

#endif /* _SD_UPROBES_H_ */
