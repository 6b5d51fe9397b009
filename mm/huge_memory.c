/*
 * mm/huge_memory.c: transparent huge pages (seed 001, docs/thp.md).
 *
 *   __handle_mm_fault (mm/memory.c)
 *     PMD none, THP allowed  -> create_huge_pmd -> do_huge_pmd_anonymous_page
 *         read, use_zero_page  -> set_huge_zero_page (the huge zero page, read-only)
 *         write                -> alloc_hugepage_vma, __do_huge_pmd_anonymous_page
 *         no order-9 block     -> VM_FAULT_FALLBACK: 4 KB pages (thp_fault_fallback)
 *     PMD huge, write to RO  -> wp_huge_pmd -> do_huge_pmd_wp_page
 *         exclusive            -> reuse in place (pagoda_thp_cow_reuse)
 *         shared / huge zero   -> pagoda_cow_policy "split" (Linux 5.8+, default):
 *                                 __split_huge_pmd_locked, VM_FAULT_FALLBACK: do_wp_page copies 4 KB
 *                                 "copy" (Linux 4.x, seed 001): do_huge_pmd_wp_page_copy,
 *                                 a new THP with all 2 MB (pagoda_thp_cow_copy), or split
 *     PMD huge, otherwise    -> huge_pmd_set_accessed
 *     PMD migration entry    -> pmd_migration_entry_wait, retry (a THP migrating)
 *
 * Migration (mm/migrate.c, docs/thp.md): set_pmd_migration_entry and
 * remove_migration_pmd turn each PMD of a THP into a migration entry and
 * back; split_huge_page_to_list splits one that cannot move whole.
 *
 * A THP is an order-9 compound page. Its PMD mappings count in
 * compound_mapcount (page[1]), its PTE mappings in each subpage's
 * _mapcount; page_mapcount(subpage) is the sum (Linux 6.1). The PMD holds
 * one reference on the head, and so does each PTE of a split PMD.
 *
 * Every huge PMD has a page table deposited with it (mm->pmd_huge_pte), so
 * __split_huge_pmd_locked, which turns it into 512 PTEs, never allocates. Paths
 * that are not huge-aware split first: a VMA split inside a THP
 * (split_huge_pmd_address), mprotect, a zap of part of a PMD; a zap of a
 * whole PMD calls zap_huge_pmd.
 *
 * When the last PMD mapping of a THP goes and only part of it is still
 * PTE-mapped, Pagoda splits the page at once (split_huge_page), so the
 * unmapped 4 KB pages return to the allocator. Linux queues it instead
 * (deferred_split_huge_page) and splits under memory pressure.
 *
 * Lock: mm->mmap_lock (the fault path: for reading), then
 * mm->page_table_lock, which guards the PMD, as the PTEs (Linux: the split
 * PMD lock, pmd_lock). Each fault path reads the PMD unlocked and rechecks
 * it under the lock (pmd_none before mapping a THP, pmd_same before a COW,
 * a reuse or a split), since another thread's fault may have changed it.
 * huge_zero_lock guards the huge zero page's count. Linux also locks the
 * page (lock_page) to split it.
 */
#include <mm/mempolicy.h>
#include <fs/proc_fs.h>
#include <kernel/kernel.h>
#include <kernel/errno.h>
#include <kernel/sched.h>
#include <lib/string.h>
#include <mm/mm.h>
#include <mm/mmzone.h>
#include <mm/rmap.h>
#include <mm/internal.h>
#include <mm/numa.h>
#include <mm/migrate.h>
#include <mm/pagemap.h>
#include <mm/swapops.h>

/* ---- the knobs: /sys/kernel/mm/transparent_hugepage/ and transparent_hugepage= ---- */

enum thp_mode { THP_ALWAYS, THP_MADVISE, THP_NEVER };
static const char *const thp_mode_names[] = { "always", "madvise", "never" };
/* Linux's CONFIG_TRANSPARENT_HUGEPAGE_ALWAYS, Debian 6.1's choice. */
static enum thp_mode thp_enabled = THP_ALWAYS;

static const char *const thp_defrag_names[] = { "always", "defer", "defer+madvise", "madvise", "never" };
/* Pagoda never compacts or reclaims for a THP: the mode is kept and shown only. */
static int thp_defrag = 3;
static bool thp_use_zero_page = true;

/* "a [b] c\n": the names with the selected one bracketed, as Linux's sysfs files. */
static void show_modes(struct seq_file *m, const char *const *names, int n, int selected)
{
	for (int i = 0; i < n; i++)
		seq_printf(m, i == selected ? "%s[%s]" : "%s%s", i ? " " : "", names[i]);
	seq_putc(m, '\n');
}

/* The index of req (one trailing newline allowed, as sysfs_streq) in names, or -EINVAL. */
static int parse_mode(const char *req, const char *const *names, int n)
{
	size_t len = strlen(req);

	if (len && req[len - 1] == '\n')
		len--;
	for (int i = 0; i < n; i++)
		if (strlen(names[i]) == len && !strncmp(req, names[i], len))
			return i;
	return -EINVAL;
}

int thp_enabled_show(struct seq_file *m, struct proc_file *pf)
{
	show_modes(m, thp_mode_names, 3, thp_enabled);
	return 0;
}

int thp_enabled_store(struct proc_file *pf, const char *req)
{
	int mode = parse_mode(req, thp_mode_names, 3);

	if (mode < 0)
		return mode;
	thp_enabled = mode;
	return 0;
}

int thp_defrag_show(struct seq_file *m, struct proc_file *pf)
{
	show_modes(m, thp_defrag_names, 5, thp_defrag);
	return 0;
}

int thp_defrag_store(struct proc_file *pf, const char *req)
{
	int mode = parse_mode(req, thp_defrag_names, 5);

	if (mode < 0)
		return mode;
	thp_defrag = mode;
	return 0;
}

int thp_use_zero_page_show(struct seq_file *m, struct proc_file *pf)
{
	seq_printf(m, "%d\n", thp_use_zero_page);
	return 0;
}

/* Linux: kstrtoul, then 0 or 1 only. */
int thp_use_zero_page_store(struct proc_file *pf, const char *req)
{
	static const char *const values[] = { "0", "1" };
	int v = parse_mode(req, values, 2);

	if (v < 0)
		return v;
	thp_use_zero_page = v;
	return 0;
}

/*
 * Pagoda only: what a write to a shared THP does. "split" is Linux 5.8+
 * (commit 3917c80280c9); "copy" is Linux 4.x's whole 2 MB copy (seed 001).
 */
