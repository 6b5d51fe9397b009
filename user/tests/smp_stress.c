/*
 * smp_stress: NPROC processes of NTHR threads each (the process's main
 * thread and NTHR - 1 clones) run ITERS seeded operations each, spread
 * over every CPU (thread t of process p on CPU (p * NTHR + t) % cpus), so
 * that faults, forks, munmaps, mprotects and COW run at the same time in
 * one mm and in several:
 *
 *   fault     mmap 1..16 fresh pages, write them, check them, munmap
 *   fork      fork a child while the thread's own 8 pages hold version v:
 *             the child checks v, writes its own data over them (COW),
 *             checks it and exits; meanwhile the thread writes version
 *             v + 1 (COW too, the child alive) and checks it; wait4: 0
 *   mprotect  its own pages read-only, check them, read-write again,
 *             write version v + 1, check
 *   munmap    map 8 pages, write them, munmap a seeded one of the middle
 *             six, check the other seven, munmap the two pieces (not one
 *             munmap across the hole: another thread may have been given
 *             the hole by its mmap meanwhile)
 *   dontneed  MADV_DONTNEED on a seeded page of 4 written ones: it reads
 *             zero, the others keep their data
 *   shared    its slots (word t + NTHR k) of a region all the process's
 *             threads write: write them, check them; a fork by another
 *             thread makes these COW faults of several CPUs at once
 *
 * Each thread checks its own data after every step and counts what is
 * wrong; a SIGSEGV prints the thread, its operation and the address and
 * ends the process with exit 4; a process exits 0 only if none of its threads found anything (a
 * SIGSEGV kills it, which the parent sees).  The parent waits for all of
 * them (a 120 s cap: SIGKILL and fail), then checks every operation ran,
 * every CPU ran a thread, and the kernel log holds no new "BUG: " report
 * (Pagoda's lock checker; Linux's own).  On Pagoda, also
 * /sys/kernel/debug/pagoda/check reads "ok"; /init's leak check and mm
 * check follow the test as after every test.
 *
 * Seeded: `smp_stress SEED` reruns a run; the seed is printed as "# seed N".
 * /init starts tests without arguments: the kernel command line word
 * smp_stress.seed=N gives the seed then (tools/stress.sh, make stress).
 * ROUNDS runs one after the other (`smp_stress SEED ROUNDS`, or the word
 * smp_stress.rounds=R; default 1, at most MAX_ROUNDS): round r (from 0) is
 * the run of seed SEED + r, printed as "# round r+1 of R: seed S", and
 * `smp_stress S` redoes it alone.  Each round checks everything above.
 */
#include "smptest.h"

#define NPROC		4
#define NTHR		3
#define ITERS		120
#define OWN_PAGES	8
#define SHARED_PAGES	16
#define WORDS		(PAGE_SIZE / 8)
#define STRESS_CAP_NS	(120L * 1000 * 1000 * 1000)
#define MAX_ROUNDS	100

enum op { OP_FAULT, OP_FORK, OP_MPROTECT, OP_MUNMAP, OP_DONTNEED, OP_SHARED, NR_OPS };
static const char *const op_name[NR_OPS] = { "fault", "fork", "mprotect", "munmap", "dontneed", "shared" };

/* One per thread, in a MAP_SHARED page the parent reads at the end. */
struct slot {
	long ops[NR_OPS];
	long errors;
	long cpu;			/* getcpu after pinning; -1 if the pin failed */
	long pin_err;
	long tid;			/* for segv_report: whose slot */
	long op;			/* the operation running now, and its iteration */
	long it;
};

static struct slot *slots;		/* [NPROC * NTHR] */
static unsigned long base_seed;
static int cpus, proc_idx;
static unsigned long *shared_region;	/* per process: all its threads write it */

/* What a thread's own page i holds at version v. */
static unsigned long own_word(int t, long v, long i, long w)
{
	return 0x6f776e0000000000UL ^ (unsigned long)proc_idx << 36 ^ (unsigned long)t << 32 ^
	       (unsigned long)v << 20 ^ (unsigned long)i << 9 ^ (unsigned long)w;
}

static unsigned long temp_word(int t, long it, long i, long w)
{
	return 0x74656d7000000000UL ^ (unsigned long)proc_idx << 36 ^ (unsigned long)t << 32 ^
	       (unsigned long)it << 16 ^ (unsigned long)i << 9 ^ (unsigned long)w;
}

struct worker {
	int t;
	struct slot *slot;
	unsigned long rng;
	unsigned long *own;		/* OWN_PAGES pages */
	long version;
	long it;
};

