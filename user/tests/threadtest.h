/*
 * threadtest.h - raw threads for the thread tests, without a C library's
 * pthreads: clone(CLONE_VM | ... | CLONE_THREAD) on a stack of our own,
 * futex wrappers, and waits on a thread's exit and on it being asleep.
 * Included by user/tests/threads*.c and futex*.c (not a test itself).
 */
#ifndef THREADTEST_H
#define THREADTEST_H

#include "mmtest.h"

#define __NR_dup		32
#define __NR_fcntl		72
#define __NR_futex		202
#define __NR_tkill		200
#define __NR_tgkill		234
#define __NR_clone3		435

#define CLONE_VM		0x00000100
#define CLONE_FS		0x00000200
#define CLONE_FILES		0x00000400
#define CLONE_SIGHAND		0x00000800
#define CLONE_PARENT		0x00008000
#define CLONE_THREAD		0x00010000
#define CLONE_SYSVSEM		0x00040000
#define CLONE_SETTLS		0x00080000
#define CLONE_PARENT_SETTID	0x00100000
#define CLONE_CHILD_CLEARTID	0x00200000
#define CLONE_DETACHED		0x00400000
#define CLONE_CHILD_SETTID	0x01000000

/* What glibc's pthread_create passes (musl adds CLONE_DETACHED). */
#define PTHREAD_CLONE_FLAGS (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | \
			     CLONE_SYSVSEM | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID)

#define FUTEX_WAIT		0
#define FUTEX_WAKE		1
#define FUTEX_REQUEUE		3
#define FUTEX_CMP_REQUEUE	4
#define FUTEX_WAKE_OP		5
#define FUTEX_WAIT_BITSET	9
#define FUTEX_WAKE_BITSET	10
#define FUTEX_PRIVATE_FLAG	128
#define FUTEX_CLOCK_REALTIME	256

#define THREAD_STACK_SIZE	(64 * 1024)
#ifndef SIGURG
#define SIGURG			23
#endif
#ifndef ETIMEDOUT
#define ETIMEDOUT		110
#endif

static inline long sys_futex(volatile int *uaddr, int op, int val, const struct timespec *ts,
			     volatile int *uaddr2, int val3)
{
	return syscall6(__NR_futex, (long)uaddr, op, val, (long)ts, (long)uaddr2, val3);
}

static inline long sys_tgkill(int tgid, int tid, int sig) { return syscall3(__NR_tgkill, tgid, tid, sig); }
static inline long sys_tkill(int tid, int sig) { return syscall2(__NR_tkill, tid, sig); }
static inline long sys_exit_thread(int code) { return syscall1(__NR_exit, code); }

/*
 * long raw_clone(flags, stack_top, ptid, ctid, tls, fn, arg): clone(2)
 * that runs fn(arg) on stack_top in the child, then exit(2)s (the thread
 * only) with fn's result. Returns the child's tid, or -errno, in the parent.
 * fn and arg travel on the new stack; the child pops them.
 */
long raw_clone(unsigned long flags, void *stack_top, int *ptid, int *ctid, unsigned long tls,
	       int (*fn)(void *), void *arg);
__asm__(".text\n"
	".globl raw_clone\n"
	".type raw_clone, @function\n"
	"raw_clone:\n"
	"\tmov 8(%rsp), %rax\n"		/* arg, the 7th argument */
	"\tand $-16, %rsi\n"
	"\tsub $16, %rsi\n"
	"\tmov %r9, 0(%rsi)\n"		/* fn */
	"\tmov %rax, 8(%rsi)\n"		/* arg */
	"\tmov %rcx, %r10\n"		/* ctid: the kernel's 4th argument register */
	"\tmov $56, %eax\n"
	"\tsyscall\n"
	"\ttest %rax, %rax\n"
	"\tjnz 1f\n"
	"\txor %ebp, %ebp\n"
	"\tpop %rax\n"
	"\tpop %rdi\n"
	"\tcall *%rax\n"
	"\tmov %eax, %edi\n"
	"\tmov $60, %eax\n"
	"\tsyscall\n"
	"\thlt\n"
	"1:\tret\n"
	".size raw_clone, .-raw_clone\n");

/* A fresh stack for one thread; its top. */
static inline void *thread_stack(void)
{
	char *s = mmap(NULL, THREAD_STACK_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return s == MAP_FAILED ? NULL : s + THREAD_STACK_SIZE;
}

/* A thread as pthread_create makes one: *ctid is its tid until it exits, then 0 (and a futex wake). */
static inline long thread_start(int (*fn)(void *), void *arg, int *ctid)
{
	void *stack = thread_stack();

	if (!stack)
		return -12;
	return raw_clone(PTHREAD_CLONE_FLAGS, stack, ctid, ctid, 0, fn, arg);
}

/* pthread_join's wait: until the kernel clears *ctid at the thread's exit. */
static inline void thread_join(volatile int *ctid)
{
	int v;

	while ((v = *ctid) != 0)
		sys_futex(ctid, FUTEX_WAIT, v, NULL, NULL, 0);
}

/*
 * Wait (up to 10 s) until thread tid of this process sleeps in the
 * kernel: its /proc/self/task/TID/status says "State:\tS". 0, or -1.
 */
static inline int thread_wait_sleeping(int tid)
{
	char path[64], buf[2048];
	long t0 = now_ns();

	snprintf(path, sizeof(path), "/proc/self/task/%d/status", tid);
	while (now_ns() - t0 < 10000000000L) {
		long n = read_file(path, buf, sizeof(buf));
		const char *st = n > 0 ? strstr(buf, "State:\t") : NULL;

		if (st && st[7] == 'S')
			return 0;
		sys_sched_yield();
	}
	return -1;
}

#endif
