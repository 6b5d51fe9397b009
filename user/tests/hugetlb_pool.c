/*
 * hugetlb_pool: the 2 MB huge page pool and its files, as Linux 6.1 has them.
 *
 * Starting from the boot pool (hugepages=8: T pages, all free, none
 * reserved or surplus; Linux spreads it over the nodes round robin; the
 * machine's N nodes are tools/qemu.sh's, read from user/tests/machine.h):
 *
 * - the files agree: /proc/sys/vm/nr_hugepages, the hstate's nr_hugepages
 *   and free_hugepages read T, resv_hugepages and surplus_hugepages 0,
 *   nr_overcommit_hugepages 0; meminfo Hugepagesize 2048 kB and Hugetlb
 *   T * 2048 kB; the N nodes' nr_hugepages add up to T, and each node's
 *   meminfo "Node N HugePages_Total/Free/Surp" equals its files.
 * - /proc/sys/vm/nr_hugepages = T + 2 grows the pool (Total, Free, Hugetlb
 *   follow), spread over all nodes (they differ by at most one, as the
 *   round robin of hstate_next_node_to_alloc leaves them); the hstate's
 *   nr_hugepages = T shrinks it back, from all nodes again.
 * - a node's nr_hugepages changes that node only: node 1 + 1, then node 0
 *   - 1, then the last node + 1 and - 1 (on more than 2 nodes), each seen
 *   in the global files and in that node's meminfo.
 * - "abc" gives EINVAL and changes nothing.
 * - shrinking below the pages in use keeps them (set_max_huge_pages never
 *   frees a page in use): with 2 pages mapped and written, nr_hugepages = 0
 *   leaves them as surplus pages: Total 2, Free 0, Surp 2, the sysctl reads
 *   0 (max_huge_pages, the persistent count) and the hstate's nr_hugepages
 *   2 (nr_huge_pages, surplus included); the data is intact; munmap frees
 *   them to the buddy allocator: Total 0, Surp 0.
 * - nr_overcommit_hugepages = 1 lets an mmap reserve one page more than is
 *   free: that page is a surplus page (Total T + 1, Surp 1) until munmap.
 *
 * Restores nr_hugepages and nr_overcommit_hugepages (/init checks the
 * pool after the test).
 */
#include "hugetlb.h"
#include "machine.h"

static long start_total;
static int nr_nodes;			/* the machine's, from machine.h */

/* The files of the global pool and of every node must show total pages, free of them free. */
static void check_files(long total, long free, const char *what)
{
	long n[MACHINE_MAX_NODES], f[MACHINE_MAX_NODES], n_sum = 0, f_sum = 0;

	for (int nid = 0; nid < nr_nodes; nid++) {
		n[nid] = knob_read_long(node_hstate_path(nid, "nr_hugepages"));
		f[nid] = knob_read_long(node_hstate_path(nid, "free_hugepages"));
		n_sum += n[nid];
		f_sum += f[nid];
	}

	tap_is_long(knob_read_long(hstate_path("nr_hugepages")), total, "%s: hstate nr_hugepages", what);
	tap_is_long(knob_read_long(hstate_path("free_hugepages")), free, "%s: free_hugepages", what);
	tap_is_long(knob_read_long(hstate_path("resv_hugepages")), 0, "%s: resv_hugepages", what);
	tap_is_long(meminfo_kb("Hugetlb"), total * HPAGE_KB, "%s: meminfo Hugetlb kB", what);
	tap_is_long(n_sum, total, "%s: the %d nodes' nr_hugepages add up (node0 %ld, node1 %ld)", what,
		    nr_nodes, n[0], nr_nodes > 1 ? n[1] : 0);
	tap_is_long(f_sum, free, "%s: the %d nodes' free_hugepages add up (node0 %ld, node1 %ld)", what,
		    nr_nodes, f[0], nr_nodes > 1 ? f[1] : 0);
	for (int nid = 0; nid < nr_nodes; nid++) {
		tap_is_long(node_meminfo_long(nid, "HugePages_Total"), n[nid],
			    "%s: Node %d HugePages_Total is its nr_hugepages", what, nid);
		tap_is_long(node_meminfo_long(nid, "HugePages_Free"), f[nid],
			    "%s: Node %d HugePages_Free is its free_hugepages", what, nid);
		tap_is_long(node_meminfo_long(nid, "HugePages_Surp"), 0, "%s: Node %d HugePages_Surp", what, nid);
	}
}

static long node_nr(int nid)
{
	return knob_read_long(node_hstate_path(nid, "nr_hugepages"));
}

