/*
 * The buddy allocator: physical pages, one allocator per NUMA node
 * (Linux: mm/page_alloc.c).
 *
 *   NODE_DATA(nid)->free_area[order].free_list     mem_map[pfn] (struct page)
 *     order 10: [pfn 0x20000]<->[pfn 0x20400]      free block head: PG_buddy,
 *     order  9: [pfn 0x1fe00]                        private = order, lru on list
 *        ...                                       other pages of the block: clean
 *     order  0: [pfn 0x9e]<->[pfn 0x1a3]
 *
 *   A block of order k is 2^k frames starting at a pfn that is a multiple of
 *   2^k. Its buddy is the block at pfn ^ (1 << k):
 *
 *     order 1:  [ 8  9][10 11]      freeing 10-11 while 8-9 is free (PG_buddy,
 *     order 2:  [ 8  9  10 11]      order 1, same node) merges them into 8-11
 *
 *   __alloc_pages(gfp, order, preferred_nid)
 *     get_page_from_freelist: try the nodes of NODE_DATA(nid)->fallback[],
 *                             nearest first (__GFP_THISNODE: only nid)
 *       rmqueue -> __rmqueue_smallest: first non-empty list of order >= k
 *                  -> expand: split, upper halves back on the lower lists
 *       zone_statistics: numa_hit / numa_miss / numa_foreign, local / other
 *       prep_new_page: refcount 1, __GFP_ZERO, __GFP_COMP -> prep_compound_page
 *   __free_pages(page, order) / put_page(page)
 *     free_pages_prepare: catch bad frees, destroy compound metadata, poison
 *     __free_one_page: merge with the buddy while it is free, then list it
 *
 * Lock order:
 *   kmem_cache.lock            (mm/slab.c, while it creates or frees a slab)
 *     pg_data_t.lock           free_area[] and nr_free of one node, and
 *                              PG_buddy/private of its free blocks' heads;
 *                              never two node locks at once
 *
 * Two CPUs allocate and free at once: every free-list change holds the
 * node's lock (add_to_free_list, del_page_from_free_list assert it); the
 * checks and the zeroing of a page outside it touch only frames the
 * caller owns. The counters the fault path bumps are atomic (pgalloc,
 * pgfree: count_vm_events; numa_*: zone_statistics; mm/vmstat.c) and the
 * refcount is an atomic_t (put_page: only the CPU whose decrement reaches
 * zero frees). Readers of nr_free take a snapshot without the lock.
 *
 * Linux also splits each node into zones and keeps per-CPU page lists,
 * migrate types, watermarks, reclaim and compaction. Pagoda has none of
 * them: one zone per node, and a failed allocation simply returns NULL.
 *
 * Start reading at __alloc_pages() and __free_pages().
 */
#include <mm/mmzone.h>
#include <mm/memblock.h>
#include <mm/numa.h>
#include <mm/mm.h>
#include <kernel/kernel.h>
#include <lib/string.h>

struct page *mem_map;
unsigned long max_pfn;
pg_data_t node_data[MAX_NUMNODES];
bool page_poisoning_enabled = CONFIG_DEBUG_PAGEALLOC_POISON;

/* How a block is freed (Linux: fpi_t). */
typedef unsigned int fpi_t;
#define FPI_NONE	0x0
#define FPI_SKIP_POISON	0x1	/* boot: memblock_free_all()'s pages were never used */

/* Only the node id may be left in page->flags of a free page. */
#define PAGE_NODE_MASK	(~0UL << NODES_PGSHIFT)
/* Set at free time, these flags mean someone still owns the page. */
#define PAGE_FLAGS_CHECK_AT_FREE \
	((1UL << PG_locked) | (1UL << PG_reserved) | (1UL << PG_buddy) | \
	 (1UL << PG_slab) | (1UL << PG_zero) | (1UL << PG_isolated))

/* ---- the free lists ---- */

static inline unsigned int buddy_order(const struct page *page)
{
	return page->private;
}

