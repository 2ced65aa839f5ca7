/*
 * mallocs.c - malloc() from two call sites with known sizes, for the
 * malloc_sites example: small() asks for 24 bytes three times, big() for
 * 4000 bytes twice. It prints nothing: stdio would malloc its buffer.
 */
#include <stdlib.h>

static void *volatile keep;

__attribute__((noinline)) void small(void)
{
	for (int i = 0; i < 3; i++) {
		keep = malloc(24);
		free(keep);
	}
}

__attribute__((noinline)) void big(void)
{
	for (int i = 0; i < 2; i++) {
		keep = malloc(4000);
		free(keep);
	}
}

int main(void)
{
	small();
	big();
	return 0;
}
