/*
 * cpu_sysfs: the QEMU machine of tools/qemu.sh (M CPUs over N nodes round
 * robin, by default 2 CPUs, one per node; user/tests/machine.h) shows its
 * CPUs as Linux 6.1 does, and every source of "how many CPUs" agrees:
 *
 *   /sys/devices/system/cpu/{online,possible,present}   "0-<M-1>\n"
 *   /sys/devices/system/cpu/offline                     "\n"
 *   the cpuN directories (glibc's get_nprocs_conf)      cpu0 .. cpu<M-1>
 *   cpu1/online "1\n"; cpu0 has no online file (x86: CPU 0 cannot go offline)
 *   sched_getaffinity (musl's _SC_NPROCESSORS_ONLN)     CPUs 0 .. M-1
 *   nodeK/cpulist: K, K+N, K+2N, ...                    (their union: online)
 *   getcpu                                              an online CPU and
 *                                                       the node listing it
 *
 * Needs that machine. On a kernel other than Pagoda without a node1 (a
 * host, say), it prints "# SKIP" and passes; on Pagoda it must pass.
 */
#include "tap.h"
#include "machine.h"

#define __NR_sched_getaffinity	204
#define CPU_SYSFS		"/sys/devices/system/cpu"

static char buf[4096];

/* A Linux cpu list ("0-1,3\n") as a mask, or ~0UL if it does not parse. */
static unsigned long parse_cpulist(const char *s)
{
	unsigned long mask = 0;

	while (*s && *s != '\n') {
		char *end;
		unsigned long a = strtoul(s, &end, 10), b = a;

		if (end == s)
			return ~0UL;
		s = end;
		if (*s == '-') {
			b = strtoul(s + 1, &end, 10);
			if (end == s + 1)
				return ~0UL;
			s = end;
		}
		if (a > b || b >= 64)
			return ~0UL;
		for (unsigned long c = a; c <= b; c++)
			mask |= 1UL << c;
		if (*s == ',')
			s++;
	}
	return mask;
}

/* The mask in file path, ~0UL if it cannot be read. */
static unsigned long read_cpulist(const char *path)
{
	if (read_file(path, buf, sizeof(buf)) < 0)
		return ~0UL;
	return parse_cpulist(buf);
}

static int bits(unsigned long m)
{
	int n = 0;

	for (; m; m &= m - 1)
		n++;
	return n;
}

/* The cpuN entries of /sys/devices/system/cpu, as a mask (what glibc counts). */
static unsigned long cpu_dirs(void)
{
	static char dents[8192];
	long fd = sys_openat(AT_FDCWD, CPU_SYSFS, O_RDONLY | O_DIRECTORY, 0);
	unsigned long mask = 0;
	long n;

	if (fd < 0)
		return ~0UL;
	while ((n = sys_getdents64((int)fd, dents, sizeof(dents))) > 0) {
		for (long off = 0; off < n;) {
			struct linux_dirent64 *d = (struct linux_dirent64 *)(dents + off);
			const char *name = d->d_name;
			char *end;

			off += d->d_reclen;
			if (strncmp(name, "cpu", 3) || name[3] < '0' || name[3] > '9')
				continue;
			unsigned long cpu = strtoul(name + 3, &end, 10);
			if (*end == '\0' && cpu < 64)
				mask |= 1UL << cpu;
		}
	}
	sys_close((int)fd);
	return mask;
}

static struct machine m;

static void check_masks(unsigned long *online)
{
	char want[16];

	machine_range(want, sizeof(want), m.cpus);
	tap_ok(read_file(CPU_SYSFS "/online", buf, sizeof(buf)) > 0, "read cpu/online");
	tap_is_str(buf, want, "cpu/online is the machine's %d CPUs", m.cpus);
	tap_ok(read_file(CPU_SYSFS "/possible", buf, sizeof(buf)) > 0, "read cpu/possible");
	tap_is_str(buf, want, "cpu/possible is the machine's %d CPUs", m.cpus);
	tap_ok(read_file(CPU_SYSFS "/present", buf, sizeof(buf)) > 0, "read cpu/present");
	tap_is_str(buf, want, "cpu/present is the machine's %d CPUs", m.cpus);
	tap_ok(read_file(CPU_SYSFS "/offline", buf, sizeof(buf)) > 0, "read cpu/offline");
	tap_is_str(buf, "\n", "cpu/offline is empty (\"\\n\")");
	*online = read_cpulist(CPU_SYSFS "/online");
}

static void check_cpu_dirs(unsigned long online)
{
	tap_is_ulong(cpu_dirs(), online, "the cpuN directories are the online CPUs (mask 0x%lx)", online);
	if (m.cpus > 1) {
		tap_ok(read_file(CPU_SYSFS "/cpu1/online", buf, sizeof(buf)) > 0, "read cpu1/online");
		tap_is_str(buf, "1\n", "cpu1/online is \"1\\n\"");
	}
	tap_is_err(read_file(CPU_SYSFS "/cpu0/online", buf, sizeof(buf)), ENOENT,
		   "cpu0 has no online file (CPU 0 cannot be taken offline)");
}

static void check_affinity(unsigned long online)
{
	unsigned long mask[2] = { 0, 0xdead };
	long r = syscall3(__NR_sched_getaffinity, 0, sizeof(mask), mask);

	tap_is_long(r, sizeof(long), "sched_getaffinity(0) copies one long (nr_cpu_ids <= 64)");
	tap_is_ulong(mask[0], online, "the affinity mask is the online CPUs");
	tap_is_ulong(mask[1], 0xdead, "nothing is written past the returned size");
	tap_is_long(bits(mask[0]), bits(online), "_SC_NPROCESSORS_ONLN as musl counts it: %d", bits(online));
	tap_is_err(syscall3(__NR_sched_getaffinity, 0, 4, mask), EINVAL,
		   "sched_getaffinity with a 4-byte buffer: EINVAL (not a multiple of a long)");
}

static void check_nodes(unsigned long online)
{
	unsigned long cpulist[MACHINE_MAX_NODES], all = 0;
	unsigned cpu = ~0u, node = ~0u;
	char path[64];

	for (int nid = 0; nid < m.nodes; nid++) {
		snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/cpulist", nid);
		cpulist[nid] = read_cpulist(path);
		tap_is_ulong(cpulist[nid], machine_node_cpus(&m, nid),
			     "node%d/cpulist is CPUs %d, %d + %d, ... (round robin)", nid, nid, nid, m.nodes);
		all |= cpulist[nid];
	}
	tap_is_ulong(all, online, "the nodes' cpulists together are the online CPUs");
	tap_is_long(sys_getcpu(&cpu, &node), 0, "getcpu succeeds");
	tap_ok(cpu < 64 && (online >> cpu) & 1, "getcpu's CPU %u is online", cpu);
	tap_ok(node < (unsigned)m.nodes && cpu < 64 && (cpulist[node] >> cpu) & 1,
	       "getcpu's node %u lists CPU %u in its cpulist", node, cpu);
}

int main(void)
{
	long fd = sys_openat(AT_FDCWD, "/sys/devices/system/node/node1", O_RDONLY, 0);
	unsigned long online = 0;

	machine_get(&m);
	if (fd < 0 && !is_pagoda())
		tap_skip_all("cpu_sysfs: no node1 here; needs the two-node, two-CPU QEMU setup");
	if (fd >= 0)
		sys_close((int)fd);
	check_masks(&online);
	check_cpu_dirs(online);
	check_affinity(online);
	check_nodes(online);
	return tap_done();
}
