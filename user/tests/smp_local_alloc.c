/*
 * smp_local_alloc: a task's user pages come from its CPU's node (Linux's
 * default local policy), and the calls that place a task say where it is.
 *
 * For each CPU c of the machine (the last one first: CPU 1 before CPU 0),
 * pinned there with sched_setaffinity:
 *   - sched_getaffinity reads back exactly {c} (8 bytes);
 *   - getcpu says CPU c, node c % nodes (tools/qemu.sh's round robin,
 *     machine.h), and /proc/self/stat's field 39 (processor) says c;
 *   - a forked child inherits the mask and runs on c too;
 *   - LOCAL_PAGES fresh 4 KB anonymous pages (MADV_NOHUGEPAGE) written
 *     there are each on that node: the frame that /proc/self/pagemap gives
 *     lies in one of the node's memory ranges, which both kernels log at
 *     boot as "ACPI: SRAT: Node N PXM P [mem 0xA-0xB]" (syslog(2));
 *   - the node's MemFree (/sys/devices/system/node/nodeN/meminfo) drops by
 *     at least a quarter of them, and no other node's by that much (the
 *     slack: Linux's per-CPU free lists hold pages MemFree does not count,
 *     and memory freed meanwhile, by a task exiting on another CPU, comes
 *     back to the node: Linux 6.1 showed a drop of 8184 kB for 16384 kB).
 *     The pagemap check above is the exact one.
 * sched_setaffinity's errors: an empty mask and a mask of only a CPU that
 * does not exist give EINVAL, a pid that does not exist ESRCH; none of
 * them changes the mask.  At the end the mask is every CPU again.
 *
 * Needs the QEMU machine (two nodes or more); on a kernel other than
 * Pagoda without node1 it prints "# SKIP".
 */
#include "smptest.h"

#define LOCAL_PAGES	4096UL			/* 16 MB */
#define MAX_RANGES	32
#define NO_SUCH_PID	0x3ffffff0

struct mem_range {
	int nid;
	unsigned long start, end;		/* [start, end] as logged */
};

static struct machine m;
static struct mem_range ranges[MAX_RANGES];
static int nr_ranges;
static char logbuf[512 * 1024];
static uint64_t pm[LOCAL_PAGES];

/* The SRAT memory ranges of the boot log: "ACPI: SRAT: Node N PXM P [mem 0xA-0xB]". */
static void parse_srat(void)
{
	static const char key[] = "ACPI: SRAT: Node ";

	if (syslog_read(logbuf, sizeof(logbuf)) <= 0)
		return;
	for (const char *p = strstr(logbuf, key); p && nr_ranges < MAX_RANGES; p = strstr(p + 1, key)) {
		const char *mem = strstr(p, "[mem ");
		const char *eol = strchr(p, '\n');
		char *end;

		if (!mem || (eol && mem > eol))
			continue;
		ranges[nr_ranges].nid = (int)strtol(p + strlen(key), NULL, 10);
		ranges[nr_ranges].start = strtoul(mem + 5, &end, 16);
		if (*end != '-')
			continue;
		ranges[nr_ranges].end = strtoul(end + 1, NULL, 16);
		nr_ranges++;
	}
}

/* The node whose SRAT range holds physical address pa, or -1. */
static int phys_to_nid(unsigned long pa)
{
	for (int i = 0; i < nr_ranges; i++)
		if (pa >= ranges[i].start && pa <= ranges[i].end)
			return ranges[i].nid;
	return -1;
}

/* The pagemap entries of n pages from p, in one read; 0 or -errno. */
static long pagemap_range(const void *p, unsigned long n, uint64_t *out)
{
	long fd = sys_openat(AT_FDCWD, "/proc/self/pagemap", O_RDONLY, 0), r;

	if (fd < 0)
		return fd;
	r = sys_lseek((int)fd, (long)((unsigned long)p / PAGE_SIZE * 8), SEEK_SET);
	if (r >= 0)
		r = sys_read((int)fd, out, n * 8);
	sys_close((int)fd);
	if (r < 0)
		return r;
	return r == (long)(n * 8) ? 0 : -EIO;
}

/* A forked child's view: its mask and CPU, as exit code bits (0: both as expected). */
static void check_child_inherits(int cpu)
{
	int status = 0;
	long pid = sys_fork();

	if (pid == 0) {
		unsigned long mask = 0;
		int bad = 0;

		if (sys_sched_getaffinity(0, sizeof(mask), &mask) != sizeof(mask) || mask != 1UL << cpu)
			bad |= 1;
		if (current_cpu() != cpu)
			bad |= 2;
		sys_exit_group(bad);
	}
	tap_ok(pid > 0 && sys_wait4((int)pid, &status, 0, NULL) == pid, "fork a child on CPU %d", cpu);
	tap_ok(WIFEXITED(status) && !(WEXITSTATUS(status) & 1), "the child inherits the mask {%d}", cpu);
	tap_ok(WIFEXITED(status) && !(WEXITSTATUS(status) & 2), "and runs on CPU %d (getcpu)", cpu);
}