/* Every change of a free list and of nr_free holds the node's lock. */
static void add_to_free_list(struct page *page, pg_data_t *pgdat, unsigned int order)
{
	struct free_area *area = &pgdat->free_area[order];

	lockdep_assert_held(&pgdat->lock);
	page->private = order;
	SetPageBuddy(page);
	list_add(&page->lru, &area->free_list);
	area->nr_free++;
	pgdat->nr_free += 1UL << order;
}

static void del_page_from_free_list(struct page *page, pg_data_t *pgdat, unsigned int order)
{
	lockdep_assert_held(&pgdat->lock);
	list_del(&page->lru);		/* lru.next = NULL: compound_head reads "not a tail" */
	ClearPageBuddy(page);
	page->private = 0;
	pgdat->free_area[order].nr_free--;
	pgdat->nr_free -= 1UL << order;
}

static inline unsigned long __find_buddy_pfn(unsigned long pfn, unsigned int order)
{
	return pfn ^ (1UL << order);
}

/* Is buddy the free block of this order next to page, on the same node? */
static inline bool page_is_buddy(const struct page *page, const struct page *buddy, unsigned int order)
{
	return PageBuddy(buddy) && buddy_order(buddy) == order &&
	       page_to_nid(buddy) == page_to_nid(page);
}

/*
 * Put a block of 2^order frames at pfn on its node's free lists, merging it
 * with its buddy for as long as the buddy is free: each merge doubles the
 * block and moves it up one order. Called with pgdat->lock held.
 */
static void __free_one_page(struct page *page, unsigned long pfn, pg_data_t *pgdat, unsigned int order)
{
	lockdep_assert_held(&pgdat->lock);
	VM_BUG_ON(pfn & ((1UL << order) - 1), "pfn 0x%lx not aligned to order %u", pfn, order);

	while (order < MAX_ORDER - 1) {
		unsigned long buddy_pfn = __find_buddy_pfn(pfn, order);
		struct page *buddy;

		if (!pfn_valid(buddy_pfn))
			break;
		buddy = pfn_to_page(buddy_pfn);
		if (!page_is_buddy(page, buddy, order))
			break;
		del_page_from_free_list(buddy, pgdat, order);
		pfn &= buddy_pfn;		/* the merged block starts at the lower of the two */
		page = pfn_to_page(pfn);
		order++;
	}
	add_to_free_list(page, pgdat, order);
}

/*
 * page heads a block of order high; keep its first 2^low frames and give
 * the rest back as halves: order high-1, high-2, ..., low.
 */
static void expand(pg_data_t *pgdat, struct page *page, unsigned int low, unsigned int high)
{
	unsigned long size = 1UL << high;

	while (high > low) {
		high--;
		size >>= 1;
		add_to_free_list(&page[size], pgdat, high);
	}
}

/* The first block on the smallest non-empty list of order >= order. */
static struct page *__rmqueue_smallest(pg_data_t *pgdat, unsigned int order)
{
	for (unsigned int current_order = order; current_order < MAX_ORDER; current_order++) {
		struct free_area *area = &pgdat->free_area[current_order];
		struct page *page;

		if (list_empty(&area->free_list))
			continue;
		page = list_first_entry(&area->free_list, struct page, lru);
		del_page_from_free_list(page, pgdat, current_order);
		expand(pgdat, page, order, current_order);
		return page;
	}
	return NULL;
}

static struct page *rmqueue(pg_data_t *pgdat, unsigned int order)
{
	struct page *page;

	spin_lock(&pgdat->lock);
	page = __rmqueue_smallest(pgdat, order);
	spin_unlock(&pgdat->lock);
	if (page)
		count_vm_events(PGALLOC, 1UL << order);
	return page;
}

/* ---- allocation ---- */

static __noreturn void bad_page(const struct page *page, const char *reason)
{
	panic("Bad page state: pfn 0x%lx node %d flags 0x%lx refcount %d mapcount %d mapping %p: %s",
	      page_to_pfn(page), page_to_nid(page), page->flags, page_ref_count(page),
	      page_mapcount(page), page->mapping, reason);
}

