/*
 * mempolicy_place: where pages go under each NUMA policy (Linux 6.1:
 * alloc_pages_vma, policy_node, policy_nodemask, offset_il_node,
 * huge_node), each page's node read twice, by get_mempolicy(MPOL_F_NODE |
 * MPOL_F_ADDR) and by a move_pages(0, n, pages, NULL, status) query; on
 * any machine of two nodes or more, pinned to CPU 0 unless said:
 * - set_mempolicy(BIND {1}): every page written is on node 1; node 1
 *   counts numa_hit and other_node for them, not numa_miss (the preferred
 *   node of a BIND allocation is the first node of the mask, Linux's
 *   preferred_zoneref);
 * - mbind(BIND {last}) after half the range was written: the old half stays
 *   on node 0 (no MPOL_MF_MOVE), the new half goes to the last node;
 * - mbind(INTERLEAVE {all}): page i is on node (vm_pgoff + i) % nodes
 *   (anonymous vm_pgoff is the address >> 12), consecutive pages on
 *   different nodes; interleave_hit and /proc/vmstat numa_interleave grow
 *   by the page count; a task INTERLEAVE policy places fault pages by the
 *   same offsets; two THPs of an interleaved 4 MB range (MADV_HUGEPAGE) go
 *   by the huge page's offset, a BIND {1} THP to node 1;
 * - a shared anonymous mapping (shmem) under INTERLEAVE {all}: page i on
 *   node (page 0's + i) % nodes (Linux interleaves shmem by the page's
 *   index in the object, biased by the inode number);
 * - PREFERRED {1} and PREFERRED_MANY {1..last}: on node 1, or on a node of
 *   the mask;
 * - the default policy and LOCAL follow the CPU the task is pinned to
 *   (CPU c is on node c % nodes), and count local_node there;
 * - hugetlb, with the pool on node 0 only: PREFERRED {1} falls back to
 *   node 0; BIND {1} takes no page from node 0: the fault is SIGBUS; a task
 *   BIND {1} policy makes a MAP_HUGETLB mmap fail with ENOMEM (the
 *   reservation counts only node 1's free pages, hugetlb_acct_memory).
 *   The pool is put back as it was, node by node.
 */
#include "hugetlb.h"
#include "machine.h"
#include "numapol.h"

#define NPAGES	64

static struct machine m;

static char *map_pages(size_t n)
{
	long p = sys_mmap(NULL, n * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p < 0)
		return NULL;
	sys_madvise((void *)p, n * PAGE_SIZE, MADV_NOHUGEPAGE);	/* 4 KB pages on Linux too */
	return (char *)p;
}

static void touch(char *p, size_t n, size_t step)
{
	for (size_t i = 0; i < n; i++)
		p[i * step] = (char)(i + 1);
}

/*
 * Page i of [p, p + n * step) is on node want[i]: by get_mempolicy and by
 * move_pages. One TAP line each, the first wrong page in a diagnostic.
 */
static void check_nodes(char *p, size_t n, size_t step, const int *want, const char *what)
{
	static void *pages[NPAGES * 4];
	static int status[NPAGES * 4];
	int bad_gm = 0, bad_mp = 0;
	long r;

	for (size_t i = 0; i < n; i++) {
		long nid = node_of(p + i * step);

		pages[i] = p + i * step;
		status[i] = -1000;
		if (nid != want[i] && !bad_gm++)
			tap_diag("%s: page %zu on node %ld by get_mempolicy, expected %d", what, i, nid, want[i]);
	}
	tap_ok(!bad_gm, "%s: get_mempolicy(NODE|ADDR) finds each of %zu pages on its node", what, n);
	r = sys_move_pages(0, n, pages, NULL, status, 0);
	for (size_t i = 0; r == 0 && i < n; i++)
		if (status[i] != want[i] && !bad_mp++)
			tap_diag("%s: page %zu status %d by move_pages, expected %d", what, i, status[i], want[i]);
	tap_ok(r == 0 && !bad_mp, "%s: a move_pages query agrees (returned %ld)", what, r);
}

