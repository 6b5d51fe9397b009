/*
 * thp_fault: transparent huge pages on the anonymous fault path (Linux 6.1
 * behaviour, seed 001).  A 2 MB-aligned range wholly inside a VMA gets one
 * THP on its first write: 512 contiguous frames in pagemap, thp_fault_alloc
 * +1, AnonHugePages +2048 kB in meminfo, the VMA's smaps and smaps_rollup,
 * kpageflags THP with COMPOUND_HEAD (first frame) or COMPOUND_TAIL.  A read
 * fault maps the huge zero page (reads zeros; kpageflags ZERO_PAGE|THP, no
 * AnonHugePages); the write that follows splits it and takes one 4 KB page.
 * No THP (no THP bit, AnonHugePages 0) under MADV_NOHUGEPAGE,
 * enabled=never, enabled=madvise without MADV_HUGEPAGE, or in a VMA where
 * no aligned 2 MB fits.  Partial
 * MADV_DONTNEED, mprotect and munmap keep the rest with its data; an
 * mprotect of the whole 2 MB keeps the THP.  fork
 * shares the THP; a write splits the writer's PMD and copies 4 KB (Linux
 * 5.8+), both sides keep their own data.  Every knob written is restored.
 */
#include "mmtest.h"

#define ENABLED		"/sys/kernel/mm/transparent_hugepage/enabled"

static char saved_enabled[16];

/* The kpageflags of the frame mapped at p (0 if none or unreadable). */
static uint64_t flags_at(const unsigned char *p)
{
	uint64_t pfn = page_pfn(0, p), f = 0;

	if (!pfn || kpageflags_get(pfn, &f) < 0)
		return 0;
	return f;
}

/* Whether all of bits are set in f, none of clear. */
static int flags_are(uint64_t f, uint64_t bits, uint64_t clear)
{
	return (f & bits) == bits && !(f & clear);
}

static void first_write(void)
{
	long alloc = vmstat_get("thp_fault_alloc"), anon = meminfo_kb("AnonHugePages");
	long rollup = smaps_rollup_kb("AnonHugePages");
	unsigned char *p = thp_area(MADV_HUGEPAGE);
	uint64_t f;

	if (!tap_ok(p != NULL, "mmap a 2 MB-aligned range"))
		return;
	p[0] = 1;
	tap_ok(thp_is_huge(0, p), "the first write maps 512 contiguous frames");
	tap_is_long(vmstat_get("thp_fault_alloc") - alloc, 1, "thp_fault_alloc grew by 1");
	tap_is_long(meminfo_kb("AnonHugePages") - anon, 2048, "AnonHugePages grew by 2048 kB");
	f = flags_at(p);
	tap_ok(flags_are(f, KPF_BIT(KPF_THP) | KPF_BIT(KPF_COMPOUND_HEAD) | KPF_BIT(KPF_ANON),
			 KPF_BIT(KPF_COMPOUND_TAIL) | KPF_BIT(KPF_ZERO_PAGE)),
	       "kpageflags of its first frame: THP|COMPOUND_HEAD|ANON (0x%llx)", (unsigned long long)f);
	f = flags_at(p + 77 * PAGE_SIZE);
	tap_ok(flags_are(f, KPF_BIT(KPF_THP) | KPF_BIT(KPF_COMPOUND_TAIL) | KPF_BIT(KPF_ANON),
			 KPF_BIT(KPF_COMPOUND_HEAD)),
	       "kpageflags of frame 77: THP|COMPOUND_TAIL|ANON (0x%llx)", (unsigned long long)f);
	tap_is_long(smaps_kb(0, p, "AnonHugePages"), 2048, "smaps of the VMA: AnonHugePages 2048 kB");
	tap_is_long(smaps_rollup_kb("AnonHugePages") - rollup, 2048, "smaps_rollup: AnonHugePages grew by 2048 kB");
	for (unsigned long off = 0; off < THP_SIZE; off += 64 * PAGE_SIZE)
		p[off + 7] = (unsigned char)(off >> 18);
	sys_munmap(p, THP_SIZE);
	tap_is_long(meminfo_kb("AnonHugePages"), anon, "munmap of the whole THP: AnonHugePages back");
}

