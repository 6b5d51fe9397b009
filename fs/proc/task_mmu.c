/*
 * /proc/PID/maps, smaps, smaps_rollup, the Vm* lines of /proc/PID/status,
 * and /proc/PID/pagemap (Linux: fs/proc/task_mmu.c).
 *
 * pagemap, in Linux's binary format (Documentation/admin-guide/mm/pagemap.rst):
 * one u64 per virtual page, at file offset (vaddr / 4096) * 8: bit 63
 * present, bits 0-54 the frame number (each 4 KB of a 2 MB mapping its
 * own), bit 56 the page is mapped exactly once, bit 61 file-backed or
 * shared-anonymous page.
 *
 * Locks: each reader takes a reference on the task's mm (get_task_mm) and
 * walks its VMAs under mmap_read_lock, as Linux's; the text goes into the
 * seq_file's kernel buffer, and pagemap gathers entries into a kernel
 * buffer, copied to the user with the lock dropped (the copy may fault,
 * and the fault takes mmap_lock: the reader may be reading its own mm).
 */
#include <mm/mempolicy.h>
#include <mm/numa.h>
#include <fs/proc_fs.h>
#include <kernel/kernel.h>
#include <kernel/errno.h>
#include <kernel/sched.h>
#include <lib/string.h>
#include <fs/initramfs.h>
#include <arch/x86_64/uaccess.h>
#include <mm/mm.h>
#include <mm/swapops.h>

/* The Vm* lines (Linux: task_mem in fs/proc/task_mmu.c). mmap_lock held. */
void task_mem(struct seq_file *m, struct mm_struct *mm)
{
	unsigned long total = 0, data = 0, stack = 0, exec = 0, text, lib;
	struct vm_area_struct *vma;

	mmap_assert_locked(mm);
	for_each_vma(mm, vma) {
		unsigned long pages = vma_pages(vma), f = vma->vm_flags;

		total += pages;
		if (f & VM_STACK)
			stack += pages;
		else if ((f & (VM_WRITE | VM_SHARED)) == VM_WRITE)
			data += pages;
		else if ((f & (VM_EXEC | VM_WRITE)) == VM_EXEC)
			exec += pages;
	}
	text = ALIGN(mm->end_code, PAGE_SIZE) - (mm->start_code & PAGE_MASK);
	if (!mm->end_code)
		text = exec << PAGE_SHIFT;	/* exec did not record the text: a static program has no libraries */
	text = min(text, exec << PAGE_SHIFT);
	lib = (exec << PAGE_SHIFT) - text;
	seq_printf(m, "VmPeak:\t%8lu kB\n", total << (PAGE_SHIFT - 10));	/* no VmPeak high-water mark: VmSize */
	seq_printf(m, "VmSize:\t%8lu kB\n", total << (PAGE_SHIFT - 10));
	seq_printf(m, "VmLck:\t%8lu kB\n", 0UL);
	seq_printf(m, "VmPin:\t%8lu kB\n", 0UL);
	seq_printf(m, "VmHWM:\t%8lu kB\n", READ_ONCE(mm->hiwater_rss) << (PAGE_SHIFT - 10));
	seq_printf(m, "VmRSS:\t%8lu kB\n", get_mm_rss(mm) << (PAGE_SHIFT - 10));
	seq_printf(m, "RssAnon:\t%8lu kB\n", get_mm_counter(mm, MM_ANONPAGES) << (PAGE_SHIFT - 10));
	seq_printf(m, "RssFile:\t%8lu kB\n", get_mm_counter(mm, MM_FILEPAGES) << (PAGE_SHIFT - 10));
	seq_printf(m, "RssShmem:\t%8lu kB\n", get_mm_counter(mm, MM_SHMEMPAGES) << (PAGE_SHIFT - 10));
	seq_printf(m, "VmData:\t%8lu kB\n", data << (PAGE_SHIFT - 10));
	seq_printf(m, "VmStk:\t%8lu kB\n", stack << (PAGE_SHIFT - 10));
	seq_printf(m, "VmExe:\t%8lu kB\n", text >> 10);
	seq_printf(m, "VmLib:\t%8lu kB\n", lib >> 10);
	seq_printf(m, "VmPTE:\t%8lu kB\n", READ_ONCE(mm->pgtables_bytes) >> 10);
	seq_printf(m, "VmSwap:\t%8lu kB\n", 0UL);
	hugetlb_report_usage(m, mm);
}

/*
 * /proc/PID/maps (Linux: fs/proc/task_mmu.c show_map_vma): one line per VMA,
 * "start-end perms offset dev inode", then the name padded to column 73.
 */
