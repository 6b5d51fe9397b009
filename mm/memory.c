/*
 * mm/memory.c: the page-fault path, and the page-table walks that fork
 * (copy_page_range) and munmap/exit (zap_page_range) make.
 *
 *   do_page_fault (arch/x86_64/fault.c)
 *     handle_mm_fault            counts the fault; VM_HUGETLB -> hugetlb_fault (mm/hugetlb.c)
 *       __handle_mm_fault        walks PGD -> PUD -> PMD, allocating tables
 *         PMD none, THP allowed   -> create_huge_pmd -> do_huge_pmd_anonymous_page (mm/huge_memory.c)
 *         PMD huge, write to RO   -> wp_huge_pmd -> do_huge_pmd_wp_page, else huge_pmd_set_accessed
 *         handle_pte_fault
 *           PTE none, anonymous   -> do_anonymous_page (zero page, or a new page)
 *           PTE none, file        -> do_fault -> do_read_fault / do_cow_fault
 *           PTE none, shared anon -> do_shared_fault
 *           write to read-only    -> do_wp_page -> reuse, or wp_page_copy
 *           migration entry       -> do_swap_page -> migration_entry_wait, retry
 *
 * TLB: every PTE change calls flush_tlb_mm_page (arch/x86_64/tlb.c's
 * flush_tlb_mm_range) before the old frame can be freed: this CPU's entry,
 * and a shootdown IPI, waited for, to every other CPU in mm_cpumask(mm).
 *
 * Lock order: mm->mmap_lock (the fault path holds it for reading, the
 * VMA changers for writing), then mm->page_table_lock, then the node lock
 * inside the page allocator. fork's copy_pte_range holds two page-table
 * locks: the child's, then the parent's (the child is not visible to any
 * fault yet). Page-table pages are freed at munmap (free_pgd_range: PTE
 * tables, under the write lock) and at exit (free_pgtables).
 *
 * The fault path runs under the read lock only, so two threads of an mm
 * may fault at the same address at once, and MADV_DONTNEED may zap under
 * them. As in Linux, the PTE is read without the page-table lock and every
 * change is made under it after a recheck: pte_none for a first touch
 * (finish_fault, the zero-page map), pte_same for a present PTE
 * (handle_pte_fault locks and rechecks; do_wp_page runs under it: the reuse
 * in place, or wp_page_copy, which holds a reference on the old page,
 * drops the lock to allocate and copy, then retakes it and rechecks). A
 * new page table is installed under the lock (pmd_install and its upper
 * twins), and freed if another CPU installed one first. Once a PMD points
 * at a PTE table it keeps doing so while the read lock is held (only
 * munmap, under the write lock, frees tables; nothing collapses them), so
 * the PTE pointer stays valid without the lock. The zap, mprotect and fork
 * walks take the lock one PTE table at a time and assert it
 * (lockdep_assert_held) where a helper needs it.
 *
 * Start reading at handle_mm_fault().
 */
#include <mm/mempolicy.h>
#include <mm/mm.h>
#include <mm/rmap.h>
#include <mm/shmem.h>
#include <mm/internal.h>
#include <mm/hugetlb.h>
#include <mm/migrate.h>
#include <mm/swapops.h>
#include <kernel/kernel.h>
#include <lib/string.h>
#include <kernel/errno.h>
#include <kernel/sched.h>


/* The shared zero page: read faults on anonymous memory map it read-only. */
struct page *zero_page;

/* Boot, before the first user fault: allocate the zero page (panics if none is left). */
void zero_page_init(void)
{
	zero_page = alloc_page(__GFP_ZERO);
	BUG_ON(!zero_page);
	SetPageZero(zero_page);
	SetPageReserved(zero_page);
}

static inline bool is_zero_pfn(unsigned long pfn) { return pfn == page_to_pfn(zero_page); }

/* A page that belongs to a page-table entry, or NULL for the zero page. */
struct page *vm_normal_page(pte_t pte)
{
	unsigned long pfn = pte_pfn(pte);

	if (pte_special(pte) || is_zero_pfn(pfn) || !pfn_valid(pfn))
		return NULL;
	return pfn_to_page(pfn);
}

/*
 * A PTE of mm at addr changed: drop its stale TLB entry on every CPU that
 * may hold it, this one and the others of mm_cpumask (the shootdown of
 * arch/x86_64/tlb.c). Any lock or none.
 */
void flush_tlb_mm_page(struct mm_struct *mm, unsigned long addr)
{
	flush_tlb_mm_range(mm, addr, addr + PAGE_SIZE);
}

/* ---- page-table allocation ---- */

/* A zeroed page-table page, counted in the mm (VmPTE); NULL when out of memory. */
static void *pgtable_alloc(struct mm_struct *mm)
{
	struct page *page = alloc_page(__GFP_ZERO);

	if (!page)
		return NULL;
	SetPageTable(page);
	/* Atomic: faults on two CPUs allocate tables under the read lock (Linux: mm_inc_nr_ptes). */
	__atomic_add_fetch(&mm->pgtables_bytes, PAGE_SIZE, __ATOMIC_RELAXED);
	return page_address(page);
}

static void pgtable_free(struct mm_struct *mm, phys_addr_t pa)
{
	struct page *page = pfn_to_page(pa >> PAGE_SHIFT);

	ClearPageTable(page);
	__atomic_sub_fetch(&mm->pgtables_bytes, PAGE_SIZE, __ATOMIC_RELAXED);
	__free_page(page);
}

/*
 * A page table for a huge PMD to deposit (mm/huge_memory.c): zeroed,
 * counted in the mm (Linux: pte_alloc_one). NULL when out of memory.
 */
struct page *pte_alloc_one(struct mm_struct *mm)
{
	void *table = pgtable_alloc(mm);

