// SPDX-License-Identifier: GPL-2.0
/*
 * transport.c - the transport between a loaded Sonde module and sonde-run
 * (transport.h)
 */

/* Relay memory per CPU in MB (sonde-run -s), and the target pid (-x/-c). */
static unsigned int _sd_bufsize_mb = 1;
module_param_named(_sd_bufsize, _sd_bufsize_mb, uint, 0444);
MODULE_PARM_DESC(_sd_bufsize, "relay buffer per CPU, MB");
int _sd_target_pid;
module_param_named(_sd_target, _sd_target_pid, int, 0444);
MODULE_PARM_DESC(_sd_target, "target process id (0: none)");
/* set when the loader sends START, in its own context */
kuid_t _sd_loader_euid;

#define _SD_N_SUBBUFS		8
#define _SD_MAX_BUFSIZE_MB	64

/*
 * The name of the module this code is linked into, read at run time (not
 * KBUILD_MODNAME: sd_runtime.o is built once for all modules), for the
 * debugfs directory and messages.
 */
#define _sd_modname		module_name(THIS_MODULE)
#define _sd_err(fmt, ...)	printk(KERN_ERR "%s: " fmt, _sd_modname, ##__VA_ARGS__)

/* Bits of _sd_tp.pending: control messages waiting for the loader. */
enum {
	_SD_PEND_READY,
	_SD_PEND_REQUEST_EXIT,
	_SD_PEND_DONE,
};

static struct {
	struct dentry *top;		/* sonde/ (a reference we hold) */
	struct dentry *dir;		/* sonde/<module>/ */
	struct rchan *chan;
	size_t subbuf_size;
	wait_queue_head_t wq;		/* readers and pollers of .cmd */
	struct irq_work wake_work;	/* wakes wq from any context */
	struct mutex lock;		/* START/EXIT/release/close */
	atomic_t opened;
	unsigned long pending;
	bool started;
	bool exited;
	atomic64_t seq;
	atomic64_t dropped;
	u64 errors;
	u64 skipped;
} _sd_tp;

static DEFINE_PER_CPU(int, _sd_tp_busy);

static void _sd_transport_wake_fn(struct irq_work *work)
{
	wake_up_interruptible(&_sd_tp.wq);
}

/* Queue a control message; any context (irq_work is NMI-safe). */
static void _sd_transport_post(int bit)
{
	set_bit(bit, &_sd_tp.pending);
	irq_work_queue(&_sd_tp.wake_work);
}

/* Append one chunk to this CPU's relay buffer; any context. */
static void _sd_transport_chunk(u16 type, u16 flags, const char *data,
				size_t len)
{
	struct sd_chunk_hdr hdr;
	struct rchan_buf *buf;
	struct rchan *chan;
	unsigned long irqflags;
	size_t total;
	char *dst;

	/*
	 * Interrupts stay off until the chunk is in: that is also an RCU
	 * read-side section, which _sd_transport_close() waits for.
	 */
	local_irq_save(irqflags);
	chan = READ_ONCE(_sd_tp.chan);
	if (unlikely(!chan))
		goto out;
	if (unlikely(this_cpu_inc_return(_sd_tp_busy) != 1))
		goto drop;	/* an NMI interrupted a write on this CPU */
	if (len > chan->subbuf_size - sizeof(hdr))
		len = chan->subbuf_size - sizeof(hdr);
	total = sizeof(hdr) + len;
	buf = *this_cpu_ptr(chan->buf);
	if (unlikely(!buf))
		goto drop;
	if (unlikely(buf->offset + total > chan->subbuf_size) &&
	    !relay_switch_subbuf(buf, total))
		goto drop;	/* all sub-buffers full: no-overwrite mode */

	hdr.magic = SD_CHUNK_MAGIC;
	hdr.type = type;
	hdr.flags = flags;
	hdr.len = len;
	hdr.reserved = 0;
	hdr.seq = atomic64_inc_return(&_sd_tp.seq);
	dst = (char *)buf->data + buf->offset;
	memcpy(dst, &hdr, sizeof(hdr));
	memcpy(dst + sizeof(hdr), data, len);
	smp_wmb();	/* contents before the offset that publishes them */
	WRITE_ONCE(buf->offset, buf->offset + total);
	goto out_busy;
drop:
	atomic64_inc(&_sd_tp.dropped);
out_busy:
	this_cpu_dec(_sd_tp_busy);
out:
	local_irq_restore(irqflags);
}

void _sd_transport_write(const char *buf, size_t len)
{
	if (len)
		_sd_transport_chunk(SD_MSG_DATA, 0, buf, len);
}

void _sd_transport_oob(int kind, const char *msg)
{
	size_t len = strnlen(msg, SD_OOB_TEXT_MAX);

	_sd_transport_chunk(SD_MSG_OOB, (u16)kind, msg, len);
}

void _sd_transport_request_exit(void)
{
	_sd_transport_post(_SD_PEND_REQUEST_EXIT);
}

