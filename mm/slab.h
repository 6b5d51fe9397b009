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
void kmem_cache_destroy(struct kmem_cache *cache);

void *kmalloc(size_t size, gfp_t gfp);
char *kstrdup(const char *s, gfp_t gfp);	/* a kmalloc'd copy of s, or NULL */
void *kzalloc(size_t size, gfp_t gfp);
void kfree(const void *obj);

void kmem_cache_init(void);
unsigned long slab_pages(void);

/* kmalloc(0) returns this: not NULL, but faults if used (Linux's ZERO_SIZE_PTR). */
#define ZERO_SIZE_PTR		((void *)16)
#define ZERO_OR_NULL_PTR(x)	((unsigned long)(x) <= (unsigned long)ZERO_SIZE_PTR)
#define KMALLOC_MAX_CACHE_SIZE	2048	/* larger kmallocs take whole pages */

#endif
