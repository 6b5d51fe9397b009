/*
 * migrate_pages: migrate_pages(2) of 4 KB anonymous pages, as Linux 6.1.
 *
 * - 64 written pages (MADV_NOHUGEPAGE) on their node h go to every other
 *   node d and back, one migrate_pages(0, 65, {h}, {d}) each way: the
 *   call returns 0 (on Pagoda; on Linux 0 or more: it also moves this
 *   program's file pages, which another user may pin), every page is on
 *   the target (move_pages query), has a new frame, and holds its data;
 *   pgmigrate_success grew by 64 or more (everything of the process on h
 *   moves, the stack too).
 * - Another process's pages: a child writes 16 pages of its own after
 *   fork; the parent migrates the child's pid from its node to another:
 *   the child then finds its pages there (its own query) with its data.
 * - Linux's node-by-node algorithm (do_migrate_pages), 16 pages on node 0
 *   and 16 on node 1: {0,1} -> {1} moves node 0's to 1 and leaves node 1's
 *   (weights differ: a source that is also a destination stays); {0,1} ->
 *   {0,1} moves nothing (the n-th node of old goes to the n-th of new: a
 *   mask cannot say "swap"); with three nodes or more, {0,1} -> {1,2}
 *   moves node 1's to 2 first, then node 0's to 1, so none moves twice.
 * - Errors: a pid that does not exist ESRCH; an empty new mask EINVAL, and
 *   so is a new mask of a node that does not exist (it is ANDed with the
 *   nodes with memory); maxnode above 8 * PAGE_SIZE EINVAL; an unreadable
 *   old mask EFAULT. An empty old mask moves nothing: 0.
 *
 * Skips on a machine with one node.
 */
#include "migratetest.h"

#define NPAGES		64
#define NO_SUCH_PID	0x3ffffff0

static struct machine m;

static long migrate(long pid, int from, int to)
{
	unsigned long old[1] = { nodemask_of(from) }, new[1] = { nodemask_of(to) };

	return sys_migrate_pages(pid, MIG_MAXNODE, old, new);
}

static void round_trip(char *p, int home, int d, unsigned long round)
{
	uint64_t pfn0 = page_pfn(0, p), pfn63 = page_pfn(0, p + 63 * 4096);
	long succ = vmstat_get("pgmigrate_success"), r;

	r = migrate(0, home, d);
	if (is_pagoda())
		tap_is_long(r, 0, "migrate_pages {%d} -> {%d} returns 0", home, d);
	else
		tap_ok(r >= 0, "migrate_pages {%d} -> {%d} returns %ld (pages not moved)", home, d, r);
	tap_ok(region_nodes_all(p, NPAGES, d), "all %d pages on node %d", NPAGES, d);
	tap_ok(page_pfn(0, p) != pfn0 && page_pfn(0, p + 63 * 4096) != pfn63, "the pages have new frames");
	tap_is_long(region_check(p, NPAGES, round), -1, "the data is intact on node %d", d);
	tap_ok(vmstat_get("pgmigrate_success") - succ >= NPAGES, "pgmigrate_success +%ld (at least %d)",
	       vmstat_get("pgmigrate_success") - succ, NPAGES);
	region_fill(p, NPAGES, round + 1);
	r = migrate(0, d, home);
	tap_ok(r == 0 || (!is_pagoda() && r > 0), "migrate_pages {%d} -> {%d} returns %ld", d, home, r);
	tap_ok(region_nodes_all(p, NPAGES, home), "all %d pages back on node %d", NPAGES, home);
	tap_is_long(region_check(p, NPAGES, round + 1), -1, "the data written on node %d is intact on node %d",
		    d, home);
}

static void test_round_trips(void)
{
	char *p = region_map(NPAGES);
	int home;

	region_fill(p, NPAGES, 1);
	home = page_node(p);
	tap_ok(home >= 0 && region_nodes_all(p, NPAGES, home), "%d written pages on node %d", NPAGES, home);
	for (int d = 1; d < m.nodes; d++)
		round_trip(p, home, (home + d) % m.nodes, (unsigned long)d);	/* round d's data in, d + 1's out */
	munmap(p, NPAGES * 4096);
}

