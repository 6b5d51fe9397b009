/*
 * Boot-time self-test of the buddy allocator and the slab allocator, run
 * with selftest=buddy (or all, or buddy/CASE) on the command line by the
 * runner, tests/kernel/selftest.c. Prints TAP on the console:
 *
 *   ok 3 - selftest/buddy/split
 *   not ok 4 - selftest/buddy/coalesce # node 0 order 1: 0 free blocks, expected 1
 *
 * Every test puts back all it took: the free blocks of every order on every
 * node, and slab_pages(), must be exactly what they were before it.
 *
 * Start reading at buddy_selftest_cases[] (the end of the file), then
 * drain_small_orders(), which makes the split and coalesce tests
 * deterministic.
 */
#include <mm/mmzone.h>
#include <mm/numa.h>
#include <mm/slab.h>
#include <kernel/kernel.h>
#include <lib/string.h>
#include <kernel/selftest.h>

#define BITS_PER_LONG	64

/* ---- free-list state: what every test must leave as it found it ---- */

struct free_state {
	unsigned long nr_free[MAX_NUMNODES];
	unsigned long blocks[MAX_NUMNODES][MAX_ORDER];
	unsigned long slab;
};

static void free_state_read(struct free_state *st)
{
	for (int nid = 0; nid < nr_node_ids; nid++) {
		pg_data_t *pgdat = NODE_DATA(nid);

		spin_lock(&pgdat->lock);
		st->nr_free[nid] = pgdat->nr_free;
		for (unsigned int order = 0; order < MAX_ORDER; order++)
			st->blocks[nid][order] = pgdat->free_area[order].nr_free;
		spin_unlock(&pgdat->lock);
	}
	st->slab = slab_pages();
}

static bool free_state_same(const struct free_state *before, const char *when)
{
	struct free_state now;

	free_state_read(&now);
	for (int nid = 0; nid < nr_node_ids; nid++) {
		if (now.nr_free[nid] != before->nr_free[nid])
			return selftest_fail("%s: node %d has %lu free pages, %lu before", when, nid,
				    now.nr_free[nid], before->nr_free[nid]);
		for (unsigned int order = 0; order < MAX_ORDER; order++)
			if (now.blocks[nid][order] != before->blocks[nid][order])
				return selftest_fail("%s: node %d order %u has %lu free blocks, %lu before", when,
					    nid, order, now.blocks[nid][order], before->blocks[nid][order]);
	}
	if (now.slab != before->slab)
		return selftest_fail("%s: slab_pages() is %lu, %lu before", when, now.slab, before->slab);
	return true;
}

/* ---- holding pages: a list through page->lru, the order in page->private ---- */

static void hold(struct list_head *held, struct page *page, unsigned int order)
{
	page->private = order;
	list_add(&page->lru, held);
}

static void release_all(struct list_head *held)
{
	struct page *page, *next;

	list_for_each_entry_safe(page, next, held, lru) {
		unsigned int order = page->private;

		list_del(&page->lru);
		page->private = 0;
		__free_pages(page, order);
	}
}

static unsigned long free_blocks(int nid, unsigned int order)
{
	return READ_ONCE(NODE_DATA(nid)->free_area[order].nr_free);
}

/* pfn of the block at the head of a free list (the next one handed out), or -1. */
static long first_free_pfn(int nid, unsigned int order)
{
	pg_data_t *pgdat = NODE_DATA(nid);
	long pfn = -1;

	spin_lock(&pgdat->lock);
	if (!list_empty(&pgdat->free_area[order].free_list))
		pfn = page_to_pfn(list_first_entry(&pgdat->free_area[order].free_list, struct page, lru));
	spin_unlock(&pgdat->lock);
	return pfn;
}

/*
 * Allocate every free block of orders 0..9 on nid, so that only order-10
 * blocks are left: the next allocation must split one. Returns false
 * (with why set) if that state cannot be reached.
 */
