/* Helpers shared inside mm/ only. */
#ifndef _MM_INTERNAL_H
#define _MM_INTERNAL_H

#include <mm/mm.h>

/*
 * Which RSS counter a mapped page counts in (Linux: mm_counter). Every
 * page that is not anonymous is a shmem page: shared anonymous memory, and
 * a program's file pages too, since Pagoda's files are the initramfs and
 * Linux unpacks that into rootfs, a tmpfs (mm_counter_file: PageSwapBacked).
 * So RssFile stays 0, as it does on Linux booted from the same initramfs.
 */
static inline int mm_counter(struct page *page)
{
	return PageAnon(page) ? MM_ANONPAGES : MM_SHMEMPAGES;
}

extern struct page *zero_page;
void flush_tlb_mm_page(struct mm_struct *mm, unsigned long addr);
pmd_t *mm_find_pmd(struct mm_struct *mm, unsigned long addr);
pmd_t *pmd_walk_alloc(struct mm_struct *mm, unsigned long addr);
pte_t *pte_table_range(struct mm_struct *mm, unsigned long addr, unsigned long end,
		       unsigned long *next);

/* mm/filemap.c, for the fault path. */
void filemap_fill_page(const struct vm_area_struct *vma, unsigned long pgoff, struct page *page);

/* mm/mmap.c, for mprotect.c and madvise.c. */
struct vm_area_struct *vma_next(struct vm_area_struct *vma);
unsigned long calc_vm_flags(unsigned long prot, unsigned long flags);
void populate_range(struct vm_area_struct *vma, unsigned long start, unsigned long end);
int split_at_boundaries(struct mm_struct *mm, unsigned long start, unsigned long end);

/* Which part of a split VMA the new vm_area_struct takes (Linux: __split_vma's new_below). */
enum split_new {
	SPLIT_NEW_ABOVE,	/* new: [addr, vm_end); vma keeps [vm_start, addr) */
	SPLIT_NEW_BELOW,	/* new: [vm_start, addr); vma keeps [addr, vm_end) */
};
int __split_vma(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long addr,
		enum split_new new_part);
struct vm_area_struct *vma_merge_neighbours(struct vm_area_struct *vma);

static inline pte_t mk_pte(struct page *page, pgprot_t prot)
{
	return pfn_pte(page_to_pfn(page), prot);
}

/* Writable only where the VMA allows writes (Linux: maybe_mkwrite). */
static inline pte_t maybe_mkwrite(pte_t pte, const struct vm_area_struct *vma)
{
	return (vma->vm_flags & VM_WRITE) ? pte_mkwrite(pte) : pte;
}

/* The page offset of addr in the VMA's anonymous space: page->index. */
static inline unsigned long linear_page_index(const struct vm_area_struct *vma, unsigned long addr)
{
	return ((addr - vma->vm_start) >> PAGE_SHIFT) + vma->vm_pgoff;
}

#endif
