/*
 * futex(2) as Linux 6.1 answers it, with raw threads (threadtest.h):
 *
 * - FUTEX_WAIT: EAGAIN if the word differs, ETIMEDOUT after a relative
 *   timeout; FUTEX_WAIT_BITSET: an absolute CLOCK_MONOTONIC deadline, or
 *   CLOCK_REALTIME with FUTEX_CLOCK_REALTIME; a handled signal: EINTR;
 * - FUTEX_WAKE wakes at most the number asked and returns how many;
 *   a private waiter is not a shared wake's (different keys), and
 *   WAKE_BITSET wakes only waiters whose bitset meets its own;
 * - FUTEX_CMP_REQUEUE (EAGAIN if the word differs) and FUTEX_REQUEUE
 *   wake some and move the others; FUTEX_WAKE_OP changes the second word
 *   and wakes on the second only if the comparison holds;
 * - a shared futex on a MAP_SHARED page works across fork;
 * - EINVAL (misaligned, bitset 0, bad timespec), EFAULT, ENOSYS.
 */
#include "threadtest.h"

#define FUTEX_OP(op, oparg, cmp, cmparg) \
	((((op) & 0xf) << 28) | (((cmp) & 0xf) << 24) | (((oparg) & 0xfff) << 12) | ((cmparg) & 0xfff))
#define FUTEX_OP_ADD		1
#define FUTEX_OP_OR		2
#define FUTEX_OP_OPARG_SHIFT	8
#define FUTEX_OP_CMP_EQ		0
#define FUTEX_OP_CMP_NE		1
#define INT_MAX			0x7fffffff

#define PRIV(op)	((op) | FUTEX_PRIVATE_FLAG)

struct waiter {
	volatile int *addr;
	int val, op;
	unsigned int bitset;
	const struct timespec *timeout;
	volatile long ret;
	volatile int done;
	int ctid;
	long tid;
};

static int waiter_fn(void *arg)
{
	struct waiter *w = arg;

	w->ret = sys_futex(w->addr, w->op, w->val, w->timeout, NULL, (int)w->bitset);
	w->done = 1;
	return 0;
}

/* Start a thread that waits on addr for val with op; 0 once it sleeps in the kernel. */
static int waiter_start(struct waiter *w, volatile int *addr, int op, unsigned int bitset)
{
	w->addr = addr;
	w->val = *addr;
	w->op = op;
	w->bitset = bitset;
	w->done = 0;
	w->ret = 1;
	w->tid = thread_start(waiter_fn, w, &w->ctid);
	if (w->tid <= 0)
		return -1;
	return thread_wait_sleeping((int)w->tid);
}

static int count_done(struct waiter *w, int n)
{
	int done = 0;

	for (int i = 0; i < n; i++)
		done += w[i].done;
	return done;
}

/* Join every waiter; how many returned 0. */
static int join_all(struct waiter *w, int n)
{
	int ok = 0;

	for (int i = 0; i < n; i++) {
		thread_join(&w[i].ctid);
		ok += w[i].ret == 0;
	}
	return ok;
}