	return table ? virt_to_page(table) : NULL;
}

void pte_free(struct mm_struct *mm, struct page *pgtable)
{
	pgtable_free(mm, page_to_pfn(pgtable) << PAGE_SHIFT);
}

/* A new PGD for mm, the kernel half copied from init_mm; NULL if no page was free. */
pgd_t *pgd_alloc(struct mm_struct *mm)
{
	pgd_t *pgd = pgtable_alloc(mm);

	if (!pgd)
		return NULL;
	/* The kernel half is shared by every address space. */
	memcpy(pgd + USER_PGD_ENTRIES, init_mm.pgd + USER_PGD_ENTRIES,
	       (PTRS_PER_TABLE - USER_PGD_ENTRIES) * sizeof(pgd_t));
	return pgd;
}

/* Free mm's PGD; the lower tables must be gone already (free_pgtables). */
void pgd_free(struct mm_struct *mm)
{
	pgtable_free(mm, __pa(mm->pgd));
	mm->pgd = NULL;
}

/*
 * A new table goes in under the page-table lock, and only if the entry is
 * still empty: another thread's fault may have filled it since we looked
 * (then ours is freed). The table is allocated before, without the lock
 * (Linux: __pud_alloc, __pmd_alloc, __pte_alloc with pmd_install).
 */
static pud_t *pud_alloc(struct mm_struct *mm, pgd_t *pgd, unsigned long addr)
{
	if (pgd_none(*pgd)) {
		pud_t *new = pgtable_alloc(mm);

		if (!new)
			return NULL;
		spin_lock(&mm->page_table_lock);
		if (pgd_none(*pgd)) {
			pgd_populate(mm, pgd, new);
			new = NULL;
		}
		spin_unlock(&mm->page_table_lock);
		if (new)
			pgtable_free(mm, __pa(new));
	}
	return pud_offset(pgd, addr);
}

static pmd_t *pmd_alloc(struct mm_struct *mm, pud_t *pud, unsigned long addr)
{
	if (pud_none(*pud)) {
		pmd_t *new = pgtable_alloc(mm);

		if (!new)
			return NULL;
		spin_lock(&mm->page_table_lock);
		if (pud_none(*pud)) {
			pud_populate(mm, pud, new);
			new = NULL;
		}
		spin_unlock(&mm->page_table_lock);
		if (new)
			pgtable_free(mm, __pa(new));
	}
	return pmd_offset(pud, addr);
}

/*
 * Point *pmd at the PTE table *new, unless it is no longer none (another
 * fault put a table or a THP there): then *new stays for the caller to
 * free. Sets *new to NULL when the table went in (Linux: pmd_install).
 */
static void pmd_install(struct mm_struct *mm, pmd_t *pmd, pte_t **new)
{
	spin_lock(&mm->page_table_lock);
	if (pmd_none(*pmd)) {
		pmd_populate(mm, pmd, *new);
		*new = NULL;
	}
	spin_unlock(&mm->page_table_lock);
}

/*
 * Make sure *pmd is not none: a new PTE table if it is (Linux: pte_alloc).
 * false if out of memory. The PMD may then be a THP another fault mapped
 * meanwhile: the caller checks.
 */
static bool pte_alloc(struct mm_struct *mm, pmd_t *pmd)
{
	if (pmd_none(*pmd)) {
		pte_t *new = pgtable_alloc(mm);

		if (!new)
			return false;
		pmd_install(mm, pmd, &new);
		if (new)
			pgtable_free(mm, __pa(new));
	}
	return true;
}

/*
 * The PMD entry for addr, allocating the PUD and PMD tables above it as
 * needed; NULL if out of memory (Linux: pud_alloc + pmd_alloc; for
 * hugetlb, huge_pte_alloc). mmap_lock held; takes the page-table lock to
 * install a table.
 */
pmd_t *pmd_walk_alloc(struct mm_struct *mm, unsigned long addr)
{
	pud_t *pud = pud_alloc(mm, mm->pgd + pgd_index(addr), addr);

	return pud ? pmd_alloc(mm, pud, addr) : NULL;
}

/*
 * The PTE for addr, allocating the page tables above it as needed (Linux:
 * get_locked_pte). Called with no lock held; returns with
 * mm->page_table_lock held and *ptl pointing at it: release with
 * pte_unmap_unlock(pte, *ptl). NULL if a table could not be allocated:
 * then no lock is held, and the tables already added stay (exit frees them).
 */
pte_t *get_locked_pte(struct mm_struct *mm, unsigned long addr, spinlock_t **ptl)
{
	pmd_t *pmd = pmd_walk_alloc(mm, addr);

	if (!pmd || !pte_alloc(mm, pmd))
		return NULL;
	*ptl = &mm->page_table_lock;
	spin_lock(*ptl);
	if (unlikely(pmd_trans_huge(*pmd))) {
		/* Our callers map 4 KB pages where no THP can be (fork's child, before any fault). */
		spin_unlock(*ptl);
		return NULL;
	}
	return pte_offset_kernel(pmd, addr);
}

/* The PMD entry covering addr, or NULL if the upper levels are empty. */
pmd_t *mm_find_pmd(struct mm_struct *mm, unsigned long addr)
{
	pgd_t *pgd = mm->pgd + pgd_index(addr);
	pud_t *pud;

	if (!pgd_present(*pgd))
		return NULL;
	pud = pud_offset(pgd, addr);
	if (!pud_present(*pud))
		return NULL;
	return pmd_offset(pud, addr);
}

/*
 * follow_pte() found no PTE table at addr: the end of the hole, the next
 * PMD, PUD or PGD boundary depending on which level is empty. Walks over a
 * range (zap, mprotect, fork, the mm check) jump there instead of visiting
 * every 4 KB of an empty PUD, as Linux's pgd/pud/pmd_addr_end loops do.
 */
