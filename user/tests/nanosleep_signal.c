/*
 * nanosleep and signals, as Linux (kernel/time/hrtimer.c do_nanosleep,
 * -ERESTART_RESTARTBLOCK):
 *
 * - a signal with a handler ends the sleep: -EINTR, and rem holds the time
 *   that was left (elapsed + rem covers the request, rem < the request);
 * - SA_RESTART does not restart nanosleep: EINTR again;
 * - a signal that stops and continues the sleeper, with no handler, does
 *   not start the sleep over: the call returns 0 when the first deadline
 *   is reached (the restart goes on with the time left), not a full
 *   request after the SIGCONT. (Pagoda has no job control: SIGSTOP does
 *   not stop the task, but it still interrupts the sleep with no handler
 *   to run, and the restarted sleep must end at the same deadline.)
 *
 * A child sends the signals after sleeping itself; the bounds leave room
 * for a slow machine.
 */
#include "mmtest.h"

#define SA_RESTART	0x10000000
#define MS		1000000L

static volatile int handled;

static void on_usr1(int sig, struct k_siginfo *info, void *uc)
{
	(void)sig;
	(void)info;
	(void)uc;
	handled++;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * MS };

	sys_nanosleep(&ts, NULL);
}

/* A child that sleeps ms1, sends sig1 to the parent, then after ms2 sig2 (if any). */
static long signaller(long ms1, int sig1, long ms2, int sig2)
{
	long parent = sys_getpid(), pid = sys_fork();

	if (pid == 0) {
		sleep_ms(ms1);
		sys_kill((int)parent, sig1);
		if (sig2) {
			sleep_ms(ms2);
			sys_kill((int)parent, sig2);
		}
		sys_exit_group(0);
	}
	return pid;
}

static void check_handled(unsigned long sa_flags, const char *what)
{
	struct k_sigaction sa = { on_usr1, SA_SIGINFO | SA_RESTORER | sa_flags, mmtest_restorer, 0 };
	struct timespec req = { 3, 0 }, rem = { -1, -1 };
	long pid, t0, elapsed, r, rem_ns;
	int st;

	sys_rt_sigaction(SIGUSR1, &sa, NULL);
	handled = 0;
	pid = signaller(200, SIGUSR1, 0, 0);
	t0 = now_ns();
	r = sys_nanosleep(&req, &rem);
	elapsed = now_ns() - t0;
	sys_wait4((int)pid, &st, 0, NULL);
	rem_ns = rem.tv_sec * 1000000000L + rem.tv_nsec;
	tap_is_err(r, EINTR, "%s: a handled signal ends a 3 s sleep with EINTR", what);
	tap_is_long(handled, 1, "%s: the handler ran once", what);
	tap_ok(elapsed < 3000 * MS, "%s: it returned early (%ld ms)", what, elapsed / MS);
	tap_ok(rem_ns > 0 && rem_ns < 3000 * MS && rem.tv_nsec >= 0 && rem.tv_nsec < 1000000000L,
	       "%s: rem is the time left: %ld ms", what, rem_ns / MS);
	tap_ok(elapsed + rem_ns >= 3000 * MS - 20 * MS && elapsed + rem_ns < 3000 * MS + 1000 * MS,
	       "%s: elapsed + rem is the request (%ld ms)", what, (elapsed + rem_ns) / MS);
}

static void check_stop_cont(void)
{
	struct timespec req = { 1, 0 }, rem = { 0, 0 };
	long pid, t0, elapsed, r;
	int st;

	pid = signaller(200, SIGSTOP, 300, SIGCONT);
	t0 = now_ns();
	r = sys_nanosleep(&req, &rem);
	elapsed = now_ns() - t0;
	sys_wait4((int)pid, &st, 0, NULL);
	tap_is_long(r, 0, "stopped and continued without a handler: a 1 s sleep returns 0");
	tap_ok(elapsed >= 1000 * MS, "it slept the whole second (%ld ms)", elapsed / MS);
	tap_ok(elapsed < 1000 * MS + 450 * MS,
	       "and no more: the restart kept the deadline instead of sleeping 1 s again after SIGCONT (%ld ms)",
	       elapsed / MS);
}

int main(void)
{
	check_handled(0, "no SA_RESTART");
	check_handled(SA_RESTART, "SA_RESTART");
	check_stop_cont();
	return tap_done();
}
