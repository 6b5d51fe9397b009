/*
 * smptest.h - helpers for the SMP tests (smp_*.c): placing threads and
 * processes on CPUs, getting out of a SIGSEGV handler, a seeded generator
 * and waits bounded by a wall-clock cap.  Not a test itself.
 *
 *   sched_setaffinity / getaffinity   the raw calls, one long of mask
 *   pin_to_cpu(cpu)                   sched_setaffinity(0, {cpu}) and a
 *                                     getcpu() that says we run there
 *   smp_cpus()                        the machine's CPUs (machine.h) when
 *                                     they are all online, else the online ones
 *   smp_require_two_cpus()            skip on a non-Pagoda kernel with one CPU
 *   proc_stat_processor(path)         field 39 of /proc/.../stat
 *   jmp_save / jmp_restore            setjmp / longjmp without a C library;
 *                                     with SA_NODEFER (sigaction_nodefer) a
 *                                     SIGSEGV handler may leave through it
 *   rng_next, smp_seed                xorshift64*, seeded from argv[1], the
 *                                     kernel command line (NAME.seed=N) or the clock
 *   wait_until(word, value, ...)      spin with sched_yield until *word >=
 *                                     value, or give up after a cap
 *
 * No test here relies on timing: each wait is a handshake through memory,
 * and the cap only turns a hang into a failure.
 */
#ifndef SMPTEST_H
#define SMPTEST_H

#include "threadtest.h"
#include "machine.h"

#define __NR_sched_setaffinity	203
#define __NR_sched_getaffinity	204
#define __NR_syslog		103
#define SYSLOG_ACTION_READ_ALL	3

#define SMP_WAIT_CAP_NS		(60L * 1000 * 1000 * 1000)	/* a hang becomes a failure */

static inline long sys_sched_setaffinity(int pid, unsigned len, const unsigned long *mask)
{
	return syscall3(__NR_sched_setaffinity, pid, len, mask);
}

static inline long sys_sched_getaffinity(int pid, unsigned len, unsigned long *mask)
{
	return syscall3(__NR_sched_getaffinity, pid, len, mask);
}

/* The CPU this thread runs on, from getcpu(2); -errno if it failed. */
static inline long current_cpu(void)
{
	unsigned cpu = ~0u, node = ~0u;
	long r = sys_getcpu(&cpu, &node);

	return r < 0 ? r : (long)cpu;
}

/*
 * Run the calling thread (pid 0: only this thread, as Linux's
 * sched_setaffinity) on cpu alone.  Linux moves the task before the call
 * returns, so getcpu() must already say cpu.  0, or -errno (-EIO: the
 * call worked but getcpu names another CPU).
 */
static inline long pin_to_cpu(int cpu)
{
	unsigned long mask = 1UL << cpu;
	long r = sys_sched_setaffinity(0, sizeof(mask), &mask);

	if (r < 0)
		return r;
	return current_cpu() == cpu ? 0 : -EIO;
}

/* The online CPUs as sched_getaffinity of a fresh task gives them: how many. */
static inline int smp_cpus(void)
{
	unsigned long mask = 0;
	int n = 0;

	if (sys_sched_getaffinity(0, sizeof(mask), &mask) < 0)
		return 1;
	for (; mask; mask &= mask - 1)
		n++;
	return n;
}

/*
 * The SMP tests need two CPUs.  A kernel other than Pagoda with only one
 * (a small host) skips; on Pagoda the test goes on, and its pin_to_cpu
 * checks fail with the reason.
 */
static inline void smp_require_two_cpus(const char *name)
{
	char why[96];

	if (smp_cpus() >= 2 || is_pagoda())
		return;
	snprintf(why, sizeof(why), "%s: needs two CPUs, sched_getaffinity gives %d", name, smp_cpus());
	tap_skip_all(why);
}

/*
 * Field 39 (processor: the CPU it last ran on) of a /proc/.../stat file,
 * counted after the ")" that ends field 2 (the comm may hold spaces); -1
 * if it cannot be read.
 */
static inline long proc_stat_processor(const char *path)
{
	char buf[1024];
	const char *p;
	int field = 2;

	if (read_file(path, buf, sizeof(buf)) <= 0 || !(p = strrchr(buf, ')')))
		return -1;
	p++;
	while (*p && field < 39) {
		while (*p == ' ')
			p++;
		if (++field == 39)
			break;
		while (*p && *p != ' ')
			p++;
	}
	return field == 39 && *p >= '0' && *p <= '9' ? strtol(p, NULL, 10) : -1;
}

/* ---- setjmp / longjmp: the callee-saved registers, rsp and the return rip ---- */
struct jmp_state {
	unsigned long rbx, rbp, r12, r13, r14, r15, rsp, rip;
};

