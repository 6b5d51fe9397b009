/*
 * Page migration (Linux mm/migrate.c, 6.1; seed 002): move a page's
 * contents to a new page on another node and repoint every mapping
 * through the rmap.
 *
 *   migrate_pages(from, get_new_page, put_new_page, private, mode, reason)
 *     up to 10 passes over the list; -EAGAIN pages go round again, from
 *     pass 3 on with force (sleep on the page lock); -ENOMEM stops (a THP
 *     is split instead, try_split_thp, its pages tried after the rest)
 *     unmap_and_move_huge_page       a hugetlb page (mm/hugetlb.c helpers)
 *     unmap_and_move                 page_count 1: freed meanwhile, done
 *       get_new_page                 alloc_migration_target: the target node
 *       __unmap_and_move             lock the page, hold its anon_vma
 *         try_to_migrate             each PTE -> a migration entry (mm/rmap.c)
 *         move_to_new_page
 *           migrate_page
 *             migrate_page_move_mapping   refcount check: only ours left?
 *             migrate_page_copy           contents, flags, mapping, index
 *         remove_migration_ptes(page, rc ? page : newpage)
 *           rmap_walk -> remove_migration_pte: each entry -> a present PTE
 *
 *   A page on the way, seen from a PTE: present (old page) -> migration
 *   entry naming the old PFN, writable or not -> present (new page, or
 *   the old one if the copy failed). A fault on the entry sleeps on the
 *   old page's lock (migration_entry_wait) and retries.
 *
 * A page belongs to one migration at a time: isolate_lru_page sets
 * PG_isolated (Linux clears PG_lru) and takes a reference; the page is
 * then on the caller's list through page->lru until migrated (the
 * reference goes with the old page) or put back (putback_movable_pages).
 *
 * Lock order (mm/rmap.c's list): the page lock (sleeps) comes before the
 * anon_vma root lock and the page-table lock: __unmap_and_move holds it
 * across try_to_migrate and remove_migration_ptes, which take those two.
 * No spinlock is held across a page copy or an allocation.
 *
 * Pages handled: private anonymous pages. A THP (its head on the list)
 * goes the same way, whole: an order-9 target, PMD migration entries
 * (try_to_migrate_one and remove_migration_pte call mm/huge_memory.c),
 * 512 subpages copied; with no order-9 block on the target it is split
 * and its pages migrate as 4 KB pages (try_split_thp), and one that PTEs
 * map is split first. A hugetlb page (PageHugeTLB head) goes through
 * unmap_and_move_huge_page and mm/hugetlb.c's helpers, to a page of the
 * target node's pool or a temporary one. shmem, program-file and
 * hugetlbfs page-cache pages are not migrated (no rmap walk finds their
 * mappings: they are not anonymous).
 *
 * Start reading at migrate_pages().
 */
#include <mm/migrate.h>
#include <mm/pagemap.h>
#include <mm/rmap.h>
#include <mm/swapops.h>
#include <mm/internal.h>
#include <mm/hugetlb.h>
#include <kernel/kernel.h>
#include <kernel/errno.h>
#include <kernel/sched.h>
#include <lib/string.h>
#include <mm/numa.h>
#include <mm/mempolicy.h>
#include <kernel/syscalls.h>
#include <kernel/uaccess.h>

/* ---- isolation ---- */

/*
 * Take page for a migration (Linux: isolate_lru_page): 0 with a reference
 * held and PG_isolated set, or -EBUSY if another migration has it. The
 * caller holds a reference or the page-table lock of a PTE mapping it.
 */
int isolate_lru_page(struct page *page)
{
	if (__atomic_fetch_or(&page->flags, 1UL << PG_isolated, __ATOMIC_ACQUIRE) & (1UL << PG_isolated))
		return -EBUSY;
	get_page(page);
	return 0;
}

/* Give back an isolated page that is not on a list any more (Linux: putback_lru_page). */
void putback_lru_page(struct page *page)
{
	ClearPageIsolated(page);
	put_page(page);
}

/* Put back every page left on a migration's list (Linux: putback_movable_pages). */
void putback_movable_pages(struct list_head *l)
{
	struct page *page, *next;

	list_for_each_entry_safe(page, next, l, lru) {
		list_del(&page->lru);
		putback_lru_page(page);
	}
}