static const char *vma_name(const struct mm_struct *mm, const struct vm_area_struct *vma)
{
	if (vma->vm_file)
		return vma->vm_file->f_path;
	if (vma->vm_image)
		return vma->vm_image->name;
	if (vma->vm_shm)
		return "/dev/zero (deleted)";	/* Linux: shared anonymous memory is a shmem file */
	if (vma->vm_start <= mm->brk && vma->vm_end >= mm->start_brk)
		return "[heap]";
	if (vma->vm_start <= mm->start_stack && vma->vm_end >= mm->start_stack)
		return "[stack]";
	return NULL;
}

/* "start-end perms offset dev inode " (Linux: show_vma_header_prefix). */
static void show_vma_header_prefix(struct seq_file *m, unsigned long start, unsigned long end,
				   unsigned long flags, unsigned long pgoff, u32 dev, unsigned long ino)
{
	seq_printf(m, "%08lx-%08lx %c%c%c%c %08lx %02x:%02x %lu ", start, end,
		   flags & VM_READ ? 'r' : '-', flags & VM_WRITE ? 'w' : '-',
		   flags & VM_EXEC ? 'x' : '-', flags & VM_MAYSHARE ? 's' : 'p',
		   pgoff, MAJOR(dev), MINOR(dev), ino);
}

/*
 * The name of a line that started at offset line, from column 73 (Linux:
 * seq_pad), with " (deleted)" for a file no directory names any more
 * (Linux: d_path of an unlinked dentry; MAP_HUGETLB's and memfd's files
 * never had a name).
 */
static void show_vma_name(struct seq_file *m, size_t line, const char *name, bool deleted)
{
	if (name) {
		while (m->count - line < 73 && !seq_has_overflowed(m))
			seq_putc(m, ' ');
		seq_puts(m, name);
		if (deleted)
			seq_puts(m, " (deleted)");
	}
	seq_putc(m, '\n');
}

/* One line of maps, the first of each VMA in smaps. */
static void show_map_vma(struct seq_file *m, const struct mm_struct *mm, const struct vm_area_struct *vma)
{
	const struct inode *inode = vma->vm_file ? vma->vm_file->f_inode : NULL;
	unsigned long ino = inode ? inode->i_ino : vma->vm_image ? (unsigned long)initramfs_index(vma->vm_image) + 1 : 0;
	u32 dev = inode ? inode->i_dev : vma->vm_image ? MKDEV(0, 2) : vma->vm_shm ? MKDEV(0, 1) : 0;
	unsigned long pgoff = inode || vma->vm_image || vma->vm_shm ? vma->vm_pgoff << PAGE_SHIFT : 0;
	size_t line = m->count;

	show_vma_header_prefix(m, vma->vm_start, vma->vm_end, vma->vm_flags, pgoff, dev, ino);
	show_vma_name(m, line, vma_name(mm, vma), inode && !inode->i_nlink);
}

int proc_pid_maps(struct seq_file *m, struct proc_file *pf)
{
	struct task_struct *t = find_task_by_pid(pf->node.pid);
	struct vm_area_struct *vma;
	struct mm_struct *mm;

	if (!t)
		return -ESRCH;
	mm = get_task_mm(t);
	if (!mm)
		return 0;
	mmap_read_lock(mm);
	for_each_vma(mm, vma)
		show_map_vma(m, mm, vma);
	mmap_read_unlock(mm);
	mmput(mm);
	return 0;
}

/*
 * ---- /proc/PID/smaps and smaps_rollup (Linux: show_smap, show_smaps_rollup) ----
 *
 * Each VMA's page tables are walked and every present page is accounted
 * as Linux's smaps_account() does:
 *
 *   Rss        every present page (not the zero pages: vm_normal_page)
 *   Pss        a page mapped by N PTEs adds PAGE_SIZE / N, kept in fixed
 *              point (PSS_SHIFT) so that the sum loses less than 1 kB
 *   Shared_* / Private_*   mapped more than once, or once; _Dirty if the
 *              PTE is dirty (Pagoda has no PG_dirty)
 *   Referenced the PTE's accessed bit
 *   AnonHugePages  2048 kB per PMD-mapped anonymous THP
 *
 * The page tables are read under mmap_lock (read) but without the
 * page-table lock, as pagemap reads them: the tables stay, but a fault or
 * MADV_DONTNEED on another CPU may change a PTE under the walk, and a page
 * just unmapped may be counted (a snapshot, slightly stale). Linux takes
 * pte_offset_map_lock / pmd_trans_huge_lock per table.
 */
