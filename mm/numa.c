/*
 * NUMA discovery: which physical ranges and which CPUs belong to which
 * node, and how far apart the nodes are (Linux: arch/x86/mm/numa.c,
 * arch/x86/mm/srat.c, drivers/acpi/numa/srat.c).
 *
 *   ACPI SRAT subtables                       pxm_to_node: PXM -> node id,
 *     type 0/2  APIC id -> PXM  ----------.   in order of first appearance
 *     type 1    [base, base+len) -> PXM --+-> numa_meminfo (after cleanup):
 *                                         |     blk [0x00000000-0x1fffffff] nid 0
 *                                         |     blk [0x20000000-0x3fffffff] nid 1
 *                                         '-> apicid_to_node[APIC id]
 *   ACPI SLIT  entry[PXM i][PXM j] -------->  numa_distance[node][node]
 *   ACPI MADT  acpi_cpu_apicid[cpu] + apicid_to_node -> cpu_to_node(cpu)
 *
 *   numa_init: try SRAT (x86_acpi_numa_init), else one dummy node; each
 *   try starts from a clean state, as Linux's numa_init(init_func).
 *
 * Lock order: none. Everything here is written once by the boot CPU
 * before the other CPUs start, and only read afterwards.
 *
 * Start reading at numa_init().
 */
#include <mm/numa.h>
#include <mm/gfp.h>
#include <mm/memblock.h>
#include <arch/x86_64/acpi.h>
#include <arch/x86_64/percpu.h>
#include <kernel/kernel.h>
#include <lib/string.h>

#define NODE_MIN_SIZE	(4UL << 20)	/* smaller nodes are not set up */
#define MAX_LOCAL_APIC	32768		/* as Linux: larger x2APIC ids are skipped */

int nr_node_ids = 1;
struct numa_meminfo numa_meminfo;
bool numa_off;

static u32 node_to_pxm_map[MAX_NUMNODES];
static u8 numa_distance[MAX_NUMNODES][MAX_NUMNODES];	/* 0: no SLIT value */
static s8 apicid_to_node[MAX_LOCAL_APIC];	/* zero (node 0) until numa_init() */
static int acpi_srat_revision;
static bool srat_bad;

/* ---- PXM -> node, APIC id -> node, distances ---- */

static int pxm_to_node(u32 pxm)
{
	for (int nid = 0; nid < nr_node_ids; nid++)
		if (node_to_pxm_map[nid] == pxm)
			return nid;
	return NUMA_NO_NODE;
}

/* A new proximity domain gets the next node id (Linux: acpi_map_pxm_to_node). */
static int acpi_map_pxm_to_node(u32 pxm)
{
	int nid = pxm_to_node(pxm);

	if (nid != NUMA_NO_NODE)
		return nid;
	if (nr_node_ids >= MAX_NUMNODES)
		return NUMA_NO_NODE;
	node_to_pxm_map[nr_node_ids] = pxm;
	return nr_node_ids++;
}

static void bad_srat(void)
{
	printk("SRAT: SRAT not used.\n");
	srat_bad = true;
}

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

/* ---- SRAT ---- */

/* Type 0: a local APIC and its proximity domain. */
static void acpi_numa_processor_affinity_init(const struct acpi_srat_cpu_affinity *pa)
{
	u32 pxm = pa->proximity_domain_lo;
	int nid;

	if (pa->header.length != sizeof(*pa)) {
		printk("SRAT: CPU affinity entry of length %u, expected %u\n",
		       pa->header.length, (unsigned int)sizeof(*pa));
		bad_srat();
		return;
	}
	if (!(pa->flags & ACPI_SRAT_CPU_ENABLED))
		return;
	if (acpi_srat_revision >= 2)
		pxm |= pa->proximity_domain_hi[0] << 8 | pa->proximity_domain_hi[1] << 16 |
		       (u32)pa->proximity_domain_hi[2] << 24;
	nid = acpi_map_pxm_to_node(pxm);
	if (nid == NUMA_NO_NODE) {
		printk("SRAT: Too many proximity domains 0x%x\n", pxm);
		bad_srat();
		return;
	}
	apicid_to_node[pa->apic_id] = nid;
	printk("SRAT: PXM %u -> APIC 0x%02x -> Node %d\n", pxm, pa->apic_id, nid);
}

