/*
 * Pagoda-only debug views of the reverse map, and a consistency check, for
 * the files under /sys/kernel/debug/pagoda/ (docs/rmap.md has the formats,
 * docs/files.md how a request is written):
 *
 *   rmap      for one (pid, address): the page, its anon_vma, the VMAs the
 *             rmap walk visited and the (pid, address) pairs that map it
 *   anon_vma  for one pid: each VMA's anon_vma chain and each anon_vma's tree
 *   check     every mapped page's mapcount and refcount against the page
 *             tables and the rmap walk; every AVC on its VMA's list and in
 *             its anon_vma's tree; every VMA found by the mm's VMA tree;
 *             no migration entry whose page is unlocked (left behind)
 *
 * Each report is text in a caller's buffer; the return value is its length.
 * The reports on one pid hold a reference on its mm (get_task_mm) and its
 * mmap_lock for reading while they walk it; the buffer is the kernel's, so
 * no uaccess happens under the lock.
 */
#include <mm/debug_rmap.h>
#include <mm/rmap.h>
#include <mm/hugetlb.h>
#include <mm/swapops.h>
#include <mm/internal.h>
#include <mm/shmem.h>
#include <kernel/kernel.h>
#include <kernel/errno.h>
#include <kernel/sched.h>
#include <kernel/timekeeping.h>

struct report {
	char *buf;
	size_t size, len;
};

static __printf(2, 3) void emit(struct report *r, const char *fmt, ...)
{
	va_list ap;

	if (r->len >= r->size)
		return;
	va_start(ap, fmt);
	r->len += vsnprintf(r->buf + r->len, r->size - r->len, fmt, ap);
	va_end(ap);
	if (r->len > r->size)
		r->len = r->size;
}

static pid_t mm_owner_pid(const struct mm_struct *mm)
{
	struct task_struct *t;

	list_for_each_entry(t, &task_list, tasks)
		if (t->mm == mm)
			return t->pid;
	return -1;
}

/* The frame mapped at addr by a PTE or a huge PMD; false if none is present. */
static bool mapped_pfn(struct mm_struct *mm, unsigned long addr, unsigned long *pfn)
{
	pte_t *ptep = follow_pte(mm, addr);
	pmd_t *pmd;

	if (ptep && pte_present(*ptep)) {
		*pfn = pte_pfn(*ptep);
		return true;
	}
	/* A THP's PMD, or a hugetlb one (present or, under PROT_NONE, not); not a migration entry. */
	pmd = mm_find_pmd(mm, addr);
	if (!pmd || !pmd_huge(*pmd) || is_swap_pmd(*pmd))
		return false;
	*pfn = pmd_pfn(*pmd) + pte_index(addr);
	return true;
}

static bool pte_maps_page(struct vm_area_struct *vma, unsigned long addr, struct page *page)
{
	unsigned long pfn;

	return mapped_pfn(vma->vm_mm, addr, &pfn) && pfn == page_to_pfn(page);
}

struct rmap_report_arg {
	struct report *r;
	int mapped;
};

static bool report_one(struct page *page, struct vm_area_struct *vma, unsigned long addr, void *arg)
{
	struct rmap_report_arg *a = arg;

	if (pte_maps_page(vma, addr, page)) {
		emit(a->r, "mapped %d 0x%lx\n", mm_owner_pid(vma->vm_mm), addr);
		a->mapped++;
	}
	return true;
}

static bool count_mapped(struct page *page, struct vm_area_struct *vma, unsigned long addr, void *arg);
static int rmap_report(pid_t pid, struct mm_struct *mm, unsigned long addr, char *buf, size_t size);

/* The cost of one walk that checks each VMA's PTE, as try_to_unmap would, without printing. */
static u64 timed_walk_ns(struct page *page)
{
	int found = 0;
	struct rmap_walk_control rwc = { .arg = &found, .rmap_one = count_mapped };
	u64 t0 = ktime_get_ns();

	rmap_walk(page, &rwc);
	return ktime_get_ns() - t0;
}

/*
 * The rmap report of the page pid maps at addr: its length, -ESRCH (no such
 * pid, or no mm) or -ENOENT (nothing present at addr). The mm's mmap_lock
 * is held for reading (the page stays mapped meanwhile, but for a
 * concurrent MADV_DONTNEED); rmap_walk takes the anon_vma lock; the PTE
 * reads take no page-table lock.
 */
