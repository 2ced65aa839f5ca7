/* SPDX-License-Identifier: GPL-2.0 */
/*
 * limits.h - SystemTap's limits with their effective defaults; each may be
 * overridden with sonde -D NAME=VALUE.
 */
#ifndef _SD_LIMITS_H_
#define _SD_LIMITS_H_

#ifndef MAXSTRINGLEN
#define MAXSTRINGLEN 512	/* bytes of a string, NUL included */
#endif
#ifndef MAXACTION
#define MAXACTION 1000		/* statements per probe hit, INTERRUPTIBLE=0 */
#endif
#ifndef MAXACTION_INTERRUPTIBLE
#define MAXACTION_INTERRUPTIBLE (MAXACTION * 10)
#endif
#ifndef INTERRUPTIBLE
#define INTERRUPTIBLE 1
#endif
#ifndef MAXNESTING
#define MAXNESTING 10		/* nested script function calls */
#endif
#ifndef MAXERRORS
#define MAXERRORS 0		/* run-time errors tolerated before exit */
#endif
#ifndef MAXSKIPPED
#define MAXSKIPPED 100		/* skipped probes tolerated before exit */
#endif
#ifndef STP_BUFFER_SIZE
#define STP_BUFFER_SIZE 8192	/* per-CPU output gathered before a flush */
#endif
#ifndef MAXBACKTRACE
#define MAXBACKTRACE 20		/* frames of a kernel backtrace */
#endif
#ifndef SD_FRAME_BYTES
#define SD_FRAME_BYTES (32 * 1024)	/* per-CPU room for handler locals */
#endif

#ifndef MINSTACKSPACE
#define MINSTACKSPACE 1024	/* free kernel stack a handler needs */
#endif
#ifndef STP_OVERLOAD_THRESHOLD
#define STP_OVERLOAD_THRESHOLD 500000000LL	/* cycles in handlers per interval */
#endif
#ifndef STP_OVERLOAD_INTERVAL
#define STP_OVERLOAD_INTERVAL 1000000000LL	/* cycles */
#endif

#if INTERRUPTIBLE
#define SD_ACTIONS MAXACTION_INTERRUPTIBLE
#else
#define SD_ACTIONS MAXACTION
#endif

#endif /* _SD_LIMITS_H_ */
