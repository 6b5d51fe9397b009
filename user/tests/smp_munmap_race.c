/*
 * smp_munmap_race: one thread keeps writing a page while another, on
 * another CPU of the same mm, munmaps it.  After munmap returns, no store
 * of the writer may land: the kernel must have flushed the writer's TLB
 * (a TLB shootdown) before it freed the frame and returned.
 *
 * ROUNDS rounds (seeded: `smp_munmap_race SEED` reruns one; the seed is
 * printed as "# seed N").  The main thread runs on CPU 0, the writer
 * (smprace.h) on CPU 1 (on a bigger machine CPUs 1..M-1 in turn).  Each
 * round:
 *   - a fresh 4-page private mapping, written; the writer stores to one
 *     seeded word of it (RACE_MARK | seq, then count = seq);
 *   - when count reaches a seeded threshold (1..2000), munmap; count is
 *     read at once (S);
 *   - CANARY_PAGES pages are written with a canary at once: the freed
 *     frames' likely next owners (both kernels hand out the frame freed
 *     last first on that CPU).  Their mapping was made before the round,
 *     untouched: a mapping made after munmap could take the freed
 *     addresses, and the writer's stores would land there legitimately;
 *   - the writer must get SIGSEGV, SEGV_MAPERR, at exactly the word it
 *     writes, with count F <= S + 1 (no store completed after munmap
 *     returned), and every canary word must be intact.
 * How often a canary page got the unmapped frame (pagemap) is printed as
 * a diagnostic: it shows the canary check had something to see.
 */
#include "smprace.h"

#define ROUNDS		50
#define MAP_PAGES	4
#define CANARY_PAGES	32
#define CANARY		0xCA7A2150C0FFEE00UL

static int cpus;

struct tally {
	int no_fault, bad_addr, bad_code, late, canary_hit, reused, no_progress;
	long max_late;
};

static unsigned long canary_word(unsigned long i)
{
	return CANARY ^ i;
}

/* CANARY_PAGES pages for the canary, not yet faulted in; NULL if mmap failed. */
static unsigned long *canary_map(void)
{
	long c = sys_mmap(NULL, CANARY_PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return c < 0 ? NULL : (unsigned long *)c;
}

/* Fault them in with the canary: each write allocates a fresh frame. */
static void canary_fill(unsigned long *c)
{
	unsigned long n = CANARY_PAGES * PAGE_SIZE / 8;

	for (unsigned long i = 0; i < n; i++)
		c[i] = canary_word(i);
}

/* Count canary words changed (and print the first); note a page on the old frame. */
static void canary_check(const unsigned long *c, uint64_t old_pfn, struct tally *t, long r)
{
	unsigned long n = CANARY_PAGES * PAGE_SIZE / 8, bad = 0;
	int reused = 0;

	for (unsigned long i = 0; i < n; i++) {
		if (c[i] == canary_word(i))
			continue;
		if (!bad)
			tap_diag("round %ld: canary word %lu is 0x%lx%s", r, i, c[i],
				 c[i] >> 32 == RACE_MARK >> 32 ? " (the writer's store)" : "");
		bad++;
	}
	for (int pg = 0; pg < CANARY_PAGES && old_pfn; pg++)
		reused |= page_pfn(0, (const char *)c + pg * PAGE_SIZE) == old_pfn;
	t->canary_hit += bad != 0;
	t->reused += reused;
}

/* The round's verdict on the writer's fault. */
static void fault_check(long r, unsigned long target, long s, struct tally *t)
{
	long f = race.fault_count;

	if (!race.faulted) {
		t->no_fault++;
		tap_diag("round %ld: no SIGSEGV after %ld stores", r, race.count);
		return;
	}
	if (race.fault_addr != target) {
		t->bad_addr++;
		tap_diag("round %ld: si_addr 0x%lx, the store was to 0x%lx", r, race.fault_addr, target);
	}
	if (race.fault_code != SEGV_MAPERR) {
		t->bad_code++;
		tap_diag("round %ld: si_code %d, expected SEGV_MAPERR", r, race.fault_code);
	}
	if (f > s + 1) {
		t->late++;
		t->max_late = f - s - 1 > t->max_late ? f - s - 1 : t->max_late;
		tap_diag("round %ld: %ld stores completed after munmap returned (count %ld then, %ld at the fault)",
			 r, f - s - 1, s, f);
	}
}

/* One round; 0 if it could run to the end (its checks are in t), -1 to stop. */
static int one_round(long r, unsigned long *seed, struct tally *t)
{
	unsigned long len = MAP_PAGES * PAGE_SIZE, *c = canary_map(), target;
	long p = sys_mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	long threshold = 1 + (long)rng_below(seed, 2000), s;
	uint64_t old_pfn;

	if (p < 0 || !c)
		return -1;
	for (unsigned long off = 0; off < len; off += PAGE_SIZE)
		((volatile char *)p)[off] = 0;
	target = (unsigned long)p + rng_below(seed, len / 8) * 8;
	old_pfn = page_pfn(0, (void *)target);
	race.words = (volatile unsigned long *)target;
	race.nwords = 1;
	race.cpu = race_writer_cpu(r, cpus);
	race.count = 0;
	race.fault_addr = 0;
	race.round = r;
	if (!wait_until(&race.count, threshold, NULL)) {
		t->no_progress++;
		tap_diag("round %ld: the writer made %ld of %ld stores in 60 s", r, race.count, threshold);
		return -1;
	}
	if (sys_munmap((void *)p, len) != 0)
		return -1;
	s = race.count;
	canary_fill(c);
	if (!wait_until(&race.done, r, NULL))
		return -1;
	fault_check(r, target, s, t);
	canary_check(c, old_pfn, t, r);
	sys_munmap(c, CANARY_PAGES * PAGE_SIZE);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long seed = smp_seed(argc, argv);
	struct tally t = { 0 };
	static int ctid;
	long tid, r;

	smp_require_two_cpus("smp_munmap_race");
	cpus = smp_cpus();
	if (!tap_is_long(pin_to_cpu(0), 0, "the main thread runs on CPU 0"))
		return tap_done();
	tid = race_start(ROUNDS, &ctid);
	if (!tap_ok(tid > 0, "a writer thread (clone): %ld", tid))
		return tap_done();
	for (r = 1; r <= ROUNDS; r++)
		if (one_round(r, &seed, &t) < 0)
			break;
	race_stop(&ctid);
	tap_is_long(r - 1, ROUNDS, "all %d rounds ran (munmap, mmap and the handshakes worked)", ROUNDS);
	tap_is_long(race.pin_err, 0, "the writer ran on CPUs 1..%d (sched_setaffinity, getcpu)", cpus - 1);
	tap_is_long(t.no_progress, 0, "the writer was running while munmap ran");
	tap_is_long(t.no_fault, 0, "the writer got SIGSEGV in every round");
	tap_is_long(t.bad_addr, 0, "si_addr was the word it stored to");
	tap_is_long(t.bad_code, 0, "si_code was SEGV_MAPERR");
	tap_is_long(t.late, 0, "no store completed after munmap returned (at most %ld)", t.max_late);
	tap_is_long(t.canary_hit, 0, "no canary in the fresh pages was overwritten");
	tap_diag("a canary page had the unmapped frame in %d of %d rounds", t.reused, ROUNDS);
	return tap_done();
}