/* A page coming off the free lists must look exactly as free_pages_prepare() left it. */
static void check_new_page(const struct page *page)
{
	if (page->flags & ~PAGE_NODE_MASK)
		bad_page(page, "flags set on a free page");
	if (page_ref_count(page) != 0)
		bad_page(page, "nonzero refcount on a free page");
	if (page_mapcount(page) != 0)
		bad_page(page, "free page is mapped");
	if (page->mapping)
		bad_page(page, "free page has a mapping");
	if (page->compound_head & 1)
		bad_page(page, "free page is still a compound tail");
}

/*
 * Make page the head of a compound page of 2^order frames: tails point
 * back at it with bit 0 set, page[1] keeps the order and the PMD mapcount.
 */
static void prep_compound_page(struct page *page, unsigned int order)
{
	unsigned long nr = 1UL << order;

	SetPageHead(page);
	for (unsigned long i = 1; i < nr; i++)
		page[i].compound_head = (unsigned long)page + 1;
	page[1].compound_order = order;
	atomic_set(&page[1].compound_mapcount, -1);
}

static void prep_new_page(struct page *page, unsigned int order, gfp_t gfp)
{
	unsigned long nr = 1UL << order;

	for (unsigned long i = 0; i < nr; i++)
		check_new_page(page + i);
	set_page_count(page, 1);
	if (gfp & __GFP_ZERO)
		memset(page_address(page), 0, PAGE_SIZE << order);
	if ((gfp & __GFP_COMP) && order)
		prep_compound_page(page, order);
}

/*
 * numastat, as Linux's zone_statistics(): the node that gave the page
 * counts a hit if it was the one asked for, else a miss, and the node
 * asked for counts a foreign; local/other compare with the running CPU.
 */
static void zone_statistics(int preferred_nid, int nid)
{
	struct numa_stat *stat = &NODE_DATA(nid)->stat;

	if (nid == preferred_nid) {
		numa_stat_inc(&stat->numa_hit);
	} else {
		numa_stat_inc(&stat->numa_miss);
		numa_stat_inc(&NODE_DATA(preferred_nid)->stat.numa_foreign);
	}
	numa_stat_inc(nid == numa_node_id() ? &stat->local_node : &stat->other_node);
}

/* May the allocation take from nid: in nodemask (NULL: any node), and only preferred_nid under __GFP_THISNODE. */
static bool node_allowed(gfp_t gfp, int nid, int preferred_nid, const nodemask_t *nodemask)
{
	if ((gfp & __GFP_THISNODE) && nid != preferred_nid)
		return false;
	return !nodemask || node_isset(nid, *nodemask);
}

/*
 * Walk the preferred node's fallback list, nearest node first, skipping
 * the nodes nodemask leaves out. The node the statistics call preferred is
 * the first allowed one of the list (Linux: ac->preferred_zoneref, from
 * first_zones_zonelist), so that a BIND policy's allocation that its node
 * serves counts a hit there.
 */
static struct page *get_page_from_freelist(gfp_t gfp, unsigned int order, int preferred_nid,
					   const nodemask_t *nodemask)
{
	const int *fallback = NODE_DATA(preferred_nid)->fallback;
	int stat_nid = NUMA_NO_NODE;

	for (int i = 0; i < MAX_NUMNODES && fallback[i] != NUMA_NO_NODE; i++) {
		int nid = fallback[i];
		struct page *page;

		if (!node_allowed(gfp, nid, preferred_nid, nodemask))
			continue;
		if (stat_nid == NUMA_NO_NODE)
			stat_nid = nid;
		page = rmqueue(NODE_DATA(nid), order);
		if (page) {
			zone_statistics(stat_nid, nid);
			prep_new_page(page, order, gfp);
			return page;
		}
	}
	return NULL;
}

