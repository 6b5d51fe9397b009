/*
 * bench_fault.c - /bench/bench_fault: the cost of the basic anonymous
 * memory operations, as "bench: NAME VALUE unit" lines (medians of a few
 * rounds), so that the same binary gives comparable figures on Pagoda and
 * on Linux in the same QEMU setup.
 *
 *   fault_4k    first write to a 4 KB page of a fresh private mapping
 *   fault_4k_smp  the same while the other CPU faults in the same mm: two
 *               threads pinned to CPUs 0 and 1, each writing its own
 *               fresh mapping, started together; the mean of the two
 *               threads' ns per fault (skipped, with a "# bench:" line,
 *               where sched_setaffinity cannot place them)
 *   fork_64mb   fork + child exit + wait4, with 64 MB of 4 KB pages mapped
 *   cow_4k      a write to a page shared with a live child (copy)
 *   cow_reuse_4k a write to a write-protected page nobody else maps (reuse)
 *   fault_2m    first write to an aligned 2 MB block with MADV_HUGEPAGE
 *               (one THP fault where the kernel has THP; else 512 faults)
 *   thp_fault_2m  the one write that faults in a THP (2 MB, MADV_HUGEPAGE)
 *   memset_2m   memset (rep stosq) of 2 MB already faulted: the bound for
 *               thp_fault_2m, which must clear as many bytes
 *   thp_vs_memset thp_fault_2m / memset_2m, in percent (median of rounds)
 *   memset_2m_erms, thp_vs_erms  the same with rep stosb (Linux's
 *               clear_page_erms under -cpu max; TCG runs it a byte a step)
 *   fork_64mb_thp fork + child exit + wait4, with 32 THPs mapped
 *   cow_thp_split the child's first write to a THP after fork, the default
 *               policy (Linux 5.8+: split the PMD, copy 4 KB)
 *   cow_thp_copy  the same under pagoda_cow_policy "copy" (copy 2 MB; Pagoda
 *               only: Linux 6.1 has no such policy)
 *   thp_missing the faults above that should have got a THP and did not
 *               (/proc/vmstat thp_fault_alloc): must be 0 on both kernels
 *   hugetlb_fault_2m   first write to a 2 MB MAP_HUGETLB|MAP_PRIVATE page
 *               (mmap, time the write, munmap): a pool page cleared
 *   hugetlb_memset_2m  rep stosq memset of that page once faulted (2 MB
 *               aligned, like the kernel's clearing): the fault's bound
 *   hugetlb_vs_memset  hugetlb_fault_2m / hugetlb_memset_2m, in percent
 *   hugetlb_vs_erms    the same against a rep stosb memset of the page
 *               (Linux's clear_page_erms; memset_2m_erms above)
 *   hugetlb_cow_2m     the child's first write to a private hugetlb page
 *               written before fork: a 2 MB copy (hugetlb_cow)
 *   hugetlb_cow_dist   how far apart (pagemap) that copy's frames were, MB
 *   hugetlb_memcpy_2m  rep movsq memcpy of 2 MB between two 2 MB-aligned
 *               buffers hugetlb_cow_dist apart (modulo 256 MB): the COW's
 *               bound, with the same alignment and distance as the
 *               kernel's copy (through its direct map), which under TCG
 *               decide the cost
 *   hugetlb_memcpy_2m_4k  the same 4 KB further: no TLB slot shared, the
 *               copy's bound whatever QEMU's TLB sizes
 *   hugetlb_cow_vs_memcpy, hugetlb_cow_vs_memcpy_4k  hugetlb_cow_2m against
 *               each, in percent
 *   memcpy_2m_a64m     the same memcpy with the buffers 64 MB apart (both
 *               2 MB aligned: one slot of QEMU's TLB for every page pair
 *               up to 16K entries), TCG's trap
 *   The hugetlb rows are medians of all their samples (8 faults or 4
 *   COWs a round), their ratios medians of the per-pair ratios.
 *   The hugetlb rows need a pool of HUGETLB_POOL_PAGES (hugepages=4 on
 *   the command line, as make bench and tools/bench.sh boot both kernels);
 *   without it they print "# bench: hugetlb: no pool (...)" and are skipped.
 *
 * At the end it runs /bench/bench_migrate (migrate_pages MB/s) as a child.
 *
 * Usage: bench_fault [ROUNDS]   (default 5)
 * Run as the first process (make bench, tools/bench.sh: rdinit=/bench/bench_fault)
 * it powers the machine off when done, on Pagoda and on Linux alike.
 */
