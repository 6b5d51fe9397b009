/*
 * migrate_hugetlb_cow: a private hugetlb page shared by a parent and its
 * child after fork migrates (move_pages, MPOL_MF_MOVE_ALL) while the child,
 * on the other CPU, writes it for the first time: the child's hugetlb COW
 * races the migration's rmap walk. (Linux 6.1 and Pagoda alike.)
 *
 * The walk turns the mappings into migration entries one at a time, and
 * each lowers the page's mapcount: halfway, a page two processes map reads
 * as mapped once. A COW that trusted the mapcount alone would reuse the
 * page in place for the child (the parent would then see the child's
 * writes), or repoint the page to the child's anon_vma so that the walk
 * back misses the parent's entry (the parent would hang on it forever).
 * Linux's hugetlb_fault takes the page lock, which the migration holds,
 * around the COW; Pagoda does the same.
 *
 * Each round (seeded: `# seed N`; migrate_hugetlb_cow SEED, or
 * migrate_hugetlb_cow.seed=N on the command line): the parent writes a
 * pattern into the first word of each 4 KB of the page and forks; the
 * child, pinned to CPU 1, waits for a go word and then until a random
 * time stamp within the migration (the last round's move_pages took that
 * long: the delays sweep the whole call, where the window is), writes its
 * own pattern and checks it; the parent, on CPU 0, sets the go word and
 * moves the page to the next node. Then:
 * - the child read back its own pattern (its exit status);
 * - the parent still reads its own pattern everywhere (COW isolation);
 * - the parent's page is where move_pages said, or where it was;
 * - nothing hung (a hang ends the test by timeout).
 */
#include "migratetest.h"
#include "hugetlb.h"
#include "smptest.h"

#define ROUNDS		500
#define WORDS		(HPAGE_SIZE / PAGE_SIZE)	/* one word in each 4 KB */

enum { GO, READY, WRITE_AT };		/* box[] words */
static volatile long *box;

/* The time stamp counter: a clock both CPUs share, read without a system call. */
static inline long tsc(void)
{
	unsigned int lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (long)(((unsigned long)hi << 32) | lo);
}

static void fill(unsigned char *p, long tag)
{
	for (unsigned long i = 0; i < WORDS; i++)
		*(volatile long *)(p + i * PAGE_SIZE) = tag + (long)i;
}

static unsigned long count_wrong(const unsigned char *p, long tag)
{
	unsigned long bad = 0;

	for (unsigned long i = 0; i < WORDS; i++)
		bad += *(const volatile long *)(p + i * PAGE_SIZE) != tag + (long)i;
	return bad;
}

/*
 * The child: on CPU 1, ready, then (no system call: they all wait for the
 * migration's big kernel lock) spin until the time stamp the parent set,
 * then write.
 */
static __attribute__((noreturn)) void child(unsigned char *p, long tag)
{
	if (pin_to_cpu(1) < 0)
		sys_exit_group(2);
	box[READY] = 1;
	while (!box[GO])
		;
	while (tsc() < box[WRITE_AT])
		;
	fill(p, tag);
	sys_exit_group(count_wrong(p, tag) ? 1 : 0);
}

/*
 * One round, the child's first write delay cycles after the parent enters
 * move_pages; *took: how many cycles move_pages took. 0 if every check
 * held (failures are reported as they are found).
 */
static int round_once(int r, int nodes, long delay, long *took)
{
	long parent_tag = 0x1000000L * (r + 1), child_tag = parent_tag + 0x500000L;
	long h = huge_mmap(NULL, HPAGE_SIZE, MAP_PRIVATE), pid, mv;
	unsigned char *p;
	int status = -1, node, cur, moved = -12345, bad = 0;
	void *addr;

	if (h < 0) {
		tap_diag("round %d: mmap MAP_HUGETLB: %ld", r, h);
		return -1;
	}
	p = (unsigned char *)h;
	fill(p, parent_tag);
	cur = page_node(p);
	node = cur >= 0 ? (cur + 1) % nodes : 0;
	box[GO] = box[READY] = 0;
	pid = sys_fork();
	if (pid == 0)
		child(p, child_tag);
	if (pid < 0) {
		tap_diag("round %d: fork: %ld", r, pid);
		sys_munmap(p, HPAGE_SIZE);
		return -1;
	}
	addr = p;
	while (!box[READY])
		sys_sched_yield();
	box[WRITE_AT] = tsc() + delay;
	box[GO] = 1;
	*took = tsc();
	mv = sys_move_pages(0, 1, &addr, &node, &moved, MPOL_MF_MOVE_ALL);
	*took = tsc() - *took;
	if (sys_wait4((int)pid, &status, 0, NULL) != pid || status != 0) {
		tap_diag("round %d: the child's status 0x%x (1: it did not read its own writes)", r, status);
		bad++;
	}
	if (count_wrong(p, parent_tag)) {
		tap_diag("round %d: the parent reads %lu words that are not its own", r,
			 count_wrong(p, parent_tag));
		bad++;
	}
	if (mv == 0 && moved == node && page_node(p) != node) {
		tap_diag("round %d: moved to node %d, a query says %d", r, node, page_node(p));
		bad++;
	}
	sys_munmap(p, HPAGE_SIZE);
	return bad ? -1 : 0;
}

int main(int argc, char **argv)
{
	unsigned long seed = smp_seed(argc, argv);
	struct hpool start;
	struct machine m;
	long took = 4000000;		/* cycles: a first guess, then the last round's */
	int good = 0;

	hugetlb_test_machine_or_skip();
	migrate_require_two_nodes(&m);
	if (smp_cpus() < 2)
		tap_skip_all("one CPU");
	if (pin_to_cpu(0) < 0)
		tap_skip_all("cannot run on CPU 0");
	box = mailbox_new(PAGE_SIZE);
	if (!tap_ok(box != NULL, "a shared page for the go word") || !hpool_start(&start, 2))
		return tap_done();
	numa_balancing_off();
	for (int r = 0; r < ROUNDS; r++)
		good += round_once(r, m.nodes, (long)rng_below(&seed, (unsigned long)took + 1), &took) == 0;
	numa_balancing_restore();
	tap_is_long(good, ROUNDS, "%d rounds of a child's first write racing the migration of the "
		    "hugetlb page it shares: COW isolation kept, both read their own data", ROUNDS);
	hpool_read(&start);
	tap_ok(start.rsvd == 0 && start.surp == 0, "the pool has nothing reserved or surplus left (rsvd %ld surp %ld)",
	       start.rsvd, start.surp);
	return tap_done();
}