int pagoda_rmap_report(pid_t pid, unsigned long addr, char *buf, size_t size)
{
	struct task_struct *t = find_task_by_pid(pid);
	struct mm_struct *mm = t ? get_task_mm(t) : NULL;
	int ret;

	if (!mm)
		return -ESRCH;
	mmap_read_lock(mm);
	ret = rmap_report(pid, mm, addr & PAGE_MASK, buf, size);
	mmap_read_unlock(mm);
	mmput(mm);
	return ret;
}

/*
 * addr maps no page: if a migration entry is there (a page on its way to
 * another node), say so, with the state of the page it names: locked by
 * the migration, isolated from other ones. -ENOENT if nothing is there.
 */
static int migration_entry_report(struct report *r, pid_t pid, struct mm_struct *mm, unsigned long addr)
{
	pte_t *ptep = follow_pte(mm, addr);
	pmd_t *pmd = mm_find_pmd(mm, addr);
	swp_entry_t entry;
	struct page *page;

	if (ptep && is_migration_pte(*ptep))
		entry = pte_to_swp_entry(*ptep);
	else if (pmd && is_pmd_migration_entry(*pmd))
		entry = pmd_to_swp_entry(*pmd);
	else
		return -ENOENT;
	page = pfn_swap_entry_to_page(entry);
	emit(r, "pid %d address 0x%lx\n", pid, addr);
	emit(r, "migration entry (%s) pfn 0x%lx node %d locked %d isolated %d\n",
	     is_writable_migration_entry(entry) ? "write" : "read", page_to_pfn(page),
	     page_to_nid(page), PageLocked(page) ? 1 : 0, PageIsolated(compound_head(page)) ? 1 : 0);
	return r->len;
}

static int rmap_report(pid_t pid, struct mm_struct *mm, unsigned long addr, char *buf, size_t size)
{
	struct report r = { buf, size, 0 };
	struct rmap_report_arg arg = { &r, 0 };
	struct rmap_walk_control rwc = { .arg = &arg, .rmap_one = report_one };
	struct anon_vma *av;
	struct page *page;
	unsigned long pfn;

	if (!mapped_pfn(mm, addr, &pfn))
		return migration_entry_report(&r, pid, mm, addr);
	page = vm_normal_page(pfn_pte(pfn, __pgprot(0)));
	if (page && PageHugeTLB(compound_head(page)))
		page = compound_head(page);	/* the rmap knows a hugetlb page by its head only */
	emit(&r, "pid %d address 0x%lx\n", pid, addr);
	if (!page || PageZero(compound_head(page))) {
		emit(&r, "pfn 0x%lx zero-page\n", pfn);
		return r.len;
	}
	av = page_anon_vma(page);
	emit(&r, "pfn 0x%lx node %d mapcount %d refcount %d exclusive %d index 0x%lx\n",
	     page_to_pfn(page), page_to_nid(page), page_mapcount(page), page_ref_count(page),
	     PageAnonExclusive(page) ? 1 : 0, page->index);
	emit(&r, "locked %d isolated %d\n", PageLocked(page) ? 1 : 0, PageIsolated(compound_head(page)) ? 1 : 0);
	if (!av) {
		emit(&r, "anon_vma none\n");
		return r.len;
	}
	emit(&r, "anon_vma %u root %u\n", av->id, av->root->id);
	rmap_walk(page, &rwc);
	emit(&r, "visited %lu\n", rwc.nr_visited);
	emit(&r, "found %d\n", arg.mapped);
	emit(&r, "walk_ns %lu\n", (unsigned long)timed_walk_ns(page));
	return r.len;
}

/* The anonymous page mm maps at addr, with a reference held; or an error pointer. mmap_lock held. */
static struct page *__get_user_anon_page(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma = find_vma(mm, addr);
	struct page *page = ERR_PTR(-ENOENT);
	spinlock_t *ptl;
	pte_t *ptep;

	if (vma && vma->vm_start <= addr && is_vm_hugetlb_page(vma))
		return ERR_PTR(-EINVAL);	/* Linux never reclaims a hugetlb page */
	if (vma && vma->vm_start <= addr)
		split_huge_pmd_address(vma, addr);	/* a THP: unmap or age one 4 KB page of it */
	ptep = follow_pte(mm, addr & PAGE_MASK);
	if (!ptep)
		return page;
	ptl = &mm->page_table_lock;
	spin_lock(ptl);
	if (pte_present(*ptep)) {
		page = vm_normal_page(*ptep);
		if (!page || !PageAnon(page))
			page = ERR_PTR(-EINVAL);	/* the zero page or shared memory: not in the anon rmap */
		else
			get_page(page);
	}
	spin_unlock(ptl);
	return page;
}

