/*
 * mmap_flags: the mmap flags and madvise advice a memory-management
 * course leans on.
 *   MAP_FIXED_NOREPLACE   EEXIST over (even part of) a mapping; on a free
 *                         range, exactly that address
 *   MAP_FIXED             replaces what was there: the page reads zero
 *   MAP_POPULATE          pages present in pagemap before any touch; writing
 *                         them afterwards takes no page fault (ru_minflt)
 *   MAP_NORESERVE         works like a normal mapping
 *   hint address          honoured when the range is free
 *   map type              0 and anonymous MAP_SHARED_VALIDATE are EINVAL
 *                         (Linux accepts only SHARED or PRIVATE for anonymous
 *                         memory); an unknown flag bit is ignored without
 *                         MAP_SHARED_VALIDATE; with it, on a file, EOPNOTSUPP
 *                         (checked only if the kernel can map files)
 *   madvise               bad advice / unaligned EINVAL, len 0 returns 0,
 *                         a hole ENOMEM; MADV_DONTNEED drops a private page:
 *                         not present after, reads zero
 */
#include "mmtest.h"

#define PA (MAP_PRIVATE | MAP_ANONYMOUS)
#define RW (PROT_READ | PROT_WRITE)
#define UNKNOWN_FLAG 0x400000           /* no MAP_* bit on x86-64 Linux */
#define NPOP 16

/* A free range of n pages: map it, then unmap it. */
static unsigned char *free_range(unsigned long n)
{
	long r = sys_mmap(NULL, n * PAGE_SIZE, PROT_NONE, PA, -1, 0);

	if (r < 0)
		return NULL;
	sys_munmap((void *)r, n * PAGE_SIZE);
	return (unsigned char *)r;
}

static void fixed_noreplace(void)
{
	unsigned char *p = (unsigned char *)sys_mmap(NULL, 2 * PAGE_SIZE, RW, PA, -1, 0);
	unsigned char *f = free_range(4);
	long r;

	p[0] = 0x42;
	tap_is_err(sys_mmap(p, PAGE_SIZE, RW, PA | MAP_FIXED_NOREPLACE, -1, 0), EEXIST,
		   "MAP_FIXED_NOREPLACE over a mapping gives EEXIST");
	tap_is_err(sys_mmap(p - PAGE_SIZE, 2 * PAGE_SIZE, RW, PA | MAP_FIXED_NOREPLACE, -1, 0), EEXIST,
		   "MAP_FIXED_NOREPLACE over part of a mapping gives EEXIST");
	tap_is_long(p[0], 0x42, "... and the mapping is untouched");
	r = sys_mmap(f, 2 * PAGE_SIZE, RW, PA | MAP_FIXED_NOREPLACE, -1, 0);
	tap_is_long(r, (long)f, "MAP_FIXED_NOREPLACE on a free range returns that address");
	tap_is_err(sys_mmap(f + 1, PAGE_SIZE, RW, PA | MAP_FIXED_NOREPLACE, -1, 0), EINVAL,
		   "MAP_FIXED_NOREPLACE at an unaligned address gives EINVAL");

	r = sys_mmap(p, PAGE_SIZE, RW, PA | MAP_FIXED, -1, 0);
	tap_is_long(r, (long)p, "MAP_FIXED over a mapping returns that address");
	tap_is_long(p[0], 0, "... and replaced the page: it reads zero");
	sys_munmap(p, 2 * PAGE_SIZE);
	sys_munmap(f, 2 * PAGE_SIZE);
}

