/*
 * NUMA nodes: which physical ranges and which CPUs belong to which node,
 * and how far apart the nodes are (Linux: arch/x86/mm/numa.c). The
 * firmware's description comes as a plain table (struct numa_firmware,
 * kernel/numa.h) that arch/x86_64/srat.c fills from ACPI SRAT/SLIT; this
 * file never reads an ACPI table.
 *
 *   struct numa_firmware                      numa_meminfo (after cleanup):
 *     memblk[]  [start, end) nid  ---------->   blk [0x00000000-0x1fffffff] nid 0
 *                                               blk [0x20000000-0x3fffffff] nid 1
 *     distance[from][to] ------------------>  numa_distance[node][node]
 *     cpu[n] (APIC id, nid) --------------->  cpu_nid[n]: cpu_to_node(n)
 *
 *   numa_init: try the firmware's table (numa_firmware_init), else one
 *   dummy node; each try starts from a clean state, as Linux's
 *   numa_init(init_func).
 *
 * Lock order: none. Everything here is written once by the boot CPU
 * before the other CPUs start, and only read afterwards.
 *
 * Start reading at numa_init().
 */
#include <mm/numa.h>
#include <mm/gfp.h>
#include <mm/memblock.h>
#include <kernel/smp.h>
#include <kernel/kernel.h>
#include <lib/string.h>

#define NODE_MIN_SIZE	(4UL << 20)	/* smaller nodes are not set up */

int nr_node_ids = 1;
struct numa_meminfo numa_meminfo;
bool numa_off;

static u8 numa_distance[MAX_NUMNODES][MAX_NUMNODES];	/* 0: no SLIT value */
static int numa_nr_cpus;		/* the CPUs the firmware listed */
static u32 cpu_apicid[NR_CPUS];		/* for the log only */
static s8 cpu_nid[NR_CPUS];		/* NUMA_NO_NODE (node 0) until a try places it */

/* ---- distances ---- */

static void numa_set_distance(int from, int to, int distance)
{
	if (distance != (u8)distance || (from == to && distance != LOCAL_DISTANCE)) {
		printk("NUMA: Warning: invalid distance parameter, from=%d to=%d distance=%d\n",
		       from, to, distance);
		return;
	}
	numa_distance[from][to] = distance;
}

/* SLIT value if there was a valid SLIT, else 10 for a node to itself and 20 otherwise. */
int node_distance(int from, int to)
{
	if (from < 0 || to < 0 || from >= MAX_NUMNODES || to >= MAX_NUMNODES ||
	    !numa_distance[from][to])
		return from == to ? LOCAL_DISTANCE : REMOTE_DISTANCE;
	return numa_distance[from][to];
}

/* ---- numa_meminfo ---- */

static int numa_add_memblk(int nid, phys_addr_t start, phys_addr_t end)
{
	struct numa_meminfo *mi = &numa_meminfo;

	if (start == end)
		return 0;
	if (start > end || nid < 0 || nid >= MAX_NUMNODES) {
		printk("NUMA: Warning: invalid memblk node %d [mem 0x%08lx-0x%08lx]\n",
		       nid, (unsigned long)start, (unsigned long)end - 1);
		return 0;
	}
	if (mi->nr_blks >= (int)ARRAY_SIZE(mi->blk)) {
		printk("NUMA: too many memblk ranges\n");
		return -1;
	}
	mi->blk[mi->nr_blks++] = (struct numa_memblk){ .start = start, .end = end, .nid = nid };
	return 0;
}

static void numa_remove_memblk(struct numa_meminfo *mi, int idx)
{
	mi->nr_blks--;
	memmove(&mi->blk[idx], &mi->blk[idx + 1], (mi->nr_blks - idx) * sizeof(mi->blk[0]));
}

/* The node of physical address pa (numa_meminfo); 0 if no node holds it. */
int phys_to_nid(phys_addr_t pa)
{
	for (int i = 0; i < numa_meminfo.nr_blks; i++) {
		const struct numa_memblk *mb = &numa_meminfo.blk[i];

		if (pa >= mb->start && pa < mb->end)
			return mb->nid;
	}
	return 0;
}

/* ---- the firmware's table ---- */

/*
 * Take the firmware's nodes, ranges, distances and CPU placement. -1 if it
 * describes no node (no SRAT, or a bad one) or too many ranges.
 */