static void warn_alloc(gfp_t gfp, unsigned int order, int preferred_nid)
{
	if (gfp & __GFP_NOWARN)
		return;
	printk("page allocation failure: order:%u, mode:0x%x, preferred node %d\n",
	       order, gfp, preferred_nid);
	show_free_areas();
}

/*
 * The allocator's entry point: 2^order frames from preferred_nid or, unless
 * __GFP_THISNODE, the nearest node that has them, among the nodes of
 * nodemask (NULL: all; a BIND or PREFERRED_MANY policy's nodes). Returns
 * the head page with refcount 1, or NULL. Takes and drops one node lock
 * at a time.
 */
struct page *__alloc_pages(gfp_t gfp, unsigned int order, int preferred_nid,
			   const nodemask_t *nodemask)
{
	struct page *page;

	VM_BUG_ON(!mem_map, "order %u: free_area_init() has not run", order);
	VM_BUG_ON(preferred_nid < 0 || preferred_nid >= nr_node_ids,
		  "node %d, %d nodes online", preferred_nid, nr_node_ids);
	if (order >= MAX_ORDER) {
		warn_alloc(gfp, order, preferred_nid);
		return NULL;
	}
	page = get_page_from_freelist(gfp, order, preferred_nid, nodemask);
	/* Linux would now wake kswapd, reclaim, compact and maybe OOM-kill. */
	if (!page)
		warn_alloc(gfp, order, preferred_nid);
	return page;
}

/* As __alloc_pages, preferring node nid (NUMA_NO_NODE: this CPU's node). */
struct page *alloc_pages_node(int nid, gfp_t gfp, unsigned int order)
{
	if (nid == NUMA_NO_NODE)
		nid = numa_node_id();
	return __alloc_pages(gfp, order, nid, NULL);
}

/*
 * A kernel allocation in a task's name: the task's policy decides (Linux:
 * alloc_pages, mm/mempolicy.c), this CPU's node when it has none.
 */
struct page *alloc_pages(gfp_t gfp, unsigned int order)
{
	return alloc_pages_task(gfp, order);
}

/* As alloc_pages, returning the block's direct-map address, or 0. */
unsigned long __get_free_pages(gfp_t gfp, unsigned int order)
{
	struct page *page = alloc_pages(gfp, order);

	return page ? (unsigned long)page_address(page) : 0;
}

/* One zeroed page's direct-map address, or 0. */
unsigned long get_zeroed_page(gfp_t gfp)
{
	return __get_free_pages(gfp | __GFP_ZERO, 0);
}

/* ---- freeing ---- */

/* Undo prep_compound_page(), checking that the tails still point at head. */
static void destroy_compound_page(struct page *head, unsigned int order)
{
	unsigned long nr = 1UL << order;

	VM_BUG_ON(compound_order(head) != order, "pfn 0x%lx: compound order %u freed as order %u",
		  page_to_pfn(head), compound_order(head), order);
	VM_BUG_ON(atomic_read(&head[1].compound_mapcount) != -1,
		  "pfn 0x%lx: compound page freed while PMD-mapped (compound_mapcount %d)",
		  page_to_pfn(head), atomic_read(&head[1].compound_mapcount));
	for (unsigned long i = 1; i < nr; i++) {
		struct page *tail = head + i;

		VM_BUG_ON(tail->compound_head != (unsigned long)head + 1,
			  "pfn 0x%lx: tail %lu of head pfn 0x%lx has compound_head 0x%lx",
			  page_to_pfn(tail), i, page_to_pfn(head), tail->compound_head);
		tail->lru.next = NULL;	/* compound_head */
		tail->lru.prev = NULL;	/* page[1]: compound_order, compound_mapcount */
	}
	ClearPageHead(head);
}

