/*
 * migrate_fanout: seed 002 meets seed 003's fan-out: pages mapped by 1000
 * processes migrate, and the rmap walk restores every mapping once.
 *
 * A parent writes 4 pages (MADV_NOHUGEPAGE) and forks 999 children, which
 * never write them: each page is one frame mapped 1000 times.  The parent
 * moves the 4 pages with move_pages(2), MPOL_MF_MOVE_ALL (root: shared
 * pages move for every mapper), to another node and back; each time:
 *   - the call returns 0, every status the target node;
 *   - each page has a new frame on that node, mapped exactly 1000 times
 *     (kpagecount: every migration entry became one PTE again, none twice,
 *     none left), and every child's pagemap names that frame;
 *   - the children, told to look, read the parent's data (each answers in
 *     a shared page); on Pagoda the rmap report of page 0 finds 1000.
 * The time of each move_pages call is printed (# lines), not asserted.
 * (move_pages, not migrate_pages of the whole process: everything the
 * children did not write is shared 1000 times, and Linux under QEMU takes
 * minutes to move all of it.)  Children sleep in nanosleep until told to
 * quit (or 5 minutes pass), and are reaped.
 */
#include "migratetest.h"

#define NPAGES		4
#define NCHILD		999
#define CHILD_TIMEOUT_NS (300L * 1000 * 1000 * 1000)

struct mailbox {
	volatile long quit;
	volatile long look;		/* parent: look now (round r) */
	volatile long ready[NCHILD];
	volatile long seen[NCHILD];	/* child: the round it looked at */
	volatile long ok[NCHILD];	/* child: data right in that round */
};

static struct machine m;
static struct mailbox *mb;
static char *region;
static long pids[NCHILD + 1];
static char report[256 * 1024];

static __attribute__((noreturn)) void child(int i)
{
	struct timespec ts = { 1, 0 };	/* 999 sleepers: wake rarely, or they starve the migration under QEMU */
	long deadline = now_ns() + CHILD_TIMEOUT_NS;

	mb->ready[i] = 1;
	while (!mb->quit && now_ns() < deadline) {
		long r = mb->look;

		if (r != mb->seen[i]) {
			mb->ok[i] = region_check(region, NPAGES, 1) == -1;
			mb->seen[i] = r;
		}
		sys_nanosleep(&ts, NULL);
	}
	sys_exit_group(0);
}

/* Wait until every child's word reaches value; 1 if they all did within two minutes. */
static int wait_all(volatile long *words, long value)
{
	long deadline = now_ns() + 120L * 1000 * 1000 * 1000;
	struct timespec ts = { 0, 10 * 1000 * 1000 };

	for (int i = 0; i < NCHILD; i++)
		while (words[i] < value) {
			if (now_ns() > deadline)
				return 0;
			sys_nanosleep(&ts, NULL);
		}
	return 1;
}

/* The frames of region's NPAGES pages in pid, in one read of its pagemap; 0 or -errno. */
static long region_frames(long pid, uint64_t *pfn)
{
	char path[64];
	long fd, r;

	snprintf(path, sizeof(path), "/proc/%ld/pagemap", pid);
	fd = sys_openat(AT_FDCWD, path, O_RDONLY, 0);
	if (fd < 0)
		return fd;
	r = sys_lseek((int)fd, (long)((unsigned long)region / 4096 * 8), SEEK_SET);
	if (r >= 0)
		r = sys_read((int)fd, pfn, NPAGES * sizeof(*pfn));
	sys_close((int)fd);
	for (int pg = 0; pg < NPAGES; pg++)
		pfn[pg] = (pfn[pg] & PM_PRESENT) ? pfn[pg] & PM_PFN_MASK : 0;
	return r == NPAGES * sizeof(*pfn) ? 0 : -EIO;
}

