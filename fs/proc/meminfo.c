/*
 * /proc/meminfo in Linux 6.1's format (fs/proc/meminfo.c). The hugetlb
 * lines come from hugetlb_report_meminfo in mm/hugetlb.c.
 */
#include <fs/proc_fs.h>
#include <kernel/kernel.h>
#include <kernel/errno.h>
#include <kernel/sched.h>
#include <lib/string.h>
#include <mm/mm.h>
#include <mm/mmzone.h>
#include <mm/slab.h>

static void show_val_kb(struct seq_file *m, const char *s, unsigned long pages)
{
	seq_printf(m, "%s%8lu kB\n", s, pages << (PAGE_SHIFT - 10));
}

/*
 * Linux prints every line below; the ones Pagoda does not count yet (or
 * has no such thing: swap, page cache, vmalloc) are 0. Lines that depend
 * on a config option Debian's 6.1 may lack (Zswap, Cma*, DirectMap*) are
 * left out.
 */
int meminfo_proc_show(struct seq_file *m, struct proc_file *pf)
{
	unsigned long total = totalram_pages(), free = nr_free_pages(), slab = slab_pages();
	show_val_kb(m, "MemTotal:       ", total);
	show_val_kb(m, "MemFree:        ", free);
	show_val_kb(m, "MemAvailable:   ", free);	/* no caches to reclaim */
	show_val_kb(m, "Buffers:        ", 0);
	show_val_kb(m, "Cached:         ", 0);
	show_val_kb(m, "SwapCached:     ", 0);
	show_val_kb(m, "Active:         ", 0);
	show_val_kb(m, "Inactive:       ", 0);
	show_val_kb(m, "Active(anon):   ", 0);
	show_val_kb(m, "Inactive(anon): ", 0);
	show_val_kb(m, "Active(file):   ", 0);
	show_val_kb(m, "Inactive(file): ", 0);
	show_val_kb(m, "Unevictable:    ", 0);
	show_val_kb(m, "Mlocked:        ", 0);
	show_val_kb(m, "SwapTotal:      ", 0);
	show_val_kb(m, "SwapFree:       ", 0);
	show_val_kb(m, "Dirty:          ", 0);
	show_val_kb(m, "Writeback:      ", 0);
	show_val_kb(m, "AnonPages:      ", 0);	/* not counted yet (Linux: NR_ANON_MAPPED) */
	show_val_kb(m, "Mapped:         ", 0);
	show_val_kb(m, "Shmem:          ", 0);
	show_val_kb(m, "KReclaimable:   ", 0);
	show_val_kb(m, "Slab:           ", slab);
	show_val_kb(m, "SReclaimable:   ", 0);
	show_val_kb(m, "SUnreclaim:     ", slab);
	seq_printf(m, "KernelStack:    %8lu kB\n", nr_kernel_stack_kb());
	show_val_kb(m, "PageTables:     ", nr_page_table_pages());
	show_val_kb(m, "SecPageTables:  ", 0);
	show_val_kb(m, "NFS_Unstable:   ", 0);
	show_val_kb(m, "Bounce:         ", 0);
	show_val_kb(m, "WritebackTmp:   ", 0);
	show_val_kb(m, "CommitLimit:    ", total / 2);	/* overcommit_ratio 50, no swap */
	show_val_kb(m, "Committed_AS:   ", 0);
	seq_printf(m, "VmallocTotal:   %8lu kB\n", 0UL);
	show_val_kb(m, "VmallocUsed:    ", 0);
	show_val_kb(m, "VmallocChunk:   ", 0);
	show_val_kb(m, "Percpu:         ", 0);
	seq_printf(m, "HardwareCorrupted: %5lu kB\n", 0UL);
	show_val_kb(m, "AnonHugePages:  ", nr_anon_thp_pages(-1));	/* Linux: NR_ANON_THPS */
	show_val_kb(m, "ShmemHugePages: ", 0);
	show_val_kb(m, "ShmemPmdMapped: ", 0);
	show_val_kb(m, "FileHugePages:  ", 0);
	show_val_kb(m, "FilePmdMapped:  ", 0);
	hugetlb_report_meminfo(m);
	return 0;
}

/* Kernel stacks of all tasks (Linux: NR_KERNEL_STACK_KB). */
unsigned long nr_kernel_stack_kb(void)
{
	struct task_struct *t;
	unsigned long kb = 0;

	list_for_each_entry(t, &task_list, tasks)
		kb += THREAD_SIZE / 1024;
	return kb;
}

/* Page-table pages of all tasks (Linux: NR_PAGETABLE). */
unsigned long nr_page_table_pages(void)
{
	struct task_struct *t;
	unsigned long pages = 0;

	list_for_each_entry(t, &task_list, tasks)
		if (task_mm_first(t))	/* threads share one mm: count it once */
			pages += READ_ONCE(t->mm->pgtables_bytes) >> PAGE_SHIFT;
	return pages;
}
