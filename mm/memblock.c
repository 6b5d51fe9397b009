/*
 * memblock: the boot-time physical memory allocator (Linux: mm/memblock.c).
 *
 *   memblock.memory    [==RAM==]    [=================RAM=================]
 *   memblock.reserved  [1M]  [kernel][mbi][initrd]       [pgtables][mem_map]
 *   free = memory - reserved:
 *                            ^^^^^^^^^^^^^^^^^^^^^^^^^^^^
 *     memblock_phys_alloc_node() takes from the top of it (as Linux, top-down);
 *     memblock_free_all() hands all of it to the buddy allocator at the end.
 *
 * Both arrays stay sorted by base, with overlapping or touching ranges
 * merged, so a walk from low to high addresses is a simple merge of the two.
 * memblock lives only until memblock_free_all(): from then on every page
 * belongs to the buddy allocator and memblock refuses to allocate.
 *
 * Lock order: none. memblock runs on the boot CPU, before any other CPU
 * starts and before interrupts are enabled.
 *
 * Start reading at memblock_free_all(), the hand-over to mm/page_alloc.c,
 * then memblock_phys_alloc_node().
 */
#include <mm/memblock.h>
#include <mm/mmzone.h>
#include <mm/numa.h>
#include <kernel/kernel.h>
#include <lib/string.h>

struct memblock_type memblock_memory, memblock_reserved;

/* The boot page tables map the first 4 GB of the direct map. */
static phys_addr_t memblock_current_limit = 0x100000000UL;
/* Set by memblock_free_all(): memblock's free memory now belongs to the buddy allocator. */
static bool memblock_discarded;

/* Insert [base, base + size) keeping the array sorted by base. */
static void memblock_insert_region(struct memblock_type *type, phys_addr_t base, phys_addr_t size)
{
	unsigned int i;

	VM_BUG_ON(type->cnt >= MEMBLOCK_MAX_REGIONS, "%u regions, cannot add [0x%lx-0x%lx)",
		  type->cnt, (unsigned long)base, (unsigned long)(base + size));
	for (i = type->cnt; i > 0 && type->regions[i - 1].base > base; i--)
		type->regions[i] = type->regions[i - 1];
	type->regions[i].base = base;
	type->regions[i].size = size;
	type->cnt++;
}

/* Fold every region that overlaps or touches the one before it into that one. */
static void memblock_merge_regions(struct memblock_type *type)
{
	unsigned int i = 0;

	while (i + 1 < type->cnt) {
		struct memblock_region *this = &type->regions[i], *next = this + 1;
		phys_addr_t end = this->base + this->size;

		if (end < next->base) {
			i++;
			continue;
		}
		end = max(end, next->base + next->size);
		this->size = end - this->base;
		memmove(next, next + 1, (type->cnt - i - 2) * sizeof(*next));
		type->cnt--;
	}
}

static void memblock_add_range(struct memblock_type *type, phys_addr_t base, phys_addr_t size)
{
	VM_BUG_ON(memblock_discarded, "[0x%lx-0x%lx): memblock is gone after memblock_free_all()",
		  (unsigned long)base, (unsigned long)(base + size));
	if (size == 0)
		return;
	if (base + size < base)		/* wraps around: clip at the top of the address space */
		size = -base;
	memblock_insert_region(type, base, size);
	memblock_merge_regions(type);
}

/* Boot: [base, base + size) is RAM (merged with its neighbours; a range that wraps is clipped). */
void memblock_add(phys_addr_t base, phys_addr_t size)
{
	memblock_add_range(&memblock_memory, base, size);
}

/* Boot: [base, base + size) is in use: memblock allocations and the buddy allocator skip it. */
void memblock_reserve(phys_addr_t base, phys_addr_t size)
{
	memblock_add_range(&memblock_reserved, base, size);
}

