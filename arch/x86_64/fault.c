/*
 * The page-fault handler (Linux: arch/x86/mm/fault.c):
 *   1. read CR2;
 *   2. turn the error code into FAULT_FLAG_WRITE / USER / INSTRUCTION;
 *   3. take mm->mmap_lock for reading and find the VMA (growing a stack
 *      down to the address under the write lock: lock_mm_and_find_vma)
 *      and check that it allows the access;
 *   4. call handle_mm_fault, then drop mmap_lock;
 *   5. turn a failure into a signal (user mode, or a uaccess fixup) or die,
 *      with mmap_lock dropped (Linux: bad_area_nosemaphore).
 *
 * A fault in the kernel inside a uaccess helper takes mmap_lock as one from
 * user mode does (Linux too): so the kernel never holds mmap_lock across a
 * uaccess to the same mm (see mmap_read_lock, mm/mm.h).
 */
#include <arch/x86_64/traps.h>
#include <arch/x86_64/pgtable.h>
#include <kernel/kernel.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <mm/mm.h>
#include <kernel/smp_lock.h>

/* What the VMA forbids: Linux's access_error(). x86 cannot map write-only. */
static bool access_error(unsigned long error_code, const struct vm_area_struct *vma)
{
	if (error_code & X86_PF_WRITE)
		return !(vma->vm_flags & VM_WRITE);
	if (error_code & X86_PF_INSTR)
		return !(vma->vm_flags & VM_EXEC);
	return !(vma->vm_flags & VM_ACCESS_FLAGS);
}

/*
 * Linux's show_signal_msg (show_unhandled_signals, on by default): a
 * SIGSEGV the task has no handler for is logged, so a crash leaves a
 * trace in the kernel log. Linux adds the file of ip and the code bytes.
 */
static void show_signal_msg(struct pt_regs *regs, unsigned long error_code,
			    unsigned long address, int sig)
{
	void *handler = current->sighand->action[sig - 1].handler;

	if (sig != SIGSEGV || (handler != SIG_DFL && handler != SIG_IGN))
		return;
	printk("%s[%d]: segfault at %lx ip %016lx sp %016lx error %lx\n", current->comm,
	       current->pid, address, regs->rip, regs->rsp, error_code);
}

/*
 * The fault could not be served: signal the task, or fix up / die in the
 * kernel. Signals are the big kernel lock's (kernel/smp_lock.h); the rest
 * of the fault path runs without it, under mmap_lock and the page-table lock.
 */
static void bad_area(struct pt_regs *regs, unsigned long error_code, unsigned long address,
		     int sig, int si_code)
{
	if (user_mode(regs)) {
		current->sig_fault_err = error_code;
		current->sig_fault_trapno = PAGE_FAULT_VECTOR;
		lock_kernel();
		show_signal_msg(regs, error_code, address, sig);
		force_sig_fault(sig, si_code, address);
		unlock_kernel();
		return;
	}
	if (fixup_exception(regs))
		return;
	die(sig == SIGBUS ? "bus error in kernel mode" : "unable to handle page fault",
	    regs, error_code);
}

static unsigned int fault_flags(unsigned long error_code)
{
	unsigned int flags = 0;

	if (error_code & X86_PF_WRITE)
		flags |= FAULT_FLAG_WRITE;
	if (error_code & X86_PF_USER)
		flags |= FAULT_FLAG_USER;
	if (error_code & X86_PF_INSTR)
		flags |= FAULT_FLAG_INSTRUCTION;
	return flags;
}

static void do_user_addr_fault(struct pt_regs *regs, unsigned long error_code,
			       unsigned long address)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	vm_fault_t fault;

	/* The kernel touches user memory only inside the uaccess helpers. */
	if (!user_mode(regs) && !fixup_exception_possible(regs))
		die("kernel access to user memory outside uaccess", regs, error_code);
	if (error_code & X86_PF_RSVD)
		die("reserved bit set in a page-table entry", regs, error_code);
	if (!mm) {
		bad_area(regs, error_code, address, SIGSEGV, SEGV_MAPERR);
		return;
	}
	/* Returns with mmap_lock held for reading, or with no lock and NULL: a hole. */
	vma = lock_mm_and_find_vma(mm, address);
	if (!vma) {
		bad_area(regs, error_code, address, SIGSEGV, SEGV_MAPERR);
		return;
	}
	if (access_error(error_code, vma)) {
		mmap_read_unlock(mm);
		bad_area(regs, error_code, address, SIGSEGV, SEGV_ACCERR);
		return;
	}
	fault = handle_mm_fault(vma, address, fault_flags(error_code));
	mmap_read_unlock(mm);
	if (fault == VM_FAULT_OK)
		return;
	if (fault & VM_FAULT_OOM) {
		/* No OOM killer: the faulting task is the one that dies (Linux picks a victim). */
		printk("Out of memory: killing process %d (%s) at %lx\n",
		       current->pid, current->comm, address);
		if (!user_mode(regs) && fixup_exception(regs))
			return;
		lock_kernel();
		force_sig_fault(SIGKILL, SI_KERNEL, 0);
		unlock_kernel();
		return;
	}
	if (fault & VM_FAULT_SIGBUS)
		bad_area(regs, error_code, address, SIGBUS, BUS_ADRERR);
	else
		bad_area(regs, error_code, address, SIGSEGV, SEGV_ACCERR);
}

void do_page_fault(struct pt_regs *regs, unsigned long error_code)
{
	unsigned long address = read_cr2();

	if (address >= TASK_SIZE) {
		/* A kernel address: from user mode a SIGSEGV, from the kernel a bug. */
		bad_area(regs, error_code, address, SIGSEGV, SEGV_MAPERR);
		return;
	}
	do_user_addr_fault(regs, error_code, address);
}