static bool drain_small_orders(int nid, struct list_head *held)
{
	for (unsigned int order = 0; order < MAX_ORDER - 1; order++) {
		for (unsigned long n = free_blocks(nid, order); n; n--) {
			struct page *page = alloc_pages_node(nid, __GFP_THISNODE | __GFP_NOWARN, order);

			if (!page)
				return selftest_fail("drain: node %d order %u allocation failed", nid, order);
			hold(held, page, order);
		}
		if (free_blocks(nid, order))
			return selftest_fail("drain: node %d order %u still has %lu free blocks",
				    nid, order, free_blocks(nid, order));
	}
	if (!free_blocks(nid, MAX_ORDER - 1))
		return selftest_fail("drain: node %d has no free block of order %d", nid, MAX_ORDER - 1);
	return true;
}

static int node_with_most_free(void)
{
	int best = 0;

	for (int nid = 1; nid < nr_node_ids; nid++)
		if (node_free_pages(nid) > node_free_pages(best))
			best = nid;
	return best;
}

/* ---- the tests ---- */

/* A free block: head PG_buddy with its order, aligned; every frame on nid, the others clean. */
static bool check_free_block(struct page *page, int nid, unsigned int order)
{
	unsigned long pfn = page_to_pfn(page);

	if (!PageBuddy(page) || page->private != order || (pfn & ((1UL << order) - 1)))
		return selftest_fail("node %d order %u: block pfn 0x%lx buddy %d order %lu", nid, order, pfn,
			    PageBuddy(page), page->private);
	for (unsigned long i = 0; i < (1UL << order); i++) {
		const struct page *p = page + i;

		if (page_to_nid(p) != nid || (i && (p->flags << NODES_SHIFT)))
			return selftest_fail("node %d order %u: block pfn 0x%lx, frame 0x%lx on node %d flags 0x%lx",
				    nid, order, pfn, pfn + i, page_to_nid(p), p->flags);
	}
	return true;
}

/* Every free block is well formed and on its node's list; the counts add up. */
static bool test_free_lists_consistent(void)
{
	for (int nid = 0; nid < nr_node_ids; nid++) {
		pg_data_t *pgdat = NODE_DATA(nid);
		unsigned long pages = 0;
		bool ok = true;

		spin_lock(&pgdat->lock);
		for (unsigned int order = 0; order < MAX_ORDER && ok; order++) {
			unsigned long n = 0;
			struct page *page;

			list_for_each_entry(page, &pgdat->free_area[order].free_list, lru) {
				n++;
				ok = check_free_block(page, nid, order);
				if (!ok)
					break;
			}
			if (ok && n != pgdat->free_area[order].nr_free)
				ok = selftest_fail("node %d order %u: %lu blocks listed, nr_free %lu",
					  nid, order, n, pgdat->free_area[order].nr_free);
			pages += n << order;
		}
		if (ok && pages != pgdat->nr_free)
			ok = selftest_fail("node %d: %lu pages on the lists, nr_free %lu", nid, pages, pgdat->nr_free);
		spin_unlock(&pgdat->lock);
		if (!ok)
			return false;
	}
	return true;
}

/* Each node's fallback list: itself first, then every other node once, by distance. */
static bool test_fallback_order(void)
{
	for (int nid = 0; nid < nr_node_ids; nid++) {
		const int *fb = NODE_DATA(nid)->fallback;
		unsigned int seen = 0;

		if (fb[0] != nid)
			return selftest_fail("node %d: fallback list starts with node %d", nid, fb[0]);
		for (int i = 0; i < nr_node_ids; i++) {
			if (fb[i] < 0 || fb[i] >= nr_node_ids || (seen & (1u << fb[i])))
				return selftest_fail("node %d: fallback[%d] is %d", nid, i, fb[i]);
			seen |= 1u << fb[i];
			if (i && node_distance(nid, fb[i]) < node_distance(nid, fb[i - 1]))
				return selftest_fail("node %d: fallback[%d] node %d (distance %d) after node %d (distance %d)",
					    nid, i, fb[i], node_distance(nid, fb[i]), fb[i - 1],
					    node_distance(nid, fb[i - 1]));
		}
		if (nr_node_ids < MAX_NUMNODES && fb[nr_node_ids] != NUMA_NO_NODE)
			return selftest_fail("node %d: fallback list not ended by -1", nid);
	}
	return true;
}

