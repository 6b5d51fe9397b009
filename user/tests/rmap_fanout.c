/*
 * rmap_fanout (Pagoda only): the closing comparison of seed article 003.
 * A server process with one 1000-page anonymous VMA (every page written)
 * forks 999 children; child i writes page i and then sleeps.  With
 * anon_vma_chain:
 *   - a child's private copy (page i in child i) belongs to the child's own
 *     anon_vma, whose tree holds one VMA: the rmap walk visits 1, finds 1;
 *   - page 999, which no child wrote, is mapped by all 1000 processes: the
 *     walk of the parent's anon_vma visits 1000 VMAs and finds 1000;
 *   - page 0 in the parent is mapped by everyone but child 0: found 999.
 * (The old single-list anon_vma would visit 1000 VMAs for every page.)
 * The visited counts are printed as diagnostics.  Then every child is
 * killed and reaped; /init's leak and consistency checks follow.
 *
 * Kept cheap for QEMU TCG: each child takes one COW fault and sleeps in
 * nanosleep (1 s at a time) until it is killed, or gives up on its own
 * after five minutes so that a crashed parent leaves no orphans behind.
 */
#include "mmtest.h"

#define NPAGES  1000
#define NCHILD  (NPAGES - 1)
#define CHILD_TIMEOUT_NS (300L * 1000 * 1000 * 1000)

struct mailbox {
	volatile long quit;
	volatile char done[NCHILD];
};

static struct mailbox *mb;
static unsigned char *region;
static long pids[NCHILD + 1];           /* pids[NCHILD] is the parent */
static char report[65536];

static __attribute__((noreturn)) void child(int i)
{
	struct timespec ts = { 1, 0 };
	long deadline;

	region[(unsigned long)i * PAGE_SIZE] = 0xc0;    /* COW: a frame of its own */
	mb->done[i] = 1;
	deadline = now_ns() + CHILD_TIMEOUT_NS;
	while (!mb->quit && now_ns() < deadline)
		sys_nanosleep(&ts, NULL);
	sys_exit_group(0);
}

/* Wait until the first n children have written their page; 1 if they did. */
static int wait_children(int n)
{
	long deadline = now_ns() + 120L * 1000 * 1000 * 1000;
	struct timespec ts = { 0, 10 * 1000 * 1000 };

	for (int i = 0; i < n; i++) {
		while (!mb->done[i]) {
			if (now_ns() > deadline)
				return 0;
			sys_nanosleep(&ts, NULL);
		}
	}
	return 1;
}

/*
 * The rmap report of page in process pid; checks that the "mapped" lines
 * are exactly want[0..nwant-1] (order free, all at the page's address) and
 * that found agrees.  Returns visited, or -1.
 */
static long check_page(long pid, unsigned long page, const long *want, int nwant, const char *what)
{
	static long got[NCHILD + 2];
	static unsigned long addrs[NCHILD + 2];
	unsigned char *addr = region + page * PAGE_SIZE;
	long r = rmap_report(pid, addr, report, sizeof(report));
	long visited, found;
	int n, addrs_ok = 1;

	if (!tap_ok(r > 0, "%s: rmap report of page %lu in pid %ld", what, page, pid)) {
		tap_diag("error %ld (%s)", r, r < 0 ? errno_name((int)-r) : "empty");
		return -1;
	}
	visited = report_field(report, "visited");
	found = report_field(report, "found");
	if (!tap_ok(visited >= 0 && found >= 0, "%s: the report is complete (%ld bytes, ends with visited and found)",
		    what, r))
		return -1;
	n = report_mapped(report, got, addrs, NCHILD + 2);
	for (int i = 0; i < n && i < NCHILD + 2; i++)
		addrs_ok &= addrs[i] == (unsigned long)addr;
	tap_ok(pid_set_equal(got, n, want, nwant) && addrs_ok,
	       "%s: the walk finds exactly the processes that map it (%d)", what, nwant);
	tap_is_long(found, nwant, "%s: found %d", what, nwant);
	tap_is_long(report_word(report, "mapcount"), nwant, "%s: mapcount %d", what, nwant);
	tap_diag("visited %ld found %ld walk %ld ns (%s)", visited, found, report_field(report, "walk_ns"), what);
	return visited;
}

static void private_page(int i)
{
	char what[48];

	snprintf(what, sizeof(what), "child %d's own page %d", i, i);
	tap_is_long(check_page(pids[i], (unsigned long)i, &pids[i], 1, what), 1,
		    "%s: the walk visits 1 VMA (the child's own anon_vma)", what);
}

int main(void)
{
	static long want[NCHILD + 1];
	int forked = 0, killed = 0, st;
	long t0, v;

	if (!is_pagoda())
		tap_skip_all("Pagoda only: reads /sys/kernel/debug/pagoda/rmap");
	mb = mailbox_new(sizeof(*mb));
	region = (unsigned char *)sys_mmap(NULL, NPAGES * PAGE_SIZE, PROT_READ | PROT_WRITE,
					   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!tap_ok(mb && (long)region > 0, "mmap one %d-page VMA", NPAGES))
		return tap_done();
	sys_madvise(region, NPAGES * PAGE_SIZE, MADV_NOHUGEPAGE);      /* 4 KB pages, one walk per page */
	for (unsigned long p = 0; p < NPAGES; p++)
		region[p * PAGE_SIZE] = (unsigned char)p;
	pids[NCHILD] = sys_getpid();

	t0 = now_ns();
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
	tap_ok(wait_children(forked), "every child wrote its page");
	tap_diag("forks and child writes took %ld ms", (now_ns() - t0) / 1000000);

	if (forked == NCHILD) {
		private_page(0);
		private_page(NCHILD / 2);
		private_page(NCHILD - 1);

		/* Page 999: nobody wrote it after fork, all 1000 share it. */
		v = check_page(pids[NCHILD], NPAGES - 1, pids, NCHILD + 1, "page 999, shared by all 1000");
		tap_is_long(v, NCHILD + 1, "page 999: the walk visits all 1000 VMAs in the parent's anon_vma");
		v = check_page(pids[NCHILD / 2], NPAGES - 1, pids, NCHILD + 1, "page 999 looked up from a child");
		tap_is_long(v, NCHILD + 1, "... the same walk of the parent's anon_vma");

		/* Page 0 in the parent: everyone but child 0. */
		for (int i = 1; i <= NCHILD; i++)
			want[i - 1] = pids[i];
		v = check_page(pids[NCHILD], 0, want, NCHILD, "page 0 in the parent");
		tap_is_long(v, NCHILD + 1, "page 0 in the parent: the walk visits 1000 VMAs, finds 999");
	}

	mb->quit = 1;
	for (int i = 0; i < forked; i++)
		sys_kill((int)pids[i], SIGKILL);
	for (int i = 0; i < forked; i++) {
		if (sys_wait4((int)pids[i], &st, 0, NULL) == pids[i] &&
		    ((st & 0x7f) == SIGKILL || st == 0))
			killed++;
	}
	tap_is_long(killed, forked, "every child was killed (or exited) and reaped");
	return tap_done();
}
