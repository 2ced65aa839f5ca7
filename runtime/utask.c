// SPDX-License-Identifier: GPL-2.0
/*
 * utask.c - process begin/end and thread begin/end probes (utask.h)
 */

static struct {
	struct sd_utask *v;
	size_t n;
	bool live;		/* handlers may run */
	int ninodes;
	struct inode *inodes[SD_UT_EXES];
	struct tracepoint *exec, *fork, *exit;
	raw_spinlock_t lock;	/* procs */
	struct sd_uproc *procs;
	struct sd_uwork *works;
	atomic_t pending;	/* works queued and not run or cancelled */
	sd_tw_cancel_t cancel;	/* task_work_cancel_match, NULL if not found */
} _sd_ut;

/* {=== the processes that began ===} */

static struct sd_uproc *_sd_uproc_slot(pid_t tgid, bool add)
{
	struct sd_uproc *free = NULL;

	for (u32 i = 0, h = hash_32((u32)tgid, 31); i < SD_UPROCS; i++) {
		struct sd_uproc *e = &_sd_ut.procs[(h + i) % SD_UPROCS];

		if (e->tgid == tgid)
			return e;
		if (e->tgid <= 0 && !free)
			free = e;
		if (!e->tgid)
			break;
	}
	if (!add || !free)
		return NULL;
	free->tgid = tgid;
	free->classes = 0;
	return free;
}

/* tgid began for classes too; false when the table is full */
static bool _sd_uproc_add(pid_t tgid, u32 classes)
{
	struct sd_uproc *e;
	unsigned long flags;

	raw_spin_lock_irqsave(&_sd_ut.lock, flags);
	e = _sd_uproc_slot(tgid, true);
	if (e)
		e->classes |= classes;
	raw_spin_unlock_irqrestore(&_sd_ut.lock, flags);
	return e != NULL;
}

/* the classes tgid began for; forgotten with take */
static u32 _sd_uproc_get(pid_t tgid, bool take)
{
	struct sd_uproc *e;
	unsigned long flags;
	u32 classes = 0;

	raw_spin_lock_irqsave(&_sd_ut.lock, flags);
	e = _sd_uproc_slot(tgid, false);
	if (e) {
		classes = e->classes;
		if (take)
			e->tgid = -1;
	}
	raw_spin_unlock_irqrestore(&_sd_ut.lock, flags);
	return classes;
}

/* {=== matching ===} */

static bool _sd_utask_user(struct task_struct *t)
{
	return !(t->flags & (PF_KTHREAD | PF_IO_WORKER));
}

/* the classes t's executable gives it now: its executable's bit, and SD_UT_OTHER */
static u32 _sd_utask_classes(struct task_struct *t)
{
	u32 classes = SD_UT_OTHER;
	struct mm_struct *mm;

	if (!_sd_ut.ninodes)
		return classes;
	task_lock(t);
	mm = t->mm;
	if (mm) {
		struct file *exe;

		rcu_read_lock();
		exe = rcu_dereference(mm->exe_file);
		for (int i = 0; exe && i < _sd_ut.ninodes; i++)
			if (file_inode(exe) == _sd_ut.inodes[i])
				classes |= 1u << i;
		rcu_read_unlock();
	}
	task_unlock(t);
	return classes;
}

/* is t, of the given classes, one of probe p's? */
static bool _sd_utask_match(const struct sd_utask *p, struct task_struct *t, u32 classes)
{
	if (p->path)
		return classes & (1u << p->exe);
	if (!(classes & SD_UT_OTHER))
		return false;
	if (p->pid)
		return task_tgid_nr(t) == p->pid;
	return !p->target_only || _sd_task_in_target_tree(t);
}

/* run the probes of event for the current task, of the given classes */
static void _sd_utask_fire(int event, u32 classes)
{
	struct pt_regs *regs = task_pt_regs(current);

	for (size_t i = 0; i < _sd_ut.n; i++) {
		const struct sd_utask *p = &_sd_ut.v[i];

		if (p->event == event && _sd_utask_match(p, current, classes))
			_sd_run(&p->probe, regs, false);
	}
}

