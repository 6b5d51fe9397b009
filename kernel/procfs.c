/*
 * /proc and /sys: files whose contents the kernel prints when they are
 * read, in Linux 6.1's formats (fs/proc/meminfo.c, mm/vmstat.c,
 * fs/proc/array.c, fs/proc/task_mmu.c, drivers/base/node.c,
 * mm/huge_memory.c), plus Pagoda's own debug files.
 *
 *   proc_entries[]   path pattern                                   handler
 *     "/proc/meminfo"                                               meminfo_proc_show
 *     "/proc/<pid>/status"                                           proc_pid_status
 *     "/proc/<pid>/pagemap"                                          pagemap_read (binary)
 *     "/sys/devices/system/node/node<nid>/meminfo"                   node_read_meminfo
 *     "/sys/kernel/debug/pagoda/rmap"                               rmap_show + rmap_write
 *     ...
 *
 * A new file is one line in proc_entries[]. In a pattern, "<pid>" matches
 * a live pid or "self" (Linux's /proc/self is a symlink; here it is the
 * same directory) and "node<nid>" matches node0 .. node<nr_node_ids - 1>.
 * Directories are implied: every proper prefix of a pattern is one, and
 * getdents64 lists the names the patterns below it produce.
 *
 * Three kinds of handler:
 *   show   text. The first read after open (or after a seek to 0) prints
 *          the whole file into a kmalloc'd seq_file buffer, doubled until
 *          the text fits (Linux: seq_read); reads copy from it; the last
 *          close frees it. Nothing stays allocated after close: /init's
 *          leak check reads MemFree through this very code.
 *   read   binary and offset-addressed (pagemap: 8 bytes per virtual
 *          page), called for every read.
 *   write  optional: a request, parsed from the written text. Writing drops
 *          the text and rewinds, so the next read prints the answer.
 *          Without a write handler, a /proc file opens for writing and
 *          write() gives EIO, while a /sys file refuses to open for writing
 *          (EACCES), as Linux does for root.
 *
 * The counters are read from mm/ without locks, each word once, as
 * Linux's global_node_page_state() does: a report is a snapshot.
 * The task list is walked without a lock: user code runs on one CPU.
 *
 * Start reading at proc_entries[], then procfs_lookup() and procfs_open().
 */
#include <fs/fs.h>
#include <kernel/kernel.h>
#include <lib/string.h>
#include <kernel/errno.h>
#include <kernel/sched.h>
#include <fs/proc/page.h>
#include <fs/initramfs.h>
#include <arch/x86_64/uaccess.h>
#include <arch/x86_64/acpi.h>
#include <arch/x86_64/setup.h>
#include <mm/mm.h>
#include <mm/mmzone.h>
#include <mm/numa.h>
#include <mm/slab.h>
#include <mm/debug_rmap.h>

/* file_operations and handlers take Linux's full argument lists; many use only some. */
#pragma GCC diagnostic ignored "-Wunused-parameter"

#define PROC_DEV	MKDEV(0, 22)	/* st_dev of /proc */
#define SYSFS_DEV	MKDEV(0, 21)	/* st_dev of /sys */
#define SEQ_MAX_SIZE	(1UL << 20)	/* a text bigger than this is cut */
#define PROC_REQ_MAX	256		/* longest request a write handler takes */

/* An open /proc or /sys file (f->private_data). */
struct proc_file {
	struct procfs_node node;	/* which file, and its <pid> / <nid> */
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
};

/* ---- seq_file ---- */

void seq_printf(struct seq_file *m, const char *fmt, ...)
{
	va_list ap;
	int len;

	if (m->count >= m->size)
		return;
	va_start(ap, fmt);
	len = vsnprintf(m->buf + m->count, m->size - m->count, fmt, ap);
	va_end(ap);
	if (m->count + len < m->size)
		m->count += len;
	else
		m->count = m->size;		/* overflow: the caller retries bigger */
}

void seq_puts(struct seq_file *m, const char *s)
{
	seq_printf(m, "%s", s);
}

void seq_putc(struct seq_file *m, char c)
{
	if (m->count + 1 < m->size)
		m->buf[m->count++] = c;
	else
		m->count = m->size;
}

/* A bitmap as Linux's "%*pbl": "0-1", "0,2-3", "" when empty. */
static void seq_bitmap_list(struct seq_file *m, u64 bits, int nbits)
{
	const char *sep = "";

	for (int i = 0; i < nbits; i++) {
		int j = i;

		if (!(bits & (1ULL << i)))
			continue;
		while (j + 1 < nbits && (bits & (1ULL << (j + 1))))
			j++;
		if (j == i)
			seq_printf(m, "%s%d", sep, i);
		else
			seq_printf(m, "%s%d-%d", sep, i, j);
		sep = ",";
		i = j;
	}
}

/* ---- numbers that several files show ---- */

static int nr_cpus(void)
{
	return acpi_nr_cpus > 0 ? min(acpi_nr_cpus, 64) : 1;
}

static u64 node_cpu_mask(int nid)
{
	u64 mask = 0;

	for (int cpu = 0; cpu < nr_cpus(); cpu++)
		if (cpu_to_node(cpu) == nid)
			mask |= 1ULL << cpu;
	return mask;
}

/* Kernel stacks and page tables of all tasks (Linux: NR_KERNEL_STACK_KB, NR_PAGETABLE). */
struct task_totals {
	unsigned long kernel_stack_kb;
	unsigned long pagetable_pages;
};

static void task_totals(struct task_totals *tt)
{
	struct task_struct *t;

	memset(tt, 0, sizeof(*tt));
	list_for_each_entry(t, &task_list, tasks) {
		tt->kernel_stack_kb += THREAD_SIZE / 1024;
		if (t->mm)
			tt->pagetable_pages += READ_ONCE(t->mm->pgtables_bytes) >> PAGE_SHIFT;
	}
}

/* ---- /proc/meminfo ---- */

