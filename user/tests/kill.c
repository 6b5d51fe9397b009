/*
 * kill: SIGKILL and SIGTERM kill a child whether it sleeps in the kernel
 * or spins in user mode (the timer must get it out); signal 0 probes;
 * a pid that does not exist gives ESRCH and a bad signal EINVAL.
 *
 * Safety: only ever signals its own children, itself with signal 0 or
 * an invalid signal, and pids that cannot exist.  Never 0 or -1.
 */
#include "tap.h"

#define NO_SUCH_PID 0x3fffffff  /* above Linux's PID_MAX_LIMIT (4M) */

static void sleeper(void)
{
	struct timespec ts = { 60, 0 };

	for (;;)
		sys_nanosleep(&ts, NULL);
}

static void spinner(void)
{
	for (;;)
		__asm__ volatile("" ::: "memory");
}

/* Fork a child running body, let it start, kill it with sig, return the status. */
static int kill_child(void (*body)(void), int sig)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	int status = -1;
	long pid = sys_fork();

	if (pid == 0)
		body();
	if (pid <= 0)
		return -1;
	sys_nanosleep(&ts, NULL);
	if (sys_kill((int)pid, sig) != 0)
		tap_diag("kill(%ld, %d) failed", pid, sig);
	sys_wait4((int)pid, &status, 0, NULL);
	return status;
}

int main(void)
{
	long pid;
	int status;

	tap_is_long(kill_child(sleeper, SIGKILL) & 0x7f, SIGKILL, "SIGKILL kills a sleeping child");
	tap_is_long(kill_child(spinner, SIGKILL) & 0x7f, SIGKILL, "SIGKILL kills a child spinning in user mode");
	tap_is_long(kill_child(sleeper, SIGTERM) & 0x7f, SIGTERM, "SIGTERM (default action) kills a sleeping child");

	tap_is_long(sys_kill((int)sys_getpid(), 0), 0, "signal 0 to myself returns 0");
	tap_is_err(sys_kill(NO_SUCH_PID, SIGKILL), ESRCH, "a pid that cannot exist gives ESRCH");
	pid = sys_fork();
	if (pid == 0)
		sys_exit_group(0);
	tap_is_long(sys_wait4((int)pid, &status, 0, NULL), pid, "wait4 reaps a child");
	tap_is_err(sys_kill((int)pid, 0), ESRCH, "a reaped child gives ESRCH");
	tap_is_err(sys_kill((int)sys_getpid(), 65), EINVAL, "signal 65 gives EINVAL");
	tap_is_err(sys_kill((int)sys_getpid(), -1), EINVAL, "signal -1 gives EINVAL");
	return tap_done();
}
