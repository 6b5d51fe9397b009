/*
 * /sys/devices/system/cpu/ (Linux: drivers/base/cpu.c): the CPU masks of
 * kernel/smp.h as cpu lists ("0-1\n"), and one cpuN directory per
 * possible CPU, the way glibc's get_nprocs_conf() counts them.
 *
 * cpuN/online exists for every CPU but 0: on x86 the boot CPU cannot go
 * offline, so Linux gives it no online file (cpu->hotpluggable is 0 and
 * the device's offline_disabled hides the attribute). Pagoda cannot take
 * any CPU offline yet, hence 0444 where Linux has 0644.
 */
#include <fs/proc_fs.h>
#include <kernel/kernel.h>
#include <kernel/smp.h>

static int cpu_mask_show(struct seq_file *m, unsigned long mask)
{
	seq_bitmap_list(m, mask, NR_CPUS);
	seq_putc(m, '\n');
	return 0;
}

int cpu_online_show(struct seq_file *m, struct proc_file *pf)
{
	return cpu_mask_show(m, cpu_online_mask());
}

int cpu_possible_show(struct seq_file *m, struct proc_file *pf)
{
	return cpu_mask_show(m, __cpu_possible_mask);
}

int cpu_present_show(struct seq_file *m, struct proc_file *pf)
{
	return cpu_mask_show(m, __cpu_present_mask);
}

/*
 * Possible but not online (maxcpus=, a CPU that did not answer), then, as
 * Linux's print_cpus_offline, the firmware's CPUs that are not even
 * possible (nosmp: ",1"); "\n" when none.
 */
int cpu_offline_show(struct seq_file *m, struct proc_file *pf)
{
	unsigned int ids = nr_cpu_ids();

	seq_bitmap_list(m, __cpu_possible_mask & ~cpu_online_mask(), NR_CPUS);
	if (ids < total_cpus) {
		if (ids == total_cpus - 1)
			seq_printf(m, ",%u", ids);
		else
			seq_printf(m, ",%u-%u", ids, total_cpus - 1);
	}
	seq_putc(m, '\n');
	return 0;
}

int cpu_kernel_max_show(struct seq_file *m, struct proc_file *pf)
{
	seq_printf(m, "%d\n", NR_CPUS - 1);
	return 0;
}

int cpu_dev_online_show(struct seq_file *m, struct proc_file *pf)
{
	seq_printf(m, "%d\n", cpu_online(pf->node.cpu));
	return 0;
}

bool cpu_dev_online_visible(const struct procfs_node *n)
{
	return n->cpu != 0;
}
