/*
 * The table of every /proc and /sys file (Linux registers them one by one
 * with proc_create and sysfs attributes; here they are one array).
 *
 * A new file is one line below. In a pattern, "<pid>" matches a live pid
 * or "self" (Linux's /proc/self is a symlink; here it is the same
 * directory), "<tid>" a thread of that <pid>'s group (/proc/PID/task/TID),
 * "node<nid>" matches node0 .. node<nr_node_ids - 1> and
 * "cpu<cpu>" each possible CPU. VISIBLE entries hide their file where
 * their is_visible says so (the directory stays).
 * Directories are implied: every proper prefix of a pattern is one, and
 * getdents64 lists the names the patterns below it produce.
 */
#include <fs/proc_fs.h>
#include <kernel/kernel.h>

#define SHOW(path, mode, fn)	{ path, mode, fn, NULL, NULL, NULL }
#define BINARY(path, mode, fn)	{ path, mode, NULL, fn, NULL, NULL }
#define QUERY(path, show, write) { path, 0644, show, NULL, write, NULL }
#define VISIBLE(path, mode, fn, visible) { path, mode, fn, NULL, NULL, visible }

const struct proc_entry proc_entries[] = {
	SHOW("/proc/meminfo", 0444, meminfo_proc_show),
	SHOW("/proc/vmstat", 0444, vmstat_show),
	SHOW("/proc/cmdline", 0444, cmdline_proc_show),
	SHOW("/proc/mounts", 0444, proc_mounts_show),	/* Linux: a symlink to self/mounts */
	BINARY("/proc/kpagecount", 0400, kpagecount_bin_read),
	BINARY("/proc/kpageflags", 0400, kpageflags_bin_read),
	SHOW("/proc/<pid>/status", 0444, proc_pid_status),
	SHOW("/proc/<pid>/stat", 0444, proc_tgid_stat),
	SHOW("/proc/<pid>/maps", 0444, proc_pid_maps),
	SHOW("/proc/<pid>/smaps", 0444, proc_pid_smaps),
	SHOW("/proc/<pid>/smaps_rollup", 0444, proc_pid_smaps_rollup),
	SHOW("/proc/<pid>/numa_maps", 0444, proc_pid_numa_maps),
	{ "/proc/<pid>/comm", 0644, proc_pid_comm, NULL, proc_pid_comm_write, NULL },
	BINARY("/proc/<pid>/pagemap", 0400, pagemap_bin_read),
	/* One directory per thread (Linux: proc_task_operations); <tid> is a thread of <pid>. */
	SHOW("/proc/<pid>/task/<tid>/status", 0444, proc_pid_status),
	SHOW("/proc/<pid>/task/<tid>/stat", 0444, proc_tid_stat),
	{ "/proc/<pid>/task/<tid>/comm", 0644, proc_pid_comm, NULL, proc_pid_comm_write, NULL },
	SHOW("/proc/<pid>/task/<tid>/maps", 0444, proc_pid_maps),
	SHOW("/proc/<pid>/mounts", 0444, proc_mounts_show),

	SHOW("/sys/devices/system/cpu/online", 0444, cpu_online_show),
	SHOW("/sys/devices/system/cpu/possible", 0444, cpu_possible_show),
	SHOW("/sys/devices/system/cpu/present", 0444, cpu_present_show),
	SHOW("/sys/devices/system/cpu/offline", 0444, cpu_offline_show),
	SHOW("/sys/devices/system/cpu/kernel_max", 0444, cpu_kernel_max_show),
	VISIBLE("/sys/devices/system/cpu/cpu<cpu>/online", 0444, cpu_dev_online_show, cpu_dev_online_visible),

	SHOW("/sys/devices/system/node/possible", 0444, node_online_show),
	SHOW("/sys/devices/system/node/online", 0444, node_online_show),
	SHOW("/sys/devices/system/node/has_normal_memory", 0444, node_has_memory_show),
	SHOW("/sys/devices/system/node/has_memory", 0444, node_has_memory_show),
	SHOW("/sys/devices/system/node/has_cpu", 0444, node_has_cpu_show),
	SHOW("/sys/devices/system/node/node<nid>/cpumap", 0444, node_read_cpumap),
	SHOW("/sys/devices/system/node/node<nid>/cpulist", 0444, node_read_cpulist),
	SHOW("/sys/devices/system/node/node<nid>/meminfo", 0444, node_read_meminfo),
	SHOW("/sys/devices/system/node/node<nid>/numastat", 0444, node_read_numastat),
	SHOW("/sys/devices/system/node/node<nid>/distance", 0444, node_read_distance),

	{ "/sys/kernel/mm/transparent_hugepage/enabled", 0644, thp_enabled_show, NULL, thp_enabled_store, NULL },
	{ "/sys/kernel/mm/transparent_hugepage/defrag", 0644, thp_defrag_show, NULL, thp_defrag_store, NULL },
	{ "/sys/kernel/mm/transparent_hugepage/use_zero_page", 0644, thp_use_zero_page_show, NULL,
	  thp_use_zero_page_store, NULL },
	SHOW("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size", 0444, thp_hpage_pmd_size_show),
	{ "/sys/kernel/mm/transparent_hugepage/pagoda_cow_policy", 0644, thp_cow_policy_show, NULL,
	  thp_cow_policy_store, NULL },

	/* The hugetlb pool (mm/hugetlb.c): one hstate, 2 MB. */
	{ "/proc/sys/vm/nr_hugepages", 0644, hugetlb_sysctl_show, NULL, nr_hugepages_store, NULL },
	{ "/proc/sys/vm/nr_overcommit_hugepages", 0644, nr_overcommit_hugepages_show, NULL,
	  nr_overcommit_hugepages_store, NULL },
	{ "/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages", 0644, nr_hugepages_show, NULL,
	  nr_hugepages_store, NULL },
	SHOW("/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages", 0444, free_hugepages_show),
	SHOW("/sys/kernel/mm/hugepages/hugepages-2048kB/resv_hugepages", 0444, resv_hugepages_show),
	SHOW("/sys/kernel/mm/hugepages/hugepages-2048kB/surplus_hugepages", 0444, surplus_hugepages_show),
	{ "/sys/kernel/mm/hugepages/hugepages-2048kB/nr_overcommit_hugepages", 0644,
	  nr_overcommit_hugepages_show, NULL, nr_overcommit_hugepages_store, NULL },
	{ "/sys/devices/system/node/node<nid>/hugepages/hugepages-2048kB/nr_hugepages", 0644,
	  nr_hugepages_show, NULL, nr_hugepages_store, NULL },
	SHOW("/sys/devices/system/node/node<nid>/hugepages/hugepages-2048kB/free_hugepages", 0444,
	     free_hugepages_show),
	SHOW("/sys/devices/system/node/node<nid>/hugepages/hugepages-2048kB/surplus_hugepages", 0444,
	     surplus_hugepages_show),

	SHOW("/sys/kernel/debug/pagoda/check", 0444, pagoda_check_show),
	QUERY("/sys/kernel/debug/pagoda/rmap", rmap_show, rmap_write),
	QUERY("/sys/kernel/debug/pagoda/anon_vma", anon_vma_show, anon_vma_write),
	QUERY("/sys/kernel/debug/pagoda/unmap", unmap_show, rmap_write),
	QUERY("/sys/kernel/debug/pagoda/referenced", referenced_show, rmap_write),
};

const size_t nr_proc_entries = ARRAY_SIZE(proc_entries);