void _sd_transport_done(unsigned long errors, unsigned long skipped)
{
	WRITE_ONCE(_sd_tp.errors, errors);
	WRITE_ONCE(_sd_tp.skipped, skipped);
	smp_wmb();
	_sd_transport_post(_SD_PEND_DONE);
}

/* Callers hold _sd_tp.lock. */
static void _sd_transport_stop_locked(void)
{
	if (_sd_tp.exited)
		return;
	_sd_tp.exited = true;
	if (_sd_tp.started)
		_sd_on_exit();
	else
		_sd_transport_done(0, 0);	/* nothing was armed */
}

/* ---- control file ---- */

static int _sd_cmd_open(struct inode *inode, struct file *file)
{
	if (atomic_cmpxchg(&_sd_tp.opened, 0, 1) != 0)
		return -EBUSY;
	_sd_transport_post(_SD_PEND_READY);
	return nonseekable_open(inode, file);
}

static int _sd_cmd_release(struct inode *inode, struct file *file)
{
	/* The loader went away (maybe killed): stop the probes now. */
	mutex_lock(&_sd_tp.lock);
	if (_sd_tp.started)
		_sd_transport_stop_locked();
	mutex_unlock(&_sd_tp.lock);
	atomic_set(&_sd_tp.opened, 0);
	return 0;
}

/* Build the next pending message into msg; returns its size or 0. */
static size_t _sd_cmd_next(char *msg)
{
	struct sd_msg_hdr *hdr = (struct sd_msg_hdr *)msg;
	void *payload = msg + sizeof(*hdr);

	if (test_and_clear_bit(_SD_PEND_READY, &_sd_tp.pending)) {
		struct sd_msg_ready r = {
			.version = SD_PROTOCOL_VERSION,
			.nr_cpus = nr_cpu_ids,
			.subbuf_size = _sd_tp.subbuf_size,
			.n_subbufs = _SD_N_SUBBUFS,
		};

		hdr->id = SD_MSG_READY;
		hdr->len = sizeof(r);
		memcpy(payload, &r, sizeof(r));
	} else if (test_and_clear_bit(_SD_PEND_REQUEST_EXIT,
				      &_sd_tp.pending)) {
		hdr->id = SD_MSG_REQUEST_EXIT;
		hdr->len = 0;
	} else if (test_and_clear_bit(_SD_PEND_DONE, &_sd_tp.pending)) {
		struct sd_msg_done d;

		smp_rmb();
		d.errors = READ_ONCE(_sd_tp.errors);
		d.skipped = READ_ONCE(_sd_tp.skipped);
		d.dropped = atomic64_read(&_sd_tp.dropped);
		hdr->id = SD_MSG_DONE;
		hdr->len = sizeof(d);
		memcpy(payload, &d, sizeof(d));
	} else {
		return 0;
	}
	return sizeof(*hdr) + hdr->len;
}

static ssize_t _sd_cmd_read(struct file *file, char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	char msg[sizeof(struct sd_msg_hdr) + sizeof(struct sd_msg_done)];
	size_t len;
	int ret;

	BUILD_BUG_ON(sizeof(struct sd_msg_ready) > sizeof(struct sd_msg_done));
	if (count < sizeof(msg))
		return -EINVAL;
	for (;;) {
		len = _sd_cmd_next(msg);
		if (len)
			break;
		if (file->f_flags & O_NONBLOCK)
			return -EAGAIN;
		ret = wait_event_interruptible(_sd_tp.wq,
					       READ_ONCE(_sd_tp.pending));
		if (ret)
			return ret;
	}
	if (copy_to_user(ubuf, msg, len))
		return -EFAULT;
	return len;
}

static ssize_t _sd_cmd_write(struct file *file, const char __user *ubuf,
			     size_t count, loff_t *ppos)
{
	struct sd_msg_hdr hdr;
	struct sd_msg_start start;

	if (count < sizeof(hdr))
		return -EINVAL;
	if (copy_from_user(&hdr, ubuf, sizeof(hdr)))
		return -EFAULT;
	if (hdr.len != count - sizeof(hdr))
		return -EINVAL;

	switch (hdr.id) {
	case SD_MSG_START:
		if (hdr.len != sizeof(start))
			return -EINVAL;
		if (copy_from_user(&start, ubuf + sizeof(hdr), sizeof(start)))
			return -EFAULT;
		if (start.version != SD_PROTOCOL_VERSION)
			return -EPROTO;
		mutex_lock(&_sd_tp.lock);
		if (!_sd_tp.started && !_sd_tp.exited) {
			_sd_tp.started = true;
			_sd_loader_euid = current_euid();
			_sd_on_start();
		}
		mutex_unlock(&_sd_tp.lock);
		break;
	case SD_MSG_EXIT:
		mutex_lock(&_sd_tp.lock);
		_sd_transport_stop_locked();
		mutex_unlock(&_sd_tp.lock);
		break;
	default:
		return -EINVAL;
	}
	return count;
}