static void show_val_kb(struct seq_file *m, const char *s, unsigned long pages)
{
	seq_printf(m, "%s%8lu kB\n", s, pages << (PAGE_SHIFT - 10));
}

/* mm/hugetlb.c replaces these (Linux: the same functions in mm/hugetlb.c). */
__attribute__((weak)) void hugetlb_report_meminfo(struct seq_file *m)
{
	seq_printf(m, "HugePages_Total:   %5lu\n"
		      "HugePages_Free:    %5lu\n"
		      "HugePages_Rsvd:    %5lu\n"
		      "HugePages_Surp:    %5lu\n"
		      "Hugepagesize:   %8lu kB\n",
		   0UL, 0UL, 0UL, 0UL, (HPAGE_PMD_NR << PAGE_SHIFT) / 1024);
	seq_printf(m, "Hugetlb:        %8lu kB\n", 0UL);
}

__attribute__((weak)) void hugetlb_report_node_meminfo(struct seq_file *m, int nid)
{
	seq_printf(m, "Node %d HugePages_Total: %5u\n"
		      "Node %d HugePages_Free:  %5u\n"
		      "Node %d HugePages_Surp:  %5u\n",
		   nid, 0, nid, 0, nid, 0);
}

__attribute__((weak)) void hugetlb_report_usage(struct seq_file *m, struct mm_struct *mm)
{
	seq_printf(m, "HugetlbPages:\t%8lu kB\n", 0UL);
}

/*
 * Linux prints every line below; the ones Pagoda does not count yet (or
 * has no such thing: swap, page cache, vmalloc) are 0. Lines that depend
 * on a config option Debian's 6.1 may lack (Zswap, Cma*, DirectMap*) are
 * left out.
 */
static int meminfo_proc_show(struct seq_file *m, struct proc_file *pf)
{
	unsigned long total = totalram_pages(), free = nr_free_pages(), slab = slab_pages();
	struct task_totals tt;

	task_totals(&tt);
	show_val_kb(m, "MemTotal:       ", total);
	show_val_kb(m, "MemFree:        ", free);
	show_val_kb(m, "MemAvailable:   ", free);	/* no caches to reclaim */
	show_val_kb(m, "Buffers:        ", 0);
	show_val_kb(m, "Cached:         ", 0);
	show_val_kb(m, "SwapCached:     ", 0);
	show_val_kb(m, "Active:         ", 0);
	show_val_kb(m, "Inactive:       ", 0);
	show_val_kb(m, "Active(anon):   ", 0);
	show_val_kb(m, "Inactive(anon): ", 0);
	show_val_kb(m, "Active(file):   ", 0);
	show_val_kb(m, "Inactive(file): ", 0);
	show_val_kb(m, "Unevictable:    ", 0);
	show_val_kb(m, "Mlocked:        ", 0);
	show_val_kb(m, "SwapTotal:      ", 0);
	show_val_kb(m, "SwapFree:       ", 0);
	show_val_kb(m, "Dirty:          ", 0);
	show_val_kb(m, "Writeback:      ", 0);
	show_val_kb(m, "AnonPages:      ", 0);	/* not counted yet (Linux: NR_ANON_MAPPED) */
	show_val_kb(m, "Mapped:         ", 0);
	show_val_kb(m, "Shmem:          ", 0);
	show_val_kb(m, "KReclaimable:   ", 0);
	show_val_kb(m, "Slab:           ", slab);
	show_val_kb(m, "SReclaimable:   ", 0);
	show_val_kb(m, "SUnreclaim:     ", slab);
	seq_printf(m, "KernelStack:    %8lu kB\n", tt.kernel_stack_kb);
	show_val_kb(m, "PageTables:     ", tt.pagetable_pages);
	show_val_kb(m, "SecPageTables:  ", 0);
	show_val_kb(m, "NFS_Unstable:   ", 0);
	show_val_kb(m, "Bounce:         ", 0);
	show_val_kb(m, "WritebackTmp:   ", 0);
	show_val_kb(m, "CommitLimit:    ", total / 2);	/* overcommit_ratio 50, no swap */
	show_val_kb(m, "Committed_AS:   ", 0);
	seq_printf(m, "VmallocTotal:   %8lu kB\n", 0UL);
	show_val_kb(m, "VmallocUsed:    ", 0);
	show_val_kb(m, "VmallocChunk:   ", 0);
	show_val_kb(m, "Percpu:         ", 0);
	seq_printf(m, "HardwareCorrupted: %5lu kB\n", 0UL);
	show_val_kb(m, "AnonHugePages:  ", 0);	/* not counted yet (Linux: NR_ANON_THPS) */
	show_val_kb(m, "ShmemHugePages: ", 0);
	show_val_kb(m, "ShmemPmdMapped: ", 0);
	show_val_kb(m, "FileHugePages:  ", 0);
	show_val_kb(m, "FilePmdMapped:  ", 0);
	hugetlb_report_meminfo(m);
	return 0;
}

/* ---- /proc/vmstat ---- */

static unsigned long vmstat_zero(int arg) { return 0; }
static unsigned long vmstat_event(int item) { return READ_ONCE(vm_events[item]); }
static unsigned long vmstat_free_pages(int arg) { return nr_free_pages(); }

static unsigned long vmstat_pagetables(int arg)
{
	struct task_totals tt;

	task_totals(&tt);
	return tt.pagetable_pages;
}

/* One numa_stat field summed over the nodes; arg is its offset in struct numa_stat. */
static unsigned long vmstat_numa(int offset)
{
	unsigned long sum = 0;

	for (int nid = 0; nid < nr_node_ids; nid++)
		sum += READ_ONCE(*(unsigned long *)((char *)&NODE_DATA(nid)->stat + offset));
	return sum;
}

struct vmstat_item {
	const char *name;
	unsigned long (*get)(int arg);
	int arg;
};

#define VM_EVENT(name, item)	{ name, vmstat_event, item }
#define NUMA_STAT(name, field)	{ name, vmstat_numa, offsetof(struct numa_stat, field) }
#define NOT_COUNTED(name)	{ name, vmstat_zero, 0 }	/* Pagoda does not count it yet */

