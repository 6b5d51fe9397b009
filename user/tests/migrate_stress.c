/*
 * migrate_stress: seeded migrations racing with faults, fork, munmap,
 * mprotect and MADV_DONTNEED on the other CPU.
 *
 * The main thread (CPU 0) makes seeded move_pages(2) calls with
 * MPOL_MF_MOVE_ALL over a seeded subset of 32 pages of a region to a
 * seeded node (every node of the machine), a seeded query now and then,
 * and, one call in 8, migrate_pages(2) of the whole process from a seeded
 * node to another (the worker's stack, the children's shared pages too),
 * until the worker is done.  A worker thread (CPU 1) meanwhile runs ITERS seeded operations
 * on the same pages, each followed by a check of the page's data against
 * the version it last wrote (version 0: the page reads zero):
 *
 *   write     write a new version over a page
 *   check     read a page whole
 *   fork      fork a child (it shares every page: the migrations move them
 *             for both, through the rmap) that checks all 32 pages and
 *             exits 0 if all hold their versions; meanwhile the worker
 *             writes new versions over 4 pages (COW with the child
 *             alive); wait4 status 0
 *   mprotect  a page read-only, check it, read-write again
 *   remap     munmap a page, mmap a fresh one there (MAP_FIXED): zero
 *   dontneed  MADV_DONTNEED on a page: zero
 *
 * Every move_pages and migrate_pages returns 0 or a positive count of
 * pages not moved (a page can be busy), never an error, and each status written is a node of
 * the machine, -EFAULT (a page not there: unmapped, zero), -ENOENT (a
 * migration entry of the other CPU) or -EBUSY.  The worker and every
 * child found every page as last written; the kernel log has no new
 * "BUG: " report; on Pagoda /sys/kernel/debug/pagoda/check reads "ok"
 * (no migration entry left behind), then /init's leak check.
 *
 * Seeded: `migrate_stress SEED`, or migrate_stress.seed=N on the kernel
 * command line (tools/stress.sh); the seed is printed as "# seed N".
 */
#include "migratetest.h"
#include "smptest.h"

#define NPAGES		32
#define WORDS		512
#define ITERS		300
#define MOVES_MAX	100000
#define MARK		0x5374726500000000UL	/* "Stre" */

enum op { OP_WRITE, OP_CHECK, OP_FORK, OP_MPROTECT, OP_REMAP, OP_DONTNEED, NR_OPS };
static const char *const op_name[NR_OPS] = { "write", "check", "fork", "mprotect", "remap", "dontneed" };

static struct machine m;
static char *region;
static unsigned long version[NPAGES];	/* the worker's: what each page holds */
static unsigned long seed;
static volatile long started, done, worker_errors, child_failures, pin_err;
static long ops[NR_OPS], migrate_pages_calls;
static int ctid;

static unsigned long word_of(unsigned long pg, unsigned long v, unsigned long i)
{
	return v ? MARK ^ (v << 24) ^ (pg << 12) ^ i : 0;
}

static void page_write(unsigned long pg, unsigned long v)
{
	unsigned long *w = (unsigned long *)(region + pg * 4096);

	for (unsigned long i = 0; i < WORDS; i++)
		w[i] = word_of(pg, v, i);
	version[pg] = v;
}

/* 1 if page pg holds version[pg]; else tells what it found. */
static int page_ok(unsigned long pg, const char *who)
{
	const volatile unsigned long *w = (const unsigned long *)(region + pg * 4096);

	for (unsigned long i = 0; i < WORDS; i++)
		if (w[i] != word_of(pg, version[pg], i)) {
			printf("# %s: page %lu word %lu: 0x%lx, expected 0x%lx (version %lu)\n", who, pg, i,
			       w[i], word_of(pg, version[pg], i), version[pg]);
			return 0;
		}
	return 1;
}

static void op_fork(unsigned long *rng, unsigned long *v)
{
	int status = -1;
	pid_t pid = fork();

	if (pid == 0) {
		int bad = 0;

		for (unsigned long pg = 0; pg < NPAGES; pg++)
			bad += !page_ok(pg, "child");
		_exit(bad ? 1 : 0);
	}
	if (pid < 0) {
		worker_errors++;
		return;
	}
	for (int k = 0; k < 4; k++) {
		unsigned long pg = rng_below(rng, NPAGES);

		page_write(pg, ++*v);
		worker_errors += !page_ok(pg, "worker after fork");
	}
	if (waitpid(pid, &status, 0) != pid || status != 0) {
		printf("# fork: child status 0x%x\n", status);
		child_failures++;
	}
}

static void worker_op(enum op op, unsigned long pg, unsigned long *rng, unsigned long *v)
{
	char *page = region + pg * 4096;

	switch (op) {
	case OP_WRITE:
		page_write(pg, ++*v);
		break;
	case OP_CHECK:
		break;
	case OP_FORK:
		op_fork(rng, v);
		break;
	case OP_MPROTECT:
		worker_errors += mprotect(page, 4096, PROT_READ) != 0;
		worker_errors += !page_ok(pg, "read-only");
		worker_errors += mprotect(page, 4096, PROT_READ | PROT_WRITE) != 0;
		break;
	case OP_REMAP:
		worker_errors += munmap(page, 4096) != 0;
		worker_errors += mmap(page, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
				      -1, 0) != page;
		version[pg] = 0;
		break;
	case OP_DONTNEED:
		worker_errors += madvise(page, 4096, MADV_DONTNEED) != 0;
		version[pg] = 0;
		break;
	default:
		break;
	}
	worker_errors += !page_ok(pg, op_name[op]);
}