/* Type 2: the same for an x2APIC id. */
static void acpi_numa_x2apic_affinity_init(const struct acpi_srat_x2apic_cpu_affinity *pa)
{
	int nid;

	if (pa->header.length < sizeof(*pa)) {
		printk("SRAT: x2APIC affinity entry of length %u, expected %u\n",
		       pa->header.length, (unsigned int)sizeof(*pa));
		bad_srat();
		return;
	}
	if (!(pa->flags & ACPI_SRAT_CPU_ENABLED))
		return;
	nid = acpi_map_pxm_to_node(pa->proximity_domain);
	if (nid == NUMA_NO_NODE) {
		printk("SRAT: Too many proximity domains 0x%x\n", pa->proximity_domain);
		bad_srat();
		return;
	}
	if (pa->apic_id >= MAX_LOCAL_APIC) {
		printk("SRAT: PXM %u -> APIC 0x%04x -> Node %d skipped apicid that is too big\n",
		       pa->proximity_domain, pa->apic_id, nid);
		return;
	}
	apicid_to_node[pa->apic_id] = nid;
	printk("SRAT: PXM %u -> APIC 0x%04x -> Node %d\n", pa->proximity_domain, pa->apic_id, nid);
}

/* Type 1: a memory range and its proximity domain. Disabled entries are QEMU's padding. */
static void acpi_numa_memory_affinity_init(const struct acpi_srat_mem_affinity *ma)
{
	phys_addr_t start = ma->base_address, end = start + ma->length;
	u32 pxm = ma->proximity_domain;
	int nid;

	if (ma->header.length < sizeof(*ma)) {
		printk("ACPI: SRAT: Unexpected header length: %u\n", ma->header.length);
		bad_srat();
		return;
	}
	if (!(ma->flags & ACPI_SRAT_MEM_ENABLED))
		return;
	if (acpi_srat_revision <= 1)
		pxm &= 0xff;
	nid = acpi_map_pxm_to_node(pxm);
	if (nid == NUMA_NO_NODE) {
		printk("ACPI: SRAT: Too many proximity domains.\n");
		bad_srat();
		return;
	}
	if (numa_add_memblk(nid, start, end) < 0) {
		bad_srat();
		return;
	}
	/* Pagoda has no memory hotplug: a hotplug range beyond RAM is dropped by numa_cleanup_meminfo. */
	printk("ACPI: SRAT: Node %d PXM %u [mem 0x%08lx-0x%08lx]%s%s\n", nid, pxm,
	       (unsigned long)start, (unsigned long)end - 1,
	       ma->flags & ACPI_SRAT_MEM_HOT_PLUGGABLE ? " hotplug" : "",
	       ma->flags & ACPI_SRAT_MEM_NON_VOLATILE ? " non-volatile" : "");
}

typedef void (*srat_entry_fn)(const struct acpi_subtable_header *entry);

/* Call fn on each subtable, starting at offset 48; a zero length ends the walk. */
static void acpi_srat_walk(const struct acpi_table_srat *srat, srat_entry_fn fn)
{
	const u8 *p = (const u8 *)(srat + 1), *end = (const u8 *)srat + srat->header.length;

	while (p + sizeof(struct acpi_subtable_header) <= end && !srat_bad) {
		const struct acpi_subtable_header *entry = (const void *)p;

		if (entry->length < sizeof(*entry) || p + entry->length > end) {
			printk("SRAT: subtable of type %u with bad length %u\n", entry->type, entry->length);
			bad_srat();
			return;
		}
		fn(entry);
		p += entry->length;
	}
}

static void srat_parse_cpu(const struct acpi_subtable_header *entry)
{
	if (entry->type == ACPI_SRAT_TYPE_CPU_AFFINITY)
		acpi_numa_processor_affinity_init((const void *)entry);
	else if (entry->type == ACPI_SRAT_TYPE_X2APIC_CPU_AFFINITY)
		acpi_numa_x2apic_affinity_init((const void *)entry);
}