/* One page of a block being freed: nobody may still own it. */
static void free_page_check(struct page *page)
{
	if (page->flags & PAGE_FLAGS_CHECK_AT_FREE)
		bad_page(page, PageBuddy(page) ? "PG_buddy: already free (double free)" :
			       "freed while PG_locked, PG_reserved, PG_slab, PG_zero or PG_isolated");
	if (page_ref_count(page) != 0)
		bad_page(page, "freed with nonzero refcount");
	if (page_mapcount(page) != 0)
		bad_page(page, "freed while still mapped");
	/* Linux leaves an anonymous page's anon_vma in ->mapping until the free. */
	if ((unsigned long)page->mapping & PAGE_MAPPING_ANON)
		page->mapping = NULL;
	if (page->mapping)
		bad_page(page, "freed with a mapping (slab cache?)");
	page->flags &= PAGE_NODE_MASK;	/* anon_exclusive, hugetlb, pgtable go here */
	page->private = 0;
}

static void free_pages_prepare(struct page *page, unsigned int order, fpi_t fpi)
{
	unsigned long nr = 1UL << order;

	VM_BUG_ON(PageTail(page), "pfn 0x%lx order %u: freeing a tail page", page_to_pfn(page), order);
	if (PageHead(page))
		destroy_compound_page(page, order);
	for (unsigned long i = 0; i < nr; i++)
		free_page_check(page + i);
	/* Junk, not stale data, for whoever reads the page after freeing it (mm/gfp.h). */
	if (page_poisoning_enabled && !(fpi & FPI_SKIP_POISON))
		memset(page_address(page), PAGE_POISON, PAGE_SIZE << order);
}

static void __free_pages_ok(struct page *page, unsigned int order, fpi_t fpi)
{
	pg_data_t *pgdat = NODE_DATA(page_to_nid(page));

	free_pages_prepare(page, order, fpi);
	spin_lock(&pgdat->lock);
	__free_one_page(page, page_to_pfn(page), pgdat, order);
	spin_unlock(&pgdat->lock);
	count_vm_events(PGFREE, 1UL << order);
}

/*
 * Drop a reference to a block from alloc_pages(); the last one frees it.
 * order must be the order it was allocated with.
 */
void __free_pages(struct page *page, unsigned int order)
{
	VM_BUG_ON(page_ref_count(page) <= 0, "pfn 0x%lx order %u refcount %d%s",
		  page_to_pfn(page), order, page_ref_count(page),
		  PageBuddy(page) ? ": already free (double free)" : "");
	/* Linux also frees the unreferenced tail of a non-compound block here; Pagoda never needs it. */
	if (page_ref_dec_and_test(page))
		__free_pages_ok(page, order, FPI_NONE);
}

/* __free_pages() by direct-map address; 0 is ignored. */
void free_pages(unsigned long addr, unsigned int order)
{
	if (addr)
		__free_pages(virt_to_page((void *)addr), order);
}

/* One more reference on page's head page, which must already hold one. */
void get_page(struct page *page)
{
	page = compound_head(page);
	VM_BUG_ON(page_ref_count(page) <= 0, "pfn 0x%lx refcount %d: reference to a free page",
		  page_to_pfn(page), page_ref_count(page));
	page_ref_inc(page);
}

/* The last reference is gone: a compound page goes back whole, a hugetlb page to its pool. */
static void __put_page(struct page *page)
{
	if (PageHugeTLB(page)) {
		free_huge_page(page);
		return;
	}
	__free_pages_ok(page, compound_order(page), FPI_NONE);
}

/*
 * Drop a reference on page's head page; the last one frees the whole
 * (compound) page and takes the node lock, so a caller may hold
 * page_table_lock or the anon_vma lock (lock order: those come first).
 */
void put_page(struct page *page)
{
	page = compound_head(page);
	VM_BUG_ON(page_ref_count(page) <= 0, "pfn 0x%lx refcount %d%s",
		  page_to_pfn(page), page_ref_count(page),
		  PageBuddy(page) ? ": already free (double free)" : "");
	if (page_ref_dec_and_test(page))
		__put_page(page);
}

/* ---- boot: mem_map, nodes, fallback lists, the pages memblock hands over ---- */

