/*
 * wait_signal_status: how a memory fault shows in the parent's wait
 * status.  A child killed by SIGSEGV (NULL read, write to a PROT_READ
 * page, write to a COW-shared page made read-only, stack overflow into an
 * unmapped guard) has WIFSIGNALED, not WIFEXITED, and WTERMSIG == 11 (only
 * status & 0x7f is compared: 0x80 means a core was written, which depends
 * on RLIMIT_CORE).  A fault signal cannot be escaped: with SIGSEGV blocked
 * or ignored, or a handler that faults again, the child still dies of
 * SIGSEGV.  For contrast: a default-action SIGUSR1 gives exactly status
 * 10, exit(257) gives exit status 1, and the exit status survives a fault
 * in a grandchild.
 */
#include "mmtest.h"

static unsigned char *ro;

static void read_null(void *arg)
{
	(void)arg;
	(void)*(volatile int *)0;
}

static void write_ro(void *arg)
{
	(void)arg;
	ro[5] = 1;
}

static void blocked_segv(void *arg)
{
	unsigned long set = SIGMASK(SIGSEGV);

	(void)arg;
	sys_rt_sigprocmask(SIG_BLOCK, &set, NULL);
	ro[5] = 1;
}

static void ignored_segv(void *arg)
{
	struct k_sigaction ign = { SIG_IGN, SA_RESTORER, mmtest_restorer, 0 };

	(void)arg;
	sys_rt_sigaction(SIGSEGV, &ign, NULL);
	ro[5] = 1;
}

static void fault_again(int sig, struct k_siginfo *si, void *uc)
{
	(void)sig;
	(void)si;
	(void)uc;
	ro[6] = 1;                      /* faults inside the handler: SIGSEGV is blocked here */
}

static void handler_faults(void *arg)
{
	(void)arg;
	sigaction_install(SIGSEGV, fault_again);
	ro[5] = 1;
}

/* Recurse until the stack runs into unmapped memory. */
static __attribute__((noinline)) long recurse(volatile char *prev, long depth)
{
	volatile char buf[1024];

	buf[0] = (char)depth;
	buf[1023] = prev ? prev[0] : 0;
	if (depth > (1L << 40))                 /* never: 1 KB a frame hits the end long before */
		return 0;
	return recurse(buf, depth + 1) + buf[5];
}

static void stack_overflow(void *arg)
{
	(void)arg;
	recurse(NULL, 0);
}

static void self_usr1(void *arg)
{
	(void)arg;
	sys_kill((int)sys_getpid(), SIGUSR1);
	sys_exit_group(3);
}

static void exit_257(void *arg)
{
	(void)arg;
	sys_exit_group(257);
}

/* Reap a SIGSEGV'd grandchild, then exit with what we saw. */
static void grandparent(void *arg)
{
	int st = -1;
	long g = sys_fork();

	(void)arg;
	if (g == 0)
		read_null(NULL);
	sys_wait4((int)g, &st, 0, NULL);
	sys_exit_group((st & 0x7f) == SIGSEGV ? 42 : 1);
}

static void check_segv(void (*fn)(void *), const char *what)
{
	int st = run_in_child(fn, NULL);

	tap_ok(st >= 0 && WIFSIGNALED(st) && !WIFEXITED(st) && (st & 0x7f) == SIGSEGV,
	       "%s: WIFSIGNALED, WTERMSIG 11 (status 0x%x)", what, st);
}

int main(void)
{
	int st = -1;
	long pid;

	ro = (unsigned char *)sys_mmap(NULL, PAGE_SIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!tap_ok((long)ro > 0, "mmap a PROT_READ page"))
		return tap_done();
	check_segv(read_null, "a child reading NULL");
	check_segv(write_ro, "a child writing a PROT_READ page");
	check_segv(blocked_segv, "a child faulting with SIGSEGV blocked");
	check_segv(ignored_segv, "a child faulting with SIGSEGV ignored");
	check_segv(handler_faults, "a child whose SIGSEGV handler faults again");
	check_segv(stack_overflow, "a child overflowing its stack");

	/* A COW page the child made read-only with mprotect: no write sneaks through. */
	unsigned char *cow = (unsigned char *)sys_mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE,
						       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!tap_ok((long)cow > 0, "mmap a private page (%ld)", (long)cow))
		return tap_done();
	cow[0] = 'x';
	pid = sys_fork();
	if (pid == 0) {
		if (sys_mprotect(cow, PAGE_SIZE, PROT_READ))
			sys_exit_group(3);	/* not the SIGSEGV the parent expects */
		cow[0] = 'y';
		sys_exit_group(0);
	}
	tap_is_long(sys_wait4((int)pid, &st, 0, NULL), pid, "wait4 reaps the child that wrote after mprotect");
	tap_is_long(st & 0x7f, SIGSEGV, "a child writing its COW page after mprotect(PROT_READ) gets SIGSEGV");
	tap_is_long(cow[0], 'x', "... and the parent's data is untouched");

	st = run_in_child(self_usr1, NULL);
	tap_is_long(st, SIGUSR1, "a child killed by a default SIGUSR1: status is exactly 10 (no core)");
	st = run_in_child(exit_257, NULL);
	tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == 1, "exit(257) gives exit status 1 (status 0x%x)", st);
	st = run_in_child(grandparent, NULL);
	tap_is_long(st, 42 << 8, "a child saw its own child's SIGSEGV in wait4 and exited 42");
	return tap_done();
}