static unsigned long pte_hole_end(struct mm_struct *mm, unsigned long addr)
{
	pgd_t *pgd = mm->pgd + pgd_index(addr);
	pud_t *pud;

	if (!pgd_present(*pgd))
		return (addr & ~(PGDIR_SIZE - 1)) + PGDIR_SIZE;
	pud = pud_offset(pgd, addr);
	if (!pud_present(*pud))
		return (addr & PUD_MASK) + PUD_SIZE;
	return (addr & PMD_MASK) + PMD_SIZE;
}

/*
 * Walks over a range visit one PTE table at a time (Linux: the
 * pmd_addr_end loops): the table entry for addr, with *next set to where
 * that table's part of [addr, end) stops. NULL when there is no table:
 * *next is then the end of the hole.
 */
pte_t *pte_table_range(struct mm_struct *mm, unsigned long addr, unsigned long end,
		       unsigned long *next)
{
	pte_t *ptep = follow_pte(mm, addr);

	*next = min(ptep ? (addr & PMD_MASK) + PMD_SIZE : pte_hole_end(mm, addr), end);
	return ptep;
}

/*
 * The PTE slot for addr in mm (it may be none), or NULL if an upper level
 * is empty or addr is inside a 2 MB leaf. Allocates nothing and, unlike
 * Linux's follow_pte, takes no lock: the caller holds mmap_lock (so the
 * table stays), and mm->page_table_lock to change the PTE or to rely on
 * what it reads there.
 */
pte_t *follow_pte(struct mm_struct *mm, unsigned long addr)
{
	pmd_t *pmd = mm_find_pmd(mm, addr);

	if (!pmd || !pmd_present(*pmd) || pmd_leaf(*pmd))
		return NULL;
	return pte_offset_kernel(pmd, addr);
}

/* ---- the fault path ---- */

static vm_fault_t wp_page_copy(struct vm_fault *vmf, struct page *old);

/*
 * Write to a present, read-only PTE in a writable VMA: copy-on-write.
 * An anonymous page that only this mapping uses is reused in place;
 * anything else (the zero page, a page still shared after fork) is copied.
 * Called with mm->page_table_lock held (vmf->orig_pte checked under it);
 * returns with it released. The reuse test and the reuse are one step
 * under the lock: no other PTE of this mm can map the page meanwhile, and
 * a fork (which would share it again) holds this mm's mmap_lock for
 * writing. Linux also locks the page (trylock_page) for the rmap move.
 */
static vm_fault_t do_wp_page(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct page *page = vm_normal_page(vmf->orig_pte);

	lockdep_assert_held(&vma->vm_mm->page_table_lock);

	/* A file page (do_read_fault) is never reused: the write gets an anonymous copy. */
	/* A subpage of a THP is referenced through its head: reused only if nothing else maps the THP. */
	if (page && PageAnon(page) && page_mapcount(page) == 1 && page_ref_count(compound_head(page)) == 1) {
		page_move_anon_rmap(page, vma);
		set_pte(vmf->pte, pte_mkdirty(pte_mkyoung(pte_mkwrite(vmf->orig_pte))));
		flush_tlb_mm_page(vma->vm_mm, vmf->address);
		spin_unlock(&vma->vm_mm->page_table_lock);
		count_vm_event(PAGODA_COW_REUSE);
		return VM_FAULT_OK;
	}
	/*
	 * The copy reads the old page with the lock dropped (anon_vma_prepare
	 * and the allocator come first): our reference keeps it from being
	 * freed meanwhile by a zap on another CPU (Linux: get_page(vmf->page)).
	 */
	if (page)
		get_page(page);
	spin_unlock(&vma->vm_mm->page_table_lock);
	return wp_page_copy(vmf, page);
}

/*
 * Give this mapping its own copy of old (zeroed, for the zero page: old
 * NULL). Called without the page-table lock, holding a reference on old,
 * which it drops on every path. Retakes the lock and installs the copy
 * only if the PTE is still the one the fault saw (pte_same); otherwise
 * another thread resolved the fault, or a zap removed the page: the copy
 * is freed and the access retried.
 */
static vm_fault_t wp_page_copy(struct vm_fault *vmf, struct page *old)
{
	struct vm_area_struct *vma = vmf->vma;
	struct mm_struct *mm = vma->vm_mm;
	vm_fault_t ret = VM_FAULT_OK;
	struct page *new;
	pte_t entry;

	if (anon_vma_prepare(vma)) {
		ret = VM_FAULT_OOM;
		goto out;
	}
	new = alloc_page_vma(old ? GFP_HIGHUSER_MOVABLE : GFP_HIGHUSER_MOVABLE | __GFP_ZERO,
			     vma, vmf->address);
	if (!new) {
		ret = VM_FAULT_OOM;
		goto out;
	}
	if (old)
		copy_page(page_address(new), page_address(old));

	spin_lock(&mm->page_table_lock);
	if (!pte_same(*vmf->pte, vmf->orig_pte)) {
		spin_unlock(&mm->page_table_lock);
		__free_page(new);
		goto out;	/* someone else resolved it: retry the access */
	}
	entry = pte_mkdirty(pte_mkyoung(pte_mkwrite(mk_pte(new, vma->vm_page_prot))));
	ptep_clear_flush(vmf->pte, vmf->address);	/* this CPU's entry; the others' below */
	flush_tlb_mm_page(mm, vmf->address);
	page_add_new_anon_rmap(new, vma, vmf->address);
	set_pte(vmf->pte, entry);
	if (old) {
		/* pagoda_cow_copy counts anonymous pages shared by fork, not file pages. */
		if (PageAnon(old)) {
			count_vm_event(PAGODA_COW_COPY);
		} else {
			dec_mm_counter(mm, mm_counter(old));	/* a file page gives way to an anonymous one */
			inc_mm_counter(mm, MM_ANONPAGES);
		}
		page_remove_rmap(old, vma);
		put_page(old);		/* the PTE's reference; ours is dropped below */
		if (PageCompound(old))
			thp_page_unmapped(old, old);	/* a subpage of a THP: free what nothing maps; ours pins old */
	} else {
		inc_mm_counter(mm, MM_ANONPAGES);
	}
	spin_unlock(&mm->page_table_lock);
out:
	if (old)
		put_page(old);
	return ret;
}

