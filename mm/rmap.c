/*
 * mm/rmap.c: the reverse map. This first version keeps only what the 4 KB
 * fault path and fork need from it: the mapcount of each page and
 * page->mapping/index for anonymous pages. The anon_vma / anon_vma_chain
 * structure of seed 003 (anon_vma_prepare, anon_vma_fork, rmap_walk)
 * replaces the stubs here in the reverse-map issue.
 */
#include <mm/rmap.h>
#include <mm/internal.h>

/* No anon_vma yet: every VMA can take anonymous pages. */
int anon_vma_prepare(struct vm_area_struct *vma)
{
	(void)vma;
	return 0;
}

/* A page just allocated for this VMA: mapped once, exclusively. */
void page_add_new_anon_rmap(struct page *page, struct vm_area_struct *vma, unsigned long address)
{
	atomic_set(&page->_mapcount, 0);
	page->mapping = (void *)((unsigned long)vma->anon_vma | PAGE_MAPPING_ANON);
	page->index = linear_page_index(vma, address);
	SetPageAnonExclusive(page);
}

/* One more PTE maps an already-mapped page (fork of a shared mapping). */
void page_dup_rmap(struct page *page)
{
	atomic_inc(&page->_mapcount);
	ClearPageAnonExclusive(page);
}

void page_remove_rmap(struct page *page, struct vm_area_struct *vma)
{
	(void)vma;
	VM_BUG_ON(page_mapcount(page) <= 0, "pfn %lx mapcount %d",
		  page_to_pfn(page), page_mapcount(page));
	if (atomic_add_return(-1, &page->_mapcount) < 0) {
		/* Last mapping gone: the page is no longer anonymous memory of anyone. */
		page->mapping = NULL;
		ClearPageAnonExclusive(page);
	}
}

void page_move_anon_rmap(struct page *page, struct vm_area_struct *vma)
{
	page->mapping = (void *)((unsigned long)vma->anon_vma | PAGE_MAPPING_ANON);
	SetPageAnonExclusive(page);
}

/* A VMA split or copied from src: nothing to link until anon_vma exists. */
int anon_vma_clone(struct vm_area_struct *dst, struct vm_area_struct *src)
{
	(void)dst;
	(void)src;
	return 0;
}

void unlink_anon_vmas(struct vm_area_struct *vma)
{
	(void)vma;
}

/* fork: the child VMA's anon_vma structure (seed 003) comes with the rmap issue. */
int anon_vma_fork(struct vm_area_struct *vma, struct vm_area_struct *pvma)
{
	(void)vma;
	(void)pvma;
	return 0;
}
