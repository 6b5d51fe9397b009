/*
 * smaps: /proc/PID/smaps and smaps_rollup in Linux 6.1's format, with the
 * numbers a page-table walk gives (fs/proc/task_mmu.c show_smap):
 *
 *   - the record of a fresh private anonymous mapping of N pages with K
 *     written: its first line is its /proc/self/maps line, then every
 *     field in Linux 6.1's order and column widths (Linux's ProtectionKey
 *     line, on a CPU with protection keys, is let through); Size N*4 kB,
 *     KernelPageSize and MMUPageSize 4 kB, Rss, Pss, Pss_Dirty,
 *     Anonymous, Private_Dirty and Referenced K*4 kB, the other sizes 0,
 *     THPeligible 0 and VmFlags "rd wr mr mw me" and "nh", no "ex";
 *   - pages only read from untouched memory map the zero page, which
 *     Linux does not count: Rss 0;
 *   - 4 shared anonymous pages (shmem) with 3 written: Rss and
 *     Private_Dirty 12 kB (one process maps them), Anonymous 0, VmFlags
 *     "sh ms";
 *   - while a forked child shares the K pages: Rss K*4, Pss K*2 (each page
 *     counts half), Shared_Dirty K*4, Private_Dirty 0, in the parent's
 *     smaps and in the child's (read by the parent); after the child
 *     exits, the pages are private again;
 *   - smaps_rollup: the "[rollup]" header from the first VMA's start to
 *     the last one's end, and each total the sum over smaps' records (Pss
 *     within 1 kB per record: the rollup sums before rounding).
 *
 * The mappings are 16 pages and MADV_NOHUGEPAGE: Linux 6.1 could otherwise
 * back a 2 MB-aligned anonymous range with a THP (AnonHugePages), and
 * THPeligible would depend on the size. The second mapping is read-only,
 * so it never merges with the first.
 */
#include "mmtest.h"

#define NPAGES		16
#define KPAGES		5
#define BUFSZ		(256 * 1024)

static char smaps_buf[BUFSZ], maps_buf[BUFSZ], rollup_buf[8192], smaps_buf2[BUFSZ];

/* Linux 6.1's show_smap() lines after the maps line, in order. */
static const char *const fields[] = {
	"Size", "KernelPageSize", "MMUPageSize", "Rss", "Pss", "Pss_Dirty",
	"Shared_Clean", "Shared_Dirty", "Private_Clean", "Private_Dirty", "Referenced",
	"Anonymous", "LazyFree", "AnonHugePages", "ShmemPmdMapped", "FilePmdMapped",
	"Shared_Hugetlb", "Private_Hugetlb", "Swap", "SwapPss", "Locked",
};
#define NFIELDS	(sizeof(fields) / sizeof(fields[0]))

/* The totals smaps_rollup shows: its fields but Pss_Anon/File/Shmem. */
static const char *const sums[] = {
	"Rss", "Pss", "Pss_Dirty", "Shared_Clean", "Shared_Dirty", "Private_Clean",
	"Private_Dirty", "Referenced", "Anonymous", "LazyFree", "AnonHugePages",
	"ShmemPmdMapped", "FilePmdMapped", "Shared_Hugetlb", "Private_Hugetlb",
	"Swap", "SwapPss", "Locked",
};
#define NSUMS	(sizeof(sums) / sizeof(sums[0]))

/* The line starting with "name:" in [text, end), or NULL. */
static const char *find_line(const char *text, const char *end, const char *name)
{
	size_t n = strlen(name);

	for (const char *l = text; l && l < end; l = strchr(l, '\n')) {
		if (*l == '\n')
			l++;
		if (l < end && !strncmp(l, name, n) && l[n] == ':')
			return l;
	}
	return NULL;
}

static long field_kb(const char *text, const char *end, const char *name)
{
	const char *l = find_line(text, end, name);

	return l ? strtol(l + strlen(name) + 1, NULL, 10) : -1;
}