/* Count and report (once per kind) a wrong check. */
static void fail(struct worker *wk, const char *what)
{
	if (!wk->slot->errors)
		printf("# p%d t%d iteration %ld: %s\n", proc_idx, wk->t, wk->it, what);
	wk->slot->errors++;
}

static void fill(unsigned long *p, long pages, unsigned long (*f)(int, long, long, long), int t, long key)
{
	for (long i = 0; i < pages; i++)
		for (long w = 0; w < (long)WORDS; w++)
			p[i * WORDS + w] = f(t, key, i, w);
}

/* Pages of p (skipping page skip) whose words are not f's: how many. */
static long check(const unsigned long *p, long pages, long skip,
		  unsigned long (*f)(int, long, long, long), int t, long key)
{
	long bad = 0;

	for (long i = 0; i < pages; i++) {
		if (i == skip)
			continue;
		for (long w = 0; w < (long)WORDS; w++)
			if (p[i * WORDS + w] != f(t, key, i, w)) {
				bad++;
				break;
			}
	}
	return bad;
}

static unsigned long *map_pages(long pages)
{
	long p = sys_mmap(NULL, pages * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p < 0 ? NULL : (unsigned long *)p;
}

static void op_fault(struct worker *wk)
{
	long pages = 1 + (long)rng_below(&wk->rng, 16);
	unsigned long *p = map_pages(pages);

	if (!p)
		return fail(wk, "fault: mmap failed");
	fill(p, pages, temp_word, wk->t, wk->it);
	if (check(p, pages, -1, temp_word, wk->t, wk->it))
		fail(wk, "fault: fresh pages lost data");
	if (sys_munmap(p, pages * PAGE_SIZE))
		fail(wk, "fault: munmap failed");
}

/* The forked child: check version v, overwrite (COW), check; exit 0 if all held. */
static __attribute__((noreturn)) void fork_child(struct worker *wk, long v)
{
	int bad = check(wk->own, OWN_PAGES, -1, own_word, wk->t, v) != 0;

	fill(wk->own, OWN_PAGES, own_word, wk->t, v + 1000);
	bad |= (check(wk->own, OWN_PAGES, -1, own_word, wk->t, v + 1000) != 0) << 1;
	sys_exit_group(bad);
}

static void op_fork(struct worker *wk)
{
	long v = wk->version, pid = sys_fork();
	int status = 0;

	if (pid == 0)
		fork_child(wk, v);
	if (pid < 0)
		return fail(wk, "fork failed");
	wk->version++;
	fill(wk->own, OWN_PAGES, own_word, wk->t, wk->version);
	if (check(wk->own, OWN_PAGES, -1, own_word, wk->t, wk->version))
		fail(wk, "fork: the parent's COW copy lost data");
	if (sys_wait4((int)pid, &status, 0, NULL) != pid)
		return fail(wk, "fork: wait4 failed");
	if (WIFSIGNALED(status))
		fail(wk, "fork: the child died of a signal");
	else if (WEXITSTATUS(status) & 1)
		fail(wk, "fork: the child saw other data than the parent had at fork");
	else if (WEXITSTATUS(status))
		fail(wk, "fork: the child's COW copy lost data");
}

static void op_mprotect(struct worker *wk)
{
	if (sys_mprotect(wk->own, OWN_PAGES * PAGE_SIZE, PROT_READ))
		return fail(wk, "mprotect PROT_READ failed");
	if (check(wk->own, OWN_PAGES, -1, own_word, wk->t, wk->version))
		fail(wk, "mprotect: read-only pages changed");
	if (sys_mprotect(wk->own, OWN_PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE))
		return fail(wk, "mprotect PROT_READ|PROT_WRITE failed");
	wk->version++;
	fill(wk->own, OWN_PAGES, own_word, wk->t, wk->version);
	if (check(wk->own, OWN_PAGES, -1, own_word, wk->t, wk->version))
		fail(wk, "mprotect: writable again, lost data");
}

static void op_munmap(struct worker *wk)
{
	long hole = 1 + (long)rng_below(&wk->rng, 6);
	unsigned long *p = map_pages(8);

	if (!p)
		return fail(wk, "munmap: mmap failed");
	fill(p, 8, temp_word, wk->t, wk->it);
	if (sys_munmap(p + hole * WORDS, PAGE_SIZE))
		return fail(wk, "munmap of one page failed");
	if (check(p, 8, hole, temp_word, wk->t, wk->it))
		fail(wk, "munmap: the pages around the hole lost data");
	/*
	 * The two pieces, not one munmap across the hole: another thread's
	 * mmap may have been given the hole meanwhile (Linux's top-down
	 * search takes the highest gap that fits), and is not ours to unmap.
	 */
	if (sys_munmap(p, hole * PAGE_SIZE) || sys_munmap(p + (hole + 1) * WORDS, (7 - hole) * PAGE_SIZE))
		fail(wk, "munmap of the pieces around the hole failed");
}

static void op_dontneed(struct worker *wk)
{
	long drop = (long)rng_below(&wk->rng, 4);
	unsigned long *p = map_pages(4);

	if (!p)
		return fail(wk, "dontneed: mmap failed");
	fill(p, 4, temp_word, wk->t, wk->it);
	if (sys_madvise(p + drop * WORDS, PAGE_SIZE, MADV_DONTNEED))
		fail(wk, "madvise(MADV_DONTNEED) failed");
	for (long w = 0; w < (long)WORDS; w++)
		if (p[drop * WORDS + w]) {
			fail(wk, "dontneed: the dropped page does not read zero");
			break;
		}
	if (check(p, 4, drop, temp_word, wk->t, wk->it))
		fail(wk, "dontneed: the other pages lost data");
	sys_munmap(p, 4 * PAGE_SIZE);
}

static void op_shared(struct worker *wk)
{
	unsigned long *s = shared_region;
	long bad = 0;

	for (long i = 0; i < SHARED_PAGES; i++)
		for (long w = wk->t; w < (long)WORDS; w += NTHR)
			s[i * WORDS + w] = temp_word(wk->t, wk->it, i, w);
	for (long i = 0; i < SHARED_PAGES; i++)
		for (long w = wk->t; w < (long)WORDS; w += NTHR)
			bad += s[i * WORDS + w] != temp_word(wk->t, wk->it, i, w);
	if (bad)
		fail(wk, "shared: another thread's write or a COW lost our words");
}

/*
 * A SIGSEGV in a worker: say which thread, in which operation, at which
 * address, then end the process (exit 4: the parent reports it). Without
 * it the parent would only see "killed by signal 11".
 */
static void segv_report(int sig, struct k_siginfo *si, void *uc)
{
	long tid = sys_gettid();

	(void)sig;
	(void)uc;
	for (int t = 0; t < NTHR; t++) {
		struct slot *sl = &slots[proc_idx * NTHR + t];

		if (sl->tid == tid)
			printf("# p%d t%d iteration %ld (%s): SIGSEGV code %d at %p\n", proc_idx, t, sl->it,
			       op_name[sl->op], si->si_code, si->si_addr);
	}
	sys_exit_group(4);
}

static void (*const ops[NR_OPS])(struct worker *) = {
	op_fault, op_fork, op_mprotect, op_munmap, op_dontneed, op_shared,
};

/* One thread's ITERS operations, on CPU (proc_idx * NTHR + t) % cpus. */
static int worker_thread(void *arg)
{
	struct worker wk = { .t = (int)(long)arg };

	wk.slot = &slots[proc_idx * NTHR + wk.t];
	wk.slot->tid = sys_gettid();
	wk.rng = base_seed ^ (0x9e3779b97f4a7c15UL * (unsigned long)(proc_idx * NTHR + wk.t + 1));
	wk.slot->pin_err = pin_to_cpu((proc_idx * NTHR + wk.t) % cpus);
	wk.slot->cpu = wk.slot->pin_err ? -1 : current_cpu();
	wk.own = map_pages(OWN_PAGES);
	if (!wk.own) {
		fail(&wk, "mmap of its own pages failed");
		return 1;
	}
	fill(wk.own, OWN_PAGES, own_word, wk.t, wk.version);
	for (wk.it = 0; wk.it < ITERS; wk.it++) {
		enum op op = (enum op)rng_below(&wk.rng, NR_OPS);

		wk.slot->op = op;
		wk.slot->it = wk.it;
		ops[op](&wk);
		wk.slot->ops[op]++;
	}
	return 0;
}

/* A worker process: NTHR - 1 clones and itself; exit 0 if no thread found anything wrong. */
static __attribute__((noreturn)) void worker_process(int p)
{
	static int ctid[NTHR];
	long errors = 0;

	proc_idx = p;
	shared_region = map_pages(SHARED_PAGES);
	if (!shared_region || sigaction_install(SIGSEGV, segv_report) < 0)
		sys_exit_group(2);
	for (int t = 1; t < NTHR; t++)
		if (thread_start(worker_thread, (void *)(long)t, &ctid[t]) <= 0)
			sys_exit_group(3);
	worker_thread((void *)0L);
	for (int t = 1; t < NTHR; t++)
		thread_join(&ctid[t]);
	for (int t = 0; t < NTHR; t++)
		errors += slots[p * NTHR + t].errors;
	sys_exit_group(errors ? 1 : 0);
}

/* Wait for every worker, at most STRESS_CAP_NS; SIGKILL the rest then. How many exited 0. */
static int reap_workers(const long *pids)
{
	long deadline = now_ns() + STRESS_CAP_NS;
	int left = NPROC, ok = 0;

	while (left) {
		int status;
		long pid = sys_wait4(-1, &status, WNOHANG, NULL);

		if (pid > 0) {
			char how[64];

			left--;
			wstatus_str(status, how, sizeof(how));
			ok += WIFEXITED(status) && !WEXITSTATUS(status);
			if (!WIFEXITED(status) || WEXITSTATUS(status))
				tap_diag("worker %ld: %s", pid, how);
			continue;
		}
		if (pid < 0 || now_ns() > deadline) {
			tap_diag("%d workers still running after 120 s: killed", left);
			for (int p = 0; p < NPROC; p++)
				sys_kill((int)pids[p], SIGKILL);
			while (sys_wait4(-1, &status, 0, NULL) > 0)
				;
			return ok;
		}
		sys_sched_yield();
	}
	return ok;
}

static void check_totals(void)
{
	long per_op[NR_OPS] = { 0 }, pin_errs = 0;
	unsigned long ran_on = 0;

	for (int i = 0; i < NPROC * NTHR; i++) {
		for (int op = 0; op < NR_OPS; op++)
			per_op[op] += slots[i].ops[op];
		pin_errs += slots[i].pin_err != 0;
		if (slots[i].cpu >= 0 && slots[i].cpu < 64)
			ran_on |= 1UL << slots[i].cpu;
	}
	tap_is_long(pin_errs, 0, "every thread ran on its CPU (sched_setaffinity, getcpu)");
	tap_is_ulong(ran_on, cpus >= 64 ? ~0UL : (1UL << cpus) - 1, "the threads ran on all %d CPUs", cpus);
	for (int op = 0; op < NR_OPS; op++)
		tap_ok(per_op[op] > 0, "%s ran %ld times", op_name[op], per_op[op]);
}

/*
 * One run: NPROC workers from seed base_seed, their totals and the kernel log.
 * log: the syslog buffer, static in main (512 KB is too big for a stack).
 */
static void stress_run(char *log, size_t size)
{
	long pids[NPROC];
	int bugs_before, ok;

	syslog_read(log, size);
	bugs_before = count_occurrences(log, "BUG: ");
	for (int p = 0; p < NPROC; p++) {
		pids[p] = sys_fork();
		if (pids[p] == 0)
			worker_process(p);
		if (!tap_ok(pids[p] > 0, "fork worker %d", p)) {
			while (--p >= 0)
				sys_kill((int)pids[p], SIGKILL);
			while (sys_wait4(-1, NULL, 0, NULL) > 0)
				;
			return;
		}
	}
	ok = reap_workers(pids);
	tap_is_long(ok, NPROC, "all %d workers (%d threads each, %d operations a thread) exited 0",
		    NPROC, NTHR, ITERS);
	check_totals();
	syslog_read(log, size);
	tap_is_long(count_occurrences(log, "BUG: "), bugs_before, "no new \"BUG: \" report in the kernel log");
	if (is_pagoda()) {
		char report[256];

		tap_ok(debug_query(PAGODA_DEBUG "check", NULL, report, sizeof(report)) > 0 && !strcmp(report, "ok\n"),
		       "Pagoda's mm check reads ok: %.60s", report);
	}
}

int main(int argc, char **argv)
{
	static char log[512 * 1024];
	unsigned long rounds = 1;

	base_seed = smp_seed(argc, argv);
	if (argc > 2)
		rounds = strtoul(argv[2], NULL, 0);
	else
		smp_cmdline_ulong(argv[0], "rounds", &rounds);
	if (rounds < 1 || rounds > MAX_ROUNDS)
		rounds = 1;
	smp_require_two_cpus("smp_stress");
	cpus = smp_cpus();
	slots = mailbox_new(NPROC * NTHR * sizeof(struct slot));
	if (!tap_ok(slots != NULL, "a MAP_SHARED page for the workers' counts"))
		return tap_done();
	for (unsigned long r = 0; r < rounds; r++) {
		/* Round r is the run of seed base + r: `smp_stress SEED` redoes one. */
		if (r) {
			base_seed++;
			memset(slots, 0, NPROC * NTHR * sizeof(struct slot));
		}
		if (rounds > 1)
			printf("# round %lu of %lu: seed %lu\n", r + 1, rounds, base_seed);
		stress_run(log, sizeof(log));
	}
	return tap_done();
}
