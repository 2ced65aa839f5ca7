/*
 * lifecycle: two threads, one after the other, then a child process that
 * exits at once; for process begin/end and thread begin/end probes
 */
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

static void *worker(void *arg)
{
	return arg;
}

int main(void)
{
	pid_t child;

	for (int i = 0; i < 2; i++) {
		pthread_t t;

		if (pthread_create(&t, NULL, worker, NULL) || pthread_join(t, NULL))
			return 1;
	}
	child = fork();
	if (child < 0)
		return 1;
	if (child == 0)
		_exit(0);
	return waitpid(child, NULL, 0) == child ? 0 : 1;
}
