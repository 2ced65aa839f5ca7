// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * autoconf.h - kernel feature tests: which kernel APIs the target tree
 * has, found by compiling runtime/autoconf/NAME.c against it
 */
#ifndef SONDE_AUTOCONF_H
#define SONDE_AUTOCONF_H

#include "session.h"

/* the header's file name; runtime.h includes it, build.c writes it beside the module */
#define AUTOCONF_HEADER "sd_autoconf.h"

/*
 * The text of sd_autoconf.h for the target's tree: "#define SD_HAVE_NAME 1"
 * for each test runtime/autoconf/NAME.c (NAME in upper case) that compiles.
 * @rt is the runtime directory. The tests run once per tree, all in one
 * kbuild run, and the result is cached under CACHE/autoconf/ (whatever
 * --disable-cache says: the key covers the tree and the tests). Returns
 * an arena string, or NULL after printing an error (exit status 2: the
 * tree or the compiler is broken).
 */
const char *autoconf_header(struct session *s, const char *rt);

#endif
