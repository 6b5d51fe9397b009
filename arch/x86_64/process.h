/*
 * The x86 half of a task (Linux: arch/x86/kernel/process.c, process_64.c):
 * what a new task's kernel stack starts with, the register state a context
 * switch carries from one task to the next, and what exec resets.
 */
#ifndef _ARCH_PROCESS_H
#define _ARCH_PROCESS_H

struct task_struct;
struct pt_regs;

/*
 * Lay out p's kernel stack so that its first switch_to() lands in
 * ret_from_fork (regs: a copy of the parent's user registers, fork returns
 * 0; the parent's FPU and FS base are copied too) or, with regs NULL, in
 * ret_from_kernel_thread, which calls kfn(karg) and then returns to the
 * user context kfn prepared (the first process, through do_execve).
 */
void copy_thread(struct task_struct *p, const struct pt_regs *regs,
		 void (*kfn)(void *), void *karg);

/* Run next instead of prev: returns once prev is switched back to. Interrupts off. */
void switch_to(struct task_struct *prev, struct task_struct *next);

/* exec: the new program starts with no TLS (FS base 0) and a fresh FPU (Linux: flush_thread). */
void flush_thread(struct task_struct *tsk);

#endif