/*
 * The anonymous page pid maps at addr, with a reference held; or an error
 * pointer. The lookup holds the mm's mmap_lock for reading; the caller's
 * rmap operation (try_to_unmap, page_referenced) then needs only the page
 * reference and the anon_vma lock, as in Linux.
 */
static struct page *get_user_anon_page(pid_t pid, unsigned long addr)
{
	struct task_struct *t = find_task_by_pid(pid);
	struct mm_struct *mm = t ? get_task_mm(t) : NULL;
	struct page *page;

	if (!mm)
		return ERR_PTR(-ESRCH);
	mmap_read_lock(mm);
	page = __get_user_anon_page(mm, addr);
	mmap_read_unlock(mm);
	mmput(mm);
	return page;
}

/* try_to_unmap on the page: every PTE that maps it is cleared (no swap: the data goes). */
int pagoda_unmap_report(pid_t pid, unsigned long addr, char *buf, size_t size)
{
	struct report r = { buf, size, 0 };
	struct page *page = get_user_anon_page(pid, addr);
	int before;
	bool done;

	if (IS_ERR(page))
		return PTR_ERR(page);
	before = page_mapcount(page);
	done = try_to_unmap(page);
	emit(&r, "mapcount_before %d\n", before);
	emit(&r, "mapcount_after %d\n", page_mapcount(page));
	emit(&r, "unmapped %s\n", done ? "all" : "partly");
	put_page(page);		/* the last reference: the page is freed */
	return r.len;
}

/* page_referenced on the page: how many of its PTEs were young; it clears them. */
int pagoda_referenced_report(pid_t pid, unsigned long addr, char *buf, size_t size)
{
	struct report r = { buf, size, 0 };
	struct page *page = get_user_anon_page(pid, addr);
	unsigned long vm_flags = 0;
	int referenced;

	if (IS_ERR(page))
		return PTR_ERR(page);
	referenced = page_referenced(page, &vm_flags);
	emit(&r, "mapcount %d\n", page_mapcount(page));
	emit(&r, "referenced %d\n", referenced);
	put_page(page);
	return r.len;
}

static void report_anon_vma(struct report *r, struct anon_vma *av)
{
	struct interval_node *n;

	emit(r, "anon_vma %u root %u parent %u refcount %d children %lu active %lu tree",
	     av->id, av->root->id, av->parent->id, atomic_read(&av->refcount),
	     av->num_children, av->num_active_vmas);
	for (n = interval_tree_iter_first(&av->rb_root, 0, ~0UL); n;
	     n = interval_tree_iter_next(&av->rb_root, n, 0, ~0UL)) {
		struct anon_vma_chain *avc = container_of(n, struct anon_vma_chain, rb);
		emit(r, " %d:0x%lx", mm_owner_pid(avc->vma->vm_mm), avc->vma->vm_start);
	}
	emit(r, "\n");
}

/*
 * pid's anon_vma chains and trees: the report's length, or -ESRCH. The
 * mm's mmap_lock for reading; the anon_vma trees are read without their
 * root lock, so another mm's fork or exit on another CPU may change them
 * under the report (a debugging view, meant for a quiet system).
 */
int pagoda_anon_vma_report(pid_t pid, char *buf, size_t size)
{
	struct report r = { buf, size, 0 };
	struct task_struct *t = find_task_by_pid(pid);
	struct mm_struct *mm = t ? get_task_mm(t) : NULL;
	struct vm_area_struct *vma;

	if (!mm)
		return -ESRCH;
	mmap_read_lock(mm);
	for_each_vma(mm, vma) {
		struct anon_vma_chain *avc;

		if (!vma->anon_vma)
			continue;
		emit(&r, "vma 0x%lx-0x%lx pgoff 0x%lx anon_vma %u\n", vma->vm_start, vma->vm_end,
		     vma->vm_pgoff, vma->anon_vma->id);
		list_for_each_entry(avc, &vma->anon_vma_chain, same_vma)
			report_anon_vma(&r, avc->anon_vma);
	}
	mmap_read_unlock(mm);
	mmput(mm);
	return r.len;
}

