// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * plt.h - the procedure linkage table of a user executable or library:
 * the stub through which it calls each function it imports, for
 * process("PATH").plt("NAME") probes
 */
#ifndef SONDE_PLT_H
#define SONDE_PLT_H

#include <stdint.h>

#include "session.h"

struct debuginfo;

struct plt_entry {
	const char *name;	/* the imported function, without its version */
	uint64_t addr;		/* link-time address of its stub */
};

/* di's PLT stubs (struct plt_entry *), in address order; NULL if it has none */
const struct vec *plt_entries(struct session *s, struct debuginfo *di);

#endif