/* Linux 6.1's order (mm/vmstat.c vmstat_text), the lines Pagoda has; its own at the end. */
static const struct vmstat_item vmstat_items[] = {
	{ "nr_free_pages", vmstat_free_pages, 0 },
	NUMA_STAT("numa_hit", numa_hit),
	NUMA_STAT("numa_miss", numa_miss),
	NUMA_STAT("numa_foreign", numa_foreign),
	NUMA_STAT("numa_interleave", interleave_hit),
	NUMA_STAT("numa_local", local_node),
	NUMA_STAT("numa_other", other_node),
	NOT_COUNTED("nr_isolated_anon"),
	NOT_COUNTED("nr_anon_pages"),
	NOT_COUNTED("nr_anon_transparent_hugepages"),
	{ "nr_page_table_pages", vmstat_pagetables, 0 },
	VM_EVENT("pgalloc_normal", PGALLOC),	/* Pagoda has one zone per node */
	VM_EVENT("pgfree", PGFREE),
	VM_EVENT("pgfault", PGFAULT),
	VM_EVENT("pgmajfault", PGMAJFAULT),
	NOT_COUNTED("pgmigrate_success"),
	NOT_COUNTED("pgmigrate_fail"),
	NOT_COUNTED("thp_migration_success"),
	NOT_COUNTED("thp_migration_fail"),
	NOT_COUNTED("thp_migration_split"),
	NOT_COUNTED("htlb_buddy_alloc_success"),
	NOT_COUNTED("htlb_buddy_alloc_fail"),
	NOT_COUNTED("thp_fault_alloc"),
	NOT_COUNTED("thp_fault_fallback"),
	NOT_COUNTED("thp_fault_fallback_charge"),
	NOT_COUNTED("thp_collapse_alloc"),
	NOT_COUNTED("thp_collapse_alloc_failed"),
	NOT_COUNTED("thp_split_page"),
	NOT_COUNTED("thp_split_page_failed"),
	NOT_COUNTED("thp_deferred_split_page"),
	NOT_COUNTED("thp_split_pmd"),
	NOT_COUNTED("thp_split_pud"),
	NOT_COUNTED("thp_zero_page_alloc"),
	NOT_COUNTED("thp_zero_page_alloc_failed"),
	/* Pagoda only (docs/files.md) */
	VM_EVENT("pagoda_cow_copy", PAGODA_COW_COPY),
	VM_EVENT("pagoda_cow_reuse", PAGODA_COW_REUSE),
};

static int vmstat_show(struct seq_file *m, struct proc_file *pf)
{
	for (size_t i = 0; i < ARRAY_SIZE(vmstat_items); i++)
		seq_printf(m, "%s %lu\n", vmstat_items[i].name, vmstat_items[i].get(vmstat_items[i].arg));
	return 0;
}

/* ---- /proc/cmdline, /proc/kpagecount ---- */

static int cmdline_proc_show(struct seq_file *m, struct proc_file *pf)
{
	seq_printf(m, "%s\n", saved_command_line ? saved_command_line : "");
	return 0;
}

static ssize_t kpagecount_bin_read(struct proc_file *pf, char *ubuf, size_t count, loff_t pos)
{
	return kpagecount_read(pos, ubuf, count);
}

/* ---- /proc/PID/ ---- */

static const char *task_state_name(const struct task_struct *t)
{
	switch (t->state) {
	case TASK_RUNNING:
		return "R (running)";
	case EXIT_ZOMBIE:
		return "Z (zombie)";
	default:
		return "S (sleeping)";
	}
}

/* The Vm* lines (Linux: task_mem in fs/proc/task_mmu.c). */
static void task_mem(struct seq_file *m, struct mm_struct *mm)
{
	unsigned long total = 0, data = 0, stack = 0, exec = 0, text, lib;
	unsigned long rss = READ_ONCE(mm->rss_anon);
	struct vm_area_struct *vma;

	for_each_vma(mm, vma) {
		unsigned long pages = vma_pages(vma), f = vma->vm_flags;

		total += pages;
		if (f & VM_STACK)
			stack += pages;
		else if ((f & (VM_WRITE | VM_SHARED)) == VM_WRITE)
			data += pages;
		else if ((f & (VM_EXEC | VM_WRITE)) == VM_EXEC)
			exec += pages;
	}
	text = ALIGN(mm->end_code, PAGE_SIZE) - (mm->start_code & PAGE_MASK);
	if (!mm->end_code)
		text = exec << PAGE_SHIFT;	/* exec did not record the text: a static program has no libraries */
	text = min(text, exec << PAGE_SHIFT);
	lib = (exec << PAGE_SHIFT) - text;
	seq_printf(m, "VmPeak:\t%8lu kB\n", total << (PAGE_SHIFT - 10));	/* no VmPeak high-water mark: VmSize */
	seq_printf(m, "VmSize:\t%8lu kB\n", total << (PAGE_SHIFT - 10));
	seq_printf(m, "VmLck:\t%8lu kB\n", 0UL);
	seq_printf(m, "VmPin:\t%8lu kB\n", 0UL);
	seq_printf(m, "VmHWM:\t%8lu kB\n", READ_ONCE(mm->hiwater_rss) << (PAGE_SHIFT - 10));
	seq_printf(m, "VmRSS:\t%8lu kB\n", rss << (PAGE_SHIFT - 10));
	seq_printf(m, "RssAnon:\t%8lu kB\n", rss << (PAGE_SHIFT - 10));
	seq_printf(m, "RssFile:\t%8lu kB\n", 0UL);		/* program pages are private copies */
	seq_printf(m, "RssShmem:\t%8lu kB\n", 0UL);
	seq_printf(m, "VmData:\t%8lu kB\n", data << (PAGE_SHIFT - 10));
	seq_printf(m, "VmStk:\t%8lu kB\n", stack << (PAGE_SHIFT - 10));
	seq_printf(m, "VmExe:\t%8lu kB\n", text >> 10);
	seq_printf(m, "VmLib:\t%8lu kB\n", lib >> 10);
	seq_printf(m, "VmPTE:\t%8lu kB\n", READ_ONCE(mm->pgtables_bytes) >> 10);
	seq_printf(m, "VmSwap:\t%8lu kB\n", 0UL);
	hugetlb_report_usage(m, mm);
}