static void test_other_process(void)
{
	volatile long *box = mailbox_new(4096);
	char *p = region_map(16);
	int pid, status, home, to;

	pid = fork();
	if (pid == 0) {
		region_fill(p, 16, 7);
		box[1] = page_node(p) + 100;
		box[0] = 1;
		mailbox_wait(&box[2], 1);
		box[3] = region_check(p, 16, 7) == -1 && region_nodes_all(p, 16, (int)box[4]);
		box[5] = page_node(p + 15 * 4096) + 100;
		_exit(0);
	}
	mailbox_wait(&box[0], 1);
	home = (int)box[1] - 100;
	to = (home + 1) % m.nodes;
	tap_ok(home >= 0, "the child's pages are on node %d", home);
	box[4] = to;
	tap_ok(migrate(pid, home, to) >= 0, "migrate_pages of the child's pid {%d} -> {%d}", home, to);
	tap_ok(region_nodes_all_of(pid, p, 16, to), "move_pages of the child's pid finds them on node %d", to);
	box[2] = 1;
	waitpid(pid, &status, 0);
	tap_is_long(status, 0, "the child exited 0");
	tap_is_long(box[3], 1, "the child reads its data from node %d", to);
	tap_is_long(box[5], to + 100, "the child's own query says node %d", to);
	munmap(p, 16 * 4096);
}

/* 16 pages on node a and 16 on node b, moved there with move_pages. */
static char *two_halves(int a, int b, unsigned long round)
{
	char *p = region_map(32);
	void *pages[32];
	int nodes[32], status[32];

	region_fill(p, 32, round);
	for (int i = 0; i < 32; i++) {
		pages[i] = p + i * 4096;
		nodes[i] = i < 16 ? a : b;
	}
	tap_is_long(sys_move_pages(0, 32, pages, nodes, status, MPOL_MF_MOVE), 0,
		    "16 pages on node %d, 16 on node %d", a, b);
	return p;
}

static void test_node_by_node(void)
{
	unsigned long old[1] = { nodemask_of(0) | nodemask_of(1) }, new[1] = { nodemask_of(1) };
	char *p = two_halves(0, 1, 11);
	long r;

	/* Weights differ: node 1, also a destination, is left alone; 0 goes to 1. */
	r = sys_migrate_pages(0, MIG_MAXNODE, old, new);
	tap_ok(r == 0 || (!is_pagoda() && r > 0), "migrate_pages {0,1} -> {1} returns %ld", r);
	tap_ok(region_nodes_all(p, 32, 1), "{0,1} -> {1}: all 32 pages on node 1");
	tap_is_long(region_check(p, 32, 11), -1, "the data is intact");
	munmap(p, 32 * 4096);

	/* Equal masks map each node to itself: nothing moves (a mask has no order, so no swap). */
	new[0] = old[0];
	p = two_halves(0, 1, 12);
	tap_is_long(sys_migrate_pages(0, MIG_MAXNODE, old, new), 0, "migrate_pages {0,1} -> {0,1} returns 0");
	tap_ok(region_nodes_all(p, 16, 0) && region_nodes_all(p + 16 * 4096, 16, 1), "{0,1} -> {0,1}: nothing moved");
	munmap(p, 32 * 4096);
	if (m.nodes < 3)
		return;
	/* 0 -> 1 and 1 -> 2: 1 -> 2 must go first, or node 0's pages would move twice, to 2. */
	new[0] = nodemask_of(1) | nodemask_of(2);
	p = two_halves(0, 1, 13);
	r = sys_migrate_pages(0, MIG_MAXNODE, old, new);
	tap_ok(r == 0 || (!is_pagoda() && r > 0), "migrate_pages {0,1} -> {1,2} returns %ld", r);
	tap_ok(region_nodes_all(p, 16, 1) && region_nodes_all(p + 16 * 4096, 16, 2),
	       "{0,1} -> {1,2}: node 0's pages on 1, node 1's on 2");
	tap_is_long(region_check(p, 32, 13), -1, "the data is intact");
	munmap(p, 32 * 4096);
}

static void test_errors(void)
{
	unsigned long old[1] = { nodemask_of(0) }, new[1] = { nodemask_of(1) }, none[1] = { 0 };
	unsigned long absent[1] = { nodemask_of(m.nodes) };

	tap_is_err(sys_migrate_pages(NO_SUCH_PID, MIG_MAXNODE, old, new), ESRCH, "no such pid: ESRCH");
	tap_is_err(sys_migrate_pages(0, MIG_MAXNODE, old, none), EINVAL, "empty new mask: EINVAL");
	tap_is_err(sys_migrate_pages(0, MIG_MAXNODE, old, absent), EINVAL, "new mask of node %d only: EINVAL",
		   m.nodes);
	tap_is_err(sys_migrate_pages(0, 4096 * 8 + 2, old, new), EINVAL, "maxnode 32770: EINVAL");
	tap_is_err(sys_migrate_pages(0, MIG_MAXNODE, (unsigned long *)0x10, new), EFAULT, "bad old mask: EFAULT");
	tap_is_long(sys_migrate_pages(0, MIG_MAXNODE, none, new), 0, "empty old mask: nothing to move, 0");
}

int main(void)
{
	migrate_require_two_nodes(&m);
	numa_balancing_off();
	test_round_trips();
	test_other_process();
	test_node_by_node();
	test_errors();
	numa_balancing_restore();
	return tap_done();
}
