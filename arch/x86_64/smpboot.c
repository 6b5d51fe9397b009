/*
 * Waking the secondary CPUs (APs) (Linux: arch/x86/kernel/smpboot.c,
 * arch/x86/realmode/init.c). The boot CPU, for each AP in turn:
 *
 *   do_boot_cpu            an idle task and its stack, the trampoline's
 *                          header, announce_cpu's log line
 *   wakeup_secondary_cpu_via_init
 *                          INIT assert, 10 ms, INIT deassert, then two
 *                          STARTUP IPIs 200 us apart (the MP specification's
 *                          sequence and delays)
 *   wait for the callin    up to 10 s, by the clock (ktime_get_ns), never
 *                          by counting loops: a slow TCG host only takes
 *                          longer, and a CPU that never answers is logged
 *                          and left offline
 *
 * while the AP runs boot/trampoline_64.asm (real mode -> protected mode ->
 * long mode on trampoline_pgd), head64.asm's secondary_startup_64 (the
 * stack in initial_stack) and start_secondary() below: its own GDT, TSS
 * and the IDT, the kernel's page tables, GS, its local APIC, then the
 * callin (it marks itself online) and its idle loop. Nothing is scheduled
 * on an AP yet: tasks run on CPU 0 (docs/smp.md).
 *
 * Lock order: none. One AP boots at a time; the boot CPU and the AP
 * hand over through smpboot_waiting_cpu (an atomic exchange) and the
 * online mask (kernel/smp.c).
 */
#include <arch/x86_64/smpboot.h>
#include <arch/x86_64/acpi.h>
#include <arch/x86_64/apic.h>
#include <arch/x86_64/setup.h>
#include <arch/x86_64/pgtable.h>
#include <arch/x86_64/processor.h>
#include <arch/x86_64/time.h>
#include <kernel/kernel.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <lib/string.h>
#include <mm/gfp.h>
#include <mm/mm.h>
#include <mm/memblock.h>
#include <mm/numa.h>
#include <kernel/numa.h>
#include <mm/slab.h>

/*
 * The page the trampoline is copied to: below 1 MB (a STARTUP IPI's
 * vector is a page number under 0x100) and reserved in memblock
 * (reserve_real_mode) so that the buddy allocator never hands it out.
 */
#define TRAMPOLINE_PHYS		0x8000UL

#define INIT_UDELAY		10000	/* us after INIT: the MP specification's 10 ms */
#define STARTUP_UDELAY		200	/* us after each STARTUP IPI */
#define CALLIN_TIMEOUT_NS	(10 * NSEC_PER_SEC)	/* Linux waits 10 s for a sign of life */

extern const u8 trampoline_start[], trampoline_end[], trampoline_header[];

/* Matches the header at the end of trampoline_64.asm. */
struct trampoline_header {
	u32 cr3;
	u32 efer;
};

/*
 * The AP's first page tables (Linux: trampoline_pgd): the kernel's upper
 * half, copied from init_mm, plus an identity mapping of the first 2 MB,
 * executable, for the few instructions that run at the trampoline's low
 * address once paging is on. In the kernel image, hence below 4 GB, as
 * a CR3 loaded in 32-bit mode must be.
 */
static u64 trampoline_pgd[PTRS_PER_TABLE] __aligned(PAGE_SIZE);
static u64 trampoline_pud[PTRS_PER_TABLE] __aligned(PAGE_SIZE);
static u64 trampoline_pmd[PTRS_PER_TABLE] __aligned(PAGE_SIZE);

/* The AP's stack top, read by secondary_startup_64 (Linux: initial_stack). */
unsigned long initial_stack;
/* The CPU do_boot_cpu is waiting for; -1 once it gave up (the AP then halts). */
static int smpboot_waiting_cpu = -1;
static struct task_struct *idle_tasks[NR_CPUS];

void reserve_real_mode(void)
{
	memblock_reserve(TRAMPOLINE_PHYS, PAGE_SIZE);
}

/*
 * The possible and present CPUs: the MADT's (acpi_parse_madt), cut to one
 * by nosmp, as Linux's disable_smp() does. maxcpus=N keeps them possible
 * but brings up only N (bringup_nonboot_cpus). Called from setup.
 */
