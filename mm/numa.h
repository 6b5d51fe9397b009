/* NUMA nodes and distances, found in ACPI SRAT and SLIT (arch/x86/mm/numa.c). */
#ifndef _MM_NUMA_H
#define _MM_NUMA_H

#include <mm/mm_types.h>

#define LOCAL_DISTANCE	10
#define REMOTE_DISTANCE	20

struct numa_memblk {
	phys_addr_t start, end;		/* [start, end) */
	int nid;
};

struct numa_meminfo {
	int nr_blks;
	struct numa_memblk blk[32];
};

extern int nr_node_ids;			/* nodes 0 .. nr_node_ids-1 are online */
extern struct numa_meminfo numa_meminfo;

void numa_init(void);
int node_distance(int from, int to);
int phys_to_nid(phys_addr_t pa);
int cpu_to_node(int cpu);
int numa_node_id(void);

/* "numa=off" on the command line: set before numa_init() for one dummy node. */
extern bool numa_off;

#endif
