/*
 * mm/rmap.c: the anonymous reverse map, anon_vma + anon_vma_chain (seed 003).
 *
 *   P forks P1: P1's VMA gets an AVC into each anon_vma on P's VMA chain
 *   (anon_vma_clone), then its own anon_vma AV1 and AVC (anon_vma_fork):
 *
 *       AV_P tree: { VMA_P, VMA_P1 }      AV_P1 tree: { VMA_P1 }
 *       VMA_P1 chain: AVC(AV_P1), AVC(AV_P)
 *
 *   A page P faulted before the fork points at AV_P: the walk of AV_P's tree
 *   finds both VMAs. A page P1 copies on write points at AV_P1: the walk
 *   finds only VMA_P1 (and P1's descendants).
 *
 * Lock ordering in Pagoda's mm (the subset of Linux's mm/rmap.c list that
 * Pagoda has; depth means acquisition order). Sleeping locks (rwsem,
 * mutex: kernel/rwsem.h, kernel/mutex.h) come before every spinlock; the
 * spinlocks with a level are checked by CONFIG_DEBUG_SPINLOCK
 * (enum lock_order, kernel/spinlock.h):
 *
 *   the big kernel lock           (kernel/smp_lock.h: system calls, not the
 *                                  fault path; a task that sleeps drops it)
 *   mm->mmap_lock                 (rwsem, kernel/rwsem.c: read for faults and
 *                                  VMA walks, write for VMA changes; fork: the
 *                                  parent's, then the child's. Never held
 *                                  across a uaccess to its mm)
 *     the page lock               (PG_locked, sleeps: lock_page, mm/pagemap.h;
 *                                  migration holds it from try_to_migrate to
 *                                  remove_migration_ptes, mm/migrate.c; a
 *                                  fault waits for it with mmap_lock held;
 *                                  hugetlb_fault only trylocks it under its
 *                                  fault mutex, and waits with the mutex
 *                                  dropped, as Linux 6.1)
 *     hugetlb_fault_mutex_table[] (mutex: one (mapping, index) of a hugetlb
 *                                  file: its fault, fallocate, truncation;
 *                                  mm/hugetlb.c)
 *       mapping->i_mmap_rwsem     (rwsem: a file's VMAs, i_mmap; write to
 *                                  link/unlink/adjust a VMA, for truncation
 *                                  and unmap_ref_private)
 *         anon_vma->root->lock    (1: anon_vma_prepare/clone/fork/unlink,
 *                                  vma_adjust, rmap_walk)
 *           mm->page_table_lock   (2: PTE changes: fault, zap, try_to_unmap_one;
 *                                  fork: the child's, then the parent's;
 *                                  also the huge-PTE lock of hugetlb mappings;
 *                                  anon_vma_prepare: vma->anon_vma)
 *             thp_split_lock      (unchecked: THP splits, mm/huge_memory.c)
 *             hugetlb_lock        (3: the hugetlb pool, mm/hugetlb.c: a put_page
 *                                  under a PTE lock may free a hugetlb page)
 *               pgdat->lock       (4: buddy allocator, mm/page_alloc.c)
 *                 mapping->i_pages_lock, resv_map->lock, shmem's obj->lock
 *                                 (5: page caches and reservation maps;
 *                                  leaves: nothing above is taken under them)
 *                   rq->lock      (6: scheduler, kernel/sched.c)
 *   page_wait_table[].lock        (unchecked leaf but for rq->lock: the page
 *                                  lock's wait queues, mm/filemap.c; taken
 *                                  under a page-table lock by
 *                                  migration_entry_wait_on_locked)
 *
 * The spinlock checker (kernel/spinlock.h) checks the spinlocks' order;
 * kernel/rwsem.c and kernel/mutex.c report a sleeping lock taken under a
 * spinlock. A mutex's or rwsem's own wait_lock is held only inside its
 * lock and unlock (wake_up_process takes rq->lock under it). docs/smp.md,
 * "mmap_lock and the page-table lock", says which path takes which. The
 * rmap walk needs no mmap_lock (nor does Linux's): it reaches other mms'
 * PTEs through the anon_vma and takes their page-table locks.
 *
 * Start reading at anon_vma_prepare() (first fault), then anon_vma_fork()
 * (fork), then rmap_walk(); for migration (seed 002), try_to_migrate()
 * and remove_migration_ptes().
 */