static void check_errors(void)
{
	static volatile int word = 1;
	static int words[2];
	struct timespec ts = { 0, 1000000000L };

	tap_is_err(sys_futex(&word, FUTEX_WAIT, 0, NULL, NULL, 0), EAGAIN, "FUTEX_WAIT on a word that differs: EAGAIN");
	tap_is_err(sys_futex(&word, PRIV(FUTEX_WAIT), 0, NULL, NULL, 0), EAGAIN, "FUTEX_WAIT_PRIVATE too");
	tap_is_err(sys_futex((volatile int *)((char *)words + 1), FUTEX_WAIT, 0, NULL, NULL, 0), EINVAL,
		   "a misaligned word: EINVAL");
	tap_is_err(sys_futex((volatile int *)((char *)words + 2), PRIV(FUTEX_WAKE), 1, NULL, NULL, 0), EINVAL,
		   "FUTEX_WAKE on a misaligned word: EINVAL");
	tap_is_err(sys_futex(NULL, PRIV(FUTEX_WAIT), 0, NULL, NULL, 0), EFAULT, "FUTEX_WAIT_PRIVATE on NULL: EFAULT");
	tap_is_err(sys_futex(NULL, FUTEX_WAIT, 0, NULL, NULL, 0), EFAULT, "FUTEX_WAIT (shared) on NULL: EFAULT");
	tap_is_err(sys_futex(&word, FUTEX_WAIT, 1, &ts, NULL, 0), EINVAL, "tv_nsec of 1e9: EINVAL");
	tap_is_err(sys_futex(&word, FUTEX_WAIT, 1, (struct timespec *)8, NULL, 0), EFAULT, "a bad timeout pointer: EFAULT");
	tap_is_err(sys_futex(&word, PRIV(FUTEX_WAIT_BITSET), 1, NULL, NULL, 0), EINVAL, "FUTEX_WAIT_BITSET with bitset 0: EINVAL");
	tap_is_err(sys_futex(&word, PRIV(FUTEX_WAKE_BITSET), 1, NULL, NULL, 0), EINVAL, "FUTEX_WAKE_BITSET with bitset 0: EINVAL");
	tap_is_err(sys_futex(&word, FUTEX_WAIT | FUTEX_CLOCK_REALTIME, 1, NULL, NULL, 0), ENOSYS,
		   "FUTEX_CLOCK_REALTIME with FUTEX_WAIT: ENOSYS");
	tap_is_err(sys_futex(&word, 99, 1, NULL, NULL, 0), ENOSYS, "an unknown operation: ENOSYS");
	tap_is_long(sys_futex(&word, FUTEX_WAKE, 1, NULL, NULL, 0), 0, "FUTEX_WAKE with nobody waiting: 0");
	tap_is_err(sys_futex(&word, PRIV(FUTEX_WAKE_OP), 1, (struct timespec *)1, &word,
			     FUTEX_OP(7, 0, FUTEX_OP_CMP_EQ, 0)), ENOSYS, "FUTEX_WAKE_OP with an unknown op: ENOSYS");
}

static void check_timeouts(void)
{
	static volatile int word;
	struct timespec rel = { 0, 50000000 }, abs, zero = { 0, 0 };
	long t0, r;

	t0 = now_ns();
	r = sys_futex(&word, FUTEX_WAIT, 0, &rel, NULL, 0);
	tap_is_err(r, ETIMEDOUT, "FUTEX_WAIT with 50 ms: ETIMEDOUT");
	tap_ok(now_ns() - t0 >= 50000000, "after at least 50 ms (%ld us)", (now_ns() - t0) / 1000);

	sys_clock_gettime(CLOCK_MONOTONIC, &abs);
	abs.tv_nsec += 30000000;
	if (abs.tv_nsec >= 1000000000L) {
		abs.tv_sec++;
		abs.tv_nsec -= 1000000000L;
	}
	t0 = now_ns();
	r = sys_futex(&word, PRIV(FUTEX_WAIT_BITSET), 0, &abs, NULL, -1);
	tap_is_err(r, ETIMEDOUT, "FUTEX_WAIT_BITSET to an absolute CLOCK_MONOTONIC time: ETIMEDOUT");
	tap_ok(now_ns() - t0 >= 25000000, "about 30 ms later (%ld us)", (now_ns() - t0) / 1000);
	tap_is_err(sys_futex(&word, PRIV(FUTEX_WAIT_BITSET), 0, &zero, NULL, -1), ETIMEDOUT,
		   "an absolute time long past: ETIMEDOUT at once");
	sys_clock_gettime(CLOCK_REALTIME, &abs);
	abs.tv_nsec += 20000000;
	if (abs.tv_nsec >= 1000000000L) {
		abs.tv_sec++;
		abs.tv_nsec -= 1000000000L;
	}
	tap_is_err(sys_futex(&word, PRIV(FUTEX_WAIT_BITSET) | FUTEX_CLOCK_REALTIME, 0, &abs, NULL, -1), ETIMEDOUT,
		   "FUTEX_CLOCK_REALTIME: an absolute CLOCK_REALTIME time: ETIMEDOUT");
	tap_is_err(sys_futex(&word, FUTEX_WAIT, 1, &rel, NULL, 0), EAGAIN, "the value is checked before the timeout: EAGAIN");
}