enum thp_cow_policy { THP_COW_SPLIT, THP_COW_COPY };
static const char *const thp_cow_names[] = { "split", "copy" };
static int thp_cow_policy = THP_COW_SPLIT;

int thp_cow_policy_show(struct seq_file *m, struct proc_file *pf)
{
	show_modes(m, thp_cow_names, 2, thp_cow_policy);
	return 0;
}

int thp_cow_policy_store(struct proc_file *pf, const char *req)
{
	int policy = parse_mode(req, thp_cow_names, 2);

	if (policy < 0)
		return policy;
	thp_cow_policy = policy;
	return 0;
}

/* Boot: pagoda_thp_cow=split|copy (Pagoda only). A bad value is reported and ignored. */
void setup_thp_cow_policy(const char *opt)
{
	int policy = parse_mode(opt, thp_cow_names, 2);

	if (policy < 0)
		printk("pagoda_thp_cow= cannot parse, ignored\n");
	else
		thp_cow_policy = policy;
}

int thp_hpage_pmd_size_show(struct seq_file *m, struct proc_file *pf)
{
	seq_printf(m, "%lu\n", HPAGE_PMD_NR << PAGE_SHIFT);
	return 0;
}

/*
 * Boot: the value of transparent_hugepage=, always|madvise|never (Linux:
 * setup_transparent_hugepage). A bad value is reported and ignored.
 */
void setup_transparent_hugepage(const char *opt)
{
	int mode = parse_mode(opt, thp_mode_names, 3);

	if (mode < 0)
		printk("transparent_hugepage= cannot parse, ignored\n");
	else
		thp_enabled = mode;
}

/* ---- which VMAs get THPs ---- */

/* The aligned 2 MB around haddr lies inside vma (Linux: transhuge_vma_suitable). */
static bool transhuge_vma_suitable(struct vm_area_struct *vma, unsigned long haddr)
{
	return haddr >= vma->vm_start && haddr + PMD_SIZE <= vma->vm_end;
}

/* The knob and the VMA's flags allow THPs (Linux: hugepage_vma_check, less shmem and files). */
static bool hugepage_vma_check(struct vm_area_struct *vma)
{
	if (!vma_is_anonymous(vma) || (vma->vm_flags & (VM_NOHUGEPAGE | VM_HUGETLB)))
		return false;
	if (thp_enabled == THP_ALWAYS)
		return true;
	return thp_enabled == THP_MADVISE && (vma->vm_flags & VM_HUGEPAGE);
}

/*
 * smaps' THPeligible: a fault in vma could map a THP, and an aligned 2 MB
 * fits in it (Linux 6.1 checks the last one, vm_end - HPAGE_PMD_SIZE).
 */
bool thp_vma_eligible(struct vm_area_struct *vma)
{
	return hugepage_vma_check(vma) &&
	       transhuge_vma_suitable(vma, (vma->vm_end - PMD_SIZE) & PMD_MASK);
}

/* A fault at addr may map a THP (Linux: __transparent_hugepage_enabled + the suitable check). */
bool transparent_hugepage_active(struct vm_area_struct *vma, unsigned long addr)
{
	return hugepage_vma_check(vma) && transhuge_vma_suitable(vma, addr & PMD_MASK);
}

/* ---- the deposited page table ---- */

/* Keep pgtable for a later split of the huge PMD being made (Linux: pgtable_trans_huge_deposit). (p) */
static void pgtable_trans_huge_deposit(struct mm_struct *mm, struct page *pgtable)
{
	lockdep_assert_held(&mm->page_table_lock);
	if (!mm->pmd_huge_pte)
		INIT_LIST_HEAD(&pgtable->lru);
	else
		list_add(&pgtable->lru, &mm->pmd_huge_pte->lru);
	mm->pmd_huge_pte = pgtable;
}

/* Take back one deposited table, zeroed (Linux: pgtable_trans_huge_withdraw). (p) */
static struct page *pgtable_trans_huge_withdraw(struct mm_struct *mm)
{
	struct page *pgtable = mm->pmd_huge_pte;

	lockdep_assert_held(&mm->page_table_lock);
	VM_BUG_ON(!pgtable, "mm %p: no page table deposited for a huge PMD", mm);
	if (list_empty(&pgtable->lru)) {
		mm->pmd_huge_pte = NULL;
	} else {
		mm->pmd_huge_pte = list_entry(pgtable->lru.next, struct page, lru);
		list_del(&pgtable->lru);
	}
	pgtable->lru.next = NULL;	/* compound_head: not a tail */
	pgtable->lru.prev = NULL;
	return pgtable;
}

/* ---- the huge zero page ---- */

/*
 * huge_zero_lock guards the two below and every mm's huge_zero_page flag:
 * faults on two CPUs (of one mm or of two) may ask for it at once, and an
 * exit may drop the last reference meanwhile (Linux: an atomic count and a
 * cmpxchg). Not ranked: nothing else is taken under it.
 */
static DEFINE_SPINLOCK(huge_zero_lock);
static struct page *huge_zero_page;
static int huge_zero_refcount;		/* mms that map it (Linux: huge_zero_refcount) */

static bool is_huge_zero_pmd(pmd_t pmd)
{
	return huge_zero_page && pmd_pfn(pmd) == page_to_pfn(huge_zero_page);
}

/*
 * The huge zero page, for mm: allocated at the first use and kept while any
 * mm holds it (Linux: mm_get_huge_zero_page, MMF_HUGE_ZERO_PAGE: one
 * reference per mm). Linux's shrinker frees it when unused; Pagoda frees
 * it at the last mm's exit, so a test's memory comes back exactly.
 * NULL if no order-9 block is free. The page is allocated and cleared
 * without the lock; if another CPU installed one meanwhile, ours is freed.
 */
static struct page *mm_get_huge_zero_page(struct mm_struct *mm)
{
	struct page *page = NULL, *zero;

	spin_lock(&huge_zero_lock);
	while (!mm->huge_zero_page && !huge_zero_page && !page) {
		spin_unlock(&huge_zero_lock);
		page = alloc_pages(GFP_TRANSHUGE | __GFP_ZERO, HPAGE_PMD_ORDER);
		if (!page)
			return NULL;	/* Linux counts thp_zero_page_alloc_failed */
		spin_lock(&huge_zero_lock);
	}
	if (!huge_zero_page) {
		count_vm_event(THP_ZERO_PAGE_ALLOC);
		SetPageZero(page);
		huge_zero_page = page;
		page = NULL;
	}
	if (!mm->huge_zero_page) {
		huge_zero_refcount++;
		mm->huge_zero_page = true;
	}
	zero = huge_zero_page;
	spin_unlock(&huge_zero_lock);
	if (page)
		__free_pages(page, HPAGE_PMD_ORDER);	/* another CPU's went in first */
	return zero;
}

