/*
 * cowrace.h - a fork child's first writes to a 2 MB region it shares with
 * its parent, racing the migration of that region (migrate_hugetlb_cow,
 * migrate_thp_cow). Not a test itself; each test says how to make the
 * region (make_region) and what it is.
 *
 * Each round (seeded: `# seed N`; NAME SEED, or NAME.seed=N on the kernel
 * command line): make_region maps the region and writes the parent's
 * pattern (cow_fill) into the first word of each 4 KB; the parent forks;
 * the child, pinned to CPU 1, waits for a go word and then until a random
 * time stamp within the migration (the last round's move_pages took that
 * long: the delays sweep the whole call, where the race window is),
 * writes its own pattern and checks it; the parent, on CPU 0, sets the go
 * word and moves the region (move_pages of its first page, MOVE_ALL) to
 * the next node. Then:
 * - the child read back its own pattern (its exit status);
 * - the parent still reads its own pattern everywhere (COW isolation);
 * - the region is where move_pages said, or where it was;
 * - nothing hung (a hang ends the test by timeout).
 * The waits are handshakes through memory and a time-stamp counter read
 * without a system call (every call waits for the migration's big kernel
 * lock on Pagoda); no outcome depends on timing, only how often the
 * window is hit.
 */
#ifndef COWRACE_H
#define COWRACE_H

#include "migratetest.h"
#include "smptest.h"

#define COW_REGION	(2UL << 20)
#define COW_WORDS	(COW_REGION / PAGE_SIZE)	/* one word in each 4 KB */

enum { COW_GO, COW_READY, COW_WRITE_AT };	/* cow_box[] words */
static volatile long *cow_box;

/* The time stamp counter: a clock both CPUs share, read without a system call. */
static inline long cow_tsc(void)
{
	unsigned int lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (long)(((unsigned long)hi << 32) | lo);
}

static inline void cow_fill(unsigned char *p, long tag)
{
	for (unsigned long i = 0; i < COW_WORDS; i++)
		*(volatile long *)(p + i * PAGE_SIZE) = tag + (long)i;
}

static inline unsigned long cow_count_wrong(const unsigned char *p, long tag)
{
	unsigned long bad = 0;

	for (unsigned long i = 0; i < COW_WORDS; i++)
		bad += *(const volatile long *)(p + i * PAGE_SIZE) != tag + (long)i;
	return bad;
}

static inline __attribute__((noreturn)) void cow_child(unsigned char *p, long tag)
{
	if (pin_to_cpu(1) < 0)
		sys_exit_group(2);
	cow_box[COW_READY] = 1;
	while (!cow_box[COW_GO])
		;
	while (cow_tsc() < cow_box[COW_WRITE_AT])
		;
	cow_fill(p, tag);
	sys_exit_group(cow_count_wrong(p, tag) ? 1 : 0);
}

/*
 * One round, the child's first write delay cycles after the parent enters
 * move_pages; *took: how many cycles move_pages took. 0 if every check
 * held (failures are reported as they are found).
 */
static inline int cow_race_round(int r, int nodes, long delay, long *took,
				 unsigned char *(*make_region)(int r, long tag))
{
	long parent_tag = 0x1000000L * (r + 1), child_tag = parent_tag + 0x500000L, pid, mv;
	unsigned char *p = make_region(r, parent_tag);
	int status = -1, node, cur, moved = -12345, bad = 0;
	void *addr = p;

	if (!p)
		return -1;
	cur = page_node(p);
	node = cur >= 0 ? (cur + 1) % nodes : 0;
	cow_box[COW_GO] = cow_box[COW_READY] = 0;
	pid = sys_fork();
	if (pid == 0)
		cow_child(p, child_tag);
	if (pid < 0) {
		tap_diag("round %d: fork: %ld", r, pid);
		sys_munmap(p, COW_REGION);
		return -1;
	}
	while (!cow_box[COW_READY])
		sys_sched_yield();
	cow_box[COW_WRITE_AT] = cow_tsc() + delay;
	cow_box[COW_GO] = 1;
	*took = cow_tsc();
	mv = sys_move_pages(0, 1, &addr, &node, &moved, MPOL_MF_MOVE_ALL);
	*took = cow_tsc() - *took;
	if (sys_wait4((int)pid, &status, 0, NULL) != pid || status != 0) {
		tap_diag("round %d: the child's status 0x%x (1: it did not read its own writes)", r, status);
		bad++;
	}
	if (cow_count_wrong(p, parent_tag)) {
		tap_diag("round %d: the parent reads %lu words that are not its own", r,
			 cow_count_wrong(p, parent_tag));
		bad++;
	}
	if (mv == 0 && moved == node && page_node(p) != node) {
		tap_diag("round %d: moved to node %d, a query says %d", r, node, page_node(p));
		bad++;
	}
	sys_munmap(p, COW_REGION);
	return bad ? -1 : 0;
}

/*
 * The machine checks, then rounds rounds; how many held. Skips the whole
 * test on one node or one CPU.
 */
static inline int cow_race_run(int argc, char **argv, int rounds,
			       unsigned char *(*make_region)(int r, long tag))
{
	unsigned long seed = smp_seed(argc, argv);
	long took = 4000000;		/* cycles: a first guess, then the last round's */
	struct machine m;
	int good = 0;

	migrate_require_two_nodes(&m);
	if (smp_cpus() < 2)
		tap_skip_all("one CPU");
	if (pin_to_cpu(0) < 0)
		tap_skip_all("cannot run on CPU 0");
	cow_box = mailbox_new(PAGE_SIZE);
	if (!tap_ok(cow_box != NULL, "a shared page for the go word"))
		return 0;
	numa_balancing_off();
	for (int r = 0; r < rounds; r++)
		good += cow_race_round(r, m.nodes, (long)rng_below(&seed, (unsigned long)took + 1),
				       &took, make_region) == 0;
	numa_balancing_restore();
	return good;
}

#endif
