/*
 * The generic half of SMP bring-up (Linux: kernel/smp.c smp_init(),
 * kernel/cpu.c bringup_nonboot_cpus() and the cpumasks). The architecture
 * wakes one CPU at a time (__cpu_up, arch/x86_64/smpboot.c); this file
 * decides which ones, honours nosmp and maxcpus=, and logs the result as
 * Linux does:
 *
 *   smp: Bringing up secondary CPUs ...
 *   x86: Booting SMP configuration:
 *   .... node  #1, CPUs:      #1
 *   smp: Brought up 2 nodes, 2 CPUs
 *
 * A CPU that comes up runs tasks from its own run queue (kernel/sched.c)
 * and answers IPIs: function calls (smp_call_function_*, the TLB shootdown
 * of arch/x86_64/tlb.c) and reschedule.
 *
 * Lock order: call_queue[].lock is innermost (interrupts off). Otherwise none. The masks are written at boot by CPU 0, except each
 * AP's own online bit, which it sets atomically (set_cpu_online); readers
 * load the online mask with acquire semantics (cpu_online_mask()).
 */
#include <kernel/smp.h>
#include <kernel/kernel.h>
#include <arch/x86_64/setup.h>
#include <arch/x86_64/smpboot.h>
#include <kernel/spinlock.h>
#include <lib/list.h>
#include <kernel/errno.h>
#include <arch/x86_64/apic.h>
#include <arch/x86_64/traps.h>
#include <arch/x86_64/time.h>
#include <mm/numa.h>

unsigned long __cpu_possible_mask = 1, __cpu_present_mask = 1, __cpu_online_mask = 1;
unsigned int setup_max_cpus = NR_CPUS;
unsigned int total_cpus = 1;

static void call_queue_init(void);

void set_cpu_online(int cpu, bool online)
{
	if (online)
		__atomic_fetch_or(&__cpu_online_mask, 1UL << cpu, __ATOMIC_RELEASE);
	else
		__atomic_fetch_and(&__cpu_online_mask, ~(1UL << cpu), __ATOMIC_RELEASE);
}

void init_cpu_possible(unsigned long mask)
{
	__cpu_possible_mask = mask | 1;
	__cpu_present_mask = mask | 1;
}

/*
 * Up to max CPUs online, in number order (Linux: bringup_nonboot_cpus).
 * A CPU that does not answer stays offline; boot goes on without it.
 */
static void bringup_nonboot_cpus(unsigned int max_cpus)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		if ((unsigned int)num_online_cpus() >= max_cpus)
			break;
		if (cpu_online(cpu) || !cpu_present(cpu))
			continue;
		__cpu_up(cpu);
	}
	announce_cpu_end();
}

void smp_init(void)
{
	int num_nodes, num_cpus;

	call_queue_init();
	printk("smp: Bringing up secondary CPUs ...\n");
	bringup_nonboot_cpus(setup_max_cpus);
	num_nodes = nr_node_ids;
	num_cpus = num_online_cpus();
	printk("smp: Brought up %d node%s, %d CPU%s\n", num_nodes, num_nodes > 1 ? "s" : "",
	       num_cpus, num_cpus > 1 ? "s" : "");
}

/* ---- IPIs: function calls and reschedule (Linux: kernel/smp.c) ---- */

/*
 * One queued call (Linux: struct __call_single_data). CSD_FLAG_LOCK is set
 * from the moment the caller fills it until the target has run func: the
 * caller waits on it (wait), and a caller reusing a csd waits for it first.
 */
struct call_single_data {
	struct list_head list;
	smp_call_func_t func;
	void *info;
	int flags;
};
#define CSD_FLAG_LOCK	1

/*
 * Each CPU's queue of calls to run, under its lock, taken with interrupts
 * off (the IPI handler takes it). Lock order: innermost, nothing inside.
 */
struct call_queue {
	spinlock_t lock;
	struct list_head list;
};
static struct call_queue call_queue[NR_CPUS];

/* The csds a CPU sends with, one per target (Linux: cfd_data and csd_data). */
static struct call_single_data cfd_data[NR_CPUS][NR_CPUS];

#define CSD_WARN_NS	(5 * NSEC_PER_SEC)

static void call_queue_init(void)
{
	for (int cpu = 0; cpu < NR_CPUS; cpu++) {
		spin_lock_init(&call_queue[cpu].lock);
		INIT_LIST_HEAD(&call_queue[cpu].list);
	}
}

/* Run and release every call queued for this CPU. Interrupts off. */
static void flush_smp_call_function_queue(void)
{
	struct call_queue *q = &call_queue[smp_processor_id()];
	struct call_single_data *csd, *tmp;
	LIST_HEAD(todo);

	spin_lock(&q->lock);
	while (!list_empty(&q->list)) {
		csd = list_first_entry(&q->list, struct call_single_data, list);
		list_del(&csd->list);
		list_add_tail(&csd->list, &todo);
	}
	spin_unlock(&q->lock);
	list_for_each_entry_safe(csd, tmp, &todo, list) {
		smp_call_func_t func = csd->func;
		void *info = csd->info;

		func(info);
		/* After this store the caller may reuse csd: nothing of it is read after. */
		__atomic_store_n(&csd->flags, 0, __ATOMIC_RELEASE);
	}
}