/* exit_mmap: mm no longer maps the huge zero page (Linux: mm_put_huge_zero_page). */
void mm_put_huge_zero_page(struct mm_struct *mm)
{
	struct page *page = NULL;

	spin_lock(&huge_zero_lock);
	if (mm->huge_zero_page) {
		mm->huge_zero_page = false;
		if (!--huge_zero_refcount) {
			page = huge_zero_page;
			huge_zero_page = NULL;
		}
	}
	spin_unlock(&huge_zero_lock);
	if (page) {
		ClearPageZero(page);
		__free_pages(page, HPAGE_PMD_ORDER);
	}
}

/* ---- the fault path ---- */

static pmd_t maybe_pmd_mkwrite(pmd_t pmd, const struct vm_area_struct *vma)
{
	return (vma->vm_flags & VM_WRITE) ? pmd_mkwrite(pmd) : pmd;
}

static pmd_t mk_huge_pmd(struct page *page, pgprot_t prot)
{
	return pmd_mkhuge(pfn_pmd(page_to_pfn(page), prot));
}

/* Map the huge zero page read-only at haddr (Linux: set_huge_zero_page). (p) */
static void set_huge_zero_page(struct page *pgtable, struct mm_struct *mm, struct vm_area_struct *vma,
			       unsigned long haddr, pmd_t *pmd, struct page *zero_page)
{
	pmd_t entry = pmd_wrprotect(mk_huge_pmd(zero_page, vma->vm_page_prot));

	pgtable_trans_huge_deposit(mm, pgtable);
	set_pmd(pmd, entry);
}

/*
 * Map a new, cleared THP at the fault's 2 MB (Linux:
 * __do_huge_pmd_anonymous_page). Consumes the caller's reference on page.
 */
static vm_fault_t __do_huge_pmd_anonymous_page(struct vm_fault *vmf, struct page *page)
{
	struct vm_area_struct *vma = vmf->vma;
	struct mm_struct *mm = vma->vm_mm;
	unsigned long haddr = vmf->address & PMD_MASK;
	struct page *pgtable = pte_alloc_one(mm);
	pmd_t entry;

	if (!pgtable) {
		put_page(page);
		return VM_FAULT_OOM;
	}
	spin_lock(&mm->page_table_lock);
	if (!pmd_none(*vmf->pmd)) {
		spin_unlock(&mm->page_table_lock);
		pte_free(mm, pgtable);
		put_page(page);
		return VM_FAULT_OK;	/* another fault mapped it first */
	}
	entry = maybe_pmd_mkwrite(pmd_mkdirty(mk_huge_pmd(page, vma->vm_page_prot)), vma);
	page_add_new_anon_rmap(page, vma, haddr);
	pgtable_trans_huge_deposit(mm, pgtable);
	set_pmd(vmf->pmd, entry);
	add_mm_counter(mm, MM_ANONPAGES, HPAGE_PMD_NR);
	spin_unlock(&mm->page_table_lock);
	count_vm_event(THP_FAULT_ALLOC);
	return VM_FAULT_OK;
}

/*
 * An order-9 page for vma, cleared, by the policy of vma at haddr (Linux:
 * alloc_hugepage_vma -> vma_alloc_folio with hugepage set: the local or
 * preferred node first, then the policy's fallback; by the huge page's
 * offset for an interleave policy). Pagoda neither compacts nor reclaims
 * for it, whatever defrag says.
 */
static struct page *alloc_hugepage_vma(gfp_t gfp, struct vm_area_struct *vma, unsigned long haddr,
				       unsigned int order)
{
	return alloc_pages_vma(gfp | __GFP_ZERO, order, vma, haddr, true);
}

/* First touch of a 2 MB range that may be huge (Linux: do_huge_pmd_anonymous_page). */
vm_fault_t do_huge_pmd_anonymous_page(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct mm_struct *mm = vma->vm_mm;
	unsigned long haddr = vmf->address & PMD_MASK;
	struct page *page;

	if (!transhuge_vma_suitable(vma, haddr))
		return VM_FAULT_FALLBACK;
	if (anon_vma_prepare(vma))
		return VM_FAULT_OOM;
	/* khugepaged_enter_vma(vma, vma->vm_flags): Pagoda has no khugepaged to collapse 4 KB pages later. */
	if (!(vmf->flags & FAULT_FLAG_WRITE) && thp_use_zero_page) {
		struct page *pgtable = pte_alloc_one(mm);
		struct page *zero;

		if (!pgtable)
			return VM_FAULT_OOM;
		zero = mm_get_huge_zero_page(mm);
		if (!zero) {
			pte_free(mm, pgtable);
			count_vm_event(THP_FAULT_FALLBACK);
			return VM_FAULT_FALLBACK;
		}
		spin_lock(&mm->page_table_lock);
		if (pmd_none(*vmf->pmd)) {
			set_huge_zero_page(pgtable, mm, vma, haddr, vmf->pmd, zero);
			pgtable = NULL;
		}
		spin_unlock(&mm->page_table_lock);
		if (pgtable)
			pte_free(mm, pgtable);
		return VM_FAULT_OK;
	}
	page = alloc_hugepage_vma(GFP_TRANSHUGE, vma, haddr, HPAGE_PMD_ORDER);
	if (!page) {
		count_vm_event(THP_FAULT_FALLBACK);
		return VM_FAULT_FALLBACK;
	}
	return __do_huge_pmd_anonymous_page(vmf, page);
}

/* A read, or a write to a writable huge PMD: mark it young (Linux: huge_pmd_set_accessed). */
void huge_pmd_set_accessed(struct vm_fault *vmf)
{
	struct mm_struct *mm = vmf->vma->vm_mm;
	pmd_t entry;

	spin_lock(&mm->page_table_lock);
	if (pmd_same(*vmf->pmd, vmf->orig_pmd)) {
		entry = pmd_mkyoung(vmf->orig_pmd);
		if (vmf->flags & FAULT_FLAG_WRITE)
			entry = pmd_mkdirty(entry);
		set_pmd(vmf->pmd, entry);
		flush_tlb_mm_page(mm, vmf->address);
	}
	spin_unlock(&mm->page_table_lock);
}

