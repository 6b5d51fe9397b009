/*
 * migrate_huge_race: huge pages migrate while a thread on the other CPU
 * keeps writing them (Linux 6.1 and Pagoda alike). A THP, then a private
 * hugetlb page, goes back and forth 20 times between src (its node) and
 * dst = src + 1 mod nodes with move_pages, while a writer thread on
 * CPU 1 stores an increasing count to one word of each of 64 of its 4 KB
 * pages in turn (word v % 64 gets v), reads each store back, and checks
 * every 64 stores that all 64 words still hold what it wrote last (a
 * shadow copy on its own stack): a store that went to the old page after
 * the copy, or a stale TLB entry, would show as a lost word.
 *
 * - every move_pages returns 0 with the status of the node asked;
 * - the writer made progress in every round (at least 256 stores between
 *   two moves) and never read back a wrong value nor lost a word;
 * - afterwards the 64 words hold the writer's last values, a query says
 *   the last node for all 512 pages, and the page is still huge (THP:
 *   512 contiguous frames; hugetlb: kpageflags HUGE);
 * - on Pagoda the faults that waited on a migration entry
 *   (pagoda_migration_entry_wait) are printed: how many there are
 *   depends on timing, so it is not a check.
 */
#include "migratetest.h"
#include "hugetlb.h"
#include "smptest.h"

#define ROUNDS		20
#define WORDS		64
#define WORD_STRIDE	(8 * PAGE_SIZE)		/* word w in 4 KB page 8 w */
#define STEPS_PER_ROUND	256

static volatile long *words_base;
static volatile long progress, stop, bad_readback, lost, pin_err;
static int ctid;

static volatile long *word(int w)
{
	return (volatile long *)((char *)words_base + (unsigned long)w * WORD_STRIDE);
}

static int writer(void *arg)
{
	long shadow[WORDS];

	(void)arg;
	for (int i = 0; i < WORDS; i++)
		shadow[i] = *word(i);	/* the fill's bytes, until the first store */
	if (pin_to_cpu(1) < 0)
		pin_err = 1;
	for (long v = 1; !stop; v++) {
		int w = (int)(v % WORDS);

		*word(w) = v;
		if (*word(w) != v)
			bad_readback++;
		shadow[w] = v;
		if (w == WORDS - 1)
			for (int i = 0; i < WORDS; i++)
				if (*word(i) != shadow[i])
					lost++;
		progress = v;
	}
	for (int i = 0; i < WORDS; i++)
		if (*word(i) != shadow[i])
			lost++;
	return 0;
}

/* Wait until the writer stored at least n more times; 0, or -1 after 60 s. */
static int writer_advances(long n)
{
	long from = progress, t0 = now_ns();

	while (progress - from < n) {
		if (now_ns() - t0 > 60L * 1000 * 1000 * 1000)
			return -1;
		sys_sched_yield();
	}
	return 0;
}

/* Move the page at p between src and dst ROUNDS times under the writer. */
static void race(const char *what, unsigned char *p, int src, int dst)
{
	long waits = vmstat_get("pagoda_migration_entry_wait"), r;
	int ok_moves = 0, ok_progress = 0, last = src;

	words_base = (volatile long *)p;
	progress = stop = bad_readback = lost = 0;
	if (!tap_ok(thread_start(writer, NULL, &ctid) > 0, "%s: a writer thread", what))
		return;
	for (int round = 0; round < ROUNDS; round++) {
		int node = round % 2 ? src : dst, status = -12345;
		void *addr = p;

		r = sys_move_pages(0, 1, &addr, &node, &status, MPOL_MF_MOVE);
		ok_moves += r == 0 && status == node;
		if (r == 0 && status == node)
			last = node;
		else
			tap_diag("round %d: move_pages to node %d: %ld, status %d", round, node, r, status);
		ok_progress += writer_advances(STEPS_PER_ROUND) == 0;
	}
	stop = 1;
	thread_join(&ctid);
	tap_is_long(ok_moves, ROUNDS, "%s: %d move_pages between nodes %d and %d, each 0 with its node",
		    what, ROUNDS, src, dst);
	tap_is_long(ok_progress, ROUNDS, "%s: the writer stored %d times in every round", what, STEPS_PER_ROUND);
	tap_is_long(pin_err, 0, "%s: the writer ran on CPU 1", what);
	tap_is_long(bad_readback, 0, "%s: every store read back (%ld stores)", what, progress);
	tap_is_long(lost, 0, "%s: no store lost", what);
	tap_ok(region_nodes_all((const char *)p, 512, last), "%s: a query says node %d for all 512 pages", what, last);
	if (is_pagoda())
		tap_diag("%s: %ld faults waited on a migration entry", what,
			 vmstat_get("pagoda_migration_entry_wait") - waits);
}

int main(void)
{
	struct machine m;
	unsigned char *p;
	uint64_t f = 0;
	long h;
	int src, dst;

	migrate_require_two_nodes(&m);
	if (smp_cpus() < 2)
		tap_skip_all("one CPU");
	if (pin_to_cpu(0) < 0)
		tap_skip_all("cannot run on CPU 0");
	numa_balancing_off();

	p = thp_area(MADV_HUGEPAGE);
	if (tap_ok(p != NULL, "mmap a 2 MB-aligned range")) {
		memset(p, 1, THP_SIZE);
		if (tap_ok(thp_is_huge(0, p), "one THP")) {
			src = page_node(p);
			dst = (src + 1) % m.nodes;
			race("THP", p, src, dst);
			tap_ok(thp_is_huge(0, p), "THP: still one THP (512 contiguous frames)");
		}
		sys_munmap(p, THP_SIZE);
	}

	h = huge_mmap(NULL, HPAGE_SIZE, MAP_PRIVATE);
	if (tap_ok(h >= 0, "a private MAP_HUGETLB page (%ld)", h)) {
		p = (unsigned char *)h;
		memset(p, 1, HPAGE_SIZE);
		src = page_node(p);
		dst = (src + 1) % m.nodes;
		race("hugetlb", p, src, dst);
		tap_ok(kpageflags_get(page_pfn(0, p), &f) == 0 && (f & KPF_BIT(KPF_HUGE)),
		       "hugetlb: kpageflags HUGE");
		sys_munmap(p, HPAGE_SIZE);
	}
	numa_balancing_restore();
	return tap_done();
}
