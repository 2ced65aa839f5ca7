/*
 * lifecycle: two threads, one after the other, then a child process that
 * exits at once; for process begin/end and thread begin/end probes.
 * pthread_join() returns once the kernel has cleared the thread's tid,
 * before the thread has finished exiting: main waits until the thread is
 * gone from /proc too, so that every event happens in one order.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static void *worker(void *arg)
{
	*(pid_t *)arg = gettid();
	return NULL;
}

int main(void)
{
	pid_t child;

	for (int i = 0; i < 2; i++) {
		pthread_t t;
		pid_t tid = 0;
		char path[64];

		if (pthread_create(&t, NULL, worker, &tid) || pthread_join(t, NULL))
			return 1;
		snprintf(path, sizeof(path), "/proc/self/task/%d", (int)tid);
		while (access(path, F_OK) == 0)
			usleep(1000);
	}
	child = fork();
	if (child < 0)
		return 1;
	if (child == 0)
		_exit(0);
	return waitpid(child, NULL, 0) == child ? 0 : 1;
}