/* ---- the target page ---- */

/*
 * A page on the node of the struct migration_target_control that private
 * points at (Linux: alloc_migration_target): of page's size, an order-9
 * compound page for a THP, a pool (or temporary) page for a hugetlb page
 * (mm/hugetlb.c). NULL if that node has none free and gfp_mask has
 * __GFP_THISNODE: migrate_pages then splits a THP, and otherwise stops
 * with -ENOMEM.
 */
struct page *alloc_migration_target(struct page *page, unsigned long private)
{
	struct migration_target_control *mtc = (struct migration_target_control *)private;

	if (PageHugeTLB(page))
		return alloc_hugetlb_migration_target(&default_hstate, mtc->nid);
	if (PageHead(page))	/* a THP: an order-9 page, whole (Linux: GFP_TRANSHUGE) */
		return alloc_pages_node(mtc->nid, mtc->gfp_mask | GFP_TRANSHUGE, HPAGE_PMD_ORDER);
	return alloc_pages_node(mtc->nid, mtc->gfp_mask | __GFP_NOWARN, 0);
}

/* ---- copying ---- */

/*
 * Everything but the mappings moves to newpage (Linux: folio_migrate_copy
 * = folio_copy + folio_migrate_flags): the contents, the flags that
 * describe the data (PG_anon_exclusive; the node is newpage's own), and
 * mapping and index so that the rmap walk of newpage finds the VMAs.
 * Both pages locked; page has no mapping left.
 */
void migrate_page_copy(struct page *newpage, struct page *page)
{
	if (PageHead(page)) {
		thp_migrate_copy(newpage, page);	/* 512 subpages (mm/huge_memory.c) */
		return;
	}
	copy_page(page_address(newpage), page_address(page));
	if (PageAnonExclusive(page))
		SetPageAnonExclusive(newpage);
	newpage->index = page->index;
	WRITE_ONCE(newpage->mapping, page->mapping);
}

/*
 * The point of no return (Linux: folio_migrate_mapping for a page with no
 * address_space): nobody but the migration may hold a reference now, or
 * a user could go on reading the old page through it (a GUP pin, a fault
 * on another CPU that got the page before its PTE became an entry and is
 * about to copy it). One reference is expected: the isolation's.
 * MIGRATEPAGE_SUCCESS, or -EAGAIN to retry in the next pass.
 */
static int migrate_page_move_mapping(struct page *newpage, struct page *page)
{
	int expected_count = 1;

	(void)newpage;
	if (page_ref_count(page) != expected_count)
		return -EAGAIN;
	return MIGRATEPAGE_SUCCESS;
}

/* Linux: migrate_page (migrate_folio in 6.1) for anonymous pages. Both pages locked. */
int migrate_page(struct page *newpage, struct page *page, enum migrate_mode mode)
{
	int rc;

	(void)mode;
	rc = migrate_page_move_mapping(newpage, page);
	if (rc != MIGRATEPAGE_SUCCESS)
		return rc;
	migrate_page_copy(newpage, page);
	return MIGRATEPAGE_SUCCESS;
}

/*
 * Move page's data to newpage (Linux: move_to_new_folio). page is locked
 * and unmapped; newpage is locked here, which nobody else can contend (it
 * is ours alone). On failure newpage keeps no mapping.
 */
static int move_to_new_page(struct page *newpage, struct page *page, enum migrate_mode mode)
{
	int rc;

	VM_BUG_ON(!PageLocked(page), "pfn %lx: migrating an unlocked page", page_to_pfn(page));
	BUG_ON(!trylock_page(newpage));
	rc = migrate_page(newpage, page, mode);
	if (rc != MIGRATEPAGE_SUCCESS)
		newpage->mapping = NULL;
	unlock_page(newpage);
	return rc;
}

/* ---- one page ---- */

/*
 * Lock page, unmap it into migration entries, copy it, and point the
 * entries at newpage; on any failure, back at page (Linux 6.1:
 * __unmap_and_move). page is isolated; newpage is ours. Returns
 * MIGRATEPAGE_SUCCESS, -EAGAIN (locked by someone, or referenced beyond
 * its mappings: retry) or -EBUSY.
 */
