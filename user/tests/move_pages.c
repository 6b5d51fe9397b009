/*
 * move_pages: move_pages(2) of 4 KB anonymous pages, as Linux 6.1 does it.
 *
 * - Query mode (nodes NULL): each status is the page's node; -EFAULT for
 *   an address with no VMA, an untouched anonymous page and the zero page
 *   (a page only read); -ENOENT for an untouched page of a shared
 *   anonymous mapping (shmem: no page there, but not an error to dump).
 * - Moving 16 written pages from their node to every other node in turn
 *   and back: the call returns 0 and each status is the target; the
 *   query then says the target; the data is intact; each page has a new
 *   frame (pagemap) on each move; pgmigrate_success grows by at least
 *   16 per move (exactly 16 on Pagoda, which migrates nothing else).
 * - Per-entry statuses in a move: an unmapped address -EFAULT, the zero
 *   page -EFAULT, a page already on the target node that node, the same
 *   page twice in one batch -EBUSY for the second (it is isolated by the
 *   first) while the first moves; a page shared with a forked child
 *   -EACCES with MPOL_MF_MOVE, moved with MPOL_MF_MOVE_ALL (root), after
 *   which the child reads the same data from its own mapping, on the new
 *   node too.
 * - Call errors: flags other than MOVE/MOVE_ALL EINVAL, a node that does
 *   not exist (nodes, or -1) ENODEV, a pid that does not exist ESRCH, a bad
 *   pages or status array EFAULT.
 *
 * Skips on a machine with one node.
 */
#include "migratetest.h"

#define NPAGES	16
#define NO_SUCH_PID	0x3ffffff0

static struct machine m;

/* Move [p, p + NPAGES) to nid with one call; check status and placement. */
static void move_region(char *p, int nid, unsigned long round)
{
	void *pages[NPAGES];
	int nodes[NPAGES], status[NPAGES];
	uint64_t pfn_before[NPAGES];
	long succ = vmstat_get("pgmigrate_success"), r;
	int all_status = 1, new_frames = 1;

	for (int i = 0; i < NPAGES; i++) {
		pages[i] = p + i * 4096;
		nodes[i] = nid;
		status[i] = -12345;
		pfn_before[i] = page_pfn(0, pages[i]);
	}
	r = sys_move_pages(0, NPAGES, pages, nodes, status, MPOL_MF_MOVE);
	tap_is_long(r, 0, "round %lu: move_pages of %d pages to node %d returns 0", round, NPAGES, nid);
	for (int i = 0; i < NPAGES; i++)
		if (status[i] != nid) {
			tap_diag("status[%d] = %d", i, status[i]);
			all_status = 0;
		}
	tap_ok(all_status, "round %lu: every status is node %d", round, nid);
	tap_ok(region_nodes_all(p, NPAGES, nid), "round %lu: the query finds every page on node %d", round, nid);
	tap_is_long(region_check(p, NPAGES, round), -1, "round %lu: the data is intact", round);
	for (int i = 0; i < NPAGES; i++)
		if (page_pfn(0, pages[i]) == pfn_before[i] || !page_pfn(0, pages[i]))
			new_frames = 0;
	tap_ok(new_frames, "round %lu: every page has a new frame", round);
	if (is_pagoda())
		tap_is_long(vmstat_get("pgmigrate_success") - succ, NPAGES, "round %lu: pgmigrate_success +%d",
			    round, NPAGES);
	else
		tap_ok(vmstat_get("pgmigrate_success") - succ >= NPAGES, "round %lu: pgmigrate_success +%d or more",
		       round, NPAGES);
	/* Write again: the new pages are ours, writable, and the old ones gone. */
	region_fill(p, NPAGES, round + 1);
	tap_is_long(region_check(p, NPAGES, round + 1), -1, "round %lu: the pages take new writes", round);
}

static void test_query(void)
{
	char *p = region_map(4), *shm;
	void *pages[4];
	int status[4];

	p[0] = 1;		/* page 0 written, page 1 untouched, page 2 read only (the zero page) */
	(void)*(volatile char *)(p + 2 * 4096);
	pages[0] = p;
	pages[1] = p + 4096;
	pages[2] = p + 2 * 4096;
	pages[3] = (void *)0x1000;	/* no VMA */
	tap_is_long(sys_move_pages(0, 4, pages, NULL, status, 0), 0, "query returns 0");
	tap_ok(status[0] >= 0 && status[0] < m.nodes, "query: a written page is on a node (%d)", status[0]);
	tap_is_long(status[1], -EFAULT, "query: an untouched anonymous page is -EFAULT");
	tap_is_long(status[2], -EFAULT, "query: the zero page is -EFAULT");
	tap_is_long(status[3], -EFAULT, "query: an address with no VMA is -EFAULT");
	shm = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	tap_is_long(page_node(shm), -ENOENT, "query: an untouched shared anonymous page is -ENOENT");
	munmap(shm, 4096);
	munmap(p, 4 * 4096);
}

static void test_moves(void)
{
	char *p = region_map(NPAGES);
	int home;
	unsigned long round = 1;

	region_fill(p, NPAGES, round);
	home = page_node(p);
	tap_ok(home >= 0 && region_nodes_all(p, NPAGES, home), "16 written pages are all on node %d", home);
	for (int d = 1; d < m.nodes; d++, round += 2) {
		move_region(p, (home + d) % m.nodes, round);
		move_region(p, home, round + 1);
	}
	munmap(p, NPAGES * 4096);
}

