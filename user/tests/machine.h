/*
 * machine.h - the QEMU machine a test runs on, as tools/qemu.sh built it.
 *
 * tools/qemu.sh takes NODES=, CPUS= and DIST=; the test ISOs (Makefile:
 * machine_words) and tools/linux-oracle.sh pass the same values on the
 * kernel command line as qemu.nodes=N qemu.cpus=M qemu.dist=TABLE|ring,
 * which both kernels leave in /proc/cmdline (Linux ignores a dotted word of
 * a module it does not have). A test reads its expected values from here,
 * never from the kernel under test. Without the words, the machine is
 * qemu.sh's default: 2 nodes, 2 CPUs, distances 10/20.
 *
 * CPU c is on node c % nodes (qemu.sh's round robin); nodes have memory
 * mem_mb / nodes each, of qemu.nodes' default total (MEM is not passed: the
 * tests check sizes only roughly).
 */
#ifndef MACHINE_H
#define MACHINE_H

#include "ulib.h"

#define MACHINE_MAX_NODES	8

struct machine {
	int nodes, cpus;
	int dist[MACHINE_MAX_NODES][MACHINE_MAX_NODES];
	int given;		/* 1: /proc/cmdline had qemu.nodes= (0 on a host) */
	int bad;		/* 1: a qemu.* word did not parse */
};

/* The value of " key" in cmdline (up to a space), copied into val; 0 if absent. */
static inline int machine_word(const char *cmdline, const char *key, char *val, size_t size)
{
	const char *p = cmdline;
	size_t klen = strlen(key), n = 0;

	while ((p = strstr(p, key)) != NULL) {
		if (p == cmdline || p[-1] == ' ')
			break;
		p += klen;
	}
	if (!p)
		return 0;
	p += klen;
	while (p[n] && p[n] != ' ' && p[n] != '\n' && n + 1 < size) {
		val[n] = p[n];
		n++;
	}
	val[n] = '\0';
	return 1;
}

/* qemu.sh's numa_distance(): default 10/20, ring 10 + 10 * hops, else the table. */
static inline void machine_dist(struct machine *m, const char *dist)
{
	const char *p = dist;

	for (int i = 0; i < m->nodes; i++)
		for (int j = 0; j < m->nodes; j++) {
			int hops = (i - j + m->nodes) % m->nodes;

			if (m->nodes - hops < hops)
				hops = m->nodes - hops;
			if (!*dist)
				m->dist[i][j] = i == j ? 10 : 20;
			else if (!strcmp(dist, "ring"))
				m->dist[i][j] = 10 + 10 * hops;
			else {
				char *end;

				m->dist[i][j] = (int)strtol(p, &end, 10);
				if (end == p || (*end != ',' && *end != '\0'))
					m->bad = 1;
				p = *end ? end + 1 : end;
			}
		}
}

static inline void machine_get(struct machine *m)
{
	static char cmdline[2048];
	char val[512];

	memset(m, 0, sizeof(*m));
	m->nodes = 2;
	m->cpus = 2;
	if (read_file("/proc/cmdline", cmdline, sizeof(cmdline)) < 0)
		cmdline[0] = '\0';
	if (machine_word(cmdline, "qemu.nodes=", val, sizeof(val))) {
		m->given = 1;
		m->nodes = (int)strtol(val, NULL, 10);
	}
	if (machine_word(cmdline, "qemu.cpus=", val, sizeof(val)))
		m->cpus = (int)strtol(val, NULL, 10);
	if (m->nodes < 1 || m->nodes > MACHINE_MAX_NODES || m->cpus < 1 || m->cpus > 64) {
		m->bad = 1;
		m->nodes = m->nodes < 1 || m->nodes > MACHINE_MAX_NODES ? 1 : m->nodes;
	}
	if (!machine_word(cmdline, "qemu.dist=", val, sizeof(val)))
		val[0] = '\0';
	machine_dist(m, val);
}

/* The Linux list of 0..n-1: "0-3\n", "0\n". */
static inline void machine_range(char *buf, size_t size, int n)
{
	if (n == 1)
		snprintf(buf, size, "0\n");
	else
		snprintf(buf, size, "0-%d\n", n - 1);
}

/* The CPUs of node nid, qemu.sh's round robin, as a mask. */
static inline unsigned long machine_node_cpus(const struct machine *m, int nid)
{
	unsigned long mask = 0;

	for (int c = nid; c < m->cpus; c += m->nodes)
		mask |= 1UL << c;
	return mask;
}

#endif
