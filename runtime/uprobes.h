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
	bool registered;
	struct inode *inode;
#ifdef SD_HAVE_UPROBE_REGISTER_PTR
	struct uprobe *uprobe;
#endif
	struct uprobe_consumer uc;
};

/* the load bias of a hit, as the script reads it (tvar DW_OP_addr) */
#define _sd_ubias(c) ((uint64_t)(unsigned long)(c)->entry_data)

/* is the current process the target or one of its descendants? */
static bool _sd_in_target_tree(void)
{
	struct task_struct *t;
	bool found = false;
	int depth = 0;

	if (!_sd_target_pid)
		return false;
	rcu_read_lock();
	for (t = current; t && depth < 64; t = rcu_dereference(t->real_parent), depth++) {
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

static int _sd_uprobe_hit(struct uprobe_consumer *uc, struct pt_regs *regs)
{
	struct sd_uprobe *p = container_of(uc, struct sd_uprobe, uc);

	if (p->target_only && !_sd_in_target_tree())
		return 0;
	/* the kernel has set ip back to the probed instruction */
	_sd_run_inline(&p->probe, regs, (void *)(instruction_pointer(regs) - p->link_addr), false);
	return 0;
}

static int _sd_uretprobe_hit(struct uprobe_consumer *uc, unsigned long func,
			     struct pt_regs *regs)
{
	struct sd_uprobe *p = container_of(uc, struct sd_uprobe, uc);

	if (p->target_only && !_sd_in_target_tree())
		return 0;
	_sd_run_inline(&p->probe, regs, (void *)(func - p->func_addr), false);
	return 0;
}

static void _sd_uprobe_drop(struct sd_uprobe *p)
{
#ifdef SD_HAVE_UPROBE_REGISTER_PTR
	uprobe_unregister_nosync(p->uprobe, &p->uc);
#else
	uprobe_unregister(p->inode, p->offset, &p->uc);
#endif
	p->registered = false;
}

static void _sd_uprobes_unregister(struct sd_uprobe *v, size_t n)
{
	bool any = false;

	for (size_t i = 0; i < n; i++) {
		if (v[i].registered) {
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
	size_t i;
	int rc = 0;

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
#ifdef SD_HAVE_UPROBE_REGISTER_PTR
		p->uprobe = uprobe_register(p->inode, p->offset, p->ref_ctr_offset, &p->uc);
		rc = IS_ERR(p->uprobe) ? PTR_ERR(p->uprobe) : 0;
#else
		rc = p->ref_ctr_offset ?
		     uprobe_register_refctr(p->inode, p->offset, p->ref_ctr_offset, &p->uc) :
		     uprobe_register(p->inode, p->offset, &p->uc);
#endif
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
	_sd_uprobes_unregister(v, i + 1);
	return false;
}

#endif /* _SD_UPROBES_H_ */