static int __unmap_and_move(struct page *page, struct page *newpage, int force,
			    enum migrate_mode mode)
{
	struct anon_vma *anon_vma = NULL;
	bool page_was_mapped = false;
	int rc = -EAGAIN;

	if (!trylock_page(page)) {
		if (!force || mode == MIGRATE_ASYNC)
			goto out;
		lock_page(page);
	}
	/*
	 * Once unmapped, the page's mapcount is 0 and nothing stops its
	 * anon_vma from being freed by the last munmap: hold it until the
	 * entries are gone (Linux: page_get_anon_vma).
	 */
	if (PageAnon(page)) {
		anon_vma = page_anon_vma(page);
		get_anon_vma(anon_vma);
	} else {
		rc = -EBUSY;	/* shmem, file: not migrated (no rmap walk finds them) */
		goto out_unlock;
	}
	if (page_mapped(page)) {
		try_to_migrate(page);
		page_was_mapped = true;
	}
	if (!page_mapped(page))
		rc = move_to_new_page(newpage, page, mode);
	if (page_was_mapped)
		remove_migration_ptes(page, rc == MIGRATEPAGE_SUCCESS ? newpage : page);
	put_anon_vma(anon_vma);
out_unlock:
	unlock_page(page);
out:
	return rc;
}

/*
 * Migrate one isolated page (Linux 6.1: unmap_and_move). A page whose
 * only reference is ours was freed by its users meanwhile: success, with
 * nothing to copy. On success the old page goes (our reference was its
 * last), and newpage keeps only its mappings' references. A permanent
 * failure moves page to ret; -EAGAIN leaves it on the list.
 */
static int unmap_and_move(new_page_t get_new_page, free_page_t put_new_page,
			  unsigned long private, struct page *page, int force,
			  enum migrate_mode mode, struct list_head *ret)
{
	struct page *newpage = NULL;
	int rc = MIGRATEPAGE_SUCCESS;

	if (page_ref_count(page) == 1)
		goto out;	/* the page was freed from under us: done */
	newpage = get_new_page(page, private);
	if (!newpage)
		return -ENOMEM;
	rc = __unmap_and_move(page, newpage, force, mode);
out:
	if (rc != -EAGAIN)
		list_del(&page->lru);
	if (rc == MIGRATEPAGE_SUCCESS) {
		putback_lru_page(page);		/* frees it: no mapping holds it any more */
		if (newpage)
			put_page(newpage);	/* the allocation's: its PTEs hold their own */
		return rc;
	}
	if (rc != -EAGAIN)
		list_add_tail(&page->lru, ret);
	if (put_new_page)
		put_new_page(newpage, private);
	else
		put_page(newpage);
	return rc;
}

/*
 * Migrate one isolated hugetlb page (Linux 6.1: unmap_and_move_huge_page):
 * as __unmap_and_move, with the hugetlb helpers of mm/hugetlb.c (huge
 * PTEs, the pool's target page, its counts). Only anonymous (private)
 * hugetlb pages: a hugetlbfs page-cache page gives -EBUSY. On success the
 * old page goes back to its pool (or, temporary, to the buddy allocator)
 * with our reference, and the new one keeps its mappings'; -ENOMEM if the
 * target node has neither a pool page nor a 2 MB block. A permanent
 * failure moves hpage to ret; -EAGAIN leaves it on the list.
 */
static int unmap_and_move_huge_page(new_page_t get_new_page, free_page_t put_new_page,
				    unsigned long private, struct page *hpage, int force,
				    enum migrate_mode mode, int reason, struct list_head *ret)
{
	struct anon_vma *anon_vma = NULL;
	bool page_was_mapped = false;
	struct page *new_hpage;
	int rc = -EAGAIN;

