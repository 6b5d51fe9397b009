/*
 * /proc/kpagecount and /proc/kpageflags (Linux: fs/proc/page.c), in
 * Linux's binary format: one u64 per frame, at offset pfn * 8.
 *
 *   kpagecount   how many page-table entries map the frame: its PTEs, and
 *                the PMDs that map its compound page
 *   kpageflags   what the frame is used for: the KPF_* bits of
 *                include/uapi/linux/kernel-page-flags.h, as Linux 6.1's
 *                stable_page_flags() sets them, for the uses Pagoda has
 *
 * Both files end at max_pfn: a read at or past the end returns 0 bytes,
 * and a read that runs over it stops there. Offsets and counts must be
 * multiples of 8 (else EINVAL). Linux rounds the end up to a whole memory
 * section (128 MB); Pagoda has no sections.
 */
#include <fs/proc_fs.h>
#include <kernel/kernel.h>
#include <kernel/errno.h>
#include <kernel/sched.h>
#include <lib/string.h>
#include <arch/x86_64/uaccess.h>
#include <mm/mm.h>

/*
 * The struct page of pfn, or NULL where Linux has none to show (its
 * pfn_to_online_page: a hole in an offline memory section). Pagoda has a
 * struct page for every frame below max_pfn, holes included (PG_reserved),
 * so within the file's range this is never NULL today.
 */
static struct page *kpage_lookup(unsigned long pfn)
{
	return pfn_valid(pfn) ? pfn_to_page(pfn) : NULL;
}

/*
 * Is any part of page's (compound) page mapped? Linux 6.1's page_mapped():
 * a compound page counts as mapped while its head has a PMD mapping
 * (page[1].compound_mapcount >= 0) or any of its frames a PTE mapping.
 * Reads the fields, not page_mapcount(), so that it stays right whatever
 * page_mapcount() comes to include.
 */
static bool kpage_mapped(struct page *page)
{
	struct page *head = compound_head(page);
	unsigned long nr;

	if (!PageCompound(page))
		return atomic_read(&page->_mapcount) >= 0;
	if (atomic_read(&head[1].compound_mapcount) >= 0)
		return true;
	nr = 1UL << compound_order(head);
	for (unsigned long i = 0; i < nr; i++)
		if (atomic_read(&head[i]._mapcount) >= 0)
			return true;
	return false;
}

/*
 * A hugetlb page, head or tail (Linux: PageHuge). The hook for mm/hugetlb.c:
 * it marks the head of each pool page PG_hugetlb, and this reports it.
 */
static bool kpage_hugetlb(struct page *page)
{
	return PageHugeTLB(compound_head(page));
}

/*
 * Would Linux's PG_swapbacked be set? It is on anonymous pages and on
 * shmem pages: shared anonymous memory (page->mapping is its shmem
 * object) and, on Linux booted from an initramfs, a program's file pages,
 * which live in rootfs, a tmpfs; Pagoda's copies of them (mm/filemap.c)
 * have no mapping but are mapped. Linux keeps the flag on the head page
 * only, so a tail never shows it; nor does a hugetlb page.
 */
static bool kpage_swapbacked(struct page *page, bool mapped)
{
	struct page *head = compound_head(page);

	if (PageTail(page) || PageSlab(head) || kpage_hugetlb(page))
		return false;
	return PageAnon(head) || head->mapping || mapped;
}

/*
 * What kind of large page this frame belongs to (Linux 6.1: HUGE, else
 * THP for an anonymous compound page or ZERO_PAGE|THP for the huge zero
 * page, else ZERO_PAGE for the 4 KB zero page). Linux also calls a page on
 * the LRU a THP (file THPs); Pagoda has neither LRU nor file THPs.
 */
