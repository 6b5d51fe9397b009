/*
 * migrate_hugetlb_cow: a private hugetlb page shared by a parent and its
 * child after fork migrates (move_pages, MPOL_MF_MOVE_ALL) while the child,
 * on the other CPU, writes it for the first time: the child's hugetlb COW
 * races the migration's rmap walk. (Linux 6.1 and Pagoda alike.) The
 * rounds and their checks: cowrace.h.
 *
 * The walk turns the mappings into migration entries one at a time, and
 * each lowers the page's mapcount: halfway, a page two processes map reads
 * as mapped once. A COW that trusted the mapcount alone would reuse the
 * page in place for the child (the parent would then see the child's
 * writes), or repoint the page to the child's anon_vma so that the walk
 * back misses the parent's entry (the parent would hang on it forever).
 * Linux's hugetlb_fault takes the page lock, which the migration holds,
 * around the COW; Pagoda does the same.
 *
 * After the rounds, the pool has nothing reserved or surplus left.
 */
#include "cowrace.h"
#include "hugetlb.h"

#define ROUNDS		500

/* A private MAP_HUGETLB page with the parent's pattern. */
static unsigned char *make_region(int r, long tag)
{
	long h = huge_mmap(NULL, HPAGE_SIZE, MAP_PRIVATE);

	if (h < 0) {
		tap_diag("round %d: mmap MAP_HUGETLB: %ld", r, h);
		return NULL;
	}
	cow_fill((unsigned char *)h, tag);
	return (unsigned char *)h;
}

int main(int argc, char **argv)
{
	struct hpool start;

	hugetlb_test_machine_or_skip();
	if (!hpool_start(&start, 2))
		return tap_done();
	tap_is_long(cow_race_run(argc, argv, ROUNDS, make_region), ROUNDS,
		    "%d rounds of a child's first write racing the migration of the hugetlb page it shares: "
		    "COW isolation kept, both read their own data", ROUNDS);
	hpool_read(&start);
	tap_ok(start.rsvd == 0 && start.surp == 0, "the pool has nothing reserved or surplus left (rsvd %ld surp %ld)",
	       start.rsvd, start.surp);
	return tap_done();
}