	(void)reason;
	if (page_ref_count(hpage) == 1) {
		/* Freed from under us (munmap): done; our reference returns it to the pool. */
		list_del(&hpage->lru);
		putback_lru_page(hpage);
		return MIGRATEPAGE_SUCCESS;
	}
	new_hpage = get_new_page(hpage, private);
	if (!new_hpage)
		return -ENOMEM;
	if (!trylock_page(hpage)) {
		if (!force || mode != MIGRATE_SYNC)
			goto out;
		lock_page(hpage);
	}
	if (!PageAnon(hpage)) {
		rc = -EBUSY;	/* a hugetlbfs file's page: no rmap walk finds its mappings */
		goto out_unlock;
	}
	anon_vma = page_anon_vma(hpage);
	get_anon_vma(anon_vma);
	BUG_ON(!trylock_page(new_hpage));	/* ours alone */
	if (page_mapped(hpage)) {
		hugetlb_try_to_migrate(hpage);
		page_was_mapped = true;
	}
	if (!page_mapped(hpage))
		rc = hugetlb_migrate_page(new_hpage, hpage);
	if (page_was_mapped)
		hugetlb_remove_migration_ptes(hpage, rc == MIGRATEPAGE_SUCCESS ? new_hpage : hpage);
	if (rc != MIGRATEPAGE_SUCCESS)
		new_hpage->mapping = NULL;
	unlock_page(new_hpage);
	put_anon_vma(anon_vma);
	if (rc == MIGRATEPAGE_SUCCESS)
		move_hugetlb_state(hpage, new_hpage);
out_unlock:
	unlock_page(hpage);
out:
	if (rc != -EAGAIN)
		list_del(&hpage->lru);
	if (rc == MIGRATEPAGE_SUCCESS)
		putback_lru_page(hpage);	/* back to the pool: no mapping holds it */
	else if (rc != -EAGAIN)
		list_add_tail(&hpage->lru, ret);
	if (rc != MIGRATEPAGE_SUCCESS && put_new_page)
		put_new_page(new_hpage, private);
	else
		put_page(new_hpage);	/* success: the mappings hold it; failure: back to its pool */
	return rc;
}

/*
 * Split an isolated THP to migrate its subpages as 4 KB pages (Linux
 * 6.1: try_split_thp): locked for the split; the 512 pages (head last)
 * go to the end of split_pages, each isolated. 0, or -EBUSY (pinned: it
 * stays whole).
 */
static int try_split_thp(struct page *page, struct list_head *split_pages)
{
	int rc;

	lock_page(page);
	rc = split_huge_page_to_list(page, split_pages);
	unlock_page(page);
	if (!rc)
		list_move_tail(&page->lru, split_pages);
	return rc;
}

/*
 * Pagoda: a THP that PTEs map (a partial munmap or mprotect split a PMD
 * of it) is split before it migrates, and its 512 pages join from at its
 * end, to migrate (and count) as 4 KB pages. *page2, the pass's next
 * entry, becomes the one now after the THP's old place (its pages, if it
 * was the last). 0, or -EAGAIN (pinned: the next pass tries again).
 */
static int split_pte_mapped_thp(struct page *page, struct page **page2, struct list_head *from)
{
	struct list_head *prev = page->lru.prev;

	if (try_split_thp(page, from))
		return -EAGAIN;
	*page2 = list_entry(prev->next, struct page, lru);
	return 0;
}

/* ---- the list ---- */

/*
 * Migrate the isolated pages on from, using get_new_page(page, private)
 * for the targets (Linux 6.1: migrate_pages; seed 002's loop). Up to 10
 * passes while some page returned -EAGAIN; from pass 3 on (force) a
 * locked page is waited for. -ENOMEM (no target page) stops at once,
 * except for a THP: it counts as failed (thp_migration_fail), is split
 * (thp_migration_split) and its 512 pages are migrated as 4 KB pages
 * after the rest, in one more round that counts no failure (Linux 6.1:
 * the THP's failure was counted). A THP that some PTE maps (a partial
 * munmap or mprotect split a PMD of it) is split first and its pages
 * join the list (Pagoda: thp_migration_split only).
 *
 * Returns the number of pages not migrated (a THP counts 1: permanent
 * failures, those still -EAGAIN after the last pass, a THP split after
 * -ENOMEM), 0 if all moved, or -ENOMEM. The pages not migrated are left
 * on from for the caller to put back (putback_movable_pages).
 * *ret_succeeded, if not NULL, gets the number of base pages moved.
 * pgmigrate_success / pgmigrate_fail count base pages (512 for a THP or
 * a hugetlb page), thp_migration_success THPs moved whole.
 */
