/*
 * Per-node memory: one pglist_data per NUMA node, holding that node's buddy
 * free lists. Linux splits a node into zones (DMA, DMA32, Normal, Movable);
 * Pagoda has one zone per node and calls it the node.
 */
#ifndef _MM_MMZONE_H
#define _MM_MMZONE_H

#include <mm/gfp.h>
#include <kernel/spinlock.h>

struct free_area {
	struct list_head free_list;
	unsigned long nr_free;		/* blocks of this order */
};

/* numastat counters: /sys/devices/system/node/nodeN/numastat, /proc/vmstat numa_* */
struct numa_stat {
	unsigned long numa_hit, numa_miss, numa_foreign;
	unsigned long interleave_hit, local_node, other_node;
};

typedef struct pglist_data {
	int node_id;
	unsigned long node_start_pfn;	/* lowest RAM frame of the node */
	unsigned long node_spanned_pages; /* frames from start to end, holes included */
	unsigned long node_present_pages; /* RAM frames */
	unsigned long managed_pages;	/* frames given to the buddy allocator */
	spinlock_t lock;		/* protects free_area and nr_free */
	struct free_area free_area[MAX_ORDER];
	unsigned long nr_free;		/* free frames */
	struct numa_stat stat;
	unsigned long nr_anon_thps;	/* (A) THPs mapped by a PMD (Linux: NR_ANON_THPS), AnonHugePages */
	int fallback[MAX_NUMNODES];	/* nodes by distance from this one, -1 ends */
} pg_data_t;

extern pg_data_t node_data[MAX_NUMNODES];

/* A numastat counter: two CPUs may count at once (Linux: per-CPU counters). */
static inline void numa_stat_inc(unsigned long *counter)
{
	__atomic_add_fetch(counter, 1, __ATOMIC_RELAXED);
}
#define NODE_DATA(nid) (&node_data[nid])

/* Boot: build mem_map and hand memblock's free ranges to the buddy allocator. */
void free_area_init(void);
void memblock_free_all(void);
void build_all_zonelists(void);

void show_free_areas(void);

#endif