/* Every anonymous subpage now belongs to vma's own anon_vma (page_move_anon_rmap for a THP). */
static void thp_move_anon_rmap(struct page *head, struct vm_area_struct *vma)
{
	for (unsigned long i = 0; i < HPAGE_PMD_NR; i++)
		head[i].mapping = (void *)((unsigned long)vma->anon_vma | PAGE_MAPPING_ANON);
	SetPageAnonExclusive(head);
}

/* Split this PMD for the 4 KB COW of do_wp_page (Linux 6.1's fallback label). */
static vm_fault_t do_huge_pmd_wp_page_split(struct vm_fault *vmf)
{
	struct mm_struct *mm = vmf->vma->vm_mm;

	spin_lock(&mm->page_table_lock);
	if (pmd_same(*vmf->pmd, vmf->orig_pmd))
		__split_huge_pmd_locked(vmf->vma, vmf->pmd, vmf->address);
	spin_unlock(&mm->page_table_lock);
	return VM_FAULT_FALLBACK;
}

/*
 * The "copy" policy (Linux 4.x's do_huge_pmd_wp_page, seed 001): this PMD
 * gets a new THP holding a copy of all 2 MB, or a cleared one for the huge
 * zero page (thp_fault_alloc). With no order-9 block free, Linux 4.x
 * copied 512 4 KB pages (do_huge_pmd_wp_page_fallback); Pagoda splits
 * instead and counts thp_fault_fallback. Called without the lock, holding
 * a reference on old (NULL: the huge zero page), which it drops on every
 * path: the copy reads old unlocked, while a zap on another CPU may unmap it.
 */
static vm_fault_t do_huge_pmd_wp_page_copy(struct vm_fault *vmf, struct page *old)
{
	struct vm_area_struct *vma = vmf->vma;
	struct mm_struct *mm = vma->vm_mm;
	unsigned long haddr = vmf->address & PMD_MASK;
	struct page *new = alloc_hugepage_vma(GFP_TRANSHUGE, vma, haddr, HPAGE_PMD_ORDER);
	vm_fault_t ret;

	if (!new) {
		count_vm_event(THP_FAULT_FALLBACK);
		ret = do_huge_pmd_wp_page_split(vmf);
		if (old)
			put_page(old);
		return ret;
	}
	if (old)
		for (unsigned long i = 0; i < HPAGE_PMD_NR; i++)
			copy_page(page_address(new + i), page_address(old + i));
	spin_lock(&mm->page_table_lock);
	if (!pmd_same(*vmf->pmd, vmf->orig_pmd)) {
		spin_unlock(&mm->page_table_lock);
		put_page(new);
		if (old)
			put_page(old);
		return VM_FAULT_OK;
	}
	pmdp_get_and_clear(vmf->pmd);
	flush_tlb_mm_range(mm, haddr, haddr + PMD_SIZE);
	page_add_new_anon_rmap(new, vma, haddr);
	set_pmd(vmf->pmd, maybe_pmd_mkwrite(pmd_mkdirty(mk_huge_pmd(new, vma->vm_page_prot)), vma));
	if (old) {
		page_remove_compound_rmap(old);
		put_page(old);			/* the PMD's reference; ours goes below */
		thp_page_unmapped(old, old);	/* the other side may hold only part of it by PTEs */
		count_vm_event(PAGODA_THP_COW_COPY);
	} else {
		add_mm_counter(mm, MM_ANONPAGES, HPAGE_PMD_NR);	/* the huge zero page was not RSS */
	}
	spin_unlock(&mm->page_table_lock);
	if (old)
		put_page(old);
	count_vm_event(THP_FAULT_ALLOC);
	return VM_FAULT_OK;
}

/*
 * Write to a read-only huge PMD (Linux 6.1: do_huge_pmd_wp_page). A THP
 * only this PMD references is reused in place. Anything else - the huge
 * zero page, a THP shared after fork - goes by pagoda_cow_policy: "split"
 * splits this PMD and the 4 KB COW of do_wp_page copies one page (Linux
 * 5.8+), "copy" copies all 2 MB (Linux 4.x).
 */
vm_fault_t do_huge_pmd_wp_page(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct mm_struct *mm = vma->vm_mm;
	struct page *page;

	spin_lock(&mm->page_table_lock);
	if (!pmd_same(*vmf->pmd, vmf->orig_pmd)) {
		spin_unlock(&mm->page_table_lock);
		return VM_FAULT_OK;
	}
	if (is_huge_zero_pmd(vmf->orig_pmd))
		goto fallback;
	page = pfn_to_page(pmd_pfn(vmf->orig_pmd));
	if (PageAnonExclusive(page) || page_ref_count(page) == 1) {
		if (!PageAnonExclusive(page))
			thp_move_anon_rmap(page, vma);
		set_pmd(vmf->pmd, maybe_pmd_mkwrite(pmd_mkdirty(pmd_mkyoung(vmf->orig_pmd)), vma));
		flush_tlb_mm_page(mm, vmf->address);
		spin_unlock(&mm->page_table_lock);
		count_vm_event(PAGODA_THP_COW_REUSE);
		return VM_FAULT_OK;
	}
fallback:
	if (thp_cow_policy == THP_COW_COPY) {
		page = is_huge_zero_pmd(vmf->orig_pmd) ? NULL : pfn_to_page(pmd_pfn(vmf->orig_pmd));
		if (page)
			get_page(page);	/* the copy reads it with the lock dropped (Linux: get_page too) */
		spin_unlock(&mm->page_table_lock);
		return do_huge_pmd_wp_page_copy(vmf, page);
	}
	spin_unlock(&mm->page_table_lock);
	return do_huge_pmd_wp_page_split(vmf);
}

/* ---- migration: PMD migration entries (Linux: CONFIG_ARCH_ENABLE_THP_MIGRATION) ---- */

/*
 * While a PMD-mapped THP migrates (docs/migration.md), each PMD that maps
 * it holds a migration entry instead: not present, the old head's PFN,
 * and whether the mapping was writable, young and dirty (mm/swapops.h).
 * The entry keeps the deposited page table and the RSS count; it holds
 * neither a mapcount nor a reference. Every path that meets a PMD
 * knows it:
 *
 *   fault (__handle_mm_fault)     pmd_migration_entry_wait, then retry
 *   zap of the whole 2 MB         zap_huge_pmd: clear it, free the table
 *   fork                          copy_huge_pmd: the same entry in the
 *                                 child, read-only in both (Linux)
 *   mprotect of the whole 2 MB    change_huge_pmd: read-only if writable
 *   anything on part of it        waits for the migration first:
 *                                 a migration entry is never split
 *   smaps, pagemap, the mm check  count / show it; the check reports
 *                                 one left behind
 *
 * The migration holds the old page locked from before the first entry is
 * set until after the last is removed, so waiting for PG_locked to clear
 * is waiting for the entries to go.
 */

