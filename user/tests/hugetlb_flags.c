/*
 * hugetlb_flags: how /proc shows a hugetlb page, as Linux 6.1 does.
 *
 * - pagemap: a written private huge page is 512 consecutive present
 *   frames, the first 512-aligned, exclusive (bit 56), not a file page
 *   (bit 61); a shared one is a "file" page (bit 61: not anonymous).
 * - kpageflags (stable_page_flags): the first frame has HUGE (17) and
 *   COMPOUND_HEAD, the others HUGE and COMPOUND_TAIL; none has THP, BUDDY
 *   or ZERO_PAGE; the private page is ANON, the shared one not.  kpagecount
 *   of the first frame is 1, and 2 while a forked child shares the page.
 * - smaps of the VMA: KernelPageSize and MMUPageSize 2048 kB,
 *   Private_Hugetlb 2048 kB and Shared_Hugetlb 0 (one mapper), Rss and
 *   AnonHugePages 0 (hugetlb is counted apart), VmFlags with "ht"; while a
 *   child shares the page, Shared_Hugetlb 2048 kB and Private_Hugetlb 0.
 *   A shared mapping with one mapper is Private_Hugetlb too (Linux counts
 *   by mapcount).
 * - /proc/self/status HugetlbPages: 2048 kB per mapped page (0, 2048, 4096).
 */
#include "hugetlb.h"
#include "procmaps.h"

/* 1 if the VmFlags line of the smaps record of the VMA at addr has flag. */
static int smaps_vmflag(const void *addr, const char *flag)
{
	static char buf[256 * 1024];
	char key[32], want[8];
	const char *rec, *fl, *nl;

	if (read_file("/proc/self/smaps", buf, sizeof(buf)) <= 0)
		return 0;
	snprintf(key, sizeof(key), "%08lx-", (unsigned long)addr);
	rec = strstr(buf, key);
	if (!rec || !(fl = strstr(rec, "VmFlags:")))
		return 0;
	nl = strchr(fl, '\n');
	snprintf(want, sizeof(want), " %s", flag);
	for (const char *f = strstr(fl, want); f; f = strstr(f + 1, want))
		if ((!nl || f < nl) && (f[3] == ' ' || f[3] == '\n'))
			return 1;
	return 0;
}

/* The KPF_* flags of frame pfn: those in must all be set, those in out all clear. */
static void check_kpf(uint64_t pfn, uint64_t in, uint64_t out, const char *what)
{
	uint64_t f;

	if (!tap_is_long(kpageflags_get(pfn, &f), 0, "%s: read kpageflags", what))
		return;
	tap_ok((f & in) == in && !(f & out), "%s: kpageflags 0x%lx has 0x%lx, not 0x%lx", what,
	       (unsigned long)f, (unsigned long)in, (unsigned long)out);
}

static void test_private(void)
{
	const uint64_t never = KPF_BIT(KPF_THP) | KPF_BIT(KPF_BUDDY) | KPF_BIT(KPF_ZERO_PAGE);
	long a = huge_mmap(NULL, HPAGE_SIZE, MAP_PRIVATE), pid;
	volatile unsigned char *p = (volatile unsigned char *)a;
	uint64_t e, pfn;
	int st;

	if (!tap_ok(a > 0, "private: mmap a huge page"))
		return;
	tap_is_long(status_kb("HugetlbPages"), 0, "status HugetlbPages 0 kB before the touch");
	p[0] = 1;
	tap_ok(thp_is_huge(0, (const unsigned char *)p), "pagemap: 512 consecutive frames, 512-aligned");
	pfn = page_pfn(0, (const void *)p);
	pagemap_get(0, (const void *)p, &e);
	tap_ok((e & PM_MMAP_EXCLUSIVE) && !(e & PM_FILE), "pagemap: exclusive, not a file page (0x%lx)",
	       (unsigned long)e);
	check_kpf(pfn, KPF_BIT(KPF_HUGE) | KPF_BIT(KPF_COMPOUND_HEAD) | KPF_BIT(KPF_ANON),
		  never | KPF_BIT(KPF_COMPOUND_TAIL), "first frame");
	check_kpf(pfn + 1, KPF_BIT(KPF_HUGE) | KPF_BIT(KPF_COMPOUND_TAIL),
		  never | KPF_BIT(KPF_COMPOUND_HEAD), "second frame");
	check_kpf(pfn + 511, KPF_BIT(KPF_HUGE) | KPF_BIT(KPF_COMPOUND_TAIL),
		  never | KPF_BIT(KPF_COMPOUND_HEAD), "last frame");
	tap_is_long(kpagecount_get(pfn), 1, "kpagecount 1");

	tap_is_long(smaps_kb(0, (const void *)p, "KernelPageSize"), HPAGE_KB, "smaps KernelPageSize 2048 kB");
	tap_is_long(smaps_kb(0, (const void *)p, "MMUPageSize"), HPAGE_KB, "smaps MMUPageSize 2048 kB");
	tap_is_long(smaps_kb(0, (const void *)p, "Private_Hugetlb"), HPAGE_KB, "smaps Private_Hugetlb 2048 kB");
	tap_is_long(smaps_kb(0, (const void *)p, "Shared_Hugetlb"), 0, "smaps Shared_Hugetlb 0 kB");
	tap_is_long(smaps_kb(0, (const void *)p, "Rss"), 0, "smaps Rss 0 kB (hugetlb is not in Rss)");
	tap_is_long(smaps_kb(0, (const void *)p, "AnonHugePages"), 0, "smaps AnonHugePages 0 kB");
	tap_ok(smaps_vmflag((const void *)p, "ht"), "smaps VmFlags has ht");
	tap_is_long(status_kb("HugetlbPages"), HPAGE_KB, "status HugetlbPages 2048 kB");

	pid = sys_fork();
	if (pid == 0) {
		struct timespec ts = { 0, 10 * 1000 * 1000 };

		for (int i = 0; i < 6000; i++)	/* until the parent kills it, at most 60 s */
			sys_nanosleep(&ts, NULL);
		sys_exit_group(0);
	}
	if (tap_ok(pid > 0, "fork")) {
		tap_is_long(kpagecount_get(pfn), 2, "kpagecount 2 with the child");
		tap_is_long(smaps_kb(0, (const void *)p, "Shared_Hugetlb"), HPAGE_KB,
			    "smaps Shared_Hugetlb 2048 kB with the child");
		tap_is_long(smaps_kb(0, (const void *)p, "Private_Hugetlb"), 0, "smaps Private_Hugetlb 0 kB");
		tap_is_long(smaps_kb(pid, (const void *)p, "Shared_Hugetlb"), HPAGE_KB,
			    "the child's smaps: Shared_Hugetlb 2048 kB");
		sys_kill((int)pid, SIGKILL);
		sys_wait4((int)pid, &st, 0, NULL);
	}
	tap_is_long(kpagecount_get(pfn), 1, "kpagecount 1 again");
	sys_munmap((void *)p, HPAGE_SIZE);
	tap_is_long(status_kb("HugetlbPages"), 0, "status HugetlbPages 0 kB after munmap");
}