static void check_wake(void)
{
	static volatile int word;
	static struct waiter w[3];
	int ok = 1;

	for (int i = 0; i < 3; i++)
		ok &= waiter_start(&w[i], &word, PRIV(FUTEX_WAIT), 0) == 0;
	tap_ok(ok, "three threads sleep in FUTEX_WAIT_PRIVATE");
	tap_is_long(sys_futex(&word, FUTEX_WAKE, INT_MAX, NULL, NULL, 0), 0, "a shared FUTEX_WAKE does not wake private waiters");
	tap_is_long(sys_futex(&word, PRIV(FUTEX_WAKE), 1, NULL, NULL, 0), 1, "FUTEX_WAKE_PRIVATE(1) wakes one");
	tap_is_long(sys_futex(&word, PRIV(FUTEX_WAKE), INT_MAX, NULL, NULL, 0), 2, "FUTEX_WAKE_PRIVATE(INT_MAX) wakes the other two");
	tap_is_long(join_all(w, 3), 3, "each FUTEX_WAIT returned 0");

	tap_ok(waiter_start(&w[0], &word, PRIV(FUTEX_WAIT_BITSET), 0x1) == 0, "a waiter with bitset 0x1");
	tap_is_long(sys_futex(&word, PRIV(FUTEX_WAKE_BITSET), INT_MAX, NULL, NULL, 0x2), 0, "WAKE_BITSET 0x2 misses it");
	tap_is_long(sys_futex(&word, PRIV(FUTEX_WAKE_BITSET), INT_MAX, NULL, NULL, 0x3), 1, "WAKE_BITSET 0x3 wakes it");
	tap_is_long(join_all(w, 1), 1, "its FUTEX_WAIT_BITSET returned 0");
}

static void check_requeue(void)
{
	static volatile int a = 7, b;
	static struct waiter w[3];
	int ok = 1;

	for (int i = 0; i < 3; i++)
		ok &= waiter_start(&w[i], &a, PRIV(FUTEX_WAIT), 0) == 0;
	tap_ok(ok, "three threads wait on a");
	tap_is_err(sys_futex(&a, PRIV(FUTEX_CMP_REQUEUE), 1, (struct timespec *)1, &b, 8), EAGAIN,
		   "FUTEX_CMP_REQUEUE with the wrong value: EAGAIN");
	tap_is_long(count_done(w, 3), 0, "nobody was woken");
	tap_is_long(sys_futex(&a, PRIV(FUTEX_CMP_REQUEUE), 1, (struct timespec *)1, &b, 7), 2,
		   "FUTEX_CMP_REQUEUE(wake 1, requeue 1): 2");
	tap_is_long(sys_futex(&a, PRIV(FUTEX_WAKE), INT_MAX, NULL, NULL, 0), 1, "one is left on a");
	tap_is_long(sys_futex(&b, PRIV(FUTEX_WAKE), INT_MAX, NULL, NULL, 0), 1, "one was moved to b");
	tap_is_long(join_all(w, 3), 3, "all three returned 0");

	ok = 1;
	for (int i = 0; i < 2; i++)
		ok &= waiter_start(&w[i], &a, PRIV(FUTEX_WAIT), 0) == 0;
	tap_ok(ok, "two threads wait on a");
	tap_is_long(sys_futex(&a, PRIV(FUTEX_REQUEUE), 0, (struct timespec *)INT_MAX, &b, 0), 2,
		   "FUTEX_REQUEUE(wake 0, requeue all): 2");
	tap_is_long(sys_futex(&a, PRIV(FUTEX_WAKE), INT_MAX, NULL, NULL, 0), 0, "none is left on a");
	tap_is_long(sys_futex(&b, PRIV(FUTEX_WAKE), INT_MAX, NULL, NULL, 0), 2, "both wake on b");
	tap_is_long(join_all(w, 2), 2, "both returned 0");
}