static void check_all_on(char *p, size_t n, size_t step, int nid, const char *what)
{
	static int want[NPAGES * 4];

	for (size_t i = 0; i < n; i++)
		want[i] = nid;
	check_nodes(p, n, step, want, what);
}

/* numastat counters of every node, to diff. */
struct nstat {
	long hit[MACHINE_MAX_NODES], miss[MACHINE_MAX_NODES], il[MACHINE_MAX_NODES];
	long local[MACHINE_MAX_NODES], other[MACHINE_MAX_NODES];
	long vm_interleave;
};

static void nstat_read(struct nstat *s)
{
	for (int n = 0; n < m.nodes; n++) {
		s->hit[n] = numastat_get(n, "numa_hit");
		s->miss[n] = numastat_get(n, "numa_miss");
		s->il[n] = numastat_get(n, "interleave_hit");
		s->local[n] = numastat_get(n, "local_node");
		s->other[n] = numastat_get(n, "other_node");
	}
	s->vm_interleave = vmstat_get("numa_interleave");
}

static void check_bind_task(void)
{
	struct nstat a, b;
	char *p = map_pages(NPAGES);

	if (!tap_ok(p != NULL, "mmap %d pages", NPAGES))
		return;
	tap_is_long(sys_set_mempolicy(MPOL_BIND, mask_node(1).w, MAXNODE), 0, "set_mempolicy BIND {1}");
	nstat_read(&a);
	touch(p, NPAGES, PAGE_SIZE);
	nstat_read(&b);
	tap_is_long(sys_set_mempolicy(MPOL_DEFAULT, NULL, 0), 0, "back to DEFAULT");
	check_all_on(p, NPAGES, PAGE_SIZE, 1, "task BIND {1} from CPU 0");
	tap_ok(b.hit[1] - a.hit[1] >= NPAGES, "node 1 numa_hit grew by at least %d (by %ld)", NPAGES, b.hit[1] - a.hit[1]);
	tap_ok(b.other[1] - a.other[1] >= NPAGES, "node 1 other_node grew by at least %d (by %ld): CPU 0 is on node 0",
	       NPAGES, b.other[1] - a.other[1]);
	tap_ok(b.miss[1] - a.miss[1] < NPAGES / 2, "node 1 numa_miss did not count them (grew by %ld)",
	       b.miss[1] - a.miss[1]);
	sys_munmap(p, NPAGES * PAGE_SIZE);
}

static void check_bind_vma(void)
{
	int last = m.nodes - 1, want[NPAGES];
	char *p = map_pages(NPAGES);

	if (!tap_ok(p != NULL, "mmap %d pages", NPAGES))
		return;
	touch(p, NPAGES / 2, PAGE_SIZE);
	tap_is_long(sys_mbind(p, NPAGES * PAGE_SIZE, MPOL_BIND, mask_node(last).w, MAXNODE, 0), 0,
		    "mbind BIND {%d} over the range, half of it written", last);
	touch(p + NPAGES / 2 * PAGE_SIZE, NPAGES / 2, PAGE_SIZE);
	for (int i = 0; i < NPAGES; i++)
		want[i] = i < NPAGES / 2 ? 0 : last;
	check_nodes(p, NPAGES, PAGE_SIZE, want, "VMA BIND: old pages stay on node 0, new ones on the last node");
	sys_munmap(p, NPAGES * PAGE_SIZE);
}

/* The node of an interleaved page of 1 << shift bytes at offset off over nodes 0..n-1 (Linux: offset_il_node). */
static int il_node(unsigned long off, int n)
{
	return (int)(off % (unsigned long)n);
}

