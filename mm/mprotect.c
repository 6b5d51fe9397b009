/*
 * mm/mprotect.c: mprotect(2), changing the protection of a range of VMAs
 * and of the PTEs already in them.
 *
 *   sys_mprotect(start, len, prot)
 *     split_at_boundaries   so that [start, end) is whole VMAs
 *     for each VMA:         vm_flags and vm_page_prot from prot (EACCES without VM_MAY*)
 *       change_protection   each present PTE rewritten; a private page that is
 *                           not an exclusive anonymous page (one still shared
 *                           with another process, a file page) stays read-only (COW)
 *
 * Lock order: mm->mmap_lock for writing (sys_mprotect), then the page-table
 * lock inside change_protection, one PTE table at a time.
 */
#include <mm/mm.h>
#include <mm/internal.h>
#include <mm/hugetlb.h>
#include <mm/swapops.h>
#include <kernel/kernel.h>
#include <kernel/errno.h>
#include <kernel/sched.h>
#include <kernel/mman.h>
#include <mm/swapops.h>

/*
 * vm_page_prot of a private writable VMA is read-only (PAGE_COPY): may this
 * PTE be made writable now instead of at the next write fault? Only for an
 * anonymous page that this mapping alone uses, the case do_wp_page() would
 * reuse. Linux 6.1 (can_change_pte_writable) also wants the PTE dirty.
 */
static bool can_change_pte_writable(struct vm_area_struct *vma, pte_t pte)
{
	struct page *page;

	if (!(vma->vm_flags & VM_WRITE) || pte_write(pte))
		return false;
	if (vma->vm_flags & VM_SHARED)
		return true;
	page = vm_normal_page(pte);
	return page && PageAnon(page) && page_mapcount(page) == 1;
}

/*
 * A migration entry under mprotect (Linux 6.1: change_pte_range's
 * non-present case): a writable one becomes readable, whatever the new
 * protection ("a protection check is difficult so just be safe and
 * disable write"), so remove_migration_pte never restores a write the VMA
 * lost; an anonymous page stays exclusive, so the next write fault reuses
 * it. mm->page_table_lock held.
 */
static void change_nonpresent_pte(struct vm_area_struct *vma, pte_t *ptep)
{
	swp_entry_t entry = pte_to_swp_entry(*ptep);

	(void)vma;
	if (is_writable_migration_entry(entry)) {
		if (PageAnon(pfn_swap_entry_to_page(entry)))
			entry = make_readable_exclusive_migration_entry(swp_offset(entry));
		else
			entry = make_readable_migration_entry(swp_offset(entry));
		set_pte(ptep, swp_entry_to_pte(entry));
	}
}

/*
 * The PTEs of [addr, next), in one PTE table: the VMA's new protection.
 * mm->page_table_lock held.
 */
static void change_pte_range(struct vm_area_struct *vma, pte_t *ptep, unsigned long addr,
			     unsigned long next)
{
	struct mm_struct *mm = vma->vm_mm;

	lockdep_assert_held(&mm->page_table_lock);
	for (; addr < next; addr += PAGE_SIZE, ptep++) {
		pte_t pte;

		if (pte_none(*ptep))
			continue;
		if (unlikely(!pte_present(*ptep))) {
			change_nonpresent_pte(vma, ptep);
			continue;
		}
		pte = pte_modify(*ptep, vma->vm_page_prot);
		/* A private page shared with another process stays read-only: COW. */
		if (can_change_pte_writable(vma, pte))
			pte = pte_mkwrite(pte);
		set_pte(ptep, pte);
		flush_tlb_mm_page(mm, addr);
	}
}

/*
 * Rewrite the present entries of [start, end) of vma with its new
 * vm_page_prot. mmap_lock held for writing (no fault runs in this mm);
 * the page-table lock is taken one PTE table (or huge PMD) at a time,
 * as Linux's change_pte_range, against the rmap walks of other mms.
 */