static void seq_sigmask(struct seq_file *m, const char *name, sigset_t set)
{
	seq_printf(m, "%s:\t%016lx\n", name, set);
}

/* Linux: proc_pid_status in fs/proc/array.c; the lines Pagoda has, in its order. */
static int proc_pid_status(struct seq_file *m, struct proc_file *pf)
{
	struct task_struct *t = find_task_by_pid(pf->node.pid);
	sigset_t ign = 0, cgt = 0;

	if (!t)
		return -ESRCH;
	seq_puts(m, "Name:\t");
	for (const char *c = t->comm; *c && c < t->comm + TASK_COMM_LEN; c++) {
		if (*c == '\n')
			seq_puts(m, "\\n");
		else if (*c == '\\')
			seq_puts(m, "\\\\");
		else
			seq_putc(m, *c);
	}
	seq_printf(m, "\nUmask:\t0022\nState:\t%s\n", task_state_name(t));
	seq_printf(m, "Tgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\nTracerPid:\t0\n",
		   t->pid, t->pid, t->parent && t->parent != t ? t->parent->pid : 0);
	seq_puts(m, "Uid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n");
	seq_printf(m, "FDSize:\t%d\nGroups:\t \nNStgid:\t%d\nNSpid:\t%d\n", NR_OPEN_DEFAULT, t->pid, t->pid);
	if (t->mm && t->state != EXIT_ZOMBIE)
		task_mem(m, t->mm);
	seq_puts(m, "CoreDumping:\t0\nTHP_enabled:\t1\nThreads:\t1\n");
	for (int sig = 1; sig <= _NSIG; sig++) {
		void *h = t->sig.action[sig - 1].handler;

		if (h == SIG_IGN)
			ign |= sigmask(sig);
		else if (h != SIG_DFL)
			cgt |= sigmask(sig);
	}
	seq_sigmask(m, "SigPnd", 0);
	seq_sigmask(m, "ShdPnd", t->sig.pending);
	seq_sigmask(m, "SigBlk", t->sig.blocked);
	seq_sigmask(m, "SigIgn", ign);
	seq_sigmask(m, "SigCgt", cgt);
	seq_puts(m, "Cpus_allowed_list:\t");
	seq_bitmap_list(m, nr_cpus() >= 64 ? ~0ULL : (1ULL << nr_cpus()) - 1, nr_cpus());
	seq_puts(m, "\nMems_allowed_list:\t");
	seq_bitmap_list(m, (1ULL << nr_node_ids) - 1, nr_node_ids);
	seq_putc(m, '\n');
	return 0;
}

static int proc_pid_comm(struct seq_file *m, struct proc_file *pf)
{
	struct task_struct *t = find_task_by_pid(pf->node.pid);

	if (!t)
		return -ESRCH;
	seq_printf(m, "%s\n", t->comm);
	return 0;
}

/* Linux lets a task rename itself only (comm_write); the text is cut to 15 bytes. */
static int proc_pid_comm_write(struct proc_file *pf, const char *req)
{
	struct task_struct *t = find_task_by_pid(pf->node.pid);

	if (!t)
		return -ESRCH;
	if (t != current)
		return -EINVAL;
	strlcpy(t->comm, req, sizeof(t->comm));
	return 0;
}

static ssize_t pagemap_bin_read(struct proc_file *pf, char *ubuf, size_t count, loff_t pos)
{
	return pagemap_read(pf->node.pid, pos, ubuf, count);
}

/* ---- /sys/devices/system/node/ (Linux: drivers/base/node.c) ---- */

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

static int node_online_show(struct seq_file *m, struct proc_file *pf)
{
	return node_state_show(m, nodes_online());
}

static int node_has_memory_show(struct seq_file *m, struct proc_file *pf)
{
	u64 nodes = 0;

	for (int nid = 0; nid < nr_node_ids; nid++)
		if (NODE_DATA(nid)->node_present_pages)
			nodes |= 1ULL << nid;
	return node_state_show(m, nodes);
}

static int node_has_cpu_show(struct seq_file *m, struct proc_file *pf)
{
	u64 nodes = 0;

	for (int nid = 0; nid < nr_node_ids; nid++)
		if (node_cpu_mask(nid))
			nodes |= 1ULL << nid;
	return node_state_show(m, nodes);
}

static int node_read_meminfo(struct seq_file *m, struct proc_file *pf)
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
	NODE_KB("AnonHugePages:  ", 0);
	NODE_KB("ShmemHugePages: ", 0);
	NODE_KB("ShmemPmdMapped: ", 0);
	NODE_KB("FileHugePages:  ", 0);
	NODE_KB("FilePmdMapped:  ", 0);
#undef NODE_KB
	hugetlb_report_node_meminfo(m, nid);
	return 0;
}

static int node_read_numastat(struct seq_file *m, struct proc_file *pf)
{
	const struct numa_stat *s = &NODE_DATA(pf->node.nid)->stat;

	seq_printf(m, "numa_hit %lu\nnuma_miss %lu\nnuma_foreign %lu\n"
		      "interleave_hit %lu\nlocal_node %lu\nother_node %lu\n",
		   READ_ONCE(s->numa_hit), READ_ONCE(s->numa_miss), READ_ONCE(s->numa_foreign),
		   READ_ONCE(s->interleave_hit), READ_ONCE(s->local_node), READ_ONCE(s->other_node));
	return 0;
}

static int node_read_distance(struct seq_file *m, struct proc_file *pf)
{
	for (int i = 0; i < nr_node_ids; i++)
		seq_printf(m, "%s%d", i ? " " : "", node_distance(pf->node.nid, i));
	seq_putc(m, '\n');
	return 0;
}

