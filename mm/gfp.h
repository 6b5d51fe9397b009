/* Page allocator interface: gfp flags and the buddy allocator's entry points. */
#ifndef _MM_GFP_H
#define _MM_GFP_H

#include <mm/mm_types.h>
#include <arch/x86_64/pgtable.h>

#define __GFP_ZERO	0x1u	/* clear the memory */
#define __GFP_THISNODE	0x2u	/* no fallback to other nodes */
#define __GFP_COMP	0x4u	/* make a compound page (head + tails) */
#define __GFP_NOWARN	0x8u	/* failure is expected: do not log it */
#define GFP_KERNEL	0u
#define GFP_HIGHUSER_MOVABLE 0u	/* Linux: user pages, movable; Pagoda has no zones */
#define GFP_TRANSHUGE	(__GFP_COMP | __GFP_NOWARN)

#define MAX_ORDER	11	/* orders 0..10, as Linux 6.1; order 9 is a 2 MB page */
#define NUMA_NO_NODE	(-1)

struct page *alloc_pages_node(int nid, gfp_t gfp, unsigned int order);
struct page *alloc_pages(gfp_t gfp, unsigned int order);	/* prefers this CPU's node */
#define alloc_page(gfp) alloc_pages(gfp, 0)
void __free_pages(struct page *page, unsigned int order);
#define __free_page(page) __free_pages(page, 0)

unsigned long __get_free_pages(gfp_t gfp, unsigned int order);	/* direct-map address or 0 */
unsigned long get_zeroed_page(gfp_t gfp);
void free_pages(unsigned long addr, unsigned int order);
#define free_page(addr) free_pages(addr, 0)

/* Reference counting: the last put_page() frees the (compound) page. */
void get_page(struct page *page);
void put_page(struct page *page);

unsigned long nr_free_pages(void);
unsigned long node_free_pages(int nid);
unsigned long totalram_pages(void);

static inline void *page_address(const struct page *page) { return __va(page_to_pfn(page) << PAGE_SHIFT); }
static inline struct page *virt_to_page(const void *va) { return pfn_to_page(__pa(va) >> PAGE_SHIFT); }

#endif
