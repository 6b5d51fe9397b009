/*
 * wait4: status encoding for an exit code and a signal death, WNOHANG on
 * a running child returns 0, pid -1 waits for any child, a NULL status
 * pointer is allowed; no children gives ECHILD, unknown option bits
 * EINVAL, a bad status pointer EFAULT.
 */
#include "tap.h"

static void sleep_long(void)
{
	struct timespec ts = { 60, 0 };

	for (;;)
		sys_nanosleep(&ts, NULL);
}

int main(void)
{
	int status = -1;
	long pid, pid2, r, a, b;
	struct rusage ru;

	pid = sys_fork();
	if (pid == 0)
		sys_exit_group(42);
	tap_is_long(sys_wait4((int)pid, &status, 0, NULL), pid, "wait4 returns the child's pid");
	tap_is_long(status, 42 << 8, "exit(42) gives status 42 << 8");
	tap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 42 && !WIFSIGNALED(status),
	       "WIFEXITED and WEXITSTATUS agree");

	pid = sys_fork();
	if (pid == 0) {
		sys_kill((int)sys_getpid(), SIGKILL);
		sys_exit_group(1);
	}
	tap_is_long(sys_wait4((int)pid, &status, 0, NULL), pid, "wait4 reaps the child that killed itself");
	tap_is_long(status & 0x7f, SIGKILL, "a child killed by SIGKILL has signal 9 in bits 0-6");
	tap_ok(WIFSIGNALED(status) && !WIFEXITED(status), "WIFSIGNALED, not WIFEXITED");

	pid = sys_fork();
	if (pid == 0)
		sleep_long();
	tap_is_long(sys_wait4((int)pid, &status, WNOHANG, NULL), 0, "WNOHANG on a running child returns 0");
	tap_is_long(sys_kill((int)pid, SIGKILL), 0, "kill(SIGKILL) the sleeping child");
	tap_is_long(sys_wait4((int)pid, &status, 0, NULL), pid, "then it can be reaped");
	tap_is_long(status, SIGKILL, "its status is SIGKILL");

	pid = sys_fork();
	if (pid == 0)
		sys_exit_group(1);
	pid2 = sys_fork();
	if (pid2 == 0)
		sys_exit_group(2);
	/* Which child exits first is up to the scheduler; each status must match its pid. */
	a = sys_wait4(-1, &status, 0, NULL);
	tap_is_long(status, (a == pid ? 1 : 2) << 8, "wait4(-1): the first child reaped (%ld) has its own status", a);
	b = sys_wait4(-1, &status, 0, NULL);
	tap_is_long(status, (b == pid ? 1 : 2) << 8, "wait4(-1): the second child reaped (%ld) has its own status", b);
	tap_ok((a == pid && b == pid2) || (a == pid2 && b == pid), "wait4(-1) reaps each child once");

	pid = sys_fork();
	if (pid == 0)
		sys_exit_group(3);
	tap_is_long(sys_wait4((int)pid, NULL, 0, &ru), pid, "NULL status pointer and an rusage pointer");

	tap_is_err(sys_wait4(-1, &status, 0, NULL), ECHILD, "no children gives ECHILD");
	tap_is_err(sys_wait4(-1, &status, WNOHANG, NULL), ECHILD, "no children with WNOHANG gives ECHILD");
	tap_is_err(sys_wait4(0x3fffffff, &status, 0, NULL), ECHILD, "a pid that is not a child gives ECHILD");
	tap_is_err(sys_wait4(-1, &status, 0x1000, NULL), EINVAL, "unknown option bit 0x1000 gives EINVAL");

	pid = sys_fork();
	if (pid == 0)
		sys_exit_group(4);
	r = sys_wait4((int)pid, (int *)0x10, 0, NULL);
	tap_is_err(r, EFAULT, "status pointer 0x10 gives EFAULT");
	sys_wait4(-1, NULL, WNOHANG, NULL);     /* in case the kernel did not reap it */
	return tap_done();
}
