/* imports.c - calls libc functions a known number of times through its PLT: .plt probes */
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	pid_t child;

	for (int i = 0; i < 3; i++)
		free(malloc(16));
	child = fork();
	if (child < 0)
		return 1;
	if (child == 0)
		_exit(0);
	return waitpid(child, NULL, 0) == child ? 0 : 1;
}
