// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sdt_demo_sema.c - sdt_demo's marker with a semaphore: the program only
 * reaches it while a tracer has the semaphore raised (a probe on it).
 * <sys/sdt.h> gives every marker of a file a semaphore once
 * _SDT_HAS_SEMAPHORES is defined, so it lives in a file of its own.
 */
#define _SDT_HAS_SEMAPHORES 1
#include <sys/sdt.h>

/* PROVIDER_NAME_semaphore, in .probes: the kernel counts the probes on it */
unsigned short demo_guarded_semaphore __attribute__((section(".probes")));

void sdt_demo_guarded(int round);

void __attribute__((noinline)) sdt_demo_guarded(int round)
{
	if (demo_guarded_semaphore)
		STAP_PROBE2(demo, guarded, round, demo_guarded_semaphore);
}
