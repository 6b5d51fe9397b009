/*
 * The big kernel lock (Linux 2.0 to 2.6.38: include/linux/smp_lock.h,
 * lib/kernel_lock.c). One lock for the whole kernel, taken on every entry
 * from user mode (a system call, an exception, signal delivery) and held
 * until the return. Unlike a spinlock it belongs to a task, not a CPU: a
 * task that sleeps (schedule) gives it up and takes it back when it runs
 * again, and a task may take it again while holding it (lock_depth).
 *
 * Why Pagoda has it: everything in the kernel written for one CPU (the
 * task list, signals, files, pipes, /proc, the fd tables) stays correct
 * with two CPUs running tasks, exactly as it was: at most one task runs
 * kernel code under the lock, and it keeps the CPU until it sleeps. What
 * the seeds teach runs without it: the page-fault path takes only Linux's
 * own locks (mmap_lock, the page-table lock, the anon_vma lock, the
 * hugetlb fault mutex, the allocator's), so faults of two CPUs really
 * race one another and the system calls that change the same mm
 * (docs/smp.md). It takes the big lock only to send a signal.
 *
 * Order: outermost. Never taken while holding a spinlock (the checker
 * reports it: BUG: lock order); a sleeping lock may be taken under it,
 * since sleeping releases it.
 */
#ifndef _KERNEL_SMP_LOCK_H
#define _KERNEL_SMP_LOCK_H

#include <kernel/types.h>

struct task_struct;

void lock_kernel(void);
void unlock_kernel(void);
bool kernel_locked(void);			/* does current hold it? */
/* schedule(): a task that holds it drops it while it is off the CPU. */
void release_kernel_lock(struct task_struct *t);
void reacquire_kernel_lock(struct task_struct *t);
/* Interrupt context (the timer's work): the lock for no task, or false. */
bool kernel_lock_trylock_irq(void);
void kernel_lock_unlock_irq(void);

#endif