static void populate(void)
{
	struct rusage before, after;
	unsigned char *p;
	int present = 1;
	long r;

	p = (unsigned char *)sys_mmap(NULL, NPOP * PAGE_SIZE, RW, PA | MAP_POPULATE, -1, 0);
	if (!tap_ok((long)p > 0, "mmap %d pages with MAP_POPULATE", NPOP))
		return;
	for (int i = 0; i < NPOP; i++)
		present &= page_pfn(0, p + i * PAGE_SIZE) != 0;
	tap_ok(present, "MAP_POPULATE: every page is present in pagemap before any touch");
	/* Twice: the first call may fault in the struct's own page. */
	r = sys_getrusage(RUSAGE_SELF, &before);
	r |= sys_getrusage(RUSAGE_SELF, &before);
	for (int i = 0; i < NPOP; i++)
		p[i * PAGE_SIZE + 7] = (unsigned char)i;
	r |= sys_getrusage(RUSAGE_SELF, &after);
	tap_is_long(r, 0, "getrusage before and after the writes returns 0");
	tap_is_long(after.ru_minflt - before.ru_minflt, 0,
		    "MAP_POPULATE: writing the pages takes no page fault (ru_minflt)");
	tap_ok(p[7] == 0 && p[(NPOP - 1) * PAGE_SIZE + 7] == NPOP - 1 && p[8] == 0, "the pages hold what was written");
	sys_munmap(p, NPOP * PAGE_SIZE);
}

static void noreserve_and_hint(void)
{
	unsigned char *p, *f;
	long r;

	p = (unsigned char *)sys_mmap(NULL, 64 * PAGE_SIZE, RW, PA | MAP_NORESERVE, -1, 0);
	if (tap_ok((long)p > 0, "MAP_NORESERVE: mmap 64 pages")) {
		p[0] = 1;
		p[63 * PAGE_SIZE] = 2;
		tap_ok(p[0] == 1 && p[63 * PAGE_SIZE] == 2 && p[PAGE_SIZE] == 0, "MAP_NORESERVE pages read and write");
		sys_munmap(p, 64 * PAGE_SIZE);
	}
	f = free_range(3);
	r = sys_mmap(f, 3 * PAGE_SIZE, RW, PA, -1, 0);
	tap_is_long(r, (long)f, "a free hint address is honoured without MAP_FIXED");
	if (r > 0)
		sys_munmap((void *)r, 3 * PAGE_SIZE);
}

static void map_types(const char *self)
{
	long r, fd;

	tap_is_err(sys_mmap(NULL, PAGE_SIZE, RW, MAP_ANONYMOUS, -1, 0), EINVAL, "map type 0 gives EINVAL");
	tap_is_err(sys_mmap(NULL, PAGE_SIZE, RW, 0x0f | MAP_ANONYMOUS, -1, 0), EINVAL, "map type 0xf gives EINVAL");
	tap_is_err(sys_mmap(NULL, PAGE_SIZE, RW, MAP_SHARED_VALIDATE | MAP_ANONYMOUS, -1, 0), EINVAL,
		   "anonymous MAP_SHARED_VALIDATE gives EINVAL (only SHARED or PRIVATE)");
	tap_is_err(sys_mmap(NULL, 0, RW, PA, -1, 0), EINVAL, "len 0 gives EINVAL");
	tap_is_err(sys_mmap(NULL, PAGE_SIZE, RW, PA, -1, 1), EINVAL, "an unaligned offset gives EINVAL");
	r = sys_mmap(NULL, PAGE_SIZE, RW, PA | UNKNOWN_FLAG, -1, 0);
	tap_ok(r > 0, "an unknown flag bit (0x%x) is ignored without MAP_SHARED_VALIDATE", UNKNOWN_FLAG);
	if (r > 0)
		sys_munmap((void *)r, PAGE_SIZE);

	/* EOPNOTSUPP needs a file that the kernel can map: Linux maps the test's own file. */
	fd = sys_openat(AT_FDCWD, self, O_RDONLY, 0);
	if (!tap_ok(fd >= 0, "open the test's own file %s (%ld)", self, fd))
		return;
	r = sys_mmap(NULL, PAGE_SIZE, PROT_READ, MAP_PRIVATE, (int)fd, 0);
	if (is_pagoda()) {
		/* Pagoda maps no files: its files have no mmap operation, Linux's ENODEV. */
		tap_is_err(r, ENODEV, "Pagoda maps no files: mmap of %s gives ENODEV", self);
	} else if (tap_ok(r > 0, "mmap of the test's own file works (%ld)", r)) {
		sys_munmap((void *)r, PAGE_SIZE);
		tap_is_err(sys_mmap(NULL, PAGE_SIZE, PROT_READ, MAP_SHARED_VALIDATE | UNKNOWN_FLAG, (int)fd, 0),
			   EOPNOTSUPP, "MAP_SHARED_VALIDATE with an unknown flag on a file gives EOPNOTSUPP");
		r = sys_mmap(NULL, PAGE_SIZE, PROT_READ, MAP_SHARED_VALIDATE, (int)fd, 0);
		tap_ok(r > 0, "MAP_SHARED_VALIDATE with known flags on a file works");
		if (r > 0)
			sys_munmap((void *)r, PAGE_SIZE);
	}
	tap_is_long(sys_close((int)fd), 0, "close the file");
}