/* ---- consistency check ---- */

static bool avc_in_tree(struct anon_vma_chain *avc)
{
	struct interval_root *root = &avc->anon_vma->rb_root;
	struct interval_node *n;

	for (n = interval_tree_iter_first(root, avc->rb.start, avc->rb.last); n;
	     n = interval_tree_iter_next(root, n, avc->rb.start, avc->rb.last))
		if (n == &avc->rb)
			return true;
	return false;
}

static void check_avcs(struct report *r, struct task_struct *t, int *errors)
{
	struct vm_area_struct *vma;

	for_each_vma(t->mm, vma) {
		struct anon_vma_chain *avc;
		bool own = !vma->anon_vma;

		if (find_vma(t->mm, vma->vm_start) != vma || find_vma(t->mm, vma->vm_end - 1) != vma) {
			emit(r, "pid %d vma 0x%lx-0x%lx: the VMA tree does not find it\n",
			     t->pid, vma->vm_start, vma->vm_end);
			(*errors)++;
		}

		list_for_each_entry(avc, &vma->anon_vma_chain, same_vma) {
			if (avc->vma != vma || !avc_in_tree(avc) ||
			    avc->rb.start != vma->vm_pgoff ||
			    avc->rb.last != vma->vm_pgoff + vma_pages(vma) - 1) {
				emit(r, "pid %d vma 0x%lx: AVC of anon_vma %u not in its tree or stale\n",
				     t->pid, vma->vm_start, avc->anon_vma->id);
				(*errors)++;
			}
			own |= avc->anon_vma == vma->anon_vma;
		}
		if (!own) {
			emit(r, "pid %d vma 0x%lx: its anon_vma %u is not on its chain\n",
			     t->pid, vma->vm_start, vma->anon_vma->id);
			(*errors)++;
		}
	}
}

/*
 * A migration entry is in a PTE only while its migration holds the page
 * lock (try_to_migrate to remove_migration_ptes): one naming an unlocked
 * page was left behind, and the next fault on it would sleep for ever.
 * Any other non-present PTE is a kind Pagoda never makes.
 */
static void check_migration_entry(struct report *r, struct task_struct *t, unsigned long addr,
				  pte_t pte, int *errors)
{
	struct page *page = pfn_swap_entry_to_page(pte_to_swp_entry(pte));

	if (PageLocked(page))
		return;		/* a migration in progress (on another CPU, or asleep) */
	emit(r, "pid %d 0x%lx: migration entry 0x%lx for pfn 0x%lx left behind (page not locked)\n",
	     t->pid, addr, pte_val(pte), page_to_pfn(page));
	(*errors)++;
}

/* A PMD mapping of a THP counts in the head's __reserved, above this bit. */
#define PMD_MAPS_SHIFT	32

/*
 * Count, in page->__reserved, the PTEs of every process that map each page,
 * and the huge PMDs that map each THP (in its head, << PMD_MAPS_SHIFT).
 */
static void count_pte_maps(struct report *r, struct task_struct *t, int *errors)
{
	struct vm_area_struct *vma;

	for_each_vma(t->mm, vma) {
		unsigned long a = vma->vm_start, next;

		for (; a < vma->vm_end; a = next) {
			pte_t *ptep;
			struct page *page;
			pmd_t pmd;

			follow_trans_huge_pmd(t->mm, a, &pmd);
			if (is_vm_hugetlb_page(vma)) {
				/* A hugetlb mapping: a huge PTE per 2 MB, present or PROT_NONE. */
				pmd_t *hpmd = mm_find_pmd(t->mm, a);

				if (hpmd && pmd_huge(*hpmd) && !is_swap_pmd(*hpmd))
					pfn_to_page(pmd_pfn(*hpmd))->__reserved += 1UL << PMD_MAPS_SHIFT;
				next = (a & PMD_MASK) + PMD_SIZE;
				continue;
			}
			if (pmd_trans_huge(pmd)) {
				page = pfn_to_page(pmd_pfn(pmd));
				if (!PageZero(page))
					page->__reserved += 1UL << PMD_MAPS_SHIFT;
				next = (a & PMD_MASK) + PMD_SIZE;
				continue;
			}
			ptep = pte_table_range(t->mm, a, vma->vm_end, &next);

			for (; ptep && a < next; a += PAGE_SIZE, ptep++) {
				if (is_migration_pte(*ptep))
					check_migration_entry(r, t, a, *ptep, errors);
				else if (pte_present(*ptep) && (page = vm_normal_page(*ptep)))
					page->__reserved++;
			}
		}
	}
}