static int node_read_cpulist(struct seq_file *m, struct proc_file *pf)
{
	seq_bitmap_list(m, node_cpu_mask(pf->node.nid), nr_cpus());
	seq_putc(m, '\n');
	return 0;
}

/* "%*pb": hex, as many digits as nr_cpus needs (Linux: bitmap_print_to_pagebuf). */
static int node_read_cpumap(struct seq_file *m, struct proc_file *pf)
{
	seq_printf(m, "%0*lx\n", (int)DIV_ROUND_UP(nr_cpus(), 4), (unsigned long)node_cpu_mask(pf->node.nid));
	return 0;
}

/* ---- /sys/kernel/mm/transparent_hugepage/ (Linux: mm/huge_memory.c) ---- */

static int thp_enabled_show(struct seq_file *m, struct proc_file *pf)
{
	seq_puts(m, "[always] madvise never\n");	/* Linux's Kconfig default; not switchable yet */
	return 0;
}

static int thp_defrag_show(struct seq_file *m, struct proc_file *pf)
{
	seq_puts(m, "always defer defer+madvise [madvise] never\n");
	return 0;
}

static int thp_use_zero_page_show(struct seq_file *m, struct proc_file *pf)
{
	seq_puts(m, "1\n");
	return 0;
}

static int thp_hpage_pmd_size_show(struct seq_file *m, struct proc_file *pf)
{
	seq_printf(m, "%lu\n", HPAGE_PMD_NR << PAGE_SHIFT);
	return 0;
}

/* ---- /sys/kernel/debug/pagoda/ (Pagoda only: docs/files.md) ---- */

/* Parse up to max unsigned numbers (decimal or 0x hex) separated by blanks. */
static int parse_numbers(const char *s, unsigned long *out, int max)
{
	int n = 0;

	for (;;) {
		const char *end;

		while (*s == ' ' || *s == '\t' || *s == '\n')
			s++;
		if (!*s)
			return n;
		if (n == max || *s < '0' || *s > '9')
			return -EINVAL;
		out[n++] = simple_strtoul(s, &end, 0);
		if (*end && *end != ' ' && *end != '\t' && *end != '\n')
			return -EINVAL;
		s = end;
	}
}

/* Run a report function into the seq buffer; a full buffer means "retry bigger". */
static int seq_report(struct seq_file *m, int len)
{
	if (len < 0)
		return len;
	m->count = (size_t)len + 1 >= m->size ? m->size : (size_t)len;
	return 0;
}

static int pagoda_check_show(struct seq_file *m, struct proc_file *pf)
{
	return seq_report(m, pagoda_mm_check(m->buf, m->size));
}

/* A query file's request: exactly n numbers ("PID" or "PID ADDR"), kept for the next read. */
static int query_write(struct proc_file *pf, const char *req, int n)
{
	if (parse_numbers(req, pf->req, n) != n)
		return -EINVAL;
	pf->nr_req = n;
	return 0;
}

/* rmap, unmap, referenced: write "PID ADDR", read the report of the page mapped there. */
static int rmap_write(struct proc_file *pf, const char *req)
{
	return query_write(pf, req, 2);
}

/* Print the report for the "PID ADDRESS" written before, or how to ask for one. */
static int pid_addr_query(struct seq_file *m, struct proc_file *pf, const char *usage,
			  int (*report)(pid_t pid, unsigned long addr, char *buf, size_t size))
{
	if (pf->nr_req != 2) {
		seq_puts(m, usage);
		return 0;
	}
	return seq_report(m, report(pf->req[0], pf->req[1], m->buf, m->size));
}

static int rmap_show(struct seq_file *m, struct proc_file *pf)
{
	return pid_addr_query(m, pf, "write \"PID ADDRESS\" to this file, then read the report\n",
			      pagoda_rmap_report);
}

/*
 * unmap and referenced: write "PID ADDR"; the read runs try_to_unmap or
 * page_referenced on the anonymous page mapped there and reports it.
 */
static int unmap_show(struct seq_file *m, struct proc_file *pf)
{
	return pid_addr_query(m, pf,
			      "write \"PID ADDRESS\" to this file, then read: the page is unmapped everywhere\n",
			      pagoda_unmap_report);
}

static int referenced_show(struct seq_file *m, struct proc_file *pf)
{
	return pid_addr_query(m, pf, "write \"PID ADDRESS\" to this file, then read the page_referenced count\n",
			      pagoda_referenced_report);
}

/* anon_vma: write "PID", read that process's VMAs, anon_vmas and AVC trees. */
static int anon_vma_write(struct proc_file *pf, const char *req)
{
	return query_write(pf, req, 1);
}

static int anon_vma_show(struct seq_file *m, struct proc_file *pf)
{
	if (pf->nr_req != 1) {
		seq_puts(m, "write \"PID\" to this file, then read the report\n");
		return 0;
	}
	return seq_report(m, pagoda_anon_vma_report(pf->req[0], m->buf, m->size));
}

/*
 * /proc/PID/maps (Linux: fs/proc/task_mmu.c show_map_vma): one line per VMA,
 * "start-end perms offset dev inode", then the name padded to column 73.
 */
static const char *vma_name(const struct mm_struct *mm, const struct vm_area_struct *vma)
{
	if (vma->vm_file)
		return vma->vm_file->name;
	if (vma->vm_shm)
		return "/dev/zero (deleted)";	/* Linux: shared anonymous memory is a shmem file */
	if (vma->vm_start <= mm->brk && vma->vm_end >= mm->start_brk)
		return "[heap]";
	if (vma->vm_start <= mm->start_stack && vma->vm_end >= mm->start_stack)
		return "[stack]";
	return NULL;
}

