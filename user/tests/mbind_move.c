/*
 * mbind_move: mbind(2) with MPOL_MF_MOVE, MOVE_ALL and STRICT (Linux 6.1
 * do_mbind: queue_pages_range, mbind_range, migrate_pages with new_page
 * allocating by the new policy), pinned to CPU 0, automatic NUMA balancing
 * off on Linux, on any machine of two nodes or more; each page's node by a
 * move_pages query and by get_mempolicy(NODE|ADDR):
 * - 16 pages written on node 0, mbind BIND {1} with MOVE: 0, every page on
 *   node 1 with its data, pgmigrate_success +16;
 * - STRICT without MOVE over misplaced pages: EIO, the pages stay and the
 *   policy is not set (get_mempolicy(ADDR) DEFAULT); over pages already
 *   in place: 0;
 * - INTERLEAVE {all} with MOVE|STRICT: 0, and the pages, on node 0 of the
 *   mask, stay; INTERLEAVE {1..last}: they move there by the new policy,
 *   interleaved (each page on the node after its predecessor's);
 * - pages shared with a forked child: MOVE (even with STRICT) leaves them
 *   and returns 0 (shared pages are skipped, not failures); MOVE_ALL moves
 *   them, and the child finds its pages on the new node with its data;
 * - a private hugetlb page written on node 0, BIND {1} with MOVE|STRICT:
 *   0, the huge page on node 1 (from its pool), its data intact;
 * - mbind DEFAULT with MOVE from CPU 1: every page moves to CPU 1's node
 *   (Linux queues every page for DEFAULT's empty mask, and the default
 *   policy allocates on the local node).
 */
#include "migratetest.h"
#include "hugetlb.h"
#include "numapol.h"

#define NP	16

static struct machine m;

static char *fresh(void)
{
	char *p = region_map(NP);

	if (p)
		region_fill(p, NP, 1);
	return p;
}

/* Every page on node nid by get_mempolicy too. */
static int gm_all_on(const char *p, unsigned long n, int nid)
{
	for (unsigned long i = 0; i < n; i++)
		if (node_of(p + i * PAGE_SIZE) != nid)
			return 0;
	return 1;
}

static void check_move(void)
{
	long before = vmstat_get("pgmigrate_success");
	char *p = fresh();

	if (!tap_ok(p != NULL, "map and write %d pages", NP))
		return;
	tap_ok(region_nodes_all(p, NP, 0), "written from CPU 0: on node 0");
	tap_is_long(sys_mbind(p, NP * PAGE_SIZE, MPOL_BIND, mask_node(1).w, MAXNODE, MPOL_MF_MOVE), 0,
		    "mbind BIND {1} with MPOL_MF_MOVE");
	tap_ok(region_nodes_all(p, NP, 1), "every page is on node 1 (move_pages)");
	tap_ok(gm_all_on(p, NP, 1), "every page is on node 1 (get_mempolicy)");
	tap_is_long(region_check(p, NP, 1), -1, "the data came along");
	tap_ok(vmstat_get("pgmigrate_success") - before >= NP, "pgmigrate_success grew by at least %d (by %ld)", NP,
	       vmstat_get("pgmigrate_success") - before);
	sys_munmap(p, NP * PAGE_SIZE);
}

/*
 * The first of the NP pages at p that is not on the node of {1..nodes-1}
 * after its predecessor's (the first on any of them), with a diagnostic;
 * -1 if there is none.
 */
static int first_off_interleave(const char *p, int nodes)
{
	for (int i = 0, prev = -1; i < NP; i++) {
		int nid = page_node(p + i * PAGE_SIZE);
		int want = prev < 0 ? nid : 1 + prev % (nodes - 1);	/* the next node of {1..last} */

		if (nid < 1 || nid >= nodes || nid != want) {
			tap_diag("page %d on node %d, expected %s%d", i, nid,
				 prev < 0 ? "a node of the mask, not " : "", want);
			return i;
		}
		prev = nid;
	}
	return -1;
}

static void check_strict(void)
{
	char *p = fresh();
	mask_t others;

	if (!tap_ok(p != NULL, "map and write %d pages", NP))
		return;
	tap_is_err(sys_mbind(p, NP * PAGE_SIZE, MPOL_BIND, mask_node(1).w, MAXNODE, MPOL_MF_STRICT), EIO,
		   "STRICT over pages on node 0, BIND {1}: EIO");
	tap_ok(region_nodes_all(p, NP, 0), "the pages stayed on node 0");
	tap_is_long(policy_of(p, NULL), MPOL_DEFAULT, "and the policy was not set");
	tap_is_long(sys_mbind(p, NP * PAGE_SIZE, MPOL_BIND, mask_node(0).w, MAXNODE, MPOL_MF_STRICT), 0,
		    "STRICT, BIND {0}: every page in place, 0");
	tap_is_long(policy_of(p, NULL), MPOL_BIND, "the policy is set");
	tap_is_long(sys_mbind(p, NP * PAGE_SIZE, MPOL_INTERLEAVE, mask_first(m.nodes).w, MAXNODE,
			      MPOL_MF_MOVE | MPOL_MF_STRICT), 0, "INTERLEAVE {all} with MOVE|STRICT");
	tap_ok(region_nodes_all(p, NP, 0), "pages already on a node of the mask do not move");
	mask_zero(&others);
	for (int nid = 1; nid < m.nodes; nid++)
		mask_set(&others, nid);
	tap_is_long(sys_mbind(p, NP * PAGE_SIZE, MPOL_INTERLEAVE, others.w, MAXNODE, MPOL_MF_MOVE | MPOL_MF_STRICT), 0,
		    "INTERLEAVE {1..%d} with MOVE|STRICT", m.nodes - 1);
	tap_is_long(first_off_interleave(p, m.nodes), -1,
		    "the pages moved to {1..%d}, each on the node after its predecessor's "
		    "(-1, or the first page that is not)", m.nodes - 1);
	tap_is_long(region_check(p, NP, 1), -1, "the data came along");
	sys_munmap(p, NP * PAGE_SIZE);
}

