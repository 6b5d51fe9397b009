/*
 * migrate_hugetlb: a hugetlb page migrates whole to a page of the target
 * node (Linux 6.1, reference 2.6), on Pagoda and on Linux 6.1 alike. A
 * private anonymous MAP_HUGETLB page, faulted on node src, goes to dst =
 * src + 1 mod nodes (any two nodes on the 4-node ring) and back:
 *
 * - move_pages of it to dst: returns 0, status dst, a query says dst for
 *   its 512 4 KB pages; the 2 MB holds its data; kpageflags HUGE with
 *   COMPOUND_HEAD; smaps Private_Hugetlb 2048 kB; the target came from
 *   dst's pool: dst's free_hugepages -1, src's +1, every node's
 *   nr_hugepages unchanged; pgmigrate_success at least +512;
 * - migrate_pages(2) from {dst} to {src}: back on src, data intact, the
 *   per-node counts as at the start;
 * - no free pool page on dst (its nr_hugepages written 0): the page still
 *   moves, to a temporary page fresh from dst's buddy allocator
 *   (alloc_migrate_huge_page; htlb_buddy_alloc_success +1), and the old
 *   page, temporary in turn, goes back to the buddy allocator: dst's
 *   nr_hugepages 1 (free 0), src's one less, no surplus anywhere, data
 *   intact; after munmap the page is free on dst; the node counts are
 *   then written back as they were;
 * - shared with a fork child (MAP_PRIVATE: read-only in both): with
 *   MPOL_MF_MOVE it stays (status -EACCES, mapped twice), with
 *   MPOL_MF_MOVE_ALL it moves for both: the child's query (its pid) says
 *   dst, its frame is the parent's, and it reads the data (exit 0).
 *
 * Needs the test machine's pool (hugepages=8: a free page on every node)
 * and two nodes; /init checks the pool is as it was after the test.
 */
#include "migratetest.h"
#include "hugetlb.h"

#define NPAGES		(HPAGE_SIZE / PAGE_SIZE)

static void *addrs[NPAGES];
static int status[NPAGES];
static int nr_nodes;

static int node_of(unsigned char *p)
{
	addrs[0] = p;
	if (sys_move_pages(0, 1, addrs, NULL, status, 0) != 0)
		return -1;
	return status[0];
}

/* move_pages of p (one address: the huge page moves whole) to nid; *st its status. */
static long move_huge(unsigned char *p, int nid, int flags, int *st)
{
	int node = nid;
	long r;

	addrs[0] = p;
	status[0] = 12345;
	r = sys_move_pages(0, 1, addrs, &node, status, flags);
	*st = status[0];
	return r;
}

struct node_counts {
	long nr[MACHINE_MAX_NODES], free[MACHINE_MAX_NODES], surp[MACHINE_MAX_NODES];
};

static void counts_read(struct node_counts *c)
{
	for (int nid = 0; nid < nr_nodes; nid++) {
		c->nr[nid] = knob_read_long(node_hstate_path(nid, "nr_hugepages"));
		c->free[nid] = knob_read_long(node_hstate_path(nid, "free_hugepages"));
		c->surp[nid] = knob_read_long(node_hstate_path(nid, "surplus_hugepages"));
	}
}

/* Node nid's counts are nr/free/surp; one TAP line. */
static int node_is(int nid, long nr, long free, long surp, const char *what)
{
	struct node_counts c;

	counts_read(&c);
	if (tap_ok(c.nr[nid] == nr && c.free[nid] == free && c.surp[nid] == surp,
		   "%s: node %d nr/free/surplus_hugepages %ld/%ld/%ld", what, nid, nr, free, surp))
		return 1;
	tap_diag("got %ld/%ld/%ld", c.nr[nid], c.free[nid], c.surp[nid]);
	return 0;
}

static int is_huge_head(unsigned char *p)
{
	uint64_t f = 0, pfn = page_pfn(0, p);

	return pfn && pfn % 512 == 0 && kpageflags_get(pfn, &f) == 0 &&
	       (f & (KPF_BIT(KPF_HUGE) | KPF_BIT(KPF_COMPOUND_HEAD))) ==
		       (KPF_BIT(KPF_HUGE) | KPF_BIT(KPF_COMPOUND_HEAD));
}

/* A fresh private hugetlb page with pattern v on the local node; NULL (reported) on failure. */
static unsigned char *new_huge(int v)
{
	long r = huge_mmap(NULL, HPAGE_SIZE, MAP_PRIVATE);

	if (!tap_ok(r >= 0, "mmap a private MAP_HUGETLB page (%ld)", r))
		return NULL;
	huge_fill((unsigned char *)r, v);
	return (unsigned char *)r;
}