/*
 * try_to_migrate_one's PMD case (Linux: set_pmd_migration_entry): replace
 * the huge PMD that maps THP head at address by a migration entry naming
 * it, after a TLB flush on every CPU of the mm, so that no CPU writes to
 * the old page once the copy may have started. The PMD's mapping and its
 * reference go (page_remove_compound_rmap, put_page); the caller holds
 * its own reference and the page lock. mm->page_table_lock held.
 */
void set_pmd_migration_entry(struct vm_area_struct *vma, unsigned long address, pmd_t *pmd,
			     struct page *head)
{
	struct mm_struct *mm = vma->vm_mm;
	unsigned long haddr = address & PMD_MASK;
	pmd_t pmdval;
	swp_entry_t entry;

	lockdep_assert_held(&mm->page_table_lock);
	/*
	 * Linux: pmdp_invalidate, then the entry; here cleared and flushed,
	 * then set. One INVLPG drops the 2 MB leaf's TLB entry (Linux:
	 * flush_pmd_tlb_range, a PMD_SIZE stride), not 512.
	 */
	pmdval = pmdp_get_and_clear(pmd);
	flush_tlb_mm_page(mm, haddr);
	if (pmd_write(pmdval))
		entry = make_writable_migration_entry(page_to_pfn(head));
	else if (PageAnonExclusive(head))
		entry = make_readable_exclusive_migration_entry(page_to_pfn(head));
	else
		entry = make_readable_migration_entry(page_to_pfn(head));
	if (pmd_young(pmdval))
		entry = make_migration_entry_young(entry);
	if (pmd_dirty(pmdval))
		entry = make_migration_entry_dirty(entry);
	set_pmd(pmd, swp_entry_to_pmd(entry));
	page_remove_compound_rmap(head);
	put_page(head);
}

/* A THP's first PMD mapping again: compound_mapcount, AnonHugePages (page_add_anon_rmap, RMAP_COMPOUND). */
static void page_add_anon_compound_rmap(struct page *head, bool exclusive)
{
	if (atomic_inc_and_test(&head[1].compound_mapcount))
		__atomic_add_fetch(&NODE_DATA(page_to_nid(head))->nr_anon_thps, 1, __ATOMIC_RELAXED);
	if (exclusive)
		SetPageAnonExclusive(head);
}

/*
 * remove_migration_pte's PMD case (Linux: remove_migration_pmd): *pmd is a
 * migration entry; map new (the copy, or the old page itself if the
 * migration failed) there by a huge PMD, writable if the entry was and the
 * VMA still allows it, young and dirty as the entry says. new's mapping
 * and index are already set (migrate_page_copy). No TLB flush: the entry
 * was not present. mm->page_table_lock held.
 */
void remove_migration_pmd(struct vm_area_struct *vma, unsigned long address, pmd_t *pmd,
			  struct page *new)
{
	swp_entry_t entry = pmd_to_swp_entry(*pmd);
	pmd_t pmde;

	lockdep_assert_held(&vma->vm_mm->page_table_lock);
	get_page(new);
	pmde = mk_huge_pmd(new, vma->vm_page_prot);
	if (is_writable_migration_entry(entry))
		pmde = maybe_pmd_mkwrite(pmde, vma);
	if (!is_migration_entry_young(entry))
		pmde = pmd_mkold(pmde);
	if (is_migration_entry_dirty(entry))
		pmde = pmd_mkdirty(pmde);
	page_add_anon_compound_rmap(new, is_writable_migration_entry(entry) ||
					 is_readable_exclusive_migration_entry(entry));
	set_pmd(pmd, pmde);
}

/*
 * The THP head a PMD migration entry at *pmd names, if it is one naming
 * old (NULL: any). mm->page_table_lock held.
 */
struct page *pmd_migration_entry_page(pmd_t *pmd, struct page *old)
{
	struct page *page;

	if (!is_pmd_migration_entry(*pmd))
		return NULL;
	page = pfn_swap_entry_to_page(pmd_to_swp_entry(*pmd));
	return !old || page == old ? page : NULL;
}

/*
 * A fault (or a path that must not split it) met a PMD migration entry:
 * sleep on the old page's lock until the migration ends, then the caller
 * retries (Linux 6.1: pmd_migration_entry_wait ->
 * migration_entry_wait_on_locked). The entry is rechecked under the lock;
 * no reference is taken (it would fail the migration's refcount check):
 * the waiter queues on the page lock before the page-table lock is
 * dropped, and the migration removes its entries under that lock before
 * it unlocks the page. Called with no spinlock held (it sleeps);
 * mmap_lock may be held.
 */
void pmd_migration_entry_wait(struct mm_struct *mm, pmd_t *pmd)
{
	struct page *page;

	spin_lock(&mm->page_table_lock);
	page = pmd_migration_entry_page(pmd, NULL);
	if (!page) {
		spin_unlock(&mm->page_table_lock);
		return;
	}
	count_vm_event(PAGODA_MIGRATION_ENTRY_WAIT);
	migration_entry_wait_on_locked(page, &mm->page_table_lock);
}

/* zap_huge_pmd's migration-entry case: the entry holds no page; the table and the RSS go. (p) */
static void zap_pmd_migration_entry(struct mm_struct *mm, pmd_t *pmd)
{
	pmdp_get_and_clear(pmd);
	pte_free(mm, pgtable_trans_huge_withdraw(mm));
	add_mm_counter(mm, MM_ANONPAGES, -(long)HPAGE_PMD_NR);
}

/*
 * copy_huge_pmd's migration-entry case (Linux 6.1): the child gets the same
 * entry, read-only, and so does the parent: when the migration ends, both
 * map the new page read-only (remove_migration_pmd walks both through the
 * rmap) and a write shares or copies it as after any fork. (p) both.
 */
