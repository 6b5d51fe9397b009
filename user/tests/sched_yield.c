/*
 * sched_yield: returns 0, alone and while a child competes for the CPU
 * (the parent must keep making progress).
 */
#include "tap.h"

int main(void)
{
	long bad = 0, pid;
	int status = -1;

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
	tap_is_long(sys_kill((int)pid, SIGKILL), 0, "kill(SIGKILL) the spinning child");
	tap_is_long(sys_wait4((int)pid, &status, 0, NULL), pid, "wait4 reaps it");
	tap_is_long(status & 0x7f, SIGKILL, "the spinning child is killed");
	return tap_done();
}