static void move_and_back(void)
{
	struct node_counts start;
	unsigned char *p = new_huge(0);
	unsigned long oldmask, newmask;
	long pgmig, r;
	int src, dst, st;

	if (!p)
		return;
	src = node_of(p);
	if (!tap_ok(src >= 0 && src < nr_nodes, "the huge page is on node %d", src))
		return;
	dst = (src + 1) % nr_nodes;
	counts_read(&start);
	pgmig = vmstat_get("pgmigrate_success");
	r = move_huge(p, dst, MPOL_MF_MOVE, &st);
	tap_is_long(r, 0, "move_pages to node %d returns 0", dst);
	tap_is_long(st, dst, "its status is %d", dst);
	tap_is_long(huge_pages_on(0, p, dst), NPAGES, "a query: all 512 4 KB pages on node %d", dst);
	tap_ok(huge_intact(p, 0), "the 2 MB holds its data");
	tap_ok(is_huge_head(p), "kpageflags: HUGE|COMPOUND_HEAD at a 2 MB-aligned frame");
	tap_is_long(smaps_kb(0, p, "Private_Hugetlb"), HPAGE_KB, "smaps: Private_Hugetlb 2048 kB");
	node_is(dst, start.nr[dst], start.free[dst] - 1, 0, "the target from dst's pool");
	node_is(src, start.nr[src], start.free[src] + 1, 0, "the old page back in src's pool");
	tap_ok(vmstat_get("pgmigrate_success") - pgmig >= (long)NPAGES,
	       "pgmigrate_success grew by at least 512 (%ld)", vmstat_get("pgmigrate_success") - pgmig);

	huge_fill(p, 1);
	oldmask = 1UL << dst;
	newmask = 1UL << src;
	r = sys_migrate_pages(0, 65, &oldmask, &newmask);
	tap_ok(r >= 0, "migrate_pages(2) from node %d to node %d: %ld pages not moved", dst, src, r);
	tap_is_long(huge_pages_on(0, p, src), NPAGES, "a query: all back on node %d", src);
	tap_ok(huge_intact(p, 1), "the data written after the first move");
	node_is(dst, start.nr[dst], start.free[dst], 0, "after the way back");
	node_is(src, start.nr[src], start.free[src], 0, "after the way back");
	sys_munmap(p, HPAGE_SIZE);
}

static void no_pool_page_on_target(void)
{
	struct node_counts start;
	unsigned char *p = new_huge(2);
	long buddy, r;
	int src, dst, st;

	if (!p)
		return;
	src = node_of(p);
	dst = (src + 1) % nr_nodes;
	counts_read(&start);
	tap_ok(knob_write_long(node_hstate_path(dst, "nr_hugepages"), 0) > 0,
	       "node %d's nr_hugepages = 0: no pool page there", dst);
	if (!node_is(dst, 0, 0, 0, "dst drained"))
		goto restore;
	buddy = vmstat_get("htlb_buddy_alloc_success");
	r = move_huge(p, dst, MPOL_MF_MOVE, &st);
	tap_is_long(r, 0, "move_pages to node %d returns 0", dst);
	tap_is_long(st, dst, "its status is %d: moved to a temporary page", dst);
	tap_is_long(vmstat_get("htlb_buddy_alloc_success") - buddy, 1,
		    "htlb_buddy_alloc_success grew by 1 (the temporary page)");
	tap_is_long(huge_pages_on(0, p, dst), NPAGES, "a query: all 512 on node %d", dst);
	tap_ok(huge_intact(p, 2), "the 2 MB holds its data");
	tap_ok(is_huge_head(p), "kpageflags: HUGE|COMPOUND_HEAD");
	node_is(dst, 1, 0, 0, "the pool counts moved to dst");
	node_is(src, start.nr[src] - 1, start.free[src], 0, "the old page left src's pool");
	sys_munmap(p, HPAGE_SIZE);
	node_is(dst, 1, 1, 0, "after munmap the page is free in dst's pool");
restore:
	tap_ok(knob_write_long(node_hstate_path(dst, "nr_hugepages"), start.nr[dst]) > 0 &&
	       knob_write_long(node_hstate_path(src, "nr_hugepages"), start.nr[src]) > 0,
	       "node %d and %d's nr_hugepages written back", dst, src);
	node_is(dst, start.nr[dst], start.nr[dst], 0, "restored");
	node_is(src, start.nr[src], start.nr[src], 0, "restored");
}

static void shared_with_child(void)
{
	volatile long *box = mailbox_new(4096);
	unsigned char *p = new_huge(3);
	int src, dst, st;
	long pid;

	if (!p || !box)
		return;
	src = node_of(p);
	dst = (src + 1) % nr_nodes;
	pid = sys_fork();
	if (pid == 0) {
		if (mailbox_wait(&box[0], 1) < 0)
			sys_exit(2);
		sys_exit(huge_intact(p, 3) ? 0 : 3);
	}
	tap_is_long(move_huge(p, dst, MPOL_MF_MOVE, &st), 0, "shared, MPOL_MF_MOVE: move_pages returns 0");
	tap_is_long(st, -EACCES, "its status is -EACCES: mapped by two processes");
	tap_is_long(huge_pages_on(0, p, src), NPAGES, "a query: still on node %d", src);
	tap_is_long(move_huge(p, dst, MPOL_MF_MOVE_ALL, &st), 0, "MPOL_MF_MOVE_ALL: move_pages returns 0");
	tap_is_long(st, dst, "its status is %d", dst);
	tap_is_long(huge_pages_on((int)pid, p, dst), NPAGES, "the child's query: on node %d", dst);
	tap_ok(page_pfn(pid, p) == page_pfn(0, p), "the child maps the parent's new frame");
	tap_ok(huge_intact(p, 3), "the parent reads its data");
	box[0] = 1;
	tap_is_long(sys_wait4((int)pid, &st, 0, NULL), pid, "reap the child");
	tap_is_long(st, 0, "the child read the data (exit 0)");
	sys_munmap(p, HPAGE_SIZE);
	sys_munmap((void *)box, 4096);
}

int main(void)
{
	struct machine m;
	struct hpool start;

	hugetlb_test_machine_or_skip();
	machine_get(&m);
	nr_nodes = m.nodes;
	if (nr_nodes < 2)
		tap_skip_all("one node: nowhere to migrate to");
	if (!hpool_start(&start, nr_nodes))
		return tap_done();
	numa_balancing_off();	/* Linux's NUMA balancing would move the pages on its own */
	move_and_back();
	no_pool_page_on_target();
	shared_with_child();
	numa_balancing_restore();
	return tap_done();
}
