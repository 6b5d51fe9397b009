/*
 * mbind_vma: mbind(2) gives a range its policy by splitting VMAs at the
 * range's ends, and VMAs whose policies become equal merge again (Linux
 * 6.1 do_mbind, mbind_range, vma_merge's mpol_equal); /proc/self/maps
 * shows the VMAs and /proc/self/numa_maps their policies and pages in
 * Linux's format (fs/proc/task_mmu.c show_numa_map, mpol_to_str). Pinned
 * to CPU 0 (node 0), on any machine of two nodes or more:
 * - 16 pages written, then mbind(BIND {1}) of pages 4-7: three VMAs; the
 *   middle one reads BIND {1} by get_mempolicy(MPOL_F_ADDR), the others
 *   DEFAULT; its numa_maps line is "ADDR bind:1 anon=4 dirty=4 active=0
 *   N0=4 kernelpagesize_kB=4" (the pages stay where they were);
 * - BIND {1} on pages 8-11: it joins the middle VMA; DEFAULT on 4-11: one
 *   VMA again, touched pages and all; a length of one byte is one page;
 * - the policy strings: bind=static:1, bind=relative:1, prefer:1,
 *   prefer (many):0-1, local, interleave:0-1, bind=balancing:1 and
 *   bind=static|balancing:1 for MPOL_F_NUMA_BALANCING (Debian's 6.1 has
 *   the stable fix that shows it), and a VMA without a policy of its own
 *   shows the task's;
 * - a hole in the range: EFAULT, unless the mode is DEFAULT; a range that
 *   is all hole: EFAULT even for DEFAULT; bad flags (LAZY, 0x10), an
 *   unaligned start, a bad mode, an end that wraps: EINVAL; length 0: 0;
 *   a hugetlb VMA split off a 2 MB boundary: EINVAL; MOVE_ALL is allowed
 *   (the tests run as root); a hugetlb VMA's numa_maps line (file=, huge,
 *   one page counted per huge page, kernelpagesize_kB=2048);
 * - a forked child sees the same VMAs with the same policies, and in its
 *   own numa_maps the pages it shares (mapmax=2);
 * - the stack's line says "stack", the heap's (brk) "heap", the text's
 *   "file=" and the program's path.
 */
#include "hugetlb.h"
#include "procmaps.h"
#include "machine.h"
#include "numapol.h"

#define NP	16

static struct machine m;
static char *base;

static char *pg(int i) { return base + (unsigned long)i * PAGE_SIZE; }

/* How many VMAs of /proc/self/maps meet [base, base + NP pages). */
static int vma_count(void)
{
	unsigned long lo = (unsigned long)base, hi = lo + NP * PAGE_SIZE;
	int n = 0;

	if (procfile_read("/proc/self/maps") <= 0)
		return -1;
	for (char *l = procmaps_buf; *l; ) {
		char *nl = strchr(l, '\n');
		struct maps_entry e;

		maps_parse_line(l, nl ? (size_t)(nl - l) : strlen(l), &e);
		if (e.start < hi && e.end > lo)
			n++;
		if (!nl)
			break;
		l = nl + 1;
	}
	return n;
}

/* The numa_maps line of the VMA that starts at addr, without its "ADDR " (pid 0: self). */
static const char *numa_maps_line(long pid, const void *addr)
{
	static char buf[32768], line[256];
	char key[32], path[64];
	size_t klen;

	snprintf(path, sizeof(path), pid ? "/proc/%ld/numa_maps" : "/proc/self/numa_maps", pid);
	if (read_file(path, buf, sizeof(buf)) < 0)
		return "(no numa_maps)";
	klen = snprintf(key, sizeof(key), "%08lx ", (unsigned long)addr);
	for (char *l = buf; *l; ) {
		char *nl = strchr(l, '\n');
		size_t len = nl ? (size_t)(nl - l) : strlen(l);

		if (!strncmp(l, key, klen) && len - klen < sizeof(line)) {
			memcpy(line, l + klen, len - klen);
			line[len - klen] = 0;
			return line;
		}
		if (!nl)
			break;
		l = nl + 1;
	}
	return "(no line)";
}

/* The policy word of the numa_maps line at addr: "bind:1" of "bind:1 anon=4 ...". */
static const char *numa_maps_policy(const void *addr)
{
	static char word[64];
	const char *l = numa_maps_line(0, addr);
	const char *end = strstr(l, " anon=");

	if (!end)
		end = strstr(l, " N0=");
	if (!end)
		end = l + strlen(l);
	snprintf(word, sizeof(word), "%.*s", (int)(end - l), l);
	return word;
}