/*
 * A CPU that spins (on a spinlock, the big kernel lock, a task leaving
 * another CPU) with interrupts off serves its queue meanwhile: the CPU it
 * waits for may itself wait, interrupts off, for a TLB flush here. Not
 * re-entered: the queue's own lock is one of those it may spin on.
 */
void smp_poll_function_queue(void)
{
	struct cpu_info *ci = this_cpu();
	unsigned long flags;

	if (ci->polling_calls || list_empty(&call_queue[ci->cpu].list))
		return;
	flags = local_irq_save();
	ci->polling_calls = true;
	flush_smp_call_function_queue();
	ci->polling_calls = false;
	local_irq_restore(flags);
}

void generic_smp_call_function_interrupt(void)
{
	this_cpu()->irq_call_count++;
	flush_smp_call_function_queue();
}

/*
 * Wait until csd's target ran it, serving this CPU's own queue meanwhile:
 * two CPUs calling each other with interrupts off both make progress.
 */
static void csd_lock_wait(struct call_single_data *csd, int cpu)
{
	u64 warn_at = ktime_get_ns() + CSD_WARN_NS;

	while (__atomic_load_n(&csd->flags, __ATOMIC_ACQUIRE) & CSD_FLAG_LOCK) {
		unsigned long flags = local_irq_save();

		flush_smp_call_function_queue();
		local_irq_restore(flags);
		if (warn_at && ktime_get_ns() > warn_at) {
			printk("smp: csd: CPU%d has not run a call from CPU%d for 5 s\n", cpu, smp_processor_id());
			warn_at = 0;
		}
		cpu_relax();
	}
}

/* Queue csd on cpu's list and send it the IPI (Linux: __smp_call_single_queue). */
static void csd_queue(struct call_single_data *csd, int cpu, smp_call_func_t func, void *info)
{
	struct call_queue *q = &call_queue[cpu];

	csd->func = func;
	csd->info = info;
	__atomic_store_n(&csd->flags, CSD_FLAG_LOCK, __ATOMIC_RELAXED);
	spin_lock(&q->lock);
	list_add_tail(&csd->list, &q->list);
	spin_unlock(&q->lock);
	apic_send_IPI(cpu, CALL_FUNCTION_VECTOR);
}

/*
 * Run func(info) on cpu (Linux: smp_call_function_single): here directly,
 * interrupts off, if cpu is this CPU. 0, or -ENXIO if cpu is not online.
 */
int smp_call_function_single(int cpu, smp_call_func_t func, void *info, bool wait)
{
	struct call_single_data csd_stack, *csd = &csd_stack;
	unsigned long flags = local_irq_save();	/* stay on this CPU (and its cfd_data) */
	int this = smp_processor_id();

	if (cpu == this) {
		func(info);
		local_irq_restore(flags);
		return 0;
	}
	if (cpu < 0 || cpu >= NR_CPUS || !cpu_online(cpu)) {
		local_irq_restore(flags);
		return -ENXIO;
	}
	if (!wait) {
		csd = &cfd_data[this][cpu];	/* outlives this call: wait for its last use */
		csd_lock_wait(csd, cpu);
	}
	csd_queue(csd, cpu, func, info);
	if (wait)
		csd_lock_wait(csd, cpu);
	local_irq_restore(flags);
	return 0;
}

/*
 * Run func(info) on every online CPU of mask but this one (Linux:
 * smp_call_function_many): all are sent before any is waited for.
 */
void smp_call_function_many(unsigned long mask, smp_call_func_t func, void *info, bool wait)
{
	unsigned long flags = local_irq_save();
	int this = smp_processor_id(), cpu;

	mask &= cpu_online_mask() & ~(1UL << this);
	for_each_cpu_in(cpu, mask) {
		csd_lock_wait(&cfd_data[this][cpu], cpu);
		csd_queue(&cfd_data[this][cpu], cpu, func, info);
	}
	if (wait)
		for_each_cpu_in(cpu, mask)
			csd_lock_wait(&cfd_data[this][cpu], cpu);
	local_irq_restore(flags);
}

/* Ask cpu to reschedule (Linux: smp_send_reschedule); its handler only sets need_resched. */
void smp_send_reschedule(int cpu)
{
	if (cpu_online(cpu))
		apic_send_IPI(cpu, RESCHEDULE_VECTOR);
}

void scheduler_ipi(void)
{
	this_cpu()->irq_resched_count++;
	this_cpu()->need_resched = true;
}
