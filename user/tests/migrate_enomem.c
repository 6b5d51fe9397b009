/*
 * migrate_enomem (Pagoda only): the target node is full.
 *
 * 64 pages are written on node h (the test pinned to a CPU of h).  Then,
 * pinned to a CPU of node f, the test fills f with pages of its own until
 * f's MemFree (/sys/devices/system/node/nodeF/meminfo) is at most 16
 * pages: 2 MB pages first (MADV_HUGEPAGE), then 4 KB ones.  With F0 pages
 * left free on f:
 *   - move_pages of the 64 pages to f fails with ENOMEM (Linux 6.1: the
 *     batch stops at the first page without a target; its statuses are
 *     not written): as many pages moved as f had free (F0, give or take
 *     the page the meminfo read itself held), the others are still on h,
 *     and all 64 hold their data; pgmigrate_fail grew;
 *   - migrate_pages(0, {h}, {f}) fails with ENOMEM too, and the data is
 *     still intact wherever each page is;
 *   - the filler gone, move_pages of the 64 to f returns 0, every status f,
 *     and the data is intact.
 * /init's leak check and /sys/kernel/debug/pagoda/check follow: nothing
 * lost, no migration entry left behind.
 *
 * Pagoda only: filling a node to a known number of free pages needs an
 * exact MemFree; Linux keeps pages on per-CPU lists that MemFree does not
 * count and holds back a watermark reserve from __GFP_THISNODE
 * allocations, so the point where its migration fails is not the one the
 * test can compute.
 */
#include "migratetest.h"
#include "smptest.h"

#define NPAGES		64
#define TARGET_FREE	16		/* pages left free on the full node */

static struct machine m;

/* Node nid's free 4 KB pages (MemFree), or -1. */
static long node_free_pages(int nid)
{
	long kb = node_meminfo_long(nid, "MemFree");

	return kb < 0 ? -1 : kb / 4;
}

/* Write pages of [p, p + len) from *done on, until nid has at most target free pages; 0 if it got there. */
static int fill_node(int nid, char *p, unsigned long len, unsigned long *done, long target, unsigned long step)
{
	long free_pages;

	while ((free_pages = node_free_pages(nid)) > target) {
		unsigned long n = (unsigned long)(free_pages - target) * 4096;

		if (n > step)
			n = step;
		n = (n + 4095) & ~4095UL;
		if (*done + n > len)
			return -1;
		for (unsigned long off = 0; off < n; off += 4096)
			p[*done + off] = 1;
		*done += n;
	}
	return 0;
}

static int count_on(const char *p, int nid)
{
	int n = 0;

	for (int i = 0; i < NPAGES; i++)
		n += page_node(p + i * 4096) == nid;
	return n;
}

static long move_all(char *p, int nid, int *status)
{
	void *pages[NPAGES];
	int nodes[NPAGES];

	for (int i = 0; i < NPAGES; i++) {
		pages[i] = p + i * 4096;
		nodes[i] = nid;
		status[i] = -12345;
	}
	return sys_move_pages(0, NPAGES, pages, nodes, status, MPOL_MF_MOVE);
}

int main(void)
{
	int status[NPAGES], home = 0, full = 1, unwritten = 1, k, statuses_ok = 1;
	unsigned long big_len, big_done = 0, small_len = 8UL << 20, small_done = 0;
	unsigned long old[1] = { nodemask_of(home) }, new[1] = { nodemask_of(full) };
	long f0, fail0, r;
	char *region, *big, *small;

	if (!is_pagoda())
		tap_skip_all("Pagoda only: fills a node to an exact MemFree (Linux's per-CPU lists and watermarks)");
	migrate_require_two_nodes(&m);
	tap_is_long(pin_to_cpu(home), 0, "on CPU %d (node %d)", home, home);
	region = region_map(NPAGES);
	region_fill(region, NPAGES, 1);
	tap_ok(region_nodes_all(region, NPAGES, home), "%d pages written on node %d", NPAGES, home);

	tap_is_long(pin_to_cpu(full), 0, "on CPU %d (node %d)", full, full);
	big_len = (unsigned long)node_free_pages(full) * 4096 + (64UL << 20);
	big = mmap(NULL, big_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	small = mmap(NULL, small_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	madvise(big, big_len, MADV_HUGEPAGE);
	madvise(small, small_len, MADV_NOHUGEPAGE);
	tap_ok(big != MAP_FAILED && small != MAP_FAILED, "filler mapped");
	/* 2 MB at a time to 4 MB from the goal, then 4 KB pages. */
	tap_is_long(fill_node(full, big, big_len, &big_done, 1024 + TARGET_FREE, 64UL << 20), 0,
		    "node %d filled to 4 MB free", full);
	tap_is_long(fill_node(full, small, small_len, &small_done, TARGET_FREE, 1UL << 20), 0,
		    "node %d filled to %d free pages", full, TARGET_FREE);
	f0 = node_free_pages(full);
	tap_diag("node %d: %ld pages free, %lu MB written", full, f0, (big_done + small_done) >> 20);
	tap_ok(f0 >= 0 && f0 <= TARGET_FREE, "node %d has %ld free pages", full, f0);

	fail0 = vmstat_get("pgmigrate_fail");
	r = move_all(region, full, status);
	tap_is_err(r, ENOMEM, "move_pages of %d pages to the full node: ENOMEM", NPAGES);
	for (int i = 0; i < NPAGES; i++)
		unwritten &= status[i] == -12345;
	tap_ok(unwritten, "the failed batch's statuses are not written");
	k = count_on(region, full);
	/* + 1: the meminfo read that counted f0 held a page of its own meanwhile. */
	tap_ok(k <= f0 + 1 && (k >= 1 || f0 == 0), "%d pages moved: as many as were free (%ld)", k, f0);
	tap_is_long(count_on(region, home), NPAGES - k, "the other %d are still on node %d", NPAGES - k, home);
	tap_is_long(region_check(region, NPAGES, 1), -1, "all %d pages hold their data", NPAGES);
	tap_ok(vmstat_get("pgmigrate_fail") > fail0, "pgmigrate_fail grew (+%ld)", vmstat_get("pgmigrate_fail") - fail0);

	r = sys_migrate_pages(0, MIG_MAXNODE, old, new);
	tap_is_err(r, ENOMEM, "migrate_pages {%d} -> {%d}: ENOMEM", home, full);
	tap_is_long(region_check(region, NPAGES, 1), -1, "the data is still intact");

	munmap(big, big_len);
	munmap(small, small_len);
	r = move_all(region, full, status);
	tap_is_long(r, 0, "the filler gone: move_pages returns 0");
	for (int i = 0; i < NPAGES; i++)
		statuses_ok &= status[i] == full;
	tap_ok(statuses_ok, "every status is node %d", full);
	tap_ok(region_nodes_all(region, NPAGES, full), "all %d pages on node %d", NPAGES, full);
	tap_is_long(region_check(region, NPAGES, 1), -1, "the data is intact");
	munmap(region, NPAGES * 4096);
	return tap_done();
}
