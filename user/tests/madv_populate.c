/*
 * MADV_POPULATE_READ and MADV_POPULATE_WRITE, as Linux 6.1 (mm/madvise.c
 * madvise_populate, mm/gup.c faultin_vma_page_range):
 *
 * - POPULATE_READ on private anonymous memory maps every page, all to the
 *   one shared zero page (one PFN), and returns 0;
 * - POPULATE_WRITE then gives each page its own frame; writing them
 *   afterwards takes no page fault (ru_minflt), and they read zero;
 * - where the access is forbidden the call fails with EINVAL: either advice
 *   on PROT_NONE, POPULATE_WRITE on PROT_READ (POPULATE_READ there works);
 * - a hole in the range, or an unmapped range, gives ENOMEM.
 */
#include "mmtest.h"

#define MADV_POPULATE_READ	22
#define MADV_POPULATE_WRITE	23
#define NPAGES			4

static int all_present(void *p, int n)
{
	for (int i = 0; i < n; i++) {
		uint64_t e;

		if (pagemap_get(0, (char *)p + i * PAGE_SIZE, &e) || !(e & PM_PRESENT))
			return 0;
	}
	return 1;
}

static int distinct_pfns(void *p, int n)
{
	for (int i = 0; i < n; i++)
		for (int j = 0; j < i; j++)
			if (page_pfn(0, (char *)p + i * PAGE_SIZE) == page_pfn(0, (char *)p + j * PAGE_SIZE))
				return 0;
	return 1;
}

static void check_populate(void)
{
	char *p = (char *)sys_mmap(NULL, NPAGES * PAGE_SIZE, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct rusage before, after;
	uint64_t pfn0;
	int same = 1, zero = 1;

	if (!tap_ok((long)p > 0, "mmap %d private pages", NPAGES))
		return;
	tap_is_long(sys_madvise(p, NPAGES * PAGE_SIZE, MADV_POPULATE_READ), 0, "MADV_POPULATE_READ returns 0");
	tap_ok(all_present(p, NPAGES), "every page is present");
	pfn0 = page_pfn(0, p);
	for (int i = 1; i < NPAGES; i++)
		same &= page_pfn(0, p + i * PAGE_SIZE) == pfn0;
	tap_ok(pfn0 && same, "all on one frame, the zero page (pfn 0x%lx)", (unsigned long)pfn0);

	tap_is_long(sys_madvise(p, NPAGES * PAGE_SIZE, MADV_POPULATE_WRITE), 0, "MADV_POPULATE_WRITE returns 0");
	tap_ok(all_present(p, NPAGES) && distinct_pfns(p, NPAGES), "each page now has its own frame");
	sys_getrusage(RUSAGE_SELF, &before);
	sys_getrusage(RUSAGE_SELF, &before);
	for (int i = 0; i < NPAGES; i++) {
		zero &= p[i * PAGE_SIZE + 7] == 0;
		p[i * PAGE_SIZE] = (char)i;
	}
	sys_getrusage(RUSAGE_SELF, &after);
	tap_is_long(after.ru_minflt - before.ru_minflt, 0, "writing them takes no page fault");
	tap_ok(zero, "they read zero");
	sys_munmap(p, NPAGES * PAGE_SIZE);
}

static void check_forbidden(void)
{
	char *n = (char *)sys_mmap(NULL, 2 * PAGE_SIZE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *r = (char *)sys_mmap(NULL, 2 * PAGE_SIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (!tap_ok((long)n > 0 && (long)r > 0, "mmap a PROT_NONE and a PROT_READ range"))
		return;
	tap_is_err(sys_madvise(n, 2 * PAGE_SIZE, MADV_POPULATE_READ), EINVAL, "POPULATE_READ on PROT_NONE: EINVAL");
	tap_is_err(sys_madvise(n, 2 * PAGE_SIZE, MADV_POPULATE_WRITE), EINVAL, "POPULATE_WRITE on PROT_NONE: EINVAL");
	tap_ok(!all_present(n, 1), "nothing was mapped there");
	tap_is_err(sys_madvise(r, 2 * PAGE_SIZE, MADV_POPULATE_WRITE), EINVAL, "POPULATE_WRITE on PROT_READ: EINVAL");
	tap_is_long(sys_madvise(r, 2 * PAGE_SIZE, MADV_POPULATE_READ), 0, "POPULATE_READ on PROT_READ works");
	tap_ok(all_present(r, 2), "and maps the pages");
	sys_munmap(n, 2 * PAGE_SIZE);
	sys_munmap(r, 2 * PAGE_SIZE);
}

static void check_holes(void)
{
	char *p = (char *)sys_mmap(NULL, 3 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (!tap_ok((long)p > 0, "mmap 3 pages"))
		return;
	sys_munmap(p + PAGE_SIZE, PAGE_SIZE);
	tap_is_err(sys_madvise(p, 3 * PAGE_SIZE, MADV_POPULATE_WRITE), ENOMEM, "a hole in the range: ENOMEM");
	sys_munmap(p, 3 * PAGE_SIZE);
	tap_is_err(sys_madvise(p, 3 * PAGE_SIZE, MADV_POPULATE_READ), ENOMEM, "an unmapped range: ENOMEM");
}

int main(void)
{
	check_populate();
	check_forbidden();
	check_holes();
	return tap_done();
}
