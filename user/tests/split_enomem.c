/*
 * A VMA split that runs out of memory (Pagoda only: it fills all of RAM).
 * With every page in use but free vm_area_struct slots left in the slab,
 * mprotect on alternate pages splits a VMA until the anon_vma_chain for
 * the new piece cannot be allocated: mprotect must fail with ENOMEM and
 * leave the anon_vma bookkeeping intact, so that the unmaps and the mm
 * check that follow find nothing wrong (this once panicked the kernel).
 */
#include "mmtest.h"

#define NSMALL	6000
#define NPAGES	512

static char report[4096];

int main(void)
{
	static unsigned char *small[NSMALL];
	unsigned char *p, *hog;
	long total_kb = meminfo_kb("MemTotal"), r = 0, hog_len;
	int enomem = 0;

	if (!is_pagoda())
		tap_skip_all("would exhaust this machine's memory");
	p = (unsigned char *)sys_mmap(NULL, NPAGES * PAGE_SIZE, PROT_READ | PROT_WRITE,
				      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	tap_ok((long)p > 0, "map %d pages", NPAGES);
	for (int i = 0; i < NPAGES; i++)
		p[i * PAGE_SIZE] = 1;		/* the VMA has an anon_vma now */
	/* Many VMAs that do not merge (alternating protections): slab pages of VMAs. */
	for (int i = 0; i < NSMALL; i++)
		small[i] = (unsigned char *)sys_mmap(NULL, PAGE_SIZE, i & 1 ? PROT_READ : PROT_READ | PROT_WRITE,
						     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	/* Every free page goes to the hog; population stops at the first failure. */
	hog_len = (total_kb + 64 * 1024) * 1024;
	hog = (unsigned char *)sys_mmap(NULL, hog_len, PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_POPULATE, -1, 0);
	tap_ok((long)hog > 0, "map and populate more than all of RAM");
	/*
	 * Free VMA slots in the slab, but still no free page: unmapping every
	 * other small VMA leaves each slab page partly used, so none goes back.
	 */
	for (int i = 0; i < NSMALL; i += 2)
		if ((long)small[i] > 0)
			sys_munmap(small[i], PAGE_SIZE);
	for (int i = 1; i < NPAGES && !enomem; i += 2) {
		r = sys_mprotect(p + i * PAGE_SIZE, PAGE_SIZE, PROT_READ);
		enomem = r == -ENOMEM;
		if (r && !enomem)
			break;
	}
	tap_ok(enomem, "a split ran out of memory: mprotect gave ENOMEM (last result %ld)", r);
	sys_munmap(hog, hog_len);
	for (int i = 1; i < NSMALL; i += 2)
		if ((long)small[i] > 0)
			sys_munmap(small[i], PAGE_SIZE);
	tap_is_long(sys_munmap(p, NPAGES * PAGE_SIZE), 0, "unmap the split region");
	tap_ok(debug_query(PAGODA_DEBUG "check", NULL, report, sizeof(report)) > 0 && !strcmp(report, "ok\n"),
	       "the mm check reads ok afterwards");
	return tap_done();
}