/* The first pfn after pfn (at most end_pfn) whose node differs; after free_area_init(). */
unsigned long node_run_end(unsigned long pfn, unsigned long end_pfn)
{
	int nid = page_to_nid(pfn_to_page(pfn));

	while (++pfn < end_pfn && page_to_nid(pfn_to_page(pfn)) == nid)
		;
	return pfn;
}

/* Every frame starts reserved; memblock_free_all() frees the ones that are RAM and unused. */
static void __init_single_page(struct page *page, int nid)
{
	*page = (struct page){ .flags = 1UL << PG_reserved };	/* plain stores: memset is slow under TCG */
	set_page_node(page, nid);
	set_page_count(page, 0);
	page_mapcount_reset(page);
}

/* One struct page per frame up to max_pfn, holes included (Linux: FLATMEM). */
static void alloc_node_mem_map(void)
{
	phys_addr_t size = max_pfn * sizeof(struct page);
	phys_addr_t pa = memblock_phys_alloc_raw(size, PAGE_SIZE, NUMA_NO_NODE);	/* __init_single_page writes it all */

	mem_map = __va(pa);
	printk("mem_map: %lu struct pages (%lu KB) at [mem 0x%016lx-0x%016lx]\n",
	       max_pfn, (unsigned long)(size >> 10), (unsigned long)pa, (unsigned long)(pa + size - 1));
}

static void pgdat_init(int nid)
{
	pg_data_t *pgdat = NODE_DATA(nid);

	memset(pgdat, 0, sizeof(*pgdat));
	pgdat->node_id = nid;
	spin_lock_init(&pgdat->lock);
	spin_lock_set_order(&pgdat->lock, LOCK_ORDER_PGDAT);
	for (unsigned int order = 0; order < MAX_ORDER; order++)
		INIT_LIST_HEAD(&pgdat->free_area[order].free_list);
	pgdat->fallback[0] = nid;		/* until build_all_zonelists() */
	pgdat->fallback[1] = NUMA_NO_NODE;
}

/* A run of RAM frames [start, end) on node nid: print it and count it in the node. */
static void account_node_range(int nid, unsigned long start, unsigned long end)
{
	pg_data_t *pgdat = NODE_DATA(nid);
	unsigned long span_start = start, span_end = end;

	printk("  node %3d: [mem 0x%016lx-0x%016lx]\n", nid,
	       (unsigned long)PFN_PHYS(start), (unsigned long)PFN_PHYS(end) - 1);
	if (pgdat->node_present_pages) {
		span_start = min(start, pgdat->node_start_pfn);
		span_end = max(end, pgdat->node_start_pfn + pgdat->node_spanned_pages);
	}
	pgdat->node_start_pfn = span_start;
	pgdat->node_spanned_pages = span_end - span_start;
	pgdat->node_present_pages += end - start;
}

/* Node spans and present pages from memblock.memory, cut where the node changes. */
static void calculate_node_totalpages(void)
{
	printk("Early memory node ranges\n");
	for (unsigned int i = 0; i < memblock_memory.cnt; i++) {
		const struct memblock_region *r = &memblock_memory.regions[i];
		unsigned long pfn = PFN_UP(r->base), end = min(PFN_DOWN(r->base + r->size), max_pfn);

		while (pfn < end) {
			unsigned long run_end = node_run_end(pfn, end);
			int nid = page_to_nid(pfn_to_page(pfn));

			account_node_range(nid, pfn, run_end);
			pfn = run_end;
		}
	}
	for (int nid = 0; nid < nr_node_ids; nid++) {
		const pg_data_t *pgdat = NODE_DATA(nid);
		unsigned long end = pgdat->node_start_pfn + pgdat->node_spanned_pages;

		if (!pgdat->node_present_pages) {
			printk("Initializing node %d as memoryless\n", nid);
			continue;
		}
		printk("Initmem setup node %d [mem 0x%016lx-0x%016lx]\n", nid,
		       (unsigned long)PFN_PHYS(pgdat->node_start_pfn), (unsigned long)PFN_PHYS(end) - 1);
	}
}