static __poll_t _sd_cmd_poll(struct file *file, poll_table *wait)
{
	__poll_t mask = EPOLLOUT | EPOLLWRNORM;

	poll_wait(file, &_sd_tp.wq, wait);
	if (READ_ONCE(_sd_tp.pending))
		mask |= EPOLLIN | EPOLLRDNORM;
	return mask;
}

/* No .llseek = no_llseek: 6.12 removed no_llseek (nonseekable_open works). */
static const struct file_operations _sd_cmd_fops = {
	.owner = THIS_MODULE,
	.open = _sd_cmd_open,
	.release = _sd_cmd_release,
	.read = _sd_cmd_read,
	.write = _sd_cmd_write,
	.poll = _sd_cmd_poll,
};

/* ---- relay callbacks ---- */

static struct dentry *_sd_relay_create(const char *filename,
				       struct dentry *parent, umode_t mode,
				       struct rchan_buf *buf, int *is_global)
{
	struct dentry *d;

	d = debugfs_create_file(filename, mode, parent, buf,
				&relay_file_operations);
	return IS_ERR(d) ? NULL : d;
}

static int _sd_relay_remove(struct dentry *dentry)
{
	debugfs_remove(dentry);
	return 0;
}

static const struct rchan_callbacks _sd_relay_cb = {
	.create_buf_file = _sd_relay_create,
	.remove_buf_file = _sd_relay_remove,
};

/* ---- module init / exit ---- */

void _sd_transport_close(void)
{
	if (_sd_tp.dir) {
		/* .cmd cannot be open here: it pins the module. */
		mutex_lock(&_sd_tp.lock);
		if (_sd_tp.started)
			_sd_transport_stop_locked();
		mutex_unlock(&_sd_tp.lock);
	}
	if (_sd_tp.chan) {
		struct rchan *chan = _sd_tp.chan;

		WRITE_ONCE(_sd_tp.chan, NULL);
		synchronize_rcu();	/* let running probe writes finish */
		relay_close(chan);
	}
	if (_sd_tp.dir) {
		debugfs_remove(_sd_tp.dir);
		_sd_tp.dir = NULL;
	}
	irq_work_sync(&_sd_tp.wake_work);
	if (_sd_tp.top) {
		dput(_sd_tp.top);
		_sd_tp.top = NULL;
	}
}

int _sd_transport_init(void)
{
	struct dentry *d;
	unsigned int mb = _sd_bufsize_mb;
	int ret;

	init_waitqueue_head(&_sd_tp.wq);
	init_irq_work(&_sd_tp.wake_work, _sd_transport_wake_fn);
	mutex_init(&_sd_tp.lock);
	atomic64_set(&_sd_tp.seq, 0);
	atomic64_set(&_sd_tp.dropped, 0);

	if (mb < 1 || mb > _SD_MAX_BUFSIZE_MB) {
		_sd_err("%s=%u out of range 1..%d\n", SD_PARAM_BUFSIZE, mb, _SD_MAX_BUFSIZE_MB);
		return -EINVAL;
	}
	_sd_tp.subbuf_size = ((size_t)mb << 20) / _SD_N_SUBBUFS;

	/* sonde/ may exist already (another Sonde module); share it. */
	_sd_tp.top = debugfs_lookup(SD_DEBUGFS_TOP, NULL);
	if (!_sd_tp.top) {
		d = debugfs_create_dir(SD_DEBUGFS_TOP, NULL);
		if (IS_ERR(d) && PTR_ERR(d) != -EEXIST) {
			ret = PTR_ERR(d);
			_sd_err("cannot create debugfs %s/: %d\n", SD_DEBUGFS_TOP, ret);
			goto err;
		}
		/* Take our own reference, as debugfs_lookup() gives one. */
		_sd_tp.top = debugfs_lookup(SD_DEBUGFS_TOP, NULL);
		if (!_sd_tp.top) {
			ret = -ENOENT;
			goto err;
		}
	}

	d = debugfs_create_dir(_sd_modname, _sd_tp.top);
	if (IS_ERR(d)) {
		ret = PTR_ERR(d);
		_sd_err("cannot create debugfs %s/%s/: %d\n", SD_DEBUGFS_TOP, _sd_modname, ret);
		goto err;
	}
	_sd_tp.dir = d;

	_sd_tp.chan = relay_open(SD_RELAY_BASE, _sd_tp.dir,
				 _sd_tp.subbuf_size, _SD_N_SUBBUFS,
				 &_sd_relay_cb, NULL);
	if (!_sd_tp.chan) {
		ret = -ENOMEM;
		_sd_err("relay_open failed\n");
		goto err;
	}

	d = debugfs_create_file(SD_CMD_FILE, 0600, _sd_tp.dir, NULL,
				&_sd_cmd_fops);
	if (IS_ERR(d)) {
		ret = PTR_ERR(d);
		_sd_err("cannot create %s: %d\n", SD_CMD_FILE, ret);
		goto err;
	}
	return 0;

err:
	_sd_transport_close();
	return ret;
}

