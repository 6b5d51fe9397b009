/*
 * Boot-time self-test of the IPIs and the TLB shootdown (kernel/smp.c,
 * arch/x86_64/tlb.c), run with selftest=smp (or all) after the other CPUs
 * are up. Every case needs a second online CPU and skips without one
 * (nosmp, maxcpus=1):
 *
 *   call_single  smp_call_function_single(wait) runs on the CPU asked for
 *                and its result is there when the call returns
 *   call_many    smp_call_function_many(wait) runs once on each other CPU
 *   call_nowait  without wait, the call still runs (polled for, 1 s)
 *   reschedule   smp_send_reschedule reaches the CPU (its count grows)
 *   tlb_shootdown  CPU 1 loads a test mm and reads a page through it (its
 *                TLB now caches the translation); CPU 0 points the PTE at
 *                another frame and flushes: CPU 1 took the flush IPI and
 *                reads the new frame. Once CPU 1 left the mm, its bit is
 *                gone from mm_cpumask and a flush sends it nothing.
 */
#include <kernel/selftest.h>
#include <kernel/smp.h>
#include <kernel/kernel.h>
#include <mm/mm.h>
#include <kernel/errno.h>
#include <arch/x86_64/time.h>
#include <arch/x86_64/percpu.h>

#define POLL_NS		NSEC_PER_SEC
#define TEST_VA		0x400000UL
#define CANARY_A	0xa5a5a5a5a5a5a5a5UL
#define CANARY_B	0x5b5b5b5b5b5b5b5bUL
/* Not global (a CR3 load must drop it) and not user (SMAP): the kernel reads it directly. */
#define TEST_PROT	__pgprot(_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY | _PAGE_NX)

struct call_result {
	int cpu;
	unsigned long in, out;
	int runs;
};

static void record_cpu(void *arg)
{
	struct call_result *r = arg;

	r->cpu = smp_processor_id();
	r->out = r->in * 2;
	__atomic_fetch_add(&r->runs, 1, __ATOMIC_RELAXED);
}

static bool test_call_single(void)
{
	int cpu = selftest_other_cpu();
	struct call_result r = { .cpu = -1, .in = 21 };
	unsigned long before;
	int err;

	if (cpu < 0)
		return selftest_skip("one CPU online");
	before = cpu_info[cpu].irq_call_count;
	err = smp_call_function_single(cpu, record_cpu, &r, true);
	if (err)
		return selftest_fail("smp_call_function_single(%d) = %d", cpu, err);
	if (r.cpu != cpu || r.out != 42 || r.runs != 1)
		return selftest_fail("ran on CPU%d with out %lu, %d times; want CPU%d, 42, once", r.cpu, r.out, r.runs, cpu);
	if (cpu_info[cpu].irq_call_count == before)
		return selftest_fail("CPU%d's irq_call_count did not grow: it ran without the IPI?", cpu);
	if (smp_call_function_single(NR_CPUS - 1, record_cpu, &r, true) != -ENXIO && !cpu_online(NR_CPUS - 1))
		return selftest_fail("an offline CPU did not give -ENXIO");
	return true;
}

static int many_ran_on[NR_CPUS];

static void count_me(void *arg)
{
	(void)arg;
	__atomic_fetch_add(&many_ran_on[smp_processor_id()], 1, __ATOMIC_RELAXED);
}

static bool test_call_many(void)
{
	int cpu;

	if (selftest_other_cpu() < 0)
		return selftest_skip("one CPU online");
	for (cpu = 0; cpu < NR_CPUS; cpu++)
		many_ran_on[cpu] = 0;
	smp_call_function_many(~0UL, count_me, NULL, true);
	for (cpu = 0; cpu < NR_CPUS; cpu++) {
		int want = cpu_online(cpu) && cpu != smp_processor_id();

		if (many_ran_on[cpu] != want)
			return selftest_fail("CPU%d ran the call %d times, want %d", cpu, many_ran_on[cpu], want);
	}
	return true;
}

static bool test_call_nowait(void)
{
	int cpu = selftest_other_cpu();
	struct call_result r = { .cpu = -1, .in = 5 };
	u64 end = ktime_get_ns() + POLL_NS;

	if (cpu < 0)
		return selftest_skip("one CPU online");
	if (smp_call_function_single(cpu, record_cpu, &r, false))
		return selftest_fail("smp_call_function_single(%d, nowait) failed", cpu);
	while (!__atomic_load_n(&r.runs, __ATOMIC_ACQUIRE) && ktime_get_ns() < end)
		cpu_relax();
	/* r is on this stack: make sure the call is over before returning, whatever happened. */
	smp_call_function_single(cpu, record_cpu, &(struct call_result){ 0 }, true);
	if (r.runs != 1 || r.cpu != cpu || r.out != 10)
		return selftest_fail("after 1 s: ran %d times on CPU%d, out %lu", r.runs, r.cpu, r.out);
	return true;
}

static bool test_reschedule(void)
{
	int cpu = selftest_other_cpu();
	unsigned long before;
	u64 end = ktime_get_ns() + POLL_NS;

	if (cpu < 0)
		return selftest_skip("one CPU online");
	before = __atomic_load_n(&cpu_info[cpu].irq_resched_count, __ATOMIC_RELAXED);
	smp_send_reschedule(cpu);
	while (__atomic_load_n(&cpu_info[cpu].irq_resched_count, __ATOMIC_RELAXED) == before && ktime_get_ns() < end)
		cpu_relax();
	if (cpu_info[cpu].irq_resched_count != before + 1)
		return selftest_fail("CPU%d's irq_resched_count %lu -> %lu, want +1", cpu, before,
				     cpu_info[cpu].irq_resched_count);
	if (!cpu_info[cpu].need_resched)
		return selftest_fail("CPU%d's need_resched is not set", cpu);
	return true;
}

