// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * locks.h - the globals each probe handler locks (locks.c)
 */
#ifndef SONDE_LOCKS_H
#define SONDE_LOCKS_H

#include <stdint.h>

#include "session.h"

enum { LK_NONE, LK_READ, LK_WRITE };

struct locks {
	int nglobals;
	uint8_t **probe;	/* [probe][global]: LK_* */
};

struct locks *locks_compute(struct session *s);

#endif
