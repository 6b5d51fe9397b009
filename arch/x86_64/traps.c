/*
 * Exceptions and interrupts: do_trap() is where entry.asm lands for every
 * vector. A fault in user mode becomes a signal; a fault in kernel mode is
 * either fixed up through the exception table (uaccess) or is a bug: die()
 * prints what a kernel engineer needs (registers, CR2, the decoded
 * page-fault error code, a symbolized backtrace) and panics.
 */
#include <arch/x86_64/traps.h>
#include <arch/x86_64/ptrace.h>
#include <arch/x86_64/pgtable.h>
#include <arch/x86_64/apic.h>
#include <arch/x86_64/percpu.h>
#include <lib/string.h>
#include <kernel/kernel.h>
#include <kernel/signal.h>
#include <kernel/kallsyms.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <kernel/smp_lock.h>

static const char *const exception_names[32] = {
	"divide error", "debug", "NMI", "int3", "overflow", "bounds",
	"invalid opcode", "device not available", "double fault",
	"coprocessor segment overrun", "invalid TSS", "segment not present",
	"stack segment", "general protection fault", "page fault", "reserved",
	"x87 floating point", "alignment check", "machine check",
	"SIMD floating point", "virtualization", "control protection",
};

struct exception_table_entry {
	unsigned long insn, fixup;
};
extern const struct exception_table_entry __start___ex_table[], __stop___ex_table[];

/* uaccess: a fault at a listed instruction resumes at its fixup (-EFAULT). */
bool fixup_exception(struct pt_regs *regs)
{
	for (const struct exception_table_entry *e = __start___ex_table; e < __stop___ex_table; e++) {
		if (e->insn == regs->rip) {
			regs->rip = e->fixup;
			return true;
		}
	}
	return false;
}

bool fixup_exception_possible(const struct pt_regs *regs)
{
	for (const struct exception_table_entry *e = __start___ex_table; e < __stop___ex_table; e++)
		if (e->insn == regs->rip)
			return true;
	return false;
}

void show_page_fault_error(unsigned long error_code, unsigned long address)
{
	printk("#PF: %s %s access at %016lx: %s%s%s\n",
	       error_code & X86_PF_USER ? "user" : "supervisor",
	       error_code & X86_PF_INSTR ? "instruction fetch" :
	       error_code & X86_PF_WRITE ? "write" : "read",
	       address,
	       error_code & X86_PF_PROT ? "permissions violation" : "not-present page",
	       error_code & X86_PF_RSVD ? ", reserved bit set" : "",
	       error_code & X86_PF_PK ? ", protection key" : "");
}

void show_regs(const struct pt_regs *regs)
{
	char sym[96];

	kallsyms_sprint(sym, sizeof(sym), regs->rip);
	printk("RIP: %04lx:%016lx %s\n", regs->cs, regs->rip, sym);
	printk("RSP: %04lx:%016lx EFLAGS: %08lx\n", regs->ss, regs->rsp, regs->rflags);
	printk("RAX: %016lx RBX: %016lx RCX: %016lx\n", regs->rax, regs->rbx, regs->rcx);
	printk("RDX: %016lx RSI: %016lx RDI: %016lx\n", regs->rdx, regs->rsi, regs->rdi);
	printk("RBP: %016lx R08: %016lx R09: %016lx\n", regs->rbp, regs->r8, regs->r9);
	printk("R10: %016lx R11: %016lx R12: %016lx\n", regs->r10, regs->r11, regs->r12);
	printk("R13: %016lx R14: %016lx R15: %016lx\n", regs->r13, regs->r14, regs->r15);
	printk("CR2: %016lx CR3: %016lx CR4: %016lx\n", read_cr2(), read_cr3(), read_cr4());
}

__noreturn void die(const char *what, struct pt_regs *regs, unsigned long error_code)
{
	printk("Oops: %s, error code %04lx, task %d\n", what, error_code,
	       current ? current->pid : -1);
	if (regs->trapnr == 14)
		show_page_fault_error(error_code, read_cr2());
	show_regs(regs);
	dump_backtrace(regs->rbp, regs->rip);
	panic("fatal exception in kernel mode: %s", what);
}

