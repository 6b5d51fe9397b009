/*
 * sched_yield: returns 0, alone and while a child competes for the CPU
 * (the parent must keep making progress).
 */
#include "tap.h"

int main(void)
{
	long bad = 0, pid;
	int status;

	for (int i = 0; i < 100; i++)
		if (sys_sched_yield() != 0)
			bad++;
	tap_is_long(bad, 0, "100 calls all return 0");

	pid = sys_fork();
	if (pid == 0)
		for (;;)
			__asm__ volatile("" ::: "memory");
	for (int i = 0; i < 100; i++)
		if (sys_sched_yield() != 0)
			bad++;
	tap_is_long(bad, 0, "100 calls with a spinning child all return 0");
	sys_kill((int)pid, SIGKILL);
	sys_wait4((int)pid, &status, 0, NULL);
	tap_is_long(status & 0x7f, SIGKILL, "the spinning child is killed");
	return tap_done();
}
