/*
 * CPUs as the rest of the kernel sees them (Linux: include/linux/smp.h and
 * cpumask.h): which one runs this code, how many there can be
 * (kernel/threads.h), and the three masks Linux keeps:
 *
 *   possible  CPUs that can ever run (the MADT's, unless nosmp)
 *   present   CPUs that are there now (the same: no hotplug)
 *   online    CPUs that are up; bit 0 from boot, the others set by each
 *             CPU itself as it finishes start_secondary
 *
 * A mask is one unsigned long (NR_CPUS <= 64). The number of the running
 * CPU lives in the architecture's per-CPU data, reached through GS
 * (arch/x86_64/percpu.h); mm/ and fs/ include this header, not that one.
 *
 * Only CPU 0 schedules tasks in this step (docs/smp.md): the others idle.
 */
#ifndef _KERNEL_SMP_H
#define _KERNEL_SMP_H

#include <kernel/types.h>
#include <kernel/threads.h>		/* NR_CPUS */
#include <arch/x86_64/percpu.h>	/* smp_processor_id() */

extern unsigned long __cpu_possible_mask, __cpu_present_mask, __cpu_online_mask;
extern unsigned int setup_max_cpus;	/* nosmp: 0, maxcpus=N: N */
extern unsigned int total_cpus;		/* the CPUs the firmware listed, possible or not */

/* Bits set in w (Linux: hweight_long); no libgcc in the kernel, hence no __builtin_popcount. */
static inline int hweight_long(unsigned long w)
{
	int n = 0;

	for (; w; w &= w - 1)
		n++;
	return n;
}

static inline unsigned long cpu_online_mask(void) { return __atomic_load_n(&__cpu_online_mask, __ATOMIC_ACQUIRE); }
static inline bool cpu_online(int cpu) { return (cpu_online_mask() >> cpu) & 1; }
static inline bool cpu_possible(int cpu) { return (__cpu_possible_mask >> cpu) & 1; }
static inline bool cpu_present(int cpu) { return (__cpu_present_mask >> cpu) & 1; }
static inline int num_online_cpus(void) { return hweight_long(cpu_online_mask()); }
static inline int num_possible_cpus(void) { return hweight_long(__cpu_possible_mask); }
/* One past the highest possible CPU (Linux: nr_cpu_ids). */
static inline int nr_cpu_ids(void) { return __cpu_possible_mask ? 64 - __builtin_clzl(__cpu_possible_mask) : 1; }

#define for_each_possible_cpu(cpu) \
	for ((cpu) = 0; (cpu) < NR_CPUS; (cpu)++) if (cpu_possible(cpu))

void set_cpu_online(int cpu, bool online);	/* atomic: a CPU sets its own bit */
void init_cpu_possible(unsigned long mask);	/* boot: possible = present = mask */
void smp_init(void);				/* start_kernel: bring up the other CPUs */
int __cpu_up(int cpu);				/* arch: boot one CPU; 0 once it is online */

#define for_each_cpu_in(cpu, mask) \
	for ((cpu) = 0; (cpu) < NR_CPUS; (cpu)++) if (((mask) >> (cpu)) & 1)

/*
 * Running a function on other CPUs (Linux: kernel/smp.c). func runs in the
 * target's interrupt handler (CALL_FUNCTION_VECTOR), interrupts off, and
 * must not sleep or take a lock the caller holds. With wait, the call
 * returns after func returned on every target. Callers may have
 * interrupts off: while waiting, a CPU runs the calls queued for itself.
 */
typedef void (*smp_call_func_t)(void *info);

int smp_call_function_single(int cpu, smp_call_func_t func, void *info, bool wait);
void smp_call_function_many(unsigned long mask, smp_call_func_t func, void *info, bool wait);
void generic_smp_call_function_interrupt(void);	/* the IPI's handler */
void smp_poll_function_queue(void);	/* while spinning: run the calls queued for this CPU */
void smp_send_reschedule(int cpu);			/* RESCHEDULE_VECTOR: need_resched there */
void scheduler_ipi(void);				/* its handler */

#endif
