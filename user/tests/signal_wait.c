/*
 * Waiting for signals and sending them to one thread: pause and
 * rt_sigsuspend return EINTR after the handler, and rt_sigsuspend puts the
 * old mask back; rt_sigpending shows a blocked signal; alarm delivers
 * SIGALRM and returns the time left; tkill and tgkill (what abort() uses)
 * kill with SIGABRT; gettimeofday, time and getcpu answer.
 */
#include "mmtest.h"

#define NR_PAUSE	34
#define NR_ALARM	37
#define NR_GETTIMEOFDAY	96
#define NR_SIGPENDING	127
#define NR_SIGSUSPEND	130
#define NR_TKILL	200
#define NR_TIME		201
#define NR_TGKILL	234
#define NR_GETCPU	309
#define SIGUSR1		10
#define SIGUSR2		12
#define SIGALRM		14
#define SIGABRT		6

static volatile int got[65];

static void handler(int sig, struct k_siginfo *si, void *uc)
{
	(void)si;
	(void)uc;
	got[sig]++;
}

static void install(int sig)
{
	struct k_sigaction sa = { handler, SA_SIGINFO | SA_RESTORER, mmtest_restorer, 0 };

	sys_rt_sigaction(sig, &sa, NULL);
}

static void do_abort(void *arg)
{
	(void)arg;
	syscall3(NR_TGKILL, sys_getpid(), sys_getpid(), SIGABRT);
}

/* A child that signals the parent after a short sleep. */
static long signal_me_later(int sig)
{
	long parent = sys_getpid(), pid = sys_fork();

	if (pid == 0) {
		struct timespec ts = { 0, 50 * 1000 * 1000 };

		sys_nanosleep(&ts, NULL);
		syscall2(__NR_kill, parent, sig);
		sys_exit_group(0);
	}
	return pid;
}

int main(void)
{
	unsigned long mask = 1UL << (SIGUSR1 - 1), old = 0, pending = 0;
	struct { long sec, usec; } tv;
	unsigned int cpu = 99, node = 99;
	long pid, t;

	install(SIGUSR1);
	install(SIGUSR2);
	install(SIGALRM);

	tap_is_long(syscall2(NR_TKILL, sys_getpid(), SIGUSR1), 0, "tkill(self, SIGUSR1)");
	tap_is_long(got[SIGUSR1], 1, "the handler ran");
	tap_is_long(syscall2(NR_TKILL, 0x3fffffff, SIGUSR1), -ESRCH, "tkill of no thread: ESRCH");
	tap_is_long(syscall2(NR_TKILL, 0, SIGUSR1), -EINVAL, "tkill(0): EINVAL");
	tap_child_signal(do_abort, NULL, SIGABRT, "tgkill(self, self, SIGABRT) kills with SIGABRT, as abort() does");

	pid = signal_me_later(SIGUSR1);
	tap_is_long(syscall0(NR_PAUSE), -EINTR, "pause returns EINTR once a handler ran");
	tap_is_long(got[SIGUSR1], 2, "... the SIGUSR1 handler");
	sys_wait4((int)pid, NULL, 0, NULL);

	sys_rt_sigprocmask(0 /* SIG_BLOCK */, &mask, NULL);
	pid = signal_me_later(SIGUSR1);
	unsigned long none = 0;
	tap_is_long(syscall2(NR_SIGSUSPEND, &none, 8), -EINTR, "rt_sigsuspend with an empty mask returns EINTR");
	tap_is_long(got[SIGUSR1], 3, "the handler ran while suspended");
	sys_rt_sigprocmask(0, NULL, &old);
	tap_ok(old & mask, "rt_sigsuspend put the old mask back (SIGUSR1 blocked)");
	sys_wait4((int)pid, NULL, 0, NULL);

	syscall2(__NR_kill, sys_getpid(), SIGUSR1);
	tap_is_long(syscall2(NR_SIGPENDING, &pending, 8), 0, "rt_sigpending");
	tap_ok(pending & mask, "a blocked SIGUSR1 is pending");
	tap_is_long(got[SIGUSR1], 3, "... and its handler has not run");
	sys_rt_sigprocmask(1 /* SIG_UNBLOCK */, &mask, NULL);
	tap_is_long(got[SIGUSR1], 4, "unblocking it runs the handler");

	tap_is_long(syscall1(NR_ALARM, 5), 0, "alarm(5) with no alarm set returns 0");
	tap_is_long(syscall1(NR_ALARM, 1), 5, "alarm(1) returns the 5 s left of the old one");
	tap_is_long(syscall0(NR_PAUSE), -EINTR, "pause until SIGALRM");
	tap_is_long(got[SIGALRM], 1, "the alarm went off: SIGALRM handler ran");
	tap_is_long(syscall1(NR_ALARM, 0), 0, "alarm(0) with none left returns 0");

	tap_is_long(syscall2(NR_GETTIMEOFDAY, &tv, NULL), 0, "gettimeofday");
	tap_ok(tv.usec >= 0 && tv.usec < 1000000, "tv_usec in range (%ld)", tv.usec);
	t = syscall1(NR_TIME, NULL);
	tap_ok(t >= tv.sec && t <= tv.sec + 1, "time() agrees with gettimeofday (%ld, %ld)", t, tv.sec);
	tap_is_long(syscall2(NR_GETTIMEOFDAY, (void *)0x10, NULL), -EFAULT, "gettimeofday into a bad pointer: EFAULT");
	tap_is_long(syscall3(NR_GETCPU, &cpu, &node, NULL), 0, "getcpu");
	tap_ok(cpu < 4096 && node < 1024, "getcpu fills the cpu and node (%u, %u)", cpu, node);
	return tap_done();
}