/* One order-k block on nid: aligned, all its pages on nid, refcount 1. */
static bool check_block(struct page *page, int nid, unsigned int order)
{
	unsigned long pfn = page_to_pfn(page);

	if (pfn & ((1UL << order) - 1))
		return selftest_fail("node %d order %u: pfn 0x%lx is not aligned", nid, order, pfn);
	for (unsigned long i = 0; i < (1UL << order); i++)
		if (page_to_nid(page + i) != nid)
			return selftest_fail("node %d order %u: pfn 0x%lx is on node %d", nid, order,
				    pfn + i, page_to_nid(page + i));
	if (page_ref_count(page) != 1 || PageBuddy(page))
		return selftest_fail("node %d order %u: pfn 0x%lx refcount %d buddy %d", nid, order, pfn,
			    page_ref_count(page), PageBuddy(page));
	return true;
}

static bool test_alloc_free_every_order(void)
{
	struct free_state st;

	free_state_read(&st);
	for (int nid = 0; nid < nr_node_ids; nid++) {
		if (!NODE_DATA(nid)->managed_pages)
			continue;
		for (unsigned int order = 0; order < MAX_ORDER; order++) {
			unsigned long before = node_free_pages(nid);
			struct page *page = alloc_pages_node(nid, __GFP_THISNODE | __GFP_NOWARN, order);
			bool ok;

			if (!page)
				return selftest_fail("node %d order %u: allocation failed, %lu pages free", nid, order, before);
			ok = check_block(page, nid, order);
			if (ok && node_free_pages(nid) != before - (1UL << order))
				ok = selftest_fail("node %d order %u: %lu free after, %lu before", nid, order,
					  node_free_pages(nid), before);
			__free_pages(page, order);
			if (!ok || !free_state_same(&st, "after free"))
				return false;
		}
	}
	return true;
}

/* With only order-10 blocks left, an order-0 allocation leaves one block of each order 0..9. */
static bool test_split(void)
{
	int nid = node_with_most_free();
	struct free_state st;
	unsigned long top_before;
	struct page *page = NULL;
	long base;
	bool ok;
	LIST_HEAD(held);

	free_state_read(&st);
	ok = drain_small_orders(nid, &held);
	if (ok) {
		top_before = free_blocks(nid, MAX_ORDER - 1);
		base = first_free_pfn(nid, MAX_ORDER - 1);
		page = alloc_pages_node(nid, __GFP_THISNODE, 0);
		if (!page || (long)page_to_pfn(page) != base)
			ok = selftest_fail("order 0 from a split block at pfn 0x%lx: got pfn 0x%lx", base,
				  page ? page_to_pfn(page) : 0);
		for (unsigned int order = 0; ok && order < MAX_ORDER - 1; order++)
			if (free_blocks(nid, order) != 1 || first_free_pfn(nid, order) != base + (1L << order))
				ok = selftest_fail("node %d order %u: %lu free blocks, first at pfn 0x%lx; expected 1 at 0x%lx",
					  nid, order, free_blocks(nid, order), first_free_pfn(nid, order),
					  base + (1L << order));
		if (ok && free_blocks(nid, MAX_ORDER - 1) != top_before - 1)
			ok = selftest_fail("node %d order 10: %lu free blocks, expected %lu", nid,
				  free_blocks(nid, MAX_ORDER - 1), top_before - 1);
	}
	if (page)
		__free_pages(page, 0);
	release_all(&held);
	return ok && free_state_same(&st, "after the test");
}

