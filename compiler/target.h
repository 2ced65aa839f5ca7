// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * target.h - the kernel a script is built for: release, version,
 * architecture, build tree and configuration (read on first use)
 */
#ifndef SONDE_TARGET_H
#define SONDE_TARGET_H

#include <stdbool.h>

#include "session.h"

struct target {
	const char *release;	/* kernel_vr, e.g. "6.1.0-56-amd64" */
	const char *version;	/* kernel_v, e.g. "6.1.0" */
	const char *arch;	/* "x86_64" */
	const char *build_dir;	/* kbuild tree, NULL when none is installed */
	const char *how;	/* how it was chosen, for -v */
	bool config_loaded;
	char *config_text;	/* the .config, after a newline */
	size_t config_len;
};

/* Resolve the target from -r once; never fails (falls back to uname). */
struct target *target_get(struct session *s);
/* Value of CONFIG_NAME in the target's .config, "" when unset or unknown. */
const char *target_config(struct session *s, const char *name);

#endif