static void test_shared(void)
{
	long a = huge_mmap(NULL, 2 * HPAGE_SIZE, MAP_SHARED);
	volatile unsigned char *p = (volatile unsigned char *)a;
	uint64_t e;

	if (!tap_ok(a > 0, "shared: mmap 2 huge pages"))
		return;
	p[0] = 1;
	p[HPAGE_SIZE] = 1;
	tap_ok(thp_is_huge(0, (const unsigned char *)p) && thp_is_huge(0, (const unsigned char *)p + HPAGE_SIZE),
	       "shared: each page is 512 consecutive frames");
	pagemap_get(0, (const void *)p, &e);
	tap_ok(!!(e & PM_FILE), "shared: pagemap says file page (0x%lx)", (unsigned long)e);
	check_kpf(page_pfn(0, (const void *)p), KPF_BIT(KPF_HUGE) | KPF_BIT(KPF_COMPOUND_HEAD),
		  KPF_BIT(KPF_ANON) | KPF_BIT(KPF_THP), "shared first frame");
	tap_is_long(smaps_kb(0, (const void *)p, "Private_Hugetlb"), 2 * HPAGE_KB,
		    "shared, one mapper: smaps Private_Hugetlb 4096 kB");
	tap_is_long(smaps_kb(0, (const void *)p, "Shared_Hugetlb"), 0, "smaps Shared_Hugetlb 0 kB");
	tap_ok(smaps_vmflag((const void *)p, "ht") && smaps_vmflag((const void *)p, "sh"),
	       "smaps VmFlags has ht and sh");
	tap_is_long(status_kb("HugetlbPages"), 2 * HPAGE_KB, "status HugetlbPages 4096 kB");
	sys_munmap((void *)p, 2 * HPAGE_SIZE);
}

/*
 * A PROT_NONE hugetlb page keeps its frame: Linux's pagemap shows it
 * present (x86's pte_present counts PROTNONE) and smaps counts it in
 * Private_Hugetlb. Its VmFlags have "de" (VM_DONTEXPAND) and "ht".
 */
static void test_prot_none(void)
{
	long a = huge_mmap(NULL, HPAGE_SIZE, MAP_PRIVATE);
	uint64_t before, after;

	if (!tap_ok(a > 0, "prot_none: a private hugetlb page"))
		return;
	*(volatile char *)a = 1;
	tap_ok(smaps_vmflag((void *)a, "de") && smaps_vmflag((void *)a, "ht"), "VmFlags has de and ht");
	pagemap_get(0, (const void *)a, &before);
	tap_is_long(sys_mprotect((void *)a, HPAGE_SIZE, PROT_NONE), 0, "mprotect(PROT_NONE)");
	pagemap_get(0, (const void *)a, &after);
	tap_ok((after & PM_PRESENT) != 0, "pagemap: still present under PROT_NONE");
	tap_is_ulong(after & PM_PFN_MASK, before & PM_PFN_MASK, "pagemap: the same frame");
	tap_is_long(smaps_kb(0, (const void *)a, "Private_Hugetlb"), HPAGE_KB, "smaps: Private_Hugetlb 2048 kB under PROT_NONE");
	sys_munmap((void *)a, HPAGE_SIZE);
}

int main(void)
{
	struct hpool p;

	hugetlb_test_machine_or_skip();
	hpool_read(&p);
	if (!tap_ok(p.free >= 2, "pool: at least 2 free pages (hugepages=8 on the command line)"))
		return tap_done();
	test_private();
	test_shared();
	test_prot_none();
	return tap_done();
}
