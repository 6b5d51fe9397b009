/*
 * A system call interrupted by a signal: with an SA_RESTART handler a
 * blocking pipe read is restarted and returns the data; without
 * SA_RESTART it fails with EINTR after the handler ran.
 */
#include "mmtest.h"

#define SA_RESTART	0x10000000

static volatile int hits;

static void on_usr1(int sig, struct k_siginfo *si, void *uc)
{
	(void)sig;
	(void)si;
	(void)uc;
	hits++;
}

/* A child signals us while we block in read(), then writes one byte. */
static long read_interrupted(unsigned long sa_flags, int *fds)
{
	struct k_sigaction sa = { on_usr1, SA_SIGINFO | SA_RESTORER | sa_flags, mmtest_restorer, 0 };
	struct timespec ts = { 0, 100 * 1000 * 1000 };
	long parent = sys_getpid(), pid, r;
	char c = 0;

	hits = 0;
	sys_rt_sigaction(10, &sa, NULL);
	pid = sys_fork();
	if (pid == 0) {
		sys_nanosleep(&ts, NULL);
		syscall2(__NR_kill, parent, 10);
		sys_nanosleep(&ts, NULL);
		sys_write(fds[1], "x", 1);
		sys_exit_group(0);
	}
	r = sys_read(fds[0], &c, 1);
	sys_wait4((int)pid, NULL, 0, NULL);
	if (r == -EINTR)
		sys_read(fds[0], &c, 1);	/* drain the byte for the next round */
	return r;
}

int main(void)
{
	int fds[2];

	tap_is_long(syscall1(22, fds), 0, "pipe");
	tap_is_long(read_interrupted(SA_RESTART, fds), 1, "with SA_RESTART the read is restarted and returns the byte");
	tap_is_long(hits, 1, "the handler ran once");
	tap_is_long(read_interrupted(0, fds), -EINTR, "without SA_RESTART the read fails with EINTR");
	tap_is_long(hits, 1, "the handler ran once");
	return tap_done();
}
