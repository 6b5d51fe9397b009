/*
 * migratetest.h - helpers for the page-migration tests (migrate_*.c,
 * move_pages.c): the raw calls and where a page is.  Not a test itself.
 *
 *   sys_migrate_pages                   the raw call (-errno; sys_move_pages is
 *                                       user/lib/syscall.h's)
 *   page_node(addr)                     move_pages' query: the node of the
 *                                       page at addr, or its -errno status
 *   region_nodes_all(p, n, nid)         every page of [p, p + n pages) is on nid
 *   nodemask_of(nid)                    one node, as migrate_pages' masks
 *   MIG_MAXNODE                         maxnode for those masks (Linux drops
 *                                       one bit: 65 covers nodes 0-63)
 *   region_fill / region_check          a pattern that names page and round
 *   huge_fill / huge_intact / huge_pages_on   the same for a 2 MB region (a THP
 *                                       or a hugetlb page), and where its pages are
 *   numa_balancing_off / _restore       Linux's automatic NUMA balancing
 *                                       migrates pages on its own (its hinting
 *                                       faults): off while a test places pages
 *
 * Write-touch pages before moving them: an untouched anonymous page is the
 * zero page, which move_pages reports as -EFAULT and never moves.
 */
#ifndef MIGRATETEST_H
#define MIGRATETEST_H

#include "mmtest.h"
#include "machine.h"

#define MIG_MAXNODE		65

static inline long sys_migrate_pages(long pid, unsigned long maxnode, const unsigned long *old,
				     const unsigned long *new)
{
	return syscall4(__NR_migrate_pages, pid, maxnode, old, new);
}

/* The node of the page at addr in process pid (0: this one), or move_pages' -errno status. */
static inline int page_node_of(long pid, const void *addr)
{
	void *pages[1] = { (void *)addr };
	int status = -12345;
	long r = sys_move_pages(pid, 1, pages, NULL, &status, 0);

	return r < 0 ? (int)r : status;
}

static inline int page_node(const void *addr) { return page_node_of(0, addr); }

/* Every page of [p, p + n pages) of pid is on node nid (one query of all of them). */
static inline int region_nodes_all_of(long pid, const char *p, unsigned long n, int nid)
{
	void *pages[512];
	int status[512];

	if (n > 512)
		return 0;
	for (unsigned long i = 0; i < n; i++)
		pages[i] = (void *)(p + i * 4096);
	if (sys_move_pages(pid, n, pages, NULL, status, 0))
		return 0;
	for (unsigned long i = 0; i < n; i++)
		if (status[i] != nid) {
			tap_diag("page %lu is on node %d, expected %d", i, status[i], nid);
			return 0;
		}
	return 1;
}

static inline int region_nodes_all(const char *p, unsigned long n, int nid)
{
	return region_nodes_all_of(0, p, n, nid);
}

static inline unsigned long nodemask_of(int nid) { return 1UL << nid; }

/* 4 KB anonymous pages only (MADV_NOHUGEPAGE: Linux would give a THP), not yet touched. */
static inline char *region_map(unsigned long n)
{
	char *p = mmap(NULL, n * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	madvise(p, n * 4096, MADV_NOHUGEPAGE);
	return p;
}

/* Word i of page pg in round r. */
static inline unsigned long region_word(unsigned long pg, unsigned long i, unsigned long r)
{
	return (pg << 32) ^ (i * 2654435761UL) ^ (r << 20) ^ 0x5a5a5a5aUL;
}

static inline void region_fill(char *p, unsigned long n, unsigned long r)
{
	for (unsigned long pg = 0; pg < n; pg++)
		for (unsigned long i = 0; i < 512; i++)
			((unsigned long *)(p + pg * 4096))[i] = region_word(pg, i, r);
}

/* The first page whose contents are not round r's, or -1. */
static inline long region_check(const char *p, unsigned long n, unsigned long r)
{
	for (unsigned long pg = 0; pg < n; pg++)
		for (unsigned long i = 0; i < 512; i++)
			if (((const unsigned long *)(p + pg * 4096))[i] != region_word(pg, i, r))
				return (long)pg;
	return -1;
}

/*
 * A 2 MB region (a THP, or a hugetlb page): one byte in every 512 holds a
 * pattern of its offset and a version v, so a page moved or copied with
 * the wrong data, or not at all, shows.
 */
static inline unsigned char huge_pattern(unsigned long off, int v)
{
	return (unsigned char)((off >> 12) * 7 + (off & 0xfff) + v * 31);
}

static inline void huge_fill(unsigned char *p, int v)
{
	for (unsigned long off = 0; off < THP_SIZE; off += 512)
		p[off] = huge_pattern(off, v);
}

static inline int huge_intact(const unsigned char *p, int v)
{
	for (unsigned long off = 0; off < THP_SIZE; off += 512)
		if (p[off] != huge_pattern(off, v))
			return 0;
	return 1;
}

/* A move_pages query of the 512 4 KB pages of the 2 MB at p in pid: how many are on nid, or -1. */
static inline int huge_pages_on(long pid, const unsigned char *p, int nid)
{
	void *pages[THP_SIZE / PAGE_SIZE];
	int status[THP_SIZE / PAGE_SIZE], n = 0;

	for (unsigned long i = 0; i < THP_SIZE / PAGE_SIZE; i++)
		pages[i] = (void *)(p + i * PAGE_SIZE);
	if (sys_move_pages(pid, THP_SIZE / PAGE_SIZE, pages, NULL, status, 0) != 0)
		return -1;
	for (unsigned long i = 0; i < THP_SIZE / PAGE_SIZE; i++)
		n += status[i] == nid;
	return n;
}

/*
 * Linux (Debian's config) balances NUMA memory by default on a machine of
 * several nodes: a task's accesses to another node's pages migrate them,
 * and move_pages may then find one in the middle of its migration
 * (-ENOENT) or on a node nobody asked for. The tests that assert where
 * pages are turn it off (kernel.numa_balancing 0) and put it back after.
 * Pagoda has no NUMA balancing (and no such file).
 */
static char numa_balancing_saved[16];

static inline void numa_balancing_off(void)
{
	if (read_file("/proc/sys/kernel/numa_balancing", numa_balancing_saved, sizeof(numa_balancing_saved)) > 0)
		knob_write("/proc/sys/kernel/numa_balancing", "0");
	else
		numa_balancing_saved[0] = '\0';
}

static inline void numa_balancing_restore(void)
{
	if (numa_balancing_saved[0])
		knob_write("/proc/sys/kernel/numa_balancing", numa_balancing_saved);
}

/* The machine has at least two nodes (else print SKIP and exit). */
static inline void migrate_require_two_nodes(struct machine *m)
{
	machine_get(m);
	if (m->nodes < 2 && !is_pagoda())
		tap_skip_all("one NUMA node: nothing to migrate between");
	if (m->nodes < 2)
		tap_skip_all("one NUMA node");
}

#endif