/* 0 when called; val (never 0) when jmp_restore() comes back here. */
int jmp_save(struct jmp_state *j) __attribute__((returns_twice));
__attribute__((noreturn)) void jmp_restore(struct jmp_state *j, int val);
__asm__(".text\n"
	".globl jmp_save\n"
	".type jmp_save, @function\n"
	"jmp_save:\n"
	"\tmov %rbx, 0(%rdi)\n"
	"\tmov %rbp, 8(%rdi)\n"
	"\tmov %r12, 16(%rdi)\n"
	"\tmov %r13, 24(%rdi)\n"
	"\tmov %r14, 32(%rdi)\n"
	"\tmov %r15, 40(%rdi)\n"
	"\tlea 8(%rsp), %rdx\n"		/* rsp after our ret */
	"\tmov %rdx, 48(%rdi)\n"
	"\tmov (%rsp), %rdx\n"		/* where we return to */
	"\tmov %rdx, 56(%rdi)\n"
	"\txor %eax, %eax\n"
	"\tret\n"
	".size jmp_save, .-jmp_save\n"
	".globl jmp_restore\n"
	".type jmp_restore, @function\n"
	"jmp_restore:\n"
	"\tmov 0(%rdi), %rbx\n"
	"\tmov 8(%rdi), %rbp\n"
	"\tmov 16(%rdi), %r12\n"
	"\tmov 24(%rdi), %r13\n"
	"\tmov 32(%rdi), %r14\n"
	"\tmov 40(%rdi), %r15\n"
	"\tmov 48(%rdi), %rsp\n"
	"\tmov %esi, %eax\n"
	"\ttest %eax, %eax\n"
	"\tjnz 1f\n"
	"\tinc %eax\n"
	"1:\tjmp *56(%rdi)\n"
	".size jmp_restore, .-jmp_restore\n");

/*
 * A handler that may leave by jmp_restore: SA_NODEFER, so that the signal
 * is not left blocked (what siglongjmp's saved mask would undo).
 */
static inline long sigaction_nodefer(int sig, void (*fn)(int, struct k_siginfo *, void *))
{
	struct k_sigaction sa = { fn, SA_SIGINFO | SA_RESTORER | SA_NODEFER, mmtest_restorer, 0 };

	return sys_rt_sigaction(sig, &sa, NULL);
}

/* ---- a seeded generator: xorshift64* ---- */
static inline unsigned long rng_next(unsigned long *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1DUL;
}

/* A number in [0, n). */
static inline unsigned long rng_below(unsigned long *s, unsigned long n)
{
	return rng_next(s) % n;
}

/*
 * The word NAME.KEY=N of the kernel command line, NAME being the program's
 * base name (argv[0]): how tools/stress.sh (make stress) hands a seed to a
 * test that /init starts without arguments.  1 and *val if present.
 * Linux passes such a dotted word to no one but /proc/cmdline, as Pagoda.
 */
static inline int smp_cmdline_ulong(const char *argv0, const char *key, unsigned long *val)
{
	static char cmdline[1024];
	const char *name = argv0 ? argv0 : "";
	char word[96];
	size_t n;

	for (const char *p = name; *p; p++)
		if (*p == '/')
			name = p + 1;
	if (!*name || strlen(name) + strlen(key) + 3 > sizeof(word) ||
	    read_file("/proc/cmdline", cmdline, sizeof(cmdline)) < 0)
		return 0;
	n = (size_t)snprintf(word, sizeof(word), "%s.%s=", name, key);
	for (char *p = cmdline; (p = strstr(p, word)) != NULL; p += n)
		if (p == cmdline || p[-1] == ' ') {
			*val = strtoul(p + n, NULL, 0);
			return 1;
		}
	return 0;
}

/*
 * The seed: argv[1] if given, else NAME.seed=N from the kernel command line
 * (smp_cmdline_ulong), else the clock; printed as "# seed N" to rerun with.
 */
static inline unsigned long smp_seed(int argc, char **argv)
{
	unsigned long seed;

	if (argc > 1)
		seed = strtoul(argv[1], NULL, 0);
	else if (!smp_cmdline_ulong(argc > 0 ? argv[0] : NULL, "seed", &seed))
		seed = (unsigned long)now_ns();

	if (!seed)
		seed = 1;
	printf("# seed %lu\n", seed);
	return seed;
}

/*
 * Spin (yielding) until *word >= value or *abort is set; 1 if the value
 * came, 0 after SMP_WAIT_CAP_NS or on abort.  The clock is read only
 * every 1024 rounds: a waiter on its own CPU needs no more.
 */
static inline int wait_until(volatile long *word, long value, volatile int *abort)
{
	long deadline = now_ns() + SMP_WAIT_CAP_NS;

	for (unsigned long i = 0; *word < value; i++) {
		if (abort && *abort)
			return 0;
		if (!(i & 1023) && now_ns() > deadline)
			return 0;
		sys_sched_yield();
	}
	return 1;
}

/* The kernel log (syslog(2) READ_ALL), NUL-terminated; its length or -errno. */
static inline long syslog_read(char *buf, size_t size)
{
	long n = syscall3(__NR_syslog, SYSLOG_ACTION_READ_ALL, buf, (int)(size - 1));

	buf[n > 0 ? n : 0] = '\0';
	return n;
}

/* How many times text holds s (a kernel log's "BUG: " reports). */
static inline int count_occurrences(const char *text, const char *s)
{
	int n = 0;

	for (const char *p = strstr(text, s); p; p = strstr(p + 1, s))
		n++;
	return n;
}

#endif /* SMPTEST_H */
