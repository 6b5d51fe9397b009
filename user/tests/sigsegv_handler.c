/*
 * sigsegv_handler: signals with SA_SIGINFO handlers, the way a user-space
 * pager (or a garbage collector) uses SIGSEGV.
 *   - a write to an unmapped address runs the handler with si_signo 11,
 *     si_code SEGV_MAPERR and si_addr the exact faulting address; the
 *     handler mmaps the page and returns, the write is retried and lands
 *   - a write to a PROT_READ page: SEGV_ACCERR; the handler mprotects it
 *     writable and the write lands; a read of PROT_NONE: SEGV_ACCERR too
 *   - rt_sigaction reads back the installed action; SIGKILL's is EINVAL
 *   - rt_sigprocmask blocks SIGUSR1 (kill leaves it pending), returns the
 *     old mask, and unblocking delivers it: si_code SI_USER, si_pid ours;
 *     while the handler runs its own signal is blocked, and the mask is
 *     restored when it returns; a wrong sigsetsize is EINVAL
 *   - a child's exit sends SIGCHLD to a handler: CLD_EXITED with si_pid
 *     and si_status; a child killed by SIGKILL: CLD_KILLED, si_status 9
 * The siginfo offsets checked: si_signo 0, si_errno 4, si_code 8,
 * si_addr / si_pid 16, si_status 24.
 */
#include "mmtest.h"

/* What the last handler call saw. */
static volatile int got_calls, got_signo, got_errno, got_code, got_pid, got_status;
static void *volatile got_addr;
static volatile unsigned long mask_in_handler;

/* The fix the SIGSEGV handler applies: map the page, or make it writable. */
enum { FIX_MMAP, FIX_MPROTECT };
static volatile int fix_how;

static void record(int sig, struct k_siginfo *si)
{
	got_calls++;
	got_signo = si->si_signo;
	got_errno = si->si_errno;
	got_code = si->si_code;
	got_addr = si->si_addr;
	got_pid = si->chld.si_pid;
	got_status = si->chld.si_status;
	(void)sig;
}