/* Two order-0 buddies freed one after the other merge back into the order-10 block. */
static bool test_coalesce(void)
{
	int nid = node_with_most_free();
	struct page *a = NULL, *b = NULL;
	struct free_state st;
	unsigned long top_before = 0;
	bool ok;
	LIST_HEAD(held);

	free_state_read(&st);
	ok = drain_small_orders(nid, &held);
	if (ok) {
		top_before = free_blocks(nid, MAX_ORDER - 1);
		a = alloc_pages_node(nid, __GFP_THISNODE, 0);
		b = alloc_pages_node(nid, __GFP_THISNODE, 0);
		if (!a || !b || page_to_pfn(b) != (page_to_pfn(a) ^ 1))
			ok = selftest_fail("expected two buddies, got pfns 0x%lx and 0x%lx",
				  a ? page_to_pfn(a) : 0, b ? page_to_pfn(b) : 0);
	}
	if (ok) {
		__free_pages(a, 0);
		a = NULL;
		if (free_blocks(nid, 0) != 1)
			ok = selftest_fail("one buddy freed: %lu order-0 blocks, expected 1", free_blocks(nid, 0));
	}
	if (ok) {
		long base = page_to_pfn(b) & ~((1L << (MAX_ORDER - 1)) - 1);

		__free_pages(b, 0);
		b = NULL;
		for (unsigned int order = 0; ok && order < MAX_ORDER - 1; order++)
			if (free_blocks(nid, order))
				ok = selftest_fail("both freed: order %u has %lu blocks, expected 0", order,
					  free_blocks(nid, order));
		if (ok && (free_blocks(nid, MAX_ORDER - 1) != top_before ||
			   first_free_pfn(nid, MAX_ORDER - 1) != base))
			ok = selftest_fail("both freed: %lu order-10 blocks (first pfn 0x%lx), expected %lu (first 0x%lx)",
				  free_blocks(nid, MAX_ORDER - 1), first_free_pfn(nid, MAX_ORDER - 1),
				  top_before, base);
	}
	if (a)
		__free_pages(a, 0);
	if (b)
		__free_pages(b, 0);
	release_all(&held);
	return ok && free_state_same(&st, "after the test");
}

/* __GFP_THISNODE on each node gives that node's page and counts a numa_hit there. */
static bool test_thisnode(void)
{
	for (int nid = 0; nid < nr_node_ids; nid++) {
		unsigned long hit = NODE_DATA(nid)->stat.numa_hit;
		struct page *page;
		int got;

		if (!NODE_DATA(nid)->managed_pages)
			continue;
		page = alloc_pages_node(nid, __GFP_THISNODE, 0);
		if (!page)
			return selftest_fail("node %d: allocation failed", nid);
		got = page_to_nid(page);
		__free_pages(page, 0);
		if (got != nid)
			return selftest_fail("asked node %d with __GFP_THISNODE, got a page of node %d", nid, got);
		if (NODE_DATA(nid)->stat.numa_hit != hit + 1)
			return selftest_fail("node %d numa_hit %lu, expected %lu", nid, NODE_DATA(nid)->stat.numa_hit, hit + 1);
	}
	return nr_node_ids > 1 ? true : selftest_skip("one node: only node 0 tested");
}

/* Take every free page of nid with __GFP_THISNODE, largest blocks first. */
static void exhaust_node(int nid, struct list_head *held)
{
	for (int order = MAX_ORDER - 1; order >= 0; order--) {
		struct page *page;

		while ((page = alloc_pages_node(nid, __GFP_THISNODE | __GFP_NOWARN, order)))
			hold(held, page, order);
	}
}

/* Node 1 empty: its allocation comes from the next node of its fallback list, a numa_miss. */
static bool test_fallback(void)
{
	const int nid = 1;
	const bool poison = page_poisoning_enabled;
	struct free_state st;
	struct page *page = NULL;
	int expected;
	bool ok = true;
	LIST_HEAD(held);

	if (nr_node_ids < 2)
		return selftest_skip("one node");
	expected = NODE_DATA(nid)->fallback[1];
	if (expected == NUMA_NO_NODE)
		return selftest_fail("node %d has no fallback node", nid);
	free_state_read(&st);
	exhaust_node(nid, &held);
	if (node_free_pages(nid))
		ok = selftest_fail("node %d still has %lu free pages after exhaustion", nid, node_free_pages(nid));
	if (ok && (page = alloc_pages_node(nid, __GFP_THISNODE | __GFP_NOWARN, 0)))
		ok = selftest_fail("__GFP_THISNODE on empty node %d returned pfn 0x%lx", nid, page_to_pfn(page));
	if (ok) {
		unsigned long miss = NODE_DATA(expected)->stat.numa_miss;
		unsigned long foreign = NODE_DATA(nid)->stat.numa_foreign;

		page = alloc_pages_node(nid, __GFP_NOWARN, 0);
		if (!page || page_to_nid(page) != expected)
			ok = selftest_fail("node %d empty: expected a node %d page, got %s node %d", nid, expected,
				  page ? "a page of" : "nothing from", page ? page_to_nid(page) : -1);
		else if (NODE_DATA(expected)->stat.numa_miss != miss + 1 ||
			 NODE_DATA(nid)->stat.numa_foreign != foreign + 1)
			ok = selftest_fail("numa_miss on node %d %lu (was %lu), numa_foreign on node %d %lu (was %lu)",
				  expected, NODE_DATA(expected)->stat.numa_miss, miss,
				  nid, NODE_DATA(nid)->stat.numa_foreign, foreign);
	}
	if (page)
		__free_pages(page, 0);
	/* The blocks were never written: poisoning half a gigabyte would only cost boot time. */
	page_poisoning_enabled = false;
	release_all(&held);
	page_poisoning_enabled = poison;
	return ok && free_state_same(&st, "after freeing everything");
}

