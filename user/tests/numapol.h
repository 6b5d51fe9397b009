/*
 * numapol.h - helpers for the NUMA memory-policy tests (mempolicy_*, mbind_*):
 *
 *   MPOL_* constants uapi.h lacks     Linux 6.1's include/uapi/linux/mempolicy.h
 *   MASK_BITS, mask_of(...)           a user node mask of Linux's full width (1024 bits)
 *   node_of(addr)                     get_mempolicy(MPOL_F_NODE | MPOL_F_ADDR): the node
 *                                     of the page at addr (read-faulting it first)
 *   pin_to_cpu(c)                     (smptest.h) sched_setaffinity(0, {c}), getcpu checked
 *   numastat_get(nid, name)           a line of /sys/devices/system/node/nodeN/numastat
 *
 * The maxnode argument: set_mempolicy, mbind (and migrate_pages) read
 * maxnode - 1 bits (the off-by-one Linux keeps for its ABI), so the tests
 * pass MASK_BITS + 1 to cover a whole mask; get_mempolicy needs maxnode
 * >= the number of possible nodes and writes ALIGN(maxnode - 1, 64) bits.
 */
#ifndef NUMAPOL_H
#define NUMAPOL_H

#include "tap.h"
#include "smptest.h"	/* pin_to_cpu */

#ifndef MPOL_PREFERRED_MANY
#define MPOL_PREFERRED_MANY	5
#endif
#define MPOL_MAX_6_1		6
#ifndef MPOL_F_STATIC_NODES
#define MPOL_F_STATIC_NODES	(1 << 15)
#define MPOL_F_RELATIVE_NODES	(1 << 14)
#define MPOL_F_NUMA_BALANCING	(1 << 13)
#endif
#ifndef MPOL_F_MEMS_ALLOWED
#define MPOL_F_MEMS_ALLOWED	4
#endif
#ifndef MPOL_MF_LAZY
#define MPOL_MF_LAZY		8
#endif

#define MASK_BITS	1024			/* Linux's MAX_NUMNODES in Debian's config */
#define MASK_LONGS	(MASK_BITS / 64)
#define MAXNODE		(MASK_BITS + 1)		/* every bit of a mask_t, with the off-by-one */

typedef struct {
	unsigned long w[MASK_LONGS];
} mask_t;

static inline void mask_zero(mask_t *m) { memset(m, 0, sizeof(*m)); }
static inline void mask_set(mask_t *m, int n) { m->w[n / 64] |= 1UL << (n % 64); }
static inline int mask_isset(const mask_t *m, int n) { return (m->w[n / 64] >> (n % 64)) & 1; }

/* A mask of one node, or of nodes 0 .. n-1. */
static inline mask_t mask_node(int n) { mask_t m; mask_zero(&m); mask_set(&m, n); return m; }
static inline mask_t mask_first(int n) { mask_t m; mask_zero(&m); for (int i = 0; i < n; i++) mask_set(&m, i); return m; }

/* The node of the page at addr: get_mempolicy(NODE | ADDR). -errno on error. */
static inline long node_of(const void *addr)
{
	int node = -1;
	long r = sys_get_mempolicy(&node, NULL, 0, (void *)addr, MPOL_F_NODE | MPOL_F_ADDR);

	return r < 0 ? r : node;
}

/* The policy (mode | flags) and the first word of the mask of the VMA at addr, or of the task (addr NULL). */
static inline long policy_of(const void *addr, unsigned long *mask0)
{
	mask_t m;
	int mode = -1;
	long r = sys_get_mempolicy(&mode, m.w, MASK_BITS, (void *)addr, addr ? MPOL_F_ADDR : 0);

	if (r < 0)
		return r;
	if (mask0)
		*mask0 = m.w[0];
	return mode;
}

/* "name value" of nodeN/numastat; -1 if absent. */
static inline long numastat_get(int nid, const char *name)
{
	static char buf[1024];
	char path[64];
	size_t len = strlen(name);

	snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/numastat", nid);
	if (read_file(path, buf, sizeof(buf)) < 0)
		return -1;
	for (char *p = buf; *p; ) {
		if (!strncmp(p, name, len) && p[len] == ' ')
			return strtol(p + len + 1, NULL, 10);
		p = strchr(p, '\n');
		if (!p)
			break;
		p++;
	}
	return -1;
}

#endif
