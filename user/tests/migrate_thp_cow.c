/*
 * migrate_thp_cow: a THP shared by a parent and its child after fork,
 * and mapped by PTEs (an mprotect of its first 4 KB split the PMDs),
 * migrates (move_pages, MPOL_MF_MOVE_ALL) while the child, on the other
 * CPU, writes each of its 512 pages for the first time: 512 COW faults,
 * each taking and dropping references on the THP, race the migration.
 * (Linux 6.1 and Pagoda alike: Linux moves the PTE-mapped THP whole,
 * Pagoda splits it first, as migrate_pages does for a THP with no order-9
 * block on the target.) The rounds and their checks: cowrace.h; /init's
 * leak and mm checks follow the test.
 *
 * A split rewrites every subpage's reference count. Done while a fault
 * on the other CPU takes or drops one, a reference is lost or invented:
 * a page freed while still mapped, or never freed. Pagoda's split, as
 * Linux's, first turns every mapping into a migration entry, so that the
 * faults wait until the counts are rewritten.
 */
#include "cowrace.h"

#define ROUNDS		40

/* A THP with the parent's pattern, its PMD split by an mprotect of its first 4 KB. */
static unsigned char *make_region(int r, long tag)
{
	unsigned char *p = thp_area(MADV_HUGEPAGE);

	if (!p) {
		tap_diag("round %d: no 2 MB-aligned range", r);
		return NULL;
	}
	cow_fill(p, tag);
	if (!thp_is_huge(0, p)) {
		tap_diag("round %d: no THP", r);
	} else if (sys_mprotect(p, PAGE_SIZE, PROT_READ) ||
		   sys_mprotect(p, PAGE_SIZE, PROT_READ | PROT_WRITE)) {
		tap_diag("round %d: mprotect", r);
	} else {
		return p;
	}
	sys_munmap(p, THP_SIZE);
	return NULL;
}

int main(int argc, char **argv)
{
	tap_is_long(cow_race_run(argc, argv, ROUNDS, make_region), ROUNDS,
		    "%d rounds of a child's first writes racing the migration of the PTE-mapped THP it shares: "
		    "COW isolation kept, both read their own data", ROUNDS);
	return tap_done();
}
