/*
 * callee.c - the program of the uprobe article: main() calls callee(8, 9).
 * Built twice, position-independent (callee) and at fixed addresses
 * (callee-nopie), to show that probes find the function either way.
 */
#include <stdio.h>

int callee(int a, int b)
{
	int sum = a + b;

	return sum;
}

int main(void)
{
	printf("callee(8, 9) = %d\n", callee(8, 9));
	return 0;
}