#include <mm/rmap.h>
#include <mm/internal.h>
#include <mm/slab.h>
#include <mm/mmzone.h>
#include <mm/migrate.h>
#include <mm/pagemap.h>
#include <mm/swapops.h>
#include <kernel/kernel.h>
#include <kernel/errno.h>

static struct kmem_cache *anon_vma_cachep, *anon_vma_chain_cachep;
static unsigned int next_anon_vma_id;

/* Boot: the anon_vma and anon_vma_chain caches. */
void anon_vma_init(void)
{
	anon_vma_cachep = kmem_cache_create("anon_vma", sizeof(struct anon_vma), 8);
	anon_vma_chain_cachep = kmem_cache_create("anon_vma_chain", sizeof(struct anon_vma_chain), 8);
}

static struct anon_vma *anon_vma_alloc(void)
{
	struct anon_vma *anon_vma = kmem_cache_zalloc(anon_vma_cachep, GFP_KERNEL);

	if (!anon_vma)
		return NULL;
	atomic_set(&anon_vma->refcount, 1);
	spin_lock_init(&anon_vma->lock);
	spin_lock_set_order(&anon_vma->lock, LOCK_ORDER_ANON_VMA);
	anon_vma->root = anon_vma;
	anon_vma->parent = anon_vma;
	anon_vma->id = __atomic_add_fetch(&next_anon_vma_id, 1, __ATOMIC_RELAXED);	/* two CPUs may allocate at once */
	return anon_vma;
}

static void anon_vma_free(struct anon_vma *anon_vma)
{
	VM_BUG_ON(!interval_tree_empty(&anon_vma->rb_root), "anon_vma %u freed with VMAs in its tree",
		  anon_vma->id);
	kmem_cache_free(anon_vma_cachep, anon_vma);
}

/* Keep anon_vma from being freed while no lock is held; put_anon_vma() drops it. */
void get_anon_vma(struct anon_vma *anon_vma)
{
	atomic_inc(&anon_vma->refcount);
}

/* A child anon_vma holds a reference on its root: the root goes last. */
void put_anon_vma(struct anon_vma *anon_vma)
{
	struct anon_vma *root = anon_vma->root;

	if (!atomic_dec_and_test(&anon_vma->refcount))
		return;
	anon_vma_free(anon_vma);
	if (root != anon_vma && atomic_dec_and_test(&root->refcount))
		anon_vma_free(root);
}

static struct anon_vma_chain *anon_vma_chain_alloc(void)
{
	return kmem_cache_zalloc(anon_vma_chain_cachep, GFP_KERNEL);
}

static void anon_vma_chain_free(struct anon_vma_chain *avc)
{
	kmem_cache_free(anon_vma_chain_cachep, avc);
}

/* The family's lock: the root's (Linux: anon_vma_lock_write, a rwsem there). */
void anon_vma_lock_write(struct anon_vma *anon_vma) { spin_lock(&anon_vma->root->lock); }
void anon_vma_unlock_write(struct anon_vma *anon_vma) { spin_unlock(&anon_vma->root->lock); }

/*
 * Hold the root lock of anon_vma's family, keeping the one held (root) if
 * it is the same (Linux: lock_anon_vma_root). NULL root: none held yet.
 */
static struct anon_vma *lock_anon_vma_root(struct anon_vma *root, struct anon_vma *anon_vma)
{
	struct anon_vma *new_root = anon_vma->root;

	if (new_root != root) {
		if (root)
			spin_unlock(&root->lock);
		root = new_root;
		spin_lock(&root->lock);
	}
	return root;
}

static void unlock_anon_vma_root(struct anon_vma *root)
{
	if (root)
		spin_unlock(&root->lock);
}

static void avc_set_range(struct anon_vma_chain *avc)
{
	struct vm_area_struct *vma = avc->vma;

	avc->rb.start = vma->vm_pgoff;
	avc->rb.last = vma->vm_pgoff + vma_pages(vma) - 1;
}

/* Link one AVC into its VMA's list and its anon_vma's tree. Root lock held. */
static void anon_vma_chain_link(struct vm_area_struct *vma, struct anon_vma_chain *avc,
				struct anon_vma *anon_vma)
{
	lockdep_assert_held(&anon_vma->root->lock);
	avc->vma = vma;
	avc->anon_vma = anon_vma;
	list_add(&avc->same_vma, &vma->anon_vma_chain);
	avc_set_range(avc);
	interval_tree_insert(&avc->rb, &anon_vma->rb_root);
}

/*
 * A VMA whose range or page offset is about to change must leave the trees
 * (the key changes), and come back after (Linux: vma_adjust does this).
 */
