/* SPDX-License-Identifier: GPL-2.0 */
/*
 * runtime.h - the single entry of the kernel-side runtime: every generated
 * module includes it first. Names start with _sd_ (functions and data) or
 * SD_ (macros and limits).
 *
 * The headers hold the types, macros, static inline helpers and the
 * prototypes; the code is in their .c files, which sd_runtime.c gathers
 * into one object, sd_runtime.o, built once per kernel tree, runtime and
 * -D options and linked into every module (compiler/build.c). Nothing is
 * exported: each module has its own copy. Only the regex matcher
 * (regex.h), whose state the script sizes, is compiled with the script.
 */
#ifndef _SD_RUNTIME_H_
#define _SD_RUNTIME_H_

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

/*
 * a script uses only part of the matcher (regex.h) and, with
 * SD_RUNTIME_INLINE, of the runtime: the rest is not worth a warning
 */
#pragma GCC diagnostic ignored "-Wunused-function"

/*
 * SD_API: the linkage of the runtime's functions. External in sd_runtime.o,
 * which is linked into the module; static when the module compiles the
 * runtime's code itself (SD_RUNTIME_INLINE: pass 4 does so while
 * sd_runtime.o is not cached yet), so that only what the script uses is
 * compiled. The definitions in the .c files take it from the prototypes.
 */
#ifdef SD_RUNTIME_INLINE
#define SD_API static
#else
#define SD_API
#endif

/* SD_HAVE_*: the target kernel's APIs, found by sonde (compiler/autoconf.c) */
#include "sd_autoconf.h"

#include <linux/hrtimer.h>
#include <asm/irq_regs.h>
#include <asm/local.h>
#include <linux/ptrace.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/types.h>
#include <linux/timex.h>

#include "limits.h"
#include "context.h"
#include "lock.h"
#include "transport.h"
#include "print.h"
#include "session.h"
#include "deref.h"
#include "copy.h"
#include "sym.h"
#include "stack.h"
#include "map.h"
#include "stat.h"
#include "timer.h"
#include "profile.h"
#include "kprobes.h"
#include "uprobes.h"
#include "usym.h"
#include "utask.h"

#ifndef SD_RUNTIME_OBJECT
#include "regex.h"
#endif

#ifdef SD_RUNTIME_INLINE
#include "sd_runtime.c"
#endif

#endif /* _SD_RUNTIME_H_ */
