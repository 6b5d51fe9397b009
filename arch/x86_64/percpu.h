/*
 * Per-CPU data, reached through GS in the kernel (swapgs on every entry
 * from user mode). entry.asm uses the offsets of the first fields.
 */
#ifndef _ARCH_PERCPU_H
#define _ARCH_PERCPU_H

#include <kernel/types.h>

struct task_struct;

struct cpu_info {
	struct cpu_info *self;		/* 0: gs:0 gives the struct's address */
	unsigned long user_rsp;		/* 8: user rsp while entering a syscall */
	unsigned long kernel_stack;	/* 16: top of the current task's kernel stack */
	struct task_struct *curr;	/* 24: the running task */
	int cpu;			/* 32 */
	int node;			/* NUMA node of this CPU */
	u32 apic_id;
	bool need_resched;
	bool polling_calls;		/* in smp_poll_function_queue (kernel/smp.c) */
	struct task_struct *dead_task;	/* an EXIT_DEAD task whose stack we just left */
	struct mm_struct *loaded_mm;	/* whose page tables CR3 holds (Linux: cpu_tlbstate.loaded_mm) */
	/* Interrupts have this CPU's interrupts off: only it writes these. */
	unsigned long irq_resched_count;	/* reschedule IPIs taken (Linux: irq_resched_count) */
	unsigned long irq_call_count;		/* function-call IPIs taken (Linux: irq_call_count) */
	unsigned long irq_tlb_count;		/* remote TLB flushes run here (Linux: irq_tlb_count) */
	/* The spinlock checker (kernel/spinlock.c): locks of each level this CPU holds. */
	unsigned char lock_order_held[8];
	void *lock_order_last[8];		/* the last one taken, for the report */
};

#define PERCPU_USER_RSP		8
#define PERCPU_KERNEL_STACK	16

static inline struct cpu_info *this_cpu(void)
{
	struct cpu_info *c;
	__asm__ __volatile__("movq %%gs:0, %0" : "=r"(c));
	return c;
}
static inline int smp_processor_id(void) { return this_cpu()->cpu; }

extern struct cpu_info cpu_info[];

#endif