/* Node N HugePages_Surp summed over every node (the pages in use may be on any). */
static long nodes_surplus(void)
{
	long sum = 0;

	for (int nid = 0; nid < nr_nodes; nid++)
		sum += node_meminfo_long(nid, "HugePages_Surp");
	return sum;
}

/* The largest minus the smallest node's nr_hugepages: at most 1 after a round robin. */
static long node_spread(void)
{
	long lo = node_nr(0), hi = lo;

	for (int nid = 1; nid < nr_nodes; nid++) {
		long v = node_nr(nid);

		lo = v < lo ? v : lo;
		hi = v > hi ? v : hi;
	}
	return hi - lo;
}

static void test_start_state(void)
{
	check_files(start_total, start_total, "boot pool");
	tap_is_long(knob_read_long(NR_HUGEPAGES_SYSCTL), start_total, "/proc/sys/vm/nr_hugepages");
	tap_is_long(knob_read_long(hstate_path("surplus_hugepages")), 0, "surplus_hugepages");
	tap_is_long(knob_read_long(hstate_path("nr_overcommit_hugepages")), 0, "nr_overcommit_hugepages");
	tap_is_long(knob_read_long("/proc/sys/vm/nr_overcommit_hugepages"), 0,
		    "/proc/sys/vm/nr_overcommit_hugepages");
	tap_is_long(meminfo_kb("Hugepagesize"), HPAGE_KB, "meminfo Hugepagesize 2048 kB");
	tap_ok(node_spread() <= 1, "the boot pool is spread over the %d nodes (node0 %ld, node1 %ld)",
	       nr_nodes, node_nr(0), node_nr(1));
}

static void test_global_resize(void)
{
	tap_ok(knob_write_long(NR_HUGEPAGES_SYSCTL, start_total + 2) > 0, "nr_hugepages sysctl = %ld",
	       start_total + 2);
	hpool_is(start_total + 2, start_total + 2, 0, 0, "grown by the sysctl");
	check_files(start_total + 2, start_total + 2, "grown");
	tap_is_long(knob_read_long(NR_HUGEPAGES_SYSCTL), start_total + 2, "the sysctl reads it back");
	tap_ok(node_spread() <= 1, "grown pool spread over the %d nodes (node0 %ld, node1 %ld)", nr_nodes,
	       node_nr(0), node_nr(1));

	tap_ok(knob_write_long(hstate_path("nr_hugepages"), start_total) > 0, "hstate nr_hugepages = %ld",
	       start_total);
	hpool_is(start_total, start_total, 0, 0, "shrunk by the hstate file");
	check_files(start_total, start_total, "shrunk");
	tap_ok(node_spread() <= 1, "shrunk from all nodes (node0 %ld, node1 %ld)", node_nr(0), node_nr(1));
}

/* nid's nr_hugepages += delta: that node only moves. */
static void node_resize(int nid, long delta)
{
	long before[MACHINE_MAX_NODES], before_sum = 0, want;
	struct hpool p;

	for (int n = 0; n < nr_nodes; n++) {
		before[n] = node_nr(n);
		before_sum += before[n];
	}
	want = before[nid] + delta;
	tap_ok(knob_write_long(node_hstate_path(nid, "nr_hugepages"), want) > 0,
	       "node%d nr_hugepages = %ld", nid, want);
	tap_is_long(node_nr(nid), want, "node%d has %ld pages", nid, want);
	for (int n = 0; n < nr_nodes; n++)
		if (n != nid)
			tap_is_long(node_nr(n), before[n], "node%d keeps %ld pages", n, before[n]);
	tap_is_long(node_meminfo_long(nid, "HugePages_Total"), want, "Node %d HugePages_Total", nid);
	tap_is_long(node_meminfo_long(nid, "HugePages_Free"), want, "Node %d HugePages_Free", nid);
	hpool_read(&p);
	tap_is_long(p.total, before_sum + delta, "meminfo HugePages_Total follows node%d", nid);
	tap_is_long(knob_read_long(NR_HUGEPAGES_SYSCTL), before_sum + delta,
		    "the sysctl follows node%d", nid);
}

static void test_node_resize(void)
{
	node_resize(1, +1);
	node_resize(1, -1);
	node_resize(0, -1);
	node_resize(0, +1);
	if (nr_nodes > 2) {
		node_resize(nr_nodes - 1, +1);
		node_resize(nr_nodes - 1, -1);
	}
	hpool_is(start_total, start_total, 0, 0, "after the per-node writes");
}