#include "ulib.h"
#include "../tests/smptest.h"		/* pin_to_cpu, thread_start / thread_join */
#include "bench.h"			/* mounts_setup, median */

#define MB              (1UL << 20)
#define FAULT_PAGES     4096UL                  /* 16 MB */
#define FORK_BYTES      (64 * MB)
#define MAX_ROUNDS      15
#define THP_FAULTS      8                       /* THPs per thp_fault_2m round */
#define FORK_THPS       (FORK_BYTES / HPAGE_SIZE)
#define THP_DIR         "/sys/kernel/mm/transparent_hugepage/"
#define COW_POLICY      THP_DIR "pagoda_cow_policy"
#define HUGETLB_FAULTS  8                       /* hugetlb faults a round */
#define HUGETLB_COWS    4                       /* hugetlb COW copies a round */
#define HUGETLB_SAMPLES (MAX_ROUNDS * HUGETLB_FAULTS)
#define HUGETLB_POOL_PAGES 2                    /* a COW's source and copy */
#define HUGETLB_MAP     (MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB)
#define MEMCPY_FAR      (64L << 20)             /* a slot collision for TLBs up to 16K entries */
#define MEMCPY_FOLD     (256L << 20)            /* see tlb_fold() */
#define __NR_lseek      8
#define SEEK_SET        0
#define PM_PRESENT      (1UL << 63)             /* /proc/PID/pagemap */
#define PM_PFN_MASK     ((1UL << 55) - 1)

static volatile long *stage;                     /* shared with the COW child */
static long thp_missing;                         /* see thp_fault_in() */

static unsigned char *map(unsigned long len, int advice)
{
	long p = sys_mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p < 0) {
		printf("bench: mmap %lu MB failed: %s\n", len / MB, errno_name((int)-p));
		sys_exit_group(1);
	}
	sys_madvise((void *)p, len, advice);
	return (unsigned char *)p;
}

static void touch(unsigned char *p, unsigned long len)
{
	for (unsigned long off = 0; off < len; off += PAGE_SIZE)
		((volatile unsigned char *)p)[off] = 1;
}

/* ns per 4 KB first-touch fault */
static long fault_4k(void)
{
	unsigned char *p = map(FAULT_PAGES * PAGE_SIZE, MADV_NOHUGEPAGE);
	long t0 = now_ns();

	touch(p, FAULT_PAGES * PAGE_SIZE);
	t0 = now_ns() - t0;
	sys_munmap(p, FAULT_PAGES * PAGE_SIZE);
	return t0 / (long)FAULT_PAGES;
}

/*
 * fault_4k_smp: the helper thread's side.  Each round it maps its pages,
 * says so, waits for go, writes them and reports its ns and its mapping,
 * which the main thread unmaps once both are timed: a munmap (a TLB
 * shootdown to the other CPU) must not fall inside the other's timing.
 */
static struct {
	volatile long round, ready, go, done, ns;
	unsigned char *volatile pages;
	volatile long pin_err;
	int rounds;
} smp;

static int smp_fault_helper(void *arg)
{
	(void)arg;
	smp.pin_err = pin_to_cpu(1);
	for (long r = 1; r <= smp.rounds; r++) {
		unsigned char *p;
		long t;

		while (smp.round < r)
			sys_sched_yield();
		p = map(FAULT_PAGES * PAGE_SIZE, MADV_NOHUGEPAGE);
		smp.ready = r;
		while (smp.go < r)
			;
		t = now_ns();
		touch(p, FAULT_PAGES * PAGE_SIZE);
		smp.ns = now_ns() - t;
		smp.pages = p;
		smp.done = r;
	}
	return 0;
}

