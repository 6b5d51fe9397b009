/*
 * fs/proc_fs.h: what a /proc or /sys file's handlers see (Linux:
 * include/linux/proc_fs.h and seq_file.h). A file is one line in
 * proc_entries[] (fs/proc/root.c) naming its handlers, which live with
 * what they show, as in Linux: /proc/vmstat in mm/vmstat.c, the node files
 * in drivers/base/node.c, the THP knobs in mm/huge_memory.c.
 */
#ifndef _FS_PROC_FS_H
#define _FS_PROC_FS_H

#include <fs/fs.h>

#define PROC_DEV	MKDEV(0, 22)	/* st_dev of /proc */
#define SYSFS_DEV	MKDEV(0, 21)	/* st_dev of /sys */
#define SEQ_MAX_SIZE	(1UL << 20)	/* a text bigger than this is cut */
#define PROC_REQ_MAX	256		/* longest request a write handler takes */

/* An open /proc or /sys file (f->private_data). */
struct proc_file {
	struct procfs_node node;	/* which file, and its <pid> / <nid> / <cpu> */
	struct seq_file seq;		/* show: the text; buf NULL until the next read */
	unsigned long req[2];		/* write: the parsed request */
	int nr_req;			/* how many of req[] were given; 0 = none yet */
};

struct proc_entry {
	const char *path;
	u16 mode;			/* permission bits: 0444, 0400, 0644 */
	int (*show)(struct seq_file *m, struct proc_file *pf);
	ssize_t (*read)(struct proc_file *pf, char *ubuf, size_t count, loff_t pos);
	int (*write)(struct proc_file *pf, const char *req);
	/* Optional: false hides the file for this <pid>/<nid>/<cpu> (Linux: attribute_group.is_visible). */
	bool (*is_visible)(const struct procfs_node *n);
};

extern const struct proc_entry proc_entries[];
extern const size_t nr_proc_entries;

/* CPUs (drivers/base/cpu.c) */
int cpu_online_show(struct seq_file *m, struct proc_file *pf);
int cpu_possible_show(struct seq_file *m, struct proc_file *pf);
int cpu_present_show(struct seq_file *m, struct proc_file *pf);
int cpu_offline_show(struct seq_file *m, struct proc_file *pf);
int cpu_kernel_max_show(struct seq_file *m, struct proc_file *pf);
int cpu_dev_online_show(struct seq_file *m, struct proc_file *pf);
bool cpu_dev_online_visible(const struct procfs_node *n);

/* CPUs and nodes (drivers/base/node.c) */
int nr_cpus(void);
u64 node_cpu_mask(int nid);		/* bit n: CPU n is on node nid */
unsigned long nr_kernel_stack_kb(void);	/* all tasks' kernel stacks */
unsigned long nr_page_table_pages(void);	/* all tasks' page-table pages */

/* fs/proc/task_mmu.c: the Vm* lines of /proc/PID/status */
void task_mem(struct seq_file *m, struct mm_struct *mm);

/* fs/proc/page.c: what /proc/kpageflags shows of a frame (tests/kernel/test_kpageflags.c checks it) */
/* Bit numbers of include/uapi/linux/kernel-page-flags.h (and KPF_RESERVED of linux/kernel-page-flags.h). */
enum {
	KPF_LOCKED = 0,
	KPF_ERROR = 1,
	KPF_REFERENCED = 2,
	KPF_UPTODATE = 3,
	KPF_DIRTY = 4,
	KPF_LRU = 5,
	KPF_ACTIVE = 6,
	KPF_SLAB = 7,
	KPF_WRITEBACK = 8,
	KPF_RECLAIM = 9,
	KPF_BUDDY = 10,
	KPF_MMAP = 11,
	KPF_ANON = 12,
	KPF_SWAPCACHE = 13,
	KPF_SWAPBACKED = 14,
	KPF_COMPOUND_HEAD = 15,
	KPF_COMPOUND_TAIL = 16,
	KPF_HUGE = 17,
	KPF_UNEVICTABLE = 18,
	KPF_HWPOISON = 19,
	KPF_NOPAGE = 20,
	KPF_KSM = 21,
	KPF_THP = 22,
	KPF_OFFLINE = 23,
	KPF_ZERO_PAGE = 24,
	KPF_IDLE = 25,
	KPF_PGTABLE = 26,
	KPF_RESERVED = 32,
};

