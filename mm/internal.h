/* Helpers shared inside mm/ only. */
#ifndef _MM_INTERNAL_H
#define _MM_INTERNAL_H

#include <mm/mm.h>

extern struct page *zero_page;
void zero_page_init(void);
struct page *vm_normal_page(pte_t pte);
void flush_tlb_mm_page(struct mm_struct *mm, unsigned long addr);
pmd_t *mm_find_pmd(struct mm_struct *mm, unsigned long addr);
pte_t *pte_table_range(struct mm_struct *mm, unsigned long addr, unsigned long end,
		       unsigned long *next);

/* mm/filemap.c, for the fault path. */
void filemap_fill_page(const struct vm_area_struct *vma, unsigned long pgoff, struct page *page);

/* mm/mmap.c, for mprotect.c and madvise.c. */
struct vm_area_struct *vma_next(struct vm_area_struct *vma);
unsigned long calc_vm_flags(unsigned long prot, unsigned long flags);
void populate_range(struct vm_area_struct *vma, unsigned long start, unsigned long end);
/* Split VMAs so that start and end fall on VMA boundaries; 0 or -ENOMEM. */
int split_at_boundaries(struct mm_struct *mm, unsigned long start, unsigned long end);

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