#define PSS_SHIFT	12

struct mem_size_stats {
	unsigned long resident;
	unsigned long shared_clean;
	unsigned long shared_dirty;
	unsigned long private_clean;
	unsigned long private_dirty;
	unsigned long referenced;
	unsigned long anonymous;
	unsigned long lazyfree;
	unsigned long anonymous_thp;
	unsigned long shmem_thp;
	unsigned long file_thp;
	unsigned long swap;
	unsigned long shared_hugetlb;
	unsigned long private_hugetlb;
	u64 pss;
	u64 pss_anon;
	u64 pss_file;
	u64 pss_shmem;
	u64 pss_dirty;
	u64 pss_locked;
	u64 swap_pss;
};

static void smaps_page_accumulate(struct mem_size_stats *mss, struct page *page, unsigned long size,
				  u64 pss, bool dirty, bool locked, bool private)
{
	mss->pss += pss;
	/* Every page that is not anonymous is a shmem page (mm_counter in mm/internal.h). */
	if (PageAnon(page))
		mss->pss_anon += pss;
	else
		mss->pss_shmem += pss;
	if (locked)
		mss->pss_locked += pss;
	if (dirty) {
		mss->pss_dirty += pss;
		if (private)
			mss->private_dirty += size;
		else
			mss->shared_dirty += size;
	} else {
		if (private)
			mss->private_clean += size;
		else
			mss->shared_clean += size;
	}
}

/*
 * Account one mapping of page: a 4 KB PTE, or (compound) a whole PMD-mapped
 * compound page. A page whose only reference is this mapping is private
 * without looking further; otherwise each frame is shared by its map count.
 */
static void smaps_account(struct mem_size_stats *mss, struct page *page, bool compound,
			  bool young, bool dirty, bool locked)
{
	unsigned long nr = compound ? 1UL << compound_order(page) : 1;
	unsigned long size = nr * PAGE_SIZE;

	if (PageAnon(page))
		mss->anonymous += size;	/* no MADV_FREE, so nothing is LazyFree */
	mss->resident += size;
	if (young)
		mss->referenced += size;
	/* The reference count lives in the head (Linux: page_count). */
	if (page_ref_count(compound_head(page)) == 1) {
		smaps_page_accumulate(mss, page, size, (u64)size << PSS_SHIFT, dirty, locked, true);
		return;
	}
	for (unsigned long i = 0; i < nr; i++, page++) {
		int mapcount = page_mapcount(page);
		u64 pss = (u64)PAGE_SIZE << PSS_SHIFT;

		if (mapcount >= 2)
			pss /= mapcount;
		smaps_page_accumulate(mss, page, PAGE_SIZE, pss, dirty, locked, mapcount < 2);
	}
}

static void smaps_pte_entry(struct mem_size_stats *mss, const struct vm_area_struct *vma, pte_t pte)
{
	struct page *page;

	if (is_migration_pte(pte)) {
		/* Linux 6.1: a page under migration still counts, through its entry. */
		swp_entry_t entry = pte_to_swp_entry(pte);

		smaps_account(mss, pfn_swap_entry_to_page(entry), false, is_migration_entry_young(entry),
			      is_migration_entry_dirty(entry), vma->vm_flags & VM_LOCKED);
		return;
	}
	if (!pte_present(pte))
		return;
	page = vm_normal_page(pte);
	if (!page)
		return;	/* the zero page: not in Rss, as on Linux */
	smaps_account(mss, page, false, pte_young(pte), pte_dirty(pte), vma->vm_flags & VM_LOCKED);
}

/*
 * A 2 MB leaf: a hugetlb page in a VM_HUGETLB VMA (only the *_Hugetlb
 * lines count it, as Linux's smaps_hugetlb_range), else a THP, counted
 * whole (Linux: smaps_pmd_entry). The huge zero page counts nowhere.
 */
static void smaps_pmd_entry(struct mem_size_stats *mss, const struct vm_area_struct *vma, pmd_t pmd)
{
	struct page *page;

	if (is_swap_pmd(pmd)) {
		/* A migration entry (THP or hugetlb) counts for the page it names, as Linux 6.1. */
		if (!is_pmd_migration_entry(pmd))
			return;
		page = pfn_swap_entry_to_page(pmd_to_swp_entry(pmd));
	} else {
		if (!pfn_valid(pmd_pfn(pmd)))
			return;
		page = pfn_to_page(pmd_pfn(pmd));
	}
	if (PageZero(page))
		return;
	if (vma->vm_flags & VM_HUGETLB) {
		if (page_mapcount(page) >= 2)
			mss->shared_hugetlb += PMD_SIZE;
		else
			mss->private_hugetlb += PMD_SIZE;
		return;
	}
	if (PageAnon(page))
		mss->anonymous_thp += PMD_SIZE;
	else
		mss->shmem_thp += PMD_SIZE;
	smaps_account(mss, page, true, pmd_young(pmd), pmd_dirty(pmd), vma->vm_flags & VM_LOCKED);
}