static bool count_mapped(struct page *page, struct vm_area_struct *vma, unsigned long addr, void *arg)
{
	if (pte_maps_page(vma, addr, page))
		(*(int *)arg)++;
	return true;
}

/*
 * A THP's head: every PTE and PMD mapping holds a reference on it, and its
 * compound_mapcount is the number of PMDs that map it.
 */
static void check_thp(struct report *r, struct page *head, int *errors)
{
	int pmds = (int)(head->__reserved >> PMD_MAPS_SHIFT), refs = pmds;

	for (unsigned long i = 0; i < HPAGE_PMD_NR; i++)
		refs += (int)(head[i].__reserved & ((1UL << PMD_MAPS_SHIFT) - 1));
	if (compound_mapcount(head) != pmds || page_ref_count(head) != refs) {
		emit(r, "THP pfn 0x%lx: %d PMDs and %d mappings in all, compound_mapcount %d, refcount %d\n",
		     page_to_pfn(head), pmds, refs, compound_mapcount(head), page_ref_count(head));
		(*errors)++;
	}
}

/*
 * A hugetlb page's head: mapped only whole, by huge PTEs (PMD leaves); its
 * compound_mapcount is their number, its refcount one per mapping plus the
 * file's page cache if it is there; an anonymous one is found by the rmap
 * walk from every mapping.
 */
static void check_hugetlb_page(struct report *r, struct page *head, int *errors)
{
	int pmds = (int)(head->__reserved >> PMD_MAPS_SHIFT), found = 0;
	int cache_ref = head->mapping && !PageAnon(head) ? 1 : 0;
	struct rmap_walk_control rwc = { .arg = &found, .rmap_one = count_mapped };

	if (compound_mapcount(head) != pmds || page_ref_count(head) != pmds + cache_ref) {
		emit(r, "hugetlb pfn 0x%lx: %d huge PTEs map it, compound_mapcount %d, refcount %d%s\n",
		     page_to_pfn(head), pmds, compound_mapcount(head), page_ref_count(head),
		     cache_ref ? " (one for the page cache)" : "");
		(*errors)++;
		return;
	}
	if (!PageAnon(head))
		return;
	rmap_walk(head, &rwc);
	if (found != pmds) {
		emit(r, "hugetlb pfn 0x%lx: %d huge PTEs map it, the rmap walk finds %d\n",
		     page_to_pfn(head), pmds, found);
		(*errors)++;
	}
}

/*
 * The hugetlb pool's counts against its pages: every PG_hugetlb head is in
 * nr_huge_pages of its node, and the ones with refcount 0 (on a free list)
 * in free_huge_pages; reservations never exceed the free pages.
 */
static void check_hugetlb_pool(struct report *r, int *errors)
{
	struct hstate *h = &default_hstate;
	unsigned long nr[MAX_NUMNODES] = { 0 }, nfree[MAX_NUMNODES] = { 0 };

	for (unsigned long pfn = 0; pfn < max_pfn; pfn += HPAGE_PMD_NR) {
		struct page *page = pfn_to_page(pfn);

		if (!PageHead(page) || !PageHugeTLB(page))
			continue;
		nr[page_to_nid(page)]++;
		if (!page_ref_count(page))
			nfree[page_to_nid(page)]++;
	}
	for (int nid = 0; nid < MAX_NUMNODES; nid++) {
		if (nr[nid] == h->nr_huge_pages_node[nid] && nfree[nid] == h->free_huge_pages_node[nid])
			continue;
		emit(r, "hugetlb node %d: %lu pool pages, %lu free; the counts say %lu and %lu\n",
		     nid, nr[nid], nfree[nid], h->nr_huge_pages_node[nid], h->free_huge_pages_node[nid]);
		(*errors)++;
	}
	if (h->resv_huge_pages > h->free_huge_pages) {
		emit(r, "hugetlb: %lu pages reserved, only %lu free\n", h->resv_huge_pages, h->free_huge_pages);
		(*errors)++;
	}
}