void prefill_possible_map(void)
{
	int nr = acpi_nr_cpus > 0 ? acpi_nr_cpus : 1;
	char buf[16];

	total_cpus = min(nr, NR_CPUS);
	if (cmdline_get("maxcpus", buf, sizeof(buf)))
		setup_max_cpus = simple_strtoul(buf, NULL, 10);
	if (cmdline_has("nosmp"))
		setup_max_cpus = 0;
	if (!setup_max_cpus) {
		printk("smpboot: SMP mode deactivated\n");
		nr = 1;
	}
	init_cpu_possible(nr >= 64 ? ~0UL : (1UL << nr) - 1);
	for (int cpu = 0; cpu < nr && cpu < NR_CPUS; cpu++)
		cpu_info[cpu].apic_id = acpi_nr_cpus > 0 ? acpi_cpu_apicid[cpu] : 0;
}

/* Copy the trampoline to its page and build trampoline_pgd (Linux: setup_real_mode). */
static int setup_real_mode(void)
{
	static bool done;
	size_t size = trampoline_end - trampoline_start;
	struct trampoline_header *hdr;

	if (done)
		return 0;
	if (size > PAGE_SIZE || !memblock_is_reserved(TRAMPOLINE_PHYS)) {
		printk("smpboot: no trampoline page at 0x%lx\n", TRAMPOLINE_PHYS);
		return -1;
	}
	memcpy(__va(TRAMPOLINE_PHYS), trampoline_start, size);
	for (int i = USER_PGD_ENTRIES; i < PTRS_PER_TABLE; i++)
		trampoline_pgd[i] = init_mm.pgd[i].pgd;
	trampoline_pmd[0] = 0 | _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_PSE;
	trampoline_pud[0] = __pa(trampoline_pmd) | _KERNPG_TABLE;
	trampoline_pgd[0] = __pa(trampoline_pud) | _KERNPG_TABLE;
	hdr = __va(TRAMPOLINE_PHYS + (trampoline_header - trampoline_start));
	hdr->cr3 = __pa(trampoline_pgd);
	hdr->efer = EFER_LME | (cpu_has_nx ? EFER_NX : 0);
	done = true;
	return 0;
}

/*
 * The log line Linux prints as it boots each AP, grouped by node:
 *   x86: Booting SMP configuration:
 *   .... node  #1, CPUs:      #1
 * The line is left open (printk continues it), as Linux's pr_cont.
 */
