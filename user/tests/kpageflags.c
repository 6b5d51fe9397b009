/*
 * kpageflags: /proc/kpageflags tells what backs a page, with Linux's KPF_*
 * bits (include/uapi/linux/kernel-page-flags.h). Only bits both kernels
 * set are checked: Linux also sets LRU, UPTODATE, ACTIVE... that Pagoda
 * has no state for (docs/files.md lists the bits Pagoda reports).
 *
 *   - a private anonymous page just written: ANON, MMAP, SWAPBACKED, and
 *     no COMPOUND_HEAD/TAIL, THP, HUGE, ZERO_PAGE, BUDDY, SLAB, PGTABLE,
 *     NOPAGE: a 4 KB page;
 *   - a shared anonymous page (shmem on Linux): SWAPBACKED and MMAP, not
 *     ANON;
 *   - a page only read from untouched anonymous memory maps the zero
 *     page: ZERO_PAGE, not ANON, not MMAP (the zero page's map count is
 *     not kept), no THP; every such page is the same frame;
 *   - the file format: offsets and counts multiples of 8 (else EINVAL), a
 *     read at a frame past the end of memory returns 0 bytes;
 *   - the whole file: some frames are slab pages, some page tables, and
 *     the file ends before a frame number past the end of memory.
 *   - On Pagoda only: the BUDDY frames are the free memory (MemFree), as
 *     every frame of a free block has the bit, not only its head. Linux
 *     keeps some free frames on per-CPU lists, which do not have it.
 *
 * The mappings are small (16 pages) and MADV_NOHUGEPAGE: Linux 6.1 could
 * otherwise back a 2 MB-aligned anonymous range with a THP, and this test
 * checks 4 KB pages (the THP bits come with the THP tests).
 */
#include "mmtest.h"

#define BIT(n)			(1ULL << (n))

#define NPAGES			16
#define CHUNK			8192	/* frames per read of the whole file */

static uint64_t chunk[CHUNK];

static int has(uint64_t flags, int bit) { return (flags >> bit) & 1; }

static void check_anon_page(volatile char *p)
{
	uint64_t pfn, f = 0;
	const int not_set[] = { KPF_COMPOUND_HEAD, KPF_COMPOUND_TAIL, KPF_HUGE, KPF_THP, KPF_ZERO_PAGE,
				KPF_BUDDY, KPF_SLAB, KPF_PGTABLE, KPF_NOPAGE };

	p[0] = 1;
	pfn = page_pfn(0, (const void *)p);
	if (!tap_ok(pfn != 0, "a written anonymous page is present, pfn 0x%lx", (unsigned long)pfn))
		return;
	if (!tap_is_long(kpageflags_get(pfn, &f), 0, "read its kpageflags"))
		return;
	tap_diag("written anonymous page: flags 0x%llx", (unsigned long long)f);
	tap_ok(has(f, KPF_ANON), "written page: ANON");
	tap_ok(has(f, KPF_MMAP), "written page: MMAP");
	tap_ok(has(f, KPF_SWAPBACKED), "written page: SWAPBACKED");
	for (size_t i = 0; i < sizeof(not_set) / sizeof(not_set[0]); i++)
		tap_ok(!has(f, not_set[i]), "written page: bit %d clear (a 4 KB page in use)", not_set[i]);
	tap_is_long(kpagecount_get(pfn), 1, "written page: kpagecount 1");
}

/* A shared anonymous page is a shmem page on Linux: SWAPBACKED and MMAP, not ANON. */
static void check_shared_page(volatile char *p)
{
	uint64_t pfn, f = 0;

	p[0] = 1;
	pfn = page_pfn(0, (const void *)p);
	if (!tap_ok(pfn != 0, "a written shared anonymous page is present"))
		return;
	if (!tap_is_long(kpageflags_get(pfn, &f), 0, "read its kpageflags"))
		return;
	tap_diag("shared anonymous page: flags 0x%llx", (unsigned long long)f);
	tap_ok(has(f, KPF_SWAPBACKED) && has(f, KPF_MMAP), "shared page: SWAPBACKED, MMAP");
	tap_ok(!has(f, KPF_ANON), "shared page: not ANON (a shmem page)");
	tap_ok(!has(f, KPF_THP) && !has(f, KPF_COMPOUND_HEAD) && !has(f, KPF_COMPOUND_TAIL),
	       "shared page: a 4 KB page");
}

static void check_zero_page(volatile char *p)
{
	uint64_t pfn0, pfn1, f = 0;
	char c = p[0] + p[PAGE_SIZE];

	tap_is_long(c, 0, "untouched anonymous memory reads 0");
	pfn0 = page_pfn(0, (const void *)p);
	pfn1 = page_pfn(0, (const void *)(p + PAGE_SIZE));
	if (!tap_ok(pfn0 != 0, "a page only read is present, pfn 0x%lx", (unsigned long)pfn0))
		return;
	tap_is_ulong(pfn1, pfn0, "two pages only read map the same frame");
	if (!tap_is_long(kpageflags_get(pfn0, &f), 0, "read its kpageflags"))
		return;
	tap_diag("zero page: flags 0x%llx", (unsigned long long)f);
	tap_ok(has(f, KPF_ZERO_PAGE), "the frame is the zero page: ZERO_PAGE");
	tap_ok(!has(f, KPF_ANON), "zero page: not ANON");
	tap_ok(!has(f, KPF_MMAP), "zero page: not MMAP (its map count is not kept)");
	tap_ok(!has(f, KPF_THP) && !has(f, KPF_COMPOUND_HEAD), "zero page: the 4 KB one, no THP bit");
}