#define KPF(bit)	(1ULL << (bit))
struct page;
u64 stable_page_flags(struct page *page);

/* The handlers of proc_entries[], by file */
int meminfo_proc_show(struct seq_file *m, struct proc_file *pf);
int vmstat_show(struct seq_file *m, struct proc_file *pf);
int cmdline_proc_show(struct seq_file *m, struct proc_file *pf);
ssize_t kpagecount_bin_read(struct proc_file *pf, char *ubuf, size_t count, loff_t pos);
ssize_t kpageflags_bin_read(struct proc_file *pf, char *ubuf, size_t count, loff_t pos);
int proc_pid_status(struct seq_file *m, struct proc_file *pf);
int proc_tgid_stat(struct seq_file *m, struct proc_file *pf);	/* /proc/PID/stat */
int proc_tid_stat(struct seq_file *m, struct proc_file *pf);	/* /proc/PID/task/TID/stat */
int proc_pid_comm(struct seq_file *m, struct proc_file *pf);
int proc_pid_comm_write(struct proc_file *pf, const char *req);
ssize_t pagemap_bin_read(struct proc_file *pf, char *ubuf, size_t count, loff_t pos);
int node_online_show(struct seq_file *m, struct proc_file *pf);
int node_has_memory_show(struct seq_file *m, struct proc_file *pf);
int node_has_cpu_show(struct seq_file *m, struct proc_file *pf);
int node_read_meminfo(struct seq_file *m, struct proc_file *pf);
int node_read_numastat(struct seq_file *m, struct proc_file *pf);
int node_read_distance(struct seq_file *m, struct proc_file *pf);
int node_read_cpulist(struct seq_file *m, struct proc_file *pf);
int node_read_cpumap(struct seq_file *m, struct proc_file *pf);
int thp_enabled_show(struct seq_file *m, struct proc_file *pf);
int thp_defrag_show(struct seq_file *m, struct proc_file *pf);
int thp_use_zero_page_show(struct seq_file *m, struct proc_file *pf);
int thp_hpage_pmd_size_show(struct seq_file *m, struct proc_file *pf);
int thp_enabled_store(struct proc_file *pf, const char *req);
int thp_defrag_store(struct proc_file *pf, const char *req);
int thp_use_zero_page_store(struct proc_file *pf, const char *req);
int thp_cow_policy_show(struct seq_file *m, struct proc_file *pf);
int thp_cow_policy_store(struct proc_file *pf, const char *req);
int hugetlb_sysctl_show(struct seq_file *m, struct proc_file *pf);
int nr_hugepages_show(struct seq_file *m, struct proc_file *pf);
int nr_hugepages_store(struct proc_file *pf, const char *req);
int free_hugepages_show(struct seq_file *m, struct proc_file *pf);
int resv_hugepages_show(struct seq_file *m, struct proc_file *pf);
int surplus_hugepages_show(struct seq_file *m, struct proc_file *pf);
int nr_overcommit_hugepages_show(struct seq_file *m, struct proc_file *pf);
int nr_overcommit_hugepages_store(struct proc_file *pf, const char *req);
int pagoda_check_show(struct seq_file *m, struct proc_file *pf);
int rmap_write(struct proc_file *pf, const char *req);
int rmap_show(struct seq_file *m, struct proc_file *pf);
int unmap_show(struct seq_file *m, struct proc_file *pf);
int referenced_show(struct seq_file *m, struct proc_file *pf);
int anon_vma_write(struct proc_file *pf, const char *req);
int anon_vma_show(struct seq_file *m, struct proc_file *pf);
int proc_pid_maps(struct seq_file *m, struct proc_file *pf);
int proc_pid_smaps(struct seq_file *m, struct proc_file *pf);
int proc_pid_smaps_rollup(struct seq_file *m, struct proc_file *pf);
int proc_pid_numa_maps(struct seq_file *m, struct proc_file *pf);
int proc_mounts_show(struct seq_file *m, struct proc_file *pf);		/* fs/namespace.c */

#endif
