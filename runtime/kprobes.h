/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kprobes.h - kprobe.function("NAME") and kprobe.function("NAME").return:
 * probes on kernel functions by symbol name, with no debug information.
 *
 * They are registered after the begin probes and unregistered before the
 * end probes, in process context (the loader's START and EXIT). A point
 * that cannot be registered stops the script with an error that names it
 * and the reason; the ones registered before it are unregistered again.
 * Return probes are kretprobes: instances missed because all maxactive
 * were in use count as skipped probes, as in SystemTap.
 */
#ifndef _SD_KPROBES_H_
#define _SD_KPROBES_H_

#include <linux/kprobes.h>
#include <linux/sched/task.h>

struct sd_kprobe {
	struct sd_probe probe;
	const char *symbol;
	unsigned long offset;	/* from symbol */
	/*
	 * Without a symbol kallsyms resolves to this one function: its
	 * link-time address, relocated (KASLR) by how far the exported
	 * init_task moved from its link-time address anchor.
	 */
	unsigned long link_addr, anchor;
	bool ret;
	struct sd_probe entry;	/* .return with @entry: run at the entry, fn NULL if none */
	size_t data_size;	/* the @entry values kept per return instance */
	int maxactive;		/* .maxactive(N), 0 for the kernel's default */
	bool registered;
	struct kprobe kp;
	struct kretprobe rp;
};

static int _sd_kprobe_hit(struct kprobe *kp, struct pt_regs *regs)
{
	struct sd_kprobe *p = container_of(kp, struct sd_kprobe, kp);

	_sd_run_inline(&p->probe, regs, NULL, false);
	return 0;
}

static int _sd_kretprobe_hit(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct sd_kprobe *p = container_of(get_kretprobe(ri), struct sd_kprobe, rp);

	_sd_run_inline(&p->probe, regs, ri->data, false);
	return 0;
}

/* @entry values: an instance whose entry handler did not run is not kept */
static int _sd_kretprobe_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct sd_kprobe *p = container_of(get_kretprobe(ri), struct sd_kprobe, rp);

	return _sd_run_inline(&p->entry, regs, ri->data, false) ? 0 : 1;
}

static void _sd_kprobe_where(const struct sd_kprobe *p, struct kprobe *kp)
{
	if (p->symbol) {
		kp->symbol_name = p->symbol;
		kp->offset = p->offset;
	} else {
		/* anchor 0: kprobe.statement(ADDR).absolute, already a run-time address */
		kp->addr = (kprobe_opcode_t *)(p->anchor ? p->link_addr + ((unsigned long)&init_task -
									 p->anchor) : p->link_addr);
	}
}

static const char *_sd_kprobe_why(int rc)
{
	switch (rc) {
	case -ENOENT: return "no such function in this kernel";
	case -EINVAL: return "the kernel does not allow probing it (notrace, blacklisted or not a function start)";
	case -EBUSY: return "the address is busy";
	case -ENOMEM: return "out of memory";
	default: return "registration failed";
	}
}

static void _sd_kprobes_unregister(struct sd_kprobe *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!v[i].registered)
			continue;
		if (v[i].ret) {
			unregister_kretprobe(&v[i].rp);
			atomic_long_add(v[i].rp.nmissed, &_sd_skipped);
		} else {
			unregister_kprobe(&v[i].kp);
		}
		v[i].registered = false;
	}
}

/* all of them or none; false after reporting which one failed */
static bool _sd_kprobes_register(struct sd_kprobe *v, size_t n)
{
	char msg[256];
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		struct sd_kprobe *p = &v[i];

		if (p->ret) {
			memset(&p->rp, 0, sizeof(p->rp));
			_sd_kprobe_where(p, &p->rp.kp);
			p->rp.handler = _sd_kretprobe_hit;
			p->rp.maxactive = p->maxactive;
			if (p->entry.fn) {
				p->rp.entry_handler = _sd_kretprobe_entry;
				p->rp.data_size = p->data_size;
			}
			rc = register_kretprobe(&p->rp);
		} else {
			memset(&p->kp, 0, sizeof(p->kp));
			_sd_kprobe_where(p, &p->kp);
			p->kp.pre_handler = _sd_kprobe_hit;
			rc = register_kprobe(&p->kp);
		}
		if (rc) {
			snprintf(msg, sizeof(msg), "probe %s registration error (rc %d): %s",
				 p->probe.pp, rc, _sd_kprobe_why(rc));
			_sd_transport_oob(SD_OOB_ERROR, msg);
			atomic_long_inc(&_sd_errors);
			atomic_set(&_sd_failed, 1);
			_sd_kprobes_unregister(v, i);
			return false;
		}
		p->registered = true;
	}
	return true;
}


#endif /* _SD_KPROBES_H_ */