/*
 * The last step of every first-touch fault (Linux: finish_fault and
 * do_set_pte): under the page-table lock, unless another fault filled the
 * PTE first, enter page in the reverse map and the RSS and install entry.
 * As in Linux, a write fault in a private VMA maps a new anonymous page;
 * any other maps a file (or shmem) page. Returns false if the PTE was taken:
 * the caller still owns its reference to page.
 */
static bool finish_fault(struct vm_fault *vmf, struct page *page, pte_t entry)
{
	struct vm_area_struct *vma = vmf->vma;
	struct mm_struct *mm = vma->vm_mm;

	spin_lock(&mm->page_table_lock);
	if (!pte_none(*vmf->pte)) {
		spin_unlock(&mm->page_table_lock);
		return false;
	}
	if ((vmf->flags & FAULT_FLAG_WRITE) && !(vma->vm_flags & VM_SHARED))
		page_add_new_anon_rmap(page, vma, vmf->address);
	else
		page_add_file_rmap(page, vma);
	inc_mm_counter(mm, mm_counter(page));
	set_pte(vmf->pte, entry);
	spin_unlock(&mm->page_table_lock);
	return true;
}

/*
 * First touch of an anonymous page. A read maps the shared zero page; a
 * write gets a new zeroed page (Linux: do_anonymous_page).
 */
static vm_fault_t do_anonymous_page(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct page *page;
	pte_t entry;

	if (!(vmf->flags & FAULT_FLAG_WRITE)) {
		/* Under the lock, and only if no other fault filled the PTE first (Linux: the same recheck). */
		entry = pte_wrprotect(pte_mkspecial(pfn_pte(page_to_pfn(zero_page), vma->vm_page_prot)));
		spin_lock(&vma->vm_mm->page_table_lock);
		if (pte_none(*vmf->pte))
			set_pte(vmf->pte, entry);
		spin_unlock(&vma->vm_mm->page_table_lock);
		return VM_FAULT_OK;
	}
	if (anon_vma_prepare(vma))
		return VM_FAULT_OOM;
	page = alloc_page_vma(GFP_HIGHUSER_MOVABLE | __GFP_ZERO, vma, vmf->address);
	if (!page)
		return VM_FAULT_OOM;
	entry = maybe_mkwrite(pte_mkdirty(mk_pte(page, vma->vm_page_prot)), vma);
	if (!finish_fault(vmf, page, entry))
		__free_page(page);
	return VM_FAULT_OK;
}

/*
 * Read fault on a file page (Linux: do_read_fault, which maps the
 * page-cache page). The page is filled from the file and mapped read-only
 * in a private VMA, so that a write copies it (do_wp_page); it is not
 * anonymous, so the VMA needs no anon_vma. A page-cache page follows the
 * task's policy, not the VMA's (Linux: filemap_alloc_folio -> alloc_pages).
 */
static vm_fault_t do_read_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct page *page = alloc_page(GFP_HIGHUSER_MOVABLE | __GFP_ZERO);
	pte_t entry;

	if (!page)
		return VM_FAULT_OOM;
	filemap_fill_page(vma, vmf->pgoff, page);
	entry = pte_wrprotect(mk_pte(page, vma->vm_page_prot));
	if (!finish_fault(vmf, page, entry))
		__free_page(page);
	return VM_FAULT_OK;
}

/*
 * Write fault on a file page that is not mapped yet, in a private VMA
 * (Linux: do_cow_fault): the process gets its own anonymous copy of the
 * file's page at once.
 */
static vm_fault_t do_cow_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct page *page;
	pte_t entry;

	if (anon_vma_prepare(vma))
		return VM_FAULT_OOM;
	page = alloc_page_vma(GFP_HIGHUSER_MOVABLE | __GFP_ZERO, vma, vmf->address);
	if (!page)
		return VM_FAULT_OOM;
	filemap_fill_page(vma, vmf->pgoff, page);
	entry = maybe_mkwrite(pte_mkdirty(mk_pte(page, vma->vm_page_prot)), vma);
	if (!finish_fault(vmf, page, entry))
		__free_page(page);
	return VM_FAULT_OK;
}

/* First touch of a page of a private file mapping (Linux: do_fault). */
static vm_fault_t do_fault(struct vm_fault *vmf)
{
	if (!(vmf->flags & FAULT_FLAG_WRITE))
		return do_read_fault(vmf);
	return do_cow_fault(vmf);
}

/*
 * First touch of a shared anonymous page: map the object's page, which
 * another process may already have (Linux: do_shared_fault on shmem).
 */
static vm_fault_t do_shared_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct page *page = shmem_get_page(vma->vm_shm, vmf->pgoff, vma);
	pte_t entry;

	if (!page)
		return VM_FAULT_OOM;
	entry = maybe_mkwrite(pte_mkdirty(mk_pte(page, vma->vm_page_prot)), vma);
	get_page(page);		/* the mapping's reference; the shmem object keeps its own */
	if (!finish_fault(vmf, page, entry))
		put_page(page);
	return VM_FAULT_OK;
}