static void test_bad_value(void)
{
	tap_is_err(knob_write(NR_HUGEPAGES_SYSCTL, "abc\n"), EINVAL, "sysctl nr_hugepages \"abc\": EINVAL");
	tap_is_err(knob_write(hstate_path("nr_hugepages"), "abc\n"), EINVAL, "hstate nr_hugepages \"abc\": EINVAL");
	hpool_is(start_total, start_total, 0, 0, "unchanged by the bad writes");
}

static void test_shrink_in_use(void)
{
	long a = huge_mmap(NULL, 2 * HPAGE_SIZE, MAP_PRIVATE);
	unsigned char *p = (unsigned char *)a;

	if (!tap_ok(a > 0, "mmap 2 huge pages (%ld)", a))
		return;
	p[0] = 0x5a;
	p[HPAGE_SIZE + 7] = 0xa5;
	hpool_is(start_total, start_total - 2, 0, 0, "2 pages in use");

	tap_ok(knob_write_long(NR_HUGEPAGES_SYSCTL, 0) > 0, "nr_hugepages = 0 with 2 pages in use");
	hpool_is(2, 0, 0, 2, "the pages in use stay, as surplus");
	tap_is_long(knob_read_long(NR_HUGEPAGES_SYSCTL), 0, "the sysctl reads 0 (max_huge_pages)");
	tap_is_long(knob_read_long(hstate_path("nr_hugepages")), 2, "hstate nr_hugepages reads 2 (surplus included)");
	tap_is_long(knob_read_long(hstate_path("surplus_hugepages")), 2, "surplus_hugepages 2");
	tap_is_long(nodes_surplus(), 2, "the nodes' HugePages_Surp add up to 2");
	tap_ok(p[0] == 0x5a && p[HPAGE_SIZE + 7] == 0xa5, "the data in them is intact");

	tap_is_long(sys_munmap(p, 2 * HPAGE_SIZE), 0, "munmap them");
	hpool_is(0, 0, 0, 0, "surplus pages freed at munmap");

	tap_ok(knob_write_long(NR_HUGEPAGES_SYSCTL, start_total) > 0, "nr_hugepages = %ld again", start_total);
	hpool_is(start_total, start_total, 0, 0, "pool back");
	tap_ok(node_spread() <= 1, "spread over all nodes again (node0 %ld, node1 %ld)", node_nr(0), node_nr(1));
}

static void test_overcommit(void)
{
	long a;

	tap_ok(knob_write_long(hstate_path("nr_overcommit_hugepages"), 1) > 0, "nr_overcommit_hugepages = 1");
	tap_is_long(knob_read_long("/proc/sys/vm/nr_overcommit_hugepages"), 1, "the sysctl reads 1");
	a = huge_mmap(NULL, (start_total + 1) * HPAGE_SIZE, MAP_PRIVATE);
	if (tap_ok(a > 0, "mmap %ld pages, one more than is free (%ld)", start_total + 1, a)) {
		hpool_is(start_total + 1, start_total + 1, start_total + 1, 1, "one surplus page reserved");
		tap_is_long(sys_munmap((void *)a, (start_total + 1) * HPAGE_SIZE), 0, "munmap");
	}
	hpool_is(start_total, start_total, 0, 0, "the surplus page is gone after munmap");
	tap_is_err(huge_mmap(NULL, (start_total + 2) * HPAGE_SIZE, MAP_PRIVATE), ENOMEM,
		   "two more than is free with overcommit 1: ENOMEM");
	tap_ok(knob_write_long("/proc/sys/vm/nr_overcommit_hugepages", 0) > 0, "nr_overcommit_hugepages = 0");
	tap_is_long(knob_read_long(hstate_path("nr_overcommit_hugepages")), 0, "the hstate file reads 0");
	hpool_is(start_total, start_total, 0, 0, "pool unchanged");
}

int main(void)
{
	struct hpool p;
	struct machine m;

	hugetlb_test_machine_or_skip();
	machine_get(&m);
	nr_nodes = m.nodes;
	hpool_read(&p);
	start_total = p.total;
	if (!tap_ok(p.total >= 4 && p.free == p.total && p.rsvd == 0 && p.surp == 0,
		    "boot pool: at least 4 pages, all free (hugepages=8 on the command line)")) {
		tap_diag("Total %ld Free %ld Rsvd %ld Surp %ld", p.total, p.free, p.rsvd, p.surp);
		return tap_done();
	}
	test_start_state();
	test_global_resize();
	test_node_resize();
	test_bad_value();
	test_shrink_in_use();
	test_overcommit();

	/* Whatever failed above, leave the pool as it was. */
	knob_write_long(hstate_path("nr_overcommit_hugepages"), 0);
	knob_write_long(NR_HUGEPAGES_SYSCTL, start_total);
	return tap_done();
}
