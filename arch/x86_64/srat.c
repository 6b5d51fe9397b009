/*
 * ACPI SRAT and SLIT: which physical ranges and which CPUs belong to which
 * proximity domain, and how far apart the domains are. Read into the plain
 * table of kernel/numa.h, which mm/numa.c turns into nodes (Linux:
 * arch/x86/mm/srat.c and drivers/acpi/numa/srat.c).
 *
 *   ACPI SRAT subtables                       node_to_pxm_map: PXM -> node id,
 *     type 0/2  APIC id -> PXM  ----------.   in order of first appearance
 *     type 1    [base, base+len) -> PXM --+-> fw->memblk[]: [start, end) nid
 *                                         '-> apicid_to_node[APIC id]
 *   ACPI MADT  acpi_cpu_apicid[cpu] + apicid_to_node -> fw->cpu[cpu]
 *   ACPI SLIT  entry[PXM i][PXM j] -------->  fw->distance[node][node]
 *
 * CPU entries are read first, then memory (as Linux): CPUs win the first
 * node ids. A bad SRAT leaves fw->nr_nodes 0, and mm/ then fakes one node.
 *
 * Lock order: none; runs once on the boot CPU, before the other CPUs start.
 *
 * Start reading at acpi_numa_init().
 */
#include <arch/x86_64/acpi.h>
#include <kernel/numa.h>
#include <kernel/kernel.h>
#include <lib/string.h>

#define MAX_LOCAL_APIC	32768		/* as Linux: larger x2APIC ids are skipped */

static u32 node_to_pxm_map[MAX_NUMNODES];
static int nr_pxm_nodes;
static s8 apicid_to_node[MAX_LOCAL_APIC];
static int acpi_srat_revision;
static bool srat_bad;

/* ---- PXM -> node ---- */

static int pxm_to_node(u32 pxm)
{
	for (int nid = 0; nid < nr_pxm_nodes; nid++)
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
	if (nr_pxm_nodes >= MAX_NUMNODES)
		return NUMA_NO_NODE;
	node_to_pxm_map[nr_pxm_nodes] = pxm;
	return nr_pxm_nodes++;
}

static void bad_srat(void)
{
	printk("SRAT: SRAT not used.\n");
	srat_bad = true;
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

/*
 * Type 1: a memory range and its proximity domain, appended to fw as it is:
 * mm/numa.c checks the range. Disabled entries are QEMU's padding.
 */
static void acpi_numa_memory_affinity_init(struct numa_firmware *fw,
					   const struct acpi_srat_mem_affinity *ma)
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
	if (fw->nr_memblks >= NR_NODE_MEMBLKS) {
		printk("NUMA: too many memblk ranges\n");
		bad_srat();
		return;
	}
	fw->memblk[fw->nr_memblks++] = (struct numa_fw_memblk){ .start = start, .end = end, .nid = nid };
	/* Pagoda has no memory hotplug: a hotplug range beyond RAM is dropped by mm/numa.c. */
	printk("ACPI: SRAT: Node %d PXM %u [mem 0x%08lx-0x%08lx]%s%s\n", nid, pxm,
	       (unsigned long)start, (unsigned long)end - 1,
	       ma->flags & ACPI_SRAT_MEM_HOT_PLUGGABLE ? " hotplug" : "",
	       ma->flags & ACPI_SRAT_MEM_NON_VOLATILE ? " non-volatile" : "");
}

typedef void (*srat_entry_fn)(struct numa_firmware *fw, const struct acpi_subtable_header *entry);

/* Call fn on each subtable, starting at offset 48; a bad length ends the walk. */
static void acpi_srat_walk(const struct acpi_table_srat *srat, struct numa_firmware *fw, srat_entry_fn fn)
{
	const u8 *p = (const u8 *)(srat + 1), *end = (const u8 *)srat + srat->header.length;

	while (p + sizeof(struct acpi_subtable_header) <= end && !srat_bad) {
		const struct acpi_subtable_header *entry = (const void *)p;

		if (entry->length < sizeof(*entry) || p + entry->length > end) {
			printk("SRAT: subtable of type %u with bad length %u\n", entry->type, entry->length);
			bad_srat();
			return;
		}
		fn(fw, entry);
		p += entry->length;
	}
}