/*
 * A non-present, non-none PTE (Linux: do_swap_page). Pagoda has no swap:
 * the only such entry is a migration entry, and the fault sleeps until
 * that migration ends, then the access is retried (VM_FAULT_OK). The
 * entry is read without the lock; migration_entry_wait rechecks it under
 * the page-table lock. mmap_read_lock held.
 */
static vm_fault_t do_swap_page(struct vm_fault *vmf)
{
	swp_entry_t entry = pte_to_swp_entry(vmf->orig_pte);

	if (is_migration_entry(entry)) {
		migration_entry_wait(vmf->vma->vm_mm, vmf->pmd, vmf->address);
		return VM_FAULT_OK;
	}
	return VM_FAULT_SIGBUS;
}

static vm_fault_t handle_pte_fault(struct vm_fault *vmf)
{
	struct mm_struct *mm = vmf->vma->vm_mm;
	pmd_t pmdval;

	if (!pte_alloc(mm, vmf->pmd))
		return VM_FAULT_OOM;
	/*
	 * One look at the PMD (Linux: pmd_devmap_trans_unstable). Another
	 * thread may have mapped a THP here since __handle_mm_fault read it,
	 * or be splitting or zapping one (the PMD is none for a moment, under
	 * its page-table lock), or a migration may have put a PMD migration
	 * entry here (pmd_huge: not present, not none): retry the access, and
	 * __handle_mm_fault waits on the entry. Otherwise the PMD points at
	 * a PTE table and keeps doing so while we hold mmap_lock (only munmap
	 * frees tables, under the write lock), so the PTE can be read without
	 * the page-table lock; every path below rechecks it under the lock.
	 */
	pmdval = READ_ONCE(*vmf->pmd);
	if (pmd_none(pmdval) || pmd_trans_huge(pmdval) || pmd_huge(pmdval))
		return VM_FAULT_OK;
	vmf->pte = (pte_t *)__va(pmd_table_pa(pmdval)) + pte_index(vmf->address);
	vmf->orig_pte = READ_ONCE(*vmf->pte);

	if (pte_none(vmf->orig_pte)) {
		if (vma_is_anonymous(vmf->vma))
			return do_anonymous_page(vmf);
		return vmf->vma->vm_shm ? do_shared_fault(vmf) : do_fault(vmf);
	}
	if (!pte_present(vmf->orig_pte))
		return do_swap_page(vmf);
	spin_lock(&mm->page_table_lock);
	if (!pte_same(*vmf->pte, vmf->orig_pte)) {
		spin_unlock(&mm->page_table_lock);
		return VM_FAULT_OK;	/* changed under us: retry the access */
	}
	if ((vmf->flags & FAULT_FLAG_WRITE) && !pte_write(vmf->orig_pte))
		return do_wp_page(vmf);
	/* Spurious: another path already fixed the PTE. Mark it young. */
	set_pte(vmf->pte, pte_mkyoung(vmf->orig_pte));
	flush_tlb_mm_page(mm, vmf->address);
	spin_unlock(&mm->page_table_lock);
	return VM_FAULT_OK;
}

/* An empty PMD where a THP may go (Linux: create_huge_pmd). Anonymous VMAs only. */
static vm_fault_t create_huge_pmd(struct vm_fault *vmf)
{
	if (vma_is_anonymous(vmf->vma))
		return do_huge_pmd_anonymous_page(vmf);
	return VM_FAULT_FALLBACK;
}

/* A write to a read-only huge PMD (Linux: wp_huge_pmd): anonymous, so COW. */
static vm_fault_t wp_huge_pmd(struct vm_fault *vmf)
{
	return do_huge_pmd_wp_page(vmf);
}

static vm_fault_t __handle_mm_fault(struct vm_area_struct *vma, unsigned long address,
				    unsigned int flags)
{
	struct vm_fault vmf = {
		.vma = vma,
		.address = address & PAGE_MASK,
		.real_address = address,
		.flags = flags,
		.pgoff = linear_page_index(vma, address),
	};

	vmf.pmd = pmd_walk_alloc(vma->vm_mm, address);
	if (!vmf.pmd)
		return VM_FAULT_OOM;
	vmf.orig_pmd = *vmf.pmd;
	if (unlikely(is_pmd_migration_entry(vmf.orig_pmd))) {
		/* A THP is migrating: wait for the new PMD, then retry the access. */
		pmd_migration_entry_wait(vma->vm_mm, vmf.pmd);
		return VM_FAULT_OK;
	}
	if (pmd_none(vmf.orig_pmd) && transparent_hugepage_active(vma, address)) {
		vm_fault_t ret = create_huge_pmd(&vmf);

		if (!(ret & VM_FAULT_FALLBACK))
			return ret;
	} else if (pmd_trans_huge(vmf.orig_pmd)) {
		/*
		 * Linux first asks whether this is a NUMA-hinting fault on a
		 * PROT_NONE huge PMD (do_huge_pmd_numa_page); Pagoda does no
		 * NUMA hinting, so a huge PMD here is always present.
		 */
		if ((flags & FAULT_FLAG_WRITE) && !pmd_write(vmf.orig_pmd)) {
			vm_fault_t ret = wp_huge_pmd(&vmf);

			if (!(ret & VM_FAULT_FALLBACK))
				return ret;
		} else {
			huge_pmd_set_accessed(&vmf);
			return VM_FAULT_OK;
		}
	}
	return handle_pte_fault(&vmf);
}

/*
 * The fault handler's first step (Linux 6.1.37+: lock_mm_and_find_vma):
 * take mm->mmap_lock for reading and find the VMA that covers addr. An
 * address just below a stack grows the stack down to it; that changes the
 * VMA's range, so it is done under the write lock (dropping the read lock
 * and looking the VMA up again), which is then downgraded. Returns the VMA
 * with mmap_lock held for reading, or NULL (a hole, a refused growth) with
 * no lock held.
 */
