#ifndef _MM_SHMEM_H
#define _MM_SHMEM_H
#include <mm/mm.h>

struct shmem_object *shmem_object_create(unsigned long nr_pages);
void shmem_object_get(struct shmem_object *obj);
void shmem_object_put(struct shmem_object *obj);
struct page *shmem_get_page(struct shmem_object *obj, unsigned long pgoff, struct vm_area_struct *vma);
bool page_is_shmem(const struct page *page);
#endif
