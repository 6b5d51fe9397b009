/*
 * migrate_thp_cow: a THP shared by a parent and its child after fork,
 * and mapped by PTEs (an mprotect of its first 4 KB split the PMDs),
 * migrates (move_pages, MPOL_MF_MOVE_ALL) while the child, on the other
 * CPU, writes each of its 512 pages for the first time: 512 COW faults,
 * each taking and dropping references on the THP, race the migration.
 * (Linux 6.1 and Pagoda alike: Linux moves the PTE-mapped THP whole,
 * Pagoda splits it first, as migrate_pages does for a THP with no order-9
 * block on the target.)
 *
 * A split rewrites every subpage's reference count. Done while a fault
 * on the other CPU takes or drops one, a reference is lost or invented:
 * a page freed while still mapped, or never freed. Pagoda's split, as
 * Linux's, first turns every mapping into a migration entry, so that the
 * faults wait until the counts are rewritten.
 *
 * Each round (seeded: `# seed N`; migrate_thp_cow SEED, or
 * migrate_thp_cow.seed=N on the command line): the parent writes a
 * pattern into the first word of each 4 KB of the page and forks; the
 * child, pinned to CPU 1, waits for a go word and then until a random
 * time stamp within the migration (the last round's move_pages took that
 * long: the delays sweep the whole call, where the window is), writes its
 * own pattern and checks it; the parent, on CPU 0, sets the go word and
 * moves the page to the next node. Then:
 * - the child read back its own pattern (its exit status);
 * - the parent still reads its own pattern everywhere (COW isolation);
 * - the parent's page is where move_pages said, or where it was;
 * - nothing hung (a hang ends the test by timeout);
 * - /init's checks after the test: no leak, no BUG, a clean mm check.
 */
#include "migratetest.h"
#include "smptest.h"

#define ROUNDS		40
#define WORDS		(THP_SIZE / PAGE_SIZE)		/* one word in each 4 KB */

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
	unsigned char *p = thp_area(MADV_HUGEPAGE);
	long pid, mv;
	int status = -1, node, cur, moved = -12345, bad = 0;
	void *addr;

	if (!p) {
		tap_diag("round %d: no 2 MB-aligned range", r);
		return -1;
	}
	fill(p, parent_tag);
	if (!thp_is_huge(0, p)) {
		tap_diag("round %d: no THP", r);
		sys_munmap(p, THP_SIZE);
		return -1;
	}
	if (sys_mprotect(p, PAGE_SIZE, PROT_READ) || sys_mprotect(p, PAGE_SIZE, PROT_READ | PROT_WRITE)) {
		tap_diag("round %d: mprotect", r);
		sys_munmap(p, THP_SIZE);
		return -1;
	}
	cur = page_node(p);
	node = cur >= 0 ? (cur + 1) % nodes : 0;
	box[GO] = box[READY] = 0;
	pid = sys_fork();
	if (pid == 0)
		child(p, child_tag);
	if (pid < 0) {
		tap_diag("round %d: fork: %ld", r, pid);
		sys_munmap(p, THP_SIZE);
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
	sys_munmap(p, THP_SIZE);
	return bad ? -1 : 0;
}

int main(int argc, char **argv)
{
	unsigned long seed = smp_seed(argc, argv);
	struct machine m;
	long took = 4000000;		/* cycles: a first guess, then the last round's */
	int good = 0;

	migrate_require_two_nodes(&m);
	if (smp_cpus() < 2)
		tap_skip_all("one CPU");
	if (pin_to_cpu(0) < 0)
		tap_skip_all("cannot run on CPU 0");
	box = mailbox_new(PAGE_SIZE);
	if (!tap_ok(box != NULL, "a shared page for the go word"))
		return tap_done();
	numa_balancing_off();
	for (int r = 0; r < ROUNDS; r++)
		good += round_once(r, m.nodes, (long)rng_below(&seed, (unsigned long)took + 1), &took) == 0;
	numa_balancing_restore();
	tap_is_long(good, ROUNDS, "%d rounds of a child's first writes racing the migration of the "
		    "PTE-mapped THP it shares: COW isolation kept, both read their own data", ROUNDS);
	return tap_done();
}
