/*
 * numa_sysfs: the QEMU machine of tools/qemu.sh (N nodes, by default 2 of
 * 512 MB; user/tests/machine.h) shows Linux's node files:
 * /sys/devices/system/node/online is "0-<N-1>\n", and each nodeN/meminfo
 * has "Node N MemTotal:   X kB" with X at most the node's share of
 * qemu.sh's default memory (1024 MB / N) and at least that share less what
 * the firmware and the kernel may reserve in it (128 MB, but at most half
 * the share: Linux 6.1 keeps 47 MB of one 128 MB node on 8 nodes), and
 * MemFree <= MemTotal.
 *
 * Needs that machine.  On a kernel other than Pagoda without a node1 (a
 * host, say), it prints "# SKIP" and passes; on Pagoda it must pass.
 */
#include "tap.h"
#include "machine.h"

static char buf[8192];

/* Value of "Node N <field>:   X kB" in buf, or -1. */
static long node_field_kb(int nid, const char *field)
{
	char key[64];
	char *p;

	snprintf(key, sizeof(key), "Node %d %s:", nid, field);
	p = strstr(buf, key);
	return p ? strtol(p + strlen(key), NULL, 10) : -1;
}

static void check_node(int nid, long share_kb)
{
	/* The reservations: 128 MB, or half of a small node. */
	long min_kb = share_kb - (share_kb / 2 < 128 * 1024 ? share_kb / 2 : 128 * 1024);
	char path[64];
	long total, free;

	snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/meminfo", nid);
	if (!tap_ok(read_file(path, buf, sizeof(buf)) > 0, "read %s", path))
		return;
	total = node_field_kb(nid, "MemTotal");
	free = node_field_kb(nid, "MemFree");
	tap_ok(total >= min_kb && total <= share_kb,
	       "node %d MemTotal is %ld..%ld MB (%ld kB)", nid, min_kb / 1024, share_kb / 1024, total);
	tap_ok(free > 0 && free <= total, "node %d MemFree is in 1..MemTotal (%ld kB)", nid, free);
}

int main(void)
{
	long fd = sys_openat(AT_FDCWD, "/sys/devices/system/node/node1", O_RDONLY, 0);
	struct machine m;
	char want[16];

	machine_get(&m);
	if (fd < 0 && !is_pagoda())
		tap_skip_all("numa_sysfs: no node1 here; needs the two-node QEMU setup");
	if (fd >= 0)
		sys_close((int)fd);
	tap_ok(read_file("/sys/devices/system/node/online", buf, sizeof(buf)) > 0, "read node/online");
	machine_range(want, sizeof(want), m.nodes);
	tap_is_str(buf, want, "node/online is the machine's %d nodes", m.nodes);
	for (int nid = 0; nid < m.nodes; nid++)
		check_node(nid, 1024L * 1024 / m.nodes);
	return tap_done();
}