/*
 * ns per 4 KB first-touch fault on CPU 0 and CPU 1 at once, in one mm: the
 * mean of the two threads' per-fault times, one value per round into v[].
 * Returns 0, or -errno when the threads could not be placed.
 */
static long fault_4k_smp(long *v, int rounds)
{
	static int ctid;
	unsigned long all = 0;
	long err, tid;

	sys_sched_getaffinity(0, sizeof(all), &all);
	err = pin_to_cpu(0);
	if (err)
		return err;
	smp.rounds = rounds;
	tid = thread_start(smp_fault_helper, NULL, &ctid);
	if (tid < 0)
		return tid;
	for (long r = 1; r <= rounds; r++) {
		unsigned char *p = map(FAULT_PAGES * PAGE_SIZE, MADV_NOHUGEPAGE);
		long t;

		smp.round = r;
		while (smp.ready < r)
			sys_sched_yield();
		smp.go = r;
		t = now_ns();
		touch(p, FAULT_PAGES * PAGE_SIZE);
		t = now_ns() - t;
		while (smp.done < r)
			sys_sched_yield();
		sys_munmap(p, FAULT_PAGES * PAGE_SIZE);
		sys_munmap(smp.pages, FAULT_PAGES * PAGE_SIZE);
		v[r - 1] = (t + smp.ns) / 2 / (long)FAULT_PAGES;
	}
	thread_join(&ctid);
	sys_sched_setaffinity(0, sizeof(all), &all);
	return smp.pin_err;
}

/* us per fork + exit + wait with 64 MB mapped */
static long fork_64mb(unsigned char *p)
{
	int status;
	long t0 = now_ns(), pid = sys_fork();

	if (pid == 0)
		sys_exit_group(0);
	sys_wait4((int)pid, &status, 0, NULL);
	(void)p;
	return (now_ns() - t0) / 1000;
}

/* ns per COW fault: copy (a child shares the pages) or reuse (it has exited) */
static long cow_4k(int reuse)
{
	unsigned char *p = map(FAULT_PAGES * PAGE_SIZE, MADV_NOHUGEPAGE);
	struct timespec ts = { 0, 1000 * 1000 };
	int status;
	long pid, t;

	touch(p, FAULT_PAGES * PAGE_SIZE);
	*stage = 0;
	pid = sys_fork();
	if (pid == 0) {
		*stage = 1;
		while (*stage != 2)
			sys_nanosleep(&ts, NULL);
		sys_exit_group(0);
	}
	while (*stage != 1)
		sys_sched_yield();
	if (reuse) {
		*stage = 2;
		sys_wait4((int)pid, &status, 0, NULL);
	}
	touch(p, PAGE_SIZE);                    /* our stack's and this page's faults first */
	t = now_ns();
	touch(p + PAGE_SIZE, (FAULT_PAGES - 1) * PAGE_SIZE);
	t = now_ns() - t;
	if (!reuse) {
		*stage = 2;
		sys_wait4((int)pid, &status, 0, NULL);
	}
	sys_munmap(p, FAULT_PAGES * PAGE_SIZE);
	return t / (long)(FAULT_PAGES - 1);
}

/* us per 2 MB block first touch, MADV_HUGEPAGE */
static long fault_2m(void)
{
	unsigned long len = 8 * HPAGE_SIZE;
	unsigned char *raw = map(len + HPAGE_SIZE, MADV_NORMAL);
	unsigned char *p = (unsigned char *)ALIGN_UP((unsigned long)raw, HPAGE_SIZE);
	long t;

	sys_madvise(p, len, MADV_HUGEPAGE);
	t = now_ns();
	for (unsigned long off = 0; off < len; off += HPAGE_SIZE)
		touch(p + off, HPAGE_SIZE);
	t = now_ns() - t;
	sys_munmap(raw, len + HPAGE_SIZE);
	return t / 8 / 1000;
}

