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
 * A CPU that comes up only idles: tasks run on CPU 0 alone (docs/smp.md).
 *
 * Lock order: none. The masks are written at boot by CPU 0, except each
 * AP's own online bit, which it sets atomically (set_cpu_online); readers
 * load the online mask with acquire semantics (cpu_online_mask()).
 */
#include <kernel/smp.h>
#include <kernel/kernel.h>
#include <arch/x86_64/setup.h>
#include <arch/x86_64/smpboot.h>
#include <mm/numa.h>

unsigned long __cpu_possible_mask = 1, __cpu_present_mask = 1, __cpu_online_mask = 1;
unsigned int setup_max_cpus = NR_CPUS;
unsigned int total_cpus = 1;

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

	printk("smp: Bringing up secondary CPUs ...\n");
	bringup_nonboot_cpus(setup_max_cpus);
	num_nodes = nr_node_ids;
	num_cpus = num_online_cpus();
	printk("smp: Brought up %d node%s, %d CPU%s\n", num_nodes, num_nodes > 1 ? "s" : "",
	       num_cpus, num_cpus > 1 ? "s" : "");
}