/* The PMD entry covering addr in mm, or NULL if an upper level is empty; *next: where it stops. */
static pmd_t *pmd_lookup(struct mm_struct *mm, unsigned long addr, unsigned long *next)
{
	pgd_t *pgd = mm->pgd + pgd_index(addr);
	pud_t *pud;

	*next = (addr & ~(PGDIR_SIZE - 1)) + PGDIR_SIZE;
	if (!pgd_present(*pgd))
		return NULL;
	pud = pud_offset(pgd, addr);
	*next = (addr & PUD_MASK) + PUD_SIZE;
	if (!pud_present(*pud) || pud_leaf(*pud))
		return NULL;
	*next = (addr & PMD_MASK) + PMD_SIZE;
	return pmd_offset(pud, addr);
}

/* Add [vma->vm_start, vma->vm_end) to mss, one PMD at a time (Linux: smap_gather_stats). */
static void smap_gather_stats(struct vm_area_struct *vma, struct mem_size_stats *mss)
{
	unsigned long addr = vma->vm_start, next;

	for (; addr < vma->vm_end; addr = next) {
		pmd_t *pmd = pmd_lookup(vma->vm_mm, addr, &next);

		next = min(next, vma->vm_end);
		/* A hugetlb entry counts even under PROT_NONE, as on Linux (pte_present sees PROTNONE). */
		if (pmd && (vma->vm_flags & VM_HUGETLB) && pmd_huge(*pmd)) {
			smaps_pmd_entry(mss, vma, *pmd);
			continue;
		}
		if (pmd && is_pmd_migration_entry(*pmd)) {
			smaps_pmd_entry(mss, vma, *pmd);	/* a migrating THP: AnonHugePages still */
			continue;
		}
		if (!pmd || !pmd_present(*pmd))
			continue;
		if (pmd_leaf(*pmd)) {
			smaps_pmd_entry(mss, vma, *pmd);
			continue;
		}
		for (pte_t *pte = pte_offset_kernel(pmd, addr); addr < next; addr += PAGE_SIZE, pte++)
			smaps_pte_entry(mss, vma, *pte);
	}
}

/* "Name:" padded to 16 columns, kB right-aligned in 8 (Linux: SEQ_PUT_DEC). */
static void smap_line(struct seq_file *m, const char *name, unsigned long bytes)
{
	seq_printf(m, "%-16s%8lu kB\n", name, bytes >> 10);
}

/* The lines smaps and smaps_rollup share (Linux: __show_smap). */
static void __show_smap(struct seq_file *m, const struct mem_size_stats *mss, bool rollup_mode)
{
	smap_line(m, "Rss:", mss->resident);
	smap_line(m, "Pss:", mss->pss >> PSS_SHIFT);
	smap_line(m, "Pss_Dirty:", mss->pss_dirty >> PSS_SHIFT);
	if (rollup_mode) {
		smap_line(m, "Pss_Anon:", mss->pss_anon >> PSS_SHIFT);
		smap_line(m, "Pss_File:", mss->pss_file >> PSS_SHIFT);
		smap_line(m, "Pss_Shmem:", mss->pss_shmem >> PSS_SHIFT);
	}
	smap_line(m, "Shared_Clean:", mss->shared_clean);
	smap_line(m, "Shared_Dirty:", mss->shared_dirty);
	smap_line(m, "Private_Clean:", mss->private_clean);
	smap_line(m, "Private_Dirty:", mss->private_dirty);
	smap_line(m, "Referenced:", mss->referenced);
	smap_line(m, "Anonymous:", mss->anonymous);
	smap_line(m, "LazyFree:", mss->lazyfree);
	smap_line(m, "AnonHugePages:", mss->anonymous_thp);
	smap_line(m, "ShmemPmdMapped:", mss->shmem_thp);
	smap_line(m, "FilePmdMapped:", mss->file_thp);
	smap_line(m, "Shared_Hugetlb:", mss->shared_hugetlb);
	seq_printf(m, "Private_Hugetlb: %7lu kB\n", mss->private_hugetlb >> 10);	/* Linux: width 7 here */
	smap_line(m, "Swap:", mss->swap);
	smap_line(m, "SwapPss:", mss->swap_pss >> PSS_SHIFT);
	smap_line(m, "Locked:", mss->pss_locked >> PSS_SHIFT);
}

