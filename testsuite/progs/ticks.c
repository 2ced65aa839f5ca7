/* ticks.c - calls tick() every 100 ms for ever: a process still running when the script ends */
#include <time.h>

int tick(int i)
{
	return i + 1;
}

int main(void)
{
	struct timespec ts = { 0, 100 * 1000 * 1000 };

	for (int i = 0;; i = tick(i))
		nanosleep(&ts, NULL);
}
