/*
 * numa_sysfs: the two-node QEMU machine shows Linux's node files:
 * /sys/devices/system/node/online is "0-1\n", and nodeN/meminfo has
 * "Node N MemTotal:   X kB" with X about 512 MB and MemFree <= MemTotal.
 *
 * Needs the two-node setup.  On a kernel other than Pagoda without a
 * node1 (a host, say), it prints "# SKIP" and passes; on Pagoda it must
 * pass.
 */
#include "tap.h"

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

static void check_node(int nid)
{
	char path[64];
	long total, free;

	snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/meminfo", nid);
	if (!tap_ok(read_file(path, buf, sizeof(buf)) > 0, "read %s", path))
		return;
	total = node_field_kb(nid, "MemTotal");
	free = node_field_kb(nid, "MemFree");
	tap_ok(total >= 384 * 1024 && total <= 512 * 1024,
	       "node %d MemTotal is 384..512 MB (%ld kB)", nid, total);
	tap_ok(free > 0 && free <= total, "node %d MemFree is in 1..MemTotal (%ld kB)", nid, free);
}

int main(void)
{
	long fd = sys_openat(AT_FDCWD, "/sys/devices/system/node/node1", O_RDONLY, 0);

	if (fd < 0 && !is_pagoda())
		tap_skip_all("numa_sysfs: no node1 here; needs the two-node QEMU setup");
	if (fd >= 0)
		sys_close((int)fd);
	tap_ok(read_file("/sys/devices/system/node/online", buf, sizeof(buf)) > 0, "read node/online");
	tap_is_str(buf, "0-1\n", "node/online is \"0-1\\n\"");
	check_node(0);
	check_node(1);
	return tap_done();
}