/* The record of the VMA starting at addr in an smaps text: [*start, return). */
static const char *smaps_record(const char *text, unsigned long addr, const char **start)
{
	char key[32];
	const char *p, *next;

	snprintf(key, sizeof(key), "%08lx-", addr);
	for (p = text; p; p = strchr(p, '\n')) {
		if (*p == '\n')
			p++;
		if (!strncmp(p, key, strlen(key)))
			break;
	}
	if (!p || !*p)
		return NULL;
	*start = p;
	next = strstr(p, "VmFlags:");
	next = next ? strchr(next, '\n') : NULL;
	return next ? next + 1 : NULL;
}

struct sizes {
	long size, rss, pss, pss_dirty, shared_clean, shared_dirty, private_clean, private_dirty;
	long referenced, anonymous, anon_huge, thp_eligible;
};

static int read_record(long pid, unsigned long addr, struct sizes *s, const char **rec, const char **end)
{
	char path[64];
	const char *l;

	snprintf(path, sizeof(path), pid ? "/proc/%ld/smaps" : "/proc/self/smaps", pid);
	if (read_file(path, smaps_buf, sizeof(smaps_buf)) <= 0)
		return 0;
	*end = smaps_record(smaps_buf, addr, rec);
	if (!*end)
		return 0;
	s->size = field_kb(*rec, *end, "Size");
	s->rss = field_kb(*rec, *end, "Rss");
	s->pss = field_kb(*rec, *end, "Pss");
	s->pss_dirty = field_kb(*rec, *end, "Pss_Dirty");
	s->shared_clean = field_kb(*rec, *end, "Shared_Clean");
	s->shared_dirty = field_kb(*rec, *end, "Shared_Dirty");
	s->private_clean = field_kb(*rec, *end, "Private_Clean");
	s->private_dirty = field_kb(*rec, *end, "Private_Dirty");
	s->referenced = field_kb(*rec, *end, "Referenced");
	s->anonymous = field_kb(*rec, *end, "Anonymous");
	s->anon_huge = field_kb(*rec, *end, "AnonHugePages");
	l = find_line(*rec, *end, "THPeligible");
	s->thp_eligible = l ? strtol(l + strlen("THPeligible:"), NULL, 10) : -1;
	return 1;
}

/* Each field in order, as "%-16s%8lu kB" (Private_Hugetlb: "%s %7lu kB"), then THPeligible, VmFlags. */
static void check_format(const char *rec, const char *end)
{
	const char *l = strchr(rec, '\n') + 1;
	char want[64];
	int bad = 0;

	for (size_t i = 0; i < NFIELDS; i++, l = strchr(l, '\n') + 1) {
		long v = strtol(l + strlen(fields[i]) + 1, NULL, 10);

		if (!strcmp(fields[i], "Private_Hugetlb"))
			snprintf(want, sizeof(want), "%s: %7ld kB\n", fields[i], v);
		else {
			char label[24];

			snprintf(label, sizeof(label), "%s:", fields[i]);
			snprintf(want, sizeof(want), "%-16s%8ld kB\n", label, v);
		}
		if (l >= end || strncmp(l, want, strlen(want))) {
			tap_diag("line %zu: want \"%.*s\", got \"%.*s\"", i + 2, (int)strlen(want) - 1, want,
				 (int)(strchr(l, '\n') - l), l);
			bad = 1;
			break;
		}
	}
	tap_ok(!bad, "the %zu size lines in Linux 6.1's order and widths", NFIELDS);
	tap_ok(!bad && (!strncmp(l, "THPeligible:    0\n", 18) || !strncmp(l, "THPeligible:    1\n", 18)),
	       "then \"THPeligible:    N\"");
	if (!bad)
		l = strchr(l, '\n') + 1;
	/* Linux adds "ProtectionKey:" on a CPU with protection keys (arch_pkeys_enabled); Pagoda has none. */
	if (!bad && !strncmp(l, "ProtectionKey:  ", 16)) {
		tap_diag("%.*s", (int)(strchr(l, '\n') - l), l);
		l = strchr(l, '\n') + 1;
	}
	tap_ok(!bad && !strncmp(l, "VmFlags: ", 9), "then \"VmFlags: \": %.*s", (int)(strchr(l, '\n') - l), l);
}

static int has_flag(const char *rec, const char *end, const char *flag)
{
	const char *l = find_line(rec, end, "VmFlags");
	char pat[8];

	snprintf(pat, sizeof(pat), " %s ", flag);
	if (!l)
		return 0;
	const char *nl = strchr(l, '\n');
	const char *hit = strstr(l + 8, pat);

	return hit && hit < nl;
}