static u64 kpage_size_flags(struct page *page)
{
	struct page *head = compound_head(page);

	if (kpage_hugetlb(page))
		return KPF(KPF_HUGE);
	if (PageCompound(page)) {
		if (PageAnon(head))
			return KPF(KPF_THP);
		if (PageZero(head))
			return KPF(KPF_ZERO_PAGE) | KPF(KPF_THP);
		return 0;	/* a kernel compound page (slab, page tables...): no pseudo flag */
	}
	return PageZero(page) ? KPF(KPF_ZERO_PAGE) : 0;
}

/*
 * The KPF_* bits of one frame (Linux: stable_page_flags), for the uses
 * Pagoda has; NULL is a frame without a struct page. LOCKED is the page
 * lock (PG_locked: a page under migration). Never set because Pagoda has
 * no such state: ERROR, REFERENCED, UPTODATE, DIRTY, LRU, ACTIVE,
 * WRITEBACK, RECLAIM, SWAPCACHE, UNEVICTABLE, HWPOISON, KSM, OFFLINE, IDLE.
 */
u64 stable_page_flags(struct page *page)
{
	struct page *head;
	u64 u = 0;

	if (!page)
		return KPF(KPF_NOPAGE);
	head = compound_head(page);

	/* _mapcount of a slab page is not a map count (Linux: !PageSlab). */
	if (!PageSlab(head) && kpage_mapped(page))
		u |= KPF(KPF_MMAP);
	if (PageAnon(head))
		u |= KPF(KPF_ANON);
	if (kpage_swapbacked(page, u & KPF(KPF_MMAP)))
		u |= KPF(KPF_SWAPBACKED);

	/* Compound pages: head and tails together give the start, end and order. */
	if (PageHead(page))
		u |= KPF(KPF_COMPOUND_HEAD);
	if (PageTail(page))
		u |= KPF(KPF_COMPOUND_TAIL);
	u |= kpage_size_flags(page);

	/* Every frame of a free block, not only its head (Linux: is_free_buddy_page). */
	if (PageBuddy(page) || (page_ref_count(page) == 0 && is_free_buddy_page(page)))
		u |= KPF(KPF_BUDDY);
	if (PageTable(page))
		u |= KPF(KPF_PGTABLE);
	if (PageSlab(head))
		u |= KPF(KPF_SLAB);
	if (PageReserved(page))
		u |= KPF(KPF_RESERVED);
	if (PageLocked(page))
		u |= KPF(KPF_LOCKED);
	return u;
}

/* What a frame shows in /proc/kpagecount: 0 for a slab page, whose _mapcount is not a map count. */
static u64 kpagecount_value(unsigned long pfn)
{
	struct page *page = kpage_lookup(pfn);

	if (!page || PageSlab(compound_head(page)))
		return 0;
	return page_mapcount(page);
}

static u64 kpageflags_value(unsigned long pfn)
{
	return stable_page_flags(kpage_lookup(pfn));
}

/*
 * Copy one u64 per frame, from the frame at offset pos, until count bytes
 * or max_pfn. Returns the bytes copied, 0 at or past the end, EINVAL for
 * an offset or count that is not a multiple of 8, EFAULT if nothing could
 * be copied (Linux: kpagecount_read / kpageflags_read).
 */
static ssize_t kpage_read(u64 pos, char *ubuf, size_t count, u64 (*value)(unsigned long pfn))
{
	size_t done = 0;

	if ((pos % 8) || (count % 8))
		return -EINVAL;
	while (done < count) {
		unsigned long pfn = pos / 8;
		u64 v;

		if (pfn >= max_pfn)
			break;
		v = value(pfn);
		if (copy_to_user(ubuf + done, &v, sizeof(v)))
			return done ? (ssize_t)done : -EFAULT;
		done += 8;
		pos += 8;
	}
	return done;
}

ssize_t kpagecount_bin_read(struct proc_file *pf, char *ubuf, size_t count, loff_t pos)
{
	return kpage_read(pos, ubuf, count, kpagecount_value);
}

ssize_t kpageflags_bin_read(struct proc_file *pf, char *ubuf, size_t count, loff_t pos)
{
	return kpage_read(pos, ubuf, count, kpageflags_value);
}
