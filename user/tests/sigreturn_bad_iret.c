/*
 * sigreturn_bad_iret: rt_sigreturn restores CS and SS from the signal
 * context (forced to CPL 3), as Linux does, so a handler can make the
 * return to user mode fail: the iretq itself faults, in ring 0 with the
 * user's GS already loaded. The kernel must recover (Linux:
 * fixup_bad_iret) and give the process the fault, not die. Each case runs
 * in a child whose SIGUSR1 handler edits its context and returns:
 *   - CS 0x13 (the kernel's code segment, RPL 3): killed by SIGSEGV
 *   - SS 0x1b (the kernel's data segment, RPL 3): killed by SIGSEGV
 *   - RIP 0x8000000000000000 (not canonical): killed by SIGSEGV
 *   - CS 0x13 with a SIGSEGV handler: it runs, with si_code SI_KERNEL
 *     (0x80) and the bad CS in its context, and exits 42
 * and the parent (and the kernel) goes on to the next case.
 */
#include "mmtest.h"

#define SI_KERNEL	0x80

/* struct ucontext up to the segment registers (asm/sigcontext.h, asm/ucontext.h). */
struct k_ucontext {
	unsigned long uc_flags;
	void *uc_link;
	unsigned long uc_stack[3];
	unsigned long r8, r9, r10, r11, r12, r13, r14, r15;
	unsigned long rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
	unsigned short cs, gs, fs, ss;
};

enum { BAD_CS, BAD_SS, BAD_RIP };

static volatile int which;

static void on_usr1(int sig, struct k_siginfo *si, void *ucv)
{
	struct k_ucontext *uc = ucv;

	(void)sig; (void)si;
	if (which == BAD_CS)
		uc->cs = 0x13;
	else if (which == BAD_SS)
		uc->ss = 0x1b;
	else
		uc->rip = 0x8000000000000000UL;
}

static void raise_usr1(void *arg)
{
	which = (int)(long)arg;
	if (sigaction_install(SIGUSR1, on_usr1))
		sys_exit(3);
	sys_kill((int)sys_getpid(), SIGUSR1);
	sys_exit(2);		/* not reached: the return to user mode faults */
}

static void on_segv(int sig, struct k_siginfo *si, void *ucv)
{
	struct k_ucontext *uc = ucv;

	(void)sig;
	sys_exit(si->si_code == SI_KERNEL && uc->cs == 0x13 ? 42 : 1);
}

static void bad_cs_caught(void *arg)
{
	(void)arg;
	if (sigaction_install(SIGSEGV, on_segv))
		sys_exit(3);
	raise_usr1((void *)BAD_CS);
}

int main(void)
{
	tap_child_signal(raise_usr1, (void *)BAD_CS, SIGSEGV, "sigreturn to CS 0x13 gives SIGSEGV");
	tap_child_signal(raise_usr1, (void *)BAD_SS, SIGSEGV, "sigreturn to SS 0x1b gives SIGSEGV");
	tap_child_signal(raise_usr1, (void *)BAD_RIP, SIGSEGV, "sigreturn to a non-canonical RIP gives SIGSEGV");
	tap_child_exit(bad_cs_caught, NULL, 42, "a SIGSEGV handler sees SI_KERNEL and the bad CS");
	return tap_done();
}
