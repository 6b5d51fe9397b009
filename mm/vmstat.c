/*
 * mm/vmstat.c: the vm event counters (count_vm_event) and /proc/vmstat,
 * in Linux 6.1's order and names (mm/vmstat.c vmstat_text).
 *
 * Every counter here may be bumped by two CPUs at once (the fault path:
 * pgfault, thp_fault_alloc, the COW counters; the allocator: pgalloc,
 * pgfree, numa_*): each is an atomic add (Linux: per-CPU counters summed
 * on read). A read is a snapshot, READ_ONCE per counter, no lock.
 */
#include <fs/proc_fs.h>
#include <kernel/kernel.h>
#include <kernel/errno.h>
#include <kernel/sched.h>
#include <lib/string.h>
#include <mm/mm.h>
#include <mm/mmzone.h>
#include <mm/numa.h>

unsigned long vm_events[NR_VM_EVENT_ITEMS];

static unsigned long vmstat_zero(int arg) { return 0; }
static unsigned long vmstat_event(int item) { return READ_ONCE(vm_events[item]); }
static unsigned long vmstat_free_pages(int arg) { return nr_free_pages(); }

/* Linux counts this one in THPs, not pages. */
static unsigned long vmstat_anon_thps(int arg) { return nr_anon_thp_pages(-1) / HPAGE_PMD_NR; }

static unsigned long vmstat_pagetables(int arg)
{
	return nr_page_table_pages();
}

/* One numa_stat field summed over the nodes; arg is its offset in struct numa_stat. */
static unsigned long vmstat_numa(int offset)
{
	unsigned long sum = 0;

	for (int nid = 0; nid < nr_node_ids; nid++)
		sum += READ_ONCE(*(unsigned long *)((char *)&NODE_DATA(nid)->stat + offset));
	return sum;
}

struct vmstat_item {
	const char *name;
	unsigned long (*get)(int arg);
	int arg;
};

#define VM_EVENT(name, item)	{ name, vmstat_event, item }
#define NUMA_STAT(name, field)	{ name, vmstat_numa, offsetof(struct numa_stat, field) }
#define NOT_COUNTED(name)	{ name, vmstat_zero, 0 }	/* Pagoda does not count it yet */

/* Linux 6.1's order (mm/vmstat.c vmstat_text), the lines Pagoda has; its own at the end. */
static const struct vmstat_item vmstat_items[] = {
	{ "nr_free_pages", vmstat_free_pages, 0 },
	NUMA_STAT("numa_hit", numa_hit),
	NUMA_STAT("numa_miss", numa_miss),
	NUMA_STAT("numa_foreign", numa_foreign),
	NUMA_STAT("numa_interleave", interleave_hit),
	NUMA_STAT("numa_local", local_node),
	NUMA_STAT("numa_other", other_node),
	NOT_COUNTED("nr_isolated_anon"),
	NOT_COUNTED("nr_anon_pages"),
	{ "nr_anon_transparent_hugepages", vmstat_anon_thps, 0 },
	{ "nr_page_table_pages", vmstat_pagetables, 0 },
	VM_EVENT("pgalloc_normal", PGALLOC),	/* Pagoda has one zone per node */
	VM_EVENT("pgfree", PGFREE),
	VM_EVENT("pgfault", PGFAULT),
	VM_EVENT("pgmajfault", PGMAJFAULT),
	VM_EVENT("pgmigrate_success", PGMIGRATE_SUCCESS),
	VM_EVENT("pgmigrate_fail", PGMIGRATE_FAIL),
	VM_EVENT("thp_migration_success", THP_MIGRATION_SUCCESS),
	VM_EVENT("thp_migration_fail", THP_MIGRATION_FAIL),
	VM_EVENT("thp_migration_split", THP_MIGRATION_SPLIT),
	VM_EVENT("htlb_buddy_alloc_success", HTLB_BUDDY_ALLOC_SUCCESS),
	VM_EVENT("htlb_buddy_alloc_fail", HTLB_BUDDY_ALLOC_FAIL),
	VM_EVENT("thp_fault_alloc", THP_FAULT_ALLOC),
	VM_EVENT("thp_fault_fallback", THP_FAULT_FALLBACK),
	NOT_COUNTED("thp_fault_fallback_charge"),
	NOT_COUNTED("thp_collapse_alloc"),
	NOT_COUNTED("thp_collapse_alloc_failed"),
	VM_EVENT("thp_split_page", THP_SPLIT_PAGE),
	NOT_COUNTED("thp_split_page_failed"),
	NOT_COUNTED("thp_deferred_split_page"),
	VM_EVENT("thp_split_pmd", THP_SPLIT_PMD),
	NOT_COUNTED("thp_split_pud"),
	VM_EVENT("thp_zero_page_alloc", THP_ZERO_PAGE_ALLOC),
	NOT_COUNTED("thp_zero_page_alloc_failed"),
	/* Pagoda only (docs/files.md) */
	VM_EVENT("pagoda_cow_copy", PAGODA_COW_COPY),
	VM_EVENT("pagoda_cow_reuse", PAGODA_COW_REUSE),
	VM_EVENT("pagoda_thp_cow_copy", PAGODA_THP_COW_COPY),
	VM_EVENT("pagoda_thp_cow_reuse", PAGODA_THP_COW_REUSE),
	VM_EVENT("pagoda_migration_entry_wait", PAGODA_MIGRATION_ENTRY_WAIT),
};

int vmstat_show(struct seq_file *m, struct proc_file *pf)
{
	for (size_t i = 0; i < ARRAY_SIZE(vmstat_items); i++)
		seq_printf(m, "%s %lu\n", vmstat_items[i].name, vmstat_items[i].get(vmstat_items[i].arg));
	return 0;
}