/* A user-mode exception other than a page fault: the signal Linux sends. */
static void do_user_exception(struct pt_regs *regs)
{
	switch (regs->trapnr) {
	case 0:
		force_sig_fault(SIGFPE, FPE_INTDIV, regs->rip);
		break;
	case 1:		/* single step (TF) */
		force_sig_fault(SIGTRAP, TRAP_TRACE, regs->rip);
		break;
	case 3:		/* int3: Linux reports it as SI_KERNEL */
		force_sig_fault(SIGTRAP, SI_KERNEL, 0);
		break;
	case 16:	/* x87 floating-point exception */
	case 19:	/* SIMD floating-point exception */
		force_sig_fault(SIGFPE, 0, regs->rip);
		break;
	case 6:
		force_sig_fault(SIGILL, ILL_ILLOPN, regs->rip);
		break;
	case 11:	/* segment not present */
	case 12:	/* stack segment */
		force_sig_fault(SIGBUS, SI_KERNEL, 0);
		break;
	case 17:
		force_sig_fault(SIGBUS, BUS_ADRALN, 0);
		break;
	default:
		/* #GP and friends: Linux sends SIGSEGV with si_code SI_KERNEL, si_addr 0. */
		force_sig_fault(SIGSEGV, SI_KERNEL, 0);
		break;
	}
}

/*
 * The iretq to user mode faulted (iret_to_user in entry.asm): a bad CS or
 * SS that rt_sigreturn let through, as Linux does. The CPU pushed its frame
 * (bad_regs) just below the iret frame it could not use; entry.asm has
 * already taken the kernel's GS back. As Linux's fixup_bad_iret: build the
 * pt_regs of the fault as if the first user instruction had raised it, the
 * user registers from bad_regs and rip..ss from the iret frame, at the top
 * of the kernel stack where a from-user entry would have put them. Returns
 * that pt_regs; entry.asm moves rsp to it and handles the fault as a user
 * one, so the task gets SIGSEGV (#GP) or SIGBUS (#NP, #SS) and the kernel
 * lives on. The two areas overlap, hence the copy through tmp.
 */
struct pt_regs *fixup_bad_iret(struct pt_regs *bad_regs)
{
	struct pt_regs tmp, *new_regs = (struct pt_regs *)this_cpu()->kernel_stack - 1;

	memcpy(&tmp.rip, (void *)bad_regs->rsp, 5 * sizeof(unsigned long));
	memcpy(&tmp, bad_regs, offsetof(struct pt_regs, rip));
	memcpy(new_regs, &tmp, sizeof(tmp));
	BUG_ON(!user_mode(new_regs));
	return new_regs;
}

void do_trap(struct pt_regs *regs)
{
	unsigned long vec = regs->trapnr;

	/* Without the big kernel lock: Linux's mm locks only (docs/smp.md). */
	if (vec == PAGE_FAULT_VECTOR) {
		do_page_fault(regs, regs->orig_rax);
		return;
	}
	if (vec == LOCAL_TIMER_VECTOR) {
		lapic_eoi();
		timer_interrupt();
		return;
	}
	if (vec == CALL_FUNCTION_VECTOR) {
		lapic_eoi();
		generic_smp_call_function_interrupt();
		return;
	}
	if (vec == RESCHEDULE_VECTOR) {
		lapic_eoi();
		scheduler_ipi();
		return;
	}
	if (vec == SPURIOUS_APIC_VECTOR)
		return;
	if (vec >= 32) {
		printk("unexpected interrupt vector %lu\n", vec);
		lapic_eoi();
		return;
	}
	if (user_mode(regs)) {
		lock_kernel();		/* a signal to send: the big kernel lock's */
		do_user_exception(regs);
		unlock_kernel();
		return;
	}
	if (fixup_exception(regs))
		return;
	die(exception_names[vec] ? exception_names[vec] : "exception", regs, regs->orig_rax);
}