static void change_protection(struct vm_area_struct *vma, unsigned long start, unsigned long end)
{
	struct mm_struct *mm = vma->vm_mm;
	unsigned long addr = start, next;

	mmap_assert_write_locked(mm);
	if (is_vm_hugetlb_page(vma)) {
		hugetlb_change_protection(vma, start, end, vma->vm_page_prot);
		return;
	}
	for (; addr < end; addr = next) {
		pmd_t *pmd = mm_find_pmd(mm, addr);
		pte_t *ptep;

		/*
		 * A wholly covered huge PMD changes whole (change_huge_pmd); one
		 * only partly covered, or going PROT_NONE, is split first. Linux
		 * keeps a PROT_NONE huge PMD too (its pmd_present accepts a
		 * PROT_NONE entry); Pagoda's pmd_leaf needs the present bit.
		 */
		if (pmd && (pmd_trans_huge(*pmd) || is_pmd_migration_entry(*pmd))) {
			bool whole = !(addr & ~PMD_MASK) && addr + PMD_SIZE <= end &&
				     (vma->vm_flags & VM_ACCESS_FLAGS);

			/* Part of a migrating THP: a migration entry is never split, wait for the new PMD. */
			while (!whole && is_pmd_migration_entry(READ_ONCE(*pmd)))
				pmd_migration_entry_wait(mm, pmd);
			spin_lock(&mm->page_table_lock);
			if (whole && (pmd_trans_huge(*pmd) || is_pmd_migration_entry(*pmd))) {
				change_huge_pmd(vma, pmd, addr);
				spin_unlock(&mm->page_table_lock);
				next = addr + PMD_SIZE;
				continue;
			}
			if (pmd_trans_huge(*pmd))
				__split_huge_pmd_locked(vma, pmd, addr);
			spin_unlock(&mm->page_table_lock);
		}
		ptep = pte_table_range(mm, addr, end, &next);
		if (!ptep)
			continue;
		spin_lock(&mm->page_table_lock);
		change_pte_range(vma, ptep, addr, next);
		spin_unlock(&mm->page_table_lock);
	}
}

/* mprotect's work on the VMAs, mmap_lock held for writing. */
static long do_mprotect(struct mm_struct *mm, unsigned long start, unsigned long end,
			unsigned long prot)
{
	unsigned long newflags;
	struct vm_area_struct *vma, *next;
	int err;

	mmap_assert_write_locked(mm);
	vma = find_vma(mm, start);
	if (!vma || vma->vm_start > start)
		return -ENOMEM;
	err = split_at_boundaries(mm, start, end);
	if (err)
		return err;
	for (vma = find_vma(mm, start); vma && vma->vm_start < end; vma = next) {
		next = vma_next(vma);
		newflags = (vma->vm_flags & ~VM_ACCESS_FLAGS) | (calc_vm_flags(prot, 0) & VM_ACCESS_FLAGS);
		/* Each access bit needs its VM_MAY* bit (VM_MAYREAD = VM_READ << 4). */
		if ((newflags & VM_ACCESS_FLAGS) & ~(newflags >> 4))
			return -EACCES;
		vma->vm_flags = newflags;
		vma->vm_page_prot = vm_get_page_prot(newflags);
		change_protection(vma, vma->vm_start, vma->vm_end);
		/* A hole before the next VMA: Linux stops with ENOMEM, keeping what it changed. */
		if (vma->vm_end < end && (!next || next->vm_start != vma->vm_end))
			return -ENOMEM;
	}
	return 0;
}

/* mprotect(2) (Linux: do_mprotect_pkey, under mmap_write_lock). */
long sys_mprotect(unsigned long start, size_t len, unsigned long prot)
{
	struct mm_struct *mm = current->mm;
	unsigned long end;
	long ret;

	if (start & ~PAGE_MASK)
		return -EINVAL;
	if (!len)
		return 0;
	len = PAGE_ALIGN(len);
	end = start + len;
	if (end <= start)
		return -ENOMEM;
	if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_SEM))
		return -EINVAL;
	mmap_write_lock(mm);
	ret = do_mprotect(mm, start, end, prot);
	mmap_write_unlock(mm);
	return ret;
}
