/*
 * NUMA nodes and distances (Linux: arch/x86/mm/numa.c), from the table the
 * architecture hands over (struct numa_firmware, kernel/numa.h).
 */
#ifndef _MM_NUMA_H
#define _MM_NUMA_H

#include <mm/mm_types.h>
#include <kernel/numa.h>

struct numa_memblk {
	phys_addr_t start, end;		/* [start, end) */
	int nid;
};

struct numa_meminfo {
	int nr_blks;
	struct numa_memblk blk[NR_NODE_MEMBLKS];
};

extern int nr_node_ids;			/* nodes 0 .. nr_node_ids-1 are online */
extern struct numa_meminfo numa_meminfo;

/*
 * Set up the nodes from fw (arch/x86_64/srat.c fills it from SRAT/SLIT);
 * with no usable description, one node covering all RAM.
 */
void numa_init(const struct numa_firmware *fw);
int node_distance(int from, int to);
int phys_to_nid(phys_addr_t pa);
int cpu_to_node(int cpu);
int numa_node_id(void);

/* "numa=off" on the command line: set before numa_init() for one dummy node. */
extern bool numa_off;

#endif