void anon_vma_interval_tree_pre_update_vma(struct vm_area_struct *vma)
{
	struct anon_vma_chain *avc;

	if (vma->anon_vma)
		lockdep_assert_held(&vma->anon_vma->root->lock);
	list_for_each_entry(avc, &vma->anon_vma_chain, same_vma)
		interval_tree_remove(&avc->rb, &avc->anon_vma->rb_root);
}

/*
 * ...and put them back, keyed by the new range. The caller (vma_adjust)
 * holds anon_vma_lock_write(vma->anon_vma) across both halves, as Linux:
 * every anon_vma on a VMA's chain has the same root.
 */
void anon_vma_interval_tree_post_update_vma(struct vm_area_struct *vma)
{
	struct anon_vma_chain *avc;

	list_for_each_entry(avc, &vma->anon_vma_chain, same_vma) {
		avc_set_range(avc);
		interval_tree_insert(&avc->rb, &avc->anon_vma->rb_root);
	}
}

/*
 * First anonymous fault in a VMA: give it an anon_vma. Pagoda does not look
 * for a neighbour's anon_vma to share (Linux: find_mergeable_anon_vma); every
 * VMA without one gets a new root. Two threads of the mm may fault in the
 * VMA at once, under mmap_read_lock: both allocate, and the one that finds
 * vma->anon_vma still NULL under mm->page_table_lock sets it; the other
 * frees its own (Linux 6.1's __anon_vma_prepare). Returns 0 or -ENOMEM.
 */
static int __anon_vma_prepare(struct vm_area_struct *vma)
{
	struct mm_struct *mm = vma->vm_mm;
	struct anon_vma_chain *avc;
	struct anon_vma *anon_vma, *allocated;

	avc = anon_vma_chain_alloc();
	if (!avc)
		goto out_enomem;
	anon_vma = anon_vma_alloc();
	if (!anon_vma)
		goto out_enomem_free_avc;
	anon_vma->num_children++;	/* self-parent link for new root */
	allocated = anon_vma;

	anon_vma_lock_write(anon_vma);
	/* page_table_lock to protect against threads */
	spin_lock(&mm->page_table_lock);
	if (likely(!vma->anon_vma)) {
		anon_vma_chain_link(vma, avc, anon_vma);
		anon_vma->num_active_vmas++;
		WRITE_ONCE(vma->anon_vma, anon_vma);	/* whole before it is seen (the unlock orders it) */
		allocated = NULL;
		avc = NULL;
	}
	spin_unlock(&mm->page_table_lock);
	anon_vma_unlock_write(anon_vma);

	if (unlikely(allocated))
		put_anon_vma(allocated);	/* another thread won: its anon_vma is the VMA's */
	if (avc)
		anon_vma_chain_free(avc);
	return 0;

out_enomem_free_avc:
	anon_vma_chain_free(avc);
out_enomem:
	return -ENOMEM;
}

/*
 * Make sure vma has an anon_vma before its first anonymous page is mapped.
 * Called from the fault path with mmap_read_lock and no spinlock held; 0,
 * or -ENOMEM with vma unchanged.
 */
int anon_vma_prepare(struct vm_area_struct *vma)
{
	if (likely(READ_ONCE(vma->anon_vma)))
		return 0;
	return __anon_vma_prepare(vma);
}

/*
 * Attach dst to every anon_vma that src is attached to: dst may map any page
 * src maps. Used by fork (through anon_vma_fork) and by __split_vma. Takes
 * the root lock per AVC; the caller holds none. 0, or -ENOMEM with dst
 * left with no AVCs and no anon_vma.
 */
