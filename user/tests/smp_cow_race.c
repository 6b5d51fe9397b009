/*
 * smp_cow_race: two threads of one process, on two CPUs, take COW faults
 * at the same time on pages they share with a forked child.
 *
 * ROUNDS rounds (seeded: `smp_cow_race SEED`; "# seed N").  Each round
 * maps two regions of NP private pages (MADV_NOHUGEPAGE) and fills every
 * word with the round's original pattern, then forks a child, which waits.
 * The main thread (CPU 0) and a helper thread (CPU 1; 1..M-1 in turn on a
 * bigger machine) start together, each from the same seeded page, going
 * up and wrapping:
 *   - region A, pages interleaved: thread t writes all of page i for
 *     i % 2 == t (neighbouring pages, one page table, two CPUs);
 *   - region B, the same pages: thread t writes the words w % 2 == t of
 *     every page, so both fault on one PTE at once and one of them must
 *     find the other's copy (a second copy would lose the first one's
 *     words).
 * The threads meet between the regions, so that B starts together too.
 * Then, in the parent:
 *   - every word of A is its writer's, every word of B the thread's whose
 *     parity it has: nothing lost, nothing left of the original;
 *   - each page has its own frame, not the child's, mapped once (pagemap,
 *     /proc/CHILD/pagemap, kpagecount 1 both);
 *   - getrusage: each thread's RUSAGE_THREAD ru_minflt grew by at least
 *     its NP / 2 pages of A, the two together by at least NP in B, and
 *     RUSAGE_SELF by at least all of that;
 *   - on Pagoda, pagoda_cow_copy grew by exactly 2 * NP (each page copied
 *     once, by either thread) and pagoda_cow_reuse by 0 (the child holds
 *     every old frame): the counters add up under concurrency;
 * and the child then finds every word of both regions original.
 *
 * No fault outside the two regions may happen while the counters are
 * measured: the control words live in a MAP_SHARED page (no COW), and both
 * threads (and the child) write their stacks and the vmstat buffer once
 * before the measurement starts.
 */
#include "smptest.h"

#define ROUNDS		4
#define NP		256			/* pages per region */
#define WORDS		(PAGE_SIZE / 8)

/* The control page, MAP_SHARED: parent threads and child write it without COW. */
struct ctl {
	long round;			/* main: this round's regions are ready (helper warms up) */
	long warm;			/* helper: round r's stack writes are done */
	long go;			/* main: round r starts */
	long done;			/* helper: round r's writes are done */
	long at_b[2];			/* thread t: round r's region A is done, B next */
	long start;			/* the seeded first page */
	long fault_a, fault_b;		/* helper's RUSAGE_THREAD minflt growth */
	long child;			/* child: 1 waiting; parent: 2 verify now */
	long pin_err;
	long finished;			/* main: every round's counts are read, the helper may exit */
	int abort;
	int cpu;			/* the helper's CPU this round */
};

static struct ctl *ctl;
static unsigned long *region_a, *region_b;
static int cpus;

static unsigned long original(long r, int region, long page, long w)
{
	return 0x6f72696700000000UL ^ (unsigned long)r << 40 ^ (unsigned long)region << 36 ^
	       (unsigned long)page << 12 ^ (unsigned long)w;
}

/* What thread t writes to word w of page (in region A all words, in B its parity's). */
static unsigned long written(long r, int t, long page, long w)
{
	return 0x7772697400000000UL ^ (unsigned long)r << 40 ^ (unsigned long)t << 38 ^
	       (unsigned long)page << 12 ^ (unsigned long)w;
}

static long minflt(int who)
{
	struct rusage ru;

	return sys_getrusage(who, &ru) < 0 ? -1 : ru.ru_minflt;
}