static void zero_page_then_write(void)
{
	unsigned char *p = thp_area(MADV_HUGEPAGE);
	long alloc = vmstat_get("thp_fault_alloc"), anon = meminfo_kb("AnonHugePages");
	int zeros = 1;
	uint64_t f;

	if (!tap_ok(p != NULL, "mmap a 2 MB-aligned range for reads"))
		return;
	for (unsigned long off = 0; off < THP_SIZE; off += PAGE_SIZE)
		zeros &= p[off] == 0;
	tap_ok(zeros, "a read fault reads zeros everywhere");
	tap_ok(thp_is_huge(0, p), "the read maps the huge zero page: 512 contiguous frames");
	tap_is_long(meminfo_kb("AnonHugePages") - anon, 0, "the huge zero page is not AnonHugePages");
	/* Linux 6.1's stable_page_flags() sets THP with ZERO_PAGE on the huge zero page. */
	f = flags_at(p);
	tap_ok(flags_are(f, KPF_BIT(KPF_ZERO_PAGE) | KPF_BIT(KPF_THP) | KPF_BIT(KPF_COMPOUND_HEAD),
			 KPF_BIT(KPF_ANON)),
	       "kpageflags of the huge zero page: ZERO_PAGE|THP|COMPOUND_HEAD, not ANON (0x%llx)",
	       (unsigned long long)f);
	tap_is_long(smaps_kb(0, p, "AnonHugePages"), 0, "smaps of its VMA: AnonHugePages 0 kB");
	p[PAGE_SIZE] = 5;
	tap_is_long(p[PAGE_SIZE], 5, "the write after it lands");
	tap_is_long(p[0] | p[2 * PAGE_SIZE], 0, "its neighbours still read zero");
	tap_ok(page_pfn(0, p + PAGE_SIZE) != page_pfn(0, p) + 1, "the written page has its own frame");
	tap_is_long(vmstat_get("thp_fault_alloc") - alloc, 0, "no THP for a write to the huge zero page (Linux 6.1)");
	sys_munmap(p, THP_SIZE);
}

/* No THP at p after a write: its frame has no THP bit, its VMA no AnonHugePages. */
static void no_thp_flags(const unsigned char *p, const char *why)
{
	uint64_t f = flags_at(p);

	tap_ok(flags_are(f, KPF_BIT(KPF_ANON), KPF_BIT(KPF_THP) | KPF_BIT(KPF_COMPOUND_HEAD)),
	       "%s: kpageflags ANON without THP (0x%llx)", why, (unsigned long long)f);
	tap_is_long(smaps_kb(0, p, "AnonHugePages"), 0, "%s: smaps AnonHugePages 0 kB", why);
}

/* A write into p must not make a THP. */
static void no_thp(unsigned char *p, const char *why)
{
	long alloc = vmstat_get("thp_fault_alloc");

	if (!tap_ok(p != NULL, "%s: mmap", why))
		return;
	p[0] = 1;
	tap_is_long(vmstat_get("thp_fault_alloc") - alloc, 0, "%s: no THP", why);
	tap_ok(!thp_is_huge(0, p), "%s: 4 KB frames", why);
	no_thp_flags(p, why);
	sys_munmap(p, THP_SIZE);
}

