/*
 * Who reaps a child: wait4 with a bad status pointer still reaps it (the
 * call gives EFAULT, as Linux's kernel_wait4); a parent that ignores
 * SIGCHLD (SIG_IGN, or SA_NOCLDWAIT) never sees its children as zombies:
 * wait4 blocks until they are gone and then gives ECHILD.
 */
#include "mmtest.h"

#define SA_NOCLDWAIT	0x00000002

static long exit_child(int code)
{
	long pid = sys_fork();

	if (pid == 0)
		sys_exit_group(code);
	return pid;
}

int main(void)
{
	struct k_sigaction ign = { (void *)SIG_IGN, SA_RESTORER, mmtest_restorer, 0 };
	struct k_sigaction dfl = { (void *)0, SA_RESTORER, mmtest_restorer, 0 };
	struct k_sigaction nocldwait = { (void *)0, SA_RESTORER | SA_NOCLDWAIT, mmtest_restorer, 0 };
	struct timespec ts = { 0, 50 * 1000 * 1000 };
	int st;

	exit_child(3);
	sys_nanosleep(&ts, NULL);
	tap_is_long(sys_wait4(-1, (int *)8, 0, NULL), -EFAULT, "wait4 into a bad status pointer: EFAULT");
	tap_is_long(sys_wait4(-1, &st, WNOHANG, NULL), -ECHILD, "... and the child was reaped all the same");

	sys_rt_sigaction(17, &ign, NULL);
	exit_child(4);
	tap_is_long(sys_wait4(-1, &st, 0, NULL), -ECHILD, "SIGCHLD ignored: no zombie, wait4 gives ECHILD");

	sys_rt_sigaction(17, &nocldwait, NULL);
	exit_child(5);
	tap_is_long(sys_wait4(-1, &st, 0, NULL), -ECHILD, "SA_NOCLDWAIT: no zombie, wait4 gives ECHILD");

	sys_rt_sigaction(17, &dfl, NULL);
	long pid = exit_child(6);
	tap_is_long(sys_wait4(-1, &st, 0, NULL), pid, "SIGCHLD back to default: the child is waited for");
	tap_is_long(st, 6 << 8, "with its status");
	return tap_done();
}