static int proc_pid_maps(struct seq_file *m, struct proc_file *pf)
{
	struct task_struct *t = find_task_by_pid(pf->node.pid);
	struct vm_area_struct *vma;

	if (!t)
		return -ESRCH;
	if (!t->mm)
		return 0;
	for_each_vma(t->mm, vma) {
		const char *name = vma_name(t->mm, vma);
		unsigned long flags = vma->vm_flags;
		unsigned long ino = vma->vm_file ? initramfs_index(vma->vm_file) + 1 : 0;
		u32 dev = vma->vm_file ? MKDEV(0, 2) : vma->vm_shm ? MKDEV(0, 1) : 0;
		unsigned long pgoff = vma->vm_file || vma->vm_shm ? vma->vm_pgoff << PAGE_SHIFT : 0;
		size_t line = m->count;

		seq_printf(m, "%08lx-%08lx %c%c%c%c %08lx %02x:%02x %lu ", vma->vm_start, vma->vm_end,
			   flags & VM_READ ? 'r' : '-', flags & VM_WRITE ? 'w' : '-',
			   flags & VM_EXEC ? 'x' : '-', flags & VM_MAYSHARE ? 's' : 'p',
			   pgoff, MAJOR(dev), MINOR(dev), ino);
		if (name) {
			while (m->count - line < 73 && !seq_has_overflowed(m))
				seq_putc(m, ' ');
			seq_puts(m, name);
		}
		seq_putc(m, '\n');
	}
	return 0;
}

/* ---- the table ---- */

#define SHOW(path, mode, fn)	{ path, mode, fn, NULL, NULL }
#define BINARY(path, mode, fn)	{ path, mode, NULL, fn, NULL }
#define QUERY(path, show, write) { path, 0644, show, NULL, write }

static const struct proc_entry proc_entries[] = {
	SHOW("/proc/meminfo", 0444, meminfo_proc_show),
	SHOW("/proc/vmstat", 0444, vmstat_show),
	SHOW("/proc/cmdline", 0444, cmdline_proc_show),
	BINARY("/proc/kpagecount", 0400, kpagecount_bin_read),
	SHOW("/proc/<pid>/status", 0444, proc_pid_status),
	SHOW("/proc/<pid>/maps", 0444, proc_pid_maps),
	{ "/proc/<pid>/comm", 0644, proc_pid_comm, NULL, proc_pid_comm_write },
	BINARY("/proc/<pid>/pagemap", 0400, pagemap_bin_read),

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

	SHOW("/sys/kernel/mm/transparent_hugepage/enabled", 0444, thp_enabled_show),
	SHOW("/sys/kernel/mm/transparent_hugepage/defrag", 0444, thp_defrag_show),
	SHOW("/sys/kernel/mm/transparent_hugepage/use_zero_page", 0444, thp_use_zero_page_show),
	SHOW("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size", 0444, thp_hpage_pmd_size_show),

	SHOW("/sys/kernel/debug/pagoda/check", 0444, pagoda_check_show),
	QUERY("/sys/kernel/debug/pagoda/rmap", rmap_show, rmap_write),
	QUERY("/sys/kernel/debug/pagoda/anon_vma", anon_vma_show, anon_vma_write),
	QUERY("/sys/kernel/debug/pagoda/unmap", unmap_show, rmap_write),
	QUERY("/sys/kernel/debug/pagoda/referenced", referenced_show, rmap_write),
};

/* ---- matching paths against the patterns ---- */

enum match { MATCH_NONE, MATCH_DIR, MATCH_FILE };

/* The next '/'-separated component at *p: its start and length; *p moves past it. */
static const char *next_component(const char **p, size_t *len)
{
	const char *c;

	while (**p == '/')
		(*p)++;
	c = *p;
	while (**p && **p != '/')
		(*p)++;
	*len = *p - c;
	return c;
}

