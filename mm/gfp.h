/* Page allocator interface: gfp flags and the buddy allocator's entry points. */
#ifndef _MM_GFP_H
#define _MM_GFP_H

#include <mm/mm_types.h>
#include <arch/x86_64/pgtable.h>
#include <mm/nodemask.h>

#define __GFP_ZERO	0x1u	/* clear the memory */
#define __GFP_THISNODE	0x2u	/* no fallback to other nodes */
#define __GFP_COMP	0x4u	/* make a compound page (head + tails) */
#define __GFP_NOWARN	0x8u	/* failure is expected: do not log it */
#define GFP_KERNEL	0u
#define GFP_HIGHUSER_MOVABLE 0u	/* Linux: user pages, movable; Pagoda has no zones */
#define GFP_TRANSHUGE	(__GFP_COMP | __GFP_NOWARN)

#define MAX_ORDER	11	/* orders 0..10, as Linux 6.1; order 9 is a 2 MB page */

struct page *alloc_pages_node(int nid, gfp_t gfp, unsigned int order);
struct page *alloc_pages(gfp_t gfp, unsigned int order);
#define alloc_page(gfp) alloc_pages(gfp, 0)
void __free_pages(struct page *page, unsigned int order);
#define __free_page(page) __free_pages(page, 0)

unsigned long __get_free_pages(gfp_t gfp, unsigned int order);
unsigned long get_zeroed_page(gfp_t gfp);
void free_pages(unsigned long addr, unsigned int order);
#define free_page(addr) free_pages(addr, 0)

/* Reference counting: the last put_page() frees the (compound) page. */
void get_page(struct page *page);
void put_page(struct page *page);

bool is_free_buddy_page(const struct page *page);	/* in a free block (read-only; /proc/kpageflags) */
unsigned long nr_free_pages(void);
unsigned long node_free_pages(int nid);
unsigned long totalram_pages(void);

/*
 * The allocator's core: preferred node, then its fallback list, within
 * nodemask if not NULL (mm/page_alloc.c). alloc_pages_task: by the
 * current task's policy (mm/mempolicy.c).
 */
struct page *__alloc_pages(gfp_t gfp, unsigned int order, int preferred_nid,
			   const nodemask_t *nodemask);
struct page *alloc_pages_task(gfp_t gfp, unsigned int order);

/*
 * The last put_page() of a PG_hugetlb head page calls this to return the
 * page to its pool instead of the buddy allocator (Linux: the compound page
 * destructor), in mm/hugetlb.c.
 */
void free_huge_page(struct page *page);

/* Freed pages are filled with this (Linux PAGE_POISON), slab objects with 0x6b. */
#define PAGE_POISON	0xaa
#ifndef CONFIG_DEBUG_PAGEALLOC_POISON
#define CONFIG_DEBUG_PAGEALLOC_POISON 1	/* build with -DCONFIG_DEBUG_PAGEALLOC_POISON=0 to skip */
#endif
/*
 * Poison freed pages: starts as CONFIG_DEBUG_PAGEALLOC_POISON; boot code may
 * clear it for "page_poison=off" (as Linux's page_poison=), e.g. for
 * benchmarks: under TCG poisoning a 2 MB page costs as much as zeroing it.
 */
extern bool page_poisoning_enabled;

#define PFN_UP(x)	(((x) + PAGE_SIZE - 1) >> PAGE_SHIFT)
#define PFN_DOWN(x)	((x) >> PAGE_SHIFT)
#define PFN_PHYS(x)	((phys_addr_t)(x) << PAGE_SHIFT)

/* Smallest order whose block holds size bytes (size > 0). */
static inline unsigned int get_order(unsigned long size)
{
	unsigned int order = 0;

	size = (size - 1) >> PAGE_SHIFT;
	while (size) {
		order++;
		size >>= 1;
	}
	return order;
}

static inline void *page_address(const struct page *page) { return __va(page_to_pfn(page) << PAGE_SHIFT); }
static inline struct page *virt_to_page(const void *va) { return pfn_to_page(__pa(va) >> PAGE_SHIFT); }

#endif