/* do any probes of event want t, of the given classes? */
static bool _sd_utask_wanted(int event, struct task_struct *t, u32 classes)
{
	for (size_t i = 0; i < _sd_ut.n; i++)
		if (_sd_ut.v[i].event == event && _sd_utask_match(&_sd_ut.v[i], t, classes))
			return true;
	return false;
}

/*
 * remember t's process, of the given classes, if a probe may want it
 * (its begin, its end, its threads' ends); false if none may
 */
static bool _sd_utask_follow(struct task_struct *t, u32 classes)
{
	if (!_sd_utask_wanted(SD_UT_BEGIN, t, classes) &&
	    !_sd_utask_wanted(SD_UT_END, t, classes) &&
	    !_sd_utask_wanted(SD_UT_THREAD_END, t, classes))
		return false;
	if (!_sd_uproc_add(task_tgid_nr(t), classes))
		atomic_long_inc(&_sd_skipped);
	return true;
}

/* {=== begins in the task's own context: task_work ===} */

static void _sd_uwork_run(struct callback_head *cb)
{
	struct sd_uwork *w = container_of(cb, struct sd_uwork, cb);

	/* unregistering waits for pending, then for this read side to end */
	rcu_read_lock();
	if (READ_ONCE(_sd_ut.live) && !(current->flags & PF_EXITING))
		_sd_utask_fire(w->event, _sd_utask_classes(current));
	put_task_struct(w->task);
	smp_store_release(&w->task, NULL);
	atomic_dec(&_sd_ut.pending);
	rcu_read_unlock();
}

/* run event's probes in t when it next returns to user space; false if none was free */
static bool _sd_uwork_queue(struct task_struct *t, int event)
{
	for (int i = 0; i < SD_UWORKS; i++) {
		struct sd_uwork *w = &_sd_ut.works[i];

		if (READ_ONCE(w->task) || cmpxchg(&w->task, NULL, t))
			continue;
		get_task_struct(t);
		w->event = event;
		init_task_work(&w->cb, _sd_uwork_run);
		atomic_inc(&_sd_ut.pending);
		if (task_work_add(t, &w->cb, TWA_RESUME)) {
			/* t is exiting and runs no more work */
			atomic_dec(&_sd_ut.pending);
			put_task_struct(t);
			smp_store_release(&w->task, NULL);
		}
		return true;
	}
	return false;
}

static bool _sd_uwork_is(struct callback_head *cb, void *data)
{
	return cb == data;
}

/*
 * task_work_cancel_match() is not exported; a kprobe registered and at once
 * unregistered finds its address. With IBT that address is past the
 * function's endbr64, where an indirect call must not land: step back.
 */
static sd_tw_cancel_t _sd_uwork_find_cancel(void)
{
	struct kprobe kp = { .symbol_name = "task_work_cancel_match" };
	u32 insn;

	if (register_kprobe(&kp) == 0)
		unregister_kprobe(&kp);
	if (!kp.addr)
		return NULL;
	if (!copy_from_kernel_nofault(&insn, (u8 *)kp.addr - 4, 4) && insn == 0xfa1e0ff3)
		return (sd_tw_cancel_t)((u8 *)kp.addr - 4);
	return (sd_tw_cancel_t)kp.addr;
}

/* {=== the tracepoints ===} */

static void _sd_ut_exec(void *data, struct task_struct *p, pid_t old_pid,
			struct linux_binprm *bprm)
{
	u32 old, classes;

	if (!READ_ONCE(_sd_ut.live) || p != current || !_sd_utask_user(p))
		return;
	/* the old image ends for the probes it began for */
	old = _sd_uproc_get(task_tgid_nr(p), true);
	if (old)
		_sd_utask_fire(SD_UT_END, old);
	classes = _sd_utask_classes(p);
	if (_sd_utask_follow(p, classes))
		_sd_utask_fire(SD_UT_BEGIN, classes);
}

