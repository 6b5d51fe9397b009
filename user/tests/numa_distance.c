/*
 * numa_distance: /sys/devices/system/node/nodeN/distance is row N of the
 * SLIT that tools/qemu.sh gave the machine (DIST=, qemu.dist= on the command
 * line; default 10 local / 20 remote; "ring": 10/20/30 on 4 nodes), on
 * Pagoda and on Linux 6.1 alike:
 * - every node 0..N-1 has the file, read as "10 20 30 20\n": N numbers,
 *   separated by single spaces, ending in a newline;
 * - entry j of row i is the SLIT's [i][j], 10 exactly on the diagonal;
 * - the kernel's table is symmetric where the SLIT is (QEMU's is unless
 *   DIST gives both directions differently), and there is no node N.
 *
 * Without qemu.nodes= on the command line and without a node1 (a host, say)
 * it skips on a kernel other than Pagoda.
 */
#include "tap.h"
#include "machine.h"

static char buf[512];
static int kdist[MACHINE_MAX_NODES][MACHINE_MAX_NODES];

/* Reads nodeN/distance into kdist[nid]; the number of entries, or -1. */
static int read_row(int nid, int nodes)
{
	char path[64], *p = buf;
	int n = 0;

	snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/distance", nid);
	if (!tap_ok(read_file(path, buf, sizeof(buf)) > 0, "read %s", path))
		return -1;
	while (*p && *p != '\n') {
		char *end;
		long d = strtol(p, &end, 10);

		if (end == p || n >= MACHINE_MAX_NODES)
			return -1;
		kdist[nid][n++] = (int)d;
		p = end;
		if (*p == ' ')
			p++;
	}
	tap_ok(p[0] == '\n' && p[1] == '\0', "node%d/distance ends in one newline", nid);
	tap_is_long(n, nodes, "node%d/distance has one entry per node", nid);
	return n;
}

static void check_row(const struct machine *m, int i)
{
	char want[256];
	int len = 0;

	for (int j = 0; j < m->nodes; j++)
		len += snprintf(want + len, sizeof(want) - len, "%s%d", j ? " " : "", m->dist[i][j]);
	snprintf(want + len, sizeof(want) - len, "\n");
	if (read_row(i, m->nodes) != m->nodes)
		return;
	tap_is_str(buf, want, "node%d/distance is the SLIT's row %d", i, i);
	tap_is_long(kdist[i][i], 10, "node%d is at distance 10 from itself", i);
}

static void check_symmetric(const struct machine *m)
{
	for (int i = 0; i < m->nodes; i++)
		for (int j = i + 1; j < m->nodes; j++)
			if (m->dist[i][j] == m->dist[j][i])
				tap_is_long(kdist[j][i], kdist[i][j], "distance %d->%d is %d->%d's", j, i, i, j);
}

int main(void)
{
	struct machine m;
	char path[64];
	long fd = sys_openat(AT_FDCWD, "/sys/devices/system/node/node1", O_RDONLY, 0);

	machine_get(&m);
	if (fd < 0 && !m.given && !is_pagoda())
		tap_skip_all("numa_distance: no node1 here; needs the QEMU machine of tools/qemu.sh");
	if (fd >= 0)
		sys_close((int)fd);
	if (!tap_ok(!m.bad, "qemu.nodes=, qemu.cpus=, qemu.dist= parse (%d nodes)", m.nodes))
		return tap_done();
	for (int i = 0; i < m.nodes; i++)
		check_row(&m, i);
	check_symmetric(&m);
	snprintf(path, sizeof(path), "/sys/devices/system/node/node%d", m.nodes);
	fd = sys_openat(AT_FDCWD, path, O_RDONLY, 0);
	tap_is_err(fd, ENOENT, "no %s", path);
	if (fd >= 0)
		sys_close((int)fd);
	return tap_done();
}
