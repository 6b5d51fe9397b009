/*
 * struct page: one per 4 KB frame, 64 bytes, as in include/linux/mm_types.h.
 *
 *   mem_map[pfn] ---------------------------------------------.
 *   | flags: PG_* bits, node id in the top NODES_WIDTH bits   |
 *   | lru / compound_head (tail pages: head | 1)              |
 *   | mapping: anon_vma | PAGE_MAPPING_ANON, or kmem_cache   |
 *   | index: page offset (vma_address), or slab objects used  |
 *   | private: buddy order while free, or slab freelist       |
 *   | _refcount, _mapcount (-1 = not mapped)                  |
 *   '---------------------------------------------------------'
 *
 * A 2 MB page is a compound page of order 9: page[0] is the head (PG_head),
 * page[1..511] are tails whose compound_head points at the head with bit 0
 * set; page[1] also holds the order and the compound (PMD) mapcount.
 */
#ifndef _MM_MM_TYPES_H
#define _MM_MM_TYPES_H

#include <kernel/types.h>
#include <kernel/numa.h>	/* NODES_SHIFT, MAX_NUMNODES */
#include <lib/list.h>

enum pageflags {
	PG_locked,	/* page lock (Linux: lock_page, mm/pagemap.h): migration holds it */
	PG_reserved,	/* never handed to the buddy allocator (holes, kernel, firmware) */
	PG_buddy,	/* free, on a buddy free list; private = order */
	PG_slab,	/* owned by a kmem_cache; mapping = cache */
	PG_head,	/* first page of a compound page */
	PG_anon_exclusive, /* anonymous page known to be mapped by one process only */
	PG_hugetlb,	/* head of a hugetlb pool page */
	PG_pgtable,	/* a page-table page */
	PG_zero,	/* the shared zero page or huge zero page */
	/*
	 * Taken off for migration (Linux: PG_lru cleared by isolate_lru_page;
	 * Pagoda has no LRU, so every user page is "on" it unless this is
	 * set): one migration owns it, holding a reference, and page->lru
	 * links it on that migration's list (mm/migrate.c).
	 */
	PG_isolated,
	__NR_PAGEFLAGS,
};

#define NODES_PGSHIFT	(64 - NODES_SHIFT)

/*
 * What guards each field (FreeBSD's vm_page.h tags its fields the same way):
 *
 *   (A)  atomic operations only, no lock
 *   (c)  constant while the page has this use: set before anyone else can
 *        see the page (at allocation, or while only its creator maps it)
 *   (n)  the node's buddy lock, NODE_DATA(nid)->lock, while PG_buddy
 *   (s)  the owning kmem_cache's lock, while PG_slab
 *   (p)  the page-table lock of the mm whose PTE is being changed: a page
 *        is mapped, unmapped and remapped with that PTE
 *   (i)  the migration that isolated the page (PG_isolated set by it)
 *
 * A field read without its lock (rmap_walk reads mapping and index, /proc
 * reads the counts) is a snapshot: another CPU may be changing it.
 * do_wp_page reuses a page (page_move_anon_rmap) under the page-table lock
 * only; Linux also takes the page lock there (Pagoda's, mm/pagemap.h, is
 * taken only by migration so far), and reads mapping in the walk under
 * RCU, which Pagoda does not have (docs/smp.md, "Not done yet").
 */
struct page {
	/* (A) PG_* bits (plain writes while the allocator owns the page); (c) node id, top bits */
	unsigned long flags;
	union {
		/*
		 * (n) on a free list; (s) on a cache's partial list; (i) on a
		 * migration's list while PG_isolated (order-0 or head pages only,
		 * whose compound_head bit 0 a list pointer keeps clear)
		 */
		struct list_head lru;
		struct {
			unsigned long compound_head;	/* (c) tails: head page | 1 */
			unsigned char compound_order;	/* (c) page[1] only */
			atomic_t compound_mapcount;	/* (A) page[1] only: PMD mappings, -1 = none */
		};
	};
	/*
	 * (p) anonymous: the anon_vma | PAGE_MAPPING_ANON, set at the first
	 * map and by page_move_anon_rmap; (s) the cache; (c) the shmem object.
	 */
	void *mapping;
	unsigned long index;		/* (p) with mapping; (s) objects in use; (c) shmem page offset */
	unsigned long private;		/* (n) buddy order; (s) first free object */
	atomic_t _refcount;		/* (A) */
	atomic_t _mapcount;		/* (A), changed with the PTE under (p) */
	/*
	 * Room for a later field without growing past 64 bytes. Until then,
	 * scratch for pagoda_mm_check (mm/debug_rmap.c), which zeroes it
	 * before and after: safe because no other path uses it and checks
	 * run one at a time (a system call, under the big kernel lock).
	 */
	unsigned long __reserved;
};