int migrate_pages(struct list_head *from, new_page_t get_new_page, free_page_t put_new_page,
		  unsigned long private, enum migrate_mode mode, int reason,
		  unsigned int *ret_succeeded)
{
	int retry = 1, thp_retry = 1, nr_failed = 0, nr_succeeded = 0, pass, rc;
	int nr_failed_pages = 0, nr_retry_pages = 0;
	int nr_thp_succeeded = 0, nr_thp_failed = 0, nr_thp_split = 0;
	bool no_subpage_counting = false;
	struct page *page, *page2;
	LIST_HEAD(ret_pages);
	LIST_HEAD(thp_split_pages);

thp_subpage_migration:
	for (pass = 0; pass < 10 && (retry || thp_retry); pass++) {
		retry = 0;
		thp_retry = 0;
		nr_retry_pages = 0;
		list_for_each_entry_safe(page, page2, from, lru) {
			bool is_thp = PageHead(page) && !PageHugeTLB(page);
			int nr_subpages = PageHead(page) ? 1 << compound_order(page) : 1;

			if (is_thp && thp_pte_mapped(page)) {
				rc = split_pte_mapped_thp(page, &page2, from);
				if (!rc) {
					nr_thp_split++;
					continue;
				}
			} else if (PageHugeTLB(page)) {
				rc = unmap_and_move_huge_page(get_new_page, put_new_page, private, page,
							      pass > 2, mode, reason, &ret_pages);
			} else {
				rc = unmap_and_move(get_new_page, put_new_page, private, page,
						    pass > 2, mode, &ret_pages);
			}
			switch (rc) {
			case -ENOMEM:
				/*
				 * No target page: a THP is split and its pages
				 * migrated after the rest; for anything else the
				 * whole call stops (Linux 6.1).
				 */
				if (is_thp) {
					nr_thp_failed++;
					if (!try_split_thp(page, &thp_split_pages)) {
						nr_thp_split++;
						break;
					}
				} else if (!no_subpage_counting) {
					nr_failed++;
				}
				nr_failed_pages += nr_subpages + nr_retry_pages;
				/* Split pages not tried yet go back for the caller to put back. */
				list_splice_init(&thp_split_pages, from);
				nr_thp_failed += thp_retry;
				goto out;
			case -EAGAIN:
				if (is_thp)
					thp_retry++;
				else if (!no_subpage_counting)
					retry++;
				nr_retry_pages += nr_subpages;
				break;
			case MIGRATEPAGE_SUCCESS:
				nr_succeeded += nr_subpages;
				nr_thp_succeeded += is_thp;
				break;
			default:
				/* Permanent (-EBUSY, -ENOSYS): moved to ret_pages, not retried. */
				if (is_thp)
					nr_thp_failed++;
				else if (!no_subpage_counting)
					nr_failed++;
				nr_failed_pages += nr_subpages;
				break;
			}
		}
	}
	nr_failed += retry;
	nr_thp_failed += thp_retry;
	nr_failed_pages += nr_retry_pages;
	/*
	 * The pages of THPs split after -ENOMEM: one round of their own, not
	 * counted in the result (the THP was, as one failure); what did not
	 * move after the passes above waits in ret_pages meanwhile.
	 */
	if (!list_empty(&thp_split_pages)) {
		list_splice_init(from, &ret_pages);
		list_splice_init(&thp_split_pages, from);
		no_subpage_counting = true;
		retry = 1;
		goto thp_subpage_migration;
	}
	rc = nr_failed + nr_thp_failed;
out:
	list_splice(&ret_pages, from);
	count_vm_events(PGMIGRATE_SUCCESS, nr_succeeded);
	count_vm_events(PGMIGRATE_FAIL, nr_failed_pages);
	count_vm_events(THP_MIGRATION_SUCCESS, nr_thp_succeeded);
	count_vm_events(THP_MIGRATION_FAIL, nr_thp_failed);
	count_vm_events(THP_MIGRATION_SPLIT, nr_thp_split);
	if (ret_succeeded)
		*ret_succeeded = nr_succeeded;
	return rc;
}

/* ---- the fault side ---- */

/*
 * A fault found a non-present PTE at address (do_swap_page): if it is a
 * migration entry, sleep until that migration ends (Linux 6.1:
 * migration_entry_wait), then return for the fault to be retried.
 * mmap_read_lock held throughout (Linux 6.1 keeps it too: do_swap_page
 * waits without FAULT_FLAG_RETRY for migration entries). Counted in
 * pagoda_migration_entry_wait (/proc/vmstat, Pagoda only).
 */