int anon_vma_clone(struct vm_area_struct *dst, struct vm_area_struct *src)
{
	struct anon_vma_chain *avc, *pavc;
	struct anon_vma *root = NULL;

	/* Walk src's chain oldest first (Linux: list_for_each_entry_reverse). */
	for (struct list_head *p = src->anon_vma_chain.prev; p != &src->anon_vma_chain; p = p->prev) {
		struct anon_vma *anon_vma;

		pavc = list_entry(p, struct anon_vma_chain, same_vma);
		avc = anon_vma_chain_alloc();	/* Linux: GFP_NOWAIT under the lock; Pagoda's slab never sleeps */
		if (!avc)
			goto enomem_failure;
		anon_vma = pavc->anon_vma;
		root = lock_anon_vma_root(root, anon_vma);
		anon_vma_chain_link(dst, avc, anon_vma);
		/*
		 * Reuse an anon_vma that no VMA uses any more and that has at
		 * most one child: it stops a long fork chain from building an
		 * ever longer list of anon_vmas (Linux 6.1's rule).
		 */
		if (!dst->anon_vma && src->anon_vma && anon_vma != src->anon_vma &&
		    anon_vma->num_children < 2 && anon_vma->num_active_vmas == 0)
			dst->anon_vma = anon_vma;
	}
	if (dst->anon_vma)
		dst->anon_vma->num_active_vmas++;
	unlock_anon_vma_root(root);
	return 0;

enomem_failure:
	unlock_anon_vma_root(root);
	/*
	 * dst's anon_vma was copied (split) or adopted, but its num_active_vmas
	 * was not raised yet: forget it, so that unlink does not lower it.
	 */
	dst->anon_vma = NULL;
	unlink_anon_vmas(dst);
	return -ENOMEM;
}

/*
 * fork: the child VMA joins all of the parent VMA's anon_vmas (the
 * "building" of seed 003), then gets an anon_vma of its own, whose parent
 * is the parent VMA's anon_vma and whose root is the family's root.
 * Takes the root lock; the caller holds none. 0, or -ENOMEM with vma left
 * with no AVCs and no anon_vma, for the caller to free.
 */
int anon_vma_fork(struct vm_area_struct *vma, struct vm_area_struct *pvma)
{
	struct anon_vma_chain *avc;
	struct anon_vma *anon_vma;
	int error;

	if (!pvma->anon_vma)
		return 0;
	vma->anon_vma = NULL;
	error = anon_vma_clone(vma, pvma);
	if (error)
		return error;
	if (vma->anon_vma)
		return 0;	/* an old, unused anon_vma was adopted */

	anon_vma = anon_vma_alloc();
	if (!anon_vma)
		goto out_error;
	anon_vma->num_active_vmas++;
	avc = anon_vma_chain_alloc();
	if (!avc)
		goto out_error_free_anon_vma;
	anon_vma->root = pvma->anon_vma->root;
	anon_vma->parent = pvma->anon_vma;
	get_anon_vma(anon_vma->root);
	vma->anon_vma = anon_vma;
	anon_vma_lock_write(anon_vma);
	anon_vma_chain_link(vma, avc, anon_vma);
	anon_vma->parent->num_children++;
	anon_vma_unlock_write(anon_vma);
	return 0;

out_error_free_anon_vma:
	put_anon_vma(anon_vma);
out_error:
	unlink_anon_vmas(vma);
	return -ENOMEM;
}

/*
 * munmap/exit: take the VMA out of every anon_vma tree. An anon_vma whose
 * tree becomes empty is released (after its count bookkeeping), in a second
 * pass, as Linux does. Takes the root lock per AVC; the caller holds none.
 */
void unlink_anon_vmas(struct vm_area_struct *vma)
{
	struct anon_vma_chain *avc, *next;
	struct anon_vma *root = NULL;

	list_for_each_entry_safe(avc, next, &vma->anon_vma_chain, same_vma) {
		struct anon_vma *anon_vma = avc->anon_vma;

		root = lock_anon_vma_root(root, anon_vma);
		interval_tree_remove(&avc->rb, &anon_vma->rb_root);
		if (interval_tree_empty(&anon_vma->rb_root)) {
			anon_vma->parent->num_children--;
			continue;	/* freed below, outside the lock */
		}
		list_del(&avc->same_vma);
		anon_vma_chain_free(avc);
	}
	if (vma->anon_vma) {
		root = lock_anon_vma_root(root, vma->anon_vma);
		vma->anon_vma->num_active_vmas--;
		vma->anon_vma = NULL;
	}
	unlock_anon_vma_root(root);
	list_for_each_entry_safe(avc, next, &vma->anon_vma_chain, same_vma) {
		struct anon_vma *anon_vma = avc->anon_vma;

		VM_BUG_ON(anon_vma->num_children, "anon_vma %u has %lu children with an empty tree",
			  anon_vma->id, anon_vma->num_children);
		VM_BUG_ON(anon_vma->num_active_vmas, "anon_vma %u has %lu VMAs with an empty tree",
			  anon_vma->id, anon_vma->num_active_vmas);
		list_del(&avc->same_vma);
		anon_vma_chain_free(avc);
		put_anon_vma(anon_vma);
	}
}

/* ---- page <-> anon_vma ---- */