static void check_format(void)
{
	long fd = sys_openat(AT_FDCWD, "/proc/kpageflags", O_RDONLY, 0);
	uint64_t v[2];

	if (!tap_ok(fd >= 0, "open /proc/kpageflags (%ld)", fd))
		return;
	tap_is_long(sys_lseek((int)fd, 4, SEEK_SET), 4, "lseek to offset 4");
	tap_is_err(sys_read((int)fd, v, 8), EINVAL, "read at an offset not a multiple of 8: EINVAL");
	tap_is_long(sys_lseek((int)fd, 8, SEEK_SET), 8, "lseek to offset 8");
	tap_is_err(sys_read((int)fd, v, 4), EINVAL, "read of 4 bytes: EINVAL");
	tap_is_long(sys_read((int)fd, v, 16), 16, "read of two frames: 16 bytes");
	/* 2^36 frames = 256 TB: past the end of any memory this test runs on. */
	tap_is_long(sys_lseek((int)fd, 8L << 36, SEEK_SET), 8L << 36, "lseek to frame 2^36");
	tap_is_long(sys_read((int)fd, v, 8), 0, "read past the end of memory: 0 bytes");
	sys_close((int)fd);
}

struct census {
	unsigned long frames, buddy, slab, pgtable, nopage;
};

/* Read the whole file from an fd already open, counting some bits; 0 on error. */
static int census_read(long fd, struct census *c)
{
	memset(c, 0, sizeof(*c));
	if (sys_lseek((int)fd, 0, SEEK_SET) != 0)
		return 0;
	for (;;) {
		long r = sys_read((int)fd, chunk, sizeof(chunk));

		if (r < 0)
			return 0;
		if (r == 0)
			return 1;
		for (long i = 0; i < r / 8; i++) {
			c->buddy += has(chunk[i], KPF_BUDDY);
			c->slab += has(chunk[i], KPF_SLAB);
			c->pgtable += has(chunk[i], KPF_PGTABLE);
			c->nopage += has(chunk[i], KPF_NOPAGE);
		}
		c->frames += r / 8;
	}
}

static void check_census(void)
{
	long fd = sys_openat(AT_FDCWD, "/proc/kpageflags", O_RDONLY, 0);
	long memtotal = meminfo_kb("MemTotal"), memfree;
	struct census c;

	memset(chunk, 0, sizeof(chunk));	/* fault the buffer in before counting free memory */
	if (!tap_ok(fd >= 0, "open /proc/kpageflags (%ld)", fd))
		return;
	memfree = meminfo_kb("MemFree");
	if (!tap_ok(census_read(fd, &c), "read the whole of /proc/kpageflags"))
		goto out;
	tap_diag("%lu frames: %lu buddy, %lu slab, %lu page-table, %lu nopage; MemTotal %ld kB, MemFree %ld kB",
		 c.frames, c.buddy, c.slab, c.pgtable, c.nopage, memtotal, memfree);
	tap_ok(c.frames * 4 >= (unsigned long)memtotal, "the file covers all of memory (%lu frames)", c.frames);
	tap_ok(c.slab > 0, "some frames are slab pages (SLAB)");
	tap_ok(c.pgtable > 0, "some frames are page tables (PGTABLE)");
	if (is_pagoda()) {
		long diff = (long)c.buddy * 4 - memfree;

		/* Opening and reading /proc/meminfo may take or give back a slab page or two. */
		tap_ok(diff >= -32 && diff <= 32, "BUDDY frames are the free memory: %lu kB, MemFree %ld kB",
		       c.buddy * 4, memfree);
	}
out:
	sys_close((int)fd);
}

int main(void)
{
	long a, z, sh;

	a = sys_mmap(NULL, NPAGES * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	/* PROT_READ: its flags differ, so it never merges with the first one. */
	z = sys_mmap(NULL, NPAGES * PAGE_SIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	sh = sys_mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (!tap_ok(a > 0 && z > 0 && sh > 0, "mmap three anonymous ranges (0x%lx, 0x%lx, 0x%lx)", a, z, sh))
		return tap_done();
	tap_is_long(sys_madvise((void *)a, NPAGES * PAGE_SIZE, MADV_NOHUGEPAGE), 0, "MADV_NOHUGEPAGE");
	tap_is_long(sys_madvise((void *)z, NPAGES * PAGE_SIZE, MADV_NOHUGEPAGE), 0, "MADV_NOHUGEPAGE");

	check_anon_page((volatile char *)a);
	check_zero_page((volatile char *)z);
	check_shared_page((volatile char *)sh);
	check_format();
	check_census();

	tap_is_long(sys_munmap((void *)a, NPAGES * PAGE_SIZE), 0, "munmap");
	tap_is_long(sys_munmap((void *)z, NPAGES * PAGE_SIZE), 0, "munmap");
	tap_is_long(sys_munmap((void *)sh, PAGE_SIZE), 0, "munmap");
	return tap_done();
}
