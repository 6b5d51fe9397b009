/*
 * sigaltstack: a SIGSEGV handler installed with SA_ONSTACK runs on the
 * alternate stack, so a process can catch its own stack overflow; the
 * handler sees SS_ONSTACK from sigaltstack, and may
 * not change the stack it runs on (EPERM). Bad flags: EINVAL; a stack
 * smaller than MINSIGSTKSZ: ENOMEM; SS_DISABLE reads back.
 */
#include "mmtest.h"

#define NR_SIGALTSTACK	131
#define SS_ONSTACK	1
#define SS_DISABLE	2
#define SA_ONSTACK	0x08000000
#define ALTSTACK_SIZE	(64 * 1024)

typedef struct {
	void *ss_sp;
	int ss_flags;
	size_t ss_size;
} stack_t;

static long sigaltstack(const stack_t *ss, stack_t *old) { return syscall2(NR_SIGALTSTACK, ss, old); }

static char *altstack;

static void on_segv(int sig, struct k_siginfo *info, void *ucontext)
{
	char here;
	stack_t now, change = { altstack, 0, ALTSTACK_SIZE };
	int code = 0;

	(void)sig;
	(void)info;
	(void)ucontext;
	if (&here < altstack || &here >= altstack + ALTSTACK_SIZE)
		code |= 1;			/* not running on the alternate stack */
	if (sigaltstack(NULL, &now) || !(now.ss_flags & SS_ONSTACK))
		code |= 2;			/* sigaltstack does not say SS_ONSTACK */
	if (sigaltstack(&change, NULL) != -EPERM)
		code |= 4;			/* changing it from on it must fail */
	sys_exit_group(100 + code);
}

/* Recurse until the stack runs out (the depth check is never true in practice). */
static int recurse(int n)
{
	volatile char pad[1024];

	pad[0] = (char)n;
	if (n > (1 << 30))
		return 0;
	return recurse(n + 1) + pad[0];
}

int main(void)
{
	stack_t ss, old;
	int st = -1;
	long pid;

	altstack = (char *)sys_mmap(NULL, ALTSTACK_SIZE, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	tap_ok((long)altstack > 0, "mmap an alternate stack");
	tap_is_long(sigaltstack(NULL, &old), 0, "query the alternate stack");
	tap_ok(old.ss_flags == SS_DISABLE, "there is none at first (SS_DISABLE)");

	ss = (stack_t){ altstack, 0x10, ALTSTACK_SIZE };
	tap_is_long(sigaltstack(&ss, NULL), -EINVAL, "an unknown flag gives EINVAL");
	ss = (stack_t){ altstack, 0, 1024 };
	tap_is_long(sigaltstack(&ss, NULL), -ENOMEM, "a stack below MINSIGSTKSZ gives ENOMEM");
	ss = (stack_t){ altstack, 0, ALTSTACK_SIZE };
	tap_is_long(sigaltstack(&ss, NULL), 0, "install a 64 KB alternate stack");
	tap_is_long(sigaltstack(NULL, &old), 0, "query it");
	tap_ok(old.ss_sp == altstack && old.ss_size == ALTSTACK_SIZE && old.ss_flags == 0,
	       "it reads back (sp, size, flags 0)");
	tap_is_long(sigaltstack((stack_t *)0x10, NULL), -EFAULT, "a bad pointer gives EFAULT");

	pid = sys_fork();
	if (pid == 0) {
		struct k_sigaction sa = { .handler = on_segv, .flags = SA_SIGINFO | SA_RESTORER | SA_ONSTACK,
					  .restorer = mmtest_restorer };

		sys_rt_sigaction(11, &sa, NULL);
		recurse(0);			/* overflows the 8 MB stack */
		sys_exit_group(1);
	}
	tap_is_long(sys_wait4((int)pid, &st, 0, NULL), pid, "reap the child that overflowed its stack");
	tap_is_long(st, 100 << 8, "its SIGSEGV handler ran on the alternate stack, saw SS_ONSTACK and got EPERM");

	ss.ss_flags = SS_DISABLE;
	tap_is_long(sigaltstack(&ss, NULL), 0, "SS_DISABLE");
	tap_is_long(sigaltstack(NULL, &old), 0, "query again");
	tap_ok(old.ss_flags == SS_DISABLE, "it is disabled");
	return tap_done();
}
