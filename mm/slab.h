/*
 * kmalloc and object caches. A slab is one page of equal-sized objects; a
 * slab that becomes empty goes straight back to the buddy allocator, so
 * the free-page count is exact after every test (the leak check).
 */
#ifndef _MM_SLAB_H
#define _MM_SLAB_H

#include <mm/gfp.h>

struct kmem_cache;

struct kmem_cache *kmem_cache_create(const char *name, size_t size, size_t align);
void *kmem_cache_alloc(struct kmem_cache *cache, gfp_t gfp);
void *kmem_cache_zalloc(struct kmem_cache *cache, gfp_t gfp);
void kmem_cache_free(struct kmem_cache *cache, void *obj);

void *kmalloc(size_t size, gfp_t gfp);	/* larger than a page: whole pages */
void *kzalloc(size_t size, gfp_t gfp);
void kfree(const void *obj);

void kmem_cache_init(void);
/* For /proc/meminfo and the leak check: pages held by slabs. */
unsigned long slab_pages(void);

#endif