static void copy_pmd_migration_entry(struct mm_struct *dst_mm, struct mm_struct *src_mm,
				     pmd_t *dst_pmd, pmd_t *src_pmd, struct page *pgtable)
{
	swp_entry_t entry = pmd_to_swp_entry(*src_pmd);

	if (!is_readable_migration_entry(entry)) {
		entry = make_readable_migration_entry(swp_offset(entry));
		set_pmd(src_pmd, swp_entry_to_pmd(entry));
	}
	add_mm_counter(dst_mm, MM_ANONPAGES, HPAGE_PMD_NR);
	pgtable_trans_huge_deposit(dst_mm, pgtable);
	set_pmd(dst_pmd, swp_entry_to_pmd(entry));
	(void)src_mm;
}

/*
 * change_huge_pmd's migration-entry case (Linux 6.1): a writable entry
 * becomes readable ("a protection check is difficult so just be safe and
 * disable write"); the next write fault after the migration reuses the
 * exclusive THP. (p)
 */
static void change_pmd_migration_entry(pmd_t *pmd)
{
	swp_entry_t entry = pmd_to_swp_entry(*pmd);

	if (is_writable_migration_entry(entry))
		set_pmd(pmd, swp_entry_to_pmd(make_readable_exclusive_migration_entry(swp_offset(entry))));
}

/* ---- fork ---- */

/*
 * fork: the child maps the same THP (or huge zero page) read-only, and so
 * does the parent from now on: the first write splits (see
 * do_huge_pmd_wp_page). A table is deposited for the child's PMD. A PMD
 * migration entry is copied as one (copy_pmd_migration_entry). Takes
 * the child's page-table lock, then the parent's. 0 or -ENOMEM.
 */
int copy_huge_pmd(struct mm_struct *dst_mm, struct mm_struct *src_mm, pmd_t *dst_pmd,
		  pmd_t *src_pmd, unsigned long addr, struct vm_area_struct *src_vma)
{
	struct page *pgtable = pte_alloc_one(dst_mm);
	pmd_t pmd;

	(void)src_vma;
	if (!pgtable)
		return -ENOMEM;
	spin_lock(&dst_mm->page_table_lock);
	spin_lock_nested(&src_mm->page_table_lock, SINGLE_DEPTH_NESTING);
	pmd = *src_pmd;
	if (is_pmd_migration_entry(pmd)) {
		copy_pmd_migration_entry(dst_mm, src_mm, dst_pmd, src_pmd, pgtable);
		goto out_unlock;
	}
	if (is_huge_zero_pmd(pmd)) {
		mm_get_huge_zero_page(dst_mm);	/* the parent holds it: cannot fail */
	} else {
		struct page *page = pfn_to_page(pmd_pfn(pmd));

		get_page(page);
		page_dup_compound_rmap(page);
		add_mm_counter(dst_mm, MM_ANONPAGES, HPAGE_PMD_NR);
		set_pmd(src_pmd, pmd_wrprotect(pmd));
		flush_tlb_mm_page(src_mm, addr);
		pmd = pmd_wrprotect(pmd);
	}
	pgtable_trans_huge_deposit(dst_mm, pgtable);
	set_pmd(dst_pmd, pmd_mkold(pmd));
out_unlock:
	spin_unlock(&src_mm->page_table_lock);
	spin_unlock(&dst_mm->page_table_lock);
	return 0;
}

/* ---- splitting ---- */

/*
 * Serializes the splits of THPs: the mms that map parts of one THP each
 * hold only their own page-table lock. Taken under that lock; put_page
 * inside may free to the buddy allocator. (Unchecked level: between the
 * page-table lock and hugetlb_lock in mm/rmap.c's order.)
 */
static DEFINE_SPINLOCK(thp_split_lock);

static int total_mapcount(struct page *head)
{
	int n = HPAGE_PMD_NR * compound_mapcount(head);

	for (unsigned long i = 0; i < HPAGE_PMD_NR; i++)
		n += atomic_read(&head[i]._mapcount) + 1;
	return n;
}

/*
 * Turn a THP that no PMD maps into 512 order-0 pages, each referenced once
 * per PTE that maps it; the ones nothing maps are freed (Linux:
 * split_huge_page, which also needs the page locked and frozen). pinned,
 * if not NULL, is a subpage the caller holds its one extra reference on.
 *
 * A reference beyond the mappings and the caller's is another CPU's pin
 * (a COW copy in progress, with its page-table lock dropped): it would be
 * moved to the wrong subpage, so the split is left for later, whole, as
 * Linux defers it; the THP is freed whole when its last reference goes.
 * thp_split_lock held.
 */
static void split_huge_page(struct page *head, struct page *pinned)
{
	int extra = page_ref_count(head) - total_mapcount(head);

	VM_BUG_ON(compound_mapcount(head), "pfn 0x%lx: split while PMD-mapped", page_to_pfn(head));
	VM_BUG_ON(extra < 0, "pfn 0x%lx: refcount %d, mapcount %d",
		  page_to_pfn(head), page_ref_count(head), total_mapcount(head));
	if (extra > (pinned ? 1 : 0))
		return;
	for (unsigned long i = 1; i < HPAGE_PMD_NR; i++) {
		struct page *tail = head + i;

		tail->lru.next = NULL;	/* compound_head */
		tail->lru.prev = NULL;	/* page[1]: compound_order, compound_mapcount */
		set_page_count(tail, page_mapcount(tail));
	}
	ClearPageHead(head);
	set_page_count(head, page_mapcount(head));
	if (pinned)
		atomic_add(extra, &pinned->_refcount);
	count_vm_event(THP_SPLIT_PAGE);
	for (unsigned long i = 0; i < HPAGE_PMD_NR; i++) {
		if (page_ref_count(head + i))
			continue;
		set_page_count(head + i, 1);
		put_page(head + i);
	}
}

/*
 * migrate_page_copy of a THP (Linux 6.1: folio_copy, folio_migrate_flags):
 * the 2 MB, and each subpage's anon_vma, index and AnonExclusive (Pagoda's
 * rmap walk and PageAnon read each subpage's). Both locked; page unmapped.
 */
void thp_migrate_copy(struct page *newpage, struct page *page)
{
	for (unsigned long i = 0; i < HPAGE_PMD_NR; i++) {
		copy_page(page_address(newpage + i), page_address(page + i));
		if (PageAnonExclusive(page + i))
			SetPageAnonExclusive(newpage + i);
		newpage[i].index = page[i].index;
		WRITE_ONCE(newpage[i].mapping, page[i].mapping);
	}
}