struct vm_area_struct *lock_mm_and_find_vma(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;

	mmap_read_lock(mm);
	vma = find_vma(mm, addr);
	if (likely(vma && vma->vm_start <= addr))
		return vma;
	if (!vma || !(vma->vm_flags & VM_GROWSDOWN)) {
		mmap_read_unlock(mm);
		return NULL;
	}
	/* No upgrade in place (Linux has none either): drop, retake, look again. */
	mmap_read_unlock(mm);
	mmap_write_lock(mm);
	vma = find_vma(mm, addr);
	if (!vma)
		goto fail;
	if (vma->vm_start <= addr)
		goto success;
	if (!(vma->vm_flags & VM_GROWSDOWN) || expand_stack(vma, addr))
		goto fail;
success:
	mmap_write_downgrade(mm);
	return vma;
fail:
	mmap_write_unlock(mm);
	return NULL;
}

/*
 * The entry point from the architecture's fault handler: a hugetlb VMA's
 * faults go to hugetlb_fault (mm/hugetlb.c), the rest down the page
 * tables here. The caller has
 * checked that the VMA allows the access and holds mmap_lock for reading
 * (or writing), and no spinlock. Returns VM_FAULT_OK or an error the caller turns
 * into a signal; on error nothing is left half-mapped (page tables
 * allocated on the way stay, and are freed at exit).
 */
vm_fault_t handle_mm_fault(struct vm_area_struct *vma, unsigned long address,
			   unsigned int flags)
{
	vm_fault_t ret;

	mmap_assert_locked(vma->vm_mm);
	count_vm_event(PGFAULT);
	if (is_vm_hugetlb_page(vma))
		ret = hugetlb_fault(vma->vm_mm, vma, address, flags);
	else
		ret = __handle_mm_fault(vma, address, flags);
	if (ret == VM_FAULT_OK)
		current->min_flt++;	/* Pagoda has no major faults: nothing comes from disk */
	return ret;
}

/* ---- fork: copy_page_range ---- */

/*
 * Copy one present PTE from parent to child (Linux: copy_present_pte). A
 * shared mapping shares the page as it is. A private writable page is
 * write-protected in both parent and child and shared until one of them
 * writes: do_wp_page then copies it (or reuses it, if the other is gone).
 * Both mms' page-table locks are held.
 */
static void copy_present_pte(struct vm_area_struct *dst_vma, struct vm_area_struct *src_vma,
			     pte_t *dst_pte, pte_t *src_pte, unsigned long addr)
{
	pte_t pte = *src_pte;
	struct page *page = vm_normal_page(pte);

	lockdep_assert_held(&dst_vma->vm_mm->page_table_lock);
	lockdep_assert_held(&src_vma->vm_mm->page_table_lock);
	if (page) {
		get_page(page);
		page_dup_rmap(page);
		inc_mm_counter(dst_vma->vm_mm, mm_counter(page));
	}
	if (!(src_vma->vm_flags & VM_SHARED) && pte_write(pte)) {
		ptep_set_wrprotect(src_pte);
		flush_tlb_mm_page(src_vma->vm_mm, addr);
		pte = pte_wrprotect(pte);
	}
	set_pte(dst_pte, pte_mkold(pte));
}

/*
 * Copy a migration entry to the child (Linux: copy_nonpresent_pte). The
 * child's PTE names the same page; remove_migration_ptes finds it, since
 * the child's VMA joined the page's anon_vma tree (anon_vma_fork) before
 * this copy. (Pagoda's interval tree orders equal ranges by address, not
 * insertion, so the walk may visit the child before the parent; what keeps
 * a copy from landing behind the walk is that a migration keeps its
 * entries only inside one system call, without sleeping, under the big
 * kernel lock that fork's dup_mmap also holds.) A writable entry in a COW mapping becomes
 * readable in both, as copy_present_pte write-protects a present page. No
 * mapcount or reference: those come back with the PTE. Both page-table
 * locks held.
 */
static void copy_nonpresent_pte(struct vm_area_struct *dst_vma, struct vm_area_struct *src_vma,
				pte_t *dst_pte, pte_t *src_pte)
{
	pte_t pte = *src_pte;
	swp_entry_t entry = pte_to_swp_entry(pte);

	if (is_migration_entry(entry)) {
		inc_mm_counter(dst_vma->vm_mm, mm_counter(pfn_swap_entry_to_page(entry)));
		if (is_writable_migration_entry(entry) && !(src_vma->vm_flags & VM_SHARED)) {
			entry = make_readable_migration_entry(swp_offset(entry));
			pte = swp_entry_to_pte(entry);
			set_pte(src_pte, pte);
		}
	}
	set_pte(dst_pte, pte);
}

/*
 * Copy the present PTEs of [addr, end), which lie in one source PTE table
 * (Linux: copy_pte_range). The child's table is allocated at the first
 * PTE to copy, so an empty source table costs the child nothing. Takes the
 * child's page-table lock, then the parent's (Linux's order: the child is
 * not visible to any fault yet). -ENOMEM if the child's table could not
 * be allocated.
 */
