/*
 * migrate_huge_nomem (Pagoda only): huge pages migrating to a node that
 * has no room for them whole, and a THP that PTEs map. Between src (the
 * node of CPU 0) and dst (the node of CPU 1):
 *
 * - a THP whose PMD an mprotect of its first 4 KB split (all 512 pages
 *   PTE-mapped, the THP whole): move_pages moves it as 512 4 KB pages
 *   (split first): returns 0, status dst, a query says dst for all 512,
 *   the data intact, thp_migration_split +1, thp_migration_fail +0,
 *   pgmigrate_success +512, kpageflags without THP.
 * - dst has no free order-9 block (the test takes every one into dst's
 *   hugetlb pool, after leaving 1022 free 4 KB pages in two 2 MB blocks
 *   it keeps one page of each): a THP of src moved there is split and
 *   moved as 4 KB pages (Linux 6.1's migrate_pages on -ENOMEM):
 *   move_pages returns 1 (the THP counts as not migrated, as Linux 6.1),
 *   a query says dst for all 512, the data is intact,
 *   thp_migration_fail +1, thp_migration_split +1, thp_split_page +1,
 *   pgmigrate_success +512, no longer a THP.
 * - every free pool page of dst also mapped (pinned on dst: the faults
 *   take dst's pool first): a hugetlb page of src cannot move there, not
 *   even to a temporary page (no 2 MB block): move_pages fails with
 *   ENOMEM, htlb_buddy_alloc_fail +1, the page still on src with its
 *   data, the pool counts unchanged.
 *
 * Restores dst's nr_hugepages; /init checks the leak, the pool and the
 * mm check (no migration entry left behind) after it.
 */
#include "mmtest.h"
#include "hugetlb.h"
#include "smptest.h"

#define NPAGES		(THP_SIZE / PAGE_SIZE)

static void *addrs[NPAGES];
static int status[NPAGES];
static int src, dst;

static unsigned char pattern(unsigned long off, int v)
{
	return (unsigned char)((off >> 12) * 11 + (off & 0xfff) + v * 3);
}

static void fill(unsigned char *p, unsigned long len, int v)
{
	for (unsigned long off = 0; off < len; off += 512)
		p[off] = pattern(off, v);
}

static int intact(const unsigned char *p, unsigned long len, int v)
{
	for (unsigned long off = 0; off < len; off += 512)
		if (p[off] != pattern(off, v))
			return 0;
	return 1;
}

static int pages_on(unsigned char *p, int nid)
{
	int n = 0;

	for (unsigned long i = 0; i < NPAGES; i++)
		addrs[i] = p + i * PAGE_SIZE;
	if (sys_move_pages(0, NPAGES, addrs, NULL, status, 0) != 0)
		return -1;
	for (unsigned long i = 0; i < NPAGES; i++)
		n += status[i] == nid;
	return n;
}

static long move_one(unsigned char *p, int nid, int *st)
{
	int node = nid;
	long r;

	addrs[0] = p;
	status[0] = 12345;
	r = sys_move_pages(0, 1, addrs, &node, status, MPOL_MF_MOVE);
	*st = status[0];
	return r;
}

static int is_thp(const unsigned char *p)
{
	uint64_t f = 0;

	return kpageflags_get(page_pfn(0, p), &f) == 0 && (f & KPF_BIT(KPF_THP));
}

struct counters {
	long fail, split, split_page, pgmig;
};

static void counters_read(struct counters *c)
{
	c->fail = vmstat_get("thp_migration_fail");
	c->split = vmstat_get("thp_migration_split");
	c->split_page = vmstat_get("thp_split_page");
	c->pgmig = vmstat_get("pgmigrate_success");
}

/* A THP faulted on src (pinned to CPU 0), pattern v; NULL (reported) if none. */
static unsigned char *thp_on_src(int v)
{
	unsigned char *p = thp_area(MADV_HUGEPAGE);

	if (!tap_ok(p != NULL, "mmap a 2 MB-aligned range"))
		return NULL;
	fill(p, THP_SIZE, v);
	if (!tap_ok(thp_is_huge(0, p) && pages_on(p, src) == (int)NPAGES, "one THP on node %d", src))
		return NULL;
	return p;
}

static void pte_mapped_thp(void)
{
	unsigned char *p = thp_on_src(1);
	struct counters c0, c1;
	int st;

	if (!p)
		return;
	tap_is_long(sys_mprotect(p, PAGE_SIZE, PROT_READ), 0, "mprotect of its first 4 KB splits the PMD");
	counters_read(&c0);
	tap_is_long(move_one(p + PAGE_SIZE, dst, &st), 0, "move_pages of the PTE-mapped THP returns 0");
	tap_is_long(st, dst, "its status is %d", dst);
	counters_read(&c1);
	tap_is_long(pages_on(p, dst), NPAGES, "a query: all 512 4 KB pages on node %d", dst);
	tap_ok(intact(p, THP_SIZE, 1), "the data intact");
	tap_is_long(c1.split - c0.split, 1, "thp_migration_split grew by 1 (split first)");
	tap_is_long(c1.fail - c0.fail, 0, "thp_migration_fail unchanged");
	tap_is_long(c1.pgmig - c0.pgmig, NPAGES, "pgmigrate_success grew by 512");
	tap_ok(!is_thp(p), "kpageflags: no longer a THP");
	sys_munmap(p, THP_SIZE);
}

/*
 * On dst (pinned there): two THPs of which one 4 KB page each stays
 * mapped, so 1022 free pages lie in blocks below order 9; *keep gets
 * their addresses for munmap.
 */
