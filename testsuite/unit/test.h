/* test.h - minimal assertions for the C unit tests */
#ifndef SONDE_TEST_H
#define SONDE_TEST_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int test_failures;

#define ASSERT(cond) do { if (!(cond)) { \
	fprintf(stderr, "%s:%d: assertion failed: %s\n", __FILE__, __LINE__, #cond); \
	test_failures++; } } while (0)
#define ASSERT_STR(exp, act) do { const char *e_ = (exp), *a_ = (act); \
	if (strcmp(e_, a_)) { fprintf(stderr, "%s:%d: expected\n%s\n--- got\n%s\n", \
		__FILE__, __LINE__, e_, a_); test_failures++; } } while (0)
#endif