/*
 * Build mem_map and the per-node pg_data_t (Linux: free_area_init). Runs
 * after numa_init() (page nodes come from phys_to_nid) and while memblock
 * still allocates. Every page is left PG_reserved; the free lists are empty.
 */
void free_area_init(void)
{
	max_pfn = PFN_DOWN(memblock_end_of_ram());
	alloc_node_mem_map();
	for (unsigned long pfn = 0; pfn < max_pfn; pfn++)
		__init_single_page(pfn_to_page(pfn), phys_to_nid(PFN_PHYS(pfn)));
	for (int nid = 0; nid < MAX_NUMNODES; nid++)
		pgdat_init(nid);
	calculate_node_totalpages();
}

/*
 * Linux's scale of a distance against a node's load: it multiplies by its
 * MAX_NUMNODES (1024 in Debian's config), more than any node_load can reach,
 * so that a load only breaks ties. Pagoda's MAX_NUMNODES (8) could be
 * reached by a load; the order must be Linux's for the same SLIT.
 */
#define NODE_LOAD_SCALE	1024

/* How often a node came first in its distance group of a list built so far. */
static int node_load[MAX_NUMNODES];

/*
 * The nearest node to node not in used, then marked used (Linux:
 * find_next_best_node): by distance, then nodes above node before those
 * below ("prefer the next node"), then the least loaded, then the lowest id.
 * Linux also adds PENALTY_FOR_NODE_WITH_CPUS for a node whose cpumask is
 * not empty; at boot, when it builds the lists, no CPU has been added to
 * its node's mask yet (numa_add_cpu runs from identify_cpu, later), so the
 * penalty is never taken then: the orders here are Linux 6.1's (checked on
 * a 4-node ring with 4 CPUs and with 2).
 */
static int find_next_best_node(int node, bool *used)
{
	int best_node = NUMA_NO_NODE, min_val = 0;

	if (!used[node]) {
		used[node] = true;
		return node;
	}
	for (int n = 0; n < nr_node_ids; n++) {
		int val;

		if (used[n])
			continue;
		val = node_distance(node, n) + (n < node);
		val = val * NODE_LOAD_SCALE + node_load[n];
		if (best_node == NUMA_NO_NODE || val < min_val) {
			min_val = val;
			best_node = n;
		}
	}
	if (best_node != NUMA_NO_NODE)
		used[best_node] = true;
	return best_node;
}

/*
 * Nodes by distance from pgdat's node, nearest first (itself, at
 * LOCAL_DISTANCE), as Linux's build_zonelists orders them: the first node
 * of each new distance gets a load, so that of two nodes at the same
 * distance the next list starts with the other one (round robin).
 */
static void build_zonelists(pg_data_t *pgdat)
{
	bool used[MAX_NUMNODES] = { false };
	int local_node = pgdat->node_id, prev_node = local_node;
	int node, n = 0, len;
	char line[96];

	len = snprintf(line, sizeof(line), "Fallback order for Node %d:", local_node);
	while ((node = find_next_best_node(local_node, used)) != NUMA_NO_NODE) {
		if (node_distance(local_node, node) != node_distance(local_node, prev_node))
			node_load[node] += 1;
		pgdat->fallback[n++] = node;
		prev_node = node;
		len += snprintf(line + len, sizeof(line) - len, " %d", node);
	}
	if (n < MAX_NUMNODES)
		pgdat->fallback[n] = NUMA_NO_NODE;
	printk("%s\n", line);
}

/* Boot, once the nodes are known: each node's fallback list, nearest node first. */
void build_all_zonelists(void)
{
	unsigned long present = 0;

	memset(node_load, 0, sizeof(node_load));

	for (int nid = 0; nid < nr_node_ids; nid++) {
		build_zonelists(NODE_DATA(nid));
		present += NODE_DATA(nid)->node_present_pages;
	}
	printk("Built %d zonelists, mobility grouping off.  Total pages: %lu\n", nr_node_ids, present);
}