_Static_assert(sizeof(struct page) == 64, "struct page must stay 64 bytes");

#define PAGE_MAPPING_ANON	0x1UL
#define PAGE_MAPPING_FLAGS	0x3UL

extern struct page *mem_map;
extern unsigned long max_pfn;		/* one past the highest RAM frame */

static inline unsigned long page_to_pfn(const struct page *page) { return (unsigned long)(page - mem_map); }
static inline struct page *pfn_to_page(unsigned long pfn) { return mem_map + pfn; }
static inline bool pfn_valid(unsigned long pfn) { return pfn < max_pfn; }

static inline bool test_bit_flag(int nr, const unsigned long *w) { return (*w >> nr) & 1; }
#define PAGEFLAG(name, bit) \
	static inline bool Page##name(const struct page *p) { return test_bit_flag(bit, &p->flags); } \
	static inline void SetPage##name(struct page *p) { __atomic_or_fetch(&p->flags, 1UL << (bit), __ATOMIC_SEQ_CST); } \
	static inline void ClearPage##name(struct page *p) { __atomic_and_fetch(&p->flags, ~(1UL << (bit)), __ATOMIC_SEQ_CST); }
PAGEFLAG(Locked, PG_locked)
PAGEFLAG(Reserved, PG_reserved)
PAGEFLAG(Buddy, PG_buddy)
PAGEFLAG(Slab, PG_slab)
PAGEFLAG(Head, PG_head)
PAGEFLAG(AnonExclusive, PG_anon_exclusive)
PAGEFLAG(HugeTLB, PG_hugetlb)
PAGEFLAG(Table, PG_pgtable)
PAGEFLAG(Zero, PG_zero)
PAGEFLAG(Isolated, PG_isolated)

static inline int page_to_nid(const struct page *page) { return (int)(page->flags >> NODES_PGSHIFT); }
static inline void set_page_node(struct page *page, int nid)
{
	page->flags = (page->flags & ~(~0UL << NODES_PGSHIFT)) | ((unsigned long)nid << NODES_PGSHIFT);
}

static inline bool PageTail(const struct page *page) { return READ_ONCE(page->compound_head) & 1; }
static inline bool PageCompound(const struct page *page) { return PageHead(page) || PageTail(page); }
static inline struct page *compound_head(struct page *page)
{
	unsigned long head = READ_ONCE(page->compound_head);
	return (head & 1) ? (struct page *)(head - 1) : page;
}
static inline unsigned int compound_order(const struct page *page)
{
	return PageHead(page) ? page[1].compound_order : 0;
}
static inline bool PageAnon(const struct page *page)
{
	return ((unsigned long)page->mapping & PAGE_MAPPING_FLAGS) == PAGE_MAPPING_ANON;
}

static inline int page_ref_count(const struct page *page) { return atomic_read(&page->_refcount); }
static inline void set_page_count(struct page *page, int v) { atomic_set(&page->_refcount, v); }
static inline void page_ref_inc(struct page *page) { atomic_inc(&page->_refcount); }
static inline bool page_ref_dec_and_test(struct page *page) { return atomic_dec_and_test(&page->_refcount); }
/*
 * A THP's PMD mappings (Linux 6.1: compound_mapcount, the "entire"
 * mapcount in page[1]); 0 for a page that is not compound.
 */
static inline int compound_mapcount(const struct page *page)
{
	const struct page *head = compound_head((struct page *)page);

	return PageHead(head) ? atomic_read(&head[1].compound_mapcount) + 1 : 0;
}

/*
 * How many page-table entries map this 4 KB page: its own PTE mappings
 * plus, for a subpage of a THP, the PMD mappings of the whole (Linux 6.1).
 */
static inline int page_mapcount(const struct page *page)
{
	return atomic_read(&page->_mapcount) + 1 + compound_mapcount(page);
}
/* Mapped by at least one page-table entry (Linux: page_mapped). */
static inline bool page_mapped(const struct page *page) { return page_mapcount(page) > 0; }
static inline void page_mapcount_reset(struct page *page) { atomic_set(&page->_mapcount, -1); }

#endif