/* rmap_one of split_huge_page_to_list: split the PMD that maps head in vma, if one does. */
static bool split_huge_pmd_one(struct page *head, struct vm_area_struct *vma, unsigned long address,
			       void *arg)
{
	struct mm_struct *mm = vma->vm_mm;
	pmd_t *pmd = mm_find_pmd(mm, address);

	(void)arg;
	spin_lock(&mm->page_table_lock);
	if (pmd && pmd_trans_huge(*pmd) && pmd_pfn(*pmd) == page_to_pfn(head))
		__split_huge_pmd_locked(vma, pmd, address);
	spin_unlock(&mm->page_table_lock);
	return true;
}

/* Some PTE maps a subpage of head (a partial munmap or mprotect split a PMD). */
bool thp_pte_mapped(struct page *head)
{
	for (unsigned long i = 0; i < HPAGE_PMD_NR; i++)
		if (atomic_read(&head[i]._mapcount) >= 0)
			return true;
	return false;
}

/*
 * Every PTE that maps a subpage of head becomes a migration entry naming
 * that subpage (Linux 6.1: unmap_folio). From then on a fault there waits
 * on head's lock, which the caller holds, and no CPU can take or drop a
 * reference through a mapping: the counts hold still for the split.
 */
static void unmap_thp_subpages(struct page *head)
{
	for (unsigned long i = 0; i < HPAGE_PMD_NR; i++)
		if (page_mapcount(head + i))
			try_to_migrate(head + i);
}

/* Each subpage's migration entries back to present PTEs (Linux 6.1: remap_page). */
static void remap_thp_subpages(struct page *head)
{
	for (unsigned long i = 0; i < HPAGE_PMD_NR; i++)
		remove_migration_ptes(head + i, head + i);
}

/*
 * Migration's split (Linux 6.1: try_split_thp -> split_huge_page_to_list):
 * the THP head is locked and isolated (one reference, PG_isolated).
 *
 *   1. every PMD that maps it, in every mm, becomes 512 PTEs (the rmap);
 *   2. every PTE becomes a migration entry (unmap_thp_subpages), so that
 *      only our isolation reference may be left: anything more is a pin
 *      (a COW copy in progress on another CPU), and the THP stays whole,
 *      remapped (-EBUSY). Linux freezes the count here (folio_ref_freeze);
 *   3. the page becomes 512 order-0 pages, each with an isolation
 *      reference and PG_isolated, the tails locked: a fault that finds a
 *      tail's entry from now on waits on the tail;
 *   4. the entries become PTEs of the subpages again (each PTE's
 *      reference is taken there), and the tails are unlocked.
 *
 * The tails go to the end of list, so that migrate_pages reaches them as
 * 4 KB pages after the rest (Linux 5.x's order); head stays where it is.
 * A subpage nothing maps keeps only its isolation reference and is freed
 * when migrate_pages puts it back. Counts thp_split_page. 0 or -EBUSY.
 */
int split_huge_page_to_list(struct page *head, struct list_head *list)
{
	struct rmap_walk_control rwc = { .rmap_one = split_huge_pmd_one };

	VM_BUG_ON(!PageLocked(head), "pfn 0x%lx: splitting an unlocked THP", page_to_pfn(head));
	rmap_walk(head, &rwc);
	unmap_thp_subpages(head);
	spin_lock(&thp_split_lock);
	if (total_mapcount(head) || page_ref_count(head) != 1) {
		spin_unlock(&thp_split_lock);
		remap_thp_subpages(head);
		return -EBUSY;
	}
	for (unsigned long i = 1; i < HPAGE_PMD_NR; i++) {
		struct page *tail = head + i;

		SetPageLocked(tail);
		tail->lru.next = NULL;	/* compound_head */
		tail->lru.prev = NULL;	/* page[1]: compound_order, compound_mapcount */
		set_page_count(tail, 1);
		SetPageIsolated(tail);
		list_add_tail(&tail->lru, list);
	}
	ClearPageHead(head);
	count_vm_event(THP_SPLIT_PAGE);
	spin_unlock(&thp_split_lock);
	remap_thp_subpages(head);
	for (unsigned long i = 1; i < HPAGE_PMD_NR; i++)
		unlock_page(head + i);
	return 0;
}

/*
 * A mapping of (a subpage of) a THP went away and the caller's own
 * reference, if any, is on pinned. If no PMD maps the THP any more and
 * only part of it is still PTE-mapped, split it now so that the unmapped
 * part is freed (Linux defers this: deferred_split_huge_page). Nothing to
 * do if nothing maps it: the last put_page frees it whole. (p)
 */
void thp_page_unmapped(struct page *page, struct page *pinned)
{
	struct page *head;
	bool partial = false;

	/* Two mms (parent and child after fork) may unmap parts of one THP at once. */
	spin_lock(&thp_split_lock);
	head = compound_head(page);
	if (!PageHead(head) || PageHugeTLB(head) || compound_mapcount(head) || !page_ref_count(head))
		goto out;
	for (unsigned long i = 0; i < HPAGE_PMD_NR; i++)
		partial |= atomic_read(&head[i]._mapcount) < 0;
	if (partial && total_mapcount(head))
		split_huge_page(head, pinned);
out:
	spin_unlock(&thp_split_lock);
}

/*
 * Replace the huge PMD by 512 PTEs mapping the same pages (or the 4 KB zero
 * page), in the table deposited with it (Linux: __split_huge_pmd_locked).
 * The mappings move from compound_mapcount to each subpage's _mapcount,
 * and each PTE takes its own reference. mm->page_table_lock held.
 */
void __split_huge_pmd_locked(struct vm_area_struct *vma, pmd_t *pmd, unsigned long address)
{
	struct mm_struct *mm = vma->vm_mm;
	unsigned long haddr = address & PMD_MASK;
	pmd_t old;
	struct page *pgtable;
	pte_t *ptes;

	lockdep_assert_held(&mm->page_table_lock);
	old = pmdp_get_and_clear(pmd);
	pgtable = pgtable_trans_huge_withdraw(mm);
	ptes = page_address(pgtable);
	flush_tlb_mm_range(mm, haddr, haddr + PMD_SIZE);
	count_vm_event(THP_SPLIT_PMD);
	if (is_huge_zero_pmd(old)) {
		/* Linux: __split_huge_zero_page_pmd. The mm keeps its reference on the huge zero page. */
		for (unsigned long i = 0; i < HPAGE_PMD_NR; i++)
			ptes[i] = pte_wrprotect(pte_mkspecial(pfn_pte(page_to_pfn(zero_page), vma->vm_page_prot)));
	} else {
		struct page *head = pfn_to_page(pmd_pfn(old));
		bool exclusive = PageAnonExclusive(head);

		atomic_add(HPAGE_PMD_NR - 1, &head->_refcount);
		for (unsigned long i = 0; i < HPAGE_PMD_NR; i++) {
			pte_t entry = mk_pte(head + i, vma->vm_page_prot);

			if (pmd_write(old))
				entry = pte_mkwrite(entry);
			if (pmd_dirty(old))
				entry = pte_mkdirty(entry);
			if (!pmd_young(old))
				entry = pte_mkold(entry);
			atomic_inc(&head[i]._mapcount);
			if (exclusive)
				SetPageAnonExclusive(head + i);
			ptes[i] = entry;
		}
		page_remove_compound_rmap(head);
	}
	(void)haddr;
	pmd_populate(mm, pmd, ptes);
}