/*
 * The VmFlags mnemonics of the flags Pagoda has, in bit order (Linux:
 * show_smap_vma_flags). Linux also shows "ac" (VM_ACCOUNT) on private
 * writable memory and "sd" (VM_SOFTDIRTY) on every VMA: Pagoda does not
 * account commit charge or track soft-dirty, so it has neither.
 */
static const struct {
	unsigned long flag;
	char name[3];
} vma_flag_names[] = {
	{ VM_READ, "rd" }, { VM_WRITE, "wr" }, { VM_EXEC, "ex" }, { VM_SHARED, "sh" },
	{ VM_MAYREAD, "mr" }, { VM_MAYWRITE, "mw" }, { VM_MAYEXEC, "me" }, { VM_MAYSHARE, "ms" },
	{ VM_GROWSDOWN, "gd" }, { VM_LOCKED, "lo" }, { VM_DONTCOPY, "dc" }, { VM_DONTEXPAND, "de" }, { VM_NORESERVE, "nr" },
	{ VM_HUGETLB, "ht" }, { VM_WIPEONFORK, "wf" }, { VM_HUGEPAGE, "hg" }, { VM_NOHUGEPAGE, "nh" },
};

static void show_smap_vma_flags(struct seq_file *m, const struct vm_area_struct *vma)
{
	seq_puts(m, "VmFlags: ");
	for (size_t i = 0; i < ARRAY_SIZE(vma_flag_names); i++)
		if (vma->vm_flags & vma_flag_names[i].flag)
			seq_printf(m, "%s ", vma_flag_names[i].name);
	seq_putc(m, '\n');
}

/* The page size of the VMA's mappings (Linux: vma_kernel_pagesize, vma_mmu_pagesize). */
static unsigned long vma_kernel_pagesize(const struct vm_area_struct *vma)
{
	return (vma->vm_flags & VM_HUGETLB) ? PMD_SIZE : PAGE_SIZE;
}

static void show_smap(struct seq_file *m, struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct mem_size_stats mss;

	memset(&mss, 0, sizeof(mss));
	smap_gather_stats(vma, &mss);
	show_map_vma(m, mm, vma);
	smap_line(m, "Size:", vma->vm_end - vma->vm_start);
	smap_line(m, "KernelPageSize:", vma_kernel_pagesize(vma));
	smap_line(m, "MMUPageSize:", vma_kernel_pagesize(vma));
	__show_smap(m, &mss, false);
	seq_printf(m, "THPeligible:    %d\n", thp_vma_eligible(vma));
	show_smap_vma_flags(m, vma);
}

int proc_pid_smaps(struct seq_file *m, struct proc_file *pf)
{
	struct task_struct *t = find_task_by_pid(pf->node.pid);
	struct vm_area_struct *vma;
	struct mm_struct *mm;

	if (!t)
		return -ESRCH;
	mm = get_task_mm(t);
	if (!mm)
		return 0;
	mmap_read_lock(mm);
	for_each_vma(mm, vma)
		show_smap(m, mm, vma);
	mmap_read_unlock(mm);
	mmput(mm);
	return 0;
}

/*
 * One smaps record for the whole address space: the header spans the
 * first VMA's start to the last one's end, "---p" and no file, and named
 * [rollup]; the sums keep Pss in fixed point until printed, so the rollup's
 * Pss may exceed the sum of the VMAs' rounded ones by less than 1 kB each.
 * A task without an mm (a kernel thread, a zombie) gives ESRCH, as Linux.
 */
int proc_pid_smaps_rollup(struct seq_file *m, struct proc_file *pf)
{
	struct task_struct *t = find_task_by_pid(pf->node.pid);
	struct mem_size_stats mss;
	struct vm_area_struct *vma;
	struct mm_struct *mm;
	unsigned long start = 0, end = 0;
	size_t line = m->count;

	mm = t ? get_task_mm(t) : NULL;
	if (!mm)
		return -ESRCH;
	memset(&mss, 0, sizeof(mss));
	mmap_read_lock(mm);
	for_each_vma(mm, vma) {
		if (!start)
			start = vma->vm_start;
		smap_gather_stats(vma, &mss);
		end = vma->vm_end;
	}
	mmap_read_unlock(mm);
	mmput(mm);
	show_vma_header_prefix(m, start, end, 0, 0, 0, 0);
	show_vma_name(m, line, "[rollup]", false);
	__show_smap(m, &mss, true);
	return 0;
}

