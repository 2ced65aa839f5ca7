// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sdt_demo.c - a program with USDT markers (<sys/sdt.h>) for the
 * process.mark examples and tests: a marker without arguments, one with
 * two (and one of a constant and a global),
 * one with three (a string, a negative int, an unsigned char),
 * and in sdt_demo_sema.c one guarded by a semaphore.
 */
#include <stdio.h>
#include <sys/sdt.h>

void sdt_demo_guarded(int round);

/* read by the config marker in place, at -O2 as demo_level(%rip) */
long demo_level = 7;

static const char *const names[] = { "one", "two", "three" };

static long __attribute__((noinline)) work(int n, long total)
{
	unsigned char small = (unsigned char)(200 + n);

	STAP_PROBE(demo, start);
	total += n * 10;
	STAP_PROBE2(demo, step, n, total);
	STAP_PROBE3(demo, done, names[n - 1], -n, small);
	return total;
}

int main(void)
{
	long total = 0;

	STAP_PROBE2(demo, config, 5, demo_level);
	for (int n = 1; n <= 3; n++) {
		/* the marker's string is read in place: its page must be in memory */
		printf("round %d: %s\n", n, names[n - 1]);
		total = work(n, total);
		sdt_demo_guarded(n);
	}
	printf("total %ld\n", total);
	return 0;
}