static void policies(void)
{
	unsigned char *p;

	no_thp(thp_area(MADV_NOHUGEPAGE), "MADV_NOHUGEPAGE");
	/* An unaligned VMA holding no aligned 2 MB: one page off each end. */
	p = thp_area(-1);
	if (p) {
		sys_munmap(p, PAGE_SIZE);
		sys_munmap(p + THP_SIZE - PAGE_SIZE, PAGE_SIZE);
		p[PAGE_SIZE] = 1;
		tap_ok(!thp_is_huge(0, p), "unaligned VMA: no THP");
		no_thp_flags(p + PAGE_SIZE, "unaligned VMA");
		sys_munmap(p, THP_SIZE);
	}
	if (knob_write(ENABLED, "never") < 0) {
		tap_ok(0, "write never to %s", ENABLED);
		return;
	}
	no_thp(thp_area(MADV_HUGEPAGE), "enabled=never even with MADV_HUGEPAGE");
	tap_ok(knob_write(ENABLED, "madvise") > 0, "write madvise to enabled");
	no_thp(thp_area(-1), "enabled=madvise without MADV_HUGEPAGE");
	p = thp_area(MADV_HUGEPAGE);
	if (p) {
		p[0] = 1;
		tap_ok(thp_is_huge(0, p), "enabled=madvise with MADV_HUGEPAGE: a THP");
		sys_munmap(p, THP_SIZE);
	}
	tap_is_long(knob_write(ENABLED, "sometimes"), -EINVAL, "a bad value gives EINVAL");
	knob_write(ENABLED, saved_enabled);
}

/* Fill p with a pattern of seed; check it, skipping [hole, hole + len). */
static void fill(unsigned char *p, int seed)
{
	for (unsigned long off = 0; off < THP_SIZE; off += PAGE_SIZE)
		p[off] = (unsigned char)(seed + (off >> 12));
}

static int check(const unsigned char *p, int seed, unsigned long hole, unsigned long len)
{
	for (unsigned long off = 0; off < THP_SIZE; off += PAGE_SIZE)
		if ((off < hole || off >= hole + len) && p[off] != (unsigned char)(seed + (off >> 12)))
			return 0;
	return 1;
}

static void partial(void)
{
	unsigned char *p = thp_area(MADV_HUGEPAGE);
	long anon, split, free;

	if (!tap_ok(p != NULL, "mmap for partial unmaps"))
		return;
	fill(p, 3);
	anon = meminfo_kb("AnonHugePages");
	if (!tap_ok(thp_is_huge(0, p), "a THP to cut"))
		return;
	split = vmstat_get("thp_split_page");
	free = meminfo_kb("MemFree");
	tap_is_long(sys_madvise(p + 8 * PAGE_SIZE, 4 * PAGE_SIZE, MADV_DONTNEED), 0, "MADV_DONTNEED 4 pages of it");
	if (is_pagoda()) {
		/* Pagoda splits the page at once; Linux queues it (deferred split) and frees later. */
		free = meminfo_kb("MemFree") - free;
		tap_is_long(vmstat_get("thp_split_page") - split, 1, "Pagoda: the THP was split at once");
		tap_ok(free >= 16, "Pagoda: the 4 pages came back (MemFree +%ld kB)", free);
	}
	tap_ok(check(p, 3, 8 * PAGE_SIZE, 4 * PAGE_SIZE) && p[9 * PAGE_SIZE] == 0,
	       "MADV_DONTNEED: those read zero, the rest keeps its data");
	tap_is_long(sys_mprotect(p + 100 * PAGE_SIZE, PAGE_SIZE, PROT_READ), 0, "mprotect one page read-only");
	tap_ok(check(p, 3, 8 * PAGE_SIZE, 4 * PAGE_SIZE), "mprotect: the data stays");
	tap_is_long(sys_munmap(p + THP_SIZE / 2, THP_SIZE / 2), 0, "munmap the upper 1 MB");
	tap_ok(check(p, 3, 8 * PAGE_SIZE, THP_SIZE), "munmap: the lower 1 MB keeps its data");
	tap_is_long(meminfo_kb("AnonHugePages") - anon, -2048, "no PMD maps it any more: AnonHugePages -2048 kB");
	tap_is_long(smaps_kb(0, p, "AnonHugePages"), 0, "smaps of what is left: AnonHugePages 0 kB");
	if (is_pagoda()) {
		/*
		 * Pagoda split the compound page at once; Linux 6.1 only queues
		 * it (deferred_split_huge_page), so its frames stay COMPOUND|THP
		 * until the shrinker runs: nothing here both kernels agree on.
		 */
		uint64_t head = flags_at(p), tail = flags_at(p + 77 * PAGE_SIZE);
		uint64_t compound = KPF_BIT(KPF_COMPOUND_HEAD) | KPF_BIT(KPF_COMPOUND_TAIL) | KPF_BIT(KPF_THP);

		tap_ok(flags_are(head, KPF_BIT(KPF_ANON), compound) && flags_are(tail, KPF_BIT(KPF_ANON), compound),
		       "Pagoda: no COMPOUND or THP bit left on frames 0 and 77 (0x%llx, 0x%llx)",
		       (unsigned long long)head, (unsigned long long)tail);
	} else {
		tap_diag("Linux: frames 0 and 77 after the split: kpageflags 0x%llx, 0x%llx",
			 (unsigned long long)flags_at(p), (unsigned long long)flags_at(p + 77 * PAGE_SIZE));
	}
	sys_munmap(p, THP_SIZE / 2);
}

