/*
 * /proc/PID/maps, the Vm* lines of /proc/PID/status, and /proc/PID/pagemap
 * (Linux: fs/proc/task_mmu.c).
 *
 * pagemap, in Linux's binary format (Documentation/admin-guide/mm/pagemap.rst):
 * one u64 per virtual page, at file offset (vaddr / 4096) * 8: bit 63
 * present, bits 0-54 the frame number, bit 56 the page is mapped exactly
 * once, bit 61 file-backed or shared-anonymous page.
 */
#include <fs/proc_fs.h>
#include <kernel/kernel.h>
#include <kernel/errno.h>
#include <kernel/sched.h>
#include <lib/string.h>
#include <fs/initramfs.h>
#include <arch/x86_64/uaccess.h>
#include <mm/mm.h>

/* The Vm* lines (Linux: task_mem in fs/proc/task_mmu.c). */
void task_mem(struct seq_file *m, struct mm_struct *mm)
{
	unsigned long total = 0, data = 0, stack = 0, exec = 0, text, lib;
	struct vm_area_struct *vma;

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
		return vma->vm_file->name;
	if (vma->vm_shm)
		return "/dev/zero (deleted)";	/* Linux: shared anonymous memory is a shmem file */
	if (vma->vm_start <= mm->brk && vma->vm_end >= mm->start_brk)
		return "[heap]";
	if (vma->vm_start <= mm->start_stack && vma->vm_end >= mm->start_stack)
		return "[stack]";
	return NULL;
}

int proc_pid_maps(struct seq_file *m, struct proc_file *pf)
{
	struct task_struct *t = find_task_by_pid(pf->node.pid);
	struct vm_area_struct *vma;

	if (!t)
		return -ESRCH;
	if (!t->mm)
		return 0;
	for_each_vma(t->mm, vma) {
		const char *name = vma_name(t->mm, vma);
		unsigned long flags = vma->vm_flags;
		unsigned long ino = vma->vm_file ? initramfs_index(vma->vm_file) + 1 : 0;
		u32 dev = vma->vm_file ? MKDEV(0, 2) : vma->vm_shm ? MKDEV(0, 1) : 0;
		unsigned long pgoff = vma->vm_file || vma->vm_shm ? vma->vm_pgoff << PAGE_SHIFT : 0;
		size_t line = m->count;

		seq_printf(m, "%08lx-%08lx %c%c%c%c %08lx %02x:%02x %lu ", vma->vm_start, vma->vm_end,
			   flags & VM_READ ? 'r' : '-', flags & VM_WRITE ? 'w' : '-',
			   flags & VM_EXEC ? 'x' : '-', flags & VM_MAYSHARE ? 's' : 'p',
			   pgoff, MAJOR(dev), MINOR(dev), ino);
		if (name) {
			while (m->count - line < 73 && !seq_has_overflowed(m))
				seq_putc(m, ' ');
			seq_puts(m, name);
		}
		seq_putc(m, '\n');
	}
	return 0;
}

#define PM_PFRAME_MASK		((1UL << 55) - 1)
#define PM_SOFT_DIRTY		(1UL << 55)
#define PM_MMAP_EXCLUSIVE	(1UL << 56)
#define PM_FILE			(1UL << 61)
#define PM_SWAP			(1UL << 62)
#define PM_PRESENT		(1UL << 63)

static u64 pagemap_entry(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma = find_vma(mm, addr);
	pte_t *ptep;
	struct page *page;
	u64 entry;

	if (!vma || vma->vm_start > addr)
		return 0;
	ptep = follow_pte(mm, addr);
	if (!ptep || !pte_present(*ptep)) {
		pmd_t pmd;

		/* A huge PMD: the 4 KB frame of it at addr (Linux: pagemap_pmd_range). */
		page = follow_trans_huge_pmd(mm, addr, &pmd);
		if (!pmd_trans_huge(pmd))
			return 0;
		entry = PM_PRESENT | ((pmd_pfn(pmd) + pte_index(addr)) & PM_PFRAME_MASK);
		if (page && page_mapcount(page) == 1)
			entry |= PM_MMAP_EXCLUSIVE;
		return entry;
	}
	entry = PM_PRESENT | (pte_pfn(*ptep) & PM_PFRAME_MASK);
	page = vm_normal_page(*ptep);
	if (page && page_mapcount(page) == 1)
		entry |= PM_MMAP_EXCLUSIVE;
	/* A program's file page, or shared anonymous memory (shmem in Linux). */
	if (page && !PageAnon(page))
		entry |= PM_FILE;
	return entry;
}

/*
 * Read count bytes of pagemap at offset pos. Like Linux, the offset and the
 * count must be multiples of 8 (else EINVAL); the copy stops at the end of
 * user space.
 */
static ssize_t pagemap_read(pid_t pid, u64 pos, char *ubuf, size_t count)
{
	struct task_struct *t = find_task_by_pid(pid);
	size_t done = 0;

	if (!t || !t->mm)
		return -ESRCH;
	if ((pos % 8) || (count % 8))
		return -EINVAL;
	while (done < count) {
		unsigned long addr = (pos / 8) << PAGE_SHIFT;
		u64 e;

		if (addr >= TASK_SIZE)
			break;
		e = pagemap_entry(t->mm, addr);
		if (copy_to_user(ubuf + done, &e, sizeof(e)))
			return done ? (ssize_t)done : -EFAULT;
		done += 8;
		pos += 8;
	}
	return done;
}

ssize_t pagemap_bin_read(struct proc_file *pf, char *ubuf, size_t count, loff_t pos)
{
	return pagemap_read(pf->node.pid, pos, ubuf, count);
}