static void check_fresh(char *a)
{
	struct sizes s;
	const char *rec, *end;
	char line[160];

	for (int i = 0; i < KPAGES; i++)
		a[i * PAGE_SIZE * 3] = 1;	/* pages 0, 3, 6, 9, 12 */
	if (!tap_ok(read_record(0, (unsigned long)a, &s, &rec, &end), "find the mapping's record in smaps"))
		return;
	/* The first line is the maps line. */
	if (tap_ok(read_file("/proc/self/maps", maps_buf, sizeof(maps_buf)) > 0, "read /proc/self/maps")) {
		size_t n = strchr(rec, '\n') - rec + 1;

		snprintf(line, sizeof(line), "%08lx-", (unsigned long)a);
		const char *m = strstr(maps_buf, line);

		tap_ok(m && !strncmp(m, rec, n), "the record starts with the maps line: %.*s", (int)n - 1, rec);
	}
	check_format(rec, end);
	tap_is_long(s.size, NPAGES * 4, "Size: %d pages", NPAGES);
	tap_is_long(field_kb(rec, end, "KernelPageSize"), 4, "KernelPageSize 4 kB");
	tap_is_long(field_kb(rec, end, "MMUPageSize"), 4, "MMUPageSize 4 kB");
	tap_is_long(s.rss, KPAGES * 4, "Rss: %d pages written", KPAGES);
	tap_is_long(s.pss, KPAGES * 4, "Pss: all private");
	tap_is_long(s.pss_dirty, KPAGES * 4, "Pss_Dirty: all written");
	tap_is_long(s.anonymous, KPAGES * 4, "Anonymous");
	tap_is_long(s.private_dirty, KPAGES * 4, "Private_Dirty");
	tap_is_long(s.private_clean + s.shared_clean + s.shared_dirty, 0, "no clean or shared page");
	tap_is_long(s.referenced, KPAGES * 4, "Referenced: each page was touched");
	tap_is_long(s.anon_huge, 0, "AnonHugePages 0: 4 KB pages");
	tap_is_long(field_kb(rec, end, "LazyFree") + field_kb(rec, end, "Swap") + field_kb(rec, end, "Locked"), 0,
		    "LazyFree, Swap, Locked 0");
	tap_is_long(s.thp_eligible, 0, "THPeligible 0 (MADV_NOHUGEPAGE, and smaller than 2 MB)");
	tap_ok(has_flag(rec, end, "rd") && has_flag(rec, end, "wr") && has_flag(rec, end, "mr") &&
	       has_flag(rec, end, "mw") && has_flag(rec, end, "me"), "VmFlags has rd wr mr mw me");
	tap_ok(has_flag(rec, end, "nh"), "VmFlags has nh (MADV_NOHUGEPAGE)");
	tap_ok(!has_flag(rec, end, "ex") && !has_flag(rec, end, "sh") && !has_flag(rec, end, "hg"),
	       "VmFlags has no ex, sh, hg");
}

static void check_zero(volatile char *z)
{
	struct sizes s;
	const char *rec, *end;
	char c = 0;

	for (int i = 0; i < NPAGES; i++)
		c |= z[i * PAGE_SIZE];
	tap_is_long(c, 0, "the read-only mapping reads 0");
	if (!tap_ok(read_record(0, (unsigned long)z, &s, &rec, &end), "find the read-only mapping's record"))
		return;
	tap_ok(page_pfn(0, (const void *)z) != 0, "its pages are present (the zero page)");
	tap_is_long(s.size, NPAGES * 4, "Size: %d pages", NPAGES);
	tap_is_long(s.rss, 0, "Rss 0: the zero page is not counted");
	tap_is_long(s.anonymous, 0, "Anonymous 0");
	tap_ok(!has_flag(rec, end, "wr") && has_flag(rec, end, "rd"), "VmFlags has rd, not wr");
}