static void migrate_round(int to, long round)
{
	uint64_t before[NPAGES], after[NPAGES], theirs[NPAGES];
	int frames_ok = 1, children_frames = 1, data_ok = 1, status_ok = 1;
	void *pages[NPAGES];
	int nodes[NPAGES], status[NPAGES];
	long t0, ns, r;

	region_frames(pids[NCHILD], before);
	for (int pg = 0; pg < NPAGES; pg++) {
		pages[pg] = region + pg * 4096;
		nodes[pg] = to;
		status[pg] = -12345;
	}
	t0 = now_ns();
	r = sys_move_pages(0, NPAGES, pages, nodes, status, MPOL_MF_MOVE_ALL);
	ns = now_ns() - t0;
	tap_diag("round %ld: move_pages of %d pages mapped by %d processes to node %d took %ld us",
		 round, NPAGES, NCHILD + 1, to, ns / 1000);
	tap_is_long(r, 0, "round %ld: move_pages returns 0", round);
	for (int pg = 0; pg < NPAGES; pg++)
		status_ok &= status[pg] == to;
	tap_ok(status_ok, "round %ld: every status is node %d", round, to);
	tap_ok(region_nodes_all(region, NPAGES, to), "round %ld: the query finds the pages on node %d", round, to);
	region_frames(pids[NCHILD], after);
	for (int pg = 0; pg < NPAGES; pg++) {
		if (!after[pg] || after[pg] == before[pg] || kpagecount_get(after[pg]) != NCHILD + 1) {
			tap_diag("page %d: frame 0x%lx -> 0x%lx, kpagecount %ld", pg, (unsigned long)before[pg],
				 (unsigned long)after[pg], kpagecount_get(after[pg]));
			frames_ok = 0;
		}
	}
	tap_ok(frames_ok, "round %ld: each page has a new frame mapped exactly %d times", round, NCHILD + 1);
	for (int i = 0; i < NCHILD && children_frames; i++) {
		if (region_frames(pids[i], theirs) == 0 && !memcmp(theirs, after, sizeof(after)))
			continue;
		tap_diag("child %d (pid %ld): page 0 at frame 0x%lx", i, pids[i], (unsigned long)theirs[0]);
		children_frames = 0;
	}
	tap_ok(children_frames, "round %ld: every child's pagemap names the new frames", round);
	mb->look = round;
	tap_ok(wait_all(mb->seen, round), "round %ld: every child looked", round);
	for (int i = 0; i < NCHILD; i++)
		data_ok &= mb->ok[i] == 1;
	tap_ok(data_ok, "round %ld: every child reads the parent's data", round);
	if (is_pagoda()) {
		long got = rmap_report(pids[NCHILD], region, report, sizeof(report));

		tap_is_long(got > 0 ? report_field(report, "found") : got, NCHILD + 1,
			    "round %ld: the rmap report of page 0 finds %d mappings", round, NCHILD + 1);
	}
}

int main(void)
{
	int forked = 0, reaped = 0, st, home;

	migrate_require_two_nodes(&m);
	numa_balancing_off();
	mb = mailbox_new(sizeof(*mb));
	region = region_map(NPAGES);
	region_fill(region, NPAGES, 1);
	home = page_node(region);
	pids[NCHILD] = getpid();
	for (int i = 0; i < NCHILD; i++) {
		long pid = sys_fork();

		if (pid == 0)
			child(i);
		if (pid < 0) {
			tap_diag("fork %d failed: %s", i, errno_name((int)-pid));
			break;
		}
		pids[forked++] = pid;
	}
	tap_is_long(forked, NCHILD, "fork %d children", NCHILD);
	if (forked == NCHILD && tap_ok(wait_all(mb->ready, 1), "every child is ready")) {
		migrate_round((home + 1) % m.nodes, 1);
		migrate_round(home, 2);
	}
	mb->quit = 1;
	for (int i = 0; i < forked; i++)
		reaped += sys_wait4((int)pids[i], &st, 0, NULL) == pids[i] && st == 0;
	tap_is_long(reaped, forked, "every child exited 0 and was reaped");
	tap_is_long(region_check(region, NPAGES, 1), -1, "the parent reads its data");
	numa_balancing_restore();
	return tap_done();
}