/* The anon_vma an anonymous page is filed under, or NULL; no reference is taken. */
struct anon_vma *page_anon_vma(const struct page *page)
{
	if (!PageAnon(page))
		return NULL;
	return (struct anon_vma *)((unsigned long)page->mapping & ~PAGE_MAPPING_FLAGS);
}

static void __page_set_anon_rmap(struct page *page, struct vm_area_struct *vma,
				 unsigned long address, rmap_t flags)
{
	struct anon_vma *anon_vma = vma->anon_vma;

	VM_BUG_ON(!anon_vma, "vma %lx-%lx has no anon_vma", vma->vm_start, vma->vm_end);
	/*
	 * A page that may be shared (it was not just allocated for this VMA)
	 * must be findable from every VMA of the family: use the root.
	 */
	if (!(flags & RMAP_EXCLUSIVE))
		anon_vma = anon_vma->root;
	page->mapping = (void *)((unsigned long)anon_vma | PAGE_MAPPING_ANON);
	page->index = linear_page_index(vma, address);
}

/*
 * A page just allocated for this VMA: mapped once, exclusively, by vma's
 * anon_vma. A THP (compound head) is mapped by a PMD: compound_mapcount 0,
 * and every subpage gets the mapping and its own index (Linux reads them
 * from the head; Pagoda's rmap_walk and PageAnon read each subpage's).
 */
void page_add_new_anon_rmap(struct page *page, struct vm_area_struct *vma, unsigned long address)
{
	if (PageHead(page)) {
		atomic_set(&page[1].compound_mapcount, 0);
		for (unsigned long i = 1; i < HPAGE_PMD_NR; i++)
			__page_set_anon_rmap(page + i, vma, address + (i << PAGE_SHIFT), RMAP_EXCLUSIVE);
		__atomic_add_fetch(&NODE_DATA(page_to_nid(page))->nr_anon_thps, 1, __ATOMIC_RELAXED);
	} else {
		atomic_set(&page->_mapcount, 0);
	}
	__page_set_anon_rmap(page, vma, address, RMAP_EXCLUSIVE);
	SetPageAnonExclusive(page);
}

/*
 * A new hugetlb page mapped by its first huge PTE (Linux:
 * hugepage_add_new_anon_rmap). Only the head carries the anon_vma and
 * index: a hugetlb page is never split, and readers look at the head.
 * No AnonHugePages: that counts THPs only.
 */
void hugepage_add_new_anon_rmap(struct page *page, struct vm_area_struct *vma, unsigned long address)
{
	atomic_set(&page[1].compound_mapcount, 0);
	__page_set_anon_rmap(page, vma, address, RMAP_EXCLUSIVE);
	SetPageAnonExclusive(page);
}

/* One more PMD maps a THP (fork: copy_huge_pmd) or a hugetlb page. It is no longer exclusive. */
void page_dup_compound_rmap(struct page *head)
{
	atomic_inc(&head[1].compound_mapcount);
	ClearPageAnonExclusive(head);
}

/*
 * A PMD mapping a THP or a hugetlb page is gone (Linux:
 * page_remove_rmap(page, vma, true)). The last one takes a THP out of
 * AnonHugePages (NR_ANON_THPS).
 */
void page_remove_compound_rmap(struct page *head)
{
	VM_BUG_ON(compound_mapcount(head) <= 0, "pfn %lx compound_mapcount %d",
		  page_to_pfn(head), compound_mapcount(head));
	if (atomic_add_return(-1, &head[1].compound_mapcount) >= 0 || PageHugeTLB(head))
		return;
	__atomic_sub_fetch(&NODE_DATA(page_to_nid(head))->nr_anon_thps, 1, __ATOMIC_RELAXED);
	ClearPageAnonExclusive(head);
}

/*
 * Map an existing anonymous page again (Linux 6.1: page_add_anon_rmap):
 * remove_migration_pte maps the new page with it. RMAP_EXCLUSIVE: the
 * mapping was exclusive (the migration entry said so), and is again.
 */
void page_add_anon_rmap(struct page *page, struct vm_area_struct *vma, unsigned long address,
			rmap_t flags)
{
	if (atomic_inc_and_test(&page->_mapcount) && !PageAnon(page))
		__page_set_anon_rmap(page, vma, address, flags);
	if (flags & RMAP_EXCLUSIVE)
		SetPageAnonExclusive(page);
}

/* One more PTE maps an already-mapped page (fork). It is no longer exclusive. */
/*
 * One more PTE maps a page that is not anonymous: a shmem page or a
 * program's file page (Linux: page_add_file_rmap). No anon_vma: the rmap
 * walk does not find these.
 */