void migration_entry_wait(struct mm_struct *mm, pmd_t *pmd, unsigned long address)
{
	spinlock_t *ptl = &mm->page_table_lock;
	pte_t *ptep, pte;

	spin_lock(ptl);
	if (!pmd_present(*pmd) || pmd_leaf(*pmd))
		goto out;	/* the table went or became huge: retry the fault */
	ptep = pte_offset_kernel(pmd, address);
	pte = *ptep;
	if (!is_migration_pte(pte))
		goto out;
	count_vm_event(PAGODA_MIGRATION_ENTRY_WAIT);
	migration_entry_wait_on_locked(pfn_swap_entry_to_page(pte_to_swp_entry(pte)), ptl);
	return;
out:
	spin_unlock(ptl);
}

/* ---- move_pages(2) ---- */

/*
 * The page mapped at addr in vma, with a reference, for move_pages (Linux:
 * follow_page(vma, addr, FOLL_GET | FOLL_DUMP)): ERR_PTR(-EFAULT) where
 * nothing may be dumped (no page table or an empty PTE in an anonymous
 * VMA, the zero page), NULL where there is no page (a migration entry, an
 * empty PTE of shared memory or a file). A THP or hugetlb page gives the
 * 4 KB subpage at addr. mmap_lock held; takes the page-table lock.
 */
static struct page *follow_page(struct vm_area_struct *vma, unsigned long addr)
{
	struct mm_struct *mm = vma->vm_mm;
	struct page *page = NULL;
	pmd_t *pmd, pmdval;
	pte_t *ptep, pte;

	spin_lock(&mm->page_table_lock);
	pmd = mm_find_pmd(mm, addr);
	if (!pmd || pmd_none(*pmd))
		goto no_page_table;
	pmdval = *pmd;
	if (pmd_huge(pmdval) || pmd_trans_huge(pmdval)) {
		if (!pmd_present(pmdval))
			goto out;	/* a hugetlb entry under PROT_NONE, or a PMD migration entry */
		page = pfn_to_page(pmd_pfn(pmdval) + pte_index(addr));
		if (PageZero(compound_head(page)))
			page = ERR_PTR(-EFAULT);	/* the huge zero page */
		else
			get_page(page);
		goto out;
	}
	if (!pmd_present(pmdval))
		goto no_page_table;
	ptep = pte_offset_kernel(pmd, addr);
	pte = *ptep;
	if (pte_none(pte))
		goto no_page_table;
	if (!pte_present(pte))
		goto out;	/* a migration entry: -ENOENT, as Linux (no FOLL_MIGRATION) */
	page = vm_normal_page(pte);
	if (!page)
		page = ERR_PTR(-EFAULT);	/* the zero page */
	else
		get_page(page);
	goto out;
no_page_table:
	if (vma_is_anonymous(vma))
		page = ERR_PTR(-EFAULT);
out:
	spin_unlock(&mm->page_table_lock);
	return page;
}

/*
 * The mm of the process pid (0: the caller's) with a reference (Linux:
 * find_mm_struct): ERR_PTR(-ESRCH) if there is no such task, -EINVAL if
 * it has no mm. Pagoda has no credentials: every caller is root, so the
 * ptrace and cpuset checks pass and every node is allowed.
 */
static struct mm_struct *find_mm_struct(pid_t pid)
{
	struct task_struct *task = pid ? find_task_by_pid(pid) : current;
	struct mm_struct *mm;

	if (!task)
		return ERR_PTR(-ESRCH);
	mm = get_task_mm(task);
	return mm ? mm : ERR_PTR(-EINVAL);
}

/*
 * move_pages(2) with nodes NULL, a chunk of 16 (Linux:
 * do_pages_stat_array): each status is the node of the page at the
 * address, -EFAULT (no VMA, nothing there, the zero page) or -ENOENT (no
 * page: a migration entry). mmap_read_lock taken here: the arrays are
 * the kernel's copies.
 */