/*
 * Split *pmd if it is huge (Linux: split_huge_pmd, the macro, and
 * __split_huge_pmd). Takes the lock. A PMD migration entry is not split
 * (Linux 6.1 would make 512 PTE migration entries of it): it waits for
 * the migration to end and splits the huge PMD that comes back. No
 * spinlock held: it may sleep.
 */
void split_huge_pmd(struct vm_area_struct *vma, pmd_t *pmd, unsigned long address)
{
	struct mm_struct *mm = vma->vm_mm;

	while (is_pmd_migration_entry(READ_ONCE(*pmd)))
		pmd_migration_entry_wait(mm, pmd);
	if (!pmd_trans_huge(*pmd))
		return;
	spin_lock(&mm->page_table_lock);
	if (pmd_trans_huge(*pmd))
		__split_huge_pmd_locked(vma, pmd, address);
	spin_unlock(&mm->page_table_lock);
}

/*
 * Split the huge PMD mapping address in vma, if there is one (Linux:
 * split_huge_pmd_address). Never a hugetlb page: those are mapped whole,
 * and their VMAs split only on huge-page boundaries (hugetlb_vm_op_split).
 */
void split_huge_pmd_address(struct vm_area_struct *vma, unsigned long address)
{
	pmd_t *pmd = mm_find_pmd(vma->vm_mm, address);

	if (pmd && !(vma->vm_flags & VM_HUGETLB))
		split_huge_pmd(vma, pmd, address);
}

/*
 * mprotect of a whole huge PMD: the VMA's new protection, the page and
 * the PMD kept (Linux 6.1: change_huge_pmd). A private writable VMA's
 * protection is read-only: the next write faults and do_huge_pmd_wp_page
 * reuses an exclusive THP, as in Linux 6.1. A PMD migration entry stays
 * one (change_pmd_migration_entry). mm->page_table_lock held.
 */
void change_huge_pmd(struct vm_area_struct *vma, pmd_t *pmd, unsigned long addr)
{
	pmd_t entry;

	lockdep_assert_held(&vma->vm_mm->page_table_lock);
	if (is_pmd_migration_entry(*pmd)) {
		change_pmd_migration_entry(pmd);
		return;
	}
	entry = pmd_modify(*pmd, vma->vm_page_prot);
	if (is_huge_zero_pmd(entry))
		entry = pmd_wrprotect(entry);
	set_pmd(pmd, entry);
	flush_tlb_mm_range(vma->vm_mm, addr & PMD_MASK, (addr & PMD_MASK) + PMD_SIZE);
}

/*
 * Unmap a whole huge PMD: the page loses this mapping and its reference;
 * the deposited table is freed (Linux: zap_huge_pmd). A PMD migration
 * entry holds neither: it is cleared (zap_pmd_migration_entry), and the
 * migration's remove_migration_ptes finds nothing to restore here.
 * mm->page_table_lock held.
 */
void zap_huge_pmd(struct vm_area_struct *vma, pmd_t *pmd, unsigned long addr)
{
	struct mm_struct *mm = vma->vm_mm;
	pmd_t old;
	struct page *page;

	lockdep_assert_held(&mm->page_table_lock);
	if (is_pmd_migration_entry(*pmd)) {
		zap_pmd_migration_entry(mm, pmd);
		return;
	}
	old = pmdp_get_and_clear(pmd);
	flush_tlb_mm_range(mm, addr & PMD_MASK, (addr & PMD_MASK) + PMD_SIZE);
	pte_free(mm, pgtable_trans_huge_withdraw(mm));
	if (is_huge_zero_pmd(old))
		return;		/* the mm's reference goes at exit (mm_put_huge_zero_page) */
	page = pfn_to_page(pmd_pfn(old));
	page_remove_compound_rmap(page);
	add_mm_counter(mm, MM_ANONPAGES, -(long)HPAGE_PMD_NR);
	if (total_mapcount(page)) {
		put_page(page);		/* PTEs still hold references: page stays */
		thp_page_unmapped(page, NULL);
	} else {
		put_page(page);
	}
	(void)addr;
}

/*
 * The 4 KB page a huge PMD maps at addr, with *pmdval the PMD; NULL (and
 * *pmdval none) if addr is not in a huge PMD, or it is the huge zero page
 * (*pmdval set). For readers (pagemap, the debug files) under mmap_lock;
 * no page-table lock: the answer may be stale as soon as it is given.
 */
struct page *follow_trans_huge_pmd(struct mm_struct *mm, unsigned long addr, pmd_t *pmdval)
{
	pmd_t *pmd = mm_find_pmd(mm, addr);

	*pmdval = __pmd(0);
	if (!pmd || !pmd_trans_huge(*pmd))
		return NULL;
	*pmdval = *pmd;
	if (is_huge_zero_pmd(*pmd))
		return NULL;
	return pfn_to_page(pmd_pfn(*pmd) + pte_index(addr));
}

/*
 * A huge PMD maps addr, writable if write is asked: GUP's follow_page
 * would take it without a fault (populate_range, MADV_POPULATE_*).
 */
bool huge_pmd_covers(struct mm_struct *mm, unsigned long addr, bool write)
{
	pmd_t pmd;

	follow_trans_huge_pmd(mm, addr, &pmd);
	return pmd_trans_huge(pmd) && (!write || pmd_write(pmd));
}

/* AnonHugePages, in pages: THPs mapped by a PMD on node nid (-1: all nodes). */
unsigned long nr_anon_thp_pages(int nid)
{
	unsigned long n = 0;

	for (int i = 0; i < nr_node_ids; i++)
		if (nid < 0 || nid == i)
			n += READ_ONCE(NODE_DATA(i)->nr_anon_thps);
	return n * HPAGE_PMD_NR;
}