static void check_split_merge(void)
{
	unsigned long mask0 = 0;
	char want[128];

	for (int i = 0; i < NP; i++)
		*pg(i) = (char)i;
	tap_is_long(vma_count(), 1, "16 written pages: one VMA");
	tap_is_long(sys_mbind(pg(4), 4 * PAGE_SIZE, MPOL_BIND, mask_node(1).w, MAXNODE, 0), 0, "mbind BIND {1} pages 4-7");
	tap_is_long(vma_count(), 3, "three VMAs");
	tap_is_long(policy_of(pg(5), &mask0), MPOL_BIND, "page 5's VMA has BIND");
	tap_is_ulong(mask0, 2, "with node 1");
	tap_is_long(policy_of(pg(3), NULL), MPOL_DEFAULT, "page 3's VMA has none (MPOL_DEFAULT)");
	tap_is_long(policy_of(pg(8), NULL), MPOL_DEFAULT, "page 8's VMA has none");
	tap_is_str(numa_maps_line(0, pg(4)), "bind:1 anon=4 dirty=4 active=0 N0=4 kernelpagesize_kB=4",
		   "numa_maps of pages 4-7: their policy, and their pages still on node 0");
	tap_is_str(numa_maps_line(0, pg(0)), "default anon=4 dirty=4 active=0 N0=4 kernelpagesize_kB=4",
		   "numa_maps of pages 0-3");
	snprintf(want, sizeof(want), "default anon=8 dirty=8 active=0 N0=8 kernelpagesize_kB=4");
	tap_is_str(numa_maps_line(0, pg(8)), want, "numa_maps of pages 8-15");

	tap_is_long(sys_mbind(pg(8), 4 * PAGE_SIZE, MPOL_BIND, mask_node(1).w, MAXNODE, 0), 0, "mbind BIND {1} pages 8-11");
	tap_is_long(vma_count(), 3, "still three VMAs: 8-11 joined 4-7");
	tap_is_str(numa_maps_line(0, pg(4)), "bind:1 anon=8 dirty=8 active=0 N0=8 kernelpagesize_kB=4",
		   "pages 4-11 are one VMA");
	tap_is_long(sys_mbind(pg(4), 8 * PAGE_SIZE, MPOL_DEFAULT, NULL, 0, 0), 0, "mbind DEFAULT pages 4-11");
	tap_is_long(vma_count(), 1, "one VMA again");
	tap_is_str(numa_maps_line(0, pg(0)), "default anon=16 dirty=16 active=0 N0=16 kernelpagesize_kB=4",
		   "numa_maps: one VMA of 16 pages");
	tap_is_long(sys_mbind(pg(2), 1, MPOL_BIND, mask_node(1).w, MAXNODE, 0), 0, "mbind of one byte at page 2");
	tap_is_long(vma_count(), 3, "page 2 alone is a VMA");
	tap_is_long(policy_of(pg(3), NULL), MPOL_DEFAULT, "page 3 is not in it");
	tap_is_long(sys_mbind(pg(0), NP * PAGE_SIZE, MPOL_DEFAULT, NULL, 0, 0), 0, "mbind DEFAULT on all");
	tap_is_long(vma_count(), 1, "one VMA");
}

/* mbind pages 0-3 with mode and mask, check the policy word numa_maps shows. */
static void policy_string(int mode, mask_t mask, const char *want)
{
	tap_is_long(sys_mbind(pg(0), 4 * PAGE_SIZE, mode, mask.w, MAXNODE, 0), 0, "mbind mode 0x%x for '%s'", mode, want);
	tap_is_str(numa_maps_policy(pg(0)), want, "numa_maps shows '%s'", want);
}