static void _sd_ut_fork(void *data, struct task_struct *parent, struct task_struct *child)
{
	bool thread = child->tgid == parent->tgid;
	int event = thread ? SD_UT_THREAD_BEGIN : SD_UT_BEGIN;
	u32 classes;

	if (!READ_ONCE(_sd_ut.live) || !_sd_utask_user(child))
		return;
	classes = _sd_utask_classes(child);
	if (!thread)
		_sd_utask_follow(child, classes);
	if (_sd_utask_wanted(event, child, classes) && !_sd_uwork_queue(child, event))
		atomic_long_inc(&_sd_skipped);
}

static void _sd_ut_exit(void *data, struct task_struct *p)
{
	pid_t tgid = task_tgid_nr(p);
	u32 classes;

	if (!READ_ONCE(_sd_ut.live) || p != current || !_sd_utask_user(p))
		return;
	/* the memory map is gone: what the process began for */
	if (!atomic_read(&p->signal->live)) {
		classes = _sd_uproc_get(tgid, true);
		if (classes)
			_sd_utask_fire(SD_UT_END, classes);
	} else {
		classes = _sd_uproc_get(tgid, false);
		if (classes)
			_sd_utask_fire(SD_UT_THREAD_END, classes);
	}
}

static void _sd_ut_find(struct tracepoint *tp, void *unused)
{
	if (!strcmp(tp->name, "sched_process_exec"))
		_sd_ut.exec = tp;
	else if (!strcmp(tp->name, "sched_process_fork"))
		_sd_ut.fork = tp;
	else if (!strcmp(tp->name, "sched_process_exit"))
		_sd_ut.exit = tp;
}

/* {=== registration ===} */

static void _sd_utasks_free(void)
{
	for (int i = 0; i < _sd_ut.ninodes; i++)
		iput(_sd_ut.inodes[i]);
	_sd_ut.ninodes = 0;
	kvfree(_sd_ut.procs);
	kvfree(_sd_ut.works);
	_sd_ut.procs = NULL;
	_sd_ut.works = NULL;
	_sd_ut.v = NULL;
	_sd_ut.n = 0;
}

/* the processes running now begin (not the loader, nor the -c command waiting for it) */
static void _sd_utasks_existing(void)
{
	struct task_struct *t, *me = current->group_leader;
	u32 classes;

	rcu_read_lock();
	for_each_process(t) {
		if (t == me || rcu_dereference(t->real_parent) == me || !_sd_utask_user(t) ||
		    (t->flags & PF_EXITING))
			continue;
		classes = _sd_utask_classes(t);
		if (!_sd_utask_follow(t, classes))
			continue;
		/* without a way to take its work back at the end, no begin */
		if (_sd_utask_wanted(SD_UT_BEGIN, t, classes) &&
		    (!_sd_ut.cancel || !_sd_uwork_queue(t, SD_UT_BEGIN)))
			atomic_long_inc(&_sd_skipped);
	}
	rcu_read_unlock();
}

static void _sd_utask_fail(const struct sd_utask *p, const char *why, int rc)
{
	char msg[320];

	snprintf(msg, sizeof(msg), "probe %s registration error (rc %d): %s", p->probe.pp, rc, why);
	_sd_transport_oob(SD_OOB_ERROR, msg);
	atomic_long_inc(&_sd_errors);
	atomic_set(&_sd_failed, 1);
}

