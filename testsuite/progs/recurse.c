/* recurse.c - a recursive function: many live return instances at once */
int fact(int n)
{
	if (n <= 1)
		return 1;
	return n * fact(n - 1);
}

int main(void)
{
	return fact(6) == 720 ? 0 : 1;
}