static void check_strings(void)
{
	mask_t none, two = mask_first(2), n1 = mask_node(1);

	mask_zero(&none);
	policy_string(MPOL_BIND | MPOL_F_STATIC_NODES, n1, "bind=static:1");
	policy_string(MPOL_BIND | MPOL_F_RELATIVE_NODES, n1, "bind=relative:1");
	policy_string(MPOL_PREFERRED, n1, "prefer:1");
	policy_string(MPOL_PREFERRED_MANY, two, "prefer (many):0-1");
	policy_string(MPOL_LOCAL, none, "local");
	policy_string(MPOL_PREFERRED, none, "local");
	policy_string(MPOL_INTERLEAVE, two, "interleave:0-1");
	policy_string(MPOL_BIND | MPOL_F_NUMA_BALANCING, n1, "bind=balancing:1");
	policy_string(MPOL_BIND | MPOL_F_STATIC_NODES | MPOL_F_NUMA_BALANCING, n1, "bind=static|balancing:1");
	policy_string(MPOL_DEFAULT, none, "default");
	tap_is_long(sys_set_mempolicy(MPOL_INTERLEAVE, two.w, MAXNODE), 0, "task policy INTERLEAVE {0,1}");
	tap_is_str(numa_maps_policy(pg(0)), "interleave:0-1", "a VMA without a policy shows the task's");
	tap_is_long(sys_mbind(pg(0), 4 * PAGE_SIZE, MPOL_BIND, n1.w, MAXNODE, 0), 0, "mbind BIND {1}");
	tap_is_str(numa_maps_policy(pg(0)), "bind:1", "its own policy wins");
	tap_is_long(sys_set_mempolicy(MPOL_DEFAULT, NULL, 0), 0, "task policy back to DEFAULT");
	tap_is_long(sys_mbind(pg(0), NP * PAGE_SIZE, MPOL_DEFAULT, NULL, 0, 0), 0, "mbind DEFAULT on all");
}

static void check_errors(void)
{
	mask_t n0 = mask_node(0);
	char *hole = pg(NP);	/* unmapped by main */
	long r;

	tap_is_err(sys_mbind(pg(NP - 2), 3 * PAGE_SIZE, MPOL_BIND, n0.w, MAXNODE, 0), EFAULT, "BIND over a hole: EFAULT");
	tap_is_long(sys_mbind(pg(NP - 2), 3 * PAGE_SIZE, MPOL_DEFAULT, NULL, 0, 0), 0, "DEFAULT over a hole: fine");
	tap_is_err(sys_mbind(hole, PAGE_SIZE, MPOL_DEFAULT, NULL, 0, 0), EFAULT, "DEFAULT on a range that is all hole: EFAULT");
	tap_is_err(sys_mbind(hole, PAGE_SIZE, MPOL_BIND, n0.w, MAXNODE, 0), EFAULT, "BIND on a range that is all hole: EFAULT");
	tap_is_long(policy_of(pg(NP - 1), NULL), MPOL_DEFAULT, "the failed BIND left page 15 alone");
	tap_is_err(sys_mbind(pg(0), PAGE_SIZE, MPOL_BIND, n0.w, MAXNODE, MPOL_MF_LAZY), EINVAL, "flag MPOL_MF_LAZY: EINVAL");
	tap_is_err(sys_mbind(pg(0), PAGE_SIZE, MPOL_BIND, n0.w, MAXNODE, 0x10), EINVAL, "flag 0x10: EINVAL");
	tap_is_err(sys_mbind(pg(0) + 1, PAGE_SIZE, MPOL_BIND, n0.w, MAXNODE, 0), EINVAL, "an unaligned start: EINVAL");
	tap_is_err(sys_mbind(pg(0), PAGE_SIZE, MPOL_MAX_6_1, n0.w, MAXNODE, 0), EINVAL, "mode 6: EINVAL");
	tap_is_err(sys_mbind(pg(0), PAGE_SIZE, MPOL_BIND, NULL, 0, 0), EINVAL, "BIND with no nodes: EINVAL");
	tap_is_err(sys_mbind(pg(0), PAGE_SIZE, MPOL_DEFAULT, n0.w, MAXNODE, 0), EINVAL, "DEFAULT with a node: EINVAL");
	tap_is_err(sys_mbind(pg(0), -(unsigned long)pg(0) + PAGE_SIZE, MPOL_BIND, n0.w, MAXNODE, 0), EINVAL,
		   "an end that wraps past 0: EINVAL");
	tap_is_long(sys_mbind(pg(0), 0, MPOL_BIND, n0.w, MAXNODE, 0), 0, "length 0: 0");
	tap_is_err(sys_mbind(hole, 0, MPOL_PREFERRED_MANY, NULL, 0, 0x10), EINVAL,
		   "length 0 with bad flags: the flags are checked first (EINVAL)");
	tap_is_long(sys_mbind(pg(0), PAGE_SIZE, MPOL_BIND, n0.w, MAXNODE, MPOL_MF_MOVE_ALL), 0,
		    "MPOL_MF_MOVE_ALL: allowed for root");
	tap_is_long(sys_mbind(pg(0), NP * PAGE_SIZE, MPOL_DEFAULT, NULL, 0, MPOL_MF_STRICT), 0,
		    "DEFAULT with STRICT: fine (STRICT is dropped)");
	tap_is_long(vma_count(), 1, "one VMA");

	r = huge_mmap(NULL, 2 * HPAGE_SIZE, MAP_PRIVATE);
	if (tap_ok(r > 0, "mmap two huge pages")) {
		tap_is_err(sys_mbind((char *)r + PAGE_SIZE, HPAGE_SIZE - PAGE_SIZE, MPOL_BIND, n0.w, MAXNODE, 0), EINVAL,
			   "hugetlb: a range off 2 MB boundaries: EINVAL");
		tap_is_long(sys_mbind((char *)r + HPAGE_SIZE, HPAGE_SIZE, MPOL_BIND, n0.w, MAXNODE, 0), 0,
			    "hugetlb: the second 2 MB");
		tap_is_str(numa_maps_line(0, (char *)r + HPAGE_SIZE), "bind:0 file=/anon_hugepage\\040(deleted) huge",
			   "its numa_maps line");
		*((char *)r + HPAGE_SIZE) = 1;
		tap_is_str(numa_maps_line(0, (char *)r + HPAGE_SIZE),
			   "bind:0 file=/anon_hugepage\\040(deleted) huge anon=1 dirty=1 N0=1 kernelpagesize_kB=2048",
			   "written: one huge page on node 0");
		sys_munmap((void *)r, 2 * HPAGE_SIZE);
	}
}

