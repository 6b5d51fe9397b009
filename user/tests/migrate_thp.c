/*
 * migrate_thp: a transparent huge page migrates whole, with PMD migration
 * entries (Linux 6.1, x86-64's ARCH_ENABLE_THP_MIGRATION), on Pagoda and
 * on Linux 6.1 alike. Between the node the THP was faulted on (src) and
 * the next one (dst = src + 1 mod nodes: any two nodes on the 4-node ring):
 *
 * - move_pages of its 512 addresses to dst: returns 0, every status is
 *   dst, a query says dst for all 512; the 2 MB holds its data; it is
 *   still one THP (512 contiguous frames from a 2 MB-aligned one,
 *   kpageflags THP|COMPOUND_HEAD on the first, THP|COMPOUND_TAIL on a
 *   tail, smaps AnonHugePages 2048 kB); thp_migration_success +1 and
 *   pgmigrate_success at least +512 (Linux counts base pages);
 * - migrate_pages(2) from {dst} to {src} moves it back whole: a count of
 *   pages not moved (>= 0), the query says src for all 512, data and
 *   hugeness as before, thp_migration_success +1 again;
 * - shared after fork by two children: move_pages with MPOL_MF_MOVE
 *   leaves it (status -EACCES: mapped more than once), with
 *   MPOL_MF_MOVE_ALL it moves for all three: the children's query (pid
 *   given) says dst, their pagemap frames equal the parent's, still one
 *   THP in each, and each child reads the data and writes its own copy
 *   afterwards (COW of the migrated THP) without disturbing the others.
 *
 * Skipped on a one-node machine, and on a kernel without THPs.
 */
#include "migratetest.h"

#define NPAGES		(THP_SIZE / PAGE_SIZE)

static void *addrs[NPAGES];
static int nodes[1], status[NPAGES];

/*
 * move_pages of p's first page to nid: the THP moves whole. (Moving all
 * 512 addresses would see the later ones' head already isolated: Linux
 * 6.1 reports -EBUSY for the second one.) The call's result; *st the status.
 */
static long move_thp(unsigned char *p, int nid, int flags, int *st)
{
	long r;

	addrs[0] = p;
	nodes[0] = nid;
	status[0] = 12345;
	r = sys_move_pages(0, 1, addrs, nodes, status, flags);
	*st = status[0];
	return r;
}

/* p is one THP in pid: 512 contiguous frames, kpageflags THP with head and tail. */
static int still_huge(long pid, const unsigned char *p)
{
	uint64_t head = 0, tail = 0, pfn = page_pfn(pid, p);

	if (!thp_is_huge(pid, p) || kpageflags_get(pfn, &head) < 0 || kpageflags_get(pfn + 77, &tail) < 0)
		return 0;
	return (head & (KPF_BIT(KPF_THP) | KPF_BIT(KPF_COMPOUND_HEAD))) ==
		       (KPF_BIT(KPF_THP) | KPF_BIT(KPF_COMPOUND_HEAD)) &&
	       (tail & (KPF_BIT(KPF_THP) | KPF_BIT(KPF_COMPOUND_TAIL))) ==
		       (KPF_BIT(KPF_THP) | KPF_BIT(KPF_COMPOUND_TAIL));
}

/* A fresh THP with pattern 0; NULL (reported) if the fault did not map one. */
static unsigned char *new_thp(void)
{
	unsigned char *p = thp_area(MADV_HUGEPAGE);

	if (!tap_ok(p != NULL, "mmap a 2 MB-aligned range"))
		return NULL;
	huge_fill(p, 0);
	if (!tap_ok(still_huge(0, p), "the first write mapped one THP"))
		return NULL;
	return p;
}

static int node_of(unsigned char *p)
{
	addrs[0] = p;
	if (sys_move_pages(0, 1, addrs, NULL, status, 0) != 0)
		return -1;
	return status[0];
}

