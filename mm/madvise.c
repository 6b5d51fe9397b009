/*
 * mm/madvise.c: madvise(2), advice about a range of VMAs.
 *
 *   sys_madvise(start, len, behavior)
 *     madvise_behavior_valid  EINVAL for an unknown advice
 *     split_at_boundaries     only for advice that changes vm_flags
 *     madvise_vma             per VMA: zap (DONTNEED, FREE), a vm_flags bit
 *                             (DONTFORK, WIPEONFORK, HUGEPAGE...), or populate
 *                             (madvise_populate: EINVAL where the access is forbidden)
 *
 * Holes in the range are skipped and reported as ENOMEM at the end, as in Linux.
 *
 * Lock order: mm->mmap_lock, for writing if the advice changes the VMAs,
 * for reading if it only works on their pages (madvise_need_mmap_write:
 * DONTNEED and FREE zap under the read lock, racing faults, which the
 * page-table lock orders); then the page-table lock inside zap_page_range.
 */
#include <mm/mm.h>
#include <mm/internal.h>
#include <mm/hugetlb.h>
#include <kernel/kernel.h>
#include <kernel/errno.h>
#include <kernel/sched.h>
#include <kernel/mman.h>

static bool madvise_behavior_valid(int behavior)
{
	switch (behavior) {
	case MADV_NORMAL: case MADV_RANDOM: case MADV_SEQUENTIAL: case MADV_WILLNEED:
	case MADV_DONTNEED: case MADV_FREE: case MADV_DONTFORK: case MADV_DOFORK:
	case MADV_HUGEPAGE: case MADV_NOHUGEPAGE: case MADV_DONTDUMP: case MADV_DODUMP:
	case MADV_WIPEONFORK: case MADV_KEEPONFORK: case MADV_COLD: case MADV_PAGEOUT:
	case MADV_POPULATE_READ: case MADV_POPULATE_WRITE:
		return true;
	}
	return false;
}

/*
 * MADV_POPULATE_READ / _WRITE (Linux: madvise_populate,
 * faultin_vma_page_range): fault each page in as a read or a write would,
 * without touching the data. A VMA that forbids the access (PROT_NONE, or
 * a write to a read-only VMA) gives EINVAL, as Linux reports
 * check_vma_flags' refusal; a fault that fails gives ENOMEM (out of
 * memory) or EFAULT (SIGBUS/SIGSEGV).
 */
static int madvise_populate(struct vm_area_struct *vma, unsigned long start, unsigned long end,
			    int behavior)
{
	bool write = behavior == MADV_POPULATE_WRITE;

	if (!(vma->vm_flags & (write ? VM_WRITE : VM_READ)))
		return -EINVAL;
	for (unsigned long addr = start; addr < end; addr += PAGE_SIZE) {
		pte_t *pte = follow_pte(vma->vm_mm, addr);
		vm_fault_t fault;

		/* Already there (and writable, for a write): nothing to fault, as GUP's follow_page. */
		if (pte && pte_present(*pte) && (!write || pte_write(*pte)))
			continue;
		if (huge_pmd_covers(vma->vm_mm, addr, write)) {
			addr = (addr & PMD_MASK) + PMD_SIZE - PAGE_SIZE;
			continue;
		}
		fault = handle_mm_fault(vma, addr, write ? FAULT_FLAG_WRITE : 0);
		if (fault & VM_FAULT_OOM)
			return -ENOMEM;
		if (fault != VM_FAULT_OK)
			return -EFAULT;
		/* A migration entry: the fault only waited. Look again, as GUP does. */
		if (pte && is_swap_pte(*pte))
			addr -= PAGE_SIZE;
	}
	return 0;
}

/*
 * May DONTNEED or FREE drop [start, *end) of vma (Linux:
 * madvise_dontneed_free_valid_vma)? Not a locked VMA; in a hugetlb VMA
 * only DONTNEED, from a huge-page boundary, and the end is rounded down
 * to one, so that no huge page is dropped in part.
 */
static bool madvise_dontneed_free_valid_vma(struct vm_area_struct *vma, unsigned long start,
					    unsigned long *end, int behavior)
{
	if (!is_vm_hugetlb_page(vma))
		return !(vma->vm_flags & VM_LOCKED);
	if (behavior != MADV_DONTNEED)
		return false;
	if (start & ~huge_page_mask(hstate_vma(vma)))
		return false;
	*end &= huge_page_mask(hstate_vma(vma));
	return true;
}

