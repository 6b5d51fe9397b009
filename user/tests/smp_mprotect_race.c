/*
 * smp_mprotect_race: one thread keeps writing a range while another, on
 * another CPU of the same mm, mprotects it read-only.  After mprotect
 * returns, the writer's next store must fault: the kernel must have
 * flushed the writer's TLB of the writable entries before returning.
 *
 * ROUNDS rounds (seeded: `smp_mprotect_race SEED` reruns one; the seed is
 * printed as "# seed N").  The main thread runs on CPU 0, the writer
 * (smprace.h) on CPU 1 (CPUs 1..M-1 in turn on a bigger machine).  Each
 * round, a fresh private mapping of MAP_PAGES pages, written once; the
 * writer stores RACE_MARK | seq to word seq % NWORDS of it, across all
 * the pages, then count = seq; when count passes a seeded threshold the
 * main thread mprotects the whole range PROT_READ and reads count (S):
 *   - the writer gets SIGSEGV with SEGV_ACCERR at the word of store F + 1
 *     (F: count at the fault), and F <= S + 1: no store completed after
 *     mprotect returned;
 *   - the data written before is intact: every word holds exactly what
 *     stores 1..F left there (the last seq <= F of its residue, or 0);
 *   - the range is read-only still, and mprotect back to read-write works.
 */
#include "smprace.h"

#define ROUNDS		50
#define MAP_PAGES	4
#define NWORDS		(MAP_PAGES * PAGE_SIZE / 8)

static int cpus;

struct tally {
	int no_fault, bad_addr, bad_code, late, bad_data, no_progress;
	long max_late;
};

/* What word i holds after stores 1..f: the last seq <= f with seq % NWORDS == i, or 0. */
static unsigned long expected_word(long f, long i)
{
	long last = f - ((f - i) % (long)NWORDS + (long)NWORDS) % (long)NWORDS;

	return last >= 1 ? RACE_MARK | (unsigned long)last : 0;
}

/* The round's verdict on the writer's fault. */
static void fault_check(long r, const unsigned long *p, long s, struct tally *t)
{
	long f = race.fault_count;
	unsigned long want = (unsigned long)&p[(f + 1) % (long)NWORDS];

	if (!race.faulted) {
		t->no_fault++;
		tap_diag("round %ld: no SIGSEGV after %ld stores", r, race.count);
		return;
	}
	if (race.fault_addr != want) {
		t->bad_addr++;
		tap_diag("round %ld: si_addr 0x%lx, store %ld was to 0x%lx", r, race.fault_addr, f + 1, want);
	}
	if (race.fault_code != SEGV_ACCERR) {
		t->bad_code++;
		tap_diag("round %ld: si_code %d, expected SEGV_ACCERR", r, race.fault_code);
	}
	if (f > s + 1) {
		t->late++;
		t->max_late = f - s - 1 > t->max_late ? f - s - 1 : t->max_late;
		tap_diag("round %ld: %ld stores completed after mprotect returned (count %ld then, %ld at the fault)",
			 r, f - s - 1, s, f);
	}
}

/* Every word as stores 1..F left it. */
static void data_check(long r, const unsigned long *p, struct tally *t)
{
	long f = race.fault_count, bad = 0;

	for (long i = 0; i < (long)NWORDS; i++) {
		if (p[i] == expected_word(f, i))
			continue;
		if (!bad)
			tap_diag("round %ld: word %ld is 0x%lx, stores 1..%ld left 0x%lx",
				 r, i, p[i], f, expected_word(f, i));
		bad++;
	}
	t->bad_data += bad != 0;
}

/* One round; 0 if it ran to the end (its checks are in t), -1 to stop. */
static int one_round(long r, unsigned long *seed, struct tally *t)
{
	unsigned long len = MAP_PAGES * PAGE_SIZE;
	long p = sys_mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	long threshold = 1 + (long)rng_below(seed, 3 * NWORDS), s;

	if (p < 0)
		return -1;
	for (unsigned long off = 0; off < len; off += PAGE_SIZE)
		((volatile char *)p)[off] = 0;
	race.words = (volatile unsigned long *)p;
	race.nwords = NWORDS;
	race.cpu = race_writer_cpu(r, cpus);
	race.count = 0;
	race.fault_addr = 0;
	race.round = r;
	if (!wait_until(&race.count, threshold, NULL)) {
		t->no_progress++;
		tap_diag("round %ld: the writer made %ld of %ld stores in 60 s", r, race.count, threshold);
		return -1;
	}
	if (sys_mprotect((void *)p, len, PROT_READ) != 0)
		return -1;
	s = race.count;
	if (!wait_until(&race.done, r, NULL))
		return -1;
	fault_check(r, (unsigned long *)p, s, t);
	if (race.faulted)
		data_check(r, (unsigned long *)p, t);
	if (sys_mprotect((void *)p, len, PROT_READ | PROT_WRITE) != 0)
		return -1;
	((volatile unsigned long *)p)[0] = 1;
	sys_munmap((void *)p, len);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long seed = smp_seed(argc, argv);
	struct tally t = { 0 };
	static int ctid;
	long tid, r;

	smp_require_two_cpus("smp_mprotect_race");
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
	tap_is_long(r - 1, ROUNDS, "all %d rounds ran (mprotect there and back, the handshakes)", ROUNDS);
	tap_is_long(race.pin_err, 0, "the writer ran on CPUs 1..%d (sched_setaffinity, getcpu)", cpus - 1);
	tap_is_long(t.no_progress, 0, "the writer was running while mprotect ran");
	tap_is_long(t.no_fault, 0, "the writer got SIGSEGV in every round");
	tap_is_long(t.bad_addr, 0, "si_addr was the word of its next store");
	tap_is_long(t.bad_code, 0, "si_code was SEGV_ACCERR");
	tap_is_long(t.late, 0, "no store completed after mprotect returned (at most %ld)", t.max_late);
	tap_is_long(t.bad_data, 0, "the data written before mprotect is intact, word for word");
	return tap_done();
}