/*
 * memset of n bytes (a multiple of 8) as a kernel clears pages: rep stosq
 * (Pagoda's memset, Linux's clear_page_rep).  The user library's memset
 * is a byte loop, and rep stosb costs TCG one iteration a byte.
 */
static void memset_stosq(void *d, int c, unsigned long n)
{
	unsigned long words = n / 8, pattern = 0x0101010101010101UL * (unsigned char)c;

	__asm__ volatile("rep stosq" : "+D"(d), "+c"(words) : "a"(pattern) : "memory");
}

/* The same with rep stosb: Linux's clear_page_erms, which -cpu max selects. */
static void memset_stosb(void *d, int c, unsigned long n)
{
	__asm__ volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
}

/* ns per memset of each of the n faulted 2 MB blocks at p */
static long memset_2m(unsigned char *p, unsigned long n, void (*fill)(void *, int, unsigned long))
{
	long t;

	fill(p, 2, HPAGE_SIZE);                 /* warm: TCG translates it once */
	t = now_ns();
	for (unsigned long i = 0; i < n; i++)
		fill(p + i * HPAGE_SIZE, 3, HPAGE_SIZE);
	return (now_ns() - t) / (long)n;
}

/*
 * n aligned 2 MB blocks with MADV_HUGEPAGE, not yet faulted; *raw and
 * *rawlen are what to munmap.
 */
static unsigned char *thp_map(unsigned long n, unsigned char **raw, unsigned long *rawlen)
{
	unsigned char *p;

	*rawlen = (n + 1) * HPAGE_SIZE;
	*raw = map(*rawlen, MADV_NORMAL);
	p = (unsigned char *)ALIGN_UP((unsigned long)*raw, HPAGE_SIZE);
	sys_madvise(p, n * HPAGE_SIZE, MADV_HUGEPAGE);
	return p;
}

/*
 * Fault in the n blocks at p with one write each; returns the ns it took.
 * The faults that did not allocate a THP (thp_fault_alloc did not count
 * them) add to thp_missing: a row measured without THPs is not one.
 */
static long thp_fault_in(unsigned char *p, unsigned long n)
{
	long before = vmstat_get("thp_fault_alloc"), after, t;

	t = now_ns();
	for (unsigned long i = 0; i < n; i++)
		((volatile unsigned char *)p)[i * HPAGE_SIZE] = 1;
	t = now_ns() - t;
	after = vmstat_get("thp_fault_alloc");
	if (before < 0 || after < 0)
		thp_missing += (long)n;
	else if (after - before < (long)n)
		thp_missing += (long)n - (after - before);
	return t;
}

/* ns per THP fault, and per memset (stosq, stosb) of the same 2 MB once faulted */
static void thp_fault_2m(long *fault, long *fill, long *fill_erms)
{
	unsigned char *raw, *p;
	unsigned long rawlen;

	p = thp_map(THP_FAULTS, &raw, &rawlen);
	*fault = thp_fault_in(p, THP_FAULTS) / THP_FAULTS;
	*fill = memset_2m(p, THP_FAULTS, memset_stosq);
	*fill_erms = memset_2m(p, THP_FAULTS, memset_stosb);
	sys_munmap(raw, rawlen);
}

/*
 * ns of the child's first write to a THP it shares with its parent after
 * fork, under the current COW policy.  The child faults its stack and the
 * clock's pages first, so that only the THP's fault is timed.
 */
static long cow_thp(void)
{
	unsigned char *raw, *p;
	unsigned long rawlen;
	int status;
	long pid, t;

	p = thp_map(1, &raw, &rawlen);
	thp_fault_in(p, 1);
	stage[1] = -1;
	pid = sys_fork();
	if (pid == 0) {
		volatile long t0 = now_ns();

		t0 = now_ns();
		((volatile unsigned char *)p)[HPAGE_SIZE / 2] = 7;
		stage[1] = now_ns() - t0;
		sys_exit_group(0);
	}
	sys_wait4((int)pid, &status, 0, NULL);
	t = stage[1];
	sys_munmap(raw, rawlen);
	return t;
}