static int fragment_dst(unsigned char **keep)
{
	for (int i = 0; i < 2; i++) {
		unsigned char *p = thp_area(MADV_HUGEPAGE);

		if (!p)
			return 0;
		fill(p, THP_SIZE, 0);
		if (!tap_ok(thp_is_huge(0, p) && pages_on(p, dst) == (int)NPAGES, "THP %d on node %d", i, dst))
			return 0;
		sys_munmap(p, THP_SIZE - PAGE_SIZE);
		keep[i] = p + THP_SIZE - PAGE_SIZE;
	}
	return 1;
}

static void thp_split_fallback(void)
{
	unsigned char *p = thp_on_src(2);
	struct counters c0, c1;
	int st;

	if (!p)
		return;
	counters_read(&c0);
	tap_is_long(move_one(p, dst, &st), 1, "move_pages to a node without an order-9 block: 1 (the THP failed whole)");
	counters_read(&c1);
	tap_is_long(pages_on(p, dst), NPAGES, "a query: yet all 512 4 KB pages on node %d", dst);
	tap_ok(intact(p, THP_SIZE, 2), "the data intact");
	tap_is_long(c1.fail - c0.fail, 1, "thp_migration_fail grew by 1");
	tap_is_long(c1.split - c0.split, 1, "thp_migration_split grew by 1");
	tap_is_long(c1.split_page - c0.split_page, 1, "thp_split_page grew by 1");
	tap_is_long(c1.pgmig - c0.pgmig, NPAGES, "pgmigrate_success grew by 512");
	tap_ok(!is_thp(p), "kpageflags: no longer a THP");
	sys_munmap(p, THP_SIZE);
}

static void hugetlb_nowhere(unsigned char *h)
{
	long dfree = knob_read_long(node_hstate_path(dst, "free_hugepages"));
	long dnr = knob_read_long(node_hstate_path(dst, "nr_hugepages"));
	long snr = knob_read_long(node_hstate_path(src, "nr_hugepages"));
	long fail, r, all;
	int st;

	if (pin_to_cpu(1) < 0)
		return;
	all = huge_mmap(NULL, dfree * HPAGE_SIZE, MAP_PRIVATE);
	if (!tap_ok(all >= 0, "map %ld hugetlb pages", dfree))
		return;
	fill((unsigned char *)all, dfree * HPAGE_SIZE, 0);
	pin_to_cpu(0);
	tap_is_long(knob_read_long(node_hstate_path(dst, "free_hugepages")), 0,
		    "faulted on node %d: no free pool page left there", dst);
	fail = vmstat_get("htlb_buddy_alloc_fail");
	r = move_one(h, dst, &st);
	tap_is_long(r, -ENOMEM, "move_pages of a hugetlb page there fails with ENOMEM");
	tap_is_long(vmstat_get("htlb_buddy_alloc_fail") - fail, 1, "htlb_buddy_alloc_fail grew by 1 (no temporary page)");
	tap_is_long(pages_on(h, src), NPAGES, "a query: still on node %d", src);
	tap_ok(intact(h, HPAGE_SIZE, 5), "its data intact");
	tap_ok(knob_read_long(node_hstate_path(dst, "nr_hugepages")) == dnr &&
	       knob_read_long(node_hstate_path(src, "nr_hugepages")) == snr,
	       "the nodes' nr_hugepages unchanged");
	sys_munmap((void *)all, dfree * HPAGE_SIZE);
}

/* The node CPU cpu is on (getcpu after pinning there); -1 if it cannot run there. */
static int node_of_cpu(int cpu)
{
	unsigned c = ~0u, node = ~0u;

	if (pin_to_cpu(cpu) < 0 || sys_getcpu(&c, &node) < 0)
		return -1;
	return (int)node;
}

int main(void)
{
	unsigned char *keep[2] = { NULL, NULL }, *h;
	long dst_nr;

	if (!is_pagoda())
		tap_skip_all("Pagoda only: it takes every 2 MB block of a node");
	dst = node_of_cpu(1);
	src = node_of_cpu(0);
	if (src < 0 || dst < 0 || src == dst)
		tap_skip_all("CPUs 0 and 1 not on two nodes");
	pte_mapped_thp();

	h = (unsigned char *)huge_mmap(NULL, HPAGE_SIZE, MAP_PRIVATE);
	if (!tap_ok((long)h >= 0, "a hugetlb page on node %d", src))
		return tap_done();
	fill(h, HPAGE_SIZE, 5);
	dst_nr = knob_read_long(node_hstate_path(dst, "nr_hugepages"));
	pin_to_cpu(1);
	if (fragment_dst(keep)) {
		long r;

		pin_to_cpu(0);
		r = knob_write_long(node_hstate_path(dst, "nr_hugepages"), 100000);
		tap_ok(r > 0, "node %d's pool takes every free 2 MB block there (%ld pages)", dst,
		       knob_read_long(node_hstate_path(dst, "nr_hugepages")));
		thp_split_fallback();
		hugetlb_nowhere(h);
	}
	pin_to_cpu(0);
	for (int i = 0; i < 2; i++)
		if (keep[i])
			sys_munmap(keep[i], PAGE_SIZE);
	sys_munmap(h, HPAGE_SIZE);
	tap_ok(knob_write_long(node_hstate_path(dst, "nr_hugepages"), dst_nr) > 0 &&
	       knob_read_long(node_hstate_path(dst, "nr_hugepages")) == dst_nr,
	       "node %d's nr_hugepages back to %ld", dst, dst_nr);
	return tap_done();
}