static int num_digits(int v)
{
	int n = 1;

	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

static int announce_node = NUMA_NO_NODE;	/* the node of the open line, if any */

static void announce_cpu(int cpu)
{
	static bool first = true;
	int node = cpu_to_node(cpu);
	int width = num_digits(num_possible_cpus()) + 1;	/* + '#' */
	int node_width = num_digits(nr_node_ids) + 1;

	if (first)
		printk("x86: Booting SMP configuration:\n");
	if (node != announce_node) {
		if (announce_node != NUMA_NO_NODE)
			printk("\n");
		announce_node = node;
		printk(".... node %*s#%d, CPUs:  ", node_width - num_digits(node), " ", node);
	}
	if (first)
		printk("%*s", width + 1, " ");	/* the boot CPU's column */
	first = false;
	printk("%*s#%d", width - num_digits(cpu), " ", cpu);
}

/* End announce_cpu's open line (Linux's next pr_info does that itself). */
void announce_cpu_end(void)
{
	if (announce_node != NUMA_NO_NODE)
		printk("\n");
	announce_node = NUMA_NO_NODE;
}

/* INIT, then two STARTUP IPIs (Linux: wakeup_secondary_cpu_via_init). */
static int wakeup_secondary_cpu_via_init(u32 apicid, unsigned long start_eip)
{
	apic_read_esr();
	apic_icr_write(APIC_INT_LEVELTRIG | APIC_INT_ASSERT | APIC_DM_INIT, apicid);
	if (!apic_wait_icr_idle(1000))
		return -1;
	udelay(INIT_UDELAY);
	apic_icr_write(APIC_INT_LEVELTRIG | APIC_DM_INIT, apicid);
	if (!apic_wait_icr_idle(1000))
		return -1;
	for (int j = 1; j <= 2; j++) {
		apic_read_esr();
		apic_icr_write(APIC_DM_STARTUP | (start_eip >> PAGE_SHIFT), apicid);
		udelay(STARTUP_UDELAY);
		if (!apic_wait_icr_idle(1000) || apic_read_esr())
			return -1;
		udelay(STARTUP_UDELAY);
	}
	return 0;
}

/*
 * The AP's idle task and its stack, allocated once (from the boot CPU's
 * node, like every allocation today) and never freed: an AP that timed
 * out may still wake up on that stack later.
 */
static struct task_struct *idle_thread_get(int cpu)
{
	struct task_struct *idle = idle_tasks[cpu];

	if (idle)
		return idle;
	idle = kzalloc(sizeof(*idle), GFP_KERNEL);
	if (!idle)
		return NULL;
	idle->stack = __get_free_pages(GFP_KERNEL, THREAD_SIZE_ORDER);
	if (!idle->stack) {
		kfree(idle);
		return NULL;
	}
	init_idle(idle, cpu);
	idle_tasks[cpu] = idle;
	return idle;
}

/*
 * Spin until cpu is online or the timeout passes; false on timeout. An AP
 * that wakes after the timeout halts in start_secondary. One window stays,
 * as in Linux 6.1 with its single initial_stack: an AP that wakes more than
 * 10 s late, while the next CPU boots, shares that CPU's stack until its
 * APIC id check halts it.
 */
static bool wait_cpu_callin(int cpu)
{
	u64 end = ktime_get_ns() + CALLIN_TIMEOUT_NS;

	while (!cpu_online(cpu)) {
		if (ktime_get_ns() > end) {
			/* Too late: if it still arrives, start_secondary halts it. */
			if (__atomic_exchange_n(&smpboot_waiting_cpu, -1, __ATOMIC_ACQ_REL) == cpu)
				return false;
		}
		cpu_relax();
	}
	return true;
}

static int do_boot_cpu(int cpu)
{
	struct task_struct *idle = idle_thread_get(cpu);
	u32 apicid = cpu_info[cpu].apic_id;

	if (!idle || setup_real_mode())
		return -1;
	announce_cpu(cpu);
	initial_stack = idle->stack + THREAD_SIZE;
	__atomic_store_n(&smpboot_waiting_cpu, cpu, __ATOMIC_RELEASE);
	if (wakeup_secondary_cpu_via_init(apicid, TRAMPOLINE_PHYS)) {
		__atomic_store_n(&smpboot_waiting_cpu, -1, __ATOMIC_RELEASE);
		announce_cpu_end();
		printk("smpboot: CPU%d (APIC 0x%x): the INIT/STARTUP IPIs were not delivered\n", cpu, apicid);
		return -1;
	}
	if (!wait_cpu_callin(cpu)) {
		announce_cpu_end();
		printk("smpboot: CPU%d: Not responding (APIC 0x%x): left offline\n", cpu, apicid);
		return -1;
	}
	return 0;
}

/* Linux: native_cpu_up. 0 once cpu is online. */
int __cpu_up(int cpu)
{
	int err = do_boot_cpu(cpu);

	if (err)
		printk("smpboot: do_boot_cpu failed(%d) to wakeup CPU#%d\n", err, cpu);
	return err;
}

/*
 * The first C code of an AP, on its idle task's stack (Linux:
 * start_secondary). The GDT goes first: the trampoline's sits at a low
 * address that only trampoline_pgd maps.
 */
__noreturn void start_secondary(void)
{
	int cpu = __atomic_load_n(&smpboot_waiting_cpu, __ATOMIC_ACQUIRE);

	if (cpu < 0)
		for (;;)
			halt();		/* the boot CPU gave up on us: interrupts stay off */
	if (lapic_id() != cpu_info[cpu].apic_id)
		for (;;)
			halt();		/* a late AP, woken for an earlier number */
	cpu_init_secondary(cpu);
	switch_mm_irqs_off(&init_mm);
	cpu_info[cpu].curr = idle_tasks[cpu];
	cpu_info[cpu].kernel_stack = idle_tasks[cpu]->stack + THREAD_SIZE;
	cpu_info[cpu].node = cpu_to_node(cpu);
	apic_ap_setup();
	/* The callin: unless the boot CPU stopped waiting, we are online. */
	if (__atomic_exchange_n(&smpboot_waiting_cpu, -1, __ATOMIC_ACQ_REL) != cpu)
		for (;;)
			halt();
	set_cpu_online(cpu, true);
	cpu_idle();		/* its run queue: kernel/sched.c */
}
