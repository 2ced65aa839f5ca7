/*
 * callloop N [BATCHES]: N calls of empty(), a function that does nothing
 * and is never inlined, timed with CLOCK_MONOTONIC. Prints two numbers, as
 * probecost/writeloop.c does: the nanoseconds per call over the whole loop
 * and over the fastest of BATCHES (default 20) equal batches. The uprobe
 * section of `make bench` (testsuite/bench/probecost.sh, PROBE_KIND=uprobe)
 * puts a uprobe on empty() and reads what it adds to each call.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* noipa: without it, gcc sees a call without effects and drops it */
__attribute__((noinline, noipa)) void empty(void)
{
}

static double ns_between(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) * 1e9 + (double)(b->tv_nsec - a->tv_nsec);
}

int main(int argc, char **argv)
{
	struct timespec t0, a, b;
	long n, nb, per, i, j;
	double best = -1, ns;

	n = argc > 1 ? strtol(argv[1], NULL, 10) : 0;
	nb = argc > 2 ? strtol(argv[2], NULL, 10) : 20;
	if (n <= 0 || nb <= 0 || nb > n) {
		fprintf(stderr, "usage: callloop N [BATCHES]\n");
		return 2;
	}
	per = n / nb;
	/* a short warm-up: the first hit of a uprobe in a process maps its
	 * single-step area; keep that out of the timed loop */
	for (i = 0; i < 100; i++)
		empty();
	clock_gettime(CLOCK_MONOTONIC, &t0);
	a = t0;
	for (j = 0; j < nb; j++) {
		for (i = 0; i < per; i++)
			empty();
		clock_gettime(CLOCK_MONOTONIC, &b);
		ns = ns_between(&a, &b) / (double)per;
		if (best < 0 || ns < best)
			best = ns;
		a = b;
	}
	printf("%.1f %.1f\n", ns_between(&t0, &b) / (double)(per * nb), best);
	return 0;
}