static void test_statuses(void)
{
	char *p = region_map(4);
	void *pages[5];
	int nodes[5], status[5];
	int home, other;
	long r;

	p[0] = 1;
	p[4096] = 2;
	(void)*(volatile char *)(p + 2 * 4096);	/* the zero page */
	home = page_node(p);
	other = (home + 1) % m.nodes;
	pages[0] = p;			nodes[0] = other;
	pages[1] = (void *)0x1000;	nodes[1] = other;	/* no VMA */
	pages[2] = p + 2 * 4096;	nodes[2] = other;	/* the zero page */
	pages[3] = p + 4096;		nodes[3] = home;	/* already there */
	pages[4] = p;			nodes[4] = home;	/* p again, now to home */
	for (int i = 0; i < 5; i++)
		status[i] = -12345;
	r = sys_move_pages(0, 5, pages, nodes, status, MPOL_MF_MOVE);
	tap_is_long(r, 0, "move with bad entries returns 0 (their status says why)");
	tap_is_long(status[0], other, "status: the page moved to node %d", other);
	tap_is_long(status[1], -EFAULT, "status: no VMA is -EFAULT");
	tap_is_long(status[2], -EFAULT, "status: the zero page is -EFAULT");
	tap_is_long(status[3], home, "status: a page already on node %d says %d", home, home);
	tap_is_long(status[4], home, "status: the first page again, back to node %d", home);
	tap_is_long(page_node(p), home, "the first page ends on node %d", home);
	tap_is_long(p[0] + p[4096], 3, "data intact");

	/* The same page twice in one batch: the second finds it isolated. */
	pages[0] = p;	nodes[0] = other;
	pages[1] = p;	nodes[1] = other;
	status[0] = status[1] = -12345;
	r = sys_move_pages(0, 2, pages, nodes, status, MPOL_MF_MOVE);
	tap_is_long(r, 0, "the same page twice: returns 0");
	tap_is_long(status[0], other, "the same page twice: the first moves");
	tap_is_long(status[1], -EBUSY, "the same page twice: the second is -EBUSY");
	tap_is_long(page_node(p), other, "the page is on node %d", other);
	munmap(p, 4 * 4096);
}

static void test_shared(void)
{
	char *p = region_map(1);
	volatile long *box = mailbox_new(4096);
	void *pages[1] = { p };
	int nodes[1], status[1] = { -12345 };
	int home, other, pid, wstatus;

	p[0] = 42;
	home = page_node(p);
	other = (home + 1) % m.nodes;
	nodes[0] = other;
	pid = fork();
	if (pid == 0) {
		box[0] = 1;
		mailbox_wait(&box[1], 1);
		box[2] = p[0];
		box[3] = page_node(p) + 100;
		_exit(0);
	}
	mailbox_wait(&box[0], 1);
	tap_is_long(sys_move_pages(0, 1, pages, nodes, status, MPOL_MF_MOVE), 0, "shared page, MOVE: returns 0");
	tap_is_long(status[0], -EACCES, "shared page, MOVE: status -EACCES");
	tap_is_long(page_node(p), home, "shared page, MOVE: not moved");
	status[0] = -12345;
	tap_is_long(sys_move_pages(0, 1, pages, nodes, status, MPOL_MF_MOVE_ALL), 0, "shared page, MOVE_ALL: returns 0");
	tap_is_long(status[0], other, "shared page, MOVE_ALL: moved to node %d", other);
	tap_is_long(page_node_of(pid, p), other, "the child's mapping is on node %d too", other);
	box[1] = 1;
	waitpid(pid, &wstatus, 0);
	tap_is_long(box[2], 42, "the child reads the data");
	tap_is_long(box[3], other + 100, "the child's query says node %d", other);
	tap_is_long(p[0], 42, "the parent reads the data");
	munmap(p, 4096);
}

static void test_errors(void)
{
	char *p = region_map(1);
	void *pages[1] = { p };
	int nodes[1], status[1];

	p[0] = 1;
	nodes[0] = page_node(p);
	tap_is_err(sys_move_pages(0, 1, pages, nodes, status, 0x8), EINVAL, "flags 0x8: EINVAL");
	tap_is_err(sys_move_pages(0, 1, pages, NULL, status, 0x10), EINVAL, "query with flags 0x10: EINVAL");
	tap_is_err(sys_move_pages(NO_SUCH_PID, 1, pages, nodes, status, 0), ESRCH, "no such pid: ESRCH");
	nodes[0] = m.nodes;
	tap_is_err(sys_move_pages(0, 1, pages, nodes, status, 0), ENODEV, "node %d: ENODEV", m.nodes);
	nodes[0] = -1;
	tap_is_err(sys_move_pages(0, 1, pages, nodes, status, 0), ENODEV, "node -1: ENODEV");
	nodes[0] = 0;
	tap_is_err(sys_move_pages(0, 1, (void **)0x10, nodes, status, 0), EFAULT, "bad pages array: EFAULT");
	tap_is_err(sys_move_pages(0, 1, pages, NULL, (int *)0x10, 0), EFAULT, "query, bad status array: EFAULT");
	tap_is_long(sys_move_pages(0, 0, pages, NULL, status, 0), 0, "count 0: 0");
	munmap(p, 4096);
}

int main(void)
{
	migrate_require_two_nodes(&m);
	numa_balancing_off();
	test_query();
	test_moves();
	test_statuses();
	test_shared();
	test_errors();
	numa_balancing_restore();
	return tap_done();
}
