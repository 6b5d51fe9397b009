/*
 * /sys/devices/system/node/ and the CPU-to-node masks (Linux:
 * drivers/base/node.c). A node lists its online CPUs, as Linux's
 * node_to_cpumask_map, which a CPU joins as it comes up (numa_add_cpu).
 */
#include <fs/proc_fs.h>
#include <kernel/kernel.h>
#include <kernel/errno.h>
#include <kernel/sched.h>
#include <lib/string.h>
#include <kernel/smp.h>
#include <mm/mm.h>
#include <mm/mmzone.h>
#include <mm/numa.h>

/* One past the highest possible CPU: the width of a CPU bitmap (Linux: nr_cpu_ids). */
int nr_cpus(void)
{
	return nr_cpu_ids();
}

u64 node_cpu_mask(int nid)
{
	u64 mask = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		if (cpu_online(cpu) && cpu_to_node(cpu) == nid)
			mask |= 1ULL << cpu;
	return mask;
}

static u64 nodes_online(void)
{
	return nr_node_ids >= 64 ? ~0ULL : (1ULL << nr_node_ids) - 1;
}

static int node_state_show(struct seq_file *m, u64 nodes)
{
	seq_bitmap_list(m, nodes, nr_node_ids);
	seq_putc(m, '\n');
	return 0;
}

int node_online_show(struct seq_file *m, struct proc_file *pf)
{
	return node_state_show(m, nodes_online());
}

int node_has_memory_show(struct seq_file *m, struct proc_file *pf)
{
	u64 nodes = 0;

	for (int nid = 0; nid < nr_node_ids; nid++)
		if (NODE_DATA(nid)->node_present_pages)
			nodes |= 1ULL << nid;
	return node_state_show(m, nodes);
}

int node_has_cpu_show(struct seq_file *m, struct proc_file *pf)
{
	u64 nodes = 0;

	for (int nid = 0; nid < nr_node_ids; nid++)
		if (node_cpu_mask(nid))
			nodes |= 1ULL << nid;
	return node_state_show(m, nodes);
}

int node_read_meminfo(struct seq_file *m, struct proc_file *pf)
{
	int nid = pf->node.nid;
	unsigned long total = NODE_DATA(nid)->managed_pages, free = node_free_pages(nid);

#define NODE_KB(name, pages) seq_printf(m, "Node %d " name "%8lu kB\n", nid, (unsigned long)(pages) << (PAGE_SHIFT - 10))
	NODE_KB("MemTotal:       ", total);
	NODE_KB("MemFree:        ", free);
	NODE_KB("MemUsed:        ", total - free);
	NODE_KB("SwapCached:     ", 0);
	NODE_KB("Active:         ", 0);
	NODE_KB("Inactive:       ", 0);
	NODE_KB("Active(anon):   ", 0);
	NODE_KB("Inactive(anon): ", 0);
	NODE_KB("Active(file):   ", 0);
	NODE_KB("Inactive(file): ", 0);
	NODE_KB("Unevictable:    ", 0);
	NODE_KB("Mlocked:        ", 0);
	NODE_KB("Dirty:          ", 0);
	NODE_KB("Writeback:      ", 0);
	NODE_KB("FilePages:      ", 0);
	NODE_KB("Mapped:         ", 0);
	NODE_KB("AnonPages:      ", 0);		/* not counted per node yet */
	NODE_KB("Shmem:          ", 0);
	seq_printf(m, "Node %d KernelStack:    %8lu kB\n", nid, 0UL);
	NODE_KB("PageTables:     ", 0);
	NODE_KB("SecPageTables:  ", 0);
	NODE_KB("NFS_Unstable:   ", 0);
	NODE_KB("Bounce:         ", 0);
	NODE_KB("WritebackTmp:   ", 0);
	NODE_KB("KReclaimable:   ", 0);
	NODE_KB("Slab:           ", 0);		/* slab_pages() is not split by node */
	NODE_KB("SReclaimable:   ", 0);
	NODE_KB("SUnreclaim:     ", 0);
	NODE_KB("AnonHugePages:  ", nr_anon_thp_pages(nid));
	NODE_KB("ShmemHugePages: ", 0);
	NODE_KB("ShmemPmdMapped: ", 0);
	NODE_KB("FileHugePages:  ", 0);
	NODE_KB("FilePmdMapped:  ", 0);
#undef NODE_KB
	hugetlb_report_node_meminfo(m, nid);
	return 0;
}

int node_read_numastat(struct seq_file *m, struct proc_file *pf)
{
	const struct numa_stat *s = &NODE_DATA(pf->node.nid)->stat;

	seq_printf(m, "numa_hit %lu\nnuma_miss %lu\nnuma_foreign %lu\n"
		      "interleave_hit %lu\nlocal_node %lu\nother_node %lu\n",
		   READ_ONCE(s->numa_hit), READ_ONCE(s->numa_miss), READ_ONCE(s->numa_foreign),
		   READ_ONCE(s->interleave_hit), READ_ONCE(s->local_node), READ_ONCE(s->other_node));
	return 0;
}

int node_read_distance(struct seq_file *m, struct proc_file *pf)
{
	for (int i = 0; i < nr_node_ids; i++)
		seq_printf(m, "%s%d", i ? " " : "", node_distance(pf->node.nid, i));
	seq_putc(m, '\n');
	return 0;
}

int node_read_cpulist(struct seq_file *m, struct proc_file *pf)
{
	seq_bitmap_list(m, node_cpu_mask(pf->node.nid), nr_cpus());
	seq_putc(m, '\n');
	return 0;
}

/* "%*pb": hex, as many digits as nr_cpus needs (Linux: bitmap_print_to_pagebuf). */
int node_read_cpumap(struct seq_file *m, struct proc_file *pf)
{
	seq_printf(m, "%0*lx\n", (int)DIV_ROUND_UP(nr_cpus(), 4), (unsigned long)node_cpu_mask(pf->node.nid));
	return 0;
}