static void thp_rows(int rounds)
{
	long v[MAX_ROUNDS], w[MAX_ROUNDS], e[MAX_ROUNDS], r[MAX_ROUNDS], re[MAX_ROUNDS];
	unsigned char *raw, *p;
	unsigned long rawlen;

	for (int i = 0; i < rounds; i++) {
		thp_fault_2m(&v[i], &w[i], &e[i]);
		r[i] = w[i] > 0 ? v[i] * 100 / w[i] : 0;
		re[i] = e[i] > 0 ? v[i] * 100 / e[i] : 0;
	}
	printf("bench: thp_fault_2m %ld us\n", median(v, rounds) / 1000);
	printf("bench: memset_2m %ld us\n", median(w, rounds) / 1000);
	printf("bench: thp_vs_memset %ld %%\n", median(r, rounds));
	printf("bench: memset_2m_erms %ld us\n", median(e, rounds) / 1000);
	printf("bench: thp_vs_erms %ld %%\n", median(re, rounds));

	p = thp_map(FORK_THPS, &raw, &rawlen);
	thp_fault_in(p, FORK_THPS);
	for (int i = 0; i < rounds; i++)
		v[i] = fork_64mb(p);
	printf("bench: fork_64mb_thp %ld us\n", median(v, rounds));
	sys_munmap(raw, rawlen);

	/* Linux 6.1 has only the split behaviour, and no policy file. */
	knob_write(COW_POLICY, "split");
	for (int i = 0; i < rounds; i++)
		v[i] = cow_thp();
	printf("bench: cow_thp_split %ld ns\n", median(v, rounds));
	if (knob_write(COW_POLICY, "copy") > 0) {
		for (int i = 0; i < rounds; i++)
			v[i] = cow_thp();
		printf("bench: cow_thp_copy %ld ns\n", median(v, rounds));
		knob_write(COW_POLICY, "split");
	}
	printf("bench: thp_missing %ld faults\n", thp_missing);
	if (thp_missing)
		printf("bench: WARNING %ld THP faults got no THP: the thp rows are not THP figures\n",
		       thp_missing);
}

/* A private anonymous hugetlb mapping of len bytes, or -errno. */
static long hugetlb_mmap(unsigned long len)
{
	return sys_mmap(NULL, len, PROT_READ | PROT_WRITE, HUGETLB_MAP, -1, 0);
}

/* The same, after hugetlb_probe() said the pool can serve it: a failure is fatal. */
static volatile unsigned char *hugetlb_map(unsigned long len)
{
	long p = hugetlb_mmap(len);

	if (p < 0) {
		printf("bench: hugetlb mmap %lu MB failed after the probe: %s\n",
		       len / MB, errno_name((int)-p));
		sys_exit_group(1);
	}
	return (volatile unsigned char *)p;
}

/*
 * Whether the pool serves HUGETLB_POOL_PAGES pages at once.  A child
 * tries, so that a kernel whose hugetlb fault raises SIGBUS costs the
 * rows and not the benchmark (its pid 1 dying would stop the machine).
 * When it cannot, prints why as a "# bench:" comment and returns 0.
 */
static int hugetlb_probe(void)
{
	unsigned long len = HUGETLB_POOL_PAGES * HPAGE_SIZE;
	int status = 0;
	long pid = sys_fork();

	if (pid == 0) {
		long p = hugetlb_mmap(len);

		if (p < 0)
			sys_exit_group((int)-p);
		touch((unsigned char *)p, len);
		sys_exit_group(0);
	}
	if (pid < 0 || sys_wait4((int)pid, &status, 0, NULL) < 0) {
		printf("# bench: hugetlb: no probe (fork or wait4 failed)\n");
		return 0;
	}
	if (WIFSIGNALED(status)) {
		printf("# bench: hugetlb: no pool (the probe's fault of %lu MB died of signal %d; HugePages_Total %ld)\n",
		       len / MB, WTERMSIG(status), meminfo_kb("HugePages_Total"));
		return 0;
	}
	if (WEXITSTATUS(status)) {
		printf("# bench: hugetlb: no pool (mmap MAP_HUGETLB of %lu MB: %s; HugePages_Total %ld, boot with hugepages=4)\n",
		       len / MB, errno_name(WEXITSTATUS(status)), meminfo_kb("HugePages_Total"));
		return 0;
	}
	return 1;
}