static void srat_parse_cpu(struct numa_firmware *fw __maybe_unused,
			   const struct acpi_subtable_header *entry)
{
	if (entry->type == ACPI_SRAT_TYPE_CPU_AFFINITY)
		acpi_numa_processor_affinity_init((const void *)entry);
	else if (entry->type == ACPI_SRAT_TYPE_X2APIC_CPU_AFFINITY)
		acpi_numa_x2apic_affinity_init((const void *)entry);
}

static void srat_parse_memory(struct numa_firmware *fw, const struct acpi_subtable_header *entry)
{
	if (entry->type == ACPI_SRAT_TYPE_MEMORY_AFFINITY)
		acpi_numa_memory_affinity_init(fw, (const void *)entry);
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

/* The SLIT is indexed by PXM; fw->distance by node: only PXMs that became nodes count. */
static void acpi_parse_slit(struct numa_firmware *fw, const struct acpi_table_slit *slit)
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
				fw->distance[from][to] = slit->entry[d * i + j];
		}
	}
}

/* ---- the table for mm/ ---- */

/* CPU n is the n-th enabled processor of the MADT; its node comes from the SRAT, if any. */
static void acpi_numa_cpus(struct numa_firmware *fw)
{
	fw->nr_cpus = acpi_nr_cpus;
	for (int cpu = 0; cpu < acpi_nr_cpus; cpu++) {
		u32 apicid = acpi_cpu_apicid[cpu];

		fw->cpu[cpu].apicid = apicid;
		fw->cpu[cpu].nid = apicid < MAX_LOCAL_APIC ? apicid_to_node[apicid] : NUMA_NO_NODE;
	}
}

/*
 * The SRAT's CPU entries, then its memory entries (as Linux: CPUs win the
 * first node ids). 0 if it places memory on nodes; -1 if there is no SRAT,
 * it is bad or it names no memory: then no CPU has a node and fw has no
 * range.
 */
static int acpi_parse_srat(struct numa_firmware *fw)
{
	const struct acpi_table_srat *srat = (const void *)acpi_get_table("SRAT");

	memset(node_to_pxm_map, 0, sizeof(node_to_pxm_map));
	memset(apicid_to_node, NUMA_NO_NODE, sizeof(apicid_to_node));
	nr_pxm_nodes = 0;
	srat_bad = false;
	if (!srat)
		return -1;
	acpi_srat_revision = srat->header.revision;
	acpi_srat_walk(srat, fw, srat_parse_cpu);
	acpi_srat_walk(srat, fw, srat_parse_memory);
	if (!srat_bad && fw->nr_memblks)
		return 0;
	memset(apicid_to_node, NUMA_NO_NODE, sizeof(apicid_to_node));
	fw->nr_memblks = 0;
	return -1;
}

/*
 * Fill fw from the SRAT and SLIT (found by acpi_table_init()) and the CPU
 * list of acpi_parse_madt(). fw->nr_nodes stays 0 when the SRAT is missing
 * or unusable: mm/numa.c then sets up one node. Every CPU is listed either
 * way, with NUMA_NO_NODE where the SRAT did not place it.
 */
void acpi_numa_init(struct numa_firmware *fw)
{
	const struct acpi_table_slit *slit;

	memset(fw, 0, sizeof(*fw));
	if (acpi_parse_srat(fw) == 0) {
		fw->nr_nodes = nr_pxm_nodes;
		slit = (const void *)acpi_get_table("SLIT");
		if (slit)
			acpi_parse_slit(fw, slit);
	}
	acpi_numa_cpus(fw);
}