/*
 * The names: the stack's VMA " stack", the heap's (after brk grew it and a
 * page was written) " heap", the program's text " file=<its path>".
 */
static void check_names(const char *self)
{
	struct maps_entry e;
	char local = 1, want[160];
	long brk0 = sys_brk(0);
	const char *l;

	if (tap_ok(maps_lookup((unsigned long)&local, &e), "the stack's VMA in maps")) {
		l = numa_maps_line(0, (void *)e.start);
		tap_ok(!strncmp(l, "default stack anon=", 19), "its numa_maps line: 'default stack anon=...' (%s)", l);
	}
	if (tap_ok(sys_brk((void *)(brk0 + PAGE_SIZE)) == brk0 + (long)PAGE_SIZE, "brk grows by a page") &&
	    tap_ok(maps_lookup((unsigned long)brk0, &e), "the heap's VMA in maps")) {
		*(volatile char *)brk0 = 1;
		l = numa_maps_line(0, (void *)e.start);
		tap_ok(!strncmp(l, "default heap anon=", 18), "its numa_maps line: 'default heap anon=...' (%s)", l);
	}
	if (tap_ok(maps_lookup((unsigned long)check_names, &e), "the text's VMA in maps")) {
		snprintf(want, sizeof(want), "default file=%s ", self);
		l = numa_maps_line(0, (void *)e.start);
		tap_ok(!strncmp(l, want, strlen(want)), "its numa_maps line starts '%s' (%s)", want, l);
	}
}

static void check_fork(void)
{
	long pid;

	tap_is_long(sys_mbind(pg(4), 4 * PAGE_SIZE, MPOL_INTERLEAVE, mask_first(2).w, MAXNODE, 0), 0,
		    "mbind INTERLEAVE {0,1} pages 4-7");
	pid = sys_fork();
	if (pid == 0) {
		int ok = vma_count() == 3 && policy_of(pg(5), NULL) == MPOL_INTERLEAVE &&
			 policy_of(pg(0), NULL) == MPOL_DEFAULT &&
			 !strncmp(numa_maps_line(0, pg(4)), "interleave:0-1 anon=4 dirty=4 mapmax=2 ", 39);

		sys_exit(ok ? 0 : 1);
	}
	if (tap_ok(pid > 0, "fork")) {
		int status = -1;

		sys_wait4(pid, &status, 0, NULL);
		tap_is_long(status, 0, "the child has the same three VMAs, with the same policies and numa_maps line");
	}
	tap_is_long(sys_mbind(pg(0), NP * PAGE_SIZE, MPOL_DEFAULT, NULL, 0, 0), 0, "mbind DEFAULT on all");
	tap_is_long(vma_count(), 1, "one VMA");
}

int main(int argc, char **argv)
{
	long r;

	machine_get(&m);
	if (m.nodes < 2)
		tap_skip_all("mbind_vma: needs two NUMA nodes (qemu.nodes=)");
	hugetlb_test_machine_or_skip();
	pin_to_cpu(0);
	r = sys_mmap(NULL, (NP + 1) * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!tap_ok(r > 0, "mmap %d pages", NP + 1))
		return tap_done();
	base = (char *)r;
	sys_munmap(pg(NP), PAGE_SIZE);
	sys_madvise(base, NP * PAGE_SIZE, MADV_NOHUGEPAGE);
	check_split_merge();
	check_strings();
	check_errors();
	check_fork();
	check_names(argc > 0 ? argv[0] : "?");
	return tap_done();
}