/*
 * n hugetlb faults (a fresh mapping's first write: a pool page cleared),
 * each followed by a memset of the same page: the same 2 MB, as cold in
 * QEMU's TLB as the kernel's clearing found it, with rep stosq and then
 * rep stosb (Linux's clear_page_erms).  ns of each, in fault[], fill[]
 * and fill_erms[]: a fault and its memsets run a few ms apart, so that
 * their ratio survives the host's load better than whole rounds do.
 */
static void hugetlb_fault_2m(long *fault, long *fill, long *fill_erms, int n)
{
	long t;

	for (int i = 0; i < n; i++) {
		volatile unsigned char *p = hugetlb_map(HPAGE_SIZE);

		t = now_ns();
		p[0] = 1;
		fault[i] = now_ns() - t;
		t = now_ns();
		memset_stosq((void *)p, 3, HPAGE_SIZE);
		fill[i] = now_ns() - t;
		t = now_ns();
		memset_stosb((void *)p, 4, HPAGE_SIZE);
		fill_erms[i] = now_ns() - t;
		sys_munmap((void *)p, HPAGE_SIZE);
	}
}

/* The frame mapped at addr (/proc/self/pagemap), or 0 if unknown. */
static long page_frame(const volatile void *addr)
{
	unsigned long entry = 0;
	long fd = sys_openat(AT_FDCWD, "/proc/self/pagemap", O_RDONLY, 0), r;

	if (fd < 0)
		return 0;
	r = syscall3(__NR_lseek, fd, (unsigned long)addr / PAGE_SIZE * 8, SEEK_SET);
	if (r >= 0)
		r = sys_read((int)fd, &entry, sizeof(entry));
	sys_close((int)fd);
	if (r != sizeof(entry) || !(entry & PM_PRESENT))
		return 0;
	return (long)(entry & PM_PFN_MASK);
}

/*
 * ns of the child's first write to a private hugetlb page that its
 * parent wrote before fork: mapcount 2, so hugetlb_cow copies 2 MB into a
 * new pool page.  The child faults its stack and the clock's pages first.
 * *dist: the new frame's address minus the old one's (both 2 MB aligned),
 * 0 if pagemap does not tell.  -1 when the child did not report a time,
 * or the copy lost the data.
 */
static long hugetlb_cow_2m(long *dist)
{
	volatile unsigned char *p = hugetlb_map(HPAGE_SIZE);
	long pid, t, old;
	int status;

	p[0] = 1;
	old = page_frame(p);
	stage[1] = -1;
	stage[2] = 0;
	pid = sys_fork();
	if (pid == 0) {
		volatile long t0 = now_ns();

		t0 = now_ns();
		p[HPAGE_SIZE / 2] = 7;
		t = now_ns() - t0;
		stage[2] = page_frame(p);
		stage[1] = p[0] == 1 ? t : -1;
		sys_exit_group(0);
	}
	sys_wait4((int)pid, &status, 0, NULL);
	t = stage[1];
	*dist = old && stage[2] ? (stage[2] - old) * (long)PAGE_SIZE : 0;
	sys_munmap((void *)p, HPAGE_SIZE);
	return t;
}

/* rep movsq memcpy of n bytes (a multiple of 8), as Pagoda's memcpy and Linux's copy_page */
static void memcpy_movsq(void *d, const void *s, unsigned long n)
{
	unsigned long words = n / 8;

	__asm__ volatile("rep movsq" : "+D"(d), "+S"(s), "+c"(words) : : "memory");
}