static void move_pages_and_back(int nr_nodes)
{
	unsigned char *p = new_thp();
	long success, pgmig, r;
	unsigned long oldmask, newmask;
	int src, dst, st;

	if (!p)
		return;
	src = node_of(p);
	if (!tap_ok(src >= 0 && src < nr_nodes, "the THP is on node %d", src))
		return;
	dst = (src + 1) % nr_nodes;
	success = vmstat_get("thp_migration_success");
	pgmig = vmstat_get("pgmigrate_success");
	r = move_thp(p, dst, MPOL_MF_MOVE, &st);
	tap_is_long(r, 0, "move_pages of its first page to node %d returns 0", dst);
	tap_is_long(st, dst, "its status is %d", dst);
	tap_is_long(huge_pages_on(0, p, dst), NPAGES, "a query: all 512 pages on node %d", dst);
	tap_ok(huge_intact(p, 0), "the 2 MB holds its data");
	tap_ok(still_huge(0, p), "still one THP (512 contiguous frames, kpageflags THP head and tail)");
	tap_is_long(smaps_kb(0, p, "AnonHugePages"), 2048, "smaps: AnonHugePages 2048 kB");
	tap_is_long(vmstat_get("thp_migration_success") - success, 1, "thp_migration_success grew by 1");
	tap_ok(vmstat_get("pgmigrate_success") - pgmig >= (long)NPAGES,
	       "pgmigrate_success grew by at least 512 (%ld)", vmstat_get("pgmigrate_success") - pgmig);

	huge_fill(p, 1);	/* writable after the move, and the next check sees the new data */
	success = vmstat_get("thp_migration_success");
	oldmask = 1UL << dst;
	newmask = 1UL << src;
	r = sys_migrate_pages(0, 65, &oldmask, &newmask);
	tap_ok(r >= 0, "migrate_pages(2) from node %d to node %d: %ld pages not moved", dst, src, r);
	tap_is_long(huge_pages_on(0, p, src), NPAGES, "a query: all 512 pages back on node %d", src);
	tap_ok(huge_intact(p, 1), "the 2 MB holds the data written after the first move");
	tap_ok(still_huge(0, p), "still one THP");
	tap_is_long(vmstat_get("thp_migration_success") - success, 1, "thp_migration_success grew by 1");
	sys_munmap(p, THP_SIZE);
}

/* A child: wait for the parent's word, check the data, write its own, report. */
static void child(unsigned char *p, volatile long *box, int idx)
{
	if (mailbox_wait(&box[0], 1) < 0 || !huge_intact(p, 0))
		sys_exit(2);
	huge_fill(p, 10 + idx);	/* COW of the migrated, shared THP */
	box[1 + idx] = 1;
	if (mailbox_wait(&box[0], 2) < 0 || !huge_intact(p, 10 + idx))
		sys_exit(3);
	sys_exit(0);
}

static void shared_after_fork(int nr_nodes)
{
	volatile long *box = mailbox_new(4096);
	unsigned char *p = new_thp();
	long pids[2];
	int src, dst, st;


	if (!p || !box)
		return;
	src = node_of(p);
	dst = (src + 1) % nr_nodes;
	for (int i = 0; i < 2; i++) {
		pids[i] = sys_fork();
		if (pids[i] == 0)
			child(p, box, i);
	}
	tap_is_long(move_thp(p, dst, MPOL_MF_MOVE, &st), 0, "shared THP, MPOL_MF_MOVE: move_pages returns 0");
	tap_is_long(st, -EACCES, "its status is -EACCES: mapped by three processes");
	tap_is_long(huge_pages_on(0, p, src), NPAGES, "a query: still all on node %d", src);
	tap_is_long(move_thp(p, dst, MPOL_MF_MOVE_ALL, &st), 0, "MPOL_MF_MOVE_ALL: move_pages returns 0");
	tap_is_long(st, dst, "its status is %d", dst);
	tap_ok(huge_intact(p, 0), "the parent reads its data");
	tap_ok(still_huge(0, p), "the parent maps one THP");
	for (int i = 0; i < 2; i++) {
		tap_is_long(huge_pages_on((int)pids[i], p, dst), NPAGES, "child %d: a query says all 512 on node %d", i, dst);
		tap_ok(page_pfn(pids[i], p) == page_pfn(0, p) && thp_is_huge(pids[i], p),
		       "child %d maps the same THP", i);
	}
	box[0] = 1;
	for (int i = 0; i < 2; i++)
		mailbox_wait(&box[1 + i], 1);
	box[0] = 2;
	tap_ok(huge_intact(p, 0), "the parent's data unchanged by the children's writes");
	for (int i = 0; i < 2; i++) {
		tap_is_long(sys_wait4((int)pids[i], &st, 0, NULL), pids[i], "reap child %d", i);
		tap_is_long(st, 0, "child %d read the data and its own write (exit 0)", i);
	}
	sys_munmap(p, THP_SIZE);
	sys_munmap((void *)box, 4096);
}

int main(void)
{
	struct machine m;
	char mode[16];

	machine_get(&m);
	if (m.nodes < 2)
		tap_skip_all("one node: nowhere to migrate to");
	if (knob_selected("/sys/kernel/mm/transparent_hugepage/enabled", mode, sizeof(mode)) < 0 ||
	    !strcmp(mode, "never"))
		tap_skip_all("no transparent huge pages");
	numa_balancing_off();	/* Linux's NUMA balancing would move the pages on its own */
	move_pages_and_back(m.nodes);
	shared_after_fork(m.nodes);
	numa_balancing_restore();
	return tap_done();
}