/* Thread t's writes of round r, from the seeded page up; its minflt growth in *fa, *fb. */
static void write_regions(long r, int t, long *fa, long *fb)
{
	long f0 = minflt(RUSAGE_THREAD), f1;

	for (long k = 0; k < NP; k++) {
		long i = (ctl->start + k) % NP;

		if (i % 2 != t)
			continue;
		for (long w = 0; w < (long)WORDS; w++)
			((volatile unsigned long *)region_a)[i * WORDS + w] = written(r, t, i, w);
	}
	/* Both start B together: region A may have let one get ahead. */
	ctl->at_b[t] = r;
	wait_until(&ctl->at_b[!t], r, &ctl->abort);
	f1 = minflt(RUSAGE_THREAD);
	for (long k = 0; k < NP; k++) {
		long i = (ctl->start + k) % NP;

		for (long w = t; w < (long)WORDS; w += 2)
			((volatile unsigned long *)region_b)[i * WORDS + w] = written(r, t, i, w);
	}
	*fa = f1 - f0;
	*fb = minflt(RUSAGE_THREAD) - f1;
}

/*
 * The helper: each round, pin, write its stack (the warm-up, after the
 * fork), then wait for go and write its share.  Every wait reads the
 * clock into the same stack bytes the warm-up wrote.
 */
static int helper(void *arg)
{
	(void)arg;
	for (long r = 1; r <= ROUNDS; r++) {
		long err, fa, fb;

		if (!wait_until(&ctl->round, r, &ctl->abort))
			return 1;
		err = pin_to_cpu(ctl->cpu);
		if (err)
			ctl->pin_err = err;
		minflt(RUSAGE_THREAD);
		ctl->warm = r;
		if (!wait_until(&ctl->go, r, &ctl->abort))
			return 1;
		write_regions(r, 1, &fa, &fb);
		ctl->fault_a = fa;
		ctl->fault_b = fb;
		ctl->done = r;
	}
	/*
	 * Stay until main has read the last round's counts: our exit writes
	 * ctid (CLONE_CHILD_CLEARTID) in main's .bss, shared with the round's
	 * child, a COW copy that pagoda_cow_copy would count (513, not 512).
	 */
	wait_until(&ctl->finished, 1, &ctl->abort);
	return 0;
}

/* Fill both regions with round r's original data. */
static void fill_original(long r)
{
	for (long i = 0; i < NP; i++)
		for (long w = 0; w < (long)WORDS; w++) {
			region_a[i * WORDS + w] = original(r, 0, i, w);
			region_b[i * WORDS + w] = original(r, 1, i, w);
		}
}

/* The child: wait, then exit 0 if both regions are still round r's original. */
static __attribute__((noreturn)) void child_body(long r)
{
	long bad = 0;

	if (!mailbox_post_wait(&ctl->child, 1, 2))
		sys_exit_group(2);
	for (long i = 0; i < NP; i++)
		for (long w = 0; w < (long)WORDS; w++) {
			bad += region_a[i * WORDS + w] != original(r, 0, i, w);
			bad += region_b[i * WORDS + w] != original(r, 1, i, w);
		}
	sys_exit_group(bad ? 1 : 0);
}

/* Words of the parent's regions that are not what the two threads wrote. */
static long parent_bad_words(long r, long *first_page)
{
	long bad = 0;

	*first_page = -1;
	for (long i = 0; i < NP; i++)
		for (long w = 0; w < (long)WORDS; w++) {
			int ok = region_a[i * WORDS + w] == written(r, (int)(i % 2), i, w) &&
				 region_b[i * WORDS + w] == written(r, (int)(w % 2), i, w);

			if (!ok && *first_page < 0)
				*first_page = i;
			bad += !ok;
		}
	return bad;
}

/* Pages of both regions not on a frame of their own: shared with the child, or mapped twice. */
static long frames_not_own(long child)
{
	long bad = 0;

	for (int reg = 0; reg < 2; reg++)
		for (long i = 0; i < NP; i++) {
			const unsigned long *p = (reg ? region_b : region_a) + i * WORDS;
			uint64_t mine = page_pfn(0, p), theirs = page_pfn(child, p);

			bad += !mine || !theirs || mine == theirs || kpagecount_get(mine) != 1 ||
			       kpagecount_get(theirs) != 1;
		}
	return bad;
}

struct counts {
	long self, copy, reuse;
};

/* The baseline or end: RUSAGE_SELF and, on Pagoda, the COW counters. */
static void counts_read(struct counts *c)
{
	struct cow_counters cc = { 0, 0 };

	if (is_pagoda())
		cow_counters_read(&cc);
	c->copy = cc.copy;
	c->reuse = cc.reuse;
	c->self = minflt(RUSAGE_SELF);
}