/* MAP_SHARED anonymous memory is shmem: resident, private while one process maps it, not Anonymous. */
static void check_shmem(char *sh)
{
	struct sizes s;
	const char *rec, *end;

	for (int i = 0; i < 3; i++)
		sh[i * PAGE_SIZE] = 1;
	if (!tap_ok(read_record(0, (unsigned long)sh, &s, &rec, &end), "find the shared mapping's record"))
		return;
	tap_is_long(s.size, 4 * 4, "shared: Size 4 pages");
	tap_is_long(s.rss, 3 * 4, "shared: Rss 3 pages written");
	tap_is_long(s.anonymous, 0, "shared: Anonymous 0 (shmem pages)");
	tap_is_long(s.private_dirty, 3 * 4, "shared: Private_Dirty (mapped by this process only)");
	tap_is_long(s.pss, 3 * 4, "shared: Pss 3 pages");
	tap_ok(has_flag(rec, end, "sh") && has_flag(rec, end, "ms"), "shared: VmFlags has sh ms");
}

static void check_shared(char *a, volatile long *mailbox)
{
	struct sizes s;
	const char *rec, *end;
	int status = -1;
	long pid = sys_fork();

	if (pid == 0) {
		mailbox_post_wait(mailbox, 1, 2);
		sys_exit(0);
	}
	if (!tap_ok(pid > 0, "fork (%ld)", pid))
		return;
	if (!tap_ok(mailbox_wait(mailbox, 1), "the child is running"))
		goto out;
	for (int who = 0; who < 2; who++) {
		const char *name = who ? "child" : "parent";

		if (!tap_ok(read_record(who ? pid : 0, (unsigned long)a, &s, &rec, &end), "%s: find the record", name))
			continue;
		tap_is_long(s.rss, KPAGES * 4, "%s: Rss still %d pages", name, KPAGES);
		tap_is_long(s.pss, KPAGES * 2, "%s: Pss halves: each page counts 1/2", name);
		tap_is_long(s.pss_dirty, KPAGES * 2, "%s: Pss_Dirty halves", name);
		tap_is_long(s.shared_dirty, KPAGES * 4, "%s: Shared_Dirty: the pages are shared", name);
		tap_is_long(s.private_dirty + s.private_clean, 0, "%s: no private page", name);
		tap_is_long(s.anonymous, KPAGES * 4, "%s: Anonymous", name);
	}
out:
	*mailbox = 2;
	tap_is_long(sys_wait4((int)pid, &status, 0, NULL), pid, "reap the child");
	tap_is_long(status, 0, "the child exited 0");
	if (!tap_ok(read_record(0, (unsigned long)a, &s, &rec, &end), "find the record after the child exited"))
		return;
	tap_is_long(s.pss, KPAGES * 4, "Pss: all private again");
	tap_is_long(s.private_dirty, KPAGES * 4, "Private_Dirty again");
	tap_is_long(s.shared_dirty, 0, "Shared_Dirty 0 again");
}

/* Sum one field over every record of an smaps text; *records: how many. */
static long sum_field(const char *text, const char *name, long *records)
{
	long sum = 0, n = 0;
	size_t len = strlen(name);

	for (const char *l = text; l && *l; l = strchr(l, '\n')) {
		if (*l == '\n')
			l++;
		if (!strncmp(l, name, len) && l[len] == ':') {
			sum += strtol(l + len + 1, NULL, 10);
			n++;
		}
	}
	if (records)
		*records = n;
	return sum;
}

