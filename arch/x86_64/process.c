/*
 * The x86 half of a task (Linux: arch/x86/kernel/process.c and
 * process_64.c): the frame a new task starts from (copy_thread), the
 * register state a context switch carries over (switch_to: the user's
 * FPU/SSE registers, the FS base, the kernel stack the CPU enters on),
 * what exec resets (flush_thread), and arch_prctl.
 *
 * A task's kernel stack, top down:
 *
 *   +------------------------+ <- stack + THREAD_SIZE (TSS rsp0, cpu_info.kernel_stack)
 *   | struct pt_regs         |    the user context (task_pt_regs)
 *   +------------------------+
 *   | struct switch_frame    |    what __switch_to_asm pops: six callee-saved
 *   |                        |    registers and the address it returns to
 *   +------------------------+ <- thread_rsp while the task is switched out
 *   | ...                    |
 */
#include <arch/x86_64/process.h>
#include <arch/x86_64/processor.h>
#include <arch/x86_64/fpu.h>
#include <arch/x86_64/percpu.h>
#include <arch/x86_64/desc.h>
#include <arch/x86_64/pgtable.h>
#include <arch/x86_64/uaccess.h>
#include <kernel/sched.h>
#include <kernel/errno.h>
#include <kernel/syscalls.h>
#include <lib/string.h>

struct switch_frame {
	unsigned long r15, r14, r13, r12, rbx, rbp;
	unsigned long ret_addr;
};

extern void ret_from_fork(void);
extern void ret_from_kernel_thread(void);
extern void __switch_to_asm(unsigned long *prev_rsp, unsigned long next_rsp);

void copy_thread(struct task_struct *p, const struct pt_regs *regs,
		 void (*kfn)(void *), void *karg)
{
	struct pt_regs *childregs = task_pt_regs(p);
	struct switch_frame *frame = (struct switch_frame *)childregs - 1;

	memset(frame, 0, sizeof(*frame));
	if (regs) {
		*childregs = *regs;
		childregs->rax = 0;		/* fork returns 0 in the child */
		fpu_save(p->fpu_state);		/* the parent's registers, live in the CPU */
		p->fsbase = x86_fsbase_read_cpu();
		frame->ret_addr = (unsigned long)ret_from_fork;
	} else {
		memset(childregs, 0, sizeof(*childregs));
		frame->rbx = (unsigned long)kfn;
		frame->r12 = (unsigned long)karg;
		frame->ret_addr = (unsigned long)ret_from_kernel_thread;
	}
	p->thread_rsp = (unsigned long)frame;
}

void switch_to(struct task_struct *prev, struct task_struct *next)
{
	struct cpu_info *ci = this_cpu();

	fpu_save(prev->fpu_state);
	fpu_restore(next->fpu_state);
	prev->fsbase = x86_fsbase_read_cpu();
	x86_fsbase_write_cpu(next->fsbase);
	/* Where the next entry from user mode (syscall or interrupt) lands. */
	ci->kernel_stack = next->stack + THREAD_SIZE;
	tss_set_kernel_stack(next->stack + THREAD_SIZE);
	ci->curr = next;
	__switch_to_asm(&prev->thread_rsp, next->thread_rsp);
}

void flush_thread(struct task_struct *tsk)
{
	tsk->fsbase = 0;
	x86_fsbase_write_cpu(0);
	memcpy(tsk->fpu_state, init_fpu_state, sizeof(tsk->fpu_state));
	fpu_restore(tsk->fpu_state);
}

#define ARCH_SET_GS	0x1001
#define ARCH_SET_FS	0x1002
#define ARCH_GET_FS	0x1003
#define ARCH_GET_GS	0x1004

long sys_arch_prctl(int code, unsigned long addr)
{
	switch (code) {
	case ARCH_SET_FS:
		if (addr >= TASK_SIZE)
			return -EPERM;	/* Linux: a non-canonical or kernel base is refused */
		current->fsbase = addr;
		x86_fsbase_write_cpu(addr);
		return 0;
	case ARCH_GET_FS:
		return put_user(current->fsbase, (unsigned long *)addr) ? -EFAULT : 0;
	case ARCH_SET_GS:
	case ARCH_GET_GS:
		return -EINVAL;	/* user GS is not supported yet */
	default:
		return -EINVAL;
	}
}