static int map_regions(void)
{
	long a = sys_mmap(NULL, NP * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	long b = sys_mmap(NULL, NP * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (a < 0 || b < 0)
		return -1;
	sys_madvise((void *)a, NP * PAGE_SIZE, MADV_NOHUGEPAGE);
	sys_madvise((void *)b, NP * PAGE_SIZE, MADV_NOHUGEPAGE);
	region_a = (unsigned long *)a;
	region_b = (unsigned long *)b;
	return 0;
}

/* One round; -1 if a handshake or a call failed (the test stops). */
static int one_round(long r, unsigned long *seed)
{
	struct counts before, after;
	long child, fa, fb, bad, first, status = 0;
	int st;

	if (map_regions() < 0)
		return -1;
	fill_original(r);
	ctl->child = 0;
	ctl->start = (long)rng_below(seed, NP);
	ctl->cpu = cpus > 1 ? 1 + (int)(r % (cpus - 1)) : 0;
	child = sys_fork();
	if (child == 0)
		child_body(r);
	if (child < 0)
		return -1;
	ctl->round = r;
	if (!wait_until(&ctl->warm, r, NULL) || !wait_until(&ctl->child, 1, NULL))
		return -1;
	counts_read(&before);			/* writes the vmstat buffer once ... */
	counts_read(&before);			/* ... so this baseline counts no fault of its own */
	ctl->go = r;
	write_regions(r, 0, &fa, &fb);
	if (!wait_until(&ctl->done, r, NULL))
		return -1;
	counts_read(&after);

	bad = parent_bad_words(r, &first);
	if (!tap_is_long(bad, 0, "round %ld: every word is the writing thread's (start page %ld)", r, ctl->start))
		tap_diag("first bad page %ld", first);
	tap_is_long(frames_not_own(child), 0, "round %ld: each of the %d pages has its own frame, not the child's, each mapped once", r, 2 * NP);
	tap_ok(fa >= NP / 2 && ctl->fault_a >= NP / 2, "round %ld: each thread's minflt grew by >= %d in A (%ld, %ld)",
	       r, NP / 2, fa, ctl->fault_a);
	tap_ok(fb + ctl->fault_b >= NP, "round %ld: the threads' minflt grew by >= %d in B (%ld + %ld)",
	       r, NP, fb, ctl->fault_b);
	tap_ok(after.self - before.self >= fa + fb + ctl->fault_a + ctl->fault_b,
	       "round %ld: RUSAGE_SELF grew by all of them (%ld)", r, after.self - before.self);
	if (is_pagoda()) {
		tap_is_long(after.copy - before.copy, 2 * NP, "round %ld: pagoda_cow_copy grew by exactly %d", r, 2 * NP);
		tap_is_long(after.reuse - before.reuse, 0, "round %ld: pagoda_cow_reuse did not grow", r);
	}
	ctl->child = 2;
	tap_ok(sys_wait4((int)child, &st, 0, NULL) == child, "round %ld: wait4 the child", r);
	status = st;
	tap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "round %ld: the child still sees the original data", r);
	sys_munmap(region_a, NP * PAGE_SIZE);
	sys_munmap(region_b, NP * PAGE_SIZE);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long seed = smp_seed(argc, argv);
	static int ctid;
	long tid, r;

	smp_require_two_cpus("smp_cow_race");
	cpus = smp_cpus();
	ctl = mailbox_new(sizeof(*ctl));
	if (!tap_ok(ctl != NULL, "a MAP_SHARED control page"))
		return tap_done();
	if (!tap_is_long(pin_to_cpu(0), 0, "the main thread runs on CPU 0"))
		return tap_done();
	tid = thread_start(helper, NULL, &ctid);
	if (!tap_ok(tid > 0, "a helper thread (clone): %ld", tid))
		return tap_done();
	for (r = 1; r <= ROUNDS; r++)
		if (one_round(r, &seed) < 0)
			break;
	ctl->finished = 1;
	ctl->abort = 1;
	thread_join(&ctid);
	tap_is_long(r - 1, ROUNDS, "all %d rounds ran (fork, the handshakes)", ROUNDS);
	tap_is_long(ctl->pin_err, 0, "the helper ran on CPUs 1..%d (sched_setaffinity, getcpu)", cpus - 1);
	return tap_done();
}