static int copy_pte_range(struct vm_area_struct *dst_vma, struct vm_area_struct *src_vma,
			  pte_t *src_pte, unsigned long addr, unsigned long end)
{
	spinlock_t *src_ptl = &src_vma->vm_mm->page_table_lock, *dst_ptl;
	pte_t *dst_pte;

	while (addr < end && pte_none(*src_pte)) {
		addr += PAGE_SIZE;
		src_pte++;
	}
	if (addr == end)
		return 0;
	dst_pte = get_locked_pte(dst_vma->vm_mm, addr, &dst_ptl);
	if (!dst_pte)
		return -ENOMEM;
	spin_lock_nested(src_ptl, SINGLE_DEPTH_NESTING);	/* the child's is held */
	for (; addr < end; addr += PAGE_SIZE, src_pte++, dst_pte++) {
		if (pte_none(*src_pte))
			continue;
		if (unlikely(!pte_present(*src_pte)))
			copy_nonpresent_pte(dst_vma, src_vma, dst_pte, src_pte);
		else
			copy_present_pte(dst_vma, src_vma, dst_pte, src_pte, addr);
	}
	spin_unlock(src_ptl);
	pte_unmap_unlock(dst_pte, dst_ptl);
	return 0;
}

/*
 * fork: copy src_vma's page-table entries into dst_vma's mm, write-protecting
 * private writable pages in both (see copy_present_pte). Called with both
 * mms' mmap_lock held for writing (dup_mmap) and no spinlock; takes the
 * page-table locks one PTE table at a time. Returns 0, or
 * -ENOMEM with the child half copied: every entry copied so far holds its
 * page reference and mapcount, so the caller's mmput() of the child undoes
 * them (Linux: dup_mmap fails and the child mm is torn down the same way).
 */
int copy_page_range(struct vm_area_struct *dst_vma, struct vm_area_struct *src_vma)
{
	struct mm_struct *src_mm = src_vma->vm_mm;
	unsigned long addr = src_vma->vm_start, end = src_vma->vm_end, next;

	mmap_assert_write_locked(src_mm);	/* dup_mmap: no fault changes the parent meanwhile */
	if (is_vm_hugetlb_page(src_vma)) {
		/* Linux 6.1 (vma_needs_copy): no anonymous page, nothing to copy; the child faults the file in. */
		if (!src_vma->anon_vma)
			return 0;
		return copy_hugetlb_page_range(dst_vma->vm_mm, src_mm, dst_vma, src_vma);
	}
	for (; addr < end; addr = next) {
		pmd_t *src_pmd = mm_find_pmd(src_mm, addr);
		pte_t *src_pte;

		if (src_pmd && (pmd_trans_huge(*src_pmd) || is_pmd_migration_entry(*src_pmd))) {
			/* A huge PMD (or its migration entry) lies wholly inside its VMA (split_huge_pmd_address at VMA splits). */
			pmd_t *dst_pmd = pmd_walk_alloc(dst_vma->vm_mm, addr);

			if (!dst_pmd || copy_huge_pmd(dst_vma->vm_mm, src_mm, dst_pmd, src_pmd, addr, src_vma))
				return -ENOMEM;
			next = (addr & PMD_MASK) + PMD_SIZE;
			continue;
		}
		src_pte = pte_table_range(src_mm, addr, end, &next);
		if (src_pte && copy_pte_range(dst_vma, src_vma, src_pte, addr, next))
			return -ENOMEM;
	}
	return 0;
}

/* ---- munmap and exit: zap_page_range, free_pgtables ---- */

/*
 * The pages a zap unmapped, released only after one TLB flush of the
 * range they were mapped in (Linux: struct mmu_gather, tlb_flush_mmu): one
 * shootdown a batch instead of one a page, and still no CPU can reach a
 * frame the allocator hands out again.
 */
#define MMU_GATHER_BATCH	64

struct mmu_gather {
	struct mm_struct *mm;
	unsigned long start, end;	/* what the batch's pages were mapped at */
	unsigned int nr;
	struct page *pages[MMU_GATHER_BATCH];
};

/* Flush, then drop each page's reference. mm->page_table_lock held. */
static void tlb_flush_mmu(struct mmu_gather *tlb)
{
	if (tlb->end > tlb->start)
		flush_tlb_mm_range(tlb->mm, tlb->start, tlb->end);
	for (unsigned int i = 0; i < tlb->nr; i++) {
		struct page *page = tlb->pages[i];
		bool thp = PageCompound(page);

		put_page(page);
		if (thp)
			thp_page_unmapped(page, NULL);	/* part of a THP: free the part nothing maps */
	}
	tlb->nr = 0;
	tlb->start = tlb->end = 0;
}

static void tlb_gather_page(struct mmu_gather *tlb, unsigned long addr)
{
	if (tlb->start == tlb->end)
		tlb->start = addr;
	tlb->end = addr + PAGE_SIZE;
}

/*
 * A migration entry zapped (Linux: zap_pte_range's non-present case): the
 * mapping is gone, and the RSS that still counted it with it. Nothing to
 * put or flush: the PTE held no reference (try_to_migrate dropped it) and
 * no TLB entry. The migration finds no entry here when it restores them.
 */
static void zap_nonpresent_pte(struct mm_struct *mm, pte_t pte)
{
	swp_entry_t entry = pte_to_swp_entry(pte);

	if (is_migration_entry(entry))
		dec_mm_counter(mm, mm_counter(pfn_swap_entry_to_page(entry)));
}

static void zap_pte(struct vm_area_struct *vma, pte_t *ptep, unsigned long addr,
		    struct mmu_gather *tlb)
{
	struct mm_struct *mm = vma->vm_mm;
	pte_t pte;
	struct page *page;

	lockdep_assert_held(&mm->page_table_lock);
	pte = ptep_get_and_clear(ptep);
	if (unlikely(is_swap_pte(pte))) {
		zap_nonpresent_pte(mm, pte);
		return;
	}
	tlb_gather_page(tlb, addr);
	page = vm_normal_page(pte);
	if (!page)
		return;
	page_remove_rmap(page, vma);
	dec_mm_counter(mm, mm_counter(page));
	tlb->pages[tlb->nr++] = page;
	if (tlb->nr == MMU_GATHER_BATCH)
		tlb_flush_mmu(tlb);
}