static void check_wake_op(void)
{
	static volatile int a, b = 5;
	static struct waiter w[3];
	int ok;

	ok = waiter_start(&w[0], &a, PRIV(FUTEX_WAIT), 0) == 0;
	ok &= waiter_start(&w[1], &a, PRIV(FUTEX_WAIT), 0) == 0;
	ok &= waiter_start(&w[2], &b, PRIV(FUTEX_WAIT), 0) == 0;
	tap_ok(ok, "two threads wait on a, one on b (b = 5)");
	tap_is_long(sys_futex(&a, PRIV(FUTEX_WAKE_OP), 1, (struct timespec *)1, &b,
			      FUTEX_OP(FUTEX_OP_ADD, 1, FUTEX_OP_CMP_NE, 5)), 1,
		    "WAKE_OP(b += 1, if old != 5): wakes one on a only");
	tap_is_long(b, 6, "b is 6");
	tap_is_long(sys_futex(&a, PRIV(FUTEX_WAKE_OP), 1, (struct timespec *)1, &b,
			      FUTEX_OP(FUTEX_OP_OR | FUTEX_OP_OPARG_SHIFT, 3, FUTEX_OP_CMP_EQ, 6)), 2,
		    "WAKE_OP(b |= 1 << 3, if old == 6): wakes one on a and one on b");
	tap_is_long(b, 14, "b is 14");
	tap_is_long(join_all(w, 3), 3, "all three returned 0");
}

static void on_usr1(int sig, struct k_siginfo *info, void *uc)
{
	(void)sig; (void)info; (void)uc;
}

static void check_signal(void)
{
	static volatile int word;
	static struct waiter w;
	struct timespec five = { 5, 0 };

	sigaction_install(SIGUSR1, on_usr1);
	w.timeout = &five;
	tap_ok(waiter_start(&w, &word, PRIV(FUTEX_WAIT), 0) == 0, "a thread waits with a 5 s timeout");
	sys_tgkill((int)sys_getpid(), (int)w.tid, SIGUSR1);
	thread_join(&w.ctid);
	tap_is_long(w.ret, -EINTR, "a handled signal ends it with EINTR");
	w.timeout = NULL;
}

/* The child waits on a MAP_SHARED word; the parent wakes it by the same page. */
static void check_shared(void)
{
	volatile int *word = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	char path[64], buf[2048];
	int st = -1;
	long pid, t0, woken = 0;

	pid = sys_fork();
	if (pid == 0)
		sys_exit_group(sys_futex(word, FUTEX_WAIT, 0, NULL, NULL, 0) == 0 ? 0 : 1);
	tap_ok(pid > 0, "fork a child that waits on a MAP_SHARED word");
	snprintf(path, sizeof(path), "/proc/%ld/status", pid);
	for (t0 = now_ns(); now_ns() - t0 < 10000000000L; sys_sched_yield())
		if (read_file(path, buf, sizeof(buf)) > 0 && strstr(buf, "State:\tS"))
			break;
	tap_is_long(sys_futex(word, PRIV(FUTEX_WAKE), 1, NULL, NULL, 0), 0, "a private wake in another mm does not reach it");
	for (t0 = now_ns(); !woken && now_ns() - t0 < 10000000000L; sys_sched_yield())
		woken = sys_futex(word, FUTEX_WAKE, 1, NULL, NULL, 0);
	tap_is_long(woken, 1, "a shared FUTEX_WAKE on the same page wakes it");
	tap_is_long(sys_wait4((int)pid, &st, 0, NULL), pid, "reap it");
	tap_is_long(st, 0, "its FUTEX_WAIT returned 0");
	munmap((void *)word, 4096);
}

int main(void)
{
	check_errors();
	check_timeouts();
	check_wake();
	check_requeue();
	check_wake_op();
	check_signal();
	check_shared();
	return tap_done();
}