/* Whether addr lies in a reserved range. */
bool memblock_is_reserved(phys_addr_t addr)
{
	for (unsigned int i = 0; i < memblock_reserved.cnt; i++) {
		const struct memblock_region *r = &memblock_reserved.regions[i];

		if (addr >= r->base && addr - r->base < r->size)
			return true;
	}
	return false;
}

/* One past the highest byte of RAM; 0 before the first memblock_add(). */
phys_addr_t memblock_end_of_ram(void)
{
	const struct memblock_region *last;

	if (!memblock_memory.cnt)
		return 0;
	last = &memblock_memory.regions[memblock_memory.cnt - 1];
	return last->base + last->size;
}

/*
 * Allocations stay below this address until the direct map covers all RAM
 * (default 4 GB: what the boot page tables map). Call it after paging_init().
 */
void memblock_set_current_limit(phys_addr_t limit)
{
	memblock_current_limit = limit;
}

typedef void (*free_range_fn)(phys_addr_t start, phys_addr_t end, void *arg);

/*
 * Call fn on every range of memory that is not reserved, lowest first
 * (Linux: for_each_free_mem_range). Both arrays are sorted and merged.
 */
static void memblock_walk_free(free_range_fn fn, void *arg)
{
	for (unsigned int i = 0; i < memblock_memory.cnt; i++) {
		const struct memblock_region *m = &memblock_memory.regions[i];
		phys_addr_t cursor = m->base, end = m->base + m->size;

		for (unsigned int j = 0; j < memblock_reserved.cnt && cursor < end; j++) {
			const struct memblock_region *r = &memblock_reserved.regions[j];

			if (r->base + r->size <= cursor)
				continue;
			if (r->base >= end)
				break;
			if (r->base > cursor)
				fn(cursor, r->base, arg);
			cursor = r->base + r->size;
		}
		if (cursor < end)
			fn(cursor, end, arg);
	}
}

struct memblock_request {
	phys_addr_t size, align;
	int nid;
	bool found;
	phys_addr_t base;	/* highest fitting base seen so far */
};

/* Top-down: the highest aligned base in [start, end) below the limit. */
static void memblock_consider(struct memblock_request *req, phys_addr_t start, phys_addr_t end)
{
	phys_addr_t base;

	end = min(end, memblock_current_limit);
	if (start >= end || end - start < req->size)
		return;
	base = ALIGN_DOWN(end - req->size, req->align);
	if (base < start)
		return;
	if (!req->found || base > req->base) {
		req->base = base;
		req->found = true;
	}
}

/* A free range, cut to the node's SRAT ranges when a node is asked for. */
static void memblock_try_range(phys_addr_t start, phys_addr_t end, void *arg)
{
	struct memblock_request *req = arg;

	if (req->nid == NUMA_NO_NODE) {
		memblock_consider(req, start, end);
		return;
	}
	for (int i = 0; i < numa_meminfo.nr_blks; i++) {
		const struct numa_memblk *mb = &numa_meminfo.blk[i];

		if (mb->nid == req->nid)
			memblock_consider(req, max(start, mb->start), min(end, mb->end));
	}
}

static bool memblock_find_in_range_node(struct memblock_request *req, int nid)
{
	req->nid = nid;
	req->found = false;
	memblock_walk_free(memblock_try_range, req);
	return req->found;
}

/*
 * Reserve size bytes aligned to align, on node nid if it has room, else
 * anywhere (Linux: memblock_alloc_try_nid_raw). Panics when RAM is
 * exhausted: nothing at boot can go on without its memory.
 */
phys_addr_t memblock_phys_alloc_raw(phys_addr_t size, phys_addr_t align, int nid)
{
	struct memblock_request req = { .size = size, .align = align };

	VM_BUG_ON(memblock_discarded, "size 0x%lx: memblock is gone, use alloc_pages()",
		  (unsigned long)size);
	VM_BUG_ON(size == 0 || align == 0 || (align & (align - 1)),
		  "size 0x%lx align 0x%lx", (unsigned long)size, (unsigned long)align);
	if (!memblock_find_in_range_node(&req, nid) && nid != NUMA_NO_NODE)
		memblock_find_in_range_node(&req, NUMA_NO_NODE);
	if (!req.found)
		panic("memblock_phys_alloc_node: no 0x%lx bytes (align 0x%lx, node %d) below 0x%lx",
		      (unsigned long)size, (unsigned long)align, nid,
		      (unsigned long)memblock_current_limit);
	memblock_reserve(req.base, size);
	return req.base;
}