/* ---- /proc/PID/numa_maps (Linux: show_numa_map) ---- */

/* What one VMA's pages are, and where (Linux: struct numa_maps). */
struct numa_maps {
	unsigned long pages, anon, active, dirty, mapcount_max;
	unsigned long node[MAX_NUMNODES];
};

/*
 * One mapping of page, nr pages of it (Linux: gather_stats). Pagoda has no
 * LRU lists, so no page is "active" (Linux's fresh anonymous pages are
 * inactive too), none is in the swap cache or under writeback.
 */
static void numa_gather_stats(struct numa_maps *md, struct page *page, bool dirty, unsigned long nr)
{
	int count = page_mapcount(page);

	md->pages += nr;
	if (dirty)
		md->dirty += nr;
	if (PageAnon(page))
		md->anon += nr;
	if ((unsigned long)count > md->mapcount_max)
		md->mapcount_max = count;
	md->node[page_to_nid(page)] += nr;
}

/*
 * Walk vma's page tables (Linux: gather_pte_stats, gather_pmd_stats,
 * gather_hugetlb_stats): a THP counts its 512 pages, a hugetlb page one.
 * The zero pages count nothing.
 */
static void numa_gather_vma(struct vm_area_struct *vma, struct numa_maps *md)
{
	unsigned long addr = vma->vm_start, next;

	for (; addr < vma->vm_end; addr = next) {
		pmd_t *pmd = pmd_lookup(vma->vm_mm, addr, &next);
		pmd_t pmdval;

		next = min(next, vma->vm_end);
		if (!pmd)
			continue;
		pmdval = READ_ONCE(*pmd);
		if ((vma->vm_flags & VM_HUGETLB) || (pmd_present(pmdval) && pmd_leaf(pmdval))) {
			struct page *page = pfn_to_page(pmd_pfn(pmdval));

			if (!pmd_present(pmdval) || !pmd_huge(pmdval) || !pfn_valid(pmd_pfn(pmdval)) ||
			    PageZero(page))
				continue;
			numa_gather_stats(md, page, pmd_dirty(pmdval),
					  (vma->vm_flags & VM_HUGETLB) ? 1 : HPAGE_PMD_NR);
			continue;
		}
		if (!pmd_present(pmdval))
			continue;
		for (pte_t *pte = pte_offset_kernel(pmd, addr); addr < next; addr += PAGE_SIZE, pte++) {
			pte_t pteval = READ_ONCE(*pte);
			struct page *page;

			if (!pte_present(pteval))
				continue;
			page = vm_normal_page(pteval);
			if (page)
				numa_gather_stats(md, page, pte_dirty(pteval), 1);
		}
	}
}

/* A path as seq_file_path prints it: space, tab, newline, '=' and '\' as \ooo (Linux: mangle_path). */
static void seq_put_escaped(struct seq_file *m, const char *s)
{
	for (; *s; s++) {
		unsigned char c = *s;

		if (c != ' ' && c != '\t' && c != '\n' && c != '=' && c != '\\') {
			seq_putc(m, c);
			continue;
		}
		seq_putc(m, '\\');
		seq_putc(m, '0' + ((c >> 6) & 7));
		seq_putc(m, '0' + ((c >> 3) & 7));
		seq_putc(m, '0' + (c & 7));
	}
}

/* Where the VMA's pages come from: " file=PATH", " heap", " stack", or nothing. */
static void show_numa_map_name(struct seq_file *m, const struct mm_struct *mm, const struct vm_area_struct *vma)
{
	const char *name = vma_name(mm, vma);
	const struct inode *inode = vma->vm_file ? vma->vm_file->f_inode : NULL;

	if (vma->vm_file || vma->vm_image || vma->vm_shm) {
		seq_puts(m, " file=");
		seq_put_escaped(m, name);
		if (inode && !inode->i_nlink)
			seq_put_escaped(m, " (deleted)");
	} else if (name && !strcmp(name, "[heap]")) {
		seq_puts(m, " heap");
	} else if (name && !strcmp(name, "[stack]")) {
		seq_puts(m, " stack");
	}
}

/*
 * One line a VMA: start, policy (the VMA's, else the task's), where its
 * pages come from, then its pages' counts and nodes, as Linux 6.1.
 */