/* mprotect of the whole 2 MB keeps the THP (Linux 6.1: change_huge_pmd). */
static void mprotect_whole(void)
{
	unsigned char *p = thp_area(MADV_HUGEPAGE);
	long split;
	uint64_t pfn;

	if (!tap_ok(p != NULL, "mmap for a whole mprotect"))
		return;
	fill(p, 7);
	pfn = page_pfn(0, p);
	split = vmstat_get("thp_split_pmd");
	tap_is_long(sys_mprotect(p, THP_SIZE, PROT_READ), 0, "mprotect the whole THP read-only");
	tap_ok(thp_is_huge(0, p) && page_pfn(0, p) == pfn && check(p, 7, 0, 0), "still one THP with its data");
	tap_is_long(sys_mprotect(p, THP_SIZE, PROT_READ | PROT_WRITE), 0, "and read-write again");
	p[PAGE_SIZE] = 0x42;
	tap_ok(p[PAGE_SIZE] == 0x42 && thp_is_huge(0, p) && page_pfn(0, p) == pfn,
	       "the write lands in the same THP");
	tap_is_long(vmstat_get("thp_split_pmd") - split, 0, "no PMD was split");
	sys_munmap(p, THP_SIZE);
}

static void cow(void)
{
	unsigned char *p = thp_area(MADV_HUGEPAGE);
	int status = -1;
	long pid;

	if (!tap_ok(p != NULL, "mmap for fork"))
		return;
	fill(p, 11);
	if (!tap_ok(thp_is_huge(0, p), "a THP before fork"))
		return;
	pid = sys_fork();
	if (pid == 0) {
		int ok = thp_is_huge(0, p) && check(p, 11, 0, 0);

		p[5 * PAGE_SIZE] = 0xee;	/* COW: split this PMD, copy 4 KB */
		ok &= p[5 * PAGE_SIZE] == 0xee && check(p, 11, 5 * PAGE_SIZE, PAGE_SIZE);
		ok &= !thp_is_huge(0, p);
		sys_exit_group(ok ? 0 : 1);
	}
	tap_ok(pid > 0 && sys_wait4((int)pid, &status, 0, NULL) == pid && status == 0,
	       "child: shares the THP, its write splits its PMD and copies, data isolated");
	tap_ok(check(p, 11, 0, 0), "parent: its data did not change");
	p[7 * PAGE_SIZE] = 0xdd;
	tap_ok(p[7 * PAGE_SIZE] == 0xdd && check(p, 11, 7 * PAGE_SIZE, PAGE_SIZE),
	       "parent, the child gone: its write lands");
	tap_ok(thp_is_huge(0, p), "the parent, again the only user, reuses the THP in place");
	sys_munmap(p, THP_SIZE);
}

int main(void)
{
	if (knob_selected(ENABLED, saved_enabled, sizeof(saved_enabled)) < 0)
		tap_skip_all("no " ENABLED);
	tap_diag("enabled was [%s]", saved_enabled);
	if (knob_write(ENABLED, "always") < 0)
		tap_skip_all("cannot write " ENABLED);
	first_write();
	zero_page_then_write();
	policies();
	knob_write(ENABLED, "always");
	partial();
	mprotect_whole();
	cow();
	knob_write(ENABLED, saved_enabled);
	return tap_done();
}