/*
 * A huge PMD at addr, with [addr, *next) the part of it to zap: the whole
 * PMD goes (zap_huge_pmd), or it is split so that the PTE walk takes the
 * part. Rechecked under the lock: a fault on another CPU may have split it
 * (the COW of a shared THP) since the walk looked. True if nothing is left
 * for the PTE walk.
 */
static bool zap_huge_pmd_range(struct vm_area_struct *vma, pmd_t *pmd, unsigned long addr,
			       unsigned long *next)
{
	struct mm_struct *mm = vma->vm_mm;
	bool whole = !(addr & ~PMD_MASK) && *next - addr == PMD_SIZE;
	bool done = false;

	/* Part of a migrating THP: never split its entry, wait for the new PMD. */
	while (!whole && is_pmd_migration_entry(READ_ONCE(*pmd)))
		pmd_migration_entry_wait(mm, pmd);
	spin_lock(&mm->page_table_lock);
	if (pmd_trans_huge(*pmd) || (whole && is_pmd_migration_entry(*pmd))) {
		if (whole) {
			zap_huge_pmd(vma, pmd, addr);
			done = true;
		} else {
			__split_huge_pmd_locked(vma, pmd, addr);	/* part of it: MADV_DONTNEED of a range */
		}
	}
	spin_unlock(&mm->page_table_lock);
	return done;
}

/*
 * Unmap [start, end) of vma: clear each PTE and drop its page's mapcount,
 * rss count and, after the TLB flush of its batch (struct mmu_gather), its
 * reference. The caller holds mmap_lock (for writing, or for reading:
 * MADV_DONTNEED) and no spinlock; mm->page_table_lock is taken one PTE
 * table (or huge PMD) at a time, as Linux's zap_pte_range, so a large zap
 * lets faults on other CPUs in between. The page tables stay
 * until munmap's free_pgd_range or exit's free_pgtables.
 */
void zap_page_range(struct vm_area_struct *vma, unsigned long start, unsigned long end)
{
	struct mm_struct *mm = vma->vm_mm;
	unsigned long addr = start, next;
	struct mmu_gather tlb = { .mm = mm };

	mmap_assert_locked(mm);
	if (is_vm_hugetlb_page(vma)) {
		unmap_hugepage_range(vma, start, end, NULL);
		return;
	}
	for (; addr < end; addr = next) {
		pmd_t *pmd = mm_find_pmd(mm, addr);
		pte_t *ptep;

		if (pmd && (pmd_trans_huge(READ_ONCE(*pmd)) || is_pmd_migration_entry(READ_ONCE(*pmd)))) {
			next = min((addr & PMD_MASK) + PMD_SIZE, end);
			if (zap_huge_pmd_range(vma, pmd, addr, &next))
				continue;
		}
		ptep = pte_table_range(mm, addr, end, &next);
		if (!ptep)
			continue;
		spin_lock(&mm->page_table_lock);
		for (; addr < next; addr += PAGE_SIZE, ptep++)
			if (!pte_none(*ptep))
				zap_pte(vma, ptep, addr, &tlb);
		tlb_flush_mmu(&tlb);
		spin_unlock(&mm->page_table_lock);
	}
}

/*
 * munmap: free the PTE tables of [addr, end) that no VMA uses any more:
 * those whose 2 MB lies within [floor, ceiling), the gap between the VMAs
 * left on either side (Linux: free_pgd_range, which frees the PMD and PUD
 * tables too; Pagoda leaves those until exit). A later fault there finds
 * the PMD none again and may map a THP, as on Linux. Every PTE in such a
 * table is none: the caller zapped the range.
 */
void free_pgd_range(struct mm_struct *mm, unsigned long addr, unsigned long end,
		    unsigned long floor, unsigned long ceiling)
{
	for (addr &= PMD_MASK; addr < end; addr += PMD_SIZE) {
		phys_addr_t table;
		pmd_t *pmd;

		if (addr < floor || addr + PMD_SIZE > ceiling)
			continue;
		pmd = mm_find_pmd(mm, addr);
		if (!pmd || !pmd_present(*pmd) || pmd_leaf(*pmd))
			continue;
		/*
		 * Unhook, flush, then free (Linux: tlb_remove_table): a CPU
		 * running another thread of this mm may still cache the PMD
		 * entry and walk the table; once it is someone else's page,
		 * that walk would read their data as PTEs.
		 */
		spin_lock(&mm->page_table_lock);
		table = pmd_table_pa(*pmd);
		set_pmd(pmd, __pmd(0));
		flush_tlb_mm_range(mm, addr, addr + PMD_SIZE);
		pgtable_free(mm, table);
		spin_unlock(&mm->page_table_lock);
	}
}

/* Free every user page-table page (exit: all mappings are already zapped). */
void free_pgtables(struct mm_struct *mm)
{
	for (int i = 0; i < USER_PGD_ENTRIES; i++) {
		pgd_t *pgd = mm->pgd + i;
		pud_t *pud;

		if (!pgd_present(*pgd))
			continue;
		pud = __va(pgd_table_pa(*pgd));
		for (int j = 0; j < PTRS_PER_TABLE; j++) {
			pmd_t *pmd;

			if (!pud_present(pud[j]))
				continue;
			pmd = __va(pud_table_pa(pud[j]));
			for (int k = 0; k < PTRS_PER_TABLE; k++)
				if (pmd_present(pmd[k]) && !pmd_leaf(pmd[k]))
					pgtable_free(mm, pmd_table_pa(pmd[k]));
			pgtable_free(mm, pud_table_pa(pud[j]));
		}
		pgtable_free(mm, pgd_table_pa(*pgd));
		set_pgd(pgd, (pgd_t){ 0 });
	}
}
