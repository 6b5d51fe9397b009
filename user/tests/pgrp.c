/*
 * Process groups and sessions: setpgid, getpgid, getpgrp, setsid, getsid;
 * kill() to a group (pid 0 and -pgrp) and wait4() of a group.
 */
#include "mmtest.h"

#define NR_SETPGID	109
#define NR_GETPGRP	111
#define NR_SETSID	112
#define NR_GETPGID	121
#define NR_GETSID	124

static long setpgid(long pid, long pgid) { return syscall2(NR_SETPGID, pid, pgid); }
static long getpgid(long pid) { return syscall1(NR_GETPGID, pid); }

static void sleep_forever(void)
{
	struct timespec ts = { 1, 0 };

	for (;;)
		sys_nanosleep(&ts, NULL);
}

/* A child makes its own group with two grandchildren; kill(-group) ends all three. */
static void kill_group(void)
{
	int st = -1;
	long pid = sys_fork();

	if (pid == 0) {
		setpgid(0, 0);
		for (int i = 0; i < 2; i++)
			if (sys_fork() == 0)
				sleep_forever();
		sleep_forever();
	}
	while (getpgid(pid) != pid)		/* the child has moved to its own group */
		sys_sched_yield();
	tap_is_long(syscall2(__NR_kill, -pid, 9), 0, "kill(-pgrp, SIGKILL)");
	tap_is_long(sys_wait4((int)pid, &st, 0, NULL), pid, "reap the group leader");
	tap_is_long(st & 0x7f, 9, "the group leader died of SIGKILL");
}

/* kill(0, sig) reaches the caller's whole group, itself included. */
static void kill_own_group(void)
{
	int st = -1;
	long pid = sys_fork();

	if (pid == 0) {
		long g;

		setpgid(0, 0);
		g = sys_fork();
		if (g == 0)
			sleep_forever();
		syscall2(__NR_kill, 0, 9);
		sys_exit_group(1);		/* not reached */
	}
	tap_is_long(sys_wait4((int)pid, &st, 0, NULL), pid, "reap the child");
	tap_is_long(st & 0x7f, 9, "kill(0, SIGKILL) killed the caller too");
}

/* wait4(-pgrp) waits for a child of that group only. */
static void wait_group(void)
{
	int st = -1;
	long a = sys_fork(), b;

	if (a == 0) {
		setpgid(0, 0);
		sys_exit_group(3);
	}
	b = sys_fork();
	if (b == 0)
		sleep_forever();
	setpgid(a, a);				/* as the shell does, from both sides */
	tap_is_long(sys_wait4((int)-a, &st, 0, NULL), a, "wait4(-pgrp) reaps the child in that group");
	tap_is_long(st, 3 << 8, "with its status");
	tap_is_long(sys_wait4((int)-a, &st, 1 /* WNOHANG */, NULL), -ECHILD,
		    "no child is left in that group: ECHILD");
	syscall2(__NR_kill, b, 9);
	tap_is_long(sys_wait4(0, &st, 0, NULL), b, "wait4(0) reaps the child in my own group");
}

int main(void)
{
	long me = sys_getpid(), pid;
	int st = -1;

	tap_is_long(syscall0(NR_GETPGRP), getpgid(0), "getpgrp() == getpgid(0)");
	tap_is_long(getpgid(me), getpgid(0), "getpgid(my pid) == getpgid(0)");
	tap_is_long(getpgid(0x3fffffff), -ESRCH, "getpgid of no process: ESRCH");
	tap_is_long(setpgid(0, -1), -EINVAL, "setpgid to a negative group: EINVAL");
	tap_is_long(setpgid(0x3fffffff, 0), -ESRCH, "setpgid of no process: ESRCH");

	pid = sys_fork();
	if (pid == 0) {
		long mine = sys_getpid();

		if (getpgid(0) != getpgid(sys_getppid()))
			sys_exit_group(1);	/* a child starts in its parent's group */
		if (syscall0(NR_SETSID) != mine || syscall1(NR_GETSID, 0) != mine || getpgid(0) != mine)
			sys_exit_group(2);	/* setsid: new session and group, both mine */
		if (setpgid(0, 0) != -EPERM)
			sys_exit_group(3);	/* a session leader cannot change group */
		sys_exit_group(0);
	}
	tap_is_long(sys_wait4((int)pid, &st, 0, NULL), pid, "reap the setsid child");
	tap_is_long(st, 0, "the child inherited the group, then setsid made it leader of its own");

	kill_group();
	kill_own_group();
	wait_group();
	return tap_done();
}