/* A decimal number without a leading zero (Linux: name_to_int), or -1. */
static long parse_decimal(const char *s, size_t len)
{
	long v = 0;

	if (!len || len > 9 || (len > 1 && s[0] == '0'))
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* One path component c against one pattern component pat; records <pid> or <nid> in n. */
static bool component_match(const char *pat, size_t plen, const char *c, size_t clen, struct procfs_node *n)
{
	const char *tok = NULL;
	size_t pre, post;
	long v;

	for (size_t i = 0; i < plen; i++)
		if (pat[i] == '<')
			tok = pat + i;
	if (!tok)
		return plen == clen && !memcmp(pat, c, clen);
	pre = tok - pat;
	post = plen - pre - 5;			/* the token is "<pid>" or "<nid>" */
	if (clen < pre + post || memcmp(c, pat, pre) || memcmp(c + clen - post, tok + 5, post))
		return false;
	c += pre;
	clen -= pre + post;
	if (!memcmp(tok, "<pid>", 5)) {
		if (clen == 4 && !memcmp(c, "self", 4))
			v = current->pid;
		else if ((v = parse_decimal(c, clen)) < 0 || !find_task_by_pid(v))
			return false;
		n->pid = v;
		return true;
	}
	v = parse_decimal(c, clen);
	if (v < 0 || v >= nr_node_ids)
		return false;
	n->nid = v;
	return true;
}

/* Is path the file pattern names, a directory above it, or neither? */
static enum match match_path(const char *pattern, const char *path, struct procfs_node *n)
{
	const char *p = pattern, *q = path;

	n->pid = n->nid = -1;
	for (;;) {
		size_t plen, qlen;
		const char *pc = next_component(&p, &plen), *qc = next_component(&q, &qlen);

		if (!qlen)
			return plen ? MATCH_DIR : MATCH_FILE;
		if (!plen || !component_match(pc, plen, qc, qlen, n))
			return MATCH_NONE;
	}
}

/* Inode numbers: a hash of the path (FNV-1a), so that they stay the same across opens. */
static u64 path_ino_update(u64 h, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		h = (h ^ (u8)s[i]) * 0x100000001b3ULL;
	return h;
}

static u64 path_ino(const char *path)
{
	return (path_ino_update(0xcbf29ce484222325ULL, path, strlen(path)) & 0xffffffffULL) | 1;
}

static void procfs_fill_stat(struct procfs_node *n, const char *path)
{
	struct kstat *st = &n->stat;

	memset(st, 0, sizeof(*st));
	n->sysfs = !strncmp(path, "/sys", 4);
	st->ino = path_ino(path);
	st->dev = n->sysfs ? SYSFS_DEV : PROC_DEV;
	st->blksize = n->sysfs ? 4096 : 1024;
	if (n->pe) {
		st->mode = S_IFREG | n->pe->mode;
		st->nlink = 1;
		st->size = n->sysfs ? 4096 : 0;	/* sysfs shows a page; proc files are empty */
	} else {
		st->mode = S_IFDIR | (n->sysfs ? 0755 : 0555);
		st->nlink = 2;
	}
}

bool procfs_owns(const char *path)
{
	return (!strncmp(path, "/proc", 5) && (path[5] == '\0' || path[5] == '/')) ||
	       (!strncmp(path, "/sys", 4) && (path[4] == '\0' || path[4] == '/'));
}

int procfs_lookup(const char *path, struct procfs_node *node)
{
	struct procfs_node n, dir;
	bool is_dir = false;

	memset(&dir, 0, sizeof(dir));
	for (size_t i = 0; i < ARRAY_SIZE(proc_entries); i++) {
		enum match r;

		memset(&n, 0, sizeof(n));
		r = match_path(proc_entries[i].path, path, &n);
		if (r == MATCH_FILE) {
			n.pe = &proc_entries[i];
			procfs_fill_stat(&n, path);
			*node = n;
			return 0;
		}
		if (r == MATCH_DIR && !is_dir) {
			dir = n;
			is_dir = true;
		}
	}
	if (!is_dir)
		return -ENOENT;
	procfs_fill_stat(&dir, path);
	*node = dir;
	return 0;
}

bool procfs_may_write(const struct procfs_node *node)
{
	if (!node->pe)
		return false;
	return node->sysfs ? (node->pe->mode & S_IWUGO) != 0 : true;
}

/*
 * proc's lookup fails before any create (ENOENT); sysfs refuses to create:
 * EACCES from open(O_CREAT), EPERM from mknod and mkdir.
 */
int procfs_create_error(const char *path, bool by_open)
{
	if (strncmp(path, "/sys", 4))
		return -ENOENT;
	return by_open ? -EACCES : -EPERM;
}

/* ---- open files ---- */

static void proc_drop_text(struct proc_file *pf)
{
	kfree(pf->seq.buf);
	pf->seq.buf = NULL;
	pf->seq.count = pf->seq.size = 0;
}

/* Print the file into a buffer that fits it (Linux: seq_read's traverse). */
static int proc_generate(struct proc_file *pf)
{
	size_t size = PAGE_SIZE;

	for (;;) {
		int err;

		pf->seq.buf = kmalloc(size, GFP_KERNEL);
		if (!pf->seq.buf)
			return -ENOMEM;
		pf->seq.size = size;
		pf->seq.count = 0;
		err = pf->node.pe->show(&pf->seq, pf);
		if (err < 0) {
			proc_drop_text(pf);
			return err;
		}
		if (!seq_has_overflowed(&pf->seq))
			return 0;
		if (size >= SEQ_MAX_SIZE) {
			pf->seq.count = size - 1;	/* keep what fitted */
			return 0;
		}
		proc_drop_text(pf);
		size *= 2;
	}
}

static ssize_t proc_seq_read(struct file *f, char *ubuf, size_t count, loff_t *pos)
{
	struct proc_file *pf = f->private_data;

	if (!pf->seq.buf) {
		int err = proc_generate(pf);

		if (err)
			return err;
	}
	return simple_read_from_buffer(ubuf, count, pos, pf->seq.buf, pf->seq.count);
}

static ssize_t proc_bin_read(struct file *f, char *ubuf, size_t count, loff_t *pos)
{
	struct proc_file *pf = f->private_data;
	ssize_t n = pf->node.pe->read(pf, ubuf, count, *pos);

	if (n > 0)
		*pos += n;
	return n;
}

static ssize_t proc_write(struct file *f, const char *ubuf, size_t count, loff_t *pos)
{
	struct proc_file *pf = f->private_data;
	char req[PROC_REQ_MAX];
	int err;

	if (!pf->node.pe->write)
		return -EIO;		/* Linux's proc_reg_write without a ->proc_write */
	if (count >= sizeof(req))
		return -EINVAL;
	if (copy_from_user(req, ubuf, count))
		return -EFAULT;
	req[count] = '\0';
	err = pf->node.pe->write(pf, req);
	if (err)
		return err;
	proc_drop_text(pf);
	f->f_pos = 0;			/* the next read starts at the answer */
	return count;
}

/*
 * /proc: SEEK_SET and SEEK_CUR only (seq_lseek); /sys: any whence against
 * the page-sized file. A seek to 0 drops the text, so the next read prints
 * fresh numbers, as re-reading a seq_file from 0 does on Linux.
 */
static loff_t proc_llseek(struct file *f, loff_t offset, int whence)
{
	struct proc_file *pf = f->private_data;
	loff_t pos;

	if (pf->node.sysfs) {
		pos = generic_llseek_size(f, offset, whence, f->f_stat.size);
	} else {
		if (whence == SEEK_CUR)
			offset += f->f_pos;
		else if (whence != SEEK_SET)
			return -EINVAL;
		if (offset < 0)
			return -EINVAL;
		pos = f->f_pos = offset;
	}
	if (pos == 0)
		proc_drop_text(pf);
	return pos;
}

static void proc_release(struct file *f)
{
	struct proc_file *pf = f->private_data;

	proc_drop_text(pf);
	kfree(pf);
}

static const struct file_operations proc_seq_fops = {
	.read = proc_seq_read,
	.write = proc_write,
	.llseek = proc_llseek,
	.release = proc_release,
};

static const struct file_operations proc_bin_fops = {
	.read = proc_bin_read,
	.write = proc_write,
	.llseek = proc_llseek,
	.release = proc_release,
};

/* ---- directories ---- */

struct proc_dirent {
	char name[32];
	u8 type;
	u64 ino;
};

/* A directory's listing, made at open and freed at the last close. */
struct proc_dir {
	int nr, max;
	struct proc_dirent *d;
};

static int proc_dir_add(struct proc_dir *dir, const char *path, const char *name, size_t len, u8 type)
{
	struct proc_dirent *d;
	u64 h;

	if (len >= sizeof(d->name))
		return 0;
	for (int i = 0; i < dir->nr; i++)
		if (!strncmp(dir->d[i].name, name, len) && !dir->d[i].name[len])
			return 0;
	if (dir->nr == dir->max) {
		int max = dir->max ? 2 * dir->max : 16;

		d = kmalloc(max * sizeof(*d), GFP_KERNEL);
		if (!d)
			return -ENOMEM;
		if (dir->d)
			memcpy(d, dir->d, dir->nr * sizeof(*d));
		kfree(dir->d);
		dir->d = d;
		dir->max = max;
	}
	d = &dir->d[dir->nr++];
	memcpy(d->name, name, len);
	d->name[len] = '\0';
	d->type = type;
	h = path_ino_update(0xcbf29ce484222325ULL, path, strlen(path));
	h = path_ino_update(h, "/", 1);
	d->ino = (path_ino_update(h, name, len) & 0xffffffffULL) | 1;
	return 0;
}

/* The names pattern component pc (of length plen) produces in directory path. */
static int proc_dir_expand(struct proc_dir *dir, const char *path, const char *pc, size_t plen, u8 type)
{
	char name[32];
	struct task_struct *t;
	const char *tok = NULL;
	size_t pre, post;
	int err = 0;

	for (size_t i = 0; i < plen; i++)
		if (pc[i] == '<')
			tok = pc + i;
	if (!tok)
		return proc_dir_add(dir, path, pc, plen, type);
	pre = tok - pc;
	post = plen - pre - 5;
	if (pre + post + 12 > sizeof(name))
		return 0;
	memcpy(name, pc, pre);
	if (!memcmp(tok, "<pid>", 5)) {
		err = proc_dir_add(dir, path, "self", 4, type);
		list_for_each_entry(t, &task_list, tasks) {
			int n = pre + snprintf(name + pre, sizeof(name) - pre, "%d", t->pid);

			if (err)
				break;
			memcpy(name + n, tok + 5, post);
			err = proc_dir_add(dir, path, name, n + post, type);
		}
		return err;
	}
	for (int nid = 0; nid < nr_node_ids && !err; nid++) {
		int n = pre + snprintf(name + pre, sizeof(name) - pre, "%d", nid);

		memcpy(name + n, tok + 5, post);
		err = proc_dir_add(dir, path, name, n + post, type);
	}
	return err;
}

static int proc_dir_fill(struct proc_dir *dir, const char *path)
{
	for (size_t i = 0; i < ARRAY_SIZE(proc_entries); i++) {
		struct procfs_node n;
		const char *p = proc_entries[i].path, *q = path, *pc;
		size_t plen, qlen;
		int err;

		if (match_path(p, path, &n) != MATCH_DIR)
			continue;
		/* Skip the components path has, then take the pattern's next one. */
		for (next_component(&q, &qlen); qlen; next_component(&q, &qlen))
			next_component(&p, &plen);
		pc = next_component(&p, &plen);
		while (*p == '/')
			p++;
		err = proc_dir_expand(dir, path, pc, plen, *p ? DT_DIR : DT_REG);
		if (err)
			return err;
	}
	return 0;
}

/* Positions: 0 ".", 1 "..", 2 + i the listing's entry i. */
static long proc_getdents64(struct file *f, struct linux_dirent64 *udirent, unsigned int count)
{
	struct dir_context ctx = { .ubuf = (char *)udirent, .left = count };
	struct proc_dir *dir = f->private_data;

	if (f->f_pos == 0) {
		if (!dir_emit(&ctx, ".", 1, f->f_stat.ino, DT_DIR, 1))
			goto out;
		f->f_pos = 1;
	}
	if (f->f_pos == 1) {
		if (!dir_emit(&ctx, "..", 2, 1, DT_DIR, 2))
			goto out;
		f->f_pos = 2;
	}
	while (f->f_pos - 2 < dir->nr) {
		const struct proc_dirent *d = &dir->d[f->f_pos - 2];

		if (!dir_emit(&ctx, d->name, strlen(d->name), d->ino, d->type, f->f_pos + 1))
			break;
		f->f_pos++;
	}
out:
	return dir_context_result(&ctx);
}

static ssize_t proc_dir_read(struct file *f, char *ubuf, size_t count, loff_t *pos)
{
	return -EISDIR;
}

static void proc_dir_release(struct file *f)
{
	struct proc_dir *dir = f->private_data;

	kfree(dir->d);
	kfree(dir);
}

static const struct file_operations proc_dir_fops = {
	.read = proc_dir_read,
	.llseek = dir_llseek,
	.getdents64 = proc_getdents64,
	.release = proc_dir_release,
};

int procfs_open(struct file *f, const struct procfs_node *node, const char *path)
{
	if (!node->pe) {
		struct proc_dir *dir = kzalloc(sizeof(*dir), GFP_KERNEL);
		int err;

		if (!dir)
			return -ENOMEM;
		err = proc_dir_fill(dir, path);
		if (err) {
			kfree(dir->d);
			kfree(dir);
			return err;
		}
		f->private_data = dir;
		f->f_op = &proc_dir_fops;
		return 0;
	}

	struct proc_file *pf = kzalloc(sizeof(*pf), GFP_KERNEL);

	if (!pf)
		return -ENOMEM;
	pf->node = *node;
	f->private_data = pf;
	f->f_op = node->pe->read ? &proc_bin_fops : &proc_seq_fops;
	f->f_mode |= FMODE_PREAD;
	return 0;
}
