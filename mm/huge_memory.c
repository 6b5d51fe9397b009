/*
 * mm/huge_memory.c: transparent huge pages. Today only the knobs under
 * /sys/kernel/mm/transparent_hugepage/, read-only: no THP is made yet
 * (the THP issue brings the fault path, seed 001).
 */
#include <fs/proc_fs.h>
#include <kernel/kernel.h>
#include <kernel/errno.h>
#include <kernel/sched.h>
#include <lib/string.h>
#include <mm/mm.h>

int thp_enabled_show(struct seq_file *m, struct proc_file *pf)
{
	seq_puts(m, "[always] madvise never\n");	/* Linux's Kconfig default; not switchable yet */
	return 0;
}

int thp_defrag_show(struct seq_file *m, struct proc_file *pf)
{
	seq_puts(m, "always defer defer+madvise [madvise] never\n");
	return 0;
}

int thp_use_zero_page_show(struct seq_file *m, struct proc_file *pf)
{
	seq_puts(m, "1\n");
	return 0;
}

int thp_hpage_pmd_size_show(struct seq_file *m, struct proc_file *pf)
{
	seq_printf(m, "%lu\n", HPAGE_PMD_NR << PAGE_SHIFT);
	return 0;
}
