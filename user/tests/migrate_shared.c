/*
 * migrate_shared: pages shared by four processes move for all of them.
 *
 * A parent writes 16 pages (MADV_NOHUGEPAGE) and forks three children,
 * which only read them: each page is one frame mapped four times
 * (kpagecount 4).  The parent then migrates itself with
 * migrate_pages(0, {h}, {d}) (root: MPOL_MF_MOVE_ALL, so shared pages go
 * too), for every other node d in turn and back to h:
 *   - each page has a new frame, the same in all four processes
 *     (/proc/PID/pagemap), mapped four times (kpagecount 4: the migration
 *     restored each mapping once), on node d in every process's view
 *     (move_pages queries of each pid);
 *   - each child, told to look, reads the parent's data from its own
 *     mapping and its own query says node d;
 *   - on Pagoda, the rmap report of page 0 finds exactly the four
 *     processes, each once, and the mapcount is 4.
 * Then the children exit and the parent still reads its data.
 */
#include "migratetest.h"

#define NPAGES	16
#define NCHILD	3

struct box {
	volatile long ready[NCHILD];
	volatile long round;		/* parent: look now (round r) */
	volatile long seen[NCHILD];	/* child: round r looked at */
	volatile long data_ok[NCHILD];
	volatile long node[NCHILD];
	volatile long quit;
};

static struct machine m;
static struct box *box;
static char *region;
static long pids[NCHILD + 1];
static char report[8192];

static void child(int i)
{
	long r = 0;

	box->ready[i] = 1;
	while (!box->quit) {
		if (box->round == r) {
			sys_sched_yield();
			continue;
		}
		r = box->round;
		box->data_ok[i] = region_check(region, NPAGES, 1) == -1;
		box->node[i] = 1;
		for (int pg = 0; pg < NPAGES; pg++)
			if (page_node(region + pg * 4096) != page_node(region))
				box->node[i] = -1;
		if (box->node[i] == 1)
			box->node[i] = page_node(region) + 100;
		box->seen[i] = r;
	}
	_exit(0);
}

/* Every process maps page pg at the same frame, mapped NCHILD + 1 times; the frame, or 0. */
static uint64_t shared_frame(int pg)
{
	uint64_t pfn = page_pfn(0, region + pg * 4096);

	for (int i = 0; i < NCHILD; i++)
		if (page_pfn(pids[i], region + pg * 4096) != pfn)
			return 0;
	return kpagecount_get(pfn) == NCHILD + 1 ? pfn : 0;
}

static void check_round(int d, long round, const uint64_t *before, uint64_t *after)
{
	int frames_ok = 1, nodes_ok = 1, children_ok = 1;

	for (int pg = 0; pg < NPAGES; pg++) {
		after[pg] = shared_frame(pg);
		if (!after[pg] || after[pg] == before[pg]) {
			tap_diag("page %d: frame 0x%lx before, 0x%lx after", pg, (unsigned long)before[pg],
				 (unsigned long)after[pg]);
			frames_ok = 0;
		}
	}
	tap_ok(frames_ok, "round %ld: every page has a new frame, the same in all 4 processes, kpagecount 4",
	       round);
	for (int i = 0; i <= NCHILD; i++)
		nodes_ok &= region_nodes_all_of(i < NCHILD ? pids[i] : 0, region, NPAGES, d);
	tap_ok(nodes_ok, "round %ld: every process's query finds all %d pages on node %d", round, NPAGES, d);
	box->round = round;
	for (int i = 0; i < NCHILD; i++) {
		if (!mailbox_wait(&box->seen[i], round))
			children_ok = 0;
		children_ok &= box->data_ok[i] && box->node[i] == d + 100;
	}
	tap_ok(children_ok, "round %ld: each child reads the data from its own mapping, on node %d", round, d);
	if (is_pagoda()) {
		long got[8];
		int n;

		rmap_report(pids[NCHILD], region, report, sizeof(report));
		n = report_mapped(report, got, NULL, 8);
		tap_ok(pid_set_equal(got, n, pids, NCHILD + 1), "round %ld: rmap finds the 4 processes, each once (%d)",
		       round, n);
		if (!tap_is_long(report_word(report, "mapcount"), NCHILD + 1, "round %ld: mapcount 4", round))
			tap_diag("%s", report);
	}
}

int main(void)
{
	uint64_t frames[2][NPAGES];
	int home, status, reaped = 0;
	long round = 0;

	migrate_require_two_nodes(&m);
	numa_balancing_off();
	box = mailbox_new(4096);
	region = region_map(NPAGES);
	region_fill(region, NPAGES, 1);
	home = page_node(region);
	pids[NCHILD] = getpid();
	for (int i = 0; i < NCHILD; i++) {
		pids[i] = fork();
		if (pids[i] == 0)
			child(i);
		tap_ok(pids[i] > 0 && mailbox_wait(&box->ready[i], 1), "child %d forked and ready", i);
	}
	for (int pg = 0; pg < NPAGES; pg++)
		frames[0][pg] = shared_frame(pg);
	tap_ok(frames[0][0] && frames[0][NPAGES - 1], "before: each page is one frame mapped 4 times");
	for (int d = 1; d <= m.nodes; d++) {
		int from = (home + d - 1) % m.nodes, to = (home + d) % m.nodes;
		unsigned long old[1] = { nodemask_of(from) }, new[1] = { nodemask_of(to) };
		long r = sys_migrate_pages(0, MIG_MAXNODE, old, new);

		round++;
		tap_ok(r == 0 || (!is_pagoda() && r > 0), "round %ld: migrate_pages {%d} -> {%d} returns %ld",
		       round, from, to, r);
		check_round(to, round, frames[(round - 1) & 1], frames[round & 1]);
	}
	box->quit = 1;
	for (int i = 0; i < NCHILD; i++)
		reaped += waitpid((int)pids[i], &status, 0) == pids[i] && status == 0;
	tap_is_long(reaped, NCHILD, "the children exited 0");
	tap_is_long(region_check(region, NPAGES, 1), -1, "the parent reads its data");
	numa_balancing_restore();
	return tap_done();
}