static void on_segv(int sig, struct k_siginfo *si, void *uc)
{
	void *page = (void *)((unsigned long)si->si_addr & ~(PAGE_SIZE - 1));

	(void)uc;
	record(sig, si);
	if (got_calls > 5)
		sys_exit_group(90);             /* the fix did not take: do not loop */
	if (fix_how == FIX_MMAP)
		sys_mmap(page, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	else
		sys_mprotect(page, PAGE_SIZE, PROT_READ | PROT_WRITE);
}

static void on_usr1(int sig, struct k_siginfo *si, void *uc)
{
	unsigned long cur = 0;

	(void)uc;
	record(sig, si);
	sys_rt_sigprocmask(SIG_BLOCK, NULL, &cur);
	mask_in_handler = cur;
}

static void on_chld(int sig, struct k_siginfo *si, void *uc)
{
	(void)uc;
	record(sig, si);
}

static void segv_cases(void)
{
	volatile int *v;
	unsigned char *hole, *ro;

	tap_is_long(sigaction_install(SIGSEGV, on_segv), 0, "rt_sigaction(SIGSEGV, SA_SIGINFO|SA_RESTORER)");

	/* Unmapped: SEGV_MAPERR, fixed by mmap. */
	hole = (unsigned char *)sys_mmap(NULL, PAGE_SIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!tap_ok((long)hole > 0, "mmap a page (%ld)", (long)hole) ||
	    !tap_is_long(sys_munmap(hole, PAGE_SIZE), 0, "munmap it: a hole"))
		return;
	v = (volatile int *)(hole + 124);
	got_calls = 0;
	fix_how = FIX_MMAP;
	*v = 4242;                              /* faults; the handler maps the page; retried */
	tap_is_long(got_calls, 1, "a write to an unmapped page runs the handler once");
	tap_is_long(got_signo, SIGSEGV, "si_signo is SIGSEGV");
	tap_is_long(got_errno, 0, "si_errno is 0");
	tap_is_long(got_code, SEGV_MAPERR, "si_code is SEGV_MAPERR");
	tap_is_ulong((unsigned long)got_addr, (unsigned long)v, "si_addr is the exact faulting address");
	tap_is_long(*v, 4242, "after the handler mapped the page the write was retried and landed");

	/* Read-only: SEGV_ACCERR, fixed by mprotect. */
	ro = (unsigned char *)sys_mmap(NULL, PAGE_SIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!tap_ok((long)ro > 0, "mmap a PROT_READ page (%ld)", (long)ro))
		return;
	v = (volatile int *)(ro + 2000);
	got_calls = 0;
	fix_how = FIX_MPROTECT;
	*v = 77;
	tap_is_long(got_calls, 1, "a write to a PROT_READ page runs the handler once");
	tap_is_long(got_code, SEGV_ACCERR, "si_code is SEGV_ACCERR");
	tap_is_ulong((unsigned long)got_addr, (unsigned long)v, "si_addr is the faulting address");
	tap_is_long(*v, 77, "after mprotect in the handler the write landed");

	/* PROT_NONE read: SEGV_ACCERR as well. */
	tap_is_long(sys_mprotect(ro, PAGE_SIZE, PROT_NONE), 0, "mprotect the page PROT_NONE");
	got_calls = 0;
	tap_is_long(*(volatile int *)(ro + 2000), 77, "a read of the PROT_NONE page, once fixed, sees the data");
	tap_is_long(got_calls, 1, "the read ran the handler once");
	tap_is_long(got_code, SEGV_ACCERR, "si_code is SEGV_ACCERR for PROT_NONE");
	tap_is_ulong((unsigned long)got_addr, (unsigned long)(ro + 2000), "si_addr is the read's address");
	sys_munmap(hole, PAGE_SIZE);
	sys_munmap(ro, PAGE_SIZE);
}

static void action_cases(void)
{
	struct k_sigaction old = { 0 }, act = { 0 };

	tap_is_long(sys_rt_sigaction(SIGSEGV, NULL, &old), 0, "rt_sigaction reads back the SIGSEGV action");
	tap_ok(old.handler == on_segv && old.restorer == mmtest_restorer, "... with our handler and restorer");
	tap_ok((old.flags & (SA_SIGINFO | SA_RESTORER)) == (SA_SIGINFO | SA_RESTORER), "... and SA_SIGINFO|SA_RESTORER");
	act.handler = on_usr1;
	act.flags = SA_SIGINFO | SA_RESTORER;
	act.restorer = mmtest_restorer;
	tap_is_err(sys_rt_sigaction(SIGKILL, &act, NULL), EINVAL, "a handler for SIGKILL gives EINVAL");
	tap_is_err(sys_rt_sigaction(0, &act, NULL), EINVAL, "signal 0 gives EINVAL");
	tap_is_err(sys_rt_sigaction(65, &act, NULL), EINVAL, "signal 65 gives EINVAL");
	tap_is_err(syscall4(__NR_rt_sigaction, SIGUSR1, &act, NULL, 4), EINVAL, "sigsetsize 4 gives EINVAL");
}

static void mask_cases(void)
{
	unsigned long set = SIGMASK(SIGUSR1), old = ~0UL, cur = ~0UL;

	tap_is_long(sigaction_install(SIGUSR1, on_usr1), 0, "install a SIGUSR1 handler");
	tap_is_long(sys_rt_sigprocmask(SIG_BLOCK, &set, &old), 0, "rt_sigprocmask(SIG_BLOCK, SIGUSR1)");
	tap_is_ulong(old & SIGMASK(SIGUSR1), 0, "the old mask did not have SIGUSR1");
	got_calls = 0;
	tap_is_long(sys_kill((int)sys_getpid(), SIGUSR1), 0, "kill(getpid(), SIGUSR1) while blocked");
	tap_is_long(got_calls, 0, "the blocked signal is not delivered");
	set = SIGMASK(SIGUSR2);
	sys_rt_sigprocmask(SIG_BLOCK, &set, &old);
	tap_is_ulong(old & SIGMASK(SIGUSR1), SIGMASK(SIGUSR1), "the old mask returned has SIGUSR1");
	set = SIGMASK(SIGUSR1) | SIGMASK(SIGUSR2);
	tap_is_long(sys_rt_sigprocmask(SIG_UNBLOCK, &set, NULL), 0, "unblock SIGUSR1 and SIGUSR2");
	tap_is_long(got_calls, 1, "unblocking delivered the pending SIGUSR1 once");
	tap_is_long(got_signo, SIGUSR1, "si_signo is SIGUSR1");
	tap_is_long(got_code, SI_USER, "si_code is SI_USER");
	tap_is_long(got_pid, sys_getpid(), "si_pid is our pid");
	tap_ok(mask_in_handler & SIGMASK(SIGUSR1), "SIGUSR1 was blocked while its handler ran");
	sys_rt_sigprocmask(SIG_BLOCK, NULL, &cur);
	tap_is_ulong(cur & (SIGMASK(SIGUSR1) | SIGMASK(SIGUSR2)), 0, "the mask is restored after the handler");
	got_calls = 0;
	sys_kill((int)sys_getpid(), SIGUSR1);
	tap_is_long(got_calls, 1, "an unblocked SIGUSR1 runs the handler at once");
	tap_is_err(syscall4(__NR_rt_sigprocmask, SIG_BLOCK, &set, NULL, 4), EINVAL, "rt_sigprocmask sigsetsize 4 gives EINVAL");
	tap_is_err(sys_rt_sigprocmask(7, &set, NULL), EINVAL, "rt_sigprocmask how 7 gives EINVAL");
}

/* Wait for the SIGCHLD handler after reaping pid; returns the wait status. */
static int reap_and_wait_sigchld(long pid)
{
	long deadline = now_ns() + 10L * 1000 * 1000 * 1000;
	int status = -1;
	long r;

	do
		r = sys_wait4((int)pid, &status, 0, NULL);
	while (r == -EINTR);
	while (!got_calls && now_ns() < deadline)
		sys_sched_yield();
	return status;
}

static void sigchld_cases(void)
{
	int status;
	long pid;

	tap_is_long(sigaction_install(SIGCHLD, on_chld), 0, "install a SIGCHLD handler");
	got_calls = 0;
	pid = sys_fork();
	if (pid == 0)
		sys_exit_group(7);
	status = reap_and_wait_sigchld(pid);
	tap_is_long(status, 7 << 8, "the child exited 7");
	tap_is_long(got_calls, 1, "SIGCHLD ran the handler once");
	tap_is_long(got_signo, SIGCHLD, "si_signo is SIGCHLD");
	tap_is_long(got_code, CLD_EXITED, "si_code is CLD_EXITED");
	tap_is_long(got_pid, pid, "si_pid is the child's pid");
	tap_is_long(got_status, 7, "si_status is the exit code");

	got_calls = 0;
	pid = sys_fork();
	if (pid == 0) {
		sys_kill((int)sys_getpid(), SIGKILL);
		sys_exit_group(1);
	}
	status = reap_and_wait_sigchld(pid);
	tap_is_long(status & 0x7f, SIGKILL, "the second child was killed by SIGKILL");
	tap_is_long(got_calls, 1, "SIGCHLD ran the handler once");
	tap_is_long(got_code, CLD_KILLED, "si_code is CLD_KILLED");
	tap_is_long(got_pid, pid, "si_pid is the child's pid");
	tap_is_long(got_status, SIGKILL, "si_status is the signal");
	sys_rt_sigaction(SIGCHLD, &(struct k_sigaction){ SIG_DFL, 0, NULL, 0 }, NULL);
}

int main(void)
{
	segv_cases();
	action_cases();
	mask_cases();
	sigchld_cases();
	return tap_done();
}