static void show_numa_map(struct seq_file *m, const struct mm_struct *mm, struct vm_area_struct *vma,
			  const struct mempolicy *task_pol)
{
	struct numa_maps md;
	char buffer[64];

	memset(&md, 0, sizeof(md));
	mpol_to_str(buffer, sizeof(buffer), vma->vm_policy ? vma->vm_policy : task_pol);
	seq_printf(m, "%08lx %s", vma->vm_start, buffer);
	show_numa_map_name(m, mm, vma);
	if (vma->vm_flags & VM_HUGETLB)
		seq_puts(m, " huge");
	numa_gather_vma(vma, &md);
	if (md.pages) {
		if (md.anon)
			seq_printf(m, " anon=%lu", md.anon);
		if (md.dirty)
			seq_printf(m, " dirty=%lu", md.dirty);
		if (md.pages != md.anon && md.pages != md.dirty)
			seq_printf(m, " mapped=%lu", md.pages);
		if (md.mapcount_max > 1)
			seq_printf(m, " mapmax=%lu", md.mapcount_max);
		if (md.active < md.pages && !(vma->vm_flags & VM_HUGETLB))
			seq_printf(m, " active=%lu", md.active);
		for (int nid = 0; nid < nr_node_ids; nid++)
			if (md.node[nid])
				seq_printf(m, " N%d=%lu", nid, md.node[nid]);
		seq_printf(m, " kernelpagesize_kB=%lu", vma_kernel_pagesize(vma) >> 10);
	}
	seq_putc(m, '\n');
}

int proc_pid_numa_maps(struct seq_file *m, struct proc_file *pf)
{
	struct task_struct *t = find_task_by_pid(pf->node.pid);
	struct vm_area_struct *vma;
	struct mempolicy *task_pol;
	struct mm_struct *mm;

	if (!t)
		return -ESRCH;
	mm = get_task_mm(t);
	if (!mm)
		return 0;
	/* The task's policy, held across the walk (Linux: hold_task_mempolicy). */
	task_pol = t->mempolicy;
	mpol_get(task_pol);
	mmap_read_lock(mm);
	for_each_vma(mm, vma)
		show_numa_map(m, mm, vma, task_pol);
	mmap_read_unlock(mm);
	mpol_put(task_pol);
	mmput(mm);
	return 0;
}

#define PM_PFRAME_MASK		((1UL << 55) - 1)
#define PM_SOFT_DIRTY		(1UL << 55)
#define PM_MMAP_EXCLUSIVE	(1UL << 56)
#define PM_FILE			(1UL << 61)
#define PM_SWAP			(1UL << 62)
#define PM_PRESENT		(1UL << 63)

/*
 * Every 4 KB of a 2 MB leaf shows as present, with its own frame number
 * (Linux: pagemap_pmd_range); exclusive if the compound page is mapped
 * once. Linux sets PM_FILE here only for a hugetlb page that is not anonymous.
 */
/*
 * A PMD migration entry of a THP (Linux 6.1's pagemap_pmd_range): PM_SWAP,
 * the frame field the swap type and the 4 KB page's PFN above
 * MAX_SWAPFILES_SHIFT; not present. A hugetlb entry that is not present
 * shows as nothing, as Linux's pagemap_hugetlb_range.
 */
static u64 pagemap_pmd_migration_entry(const struct vm_area_struct *vma, pmd_t pmd, unsigned long addr)
{
	swp_entry_t entry = pmd_to_swp_entry(pmd);
	unsigned long offset = swp_offset_pfn(entry) + ((addr & ~PMD_MASK) >> PAGE_SHIFT);
	u64 frame = swp_type(entry) | ((u64)offset << MAX_SWAPFILES_SHIFT);

	if (vma->vm_flags & VM_HUGETLB)
		return 0;
	return PM_SWAP | (frame & PM_PFRAME_MASK);
}

static u64 pagemap_pmd_entry(const struct vm_area_struct *vma, pmd_t pmd, unsigned long addr)
{
	unsigned long pfn = pmd_pfn(pmd) + ((addr & ~PMD_MASK) >> PAGE_SHIFT);
	struct page *head = pfn_to_page(pmd_pfn(pmd));
	u64 entry = PM_PRESENT | (pfn & PM_PFRAME_MASK);

	if (!pfn_valid(pmd_pfn(pmd)))
		return entry;
	if (page_mapcount(head) == 1)
		entry |= PM_MMAP_EXCLUSIVE;
	if ((vma->vm_flags & VM_HUGETLB) && !PageAnon(head))
		entry |= PM_FILE;
	return entry;
}

