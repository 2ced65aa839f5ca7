/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sonde runtime: transport between a loaded Sonde module and sonde-run.
 *
 * The interface; the code is in transport.c, linked into the module (as
 * part of sd_runtime.o) or included after this file.  The module must
 * define
 *
 *	void _sd_on_start(void);	run begin probes, arm the others
 *	void _sd_on_exit(void);		disarm, run end probes, flush, then
 *					call _sd_transport_done()
 *
 * and declare a GPL-compatible MODULE_LICENSE (relay exports are GPL-only).
 *
 * Layout in debugfs (see transport_msgs.h for the protocol):
 *
 *	sonde/<module name>/.cmd	control file (one opener at a time)
 *	sonde/<module name>/traceN	relay buffer of CPU N
 *
 * The module name is THIS_MODULE's, read at run time: the same object
 * serves every module it is linked into.
 *
 * Output path: _sd_transport_write() copies a header and the bytes into the
 * current CPU's relay sub-buffer with interrupts off, and only then moves
 * the buffer's write offset, so a concurrent read(2) never sees a chunk
 * that is still being copied.  A per-CPU busy flag turns a write that
 * interrupts another write on the same CPU (an NMI) into a counted drop, as
 * is a write that finds the relay buffer full.  The sequence number is
 * taken only once the chunk is sure to be written, so the sequence has no
 * gaps and the loader can merge the CPUs' streams by it.
 *
 * The top directory sonde/ is shared by all Sonde modules and is left in
 * place when a module unloads (debugfs has no "remove if empty").
 */
#ifndef _SD_TRANSPORT_H_
#define _SD_TRANSPORT_H_

#include <linux/atomic.h>
#include <linux/bitops.h>
#include <linux/cred.h>
#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/irq_work.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/poll.h>
#include <linux/relay.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include "transport_msgs.h"

/* SD_API: the linkage of the runtime's functions (runtime.h); extern outside it */
#ifndef SD_API
#define SD_API
#endif

/* defined by the module, called from the control file (.cmd) */
void _sd_on_start(void);
void _sd_on_exit(void);

/* the target pid (sonde-run -x/-c), 0 for none */
extern int _sd_target_pid;
/* the effective user of the loader that started the session (is_myproc()) */
extern kuid_t _sd_loader_euid;

SD_API void _sd_transport_write(const char *buf, size_t len);
SD_API void _sd_transport_oob(int kind, const char *msg);
SD_API void _sd_transport_request_exit(void);
SD_API void _sd_transport_done(unsigned long errors, unsigned long skipped);
SD_API void _sd_transport_close(void);
SD_API int _sd_transport_init(void);

#endif /* _SD_TRANSPORT_H_ */
