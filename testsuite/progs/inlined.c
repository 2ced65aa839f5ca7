/* inlined.c - an always-inline function called from two places: .inline probes */
static inline __attribute__((always_inline)) int scale(int v, int k)
{
	int r = v * k;

	return r;
}

int main(void)
{
	volatile int a = 3, b = 5;
	int sum = scale(a, 2);

	sum += scale(b, 10);
	return sum == 56 ? 0 : 1;
}
