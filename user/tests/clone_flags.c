/*
 * clone(2) in its fork-like uses (no CLONE_VM), as Linux:
 *
 * - CLONE_CHILD_SETTID writes the child's pid at child_tid in the child's
 *   memory only; CLONE_PARENT_SETTID writes it at parent_tid in the
 *   parent's memory only (the child's copy was made before);
 * - the low byte of flags is the signal the parent gets when the child
 *   exits: SIGUSR1 arrives with CLD_EXITED, the child's pid and status,
 *   and no SIGCHLD; 0 (or a number above 64) sends nothing;
 * - a child whose exit signal is not SIGCHLD is a "clone" child: wait4
 *   sees it only with __WCLONE or __WALL (ECHILD otherwise, even by pid),
 *   and __WCLONE does not see an ordinary child.
 */
#include "mmtest.h"

#define CLONE_PARENT_SETTID	0x00100000
#define CLONE_CHILD_SETTID	0x01000000

static long clone_fork(unsigned long flags, int *parent_tid, int *child_tid)
{
	return syscall6(__NR_clone, (long)flags, 0, (long)parent_tid, (long)child_tid, 0, 0);
}

static int child_tid, parent_tid;
static volatile int usr1_count, chld_count;
static struct k_siginfo usr1_info;

static void on_signal(int sig, struct k_siginfo *info, void *uc)
{
	(void)uc;
	if (sig == SIGUSR1) {
		usr1_count++;
		usr1_info = *info;
	} else if (sig == SIGCHLD) {
		chld_count++;
	}
}

static void check_settid(void)
{
	long pid = clone_fork(CLONE_CHILD_SETTID | SIGCHLD, NULL, &child_tid);
	int st = -1;

	if (pid == 0)
		sys_exit_group(child_tid == sys_getpid() ? 0 : 1);
	tap_ok(pid > 0, "clone(CLONE_CHILD_SETTID | SIGCHLD)");
	tap_is_long(sys_wait4((int)pid, &st, 0, NULL), pid, "reap it with a plain wait4");
	tap_is_long(st, 0, "the child found its pid at child_tid");
	tap_is_long(child_tid, 0, "the parent's child_tid is untouched");

	pid = clone_fork(CLONE_PARENT_SETTID | SIGCHLD, &parent_tid, NULL);
	if (pid == 0)
		sys_exit_group(parent_tid == 0 ? 0 : 1);
	tap_ok(pid > 0, "clone(CLONE_PARENT_SETTID | SIGCHLD)");
	tap_is_long(parent_tid, pid, "the parent finds the child's pid at parent_tid");
	tap_is_long(sys_wait4((int)pid, &st, 0, NULL), pid, "reap it");
	tap_is_long(st, 0, "the child's parent_tid was not written");
}

static void check_exit_signal(void)
{
	long pid = clone_fork(SIGUSR1, NULL, NULL);
	int st = -1;

	if (pid == 0)
		sys_exit_group(3);
	tap_ok(pid > 0, "clone with exit signal SIGUSR1");
	tap_is_err(sys_wait4((int)pid, &st, 0, NULL), ECHILD, "wait4 without __WCLONE does not see it: ECHILD");
	tap_is_long(sys_wait4((int)pid, &st, __WCLONE, NULL), pid, "wait4(__WCLONE) reaps it");
	tap_is_long(st, 3 << 8, "exit status 3");
	tap_is_long(usr1_count, 1, "the parent got SIGUSR1 once");
	tap_is_long(usr1_info.si_code, CLD_EXITED, "with si_code CLD_EXITED");
	tap_is_long(usr1_info.chld.si_pid, pid, "the child's pid");
	tap_is_long(usr1_info.chld.si_status, 3, "and its status");
	tap_is_long(chld_count, 0, "and no SIGCHLD");
}

static void check_no_signal(unsigned long exit_signal)
{
	long pid = clone_fork(exit_signal, NULL, NULL), got;
	int st = -1, usr1 = usr1_count;

	if (pid == 0)
		sys_exit_group(4);
	tap_ok(pid > 0, "clone with exit signal %lu", exit_signal);
	tap_is_err(sys_wait4(-1, &st, WNOHANG, NULL), ECHILD, "wait4(-1, WNOHANG) has no child to wait for");
	got = sys_wait4(-1, &st, __WALL, NULL);
	tap_is_long(got, pid, "wait4(-1, __WALL) reaps it");
	tap_is_long(st, 4 << 8, "exit status 4");
	tap_ok(chld_count == 0 && usr1_count == usr1, "no signal came (SIGCHLD %d)", chld_count);
}

static void check_wclone_skips_fork_child(void)
{
	long pid = sys_fork();
	int st = -1;

	if (pid == 0)
		sys_exit_group(5);
	tap_ok(pid > 0, "fork an ordinary child");
	tap_is_err(sys_wait4((int)pid, &st, __WCLONE, NULL), ECHILD, "wait4(__WCLONE) does not see it: ECHILD");
	tap_is_long(sys_wait4((int)pid, &st, 0, NULL), pid, "a plain wait4 reaps it");
	tap_is_long(st, 5 << 8, "exit status 5");
	tap_is_long(chld_count, 1, "it sent SIGCHLD");
}

int main(void)
{
	tap_is_long(sigaction_install(SIGUSR1, on_signal), 0, "SIGUSR1 handler");
	tap_is_long(sigaction_install(SIGCHLD, on_signal), 0, "SIGCHLD handler");
	check_settid();
	chld_count = 0;
	check_exit_signal();
	check_no_signal(0);
	check_no_signal(65);
	check_wclone_skips_fork_child();
	return tap_done();
}
