/* The reverse map: from a page to the PTEs that map it (mm/rmap.c). */
#ifndef _MM_RMAP_H
#define _MM_RMAP_H

#include <mm/mm.h>

int anon_vma_prepare(struct vm_area_struct *vma);
void page_add_new_anon_rmap(struct page *page, struct vm_area_struct *vma, unsigned long address);
void page_dup_rmap(struct page *page);
void page_remove_rmap(struct page *page, struct vm_area_struct *vma);
void page_move_anon_rmap(struct page *page, struct vm_area_struct *vma);
int anon_vma_clone(struct vm_area_struct *dst, struct vm_area_struct *src);
void unlink_anon_vmas(struct vm_area_struct *vma);
int anon_vma_fork(struct vm_area_struct *vma, struct vm_area_struct *pvma);

#endif
