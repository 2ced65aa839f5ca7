// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * usyms.h - the symbol and line tables of user files that the module's
 * usymname(), usymdata(), usymfileline(), ubacktrace()... look addresses
 * up in at run time (runtime/usym.h)
 */
#ifndef SONDE_USYMS_H
#define SONDE_USYMS_H

#include "session.h"
#include "util.h"

/*
 * Load the files given with -d (after pass 2 elaborated the script);
 * -1 after reporting those that cannot be found or read.
 */
int usyms_load(struct session *s);

/*
 * Emit struct sd_usym_file sd_usym_files[] and sd_usym_files_n: one
 * table for each user file the script probes and each file given with
 * -d, when the script uses a function that looks user addresses up (the
 * array is empty otherwise); with line tables when it asks for lines.
 */
void usyms_emit(struct session *s, struct strbuf *out);

#endif