static void do_pages_stat_array(struct mm_struct *mm, unsigned long nr_pages,
				const unsigned long *pages, int *status)
{
	mmap_read_lock(mm);
	for (unsigned long i = 0; i < nr_pages; i++) {
		struct vm_area_struct *vma = find_vma(mm, pages[i]);
		struct page *page;
		int err = -EFAULT;

		if (!vma || vma->vm_start > pages[i])
			goto set_status;
		page = follow_page(vma, pages[i]);
		err = PTR_ERR(page);
		if (IS_ERR(page))
			goto set_status;
		if (page) {
			err = page_to_nid(page);
			put_page(page);
		} else {
			err = -ENOENT;
		}
set_status:
		status[i] = err;
	}
	mmap_read_unlock(mm);
}

#define DO_PAGES_STAT_CHUNK_NR	16UL

/* move_pages(2)'s query mode (Linux: do_pages_stat). 0, or -EFAULT on a bad array. */
static int do_pages_stat(struct mm_struct *mm, unsigned long nr_pages, const unsigned long *pages,
			 int *status)
{
	unsigned long chunk_pages[DO_PAGES_STAT_CHUNK_NR];
	int chunk_status[DO_PAGES_STAT_CHUNK_NR];

	while (nr_pages) {
		unsigned long chunk_nr = min(nr_pages, DO_PAGES_STAT_CHUNK_NR);

		if (copy_from_user(chunk_pages, pages, chunk_nr * sizeof(*chunk_pages)))
			break;
		do_pages_stat_array(mm, chunk_nr, chunk_pages, chunk_status);
		if (copy_to_user(status, chunk_status, chunk_nr * sizeof(*status)))
			break;
		pages += chunk_nr;
		status += chunk_nr;
		nr_pages -= chunk_nr;
	}
	return nr_pages ? -EFAULT : 0;
}

/*
 * Isolate what page belongs to onto pagelist (add_page_for_migration's
 * tail, Linux 6.1): a THP's head (the THP moves whole), a hugetlb page's
 * head only when addr maps the head (Linux: a tail of it keeps the -EACCES
 * set before), a 4 KB anonymous page. 1 if queued, else the status:
 * -EBUSY (not isolable: another migration has it, or shmem and file
 * pages, which Pagoda does not migrate).
 */
static int isolate_page_for_migration(struct page *page, struct list_head *pagelist)
{
	struct page *head = compound_head(page);
	int err;

	if (PageHugeTLB(head) && page != head)
		return -EACCES;
	if (!PageAnon(head))
		return -EBUSY;
	err = isolate_lru_page(head);
	if (err)
		return err;
	list_add_tail(&head->lru, pagelist);
	return 1;
}

/*
 * Queue the page at addr for a move to node (Linux 6.1:
 * add_page_for_migration): 1 if isolated and on pagelist, 0 if it is on
 * node already, or the status: -EFAULT, -ENOENT, -EACCES (shared and not
 * MOVE_ALL), -EBUSY (not isolable: another migration has it, or a kind
 * Pagoda does not migrate: shmem and file pages, hugetlbfs page-cache
 * pages).
 */
static int add_page_for_migration(struct mm_struct *mm, unsigned long addr, int node,
				  struct list_head *pagelist, bool migrate_all)
{
	struct vm_area_struct *vma;
	struct page *page;
	int err = -EFAULT;

	mmap_read_lock(mm);
	vma = find_vma(mm, addr);
	if (!vma || vma->vm_start > addr)
		goto out;
	page = follow_page(vma, addr);
	err = PTR_ERR(page);
	if (IS_ERR(page))
		goto out;
	err = -ENOENT;
	if (!page)
		goto out;
	err = 0;
	if (page_to_nid(page) == node)
		goto out_putpage;
	err = -EACCES;
	if (page_mapcount(page) > 1 && !migrate_all)
		goto out_putpage;
	err = isolate_page_for_migration(page, pagelist);
out_putpage:
	put_page(page);		/* follow_page's: isolation holds its own */
out:
	mmap_read_unlock(mm);
	return err;
}

/* Migrate one batch to node (Linux: do_move_pages_to_node). What failed is put back. */
static int do_move_pages_to_node(struct list_head *pagelist, int node)
{
	struct migration_target_control mtc = {
		.nid = node,
		.gfp_mask = GFP_HIGHUSER_MOVABLE | __GFP_THISNODE,
	};
	int err;

	err = migrate_pages(pagelist, alloc_migration_target, NULL, (unsigned long)&mtc,
			    MIGRATE_SYNC, MR_SYSCALL, NULL);
	if (err)
		putback_movable_pages(pagelist);
	return err;
}

