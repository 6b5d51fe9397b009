/*
 * migrate_load: pages migrate back and forth while a thread on another CPU
 * keeps writing and reading them (seed 002's race, on two CPUs).
 *
 * A worker thread, pinned to CPU 1, walks 32 pages of 4 KB word by word:
 * at step s it reads word w = (s / 32) % 512 of page s % 32, which must
 * hold the value it wrote there last (a shadow copy in its own memory),
 * then writes MARK | s.  A write that landed in a page after its contents
 * were copied, or a read of a page half-way, would show as a wrong value
 * the next time round.  Meanwhile the main thread, pinned to CPU 0, moves
 * all 32 pages with move_pages(2) to node round % nodes, round after
 * round (every node of the machine in turn): each call returns 0 with
 * every status the target node, and the query agrees.
 *
 * At least 40 rounds; on Pagoda, more (up to 2000) until a fault of the
 * worker has waited on a migration entry, counted by
 * pagoda_migration_entry_wait in /proc/vmstat, which must have moved
 * (seed 002's migration_entry_wait, on another CPU).  Then the worker
 * stops: it saw no wrong value, and every word holds the last value
 * written there.  On Pagoda pgmigrate_success grew by exactly 32 per round
 * and pgmigrate_fail not at all.
 */
#include "migratetest.h"
#include "smptest.h"

#define NPAGES		32
#define WORDS		512
#define MARK		0x4d69677200000000UL	/* "Migr" */
#define MIN_ROUNDS	40
#define MAX_ROUNDS	2000

static struct machine m;
static unsigned long *region;
static unsigned long shadow[NPAGES][WORDS];
static volatile long started, stop, wrong, steps;
static volatile unsigned long wrong_at, wrong_got, wrong_want;
static volatile long pin_err;
static int ctid;

static int worker(void *arg)
{
	unsigned long s;

	(void)arg;
	pin_err = pin_to_cpu(1);
	started = 1;
	for (s = 1; !stop; s++) {
		unsigned long pg = s % NPAGES, w = (s / NPAGES) % WORDS;
		volatile unsigned long *word = region + pg * WORDS + w;
		unsigned long got = *word;

		if (got != shadow[pg][w] && !wrong++) {
			wrong_at = s;
			wrong_got = got;
			wrong_want = shadow[pg][w];
		}
		*word = MARK | s;
		shadow[pg][w] = MARK | s;
	}
	steps = (long)s;
	return 0;
}

static int move_all(int nid, long round)
{
	void *pages[NPAGES];
	int nodes[NPAGES], status[NPAGES];
	long r;

	for (int i = 0; i < NPAGES; i++) {
		pages[i] = (char *)region + i * 4096;
		nodes[i] = nid;
		status[i] = -12345;
	}
	r = sys_move_pages(0, NPAGES, pages, nodes, status, MPOL_MF_MOVE);
	if (r != 0) {
		tap_diag("round %ld: move_pages to node %d returned %ld", round, nid, r);
		return 0;
	}
	for (int i = 0; i < NPAGES; i++)
		if (status[i] != nid) {
			tap_diag("round %ld: status[%d] = %d, expected %d", round, i, status[i], nid);
			return 0;
		}
	return 1;
}

int main(void)
{
	long waits0, waits = 0, succ0, fail0, round, moved_ok = 1, placed_ok = 1;
	long bad_words = 0;

	migrate_require_two_nodes(&m);
	smp_require_two_cpus("migrate_load");
	numa_balancing_off();
	tap_is_long(pin_to_cpu(0), 0, "main thread on CPU 0");
	region = (unsigned long *)region_map(NPAGES);
	for (int pg = 0; pg < NPAGES; pg++)
		for (int w = 0; w < WORDS; w++)
			region[pg * WORDS + w] = shadow[pg][w] = 0;	/* written: no zero page */
	waits0 = vmstat_get("pagoda_migration_entry_wait");
	succ0 = vmstat_get("pgmigrate_success");
	fail0 = vmstat_get("pgmigrate_fail");
	tap_ok(thread_start(worker, NULL, &ctid) > 0, "worker thread started");
	tap_ok(wait_until(&started, 1, NULL), "worker running");
	tap_is_long(pin_err, 0, "worker on CPU 1");
	for (round = 1; round <= MAX_ROUNDS; round++) {
		int nid = (int)(round % m.nodes);

		moved_ok &= move_all(nid, round);
		placed_ok &= region_nodes_all((char *)region, NPAGES, nid);
		if (!moved_ok || !placed_ok || wrong)
			break;
		if (is_pagoda())
			waits = vmstat_get("pagoda_migration_entry_wait") - waits0;
		if (round >= MIN_ROUNDS && (!is_pagoda() || waits > 0))
			break;
	}
	stop = 1;
	thread_join(&ctid);
	if (round > MAX_ROUNDS)
		round = MAX_ROUNDS;
	tap_diag("%ld rounds, %ld worker steps, %ld migration-entry waits", round, steps, waits);
	tap_ok(moved_ok, "every move_pages returned 0 with the target node in every status");
	tap_ok(placed_ok, "after each round the query finds every page on the target node");
	if (wrong)
		tap_diag("step %lu read 0x%lx, wrote 0x%lx there before", wrong_at, wrong_got, wrong_want);
	tap_is_long(wrong, 0, "the worker never read a wrong value");
	for (int pg = 0; pg < NPAGES; pg++)
		for (int w = 0; w < WORDS; w++)
			bad_words += region[pg * WORDS + w] != shadow[pg][w];
	tap_is_long(bad_words, 0, "every word holds its last write");
	tap_ok(steps > round, "the worker kept going (%ld steps)", steps);
	if (is_pagoda()) {
		tap_ok(waits > 0, "a fault waited on a migration entry (pagoda_migration_entry_wait +%ld)", waits);
		tap_is_long(vmstat_get("pgmigrate_success") - succ0, round * NPAGES,
			    "pgmigrate_success +%d a round", NPAGES);
		tap_is_long(vmstat_get("pgmigrate_fail") - fail0, 0, "pgmigrate_fail unchanged");
	}
	munmap(region, NPAGES * 4096);
	numa_balancing_restore();
	return tap_done();
}
