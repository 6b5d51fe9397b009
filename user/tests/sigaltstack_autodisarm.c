/*
 * SS_AUTODISARM, as Linux (kernel/signal.c: on_sig_stack, sas_ss_reset,
 * restore_altstack; the raw flags in uc_stack):
 *
 * - without an alternate stack, a handler's uc_stack reads SS_DISABLE, and
 *   a stack the handler arms is dropped again by rt_sigreturn;
 * - a handler with SA_ONSTACK runs on the stack, which is disarmed as it
 *   starts (sigaltstack reads SS_DISABLE, sp 0, size 0);
 * - uc_stack holds the stack as it was, with the flags as given
 *   (SS_AUTODISARM, no SS_ONSTACK);
 * - the handler may arm the stack it runs on again: a task is never "on" an
 *   SS_AUTODISARM stack, so sigaltstack then reads SS_AUTODISARM without
 *   SS_ONSTACK, and changing it again is allowed (not EPERM);
 * - rt_sigreturn puts back the saved stack: after the handler returns the
 *   stack is armed again, and a second signal runs on it too.
 */
#include "mmtest.h"

#define NR_SIGALTSTACK	131
#define SS_ONSTACK	1
#define SS_DISABLE	2
#define SS_AUTODISARM	(1U << 31)
#define SA_ONSTACK	0x08000000
#define ALT_SIZE	(64 * 1024)
#define SIGUSR1		10

typedef struct {
	void *ss_sp;
	int ss_flags;
	size_t ss_size;
} stack_t;

/* struct ucontext: uc_flags, uc_link, then uc_stack. */
struct k_ucontext {
	unsigned long uc_flags;
	void *uc_link;
	stack_t uc_stack;
};

static long sigaltstack(const stack_t *ss, stack_t *old) { return syscall2(NR_SIGALTSTACK, ss, old); }

static char *alt, *alt2;

static struct {
	char *sp;			/* a local of the handler */
	stack_t uc_stack;		/* what the frame saved */
	stack_t disarmed;		/* sigaltstack as the handler starts */
	long rearm;			/* arming the stack it runs on */
	stack_t rearmed;		/* sigaltstack after that */
	long change;			/* changing it once more */
} seen[2];
static int calls;

static void on_usr1(int sig, struct k_siginfo *info, void *ucontext)
{
	char here;
	int n = calls++;
	stack_t again = { alt, (int)SS_AUTODISARM, ALT_SIZE }, other = { alt2, (int)SS_AUTODISARM, ALT_SIZE };

	(void)sig;
	(void)info;
	if (n > 1)
		return;
	seen[n].sp = &here;
	seen[n].uc_stack = ((struct k_ucontext *)ucontext)->uc_stack;
	sigaltstack(NULL, &seen[n].disarmed);
	seen[n].rearm = sigaltstack(&again, NULL);
	sigaltstack(NULL, &seen[n].rearmed);
	seen[n].change = sigaltstack(&other, NULL);
}

static int on_alt(const char *p) { return p >= alt && p < alt + ALT_SIZE; }

int main(void)
{
	struct k_sigaction sa = { .handler = on_usr1, .flags = SA_SIGINFO | SA_RESTORER | SA_ONSTACK,
				  .restorer = mmtest_restorer };
	stack_t ss, now;

	alt = (char *)sys_mmap(NULL, ALT_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	alt2 = (char *)sys_mmap(NULL, ALT_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	tap_ok((long)alt > 0 && (long)alt2 > 0, "mmap two alternate stacks");
	tap_is_long(sys_rt_sigaction(SIGUSR1, &sa, NULL), 0, "SIGUSR1 handler with SA_ONSTACK");
	/* First with no alternate stack: the handler runs on the normal stack. */
	sys_kill(sys_getpid(), SIGUSR1);
	tap_ok(calls == 1 && !on_alt(seen[0].sp), "with no alternate stack the handler runs on the normal one");
	tap_ok(seen[0].uc_stack.ss_flags == SS_DISABLE && !seen[0].uc_stack.ss_sp && !seen[0].uc_stack.ss_size,
	       "its uc_stack reads SS_DISABLE, sp 0, size 0 (flags 0x%x)", seen[0].uc_stack.ss_flags);
	tap_ok(sigaltstack(NULL, &now) == 0 && now.ss_flags == SS_DISABLE,
	       "the handler armed a stack, but rt_sigreturn put back none (flags 0x%x)", now.ss_flags);
	calls = 0;
	ss = (stack_t){ alt, (int)SS_AUTODISARM, ALT_SIZE };
	tap_is_long(sigaltstack(&ss, NULL), 0, "sigaltstack with SS_AUTODISARM");
	tap_is_long(sigaltstack(NULL, &now), 0, "query it");
	tap_ok(now.ss_sp == alt && now.ss_size == ALT_SIZE && now.ss_flags == (int)SS_AUTODISARM,
	       "it reads back with flags SS_AUTODISARM (0x%x)", now.ss_flags);

	sys_kill(sys_getpid(), SIGUSR1);
	tap_is_long(calls, 1, "the handler ran");
	tap_ok(on_alt(seen[0].sp), "on the alternate stack");
	tap_ok(seen[0].uc_stack.ss_sp == alt && seen[0].uc_stack.ss_size == ALT_SIZE,
	       "uc_stack saved the stack (sp, size)");
	tap_is_long(seen[0].uc_stack.ss_flags, (int)SS_AUTODISARM,
		    "and its flags as given: SS_AUTODISARM, without SS_ONSTACK");
	tap_ok(seen[0].disarmed.ss_flags == SS_DISABLE && !seen[0].disarmed.ss_sp && !seen[0].disarmed.ss_size,
	       "in the handler the stack is disarmed (flags 0x%x)", seen[0].disarmed.ss_flags);
	tap_is_long(seen[0].rearm, 0, "the handler may arm the stack it runs on");
	tap_is_long(seen[0].rearmed.ss_flags, (int)SS_AUTODISARM,
		    "then it reads SS_AUTODISARM, not SS_ONSTACK: never on an autodisarm stack");
	tap_is_long(seen[0].change, 0, "and it may change it again (no EPERM)");

	tap_is_long(sigaltstack(NULL, &now), 0, "after the handler returned, query the stack");
	tap_ok(now.ss_sp == alt && now.ss_size == ALT_SIZE && now.ss_flags == (int)SS_AUTODISARM,
	       "rt_sigreturn armed it again from uc_stack (sp %p, flags 0x%x)", now.ss_sp, now.ss_flags);
	sys_kill(sys_getpid(), SIGUSR1);
	tap_is_long(calls, 2, "a second signal runs the handler");
	tap_ok(on_alt(seen[1].sp), "on the alternate stack again");
	return tap_done();
}