/* What CPU 1 does, in its IPI handler, for tlb_shootdown. */
struct tlb_probe {
	struct mm_struct *mm;		/* load it (NULL: go back to init_mm) */
	unsigned long val;		/* what TEST_VA read */
};

static void probe_load_and_read(void *arg)
{
	struct tlb_probe *p = arg;

	if (p->mm) {
		if (this_cpu()->loaded_mm != p->mm)
			switch_mm_irqs_off(p->mm);
		p->val = *(volatile unsigned long *)TEST_VA;
	} else {
		switch_mm_irqs_off(&init_mm);
	}
}

static void set_test_pte(struct mm_struct *mm, struct page *page, bool flush)
{
	spinlock_t *ptl;
	pte_t *pte = get_locked_pte(mm, TEST_VA, &ptl);

	set_pte(pte, page ? pfn_pte(page_to_pfn(page), TEST_PROT) : __pte(0));
	if (flush)
		flush_tlb_mm_range(mm, TEST_VA, TEST_VA + PAGE_SIZE);
	pte_unmap_unlock(pte, ptl);
}

static bool tlb_shootdown_steps(int cpu, struct mm_struct *mm, struct page *a, struct page *b)
{
	struct tlb_probe p = { .mm = mm };
	unsigned long flushes, calls;

	set_test_pte(mm, a, true);
	smp_call_function_single(cpu, probe_load_and_read, &p, true);
	if (p.val != CANARY_A)
		return selftest_fail("CPU%d read %lx through the test mm, want %lx", cpu, p.val, CANARY_A);
	if (!(*mm_cpumask(mm) & (1UL << cpu)))
		return selftest_fail("CPU%d loaded the mm but is not in mm_cpumask (%lx)", cpu, *mm_cpumask(mm));

	/* Without a flush, CPU 1 may keep the old translation: shown, not asserted (a TLB may evict). */
	set_test_pte(mm, b, false);
	smp_call_function_single(cpu, probe_load_and_read, &p, true);
	printk("# tlb_shootdown: CPU%d without a flush reads %s\n", cpu,
	       p.val == CANARY_A ? "the old frame (its TLB kept the entry)" : "the new frame (its TLB dropped the entry)");
	set_test_pte(mm, a, false);
	smp_call_function_single(cpu, probe_load_and_read, &p, true);

	flushes = cpu_info[cpu].irq_tlb_count;
	set_test_pte(mm, b, true);
	if (cpu_info[cpu].irq_tlb_count != flushes + 1)
		return selftest_fail("CPU%d ran %lu flushes, want 1", cpu, cpu_info[cpu].irq_tlb_count - flushes);
	smp_call_function_single(cpu, probe_load_and_read, &p, true);
	if (p.val != CANARY_B)
		return selftest_fail("after the shootdown CPU%d reads %lx, want the new frame's %lx", cpu, p.val, CANARY_B);

	p.mm = NULL;
	smp_call_function_single(cpu, probe_load_and_read, &p, true);
	if (*mm_cpumask(mm) & (1UL << cpu))
		return selftest_fail("CPU%d left the mm but is still in mm_cpumask (%lx)", cpu, *mm_cpumask(mm));
	calls = cpu_info[cpu].irq_call_count;
	set_test_pte(mm, a, true);
	if (cpu_info[cpu].irq_call_count != calls)
		return selftest_fail("a flush of an mm CPU%d left still sent it an IPI", cpu);
	return true;
}

static bool test_tlb_shootdown(void)
{
	int cpu = selftest_other_cpu();
	struct mm_struct *mm;
	struct page *a, *b;
	bool ok = false;

	if (cpu < 0)
		return selftest_skip("one CPU online");
	mm = mm_alloc();
	a = alloc_page(GFP_KERNEL);
	b = alloc_page(GFP_KERNEL);
	if (!mm || !a || !b) {
		ok = selftest_fail("out of memory");
		goto out;
	}
	*(unsigned long *)page_address(a) = CANARY_A;
	*(unsigned long *)page_address(b) = CANARY_B;
	ok = tlb_shootdown_steps(cpu, mm, a, b);
	/* Whatever failed: CPU 1 leaves the mm before it goes. */
	smp_call_function_single(cpu, probe_load_and_read, &(struct tlb_probe){ .mm = NULL }, true);
	set_test_pte(mm, NULL, true);
out:
	if (a)
		__free_page(a);
	if (b)
		__free_page(b);
	if (mm)
		mmput(mm);
	return ok;
}

static const struct selftest_case smp_cases[] = {
	{ "call_single", test_call_single },
	{ "call_many", test_call_many },
	{ "call_nowait", test_call_nowait },
	{ "reschedule", test_reschedule },
	{ "tlb_shootdown", test_tlb_shootdown },
};

const struct selftest_suite smp_selftest_suite = {
	.name = "smp",
	.cases = smp_cases,
	.nr_cases = ARRAY_SIZE(smp_cases),
	.after_smp = true,
};