void page_add_file_rmap(struct page *page, struct vm_area_struct *vma)
{
	(void)vma;
	atomic_inc(&page->_mapcount);
}

void page_dup_rmap(struct page *page)
{
	atomic_inc(&page->_mapcount);
	ClearPageAnonExclusive(page);
}

/*
 * A PTE mapping the page is gone. page->mapping stays until the page is
 * freed, as in Linux, where clearing it here could undo a racing
 * page_add_anon_rmap on another CPU.
 */
void page_remove_rmap(struct page *page, struct vm_area_struct *vma)
{
	(void)vma;
	VM_BUG_ON(atomic_read(&page->_mapcount) < 0, "pfn %lx mapcount %d",
		  page_to_pfn(page), page_mapcount(page));
	if (atomic_add_return(-1, &page->_mapcount) < 0)
		ClearPageAnonExclusive(page);
}

/*
 * COW reuse (do_wp_page): the page is now this VMA's alone, so point it at
 * this VMA's own anon_vma; later walks need not visit the rest of the family.
 */
void page_move_anon_rmap(struct page *page, struct vm_area_struct *vma)
{
	page->mapping = (void *)((unsigned long)vma->anon_vma | PAGE_MAPPING_ANON);
	SetPageAnonExclusive(page);
}

/* ---- walking the reverse map ---- */

/* Where page would be mapped in vma, or -EFAULT if outside it. */
unsigned long vma_address(const struct page *page, const struct vm_area_struct *vma)
{
	unsigned long pgoff = page->index;
	unsigned long address;

	if (pgoff < vma->vm_pgoff)
		return -EFAULT;
	address = vma->vm_start + ((pgoff - vma->vm_pgoff) << PAGE_SHIFT);
	if (address >= vma->vm_end)
		return -EFAULT;
	return address;
}

/*
 * Call rwc->rmap_one for every VMA that may map page: follow page->mapping
 * to its anon_vma and visit the AVCs in its tree whose range covers
 * page->index (Linux: rmap_walk_anon). The caller holds a reference on
 * the page and no lock; the root lock is held throughout, and rmap_one may
 * take a page-table lock under it.
 */
void rmap_walk(struct page *page, struct rmap_walk_control *rwc)
{
	struct anon_vma *anon_vma = page_anon_vma(page);
	unsigned long pgoff = page->index;
	unsigned long last = pgoff + (1UL << compound_order(page)) - 1;
	struct interval_node *node;

	if (!anon_vma)
		return;
	anon_vma_lock_write(anon_vma);
	for (node = interval_tree_iter_first(&anon_vma->rb_root, pgoff, last); node;
	     node = interval_tree_iter_next(&anon_vma->rb_root, node, pgoff, last)) {
		struct anon_vma_chain *avc = container_of(node, struct anon_vma_chain, rb);
		struct vm_area_struct *vma = avc->vma;
		unsigned long address = vma_address(page, vma);

		rwc->nr_visited++;
		if (IS_ERR_VALUE(address))
			continue;
		if (rwc->invalid_vma && rwc->invalid_vma(vma, rwc->arg))
			continue;
		if (!rwc->rmap_one(page, vma, address, rwc->arg))
			break;
		if (rwc->done && rwc->done(page))
			break;
	}
	anon_vma_unlock_write(anon_vma);
}

/* The PTE mapping page at address in vma, or NULL (Linux: page_vma_mapped_walk). */
static pte_t *page_vma_mapped_pte(struct page *page, struct vm_area_struct *vma, unsigned long address)
{
	pte_t *ptep = follow_pte(vma->vm_mm, address);

	if (!ptep || !pte_present(*ptep) || pte_pfn(*ptep) != page_to_pfn(page))
		return NULL;
	return ptep;
}

/* A huge PMD in vma maps the THP that page is part of, at address (page_vma_mapped_walk's PMD case). */
static pmd_t *page_vma_mapped_pmd(struct page *page, struct vm_area_struct *vma, unsigned long address)
{
	pmd_t *pmd = mm_find_pmd(vma->vm_mm, address);

	if (!pmd || !pmd_trans_huge(*pmd) || pmd_pfn(*pmd) + pte_index(address) != page_to_pfn(page))
		return NULL;
	return pmd;
}