static int numa_firmware_init(const struct numa_firmware *fw)
{
	if (!fw || fw->nr_nodes <= 0)
		return -1;
	if (fw->nr_nodes > MAX_NUMNODES) {
		printk("NUMA: %d nodes, more than MAX_NUMNODES (%d)\n", fw->nr_nodes, MAX_NUMNODES);
		return -1;
	}
	nr_node_ids = fw->nr_nodes;
	for (int i = 0; i < fw->nr_memblks; i++)
		if (numa_add_memblk(fw->memblk[i].nid, fw->memblk[i].start, fw->memblk[i].end) < 0)
			return -1;
	for (int from = 0; from < nr_node_ids; from++)
		for (int to = 0; to < nr_node_ids; to++)
			if (fw->distance[from][to])
				numa_set_distance(from, to, fw->distance[from][to]);
	for (int cpu = 0; cpu < numa_nr_cpus; cpu++)
		if (fw->cpu[cpu].nid >= 0 && fw->cpu[cpu].nid < nr_node_ids)
			cpu_nid[cpu] = fw->cpu[cpu].nid;
	return 0;
}

static int dummy_numa_init(const struct numa_firmware *fw __maybe_unused)
{
	phys_addr_t end = memblock_end_of_ram();

	printk("%s\n", numa_off ? "NUMA turned off" : "No NUMA configuration found");
	printk("Faking a node at [mem 0x%016lx-0x%016lx]\n", 0UL, (unsigned long)end - 1);
	nr_node_ids = 1;
	numa_add_memblk(0, 0, end);
	return 0;
}

/* ---- cleanup and checks, as Linux's numa_cleanup_meminfo() and friends ---- */

/* RAM (memblock.memory) inside [start, end). */
static phys_addr_t memblock_ram_in(phys_addr_t start, phys_addr_t end)
{
	phys_addr_t sum = 0;

	for (unsigned int i = 0; i < memblock_memory.cnt; i++) {
		const struct memblock_region *r = &memblock_memory.regions[i];
		phys_addr_t s = max(start, r->base), e = min(end, r->base + r->size);

		if (s < e)
			sum += e - s;
	}
	return sum;
}

/* Clip every block to RAM's range; blocks with no RAM at all (hotplug, holes) go. */
static void numa_trim_memblks(struct numa_meminfo *mi)
{
	const phys_addr_t high = PFN_PHYS(PFN_DOWN(memblock_end_of_ram()));

	for (int i = 0; i < mi->nr_blks; i++) {
		struct numa_memblk *bi = &mi->blk[i];

		bi->end = min(bi->end, high);
		if (bi->start >= bi->end || !memblock_ram_in(bi->start, bi->end))
			numa_remove_memblk(mi, i--);
	}
}

/* May bi and bj (same node) become one block? Only if no other node's block lies in between. */
static bool numa_can_merge(const struct numa_meminfo *mi, phys_addr_t start, phys_addr_t end, int nid)
{
	for (int k = 0; k < mi->nr_blks; k++) {
		const struct numa_memblk *bk = &mi->blk[k];

		if (bk->nid != nid && start < bk->end && end > bk->start)
			return false;
	}
	return true;
}

static int numa_merge_memblks(struct numa_meminfo *mi)
{
	for (int i = 0; i < mi->nr_blks; i++) {
		struct numa_memblk *bi = &mi->blk[i];

		for (int j = i + 1; j < mi->nr_blks; j++) {
			struct numa_memblk *bj = &mi->blk[j];
			phys_addr_t start = min(bi->start, bj->start), end = max(bi->end, bj->end);

			if (bi->end > bj->start && bi->start < bj->end && bi->nid != bj->nid) {
				printk("NUMA: node %d [mem 0x%08lx-0x%08lx] overlaps with node %d [mem 0x%08lx-0x%08lx]\n",
				       bi->nid, (unsigned long)bi->start, (unsigned long)bi->end - 1,
				       bj->nid, (unsigned long)bj->start, (unsigned long)bj->end - 1);
				return -1;
			}
			if (bi->nid != bj->nid || !numa_can_merge(mi, start, end, bi->nid))
				continue;
			printk("NUMA: Node %d [mem 0x%08lx-0x%08lx] + [mem 0x%08lx-0x%08lx] -> [mem 0x%08lx-0x%08lx]\n",
			       bi->nid, (unsigned long)bi->start, (unsigned long)bi->end - 1,
			       (unsigned long)bj->start, (unsigned long)bj->end - 1,
			       (unsigned long)start, (unsigned long)end - 1);
			bi->start = start;
			bi->end = end;
			numa_remove_memblk(mi, j--);
		}
	}
	return 0;
}