static void check_interleave(void)
{
	int n = NPAGES, want[NPAGES], alternates = 1;
	struct nstat a, b;
	long il = 0;
	char *p = map_pages(n);

	if (!tap_ok(p != NULL, "mmap %d pages", n))
		return;
	tap_is_long(sys_mbind(p, n * PAGE_SIZE, MPOL_INTERLEAVE, mask_first(m.nodes).w, MAXNODE, 0), 0,
		    "mbind INTERLEAVE {all}");
	nstat_read(&a);
	touch(p, n, PAGE_SIZE);
	nstat_read(&b);
	for (int i = 0; i < n; i++) {
		want[i] = il_node(((unsigned long)p >> 12) + i, m.nodes);
		if (i && want[i] == want[i - 1])
			alternates = 0;
	}
	tap_ok(alternates, "the expected nodes alternate");
	check_nodes(p, n, PAGE_SIZE, want, "VMA INTERLEAVE {all}: node (address >> 12) % nodes");
	for (int nid = 0; nid < m.nodes; nid++)
		il += b.il[nid] - a.il[nid];
	tap_ok(il >= n && il <= n + 8, "interleave_hit grew by %d over the nodes (by %ld)", n, il);
	tap_ok(b.vm_interleave - a.vm_interleave >= n && b.vm_interleave - a.vm_interleave <= n + 8,
	       "/proc/vmstat numa_interleave grew by %d (by %ld)", n, b.vm_interleave - a.vm_interleave);
	sys_munmap(p, n * PAGE_SIZE);

	p = map_pages(n);
	if (!tap_ok(p != NULL, "mmap %d pages", n))
		return;
	tap_is_long(sys_set_mempolicy(MPOL_INTERLEAVE, mask_first(m.nodes).w, MAXNODE), 0, "set_mempolicy INTERLEAVE {all}");
	touch(p, n, PAGE_SIZE);
	tap_is_long(sys_set_mempolicy(MPOL_DEFAULT, NULL, 0), 0, "back to DEFAULT");
	for (int i = 0; i < n; i++)
		want[i] = il_node(((unsigned long)p >> 12) + i, m.nodes);
	check_nodes(p, n, PAGE_SIZE, want, "task INTERLEAVE: fault pages by their offset too");
	sys_munmap(p, n * PAGE_SIZE);
}

