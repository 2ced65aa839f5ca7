/*
 * uframes.c - a known call chain for user backtraces: main -> a -> b -> c.
 * Built with -O0 (testsuite/progs/Makefile), so every function keeps its
 * frame pointer; noinline keeps them apart should the flags change.
 */
#include <stdio.h>

__attribute__((noinline)) int c(int x)
{
	return x * 2;
}

__attribute__((noinline)) int b(int x)
{
	return c(x + 1) + 1;
}

__attribute__((noinline)) int a(int x)
{
	return b(x + 1) + 1;
}

int main(void)
{
	printf("%d\n", a(1));
	return 0;
}