static int worker(void *arg)
{
	unsigned long rng = seed ^ 0x9e3779b97f4a7c15UL, v = 0;

	(void)arg;
	pin_err = pin_to_cpu(1);
	started = 1;
	for (int it = 0; it < ITERS; it++) {
		enum op op = (enum op)rng_below(&rng, NR_OPS);

		ops[op]++;
		worker_op(op, rng_below(&rng, NPAGES), &rng, &v);
	}
	done = 1;
	return 0;
}

/*
 * One in 8: migrate_pages(0, {a}, {b}) of the whole process (the worker's
 * stack and the children's shared pages too); else a seeded move_pages of
 * some pages to a node. 0 if the result is not one Linux could give.
 */
static int migrate_some(unsigned long *rng, long *not_moved)
{
	void *pages[NPAGES];
	int nodes[NPAGES], status[NPAGES];
	unsigned long n = 1 + rng_below(rng, NPAGES);
	int nid = (int)rng_below(rng, (unsigned long)m.nodes), query = !rng_below(rng, 8);
	long r;

	if (!rng_below(rng, 8)) {
		unsigned long from[1] = { nodemask_of((int)rng_below(rng, (unsigned long)m.nodes)) };
		unsigned long to[1] = { nodemask_of(nid) };

		migrate_pages_calls++;
		r = sys_migrate_pages(0, MIG_MAXNODE, from, to);
		if (r < 0)
			printf("# migrate_pages to node %d: %ld\n", nid, r);
		*not_moved += r > 0 ? r : 0;
		return r >= 0;
	}
	for (unsigned long i = 0; i < n; i++) {
		pages[i] = region + rng_below(rng, NPAGES) * 4096;
		nodes[i] = nid;
		status[i] = -12345;
	}
	r = sys_move_pages(0, n, pages, query ? NULL : nodes, status, MPOL_MF_MOVE_ALL);
	if (r < 0 || r > (long)n) {
		printf("# move_pages of %lu pages to node %d: %ld\n", n, nid, r);
		return 0;
	}
	*not_moved += r;
	for (unsigned long i = 0; i < n; i++) {
		int s = status[i];

		if (s == -12345 && r > 0)
			continue;	/* a failed batch leaves its statuses alone */
		if ((s >= 0 && s < m.nodes) || s == -EFAULT || s == -ENOENT || s == -EBUSY)
			continue;
		printf("# move_pages: status[%lu] = %d\n", i, s);
		return 0;
	}
	return 1;
}

int main(int argc, char **argv)
{
	static char before[128 * 1024], after[128 * 1024], check[256];
	unsigned long rng;
	long moves = 0, not_moved = 0, bad_moves = 0, bugs_before;

	migrate_require_two_nodes(&m);
	smp_require_two_cpus("migrate_stress");
	seed = smp_seed(argc, argv);
	numa_balancing_off();
	rng = seed;
	tap_is_long(pin_to_cpu(0), 0, "main thread on CPU 0");
	syslog_read(before, sizeof(before));
	bugs_before = count_occurrences(before, "BUG: ");
	region = region_map(NPAGES);
	for (unsigned long pg = 0; pg < NPAGES; pg++)
		page_write(pg, 0);
	tap_ok(thread_start(worker, NULL, &ctid) > 0, "worker thread started");
	tap_ok(wait_until(&started, 1, NULL), "worker running");
	tap_is_long(pin_err, 0, "worker on CPU 1");
	while (!done && moves < MOVES_MAX) {
		bad_moves += !migrate_some(&rng, &not_moved);
		moves++;
	}
	thread_join(&ctid);
	tap_diag("%ld calls (%ld migrate_pages), %ld pages not moved; worker ops: write %ld check %ld fork %ld "
		 "mprotect %ld remap %ld dontneed %ld", moves, migrate_pages_calls, not_moved, ops[OP_WRITE], ops[OP_CHECK],
		 ops[OP_FORK], ops[OP_MPROTECT], ops[OP_REMAP], ops[OP_DONTNEED]);
	tap_ok(done, "the worker finished its %d operations", ITERS);
	tap_is_long(bad_moves, 0, "every move_pages and migrate_pages result, and every status, is one Linux gives");
	tap_is_long(worker_errors, 0, "the worker found every page as it last wrote it");
	tap_is_long(child_failures, 0, "every forked child found every page as it was at fork");
	for (unsigned long pg = 0; pg < NPAGES; pg++)
		tap_ok(page_ok(pg, "end"), "page %lu holds version %lu at the end", pg, version[pg]);
	syslog_read(after, sizeof(after));
	tap_is_long(count_occurrences(after, "BUG: "), bugs_before, "no new BUG: report in the kernel log");
	if (is_pagoda()) {
		debug_query(PAGODA_DEBUG "check", NULL, check, sizeof(check));
		tap_is_str(check, "ok\n", "pagoda check: ok (no migration entry left behind)");
	}
	munmap(region, NPAGES * 4096);
	numa_balancing_restore();
	return tap_done();
}