/* 4096 blocks of orders 0..2 from all nodes: no frame is handed out twice. */
static bool test_no_double_handout(void)
{
	unsigned long bitmap_bytes = DIV_ROUND_UP(max_pfn, BITS_PER_LONG) * sizeof(unsigned long);
	unsigned int bitmap_order = get_order(bitmap_bytes);
	struct free_state st;
	unsigned long *bitmap;
	struct page *bitmap_page;
	bool ok = true;
	LIST_HEAD(held);

	free_state_read(&st);
	bitmap_page = alloc_pages(__GFP_ZERO, bitmap_order);
	if (!bitmap_page)
		return selftest_fail("no order-%u block for the bitmap", bitmap_order);
	bitmap = page_address(bitmap_page);
	for (int i = 0; i < 4096 && ok; i++) {
		unsigned int order = i % 3;
		struct page *page = alloc_pages_node(i % nr_node_ids, __GFP_NOWARN, order);

		if (!page) {
			ok = selftest_fail("allocation %d (order %u) failed, %lu pages free", i, order, nr_free_pages());
			break;
		}
		hold(&held, page, order);
		for (unsigned long pfn = page_to_pfn(page); pfn < page_to_pfn(page) + (1UL << order); pfn++) {
			unsigned long bit = 1UL << (pfn % BITS_PER_LONG);

			if (bitmap[pfn / BITS_PER_LONG] & bit) {
				ok = selftest_fail("pfn 0x%lx handed out twice (allocation %d)", pfn, i);
				break;
			}
			bitmap[pfn / BITS_PER_LONG] |= bit;
		}
	}
	release_all(&held);
	__free_pages(bitmap_page, bitmap_order);
	return ok && free_state_same(&st, "after the test");
}

static bool any_nonzero(const void *p, size_t n)
{
	const u8 *b = p;

	while (n--)
		if (*b++)
			return true;
	return false;
}

static bool page_is_filled(struct page *page, unsigned int order, u8 byte)
{
	const u8 *p = page_address(page);

	for (unsigned long i = 0; i < (PAGE_SIZE << order); i++)
		if (p[i] != byte)
			return false;
	return true;
}

/*
 * A dirtied page, freed, comes back first (it is alone on the order-0 list
 * after drain_small_orders): poisoned while free, zeroed by __GFP_ZERO.
 */
static bool test_gfp_zero(void)
{
	int nid = node_with_most_free();
	struct page *a = NULL, *b = NULL, *again = NULL;
	struct free_state st;
	unsigned long pfn = 0;
	bool ok;
	LIST_HEAD(held);

	free_state_read(&st);
	ok = drain_small_orders(nid, &held);
	if (ok) {
		a = alloc_pages_node(nid, __GFP_THISNODE, 0);
		b = alloc_pages_node(nid, __GFP_THISNODE, 0);	/* a's buddy: a cannot merge */
		ok = a && b;
		if (!ok)
			selftest_fail("allocation failed");
	}
	if (ok) {
		pfn = page_to_pfn(a);
		memset(page_address(a), 0x5a, PAGE_SIZE);
		__free_pages(a, 0);
		if (page_poisoning_enabled && !page_is_filled(a, 0, PAGE_POISON))
			ok = selftest_fail("freed pfn 0x%lx is not poisoned with 0x%x", pfn, PAGE_POISON);
		a = NULL;
	}
	if (ok) {
		again = alloc_pages_node(nid, __GFP_THISNODE | __GFP_ZERO, 0);
		if (!again || page_to_pfn(again) != pfn)
			ok = selftest_fail("expected pfn 0x%lx back, got 0x%lx", pfn, again ? page_to_pfn(again) : 0);
		else if (!page_is_filled(again, 0, 0))
			ok = selftest_fail("__GFP_ZERO page pfn 0x%lx is not zero", pfn);
	}
	if (ok) {
		unsigned long addr = get_zeroed_page(0);

		if (!addr || !page_is_filled(virt_to_page((void *)addr), 0, 0))
			ok = selftest_fail("get_zeroed_page gave 0x%lx, not a zeroed page", addr);
		free_page(addr);
	}
	if (a)
		__free_pages(a, 0);
	if (b)
		__free_pages(b, 0);
	if (again)
		__free_pages(again, 0);
	release_all(&held);
	return ok && free_state_same(&st, "after the test");
}

