/* SPDX-License-Identifier: GPL-2.0 */
/*
 * runtime.h - the single entry of the kernel-side runtime: every generated
 * module includes it first. Everything here is static; names start with
 * _sd_ (functions) or SD_ (macros and limits).
 */
#ifndef _SD_RUNTIME_H_
#define _SD_RUNTIME_H_

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

/* a script uses only part of the runtime: the rest is not worth a warning */
#pragma GCC diagnostic ignored "-Wunused-function"

/* SD_HAVE_*: the target kernel's APIs, found by sonde (compiler/autoconf.c) */
#include "sd_autoconf.h"

#include <linux/hrtimer.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/types.h>
#include <linux/timex.h>

#include "limits.h"
#include "regex.h"
#include "context.h"
#include "lock.h"
#include "transport.h"
#include "print.h"
#include "session.h"
#include "map.h"
#include "stat.h"
#include "timer.h"
#include "profile.h"
#include "kprobes.h"

#endif /* _SD_RUNTIME_H_ */
