/* badptr.c - passes a good string and a bad pointer to a function */
#include <stddef.h>

int show(const char *s, int *p)
{
	return s != NULL && p != NULL;
}

int main(void)
{
	char hello[] = "hello";	/* on the stack: in memory when the probe reads it */

	return show(hello, (int *)16) ? 0 : 1;
}