static bool check_compound(struct page *head, unsigned int order)
{
	if (!PageHead(head) || compound_order(head) != order ||
	    atomic_read(&head[1].compound_mapcount) != -1 || page_ref_count(head) != 1)
		return selftest_fail("head pfn 0x%lx: head %d order %u mapcount %d refcount %d", page_to_pfn(head),
			    PageHead(head), compound_order(head), atomic_read(&head[1].compound_mapcount),
			    page_ref_count(head));
	for (unsigned long i = 1; i < (1UL << order); i++)
		if (!PageTail(head + i) || compound_head(head + i) != head || page_ref_count(head + i))
			return selftest_fail("tail %lu: tail %d head pfn 0x%lx refcount %d", i, PageTail(head + i),
				    page_to_pfn(compound_head(head + i)), page_ref_count(head + i));
	return true;
}

/* An order-9 __GFP_COMP page: head and tails linked; the last put_page, on a tail, frees all. */
static bool test_compound(void)
{
	const unsigned int order = HPAGE_PMD_ORDER;
	struct free_state st;
	unsigned long free_allocated;
	struct page *head;
	bool ok;

	free_state_read(&st);
	head = alloc_pages(__GFP_COMP, order);
	if (!head)
		return selftest_fail("no order-%u page", order);
	free_allocated = nr_free_pages();
	ok = check_compound(head, order);
	get_page(head + 100);
	if (ok && page_ref_count(head) != 2)
		ok = selftest_fail("get_page on a tail: head refcount %d, expected 2", page_ref_count(head));
	put_page(head + 7);
	if (ok && (page_ref_count(head) != 1 || nr_free_pages() != free_allocated))
		ok = selftest_fail("one put_page of two: refcount %d, %lu pages free, %lu before",
			  page_ref_count(head), nr_free_pages(), free_allocated);
	put_page(head + (1UL << order) - 1);
	if (ok && (PageHead(head) || PageTail(head + 1)))
		ok = selftest_fail("freed compound page still has head %d tail %d", PageHead(head), PageTail(head + 1));
	if (!ok || !free_state_same(&st, "after put_page"))
		return false;
	/* __free_pages() with the compound order frees it too. */
	head = alloc_pages(__GFP_COMP, order);
	if (!head)
		return selftest_fail("no order-%u page the second time", order);
	__free_pages(head, order);
	return free_state_same(&st, "after __free_pages");
}

/* ---- slab ---- */

struct kmalloc_obj {
	u8 *p;
	size_t size;
};

static struct kmalloc_obj objs[512];

static bool check_objects(int n)
{
	for (int i = 0; i < n; i++) {
		for (size_t j = 0; j < objs[i].size; j++)
			if (objs[i].p[j] != (u8)(i * 7 + 1))
				return selftest_fail("object %d (%lu bytes at %p) overwritten at byte %lu",
					    i, (unsigned long)objs[i].size, objs[i].p, (unsigned long)j);
		for (int k = 0; k < i; k++)
			if (objs[i].p < objs[k].p + objs[k].size && objs[k].p < objs[i].p + objs[i].size)
				return selftest_fail("objects %d (%p) and %d (%p) overlap", i, objs[i].p, k, objs[k].p);
	}
	return true;
}