/* The nodes must cover all RAM but 1 MB, or the SRAT is not believed. */
static bool numa_meminfo_cover_memory(const struct numa_meminfo *mi)
{
	phys_addr_t numaram = 0, ram = memblock_ram_in(0, ~(phys_addr_t)0);

	for (int i = 0; i < mi->nr_blks; i++)
		numaram += memblock_ram_in(mi->blk[i].start, mi->blk[i].end);
	if (ram - numaram >= (1UL << 20)) {
		printk("NUMA: nodes only cover %luMB of your %luMB e820 RAM. Not used.\n",
		       (unsigned long)(numaram >> 20), (unsigned long)(ram >> 20));
		return false;
	}
	return true;
}

/* A node spanning less than 4 MB is not set up: its ranges go, and phys_to_nid() says 0. */
static void numa_drop_small_nodes(struct numa_meminfo *mi)
{
	for (int nid = 0; nid < nr_node_ids; nid++) {
		phys_addr_t start = ~(phys_addr_t)0, end = 0;

		for (int i = 0; i < mi->nr_blks; i++) {
			if (mi->blk[i].nid != nid)
				continue;
			start = min(start, mi->blk[i].start);
			end = max(end, mi->blk[i].end);
		}
		if (!end || end - start >= NODE_MIN_SIZE)
			continue;
		printk("NUMA: Node %d [mem 0x%08lx-0x%08lx] is smaller than 4 MB: not set up\n",
		       nid, (unsigned long)start, (unsigned long)end - 1);
		for (int i = 0; i < mi->nr_blks; i++)
			if (mi->blk[i].nid == nid)
				numa_remove_memblk(mi, i--);
	}
}

static void numa_reset(void)
{
	memset(&numa_meminfo, 0, sizeof(numa_meminfo));
	memset(numa_distance, 0, sizeof(numa_distance));
	memset(cpu_nid, NUMA_NO_NODE, sizeof(cpu_nid));
	nr_node_ids = 1;
}

/* One way of finding the nodes, from a clean state (Linux: numa_init(init_func)). */
static int numa_try_init(int (*init_func)(const struct numa_firmware *fw), const struct numa_firmware *fw)
{
	numa_reset();
	if (init_func(fw) < 0)
		return -1;
	numa_trim_memblks(&numa_meminfo);
	if (numa_merge_memblks(&numa_meminfo) < 0)
		return -1;
	if (!numa_meminfo_cover_memory(&numa_meminfo))
		return -1;
	numa_drop_small_nodes(&numa_meminfo);
	return 0;
}

static void numa_print_distances(void)
{
	char line[80];
	int len;

	printk("NUMA: node distances:\n");
	len = snprintf(line, sizeof(line), "NUMA: node ");
	for (int to = 0; to < nr_node_ids; to++)
		len += snprintf(line + len, sizeof(line) - len, " %3d", to);
	printk("%s\n", line);
	for (int from = 0; from < nr_node_ids; from++) {
		len = snprintf(line, sizeof(line), "NUMA:  %3d:", from);
		for (int to = 0; to < nr_node_ids; to++)
			len += snprintf(line + len, sizeof(line) - len, " %3d", node_distance(from, to));
		printk("%s\n", line);
	}
}

/*
 * Find the nodes: from fw (the firmware's table, arch/x86_64/srat.c) if it
 * makes sense, else one node over all RAM. fw may be NULL (no firmware
 * description; no CPU list either). Needs memblock.memory (the e820 map);
 * runs before free_area_init().
 */
void numa_init(const struct numa_firmware *fw)
{
	numa_nr_cpus = fw ? min(fw->nr_cpus, NR_CPUS) : 0;
	for (int cpu = 0; cpu < numa_nr_cpus; cpu++)
		cpu_apicid[cpu] = fw->cpu[cpu].apicid;
	if (numa_off || numa_try_init(numa_firmware_init, fw) < 0)
		numa_try_init(dummy_numa_init, fw);
	for (int cpu = 0; cpu < numa_nr_cpus; cpu++)
		printk("NUMA: CPU %d (APIC 0x%02x) on node %d\n", cpu, cpu_apicid[cpu], cpu_to_node(cpu));
	numa_print_distances();
}

/* ---- CPUs ---- */

/* CPU cpu is the firmware's cpu-th processor (the MADT's order). Unknown: node 0. */
int cpu_to_node(int cpu)
{
	if (cpu < 0 || cpu >= numa_nr_cpus || cpu_nid[cpu] == NUMA_NO_NODE)
		return 0;
	return cpu_nid[cpu];
}

/* The node of the CPU running this code (Linux: a per-CPU variable). */
int numa_node_id(void)
{
	return cpu_to_node(smp_processor_id());
}
