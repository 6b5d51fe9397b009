/*
 * Which mm each CPU runs on, and the TLB shootdown (Linux:
 * arch/x86/mm/tlb.c).
 *
 *   switch_mm_irqs_off(next)       CPU c: set c in mm_cpumask(next), load
 *                                  CR3, clear c in the previous mm's mask
 *   flush_tlb_mm_range(mm, s, e)   the caller changed PTEs of mm in [s, e):
 *                                  flush here if mm is loaded here, then an
 *                                  IPI to every other CPU in mm_cpumask(mm),
 *                                  and wait until each has flushed
 *
 * The contract of a PTE change that removes or narrows a mapping: call
 * flush_tlb_mm_range after the PTE is written and before the old frame
 * can be reused (zap_pte, try_to_unmap_one and the huge paths flush before
 * put_page). A CPU that has loaded another mm since has no entry of mm
 * left (CR3 loads flush non-global entries); one that loads mm after the
 * fence below reads the new PTE.
 *
 * Pagoda has no lazy TLB mode: the idle task loads init_mm, so a CPU's
 * bit goes as soon as it leaves an mm (Linux 6.1 keeps it while a kernel
 * thread borrows the mm, and skips lazy CPUs in the shootdown). No PCID:
 * every CR3 load flushes.
 */
#include <mm/mm.h>
#include <kernel/smp.h>
#include <kernel/kernel.h>
#include <arch/x86_64/pgtable.h>
#include <arch/x86_64/processor.h>
#include <arch/x86_64/percpu.h>

/* Above this many pages a range is flushed whole (Linux: tlb_single_page_flush_ceiling). */
#define TLB_SINGLE_PAGE_FLUSH_CEILING	33

struct flush_tlb_info {
	struct mm_struct *mm;
	unsigned long start, end;
};

/*
 * Load next's page tables on this CPU (Linux: switch_mm_irqs_off).
 * Interrupts off. The bit goes in before CR3 (the locked RMW orders it
 * before the page-table reads): a flusher that misses the bit changed its
 * PTE before we loaded them. The old mm's bit goes after: until CR3 is
 * replaced this CPU may still hold its entries.
 */
void switch_mm_irqs_off(struct mm_struct *next)
{
	struct cpu_info *ci = this_cpu();
	struct mm_struct *prev = ci->loaded_mm;
	unsigned long bit = 1UL << ci->cpu;

	__atomic_fetch_or(mm_cpumask(next), bit, __ATOMIC_SEQ_CST);
	ci->loaded_mm = next;
	load_cr3(__pa(next->pgd));
	if (prev && prev != next)
		__atomic_fetch_and(mm_cpumask(prev), ~bit, __ATOMIC_SEQ_CST);
}

static void flush_tlb_range_local(unsigned long start, unsigned long end)
{
	if (end - start > TLB_SINGLE_PAGE_FLUSH_CEILING * PAGE_SIZE) {
		flush_tlb_local();
		return;
	}
	for (unsigned long addr = start & PAGE_MASK; addr < end; addr += PAGE_SIZE)
		flush_tlb_page(addr);
}

/* On a CPU of the mask, from the IPI (Linux: flush_tlb_func). */
static void flush_tlb_func(void *arg)
{
	struct flush_tlb_info *info = arg;
	struct cpu_info *ci = this_cpu();

	if (ci->loaded_mm != info->mm)
		return;		/* switched away since the sender read the mask */
	ci->irq_tlb_count++;
	flush_tlb_range_local(info->start, info->end);
}

/*
 * PTEs of mm in [start, end) changed: no CPU may use the old ones once
 * this returns (Linux: flush_tlb_mm_range). Any lock or none; interrupts
 * on or off (smp_call_function_many serves this CPU's queue while it waits).
 */
void flush_tlb_mm_range(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	struct flush_tlb_info info = { .mm = mm, .start = start, .end = end };
	unsigned long flags = local_irq_save();
	int cpu = smp_processor_id();
	unsigned long others;

	if (this_cpu()->loaded_mm == mm)
		flush_tlb_range_local(start, end);
	/* The PTE stores before the mask load (x86 may reorder a load before an older store). */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	others = __atomic_load_n(mm_cpumask(mm), __ATOMIC_RELAXED) & ~(1UL << cpu);
	if (others)
		smp_call_function_many(others, flush_tlb_func, &info, true);
	local_irq_restore(flags);
}