static bool kmalloc_many(int *n)
{
	static const size_t sizes[] = { 1, 8, 16, 24, 60, 64, 100, 128, 200, 256, 300, 512,
					700, 1024, 1500, 2048, 2049, 4096, 5000, 16384 };

	for (int round = 0; round < 20; round++) {
		for (unsigned int s = 0; s < ARRAY_SIZE(sizes); s++) {
			size_t size = sizes[s], align = size >= PAGE_SIZE ? PAGE_SIZE : 8;
			u8 *p = kmalloc(size, 0);

			if (!p || p == ZERO_SIZE_PTR)
				return selftest_fail("kmalloc(%lu) returned %p", (unsigned long)size, p);
			objs[*n].p = p;
			objs[*n].size = size;
			memset(p, (u8)(*n * 7 + 1), size);
			(*n)++;
			if ((unsigned long)p & (align - 1))
				return selftest_fail("kmalloc(%lu) = %p is not %lu-aligned", (unsigned long)size, p,
					    (unsigned long)align);
		}
	}
	return true;
}

/* kmalloc of many sizes: distinct objects that do not overlap; kfree gives every page back. */
static bool test_kmalloc(void)
{
	struct free_state st;
	int n = 0;
	bool ok;
	u8 *z;

	free_state_read(&st);
	ok = kmalloc_many(&n) && check_objects(n);
	if (ok && slab_pages() <= st.slab)
		ok = selftest_fail("slab_pages() %lu did not grow from %lu", slab_pages(), st.slab);
	while (n)
		kfree(objs[--n].p);
	kfree(NULL);
	kfree(ZERO_SIZE_PTR);
	if (ok && kmalloc(0, 0) != ZERO_SIZE_PTR)
		ok = selftest_fail("kmalloc(0) is not ZERO_SIZE_PTR");
	z = kzalloc(300, 0);
	if (ok && (!z || any_nonzero(z, 300)))
		ok = selftest_fail("kzalloc(300) = %p is not zeroed", z);
	kfree(z);
	return ok && free_state_same(&st, "after kfree");
}

/* A cache of 48-byte objects over several slabs, emptied and destroyed: nothing left behind. */
static bool test_kmem_cache(void)
{
	struct free_state st;
	struct kmem_cache *cache;
	void *obj[200];
	bool ok = true;
	int n;

	free_state_read(&st);
	cache = kmem_cache_create("selftest-48", 48, 0);
	if (!cache)
		return selftest_fail("kmem_cache_create failed");
	for (n = 0; n < 200 && ok; n++) {
		obj[n] = kmem_cache_zalloc(cache, 0);
		if (!obj[n] || ((unsigned long)obj[n] & 7))
			ok = selftest_fail("object %d is %p", n, obj[n]);
		else if (any_nonzero(obj[n], 48))
			ok = selftest_fail("object %d at %p is not zeroed", n, obj[n]);
		if (!obj[n])
			break;
		memset(obj[n], n, 48);
	}
	for (int i = 0; ok && i < n; i++)
		for (int j = 0; j < 48; j++)
			if (((u8 *)obj[i])[j] != (u8)i) {
				ok = selftest_fail("object %d byte %d overwritten", i, j);
				break;
			}
	while (n)
		kmem_cache_free(cache, obj[--n]);
	kmem_cache_destroy(cache);
	return ok && free_state_same(&st, "after kmem_cache_destroy");
}

static void buddy_selftest_banner(void)
{
	printk("# selftest/buddy: %d nodes, %lu pages free\n", nr_node_ids, nr_free_pages());
}

/* In this order: the later cases rely on the lists being consistent, the last checks they still are. */
static const struct selftest_case buddy_selftest_cases[] = {
	{ "free_lists_consistent", test_free_lists_consistent },
	{ "fallback_order", test_fallback_order },
	{ "alloc_free_every_order", test_alloc_free_every_order },
	{ "split", test_split },
	{ "coalesce", test_coalesce },
	{ "thisnode", test_thisnode },
	{ "fallback", test_fallback },
	{ "no_double_handout", test_no_double_handout },
	{ "gfp_zero", test_gfp_zero },
	{ "compound", test_compound },
	{ "kmalloc", test_kmalloc },
	{ "kmem_cache", test_kmem_cache },
	{ "free_lists_consistent_after", test_free_lists_consistent },
};

const struct selftest_suite buddy_selftest_suite = {
	.name = "buddy",
	.banner = buddy_selftest_banner,
	.cases = buddy_selftest_cases,
	.nr_cases = ARRAY_SIZE(buddy_selftest_cases),
};
