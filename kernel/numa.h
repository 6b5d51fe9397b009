/*
 * NUMA as the firmware describes it: the plain table that the architecture
 * fills and mm/ reads (Linux: the constants are include/linux/numa.h's and
 * topology.h's; the table is Pagoda's seam between arch/ and mm/).
 *
 *   arch/x86_64/srat.c  acpi_numa_init(&fw)   reads the ACPI SRAT, SLIT and the MADT's CPU list
 *            |
 *            v  struct numa_firmware: node ids already given, nothing ACPI left in it
 *            |    memblk[]    [start, end) -> nid, as the firmware lists them
 *            |    cpu[]       CPU number -> (APIC id, nid)
 *            |    distance[][] nid x nid, 0 where the firmware gave none
 *            v
 *   mm/numa.c           numa_init(&fw)        checks, trims and merges it: numa_meminfo,
 *                                             node_distance(), cpu_to_node()
 *
 * mm/ never sees an ACPI table, and another firmware (device tree, a host
 * test's fake machine) only has to fill this struct.
 */
#ifndef _KERNEL_NUMA_H
#define _KERNEL_NUMA_H

#include <kernel/types.h>
#include <kernel/threads.h>	/* NR_CPUS */

#define NODES_SHIFT	3
#define MAX_NUMNODES	(1 << NODES_SHIFT)
#define NUMA_NO_NODE	(-1)
#define LOCAL_DISTANCE	10
#define REMOTE_DISTANCE	20

#define NR_NODE_MEMBLKS	32	/* as numa_meminfo.blk[] */

struct numa_fw_memblk {
	phys_addr_t start, end;		/* [start, end); start > end is a firmware bug mm/ reports */
	int nid;
};

struct numa_fw_cpu {
	u32 apicid;			/* the hardware CPU id, for the log */
	int nid;			/* NUMA_NO_NODE: the firmware did not say */
};

struct numa_firmware {
	int nr_nodes;			/* 0: no usable description (no SRAT, or a bad one) */
	int nr_memblks;
	struct numa_fw_memblk memblk[NR_NODE_MEMBLKS];
	int nr_cpus;			/* CPU n is cpu[n], in the firmware's order */
	struct numa_fw_cpu cpu[NR_CPUS];
	u8 distance[MAX_NUMNODES][MAX_NUMNODES];	/* 0: none given (no valid SLIT) */
};

#endif
