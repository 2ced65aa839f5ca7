/*
 * writeloop N [BATCHES]: N write(fd, buf, 1) calls to /dev/null, timed
 * with CLOCK_MONOTONIC. Prints two numbers: the nanoseconds per call over
 * the whole loop, and over the fastest of BATCHES (default 20) equal
 * batches the loop is cut into. In a TCG guest on a shared host, the
 * guest's CPU stalls whenever the host runs something else; the fastest
 * batch is the one least disturbed. Built statically for the benchmark
 * guest (testsuite/bench/probecost.sh).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static double ns_between(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) * 1e9 + (double)(b->tv_nsec - a->tv_nsec);
}

int main(int argc, char **argv)
{
	struct timespec t0, a, b;
	char buf[1] = { 'x' };
	long n, nb, per, i, j, bad = 0;
	double best = -1, ns;
	int fd;

	n = argc > 1 ? strtol(argv[1], NULL, 10) : 0;
	nb = argc > 2 ? strtol(argv[2], NULL, 10) : 20;
	if (n <= 0 || nb <= 0 || nb > n) {
		fprintf(stderr, "usage: writeloop N [BATCHES]\n");
		return 2;
	}
	per = n / nb;
	fd = open("/dev/null", O_WRONLY);
	if (fd < 0) {
		perror("/dev/null");
		return 1;
	}
	/* a short warm-up: page in the code, settle the caches */
	for (i = 0; i < 1000; i++)
		if (write(fd, buf, 1) != 1)
			bad++;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	a = t0;
	for (j = 0; j < nb; j++) {
		for (i = 0; i < per; i++)
			if (write(fd, buf, 1) != 1)
				bad++;
		clock_gettime(CLOCK_MONOTONIC, &b);
		ns = ns_between(&a, &b) / (double)per;
		if (best < 0 || ns < best)
			best = ns;
		a = b;
	}
	if (bad) {
		fprintf(stderr, "writeloop: %ld writes failed\n", bad);
		return 1;
	}
	printf("%.1f %.1f\n", ns_between(&t0, &b) / (double)(per * nb), best);
	return 0;
}