/* A boot block: it was PG_reserved since free_area_init(); give it to the buddy allocator. */
static void __free_pages_core(struct page *page, unsigned int order)
{
	unsigned long nr = 1UL << order;
	int nid = page_to_nid(page);

	for (unsigned long i = 0; i < nr; i++) {
		struct page *p = page + i;

		VM_BUG_ON(page_to_nid(p) != nid, "pfn 0x%lx on node %d inside a node %d block",
			  page_to_pfn(p), page_to_nid(p), nid);
		p->flags &= ~(1UL << PG_reserved);
		set_page_count(p, 0);
	}
	NODE_DATA(nid)->managed_pages += nr;
	__free_pages_ok(page, order, FPI_SKIP_POISON);
}

/* Boot (memblock_free_all): hand the reserved block of 2^order frames at pfn to the buddy allocator. */
void memblock_free_pages(struct page *page, unsigned long pfn, unsigned int order)
{
	VM_BUG_ON(page_to_pfn(page) != pfn, "page of pfn 0x%lx passed for pfn 0x%lx", page_to_pfn(page), pfn);
	__free_pages_core(page, order);
}

/* ---- counters ---- */

/* Free frames on node nid: read without the node lock, so a snapshot. */
unsigned long node_free_pages(int nid)
{
	return READ_ONCE(NODE_DATA(nid)->nr_free);
}

/* Free frames on every node (a snapshot). */
unsigned long nr_free_pages(void)
{
	unsigned long sum = 0;

	for (int nid = 0; nid < nr_node_ids; nid++)
		sum += node_free_pages(nid);
	return sum;
}

/*
 * Is page inside a free block of the buddy allocator, as its head or as
 * one of the frames behind it? (Linux: is_free_buddy_page, for
 * /proc/kpageflags' BUDDY bit.) Only the head of a free block has PG_buddy
 * and its order in private, so look for a head at each order's alignment.
 * Read-only; takes the node's buddy lock, so the answer was true at some
 * moment during the call.
 */
bool is_free_buddy_page(const struct page *page)
{
	unsigned long pfn = page_to_pfn(page);
	pg_data_t *pgdat = NODE_DATA(page_to_nid(page));
	unsigned int order;

	spin_lock(&pgdat->lock);
	for (order = 0; order < MAX_ORDER; order++) {
		const struct page *head = page - (pfn & ((1UL << order) - 1));

		if (PageBuddy(head) && buddy_order(head) >= order)
			break;
	}
	spin_unlock(&pgdat->lock);
	return order < MAX_ORDER;
}

/* Frames the buddy allocator manages, on every node. */
unsigned long totalram_pages(void)
{
	unsigned long sum = 0;

	for (int nid = 0; nid < nr_node_ids; nid++)
		sum += NODE_DATA(nid)->managed_pages;
	return sum;
}

/* "Node 0: 3*4kB 1*8kB ... = 1234kB", one line per node, as Linux's show_free_areas(). */
void show_free_areas(void)
{
	for (int nid = 0; nid < nr_node_ids; nid++) {
		pg_data_t *pgdat = NODE_DATA(nid);
		unsigned long nr[MAX_ORDER], total = 0;
		char line[400];
		int len;

		spin_lock(&pgdat->lock);
		for (unsigned int order = 0; order < MAX_ORDER; order++)
			nr[order] = pgdat->free_area[order].nr_free;
		spin_unlock(&pgdat->lock);
		len = snprintf(line, sizeof(line), "Node %d:", nid);
		for (unsigned int order = 0; order < MAX_ORDER; order++) {
			len += snprintf(line + len, sizeof(line) - len, " %lu*%lukB", nr[order], 4UL << order);
			total += nr[order] << (order + PAGE_SHIFT - 10);
		}
		printk("%s = %lukB\n", line, total);
	}
}