static void check_page(struct report *r, struct page *page, int *errors)
{
	struct page *head = compound_head(page);
	int ptes = (int)(page->__reserved & ((1UL << PMD_MAPS_SHIFT) - 1)), found = 0;
	int cache_ref = page_is_shmem(page) ? 1 : 0;	/* the shmem object's own reference */
	struct rmap_walk_control rwc = { .arg = &found, .rmap_one = count_mapped };
	bool thp = PageHead(head) && !PageHugeTLB(head);

	if (PageHugeTLB(head)) {
		if (page == head)
			check_hugetlb_page(r, head, errors);
		return;		/* a tail: the head's check covers it */
	}
	if (thp) {
		/* Each subpage: its PTEs plus the PMDs of the whole; the refcount is the head's. */
		ptes += (int)(head->__reserved >> PMD_MAPS_SHIFT);
		if (page == head)
			check_thp(r, head, errors);
	}
	if (page_mapcount(page) != ptes || (!thp && page_ref_count(page) != ptes + cache_ref)) {
		emit(r, "pfn 0x%lx: %d PTEs map it, mapcount %d, refcount %d\n",
		     page_to_pfn(page), ptes, page_mapcount(page), page_ref_count(page));
		(*errors)++;
		return;
	}
	if (!PageAnon(page))
		return;
	rmap_walk(page, &rwc);
	if (found != ptes) {
		emit(r, "pfn 0x%lx: %d PTEs map it, the rmap walk finds %d\n",
		     page_to_pfn(page), ptes, found);
		(*errors)++;
	}
}

/*
 * A PMD migration entry (a THP's, or a hugetlb page's) in t's page tables:
 * the mm check runs on a quiet system, where no migration is under way,
 * so one found was left behind by a migration that ended. mmap_lock held.
 */
static void check_pmd_migration_entries(struct report *r, struct task_struct *t, int *errors)
{
	struct vm_area_struct *vma;

	for_each_vma(t->mm, vma) {
		for (unsigned long a = vma->vm_start & PMD_MASK; a < vma->vm_end; a += PMD_SIZE) {
			pmd_t *pmd = mm_find_pmd(t->mm, a);

			if (!pmd || !is_swap_pmd(*pmd))
				continue;
			emit(r, "pid %d addr 0x%lx: %s left behind: 0x%lx\n", t->pid, a,
			     is_pmd_migration_entry(*pmd) ? "PMD migration entry" : "non-present PMD",
			     (unsigned long)pmd_val(*pmd));
			(*errors)++;
		}
	}
}

/*
 * Check every mm's mapcounts, refcounts and rmap against its page tables:
 * the report's length; the text ends in "ok" or "errors N". Counts in
 * page->__reserved, so it must not sleep: each mm's mmap_lock is only
 * tried (mmap_read_trylock) and held while its VMAs and page tables are
 * walked; an mm whose lock is busy (a writer at work, or queued) cannot be
 * vouched for and counts as an error. The rmap walks and the page counts
 * are read without the page-table locks: exact only while nothing else
 * runs (the tests check a quiet system).
 */
int pagoda_mm_check(char *buf, size_t size)
{
	struct report r = { buf, size, 0 };
	struct task_struct *t;
	int errors = 0;

	for (unsigned long pfn = 0; pfn < max_pfn; pfn++)
		pfn_to_page(pfn)->__reserved = 0;
	list_for_each_entry(t, &task_list, tasks) {
		if (!task_mm_first(t))
			continue;	/* no mm, or another thread of it was counted */
		if (!mmap_read_trylock(t->mm)) {
			emit(&r, "pid %d: mmap_lock busy, not checked\n", t->pid);
			errors++;
			continue;
		}
		count_pte_maps(&r, t, &errors);
		check_avcs(&r, t, &errors);
		check_pmd_migration_entries(&r, t, &errors);
		mmap_read_unlock(t->mm);
	}
	for (unsigned long pfn = 0; pfn < max_pfn; pfn++) {
		struct page *page = pfn_to_page(pfn);

		if (PageReserved(page) || PageSlab(page) || PageTable(page) || PageBuddy(page))
			continue;
		if (page->__reserved || page_mapcount(page))
			check_page(&r, page, &errors);
	}
	for (unsigned long pfn = 0; pfn < max_pfn; pfn++)
		pfn_to_page(pfn)->__reserved = 0;
	check_hugetlb_pool(&r, &errors);
	emit(&r, errors ? "errors %d\n" : "ok\n", errors);
	return r.len;
}
