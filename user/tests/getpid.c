/*
 * getpid: getpid/getppid are positive and stable, getppid() is a live
 * process; a forked child sees its parent's pid as getppid() and fork's
 * return value as getpid().
 */
#include "tap.h"

static long parent_pid;

static void child_check_ppid(void *arg)
{
	(void)arg;
	sys_exit_group(sys_getppid() == parent_pid ? 0 : 1);
}

int main(void)
{
	long pid = sys_getpid(), ppid = sys_getppid(), child, r;
	int status = -1;

	parent_pid = pid;
	tap_ok(pid > 0, "getpid() > 0 (%ld)", pid);
	tap_is_long(sys_getpid(), pid, "getpid() is stable");
	tap_ok(ppid > 0, "getppid() > 0 (%ld): we are not pid 1, so we have a parent", ppid);
	tap_is_long(sys_kill((int)ppid, 0), 0, "getppid() names a live process: kill(ppid, 0) returns 0");
	tap_ok(ppid != pid, "getppid() != getpid()");
	tap_child_exit(child_check_ppid, NULL, 0, "child's getppid() == parent's getpid()");

	/* The child reports its getpid() through the low 8 bits of its exit code. */
	child = sys_fork();
	if (child == 0)
		sys_exit_group((int)(sys_getpid() & 0xff));
	r = sys_wait4((int)child, &status, 0, NULL);
	tap_is_long(r, child, "wait4 returns fork's return value");
	tap_ok(WIFEXITED(status) && WEXITSTATUS(status) == (child & 0xff),
	       "child's getpid() == fork's return value (low 8 bits %ld)", child & 0xff);
	tap_ok(child != pid, "child pid differs from parent pid");
	return tap_done();
}