static void check_shared(void)
{
	volatile long *mbox = mailbox_new(PAGE_SIZE);
	char *p = fresh();
	int status = -1;
	long pid;

	if (!tap_ok(p != NULL && mbox != NULL, "map and write %d pages, a mailbox", NP))
		return;
	pid = sys_fork();
	if (pid == 0) {
		mailbox_wait(mbox, 1);
		/* The parent moved our shared pages with MOVE_ALL: ours are on node 1 now. */
		sys_exit(region_nodes_all(p, NP, 1) && region_check(p, NP, 1) == -1 ? 0 : 1);
	}
	tap_is_long(sys_mbind(p, NP * PAGE_SIZE, MPOL_BIND, mask_node(1).w, MAXNODE, MPOL_MF_MOVE), 0,
		    "shared with a child: BIND {1} with MOVE returns 0");
	tap_ok(region_nodes_all(p, NP, 0), "the shared pages stayed on node 0");
	tap_is_long(sys_mbind(p, NP * PAGE_SIZE, MPOL_BIND, mask_node(1).w, MAXNODE, MPOL_MF_MOVE | MPOL_MF_STRICT), 0,
		    "with MOVE|STRICT too: shared pages are no failure");
	tap_ok(region_nodes_all(p, NP, 0), "still on node 0");
	tap_is_long(sys_mbind(p, NP * PAGE_SIZE, MPOL_BIND, mask_node(1).w, MAXNODE, MPOL_MF_MOVE_ALL), 0,
		    "MOVE_ALL");
	tap_ok(region_nodes_all(p, NP, 1), "the shared pages moved to node 1");
	tap_is_long(region_check(p, NP, 1), -1, "with their data");
	mbox[0] = 1;
	sys_wait4(pid, &status, 0, NULL);
	tap_is_long(status, 0, "the child finds the same pages on node 1, with their data");
	sys_munmap(p, NP * PAGE_SIZE);
}

/* A private hugetlb page, written on node 0, moves whole to a page of node 1's pool. */
static void check_hugetlb(void)
{
	long r = sys_mmap(NULL, 2UL << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
	unsigned long *p = (unsigned long *)r;

	if (!tap_ok(r > 0, "mmap one huge page"))
		return;
	for (unsigned long i = 0; i < (2UL << 20) / 8; i += 512)
		p[i] = i ^ 0x5a5a;
	tap_is_long(page_node(p), 0, "written from CPU 0: on node 0");
	tap_is_long(sys_mbind(p, 2UL << 20, MPOL_BIND, mask_node(1).w, MAXNODE, MPOL_MF_MOVE | MPOL_MF_STRICT), 0,
		    "mbind BIND {1} with MOVE|STRICT");
	tap_is_long(page_node(p), 1, "the huge page is on node 1 (move_pages)");
	tap_is_long(node_of((char *)p + (1UL << 20)), 1, "and by get_mempolicy, in its middle");
	for (unsigned long i = 0; i < (2UL << 20) / 8; i += 512)
		if (p[i] != (i ^ 0x5a5a)) {
			tap_ok(0, "word %lu changed", i);
			break;
		}
	tap_ok(p[512] == (512 ^ 0x5a5a), "the data came along");
	sys_munmap(p, 2UL << 20);
}

static void check_default_move(void)
{
	int nid = 1 % m.nodes;
	char *p = fresh();

	if (!tap_ok(p != NULL, "map and write %d pages", NP))
		return;
	if (!tap_is_long(pin_to_cpu(1), 0, "pin to CPU 1 (node %d)", nid))
		return;
	tap_is_long(sys_mbind(p, NP * PAGE_SIZE, MPOL_DEFAULT, NULL, 0, MPOL_MF_MOVE), 0, "mbind DEFAULT with MOVE");
	tap_ok(region_nodes_all(p, NP, nid), "every page moved to CPU 1's node %d", nid);
	tap_is_long(region_check(p, NP, 1), -1, "with its data");
	pin_to_cpu(0);
	sys_munmap(p, NP * PAGE_SIZE);
}

int main(void)
{
	machine_get(&m);
	if (m.nodes < 2 || m.cpus < 2)
		tap_skip_all("mbind_move: needs two NUMA nodes and two CPUs (qemu.nodes=, qemu.cpus=)");
	if (!tap_is_long(pin_to_cpu(0), 0, "pin to CPU 0"))
		return tap_done();
	hugetlb_test_machine_or_skip();
	numa_balancing_off();
	check_move();
	check_strict();
	check_shared();
	check_hugetlb();
	check_default_move();
	numa_balancing_restore();
	return tap_done();
}