/*
 * A migration entry (Linux 6.1: pte_to_pagemap_entry's swap case):
 * PM_SWAP, with the swap type in the low 5 bits and the PFN above them
 * (PFN swap entries show the PFN only), PM_FILE for a page that is not
 * anonymous, and never PM_MMAP_EXCLUSIVE.
 */
static u64 pagemap_swap_entry(pte_t pte)
{
	swp_entry_t entry = pte_to_swp_entry(pte);
	u64 frame = swp_type(entry) | (swp_offset(entry) << MAX_SWAPFILES_SHIFT);
	u64 flags = PM_SWAP;

	if (is_migration_entry(entry)) {
		frame = swp_type(entry) | (swp_offset_pfn(entry) << MAX_SWAPFILES_SHIFT);
		if (!PageAnon(pfn_swap_entry_to_page(entry)))
			flags |= PM_FILE;
	}
	return (frame & PM_PFRAME_MASK) | flags;
}

static u64 pagemap_pte_entry(pte_t pte)
{
	struct page *page;
	u64 entry;

	if (is_swap_pte(pte))
		return pagemap_swap_entry(pte);
	if (!pte_present(pte))
		return 0;
	entry = PM_PRESENT | (pte_pfn(pte) & PM_PFRAME_MASK);
	page = vm_normal_page(pte);
	if (page && page_mapcount(page) == 1)
		entry |= PM_MMAP_EXCLUSIVE;
	/* A program's file page, or shared anonymous memory (shmem in Linux). */
	if (page && !PageAnon(page))
		entry |= PM_FILE;
	return entry;
}

static u64 pagemap_entry(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma = find_vma(mm, addr);
	unsigned long next;
	pmd_t *pmd;

	if (!vma || vma->vm_start > addr)
		return 0;
	pmd = pmd_lookup(mm, addr, &next);
	if (pmd && is_pmd_migration_entry(*pmd))
		return pagemap_pmd_migration_entry(vma, *pmd, addr);
	if (pmd && (vma->vm_flags & VM_HUGETLB) && pmd_huge(*pmd))
		return pagemap_pmd_entry(vma, *pmd, addr);	/* PROT_NONE too, as Linux */
	if (!pmd || !pmd_present(*pmd))
		return 0;
	if (pmd_leaf(*pmd))
		return pagemap_pmd_entry(vma, *pmd, addr);
	return pagemap_pte_entry(*pte_offset_kernel(pmd, addr));
}

#define PAGEMAP_WALK_ENTRIES	64	/* entries gathered per mmap_lock hold (Linux: PAGEMAP_WALK_SIZE) */

/*
 * Up to n entries of mm's pagemap from page index idx into kbuf, under
 * mmap_read_lock; how many (fewer at the end of user space).
 */
static size_t pagemap_gather(struct mm_struct *mm, u64 idx, u64 *kbuf, size_t n)
{
	size_t i;

	mmap_read_lock(mm);
	for (i = 0; i < n && ((idx + i) << PAGE_SHIFT) < TASK_SIZE; i++)
		kbuf[i] = pagemap_entry(mm, (idx + i) << PAGE_SHIFT);
	mmap_read_unlock(mm);
	return i;
}

/*
 * Read count bytes of pagemap at offset pos. Like Linux, the offset and the
 * count must be multiples of 8 (else EINVAL); the copy stops at the end of
 * user space. Entries are gathered under mmap_lock into a kernel buffer and
 * copied out with the lock dropped (Linux: pagemap_read).
 */
static ssize_t pagemap_read(pid_t pid, u64 pos, char *ubuf, size_t count)
{
	struct task_struct *t = find_task_by_pid(pid);
	u64 kbuf[PAGEMAP_WALK_ENTRIES];
	struct mm_struct *mm;
	size_t done = 0;

	if ((pos % 8) || (count % 8))
		return t && t->mm ? -EINVAL : -ESRCH;
	mm = t ? get_task_mm(t) : NULL;
	if (!mm)
		return -ESRCH;
	while (done < count) {
		size_t n = pagemap_gather(mm, pos / 8, kbuf, min((count - done) / 8, (size_t)PAGEMAP_WALK_ENTRIES));

		if (!n)
			break;
		if (copy_to_user(ubuf + done, kbuf, n * 8)) {
			mmput(mm);
			return done ? (ssize_t)done : -EFAULT;
		}
		done += n * 8;
		pos += n * 8;
	}
	mmput(mm);
	return done;
}

ssize_t pagemap_bin_read(struct proc_file *pf, char *ubuf, size_t count, loff_t pos)
{
	return pagemap_read(pf->node.pid, pos, ubuf, count);
}