/* Unmap page from one VMA: clear the PTE and drop the mapping's references. */
static bool try_to_unmap_one(struct page *page, struct vm_area_struct *vma,
			     unsigned long address, void *arg)
{
	struct mm_struct *mm = vma->vm_mm;
	pte_t *ptep;

	(void)arg;
	lockdep_assert_held(&page_anon_vma(page)->root->lock);	/* rmap_walk's */
	spin_lock(&mm->page_table_lock);
	/* A THP mapped by a PMD: split it first, then unmap the one PTE (Linux: TTU_SPLIT_HUGE_PMD). */
	if (page_vma_mapped_pmd(page, vma, address))
		__split_huge_pmd_locked(vma, mm_find_pmd(mm, address), address);
	ptep = page_vma_mapped_pte(page, vma, address);
	if (ptep) {
		ptep_get_and_clear(ptep);
		flush_tlb_mm_page(mm, address);
		page_remove_rmap(page, vma);
		dec_mm_counter(mm, mm_counter(page));
		put_page(page);
		thp_page_unmapped(page, page);	/* try_to_unmap's caller holds a reference on page */
	}
	spin_unlock(&mm->page_table_lock);
	return true;
}

static bool page_not_mapped(struct page *page)
{
	return page_mapcount(page) == 0;
}

/* Remove every mapping of an anonymous page the caller holds a reference on. True if none is left. */
bool try_to_unmap(struct page *page)
{
	struct rmap_walk_control rwc = {
		.rmap_one = try_to_unmap_one,
		.done = page_not_mapped,
	};

	rmap_walk(page, &rwc);
	return page_mapcount(page) == 0;
}

/* ---- migration: PTEs to migration entries and back ---- */

/*
 * Replace page's PTE in one VMA by a migration entry (Linux 6.1:
 * try_to_migrate_one): clear it and flush every CPU of mm_cpumask, so no
 * CPU can write the old page after this (a write through a stale TLB
 * entry would be lost in the copy); then the entry, with the mapping's
 * write permission and its young and dirty bits, and the mapping's
 * reference dropped. The mm's RSS still counts the page (Linux: the entry
 * counts as the page until zap or remove_migration_pte).
 * Root anon_vma lock held (rmap_walk); takes the page-table lock.
 */
static bool try_to_migrate_one(struct page *page, struct vm_area_struct *vma,
			       unsigned long address, void *arg)
{
	struct mm_struct *mm = vma->vm_mm;
	swp_entry_t entry;
	pte_t *ptep, pteval;
	pmd_t *pmd;

	(void)arg;
	lockdep_assert_held(&page_anon_vma(page)->root->lock);	/* rmap_walk's */
	spin_lock(&mm->page_table_lock);
	/* A PMD-mapped THP: one PMD migration entry for all of it (mm/huge_memory.c). */
	pmd = page_vma_mapped_pmd(page, vma, address);
	if (pmd) {
		set_pmd_migration_entry(vma, address, pmd, page);
		goto out;
	}
	ptep = page_vma_mapped_pte(page, vma, address);
	if (!ptep)
		goto out;
	pteval = ptep_get_and_clear(ptep);
	flush_tlb_mm_page(mm, address);
	if (pte_write(pteval))
		entry = make_writable_migration_entry(page_to_pfn(page));
	else if (PageAnonExclusive(page))
		entry = make_readable_exclusive_migration_entry(page_to_pfn(page));
	else
		entry = make_readable_migration_entry(page_to_pfn(page));
	if (pte_young(pteval))
		entry = make_migration_entry_young(entry);
	if (pte_dirty(pteval))
		entry = make_migration_entry_dirty(entry);
	set_pte(ptep, swp_entry_to_pte(entry));
	page_remove_rmap(page, vma);
	put_page(page);		/* the PTE's; the migration holds its own */
out:
	spin_unlock(&mm->page_table_lock);
	return true;
}

/*
 * Replace every PTE mapping page by a migration entry (Linux 6.1:
 * try_to_migrate). page is locked and isolated by the caller, which holds
 * its anon_vma. A mapping the walk could not turn into an entry leaves
 * page_mapped(page) true: the caller then gives up this pass.
 */
void try_to_migrate(struct page *page)
{
	struct rmap_walk_control rwc = {
		.rmap_one = try_to_migrate_one,
		.done = page_not_mapped,
	};

	VM_BUG_ON(!PageLocked(compound_head(page)), "pfn %lx: try_to_migrate of an unlocked page",
		  page_to_pfn(page));
	rmap_walk(page, &rwc);
}

