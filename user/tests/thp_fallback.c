/*
 * thp_fallback (Pagoda only): with no free order-9 block, a write fault in
 * a THP-eligible 2 MB range falls back to 4 KB pages and counts
 * thp_fault_fallback (Linux: the same counter, but its compaction and
 * reclaim make the moment unpredictable, so this runs on Pagoda only).
 * THPs are taken until one fault falls back; that range is not huge and
 * holds its data; everything is unmapped again.
 */
#include "mmtest.h"

#define MAX_AREAS	1024

static unsigned char *areas[MAX_AREAS];

static int is_huge(const unsigned char *p)
{
	uint64_t first = page_pfn(0, p);

	if (!first || first % 512)
		return 0;
	for (unsigned long i = 1; i < 512; i += 37)
		if (page_pfn(0, p + i * PAGE_SIZE) != first + i)
			return 0;
	return 1;
}

int main(void)
{
	long fallback = vmstat_get("thp_fault_fallback"), alloc = vmstat_get("thp_fault_alloc");
	long max = meminfo_kb("MemTotal") / 2048 + 8;
	int n = 0, fell = 0;

	if (!is_pagoda())
		tap_skip_all("Pagoda only: Linux compacts and reclaims before it falls back");
	if (max > MAX_AREAS)
		max = MAX_AREAS;
	while (n < max) {
		unsigned char *p = thp_area(MADV_HUGEPAGE);

		if (!p)
			break;
		areas[n++] = p;
		p[0] = 0x5a;
		if (vmstat_get("thp_fault_fallback") != fallback) {
			fell = 1;
			break;
		}
	}
	if (tap_ok(fell, "a fault fell back after %d THPs", n - 1)) {
		unsigned char *p = areas[n - 1];

		tap_is_long(vmstat_get("thp_fault_fallback") - fallback, 1, "thp_fault_fallback grew by 1");
		tap_is_long(vmstat_get("thp_fault_alloc") - alloc, n - 1, "thp_fault_alloc counted the THPs before it");
		p[THP_SIZE - 1] = 0x6b;
		tap_ok(!is_huge(p) && p[0] == 0x5a && p[THP_SIZE - 1] == 0x6b,
		       "the range that fell back has 4 KB pages and its data");
		tap_ok(is_huge(areas[0]) && areas[0][0] == 0x5a, "the first range is a THP with its data");
	}
	for (int i = 0; i < n; i++)
		sys_munmap(areas[i], THP_SIZE);
	return tap_done();
}
