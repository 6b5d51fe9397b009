/*
 * syscall_nt: a program may set RFLAGS.NT (nested task) with popfq and then
 * make system calls. The kernel must clear NT on entry (Linux's syscall
 * flag mask: TF, DF, IF, IOPL, AC and NT), since an iretq with NT set
 * faults in long mode; Pagoda once kept it and the machine reset. The
 * user's flags come back on return, so NT reads as set afterwards, as on
 * Linux. Checked for each way back to user mode:
 *   - getpid (sysretq): right result, NT still set
 *   - sched_yield a few times while a child runs (a context switch)
 *   - kill(getpid(), SIGUSR1) with a handler: the signal frame goes out
 *     by iretq; the handler runs, returns through rt_sigreturn, and the
 *     program goes on
 */
#include "mmtest.h"

#define X86_EFLAGS_NT	(1UL << 14)

static unsigned long read_flags(void)
{
	unsigned long flags;

	__asm__ volatile("pushfq; popq %0" : "=r"(flags));
	return flags;
}

static void set_nt(void)
{
	__asm__ volatile("pushfq; orq %0, (%%rsp); popfq" :: "i"(X86_EFLAGS_NT) : "memory", "cc");
}

static void clear_nt(void)
{
	__asm__ volatile("pushfq; andq %0, (%%rsp); popfq" :: "i"(~X86_EFLAGS_NT) : "memory", "cc");
}

static volatile int handler_calls;

static void on_usr1(int sig, struct k_siginfo *si, void *uc)
{
	(void)sig; (void)si; (void)uc;
	handler_calls++;
}

static void child_spin(void *arg)
{
	(void)arg;
	for (int i = 0; i < 20; i++)
		sys_sched_yield();
}

int main(void)
{
	long pid = sys_getpid(), got, child;
	unsigned long flags;
	int status = 0;

	tap_ok(!(read_flags() & X86_EFLAGS_NT), "NT is clear at the start");

	set_nt();
	tap_ok(read_flags() & X86_EFLAGS_NT, "popfq sets NT in user mode");
	got = sys_getpid();
	flags = read_flags();
	clear_nt();
	tap_is_long(got, pid, "getpid with NT set returns our pid");
	tap_ok(flags & X86_EFLAGS_NT, "NT is still set after the syscall (flags 0x%lx)", flags);

	child = sys_fork();
	if (child == 0) {
		child_spin(NULL);
		sys_exit(0);
	}
	set_nt();
	for (int i = 0; i < 20; i++)
		sys_sched_yield();
	flags = read_flags();
	clear_nt();
	tap_ok(flags & X86_EFLAGS_NT, "NT survives sched_yield while another process runs");
	tap_is_long(sys_wait4(child, &status, 0, NULL), child, "the child is reaped");
	tap_is_long(status, 0, "the child exited 0");

	tap_is_long(sigaction_install(SIGUSR1, on_usr1), 0, "SIGUSR1 handler installed");
	set_nt();
	got = sys_kill((int)pid, SIGUSR1);
	flags = read_flags();
	clear_nt();
	tap_is_long(got, 0, "kill(self, SIGUSR1) with NT set returns 0");
	tap_is_long(handler_calls, 1, "the handler ran once");
	tap_ok(flags & X86_EFLAGS_NT, "NT is set again after the handler returns (flags 0x%lx)", flags);
	return tap_done();
}
