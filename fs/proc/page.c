/*
 * /proc/PID/pagemap and /proc/kpagecount, in Linux's binary formats
 * (Documentation/admin-guide/mm/pagemap.rst; fs/proc/task_mmu.c, page.c).
 *
 * pagemap: one u64 per virtual page, at file offset (vaddr / 4096) * 8:
 *   bit 63 present, bits 0-54 the frame number, bit 56 the page is mapped
 *   exactly once, bit 61 file-backed or shared-anonymous page.
 * kpagecount: one u64 per frame: how many PTEs map it.
 */
#include <fs/proc/page.h>
#include <kernel/kernel.h>
#include <kernel/errno.h>
#include <kernel/sched.h>
#include <arch/x86_64/uaccess.h>
#include <mm/mm.h>
#include <mm/internal.h>

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
	if (!ptep || !pte_present(*ptep))
		return 0;
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
ssize_t pagemap_read(pid_t pid, u64 pos, char *ubuf, size_t count)
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

ssize_t kpagecount_read(u64 pos, char *ubuf, size_t count)
{
	size_t done = 0;

	if ((pos % 8) || (count % 8))
		return -EINVAL;
	while (done < count) {
		unsigned long pfn = pos / 8;
		u64 n;

		if (!pfn_valid(pfn))
			break;
		n = PageSlab(pfn_to_page(pfn)) ? 0 : page_mapcount(pfn_to_page(pfn));
		if (copy_to_user(ubuf + done, &n, sizeof(n)))
			return done ? (ssize_t)done : -EFAULT;
		done += 8;
		pos += 8;
	}
	return done;
}