/*
 * One VMA's migration entry for old back into a present PTE, to new
 * (Linux 6.1: remove_migration_pte): a reference and a mapcount on new,
 * the protection from vma->vm_page_prot (permissions may have changed
 * meanwhile: mprotect downgrades writable entries), writable only if the
 * entry was, young and dirty as the entry kept them. No TLB flush: the
 * entry was not present. Root anon_vma lock held; takes the page-table lock.
 */
static bool remove_migration_pte(struct page *new, struct vm_area_struct *vma,
				 unsigned long address, void *old)
{
	struct mm_struct *mm = vma->vm_mm;
	rmap_t rmap_flags = RMAP_NONE;
	swp_entry_t entry;
	pte_t *ptep, pte;
	pmd_t *pmd;

	spin_lock(&mm->page_table_lock);
	/* A THP's PMD migration entry goes back to a huge PMD (mm/huge_memory.c). */
	pmd = mm_find_pmd(mm, address);
	if (pmd && pmd_migration_entry_page(pmd, old)) {
		remove_migration_pmd(vma, address, pmd, new);
		goto unlock;
	}
	ptep = follow_pte(mm, address);
	if (!ptep || !is_swap_pte(*ptep))
		goto unlock;
	entry = pte_to_swp_entry(*ptep);
	if (!is_migration_entry(entry) || pfn_swap_entry_to_page(entry) != old)
		goto unlock;
	get_page(new);
	pte = pte_mkold(mk_pte(new, vma->vm_page_prot));
	if (is_migration_entry_young(entry))
		pte = pte_mkyoung(pte);
	if (is_migration_entry_dirty(entry))
		pte = pte_mkdirty(pte);
	if (is_writable_migration_entry(entry))
		pte = maybe_mkwrite(pte, vma);
	if (is_writable_migration_entry(entry) || is_readable_exclusive_migration_entry(entry))
		rmap_flags |= RMAP_EXCLUSIVE;
	page_add_anon_rmap(new, vma, address, rmap_flags);
	set_pte(ptep, pte);
unlock:
	spin_unlock(&mm->page_table_lock);
	return true;
}

/*
 * Turn every migration entry naming src back into a PTE mapping dst: the
 * new page after a successful copy, src itself after a failure (Linux 6.1:
 * remove_migration_ptes). The walk follows dst's mapping and index (the
 * copy gave dst src's). src is locked: no fault got past its entries.
 */
void remove_migration_ptes(struct page *src, struct page *dst)
{
	struct rmap_walk_control rwc = {
		.rmap_one = remove_migration_pte,
		.arg = src,
	};

	rmap_walk(dst, &rwc);
}

struct page_referenced_arg {
	int referenced;
	int mapcount;
	unsigned long vm_flags;
};

/* Test and clear the accessed bit of page's PTE in one VMA. */
static bool page_referenced_one(struct page *page, struct vm_area_struct *vma,
				unsigned long address, void *arg)
{
	struct page_referenced_arg *pra = arg;
	struct mm_struct *mm = vma->vm_mm;
	pmd_t *pmd;
	pte_t *ptep;

	lockdep_assert_held(&page_anon_vma(page)->root->lock);	/* rmap_walk's */
	spin_lock(&mm->page_table_lock);
	pmd = page_vma_mapped_pmd(page, vma, address);
	if (pmd) {
		pra->mapcount--;
		if (pmd_young(*pmd)) {
			set_pmd(pmd, pmd_mkold(*pmd));
			flush_tlb_mm_page(mm, address);
			pra->referenced++;
			pra->vm_flags |= vma->vm_flags;
		}
	}
	ptep = page_vma_mapped_pte(page, vma, address);
	if (ptep) {
		pra->mapcount--;
		if (pte_young(*ptep)) {
			set_pte(ptep, pte_mkold(*ptep));
			flush_tlb_mm_page(mm, address);
			pra->referenced++;
			pra->vm_flags |= vma->vm_flags;
		}
	}
	spin_unlock(&mm->page_table_lock);
	return pra->mapcount > 0;	/* stop once every mapping was seen */
}

/* How many of page's mappings were accessed since the last check (reclaim's question). */
int page_referenced(struct page *page, unsigned long *vm_flags)
{
	struct page_referenced_arg pra = { .mapcount = page_mapcount(page) };
	struct rmap_walk_control rwc = { .arg = &pra, .rmap_one = page_referenced_one };

	if (!pra.mapcount)
		return 0;
	rmap_walk(page, &rwc);
	if (vm_flags)
		*vm_flags = pra.vm_flags;
	return pra.referenced;
}