static void srat_parse_memory(const struct acpi_subtable_header *entry)
{
	if (entry->type == ACPI_SRAT_TYPE_MEMORY_AFFINITY)
		acpi_numa_memory_affinity_init((const void *)entry);
}

/* ---- SLIT ---- */

/* Linux accepts a SLIT only if every diagonal entry is 10 and every other one is more. */
static bool slit_valid(const struct acpi_table_slit *slit)
{
	u64 d = slit->locality_count;

	if (d > 256 || slit->header.length < sizeof(*slit) + d * d)
		return false;
	for (u64 i = 0; i < d; i++) {
		for (u64 j = 0; j < d; j++) {
			u8 val = slit->entry[d * i + j];

			if (i == j ? val != LOCAL_DISTANCE : val <= LOCAL_DISTANCE)
				return false;
		}
	}
	return true;
}

static void acpi_parse_slit(const struct acpi_table_slit *slit)
{
	u64 d = slit->locality_count;

	if (!slit_valid(slit)) {
		printk("ACPI: SLIT table looks invalid. Not used.\n");
		return;
	}
	for (u64 i = 0; i < d; i++) {
		int from = pxm_to_node(i);

		if (from == NUMA_NO_NODE)
			continue;
		for (u64 j = 0; j < d; j++) {
			int to = pxm_to_node(j);

			if (to != NUMA_NO_NODE)
				numa_set_distance(from, to, slit->entry[d * i + j]);
		}
	}
}

/* CPU entries first, then memory (as Linux): CPUs win the first node ids. */
static int x86_acpi_numa_init(void)
{
	const struct acpi_table_srat *srat = (const void *)acpi_get_table("SRAT");
	const struct acpi_table_slit *slit;

	if (!srat)
		return -1;
	acpi_srat_revision = srat->header.revision;
	nr_node_ids = 0;
	acpi_srat_walk(srat, srat_parse_cpu);
	acpi_srat_walk(srat, srat_parse_memory);
	if (srat_bad || !numa_meminfo.nr_blks)
		return -1;
	slit = (const void *)acpi_get_table("SLIT");
	if (slit)
		acpi_parse_slit(slit);
	return 0;
}

static int dummy_numa_init(void)
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
	memset(node_to_pxm_map, 0, sizeof(node_to_pxm_map));
	memset(apicid_to_node, NUMA_NO_NODE, sizeof(apicid_to_node));
	nr_node_ids = 1;
	srat_bad = false;
}

/* One way of finding the nodes, from a clean state (Linux: numa_init(init_func)). */
static int numa_try_init(int (*init_func)(void))
{
	numa_reset();
	if (init_func() < 0)
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
 * Find the nodes: from the ACPI SRAT and SLIT if they make sense, else one
 * node over all RAM. Needs memblock.memory (the e820 map) and
 * acpi_table_init(); runs before free_area_init().
 */
void numa_init(void)
{
	if (numa_off || numa_try_init(x86_acpi_numa_init) < 0)
		numa_try_init(dummy_numa_init);
	for (int cpu = 0; cpu < acpi_nr_cpus; cpu++)
		printk("NUMA: CPU %d (APIC 0x%02x) on node %d\n", cpu, acpi_cpu_apicid[cpu], cpu_to_node(cpu));
	numa_print_distances();
}

/* ---- CPUs ---- */

/* CPU index cpu is the cpu-th enabled processor of the MADT. Unknown: node 0. */
int cpu_to_node(int cpu)
{
	u32 apicid;

	if (cpu < 0 || cpu >= acpi_nr_cpus)
		return 0;
	apicid = acpi_cpu_apicid[cpu];
	if (apicid >= MAX_LOCAL_APIC || apicid_to_node[apicid] == NUMA_NO_NODE)
		return 0;
	return apicid_to_node[apicid];
}

/* The node of the CPU running this code (Linux: a per-CPU variable). */
int numa_node_id(void)
{
	return cpu_to_node(smp_processor_id());
}
