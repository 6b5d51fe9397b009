/*
 * migration.c - /lectures/migration, the scenario of `make lecture
 * L=migration` (pid 1): seed 002, one page migrated while three processes
 * map it and a thread on the other CPU reads it.
 *
 *   1. P (pid 1, on CPU 0, so its pages come from node 0) writes page A
 *      at MIG_ADDR; it forks C1 and C2, which map A too (mapcount 3);
 *   2. P starts a thread T on CPU 1 that reads A in a loop;
 *   3. P calls migrate_pages(0, node 0 -> node 1): do_migrate_pages ->
 *      migrate_to_node -> migrate_pages (the core) -> unmap_and_move ->
 *      __unmap_and_move: try_to_migrate puts a migration entry in each of
 *      the three PTEs; T's next read faults on it and waits
 *      (migration_entry_wait); move_to_new_page -> migrate_page_copy;
 *      remove_migration_ptes -> remove_migration_pte for each mapper; the
 *      page unlocks, T's fault retries and reads A from node 1;
 *   4. P, C1 and C2 check A's data, and where it is now.
 * tools/gdb/lectures/migration.lecture stops on these steps.
 */
#include "lecture.h"
#include "../tests/smptest.h"		/* pin_to_cpu */
#include "../tests/threadtest.h"	/* thread_start, thread_join */

#define MIG_ADDR	0x20000000UL
#define NR_CHILDREN	2
#define MAXNODE		65		/* the kernel reads maxnode - 1 bits */
#define NR_MIGRATE_PAGES 256
#define NR_MOVE_PAGES	279

static volatile long *box;		/* [0] children may check, [1] T runs, [2] T stop, [3] T's reads */
static volatile unsigned long *page_a;

static int reader_thread(void *arg)
{
	unsigned long sum = 0;

	(void)arg;
	if (pin_to_cpu(1) != 0)
		printf("lecture migration: T is not on CPU 1\n");
	box[1] = 1;
	while (!box[2]) {
		sum += page_a[0];
		box[3]++;
	}
	return sum == 0;
}

/* The node of the page at addr (move_pages query), or -errno. */
static int page_node(void *addr)
{
	void *pages[1] = { addr };
	int status = -1;
	long r = syscall6(NR_MOVE_PAGES, 0, 1, (long)pages, 0, (long)&status, 0);

	return r < 0 ? (int)r : status;
}

static void child(int i)
{
	while (!box[0])
		sys_sched_yield();
	if (page_a[0] != 0x5eed002UL)
		printf("lecture migration: C%d reads 0x%lx, not 0x5eed002\n", i, page_a[0]);
	printf("lecture migration: C%d (pid %ld) reads 0x%lx from node %d\n",
	       i, sys_getpid(), page_a[0], page_node((void *)page_a));
	sys_exit_group(0);
}

int main(void)
{
	unsigned long old_nodes = 1UL << 0, new_nodes = 1UL << 1;
	long pids[NR_CHILDREN], left;
	int ctid = 0, status;

	lecture_setup();
	pin_to_cpu(0);
	box = mailbox_new(PAGE_SIZE);
	page_a = (volatile unsigned long *)lecture_map(MIG_ADDR, PAGE_SIZE);
	if (!box || !page_a) {
		printf("lecture migration: mmap failed\n");
		lecture_done("migration");
	}
	page_a[0] = 0x5eed002UL;
	printf("lecture migration: P (pid %ld) wrote A at 0x%lx: frame 0x%lx on node %d\n",
	       sys_getpid(), MIG_ADDR, (unsigned long)page_pfn(0, (void *)page_a),
	       page_node((void *)page_a));
	for (int i = 0; i < NR_CHILDREN; i++) {
		pids[i] = sys_fork();
		if (pids[i] == 0)
			child(i + 1);
	}
	if (thread_start(reader_thread, NULL, &ctid) <= 0) {
		printf("lecture migration: no thread\n");
		lecture_done("migration");
	}
	while (!box[1])
		sys_sched_yield();

	left = syscall4(NR_MIGRATE_PAGES, 0, MAXNODE, &old_nodes, &new_nodes);

	box[2] = 1;
	thread_join(&ctid);
	printf("lecture migration: migrate_pages returned %ld; A is frame 0x%lx on node %d, reads 0x%lx; T read it %ld times\n",
	       left, (unsigned long)page_pfn(0, (void *)page_a), page_node((void *)page_a),
	       page_a[0], box[3]);
	box[0] = 1;
	for (int i = 0; i < NR_CHILDREN; i++)
		if (pids[i] > 0)
			sys_wait4((int)pids[i], &status, 0, NULL);
	lecture_done("migration");
}