static void madvise_cases(void)
{
	unsigned char *p = (unsigned char *)sys_mmap(NULL, 3 * PAGE_SIZE, RW, PA, -1, 0);

	if (!tap_ok((long)p > 0, "mmap 3 pages for madvise"))
		return;
	memset(p, 0xab, 3 * PAGE_SIZE);
	tap_is_err(sys_madvise(p, PAGE_SIZE, 999), EINVAL, "madvise advice 999 gives EINVAL");
	tap_is_err(sys_madvise(p + 8, PAGE_SIZE, MADV_NORMAL), EINVAL, "madvise at an unaligned start gives EINVAL");
	tap_is_long(sys_madvise(p, 0, MADV_DONTNEED), 0, "madvise with len 0 returns 0");
	/* A length that wraps when rounded up to a page is EINVAL (Linux: len_in && !len). */
	tap_is_err(sys_madvise(p, (size_t)-1, MADV_DONTNEED), EINVAL, "madvise with length -1 gives EINVAL");
	tap_is_err(sys_madvise(p, (size_t)-4095, MADV_NORMAL), EINVAL, "madvise with length -4095 gives EINVAL");
	tap_is_long(p[0], 0xab, "... and drops nothing");
	tap_is_long(sys_madvise(p, 3 * PAGE_SIZE, MADV_NORMAL), 0, "MADV_NORMAL on the mapping returns 0");

	tap_ok(page_pfn(0, p + PAGE_SIZE) != 0, "page 1 is present before MADV_DONTNEED");
	tap_is_long(sys_madvise(p + PAGE_SIZE, PAGE_SIZE, MADV_DONTNEED), 0, "MADV_DONTNEED on page 1");
	tap_ok(page_pfn(0, p + PAGE_SIZE) == 0, "pagemap: page 1 is no longer present");
	tap_ok(p[PAGE_SIZE] == 0 && p[2 * PAGE_SIZE - 1] == 0, "page 1 now reads zero");
	tap_ok(p[0] == 0xab && p[2 * PAGE_SIZE] == 0xab, "pages 0 and 2 keep their data");

	tap_is_long(sys_munmap(p + PAGE_SIZE, PAGE_SIZE), 0, "munmap page 1");
	tap_is_err(sys_madvise(p, 3 * PAGE_SIZE, MADV_DONTNEED), ENOMEM, "MADV_DONTNEED across the hole gives ENOMEM");
	tap_ok(p[0] == 0 && p[2 * PAGE_SIZE] == 0, "... after dropping the pages on both sides of it");
	tap_is_err(sys_madvise(p + PAGE_SIZE, PAGE_SIZE, MADV_NORMAL), ENOMEM, "madvise on an unmapped page gives ENOMEM");
	sys_munmap(p, 3 * PAGE_SIZE);
}

int main(int argc, char **argv)
{
	fixed_noreplace();
	populate();
	noreserve_and_hint();
	map_types(argc > 0 ? argv[0] : "/proc/self/exe");
	madvise_cases();
	return tap_done();
}