/* Write LOCAL_PAGES fresh pages on this CPU: where are they, and what did MemFree do. */
static void check_pages_local(int cpu, int nid)
{
	unsigned long len = LOCAL_PAGES * PAGE_SIZE, wrong = 0, absent = 0, other = 0;
	long before[MACHINE_MAX_NODES], drop, want_kb = (long)(len / 1024);
	long p = sys_mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int first_wrong = -1;

	if (!tap_ok(p > 0, "mmap %lu MB", len >> 20))
		return;
	sys_madvise((void *)p, len, MADV_NOHUGEPAGE);
	for (int n = 0; n < m.nodes; n++)
		before[n] = node_meminfo_long(n, "MemFree");
	for (unsigned long off = 0; off < len; off += PAGE_SIZE)
		((volatile char *)p)[off] = 1;
	for (int n = 0; n < m.nodes; n++) {
		drop = before[n] - node_meminfo_long(n, "MemFree");
		if (n == nid)
			tap_ok(drop >= want_kb / 4, "node %d's MemFree dropped by %ld kB (>= %ld) for %ld kB written on CPU %d",
			       n, drop, want_kb / 4, want_kb, cpu);
		else
			tap_ok(drop < want_kb / 4, "node %d's MemFree dropped by %ld kB (< %ld) meanwhile",
			       n, drop, want_kb / 4);
	}
	if (tap_is_long(pagemap_range((void *)p, LOCAL_PAGES, pm), 0, "read the pagemap of the %lu pages", LOCAL_PAGES)) {
		for (unsigned long i = 0; i < LOCAL_PAGES; i++) {
			int where;

			if (!(pm[i] & PM_PRESENT) || !(pm[i] & PM_PFN_MASK)) {
				absent++;
				continue;
			}
			where = phys_to_nid((pm[i] & PM_PFN_MASK) * PAGE_SIZE);
			if (where != nid) {
				wrong++;
				if (first_wrong < 0)
					first_wrong = where;
			}
			other += where != nid && where < 0;
		}
		tap_is_ulong(absent, 0, "every page is present with a frame (pagemap, as root)");
		if (!tap_is_ulong(wrong, 0, "every frame is on node %d (SRAT ranges)", nid))
			tap_diag("e.g. one on node %d; %lu outside every range", first_wrong, other);
	}
	sys_munmap((void *)p, len);
}

static void check_on_cpu(int cpu)
{
	unsigned long mask = 1UL << cpu, got = 0;
	unsigned cur = ~0u, node = ~0u;
	int nid = cpu % m.nodes;

	if (!tap_is_long(sys_sched_setaffinity(0, sizeof(mask), &mask), 0, "sched_setaffinity(0, {%d})", cpu))
		return;
	tap_is_long(sys_sched_getaffinity(0, sizeof(got), &got), sizeof(got), "sched_getaffinity returns 8 bytes");
	tap_is_ulong(got, mask, "and the mask set: {%d}", cpu);
	tap_is_long(sys_getcpu(&cur, &node), 0, "getcpu");
	tap_is_long(cur, cpu, "getcpu: we run on CPU %d", cpu);
	tap_is_long(node, nid, "getcpu: its node is %d", nid);
	tap_is_long(proc_stat_processor("/proc/self/stat"), cpu, "/proc/self/stat field 39 (processor) is %d", cpu);
	check_child_inherits(cpu);
	check_pages_local(cpu, nid);
}

static void check_errors(void)
{
	unsigned long empty = 0, none = 1UL << 63, got = 0, all = (1UL << m.cpus) - 1;
	unsigned long before = 0;

	sys_sched_getaffinity(0, sizeof(before), &before);
	tap_is_err(sys_sched_setaffinity(0, sizeof(empty), &empty), EINVAL, "sched_setaffinity of an empty mask: EINVAL");
	tap_is_err(sys_sched_setaffinity(0, sizeof(none), &none), EINVAL,
		   "sched_setaffinity of only CPU 63, which does not exist: EINVAL");
	tap_is_err(sys_sched_setaffinity(NO_SUCH_PID, sizeof(all), &all), ESRCH, "sched_setaffinity of a pid that does not exist: ESRCH");
	tap_is_err(sys_sched_getaffinity(NO_SUCH_PID, sizeof(got), &got), ESRCH, "sched_getaffinity of it: ESRCH");
	sys_sched_getaffinity(0, sizeof(got), &got);
	tap_is_ulong(got, before, "the failed calls left the mask as it was (0x%lx)", before);
	tap_is_long(sys_sched_setaffinity(0, sizeof(all), &all), 0, "sched_setaffinity of every CPU (0x%lx)", all);
	got = 0;
	sys_sched_getaffinity(0, sizeof(got), &got);
	tap_is_ulong(got, all, "sched_getaffinity reads it back");
}

int main(void)
{
	long fd = sys_openat(AT_FDCWD, "/sys/devices/system/node/node1", O_RDONLY, 0);

	machine_get(&m);
	if (fd < 0 && !is_pagoda())
		tap_skip_all("smp_local_alloc: no node1 here; needs the two-node QEMU setup");
	if (fd >= 0)
		sys_close((int)fd);
	tap_is_long(smp_cpus(), m.cpus, "sched_getaffinity: the machine's %d CPUs", m.cpus);
	parse_srat();
	if (!tap_ok(nr_ranges >= m.nodes, "the boot log has the SRAT memory ranges (%d)", nr_ranges))
		return tap_done();
	for (int cpu = m.cpus - 1; cpu >= 0; cpu--)
		check_on_cpu(cpu);
	check_errors();
	return tap_done();
}