static int store_status(int *status, int start, int value, int nr)
{
	while (nr-- > 0) {
		if (put_user(value, status + start))
			return -EFAULT;
		start++;
	}
	return 0;
}

/*
 * Move the batch [start, i) (Linux: move_pages_and_store_status) and
 * write node as its status. If some did not move, nothing is written and
 * the positive count returned also counts every entry from i on (Linux
 * 6.1: "migrate: fix syscall move_pages() return value for failure"; a
 * caller that has already written i's status takes one off).
 */
static int move_pages_and_store_status(int node, struct list_head *pagelist, int *status,
				       int start, int i, unsigned long nr_pages)
{
	int err;

	if (list_empty(pagelist))
		return 0;
	err = do_move_pages_to_node(pagelist, node);
	if (err) {
		if (err > 0)
			err += nr_pages - i;
		return err;
	}
	return store_status(status, start, node, i - start);
}

/*
 * move_pages(2) with nodes (Linux 6.1: do_pages_move): consecutive
 * entries with one target node form a batch, migrated when the node
 * changes or an entry is not queued. -ENODEV for a node that does not
 * exist stops the call (after migrating the batch so far), as a bad
 * array pointer does with -EFAULT.
 */
static int do_pages_move(struct mm_struct *mm, unsigned long nr_pages, const unsigned long *pages,
			 const int *nodes, int *status, int flags)
{
	int current_node = NUMA_NO_NODE, err = 0, err1;
	LIST_HEAD(pagelist);
	int start = 0, i;

	for (i = 0; (unsigned long)i < nr_pages; i++) {	/* Linux compares the int with the count too */
		unsigned long addr;
		int node;

		err = -EFAULT;
		if (get_user(addr, pages + i) || get_user(node, nodes + i))
			goto out_flush;
		err = -ENODEV;
		if (node < 0 || node >= MAX_NUMNODES || node >= nr_node_ids)
			goto out_flush;
		if (current_node == NUMA_NO_NODE) {
			current_node = node;
			start = i;
		} else if (node != current_node) {
			err = move_pages_and_store_status(current_node, &pagelist, status, start, i, nr_pages);
			if (err)
				goto out;
			start = i;
			current_node = node;
		}
		/* Lookup and isolation errors are the entry's status, not the call's. */
		err = add_page_for_migration(mm, addr, current_node, &pagelist, flags & MPOL_MF_MOVE_ALL);
		if (err > 0)
			continue;	/* queued */
		err = store_status(status, i, err ? err : current_node, 1);
		if (err)
			goto out_flush;
		err = move_pages_and_store_status(current_node, &pagelist, status, start, i, nr_pages);
		if (err) {
			if (err > 0)
				err--;	/* page i is accounted for: its status is written */
			goto out;
		}
		current_node = NUMA_NO_NODE;
	}
out_flush:
	err1 = move_pages_and_store_status(current_node, &pagelist, status, start, i, nr_pages);
	if (err >= 0)
		err = err1;
out:
	return err;
}

/*
 * move_pages(pid, nr_pages, pages, nodes, status, flags) (Linux 6.1:
 * kernel_move_pages): with nodes NULL, only report where each page is.
 * Returns 0, the number of pages not moved, or -errno: EINVAL for flags
 * other than MOVE/MOVE_ALL, ESRCH, ENODEV, EFAULT, ENOMEM (a target node
 * full). Pagoda's caller is root: MOVE_ALL is allowed.
 */
long sys_move_pages(pid_t pid, unsigned long nr_pages, const unsigned long *pages,
		    const int *nodes, int *status, int flags)
{
	struct mm_struct *mm;
	long err;

	if (flags & ~(MPOL_MF_MOVE | MPOL_MF_MOVE_ALL))
		return -EINVAL;
	mm = find_mm_struct(pid);
	if (IS_ERR(mm))
		return PTR_ERR(mm);
	if (nodes)
		err = do_pages_move(mm, nr_pages, pages, nodes, status, flags);
	else
		err = do_pages_stat(mm, nr_pages, pages, status);
	mmput(mm);
	return err;
}