bool _sd_utasks_register(struct sd_utask *v, size_t n)
{
	int rc = 0;
	size_t i;

	if (!n)
		return true;
	raw_spin_lock_init(&_sd_ut.lock);
	atomic_set(&_sd_ut.pending, 0);
	_sd_ut.procs = kvzalloc(sizeof(*_sd_ut.procs) * SD_UPROCS, GFP_KERNEL);
	_sd_ut.works = kvzalloc(sizeof(*_sd_ut.works) * SD_UWORKS, GFP_KERNEL);
	if (!_sd_ut.procs || !_sd_ut.works) {
		_sd_utask_fail(&v[0], "out of memory", -ENOMEM);
		goto fail;
	}
	/* one class bit per executable */
	for (i = 0; i < n; i++) {
		struct path path;
		struct inode *inode;
		int k;

		if (!v[i].path)
			continue;
		rc = kern_path(v[i].path, LOOKUP_FOLLOW, &path);
		if (rc) {
			_sd_utask_fail(&v[i], "no such file", rc);
			goto fail;
		}
		inode = d_inode(path.dentry);
		for (k = 0; k < _sd_ut.ninodes && _sd_ut.inodes[k] != inode; k++)
			;
		if (k == _sd_ut.ninodes) {
			if (k == SD_UT_EXES) {
				path_put(&path);
				_sd_utask_fail(&v[i], "too many executables", -E2BIG);
				goto fail;
			}
			_sd_ut.inodes[_sd_ut.ninodes++] = igrab(inode);
		}
		path_put(&path);
		v[i].exe = k;
	}
	for_each_kernel_tracepoint(_sd_ut_find, NULL);
	if (!_sd_ut.exec || !_sd_ut.fork || !_sd_ut.exit) {
		_sd_utask_fail(&v[0], "the kernel has no sched_process_exec/fork/exit tracepoints",
			       -ENOENT);
		goto fail;
	}
	_sd_ut.cancel = _sd_uwork_find_cancel();
	_sd_ut.v = v;
	_sd_ut.n = n;
	WRITE_ONCE(_sd_ut.live, true);
	rc = tracepoint_probe_register(_sd_ut.exec, _sd_ut_exec, NULL);
	if (!rc) {
		rc = tracepoint_probe_register(_sd_ut.fork, _sd_ut_fork, NULL);
		if (!rc) {
			rc = tracepoint_probe_register(_sd_ut.exit, _sd_ut_exit, NULL);
			if (rc)
				tracepoint_probe_unregister(_sd_ut.fork, _sd_ut_fork, NULL);
		}
		if (rc)
			tracepoint_probe_unregister(_sd_ut.exec, _sd_ut_exec, NULL);
	}
	if (rc) {
		WRITE_ONCE(_sd_ut.live, false);
		tracepoint_synchronize_unregister();
		_sd_utask_fail(&v[0], "cannot attach to the scheduler's tracepoints", rc);
		goto fail;
	}
	_sd_utasks_existing();
	return true;
fail:
	_sd_utasks_free();
	return false;
}

void _sd_utasks_unregister(struct sd_utask *v, size_t n)
{
	if (!_sd_ut.v)
		return;
	WRITE_ONCE(_sd_ut.live, false);
	tracepoint_probe_unregister(_sd_ut.exec, _sd_ut_exec, NULL);
	tracepoint_probe_unregister(_sd_ut.fork, _sd_ut_fork, NULL);
	tracepoint_probe_unregister(_sd_ut.exit, _sd_ut_exit, NULL);
	tracepoint_synchronize_unregister();	/* nothing queues works any more */
	for (int i = 0; i < SD_UWORKS && _sd_ut.cancel; i++) {
		struct sd_uwork *w = &_sd_ut.works[i];
		struct task_struct *t;

		/*
		 * A work that runs meanwhile drops its reference to t; t itself
		 * is only freed a grace period after it has run, so t stays
		 * valid while this read side lasts.
		 */
		rcu_read_lock();
		t = READ_ONCE(w->task);
		/* taken back before it ran: it is ours to release */
		if (t && _sd_ut.cancel(t, _sd_uwork_is, &w->cb)) {
			put_task_struct(t);
			smp_store_release(&w->task, NULL);
			atomic_dec(&_sd_ut.pending);
		}
		rcu_read_unlock();
	}
	/* the rest are running or about to: new tasks return to user space at once */
	while (atomic_read(&_sd_ut.pending))
		msleep(1);
	synchronize_rcu();
	_sd_utasks_free();
}