/* The same, zeroed (Linux: memblock_alloc_try_nid). */
phys_addr_t memblock_phys_alloc_node(phys_addr_t size, phys_addr_t align, int nid)
{
	phys_addr_t pa = memblock_phys_alloc_raw(size, align, nid);

	memset(__va(pa), 0, size);
	return pa;
}

static void memblock_dump(const char *name, const struct memblock_type *type)
{
	printk(" %s.cnt  = 0x%x\n", name, type->cnt);
	for (unsigned int i = 0; i < type->cnt; i++) {
		const struct memblock_region *r = &type->regions[i];

		printk(" %s[0x%x]\t[0x%016lx-0x%016lx], 0x%016lx bytes\n", name, i,
		       (unsigned long)r->base, (unsigned long)(r->base + r->size - 1),
		       (unsigned long)r->size);
	}
}

/* Print memblock.memory and memblock.reserved, as Linux's memblock=debug. */
void memblock_dump_all(void)
{
	printk("MEMBLOCK configuration:\n");
	memblock_dump("memory", &memblock_memory);
	memblock_dump("reserved", &memblock_reserved);
}

/* ---- the hand-over to the buddy allocator ---- */

/* Free [start, end) of one node in the largest naturally aligned blocks. */
static void __free_pages_memory(unsigned long start, unsigned long end)
{
	while (start < end) {
		unsigned int order = MAX_ORDER - 1;

		if (start)
			order = min(order, (unsigned int)__builtin_ctzl(start));

		while (start + (1UL << order) > end)
			order--;
		memblock_free_pages(pfn_to_page(start), start, order);
		start += 1UL << order;
	}
}

/*
 * One free range: whole pages only (a partly reserved page stays reserved),
 * cut where the node changes so that no buddy block straddles two nodes.
 */
static void __free_memory_core(phys_addr_t start, phys_addr_t end, void *unused)
{
	unsigned long pfn = PFN_UP(start), end_pfn = min(PFN_DOWN(end), max_pfn);

	(void)unused;

	while (pfn < end_pfn) {
		unsigned long run_end = node_run_end(pfn, end_pfn);

		__free_pages_memory(pfn, run_end);
		pfn = run_end;
	}
}

static void memblock_report(void)
{
	unsigned long managed = 0, present = 0;

	for (int nid = 0; nid < nr_node_ids; nid++) {
		const pg_data_t *pgdat = NODE_DATA(nid);

		printk("Node %d: %lu MB free of %lu MB (%lu of %lu pages)\n", nid,
		       pgdat->nr_free >> (20 - PAGE_SHIFT), pgdat->node_present_pages >> (20 - PAGE_SHIFT),
		       pgdat->nr_free, pgdat->node_present_pages);
		managed += pgdat->managed_pages;
		present += pgdat->node_present_pages;
	}
	printk("Memory: %luK/%luK available (%luK reserved)\n",
	       managed << (PAGE_SHIFT - 10), present << (PAGE_SHIFT - 10),
	       (present - managed) << (PAGE_SHIFT - 10));
}

/*
 * Give every page of memory that is not reserved to the buddy allocator
 * (Linux: memblock_free_all -> free_low_memory_core_early). Called once,
 * after free_area_init() built mem_map; memblock allocations end here.
 */
void memblock_free_all(void)
{
	VM_BUG_ON(!mem_map, "max_pfn 0x%lx: free_area_init() has not run", max_pfn);
	VM_BUG_ON(memblock_discarded, "called twice");
	memblock_walk_free(__free_memory_core, NULL);
	memblock_discarded = true;
	memblock_report();
}