static void check_rollup(void)
{
	const char *end = rollup_buf, *first, *last;
	unsigned long start_addr, end_addr, first_addr, last_end;
	int stable = 0;
	long records;

	/* The buffers are faulted in first; smaps is read before and after, until both agree. */
	memset(smaps_buf, 0, sizeof(smaps_buf));
	memset(smaps_buf2, 0, sizeof(smaps_buf2));
	memset(rollup_buf, 0, sizeof(rollup_buf));
	for (int tries = 0; tries < 3 && !stable; tries++) {
		if (read_file("/proc/self/smaps", smaps_buf, sizeof(smaps_buf)) <= 0 ||
		    read_file("/proc/self/smaps_rollup", rollup_buf, sizeof(rollup_buf)) <= 0 ||
		    read_file("/proc/self/smaps", smaps_buf2, sizeof(smaps_buf2)) <= 0)
			break;
		stable = !strcmp(smaps_buf, smaps_buf2);
	}
	if (!tap_ok(stable, "read smaps, smaps_rollup, and smaps again unchanged"))
		return;
	end = rollup_buf + strlen(rollup_buf);

	/* Header: first VMA's start to the last one's end ([vsyscall] is not a VMA of the mm). */
	first_addr = strtoul(smaps_buf, NULL, 16);
	last = NULL;
	for (const char *l = smaps_buf; l && *l; l = strchr(l, '\n')) {
		if (*l == '\n')
			l++;
		if (*l && strchr("0123456789abcdef", *l) && strchr(l, '-') && strchr(l, '-') < strchr(l, ' ') &&
		    strncmp(l, "ffffffffff600000", 16))
			last = l;
	}
	first = rollup_buf;
	start_addr = strtoul(first, NULL, 16);
	end_addr = strtoul(strchr(first, '-') + 1, NULL, 16);
	last_end = last ? strtoul(strchr(last, '-') + 1, NULL, 16) : 0;
	tap_is_ulong(start_addr, first_addr, "rollup starts at the first VMA");
	tap_is_ulong(end_addr, last_end, "rollup ends at the last VMA's end");
	{
		const char *nl = strchr(first, '\n');
		const char *name = strstr(first, "[rollup]");

		const char *perms = strstr(first, " ---p 00000000 00:00 0 ");

		tap_ok(name && name < nl && name - first == 73 && perms && perms < name,
		       "header \"start-end ---p 00000000 00:00 0\", [rollup] at column 73: %.*s",
		       (int)(nl - first), first);
	}
	for (size_t i = 0; i < NSUMS; i++) {
		long total = field_kb(rollup_buf, end, sums[i]);
		long sum = sum_field(smaps_buf, sums[i], &records);

		if (!strcmp(sums[i], "Pss") || !strcmp(sums[i], "Pss_Dirty") || !strcmp(sums[i], "SwapPss") ||
		    !strcmp(sums[i], "Locked"))
			tap_ok(total >= sum && total - sum < records, "rollup %s %ld kB: the sum %ld kB over %ld records, rounded down each",
			       sums[i], total, sum, records);
		else
			tap_is_long(total, sum, "rollup %s is the sum over smaps", sums[i]);
	}
	tap_ok(sum_field(smaps_buf, "Rss", NULL) > 0, "some memory is resident");
	{
		long pss = field_kb(rollup_buf, end, "Pss");
		long parts = field_kb(rollup_buf, end, "Pss_Anon") + field_kb(rollup_buf, end, "Pss_File") +
			     field_kb(rollup_buf, end, "Pss_Shmem");

		tap_ok(parts <= pss && pss - parts <= 2, "Pss_Anon + Pss_File + Pss_Shmem = Pss (%ld, %ld kB)", parts, pss);
		tap_ok(field_kb(rollup_buf, end, "Pss_Anon") >= KPAGES * 4, "Pss_Anon holds the written pages");
	}
}

int main(void)
{
	long a, z, sh;
	volatile long *mailbox = mailbox_new(sizeof(long));

	a = sys_mmap(NULL, NPAGES * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	z = sys_mmap(NULL, NPAGES * PAGE_SIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	sh = sys_mmap(NULL, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (!tap_ok(a > 0 && z > 0 && sh > 0 && mailbox, "mmap three anonymous ranges and a mailbox"))
		return tap_done();
	tap_is_long(sys_madvise((void *)a, NPAGES * PAGE_SIZE, MADV_NOHUGEPAGE), 0, "MADV_NOHUGEPAGE");
	tap_is_long(sys_madvise((void *)z, NPAGES * PAGE_SIZE, MADV_NOHUGEPAGE), 0, "MADV_NOHUGEPAGE");

	check_fresh((char *)a);
	check_zero((volatile char *)z);
	check_shmem((char *)sh);
	check_shared((char *)a, mailbox);
	check_rollup();

	tap_is_long(sys_munmap((void *)a, NPAGES * PAGE_SIZE), 0, "munmap");
	tap_is_long(sys_munmap((void *)z, NPAGES * PAGE_SIZE), 0, "munmap");
	tap_is_long(sys_munmap((void *)sh, 4 * PAGE_SIZE), 0, "munmap");
	return tap_done();
}