static void check_thp(void)
{
	long raw = sys_mmap(NULL, 6 * HPAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *p = (char *)(((unsigned long)raw + HPAGE_SIZE - 1) & ~(HPAGE_SIZE - 1));
	int want[2];

	if (!tap_ok(raw > 0, "mmap 12 MB"))
		return;
	sys_madvise(p, 4 * HPAGE_SIZE, MADV_HUGEPAGE);
	tap_is_long(sys_mbind(p, 2 * HPAGE_SIZE, MPOL_INTERLEAVE, mask_first(m.nodes).w, MAXNODE, 0), 0,
		    "mbind INTERLEAVE {all} on 4 MB, 2 MB aligned");
	touch(p, 2, HPAGE_SIZE);
	for (int i = 0; i < 2; i++)
		want[i] = il_node(((unsigned long)p >> 21) + i, m.nodes);
	tap_ok(smaps_kb(0, p, "AnonHugePages") == 4096, "both are THPs (AnonHugePages 4096 kB)");
	check_nodes(p, 2, HPAGE_SIZE, want, "interleaved THPs: node (address >> 21) % nodes");
	tap_is_long(sys_mbind(p + 2 * HPAGE_SIZE, 2 * HPAGE_SIZE, MPOL_BIND, mask_node(1).w, MAXNODE, 0), 0,
		    "mbind BIND {1} on the next 4 MB");
	touch(p + 2 * HPAGE_SIZE, 2, HPAGE_SIZE);
	tap_ok(smaps_kb(0, p + 2 * HPAGE_SIZE, "AnonHugePages") == 4096, "both are THPs");
	check_all_on(p + 2 * HPAGE_SIZE, 2, HPAGE_SIZE, 1, "BIND {1} THPs");
	sys_munmap((void *)raw, 6 * HPAGE_SIZE);
}

/*
 * MAP_SHARED|MAP_ANONYMOUS (shmem): interleaved by the page's index in the
 * object. Linux biases the index by the object's inode number
 * (shmem_pseudo_vma_init), which the test cannot know: page 0 may be on any
 * node, and page i + 1 on the node after page i's.
 */
static void check_shmem(void)
{
	int n = 4 * m.nodes, want[NPAGES];
	long r = sys_mmap(NULL, n * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	char *p = (char *)r;
	long first;

	if (!tap_ok(r > 0, "mmap %d shared anonymous pages", n))
		return;
	tap_is_long(sys_mbind(p, n * PAGE_SIZE, MPOL_INTERLEAVE, mask_first(m.nodes).w, MAXNODE, 0), 0,
		    "mbind INTERLEAVE {all}");
	touch(p, n, PAGE_SIZE);
	first = node_of(p);
	tap_ok(first >= 0 && first < m.nodes, "page 0 is on a node (%ld)", first);
	for (int i = 0; i < n; i++)
		want[i] = (int)((first + i) % m.nodes);
	check_nodes(p, n, PAGE_SIZE, want, "shared anonymous INTERLEAVE: page i on node (page 0's + i) % nodes");
	sys_munmap(p, n * PAGE_SIZE);
}

static void check_preferred(void)
{
	char *p = map_pages(NPAGES);
	mask_t many;
	int bad = 0;

	if (!tap_ok(p != NULL, "mmap %d pages", NPAGES))
		return;
	tap_is_long(sys_mbind(p, NPAGES / 2 * PAGE_SIZE, MPOL_PREFERRED, mask_node(1).w, MAXNODE, 0), 0,
		    "mbind PREFERRED {1} on the first half");
	mask_zero(&many);
	for (int nid = 1; nid < m.nodes; nid++)
		mask_set(&many, nid);
	tap_is_long(sys_mbind(p + NPAGES / 2 * PAGE_SIZE, NPAGES / 2 * PAGE_SIZE, MPOL_PREFERRED_MANY, many.w, MAXNODE, 0),
		    0, "mbind PREFERRED_MANY {1..%d} on the second half", m.nodes - 1);
	touch(p, NPAGES, PAGE_SIZE);
	check_all_on(p, NPAGES / 2, PAGE_SIZE, 1, "PREFERRED {1}");
	for (int i = NPAGES / 2; i < NPAGES; i++) {
		long nid = node_of(p + i * PAGE_SIZE);

		if ((nid < 1 || nid >= m.nodes) && !bad++)
			tap_diag("page %d on node %ld", i, nid);
	}
	tap_ok(!bad, "PREFERRED_MANY {1..%d}: every page on one of them", m.nodes - 1);
	sys_munmap(p, NPAGES * PAGE_SIZE);
}

/* Default and LOCAL on each CPU: the pages go to its node, which counts them as local. */
static void check_local(void)
{
	for (int cpu = m.cpus - 1; cpu >= 0; cpu--) {
		int nid = cpu % m.nodes;
		struct nstat a, b;
		char *p = map_pages(NPAGES), what[64];

		if (!tap_ok(p != NULL, "mmap %d pages", NPAGES))
			return;
		if (!tap_is_long(pin_to_cpu(cpu), 0, "pin to CPU %d", cpu))
			continue;
		nstat_read(&a);
		touch(p, NPAGES / 2, PAGE_SIZE);
		nstat_read(&b);
		tap_is_long(sys_set_mempolicy(MPOL_LOCAL, NULL, 0), 0, "set_mempolicy LOCAL");
		touch(p + NPAGES / 2 * PAGE_SIZE, NPAGES / 2, PAGE_SIZE);
		tap_is_long(sys_set_mempolicy(MPOL_DEFAULT, NULL, 0), 0, "back to DEFAULT");
		snprintf(what, sizeof(what), "default then LOCAL on CPU %d", cpu);
		check_all_on(p, NPAGES, PAGE_SIZE, nid, what);
		tap_ok(b.local[nid] - a.local[nid] >= NPAGES / 2, "node %d local_node grew by at least %d (by %ld)",
		       nid, NPAGES / 2, b.local[nid] - a.local[nid]);
		tap_ok(b.hit[nid] - a.hit[nid] >= NPAGES / 2, "node %d numa_hit grew by at least %d (by %ld)",
		       nid, NPAGES / 2, b.hit[nid] - a.hit[nid]);
		sys_munmap(p, NPAGES * PAGE_SIZE);
	}
	pin_to_cpu(0);
}

static void write_huge(void *p)
{
	*(volatile char *)p = 1;
}

/* The pool on node 0 only: fallback for PREFERRED, none for BIND. */
static void check_hugetlb(void)
{
	long saved[MACHINE_MAX_NODES];
	struct hpool start;
	long r;
	char *p;

	if (!hpool_start(&start, 2))
		return;
	for (int nid = 0; nid < m.nodes; nid++)
		saved[nid] = knob_read_long(node_hstate_path(nid, "nr_hugepages"));
	knob_write_long(node_hstate_path(0, "nr_hugepages"), saved[0] < 2 ? 2 : saved[0]);
	for (int nid = 1; nid < m.nodes; nid++)
		knob_write_long(node_hstate_path(nid, "nr_hugepages"), 0);
	if (!tap_ok(knob_read_long(node_hstate_path(0, "free_hugepages")) >= 2 &&
		    knob_read_long(node_hstate_path(1, "free_hugepages")) == 0, "the pool is on node 0 only"))
		goto out;

	r = huge_mmap(NULL, HPAGE_SIZE, MAP_PRIVATE);
	if (tap_ok(r > 0, "mmap one huge page")) {
		p = (char *)r;
		tap_is_long(sys_mbind(p, HPAGE_SIZE, MPOL_PREFERRED, mask_node(1).w, MAXNODE, 0), 0, "mbind PREFERRED {1}");
		write_huge(p);
		tap_is_long(node_of(p), 0, "PREFERRED {1} with node 1's pool empty: the page is node 0's");
		sys_munmap(p, HPAGE_SIZE);
	}
	r = huge_mmap(NULL, HPAGE_SIZE, MAP_PRIVATE);
	if (tap_ok(r > 0, "mmap one huge page")) {
		p = (char *)r;
		tap_is_long(sys_mbind(p, HPAGE_SIZE, MPOL_BIND, mask_node(1).w, MAXNODE, 0), 0, "mbind BIND {1}");
		tap_child_signal(write_huge, p, SIGBUS, "BIND {1} with node 1's pool empty: the fault is SIGBUS");
		sys_munmap(p, HPAGE_SIZE);
	}
	tap_is_long(sys_set_mempolicy(MPOL_BIND, mask_node(1).w, MAXNODE), 0, "set_mempolicy BIND {1}");
	r = huge_mmap(NULL, HPAGE_SIZE, MAP_PRIVATE);
	tap_is_err(r, ENOMEM, "a MAP_HUGETLB mmap under BIND {1}: ENOMEM (node 1 has no free page to reserve)");
	if (r > 0)
		sys_munmap((void *)r, HPAGE_SIZE);
	tap_is_long(sys_set_mempolicy(MPOL_DEFAULT, NULL, 0), 0, "back to DEFAULT");
out:
	for (int nid = 0; nid < m.nodes; nid++)
		knob_write_long(node_hstate_path(nid, "nr_hugepages"), saved[nid]);
	hpool_is(start.total, start.free, 0, 0, "the pool is back");
}

int main(void)
{
	machine_get(&m);
	if (m.nodes < 2)
		tap_skip_all("mempolicy_place: needs two NUMA nodes (qemu.nodes=)");
	hugetlb_test_machine_or_skip();
	if (!tap_is_long(pin_to_cpu(0), 0, "pin to CPU 0"))
		return tap_done();
	check_bind_task();
	check_bind_vma();
	check_interleave();
	check_thp();
	check_shmem();
	check_preferred();
	check_local();
	check_hugetlb();
	return tap_done();
}
