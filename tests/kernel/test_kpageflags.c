/*
 * Boot-time self-test of /proc/kpageflags' rules (fs/proc/page.c
 * stable_page_flags), run with selftest=kpageflags (or all): the kinds of
 * page user space cannot make yet, built here from the allocator and
 * dressed as the THP, huge-zero-page and hugetlb code will dress them:
 *
 *   compound   a kernel compound page: COMPOUND_HEAD / COMPOUND_TAIL only
 *   thp        an anonymous order-9 compound page with a PMD mapping:
 *              THP, ANON and MMAP on all 512 frames, SWAPBACKED on the
 *              head; kpagecount 1 on each (the PMD)
 *   huge_zero  an order-9 compound page with PG_zero on its head:
 *              ZERO_PAGE | THP on every frame
 *   hugetlb    PG_hugetlb on the head: HUGE on every frame, never THP
 *   buddy      after the free, every frame of the block has BUDDY
 *
 * Every case undoes what it set (mapping, compound mapcount, PG_*) before
 * freeing, so the allocator's free-time checks still hold.
 */
#include <fs/proc_fs.h>
#include <mm/mm.h>
#include <kernel/kernel.h>
#include <kernel/selftest.h>

#define HUGE_ORDER	9
#define FAKE_ANON_VMA	((void *)(0xffff888000001000UL | PAGE_MAPPING_ANON))	/* never dereferenced */

/* Every frame of page[0 .. 2^order) has all of set and none of clear; else why. */
static bool frames_have(struct page *page, unsigned int order, u64 head_set, u64 tail_set, u64 clear)
{
	for (unsigned long i = 0; i < (1UL << order); i++) {
		u64 f = stable_page_flags(page + i);
		u64 set = i ? tail_set : head_set;

		if ((f & set) != set || (f & clear))
			return selftest_fail("frame %lu of pfn %lx: flags %llx, want %llx set and %llx clear",
					     i, page_to_pfn(page), (unsigned long long)f,
					     (unsigned long long)set, (unsigned long long)clear);
	}
	return true;
}

/* All of a freed block's frames are free: BUDDY, nothing else of the above. */
static bool freed_frames_buddy(struct page *page, unsigned int order)
{
	return frames_have(page, order, KPF(KPF_BUDDY), KPF(KPF_BUDDY),
			   KPF(KPF_COMPOUND_HEAD) | KPF(KPF_COMPOUND_TAIL) | KPF(KPF_THP) | KPF(KPF_MMAP));
}

static bool test_compound(void)
{
	struct page *page = alloc_pages(__GFP_COMP, 2);
	bool ok;

	if (!page)
		return selftest_skip("no order-2 page free");
	ok = frames_have(page, 2, KPF(KPF_COMPOUND_HEAD), KPF(KPF_COMPOUND_TAIL),
			 KPF(KPF_THP) | KPF(KPF_ANON) | KPF(KPF_MMAP) | KPF(KPF_BUDDY) | KPF(KPF_HUGE));
	if (ok && (stable_page_flags(page) & KPF(KPF_COMPOUND_TAIL)))
		ok = selftest_fail("the head shows COMPOUND_TAIL");
	if (ok && (stable_page_flags(page + 1) & KPF(KPF_COMPOUND_HEAD)))
		ok = selftest_fail("a tail shows COMPOUND_HEAD");
	__free_pages(page, 2);
	return ok && freed_frames_buddy(page, 2);
}

static bool test_thp(void)
{
	struct page *page = alloc_pages(GFP_TRANSHUGE, HUGE_ORDER);
	u64 all = KPF(KPF_THP) | KPF(KPF_ANON) | KPF(KPF_MMAP);
	bool ok;

	if (!page)
		return selftest_skip("no order-9 page free");
	page->mapping = FAKE_ANON_VMA;			/* as page_add_new_anon_rmap would */
	atomic_set(&page[1].compound_mapcount, 0);	/* one PMD maps it */
	ok = frames_have(page, HUGE_ORDER, all | KPF(KPF_COMPOUND_HEAD) | KPF(KPF_SWAPBACKED),
			 all | KPF(KPF_COMPOUND_TAIL), KPF(KPF_ZERO_PAGE) | KPF(KPF_HUGE) | KPF(KPF_BUDDY));
	if (ok && (page_mapcount(page) != 1 || page_mapcount(page + 511) != 1))
		ok = selftest_fail("kpagecount of head, last frame: %d, %d; want 1 (the PMD)",
				   page_mapcount(page), page_mapcount(page + 511));
	/* Linux keeps PG_swapbacked on the head only. */
	if (ok && (stable_page_flags(page + 1) & KPF(KPF_SWAPBACKED)))
		ok = selftest_fail("a tail shows SWAPBACKED");
	atomic_set(&page[1].compound_mapcount, -1);
	page->mapping = NULL;
	__free_pages(page, HUGE_ORDER);
	return ok && freed_frames_buddy(page, HUGE_ORDER);
}

static bool test_huge_zero(void)
{
	struct page *page = alloc_pages(GFP_TRANSHUGE, HUGE_ORDER);
	u64 all = KPF(KPF_ZERO_PAGE) | KPF(KPF_THP);
	bool ok;

	if (!page)
		return selftest_skip("no order-9 page free");
	SetPageZero(page);
	ok = frames_have(page, HUGE_ORDER, all, all, KPF(KPF_ANON) | KPF(KPF_MMAP) | KPF(KPF_HUGE));
	ClearPageZero(page);
	__free_pages(page, HUGE_ORDER);
	return ok && freed_frames_buddy(page, HUGE_ORDER);
}

static bool test_hugetlb(void)
{
	struct page *page = alloc_pages(GFP_TRANSHUGE, HUGE_ORDER);
	bool ok;

	if (!page)
		return selftest_skip("no order-9 page free");
	SetPageHugeTLB(page);
	ok = frames_have(page, HUGE_ORDER, KPF(KPF_HUGE), KPF(KPF_HUGE), KPF(KPF_THP) | KPF(KPF_ZERO_PAGE));
	ClearPageHugeTLB(page);		/* before the free: a PG_hugetlb page goes back to its pool */
	__free_pages(page, HUGE_ORDER);
	return ok && freed_frames_buddy(page, HUGE_ORDER);
}

static const struct selftest_case kpageflags_selftest_cases[] = {
	{ "compound", test_compound },
	{ "thp", test_thp },
	{ "huge_zero", test_huge_zero },
	{ "hugetlb", test_hugetlb },
};

const struct selftest_suite kpageflags_selftest_suite = {
	.name = "kpageflags",
	.cases = kpageflags_selftest_cases,
	.nr_cases = ARRAY_SIZE(kpageflags_selftest_cases),
};
