// SPDX-License-Identifier: GPL-2.0
/*
 * sd_runtime.c - the runtime as one object, sd_runtime.o, linked into each
 * generated module (runtime.h). It depends on the kernel tree, the -D
 * options and sd_autoconf.h, never on a script: compiler/build.c builds it
 * once for each of those and keeps it in the cache.
 */
#define SD_RUNTIME_OBJECT

#include "runtime.h"

#include "context.c"
#include "lock.c"
#include "transport.c"
#include "print.c"
#include "session.c"
#include "copy.c"
#include "sym.c"
#include "stack.c"
#include "map.c"
#include "stat.c"
#include "timer.c"
#include "profile.c"
#include "utask.c"