static int madvise_vma(struct vm_area_struct *vma, unsigned long start, unsigned long end, int behavior)
{
	switch (behavior) {
	case MADV_DONTNEED:
	case MADV_FREE:		/* no reclaim in Pagoda: free at once, as DONTNEED */
		if (!madvise_dontneed_free_valid_vma(vma, start, &end, behavior))
			return -EINVAL;
		if (start < end)
			zap_page_range(vma, start, end);
		return 0;
	case MADV_DONTFORK:
		vma->vm_flags |= VM_DONTCOPY;
		return 0;
	case MADV_WIPEONFORK:
		if (vma->vm_file || (vma->vm_flags & VM_SHARED))
			return -EINVAL;		/* Linux: private anonymous memory only */
		vma->vm_flags |= VM_WIPEONFORK;
		return 0;
	case MADV_KEEPONFORK:
		vma->vm_flags &= ~VM_WIPEONFORK;
		return 0;
	case MADV_DOFORK:
		vma->vm_flags &= ~VM_DONTCOPY;
		return 0;
	case MADV_HUGEPAGE:
		vma->vm_flags = (vma->vm_flags & ~VM_NOHUGEPAGE) | VM_HUGEPAGE;
		return 0;
	case MADV_NOHUGEPAGE:
		vma->vm_flags = (vma->vm_flags & ~VM_HUGEPAGE) | VM_NOHUGEPAGE;
		return 0;
	case MADV_POPULATE_READ:
	case MADV_POPULATE_WRITE:
		return madvise_populate(vma, start, end, behavior);
	case MADV_COLD:
	case MADV_PAGEOUT:
		/* No LRU to move pages on in Pagoda; the VMAs Linux refuses (can_madv_lru_vma) are refused. */
		return (vma->vm_flags & (VM_LOCKED | VM_HUGETLB)) ? -EINVAL : 0;
	default:
		return 0;	/* hints Pagoda has no use for */
	}
}

static bool madvise_changes_flags(int behavior)
{
	return behavior == MADV_DONTFORK || behavior == MADV_DOFORK ||
	       behavior == MADV_WIPEONFORK || behavior == MADV_KEEPONFORK ||
	       behavior == MADV_HUGEPAGE || behavior == MADV_NOHUGEPAGE;
}

/*
 * madvise(2): 0 or -errno. The VMAs are advised in turn, so an error
 * part-way keeps what was done before it, as in Linux.
 */
/*
 * Which advice changes the VMAs (their flags, or splits them) and so needs
 * mmap_lock for writing; the rest only read the VMAs and work on the page
 * tables under the page-table lock. Linux 6.1's madvise_need_mmap_write,
 * with its list of exceptions (the default is write, to be safe).
 */
static bool madvise_need_mmap_write(int behavior)
{
	switch (behavior) {
	case MADV_WILLNEED:
	case MADV_DONTNEED:
	case MADV_COLD:
	case MADV_PAGEOUT:
	case MADV_FREE:
	case MADV_POPULATE_READ:
	case MADV_POPULATE_WRITE:
		return false;
	default:
		return true;
	}
}

/* madvise's walk over the VMAs of [start, end), under mmap_lock. */
static long do_madvise(struct mm_struct *mm, unsigned long start, unsigned long end, int behavior)
{
	struct vm_area_struct *vma, *next;
	unsigned long pos = start;
	int unmapped = 0, err;

	if (madvise_changes_flags(behavior)) {
		err = split_at_boundaries(mm, start, end);
		if (err)
			return err;
	}
	/* Holes are skipped; the call then ends with ENOMEM, as in Linux. */
	for (vma = find_vma(mm, start); vma && vma->vm_start < end; vma = next) {
		next = vma_next(vma);
		if (vma->vm_start > pos)
			unmapped = 1;
		err = madvise_vma(vma, max(start, vma->vm_start), min(end, vma->vm_end), behavior);
		if (err)
			return err;
		pos = vma->vm_end;
	}
	if (pos < end)
		unmapped = 1;
	return unmapped ? -ENOMEM : 0;
}

long sys_madvise(unsigned long start, size_t len, int behavior)
{
	struct mm_struct *mm = current->mm;
	unsigned long end;
	bool write = madvise_need_mmap_write(behavior);
	long ret;

	if (!madvise_behavior_valid(behavior) || (start & ~PAGE_MASK))
		return -EINVAL;
	if (len && !PAGE_ALIGN(len))
		return -EINVAL;		/* the length wrapped when rounded up */
	len = PAGE_ALIGN(len);
	end = start + len;
	if (end < start)
		return -EINVAL;
	if (end == start)
		return 0;
	if (write)
		mmap_write_lock(mm);
	else
		mmap_read_lock(mm);
	ret = do_madvise(mm, start, end, behavior);
	if (write)
		mmap_write_unlock(mm);
	else
		mmap_read_unlock(mm);
	return ret;
}