/*
 * ns of one rep movsq memcpy of 2 MB from a buffer to one dist bytes
 * away (dist < 0: below it), the lower of the two 2 MB aligned, both
 * already faulted, the first copy between them.  Under TCG the cost
 * depends on the distance: QEMU's softmmu TLB is direct-mapped on the
 * virtual page number and resized as it is used, so a distance that is a
 * multiple of its span (entries x 4 KB) puts every source and destination
 * page in the same slot, and each 8-byte move misses its fast path.
 * -1 if the address space cannot be had.
 */
static long memcpy_2m_at(long dist)
{
	unsigned long gap = (unsigned long)(dist < 0 ? -dist : dist);
	unsigned long len = gap + 2 * HPAGE_SIZE;
	long raw = sys_mmap(NULL, len + HPAGE_SIZE, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned char *lo, *src, *dst;
	long t;

	if (raw < 0)
		return -1;
	lo = (unsigned char *)ALIGN_UP((unsigned long)raw, HPAGE_SIZE);
	sys_madvise(lo, len, MADV_NOHUGEPAGE);
	src = dist < 0 ? lo + gap : lo;
	dst = dist < 0 ? lo : lo + gap;
	touch(src, HPAGE_SIZE);
	touch(dst, HPAGE_SIZE);
	t = now_ns();
	memcpy_movsq(dst, src, HPAGE_SIZE);
	t = now_ns() - t;
	sys_munmap((void *)raw, len + HPAGE_SIZE);
	return t;
}

/* x / y in percent, for each of n pairs, into r[] */
static void ratios(long *r, const long *x, const long *y, int n)
{
	for (int i = 0; i < n; i++)
		r[i] = y[i] > 0 ? x[i] * 100 / y[i] : 0;
}

/*
 * A distance that shares slots in QEMU's TLB exactly as dist does (for
 * any TLB of up to MEMCPY_FOLD / 4 KB entries, which ours never reach),
 * but needs at most MEMCPY_FOLD of address space: Linux's pool frames
 * can be nearly the whole 1 GB apart, more than it lets one mmap have.
 */
static long tlb_fold(long dist)
{
	long r = dist % MEMCPY_FOLD;

	return r ? r : (dist < 0 ? -MEMCPY_FOLD : MEMCPY_FOLD);
}

/*
 * The fault rows and the COW rows.  Every figure is the median of all the
 * samples (HUGETLB_FAULTS or HUGETLB_COWS a round), and every ratio the
 * median of the per-pair ratios: under TCG on a shared host a median of
 * pairs taken ms apart is steadier than a ratio of whole-round means.
 */
static void hugetlb_rows(int rounds)
{
	static long f[HUGETLB_SAMPLES], m[HUGETLB_SAMPLES], e[HUGETLB_SAMPLES];
	static long r[HUGETLB_SAMPLES], re[HUGETLB_SAMPLES];
	static long c[HUGETLB_SAMPLES], d[HUGETLB_SAMPLES], a[HUGETLB_SAMPLES], o[HUGETLB_SAMPLES];
	int n = rounds * HUGETLB_FAULTS, guessed = 0;

	if (!hugetlb_probe())
		return;
	hugetlb_fault_2m(f, m, e, n);
	ratios(r, f, m, n);
	ratios(re, f, e, n);
	printf("bench: hugetlb_fault_2m %ld us\n", median(f, n) / 1000);
	printf("bench: hugetlb_memset_2m %ld us\n", median(m, n) / 1000);
	printf("bench: hugetlb_vs_memset %ld %%\n", median(r, n));
	printf("bench: hugetlb_vs_erms %ld %%\n", median(re, n));

	n = rounds * HUGETLB_COWS;
	for (int i = 0; i < n; i++) {
		c[i] = hugetlb_cow_2m(&d[i]);
		if (c[i] < 0) {
			printf("# bench: hugetlb: the COW child reported no time, or lost the parent's data: no COW rows\n");
			return;
		}
		if (!d[i]) {
			d[i] = (long)HPAGE_SIZE;        /* no pagemap: the nearest 2 MB-aligned pair */
			guessed = 1;
		}
		a[i] = memcpy_2m_at(tlb_fold(d[i]));
		o[i] = memcpy_2m_at(tlb_fold(d[i]) + (long)PAGE_SIZE);
		if (a[i] <= 0 || o[i] <= 0) {
			printf("# bench: hugetlb: no %ld MB of address space for the memcpy: no COW rows\n",
			       tlb_fold(d[i]) / (long)MB);
			return;
		}
		d[i] = (d[i] < 0 ? -d[i] : d[i]) / (long)MB;
	}
	ratios(r, c, a, n);
	ratios(re, c, o, n);
	if (guessed)
		printf("# bench: hugetlb: pagemap gave no frames: hugetlb_memcpy_2m copies 2 MB apart\n");
	printf("bench: hugetlb_cow_2m %ld us\n", median(c, n) / 1000);
	printf("bench: hugetlb_cow_dist %ld MB\n", median(d, n));
	printf("bench: hugetlb_memcpy_2m %ld us\n", median(a, n) / 1000);
	printf("bench: hugetlb_memcpy_2m_4k %ld us\n", median(o, n) / 1000);
	printf("bench: hugetlb_cow_vs_memcpy %ld %%\n", median(r, n));
	printf("bench: hugetlb_cow_vs_memcpy_4k %ld %%\n", median(re, n));

	for (int i = 0; i < n; i++)
		if ((c[i] = memcpy_2m_at(MEMCPY_FAR)) < 0) {
			printf("# bench: no %ld MB of address space for memcpy_2m_a64m\n", MEMCPY_FAR / (long)MB);
			return;
		}
	printf("bench: memcpy_2m_a64m %ld us\n", median(c, n) / 1000);
}

/* /bench/bench_migrate's rows (migrate_pages MB/s), in a child of this boot. */
static void run_bench_migrate(int rounds)
{
	char arg[16];
	char *argv[] = { "bench_migrate", arg, NULL };
	char *envp[] = { NULL };
	int status;
	long pid;

	snprintf(arg, sizeof(arg), "%d", rounds);
	pid = sys_fork();
	if (pid == 0) {
		sys_execve("/bench/bench_migrate", argv, envp);
		sys_exit_group(127);
	}
	if (pid > 0)
		sys_wait4((int)pid, &status, 0, NULL);
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? (int)strtol(argv[1], NULL, 10) : 5;
	long v[MAX_ROUNDS], err;
	unsigned char *big;

	if (rounds < 1 || rounds > MAX_ROUNDS)
		rounds = 5;
	mounts_setup();
	stage = (volatile long *)sys_mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE,
					  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if ((long)stage < 0) {
		printf("bench: no shared page\n");
		return 1;
	}
	for (int i = 0; i < rounds; i++)
		v[i] = fault_4k();
	printf("bench: fault_4k %ld ns\n", median(v, rounds));
	if ((err = fault_4k_smp(v, rounds)) == 0)
		printf("bench: fault_4k_smp %ld ns\n", median(v, rounds));
	else
		printf("# bench: fault_4k_smp: threads not placed on CPUs 0 and 1 (%s): skipped\n",
		       errno_name((int)-err));

	big = map(FORK_BYTES, MADV_NOHUGEPAGE);
	touch(big, FORK_BYTES);
	for (int i = 0; i < rounds; i++)
		v[i] = fork_64mb(big);
	printf("bench: fork_64mb %ld us\n", median(v, rounds));
	sys_munmap(big, FORK_BYTES);

	for (int i = 0; i < rounds; i++)
		v[i] = cow_4k(0);
	printf("bench: cow_4k %ld ns\n", median(v, rounds));
	for (int i = 0; i < rounds; i++)
		v[i] = cow_4k(1);
	printf("bench: cow_reuse_4k %ld ns\n", median(v, rounds));
	for (int i = 0; i < rounds; i++)
		v[i] = fault_2m();
	printf("bench: fault_2m %ld us\n", median(v, rounds));
	thp_rows(rounds);
	hugetlb_rows(rounds);
	run_bench_migrate(rounds);
	printf("bench: done\n");
	if (sys_getpid() == 1)
		sys_reboot(LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_POWER_OFF, NULL);
	return 0;
}
