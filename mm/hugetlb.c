/*
 * mm/hugetlb.c: the hugetlb pool of 2 MB pages, reservations, and the
 * fault, fork and copy-on-write paths of hugetlb mappings (Linux 6.1's
 * mm/hugetlb.c, with seed 000's names: hugetlb_cow is 6.1's hugetlb_wp).
 *
 *   the pool (per node)          hstate { nr, free, resv, surplus }
 *     hugepages=N, nr_hugepages  -> set_max_huge_pages -> alloc_pool_huge_page
 *                                   (the buddy allocator's order-9 pages)
 *   mmap                         -> hugetlbfs_file_mmap (fs/hugetlbfs/inode.c)
 *                                   -> hugetlb_reserve_pages -> hugetlb_acct_memory
 *   fork: dup_mmap               -> copy_page_range -> copy_hugetlb_page_range
 *   fault: handle_mm_fault       -> hugetlb_fault
 *     huge PTE none                 -> hugetlb_no_page -> alloc_huge_page
 *     write to a read-only one      -> hugetlb_cow
 *                                        retry_avoidcopy: mapcount 1, anonymous: reuse
 *                                        else alloc_huge_page + copy_user_huge_page
 *                                        owner out of pages: unmap_ref_private, retry
 *   munmap, exit                 -> unmap_hugepage_range; hugetlb_vm_op_close
 *                                   returns the reservations not used
 *   migration (mm/migrate.c)     -> unmap_and_move_huge_page: alloc_hugetlb_migration_target,
 *                                   hugetlb_try_to_migrate, hugetlb_migrate_page,
 *                                   hugetlb_remove_migration_ptes, move_hugetlb_state;
 *                                   a fault on the entry -> migration_entry_wait_huge
 *
 * On x86-64 a 2 MB "huge PTE" is a PMD leaf: huge_pte_offset finds the
 * PMD entry, huge_ptep_get reads it, set_huge_pte_at writes it.
 *
 * Reservations. A mapping reserves its pages at mmap, so that a fault
 * later cannot fail for want of a pool page:
 *   MAP_SHARED: the file's resv_map (inode->i_mapping->private_data) holds
 *     the indices reserved or already in the page cache; mmap adds the ones
 *     missing. Truncation and hole punching give them back.
 *   MAP_PRIVATE: the mmap caller's VMA owns a private resv_map
 *     (HPAGE_RESV_OWNER). Its meaning is inverted: it records the indices
 *     whose reservation a fault has consumed; closing the VMA gives back
 *     the rest. A fork child has no reservation: its faults and COW copies
 *     take only pages nobody reserved, else SIGBUS.
 *   MAP_NORESERVE: nothing is reserved; a fault takes a free page or fails.
 * h->resv_huge_pages counts all of them (HugePages_Rsvd); a page taken
 * against a reservation carries HPG_restore_reserve until it is mapped,
 * so that an error path that frees it puts the reservation back.
 *
 * Locks (Linux 6.1's, docs/hugetlb.md "Locking"; the order is mm/rmap.c's):
 *
 *   mm->mmap_lock                    (read: the fault; write: mmap, munmap)
 *     hugetlb_fault_mutex_table[hash(mapping, idx)]   one index of one file:
 *                                    its fault, fallocate, truncation
 *       mapping->i_mmap_rwsem        i_mmap: VMAs join and leave (write);
 *                                    unmap_ref_private and truncation reach
 *                                    other processes' VMAs through it (write)
 *         mm->page_table_lock        the huge PTE lock (huge_pte_lock)
 *           hugetlb_lock             every (h) count of struct hstate, the
 *                                    free lists (a put_page under a PTE lock
 *                                    may free a hugetlb page)
 *             pgdat->lock            the buddy allocator
 *   resv_map->lock, mapping->i_pages_lock: innermost, nothing taken under them
 *
 * hugetlb_lock is dropped around calls into the buddy allocator (Linux
 * drops it too), so what was counted before is counted again after
 * (gather_surplus_pages, alloc_surplus_huge_page). A free page and the
 * reservation it consumes change in one hugetlb_lock section. hugetlb_cow
 * drops the fault mutex around unmap_ref_private, as Linux 6.1.
 */
#include <mm/hugetlb.h>
#include <mm/mempolicy.h>
#include <mm/rmap.h>
#include <mm/internal.h>
#include <mm/numa.h>
#include <mm/mmzone.h>
#include <mm/slab.h>
#include <mm/migrate.h>
#include <mm/pagemap.h>
#include <mm/swapops.h>
#include <fs/proc_fs.h>
#include <kernel/kernel.h>
#include <kernel/errno.h>
#include <kernel/sched.h>
#include <kernel/mutex.h>
#include <lib/string.h>

struct hstate default_hstate;
static DEFINE_SPINLOCK_ORDER(hugetlb_lock, LOCK_ORDER_HUGETLB);	/* guards every (h) count of struct hstate */

/*
 * Serializes the faults on one (mapping, index), and truncation, hole
 * punch and fallocate there, so that two CPUs never both allocate a page
 * for one index (the loser would fail for want of a page the reservation
 * promised only once). Linux: roundup_pow_of_two(8 * num_possible_cpus()).
 */
#define NUM_FAULT_MUTEXES	(8 * NR_CPUS)
struct mutex hugetlb_fault_mutex_table[NUM_FAULT_MUTEXES];

/* Which mutex guards idx of mapping (Linux: jhash2 of the pair). */
u32 hugetlb_fault_mutex_hash(struct address_space *mapping, unsigned long idx)
{
	u64 key = ((u64)(unsigned long)mapping >> 6) ^ (idx * 0x9e3779b97f4a7c15ULL);

	key *= 0x9e3779b97f4a7c15ULL;
	return (u32)(key >> 40) & (NUM_FAULT_MUTEXES - 1);
}
static bool hugetlb_enabled;		/* hugetlb_init ran: the pool exists */

/*
 * Flags of a hugetlb page, in its head's page->private (Linux: the
 * HPageRestoreReserve, HPageTemporary... bits of the same word).
 */
#define HPG_restore_reserve	(1UL << 0)	/* allocated against a reservation, not yet mapped */
#define HPG_freed		(1UL << 1)	/* on a free list */
#define HPG_temporary		(1UL << 2)	/* not counted as surplus, freed to the buddy allocator (migration) */

static bool HPageRestoreReserve(struct page *page) { return page->private & HPG_restore_reserve; }
static void SetHPageRestoreReserve(struct page *page) { page->private |= HPG_restore_reserve; }
static void ClearHPageRestoreReserve(struct page *page) { page->private &= ~HPG_restore_reserve; }
static bool HPageTemporary(struct page *page) { return page->private & HPG_temporary; }
static void SetHPageTemporary(struct page *page) { page->private |= HPG_temporary; }
static void ClearHPageTemporary(struct page *page) { page->private &= ~HPG_temporary; }

/* Every online node, or one node, as a mask (mm/nodemask.h). */
static nodemask_t all_nodes(void)
{
	nodemask_t mask;

	nodes_clear(mask);
	for (int nid = 0; nid < nr_node_ids; nid++)
		node_set(nid, &mask);
	return mask;
}

static nodemask_t one_node(int nid)
{
	nodemask_t mask;

	nodes_clear(mask);
	node_set(nid, &mask);
	return mask;
}

/* ---- reservation maps: sorted ranges [from, to) of huge-page indices ---- */

struct file_region {
	struct list_head link;
	long from, to;
};

/*
 * lock guards regions (Linux: resv_map->lock). The region_* functions take
 * it themselves; a region they may need is allocated before, outside it,
 * and freed if unused (Linux keeps a cache of them, region_cache).
 */
struct resv_map {
	atomic_t refs;			/* the file, or the private VMAs split from one mmap */
	spinlock_t lock;
	struct list_head regions;	/* struct file_region, sorted, disjoint, not adjacent */
};

/* A new, empty map with one reference; NULL if out of memory. */
struct resv_map *resv_map_alloc(void)
{
	struct resv_map *resv = kzalloc(sizeof(*resv), GFP_KERNEL);

	if (!resv)
		return NULL;
	atomic_set(&resv->refs, 1);
	spin_lock_init(&resv->lock);
	spin_lock_set_order(&resv->lock, LOCK_ORDER_PAGECACHE);
	INIT_LIST_HEAD(&resv->regions);
	return resv;
}

/* Drop a reference; the last one frees the map and its regions. */
void resv_map_release(struct resv_map *resv)
{
	struct file_region *rg, *next;

	if (!atomic_dec_and_test(&resv->refs))
		return;
	list_for_each_entry_safe(rg, next, &resv->regions, link)
		kfree(rg);
	kfree(resv);
}

/* How many of [f, t) the map covers. resv->lock held. */
static long __region_count(struct resv_map *resv, long f, long t)
{
	struct file_region *rg;
	long n = 0;

	lockdep_assert_held(&resv->lock);
	list_for_each_entry(rg, &resv->regions, link)
		if (rg->from < t && rg->to > f)
			n += min(rg->to, t) - max(rg->from, f);
	return n;
}

static long region_count(struct resv_map *resv, long f, long t)
{
	long n;

	spin_lock(&resv->lock);
	n = __region_count(resv, f, t);
	spin_unlock(&resv->lock);
	return n;
}

/*
 * How many of [f, t) the map lacks: what region_add(f, t) would add, if
 * nothing changes it in between (the caller holds the fault mutex of the
 * index, or mmap_write_lock for mmap's reservation; region_add returns
 * what it really added).
 */
static long region_chg(struct resv_map *resv, long f, long t)
{
	return (t - f) - region_count(resv, f, t);
}

/*
 * Cover [f, t): merge every region that overlaps or touches it into one.
 * Returns how many indices were added, or -ENOMEM (map unchanged).
 */
static long region_add(struct resv_map *resv, long f, long t)
{
	struct file_region *spare = kmalloc(sizeof(*spare), GFP_KERNEL);	/* outside the lock */
	struct file_region *rg, *next, *nrg = NULL;
	struct list_head *pos = &resv->regions;
	long added;

	spin_lock(&resv->lock);
	added = (t - f) - __region_count(resv, f, t);

	list_for_each_entry_safe(rg, next, &resv->regions, link) {
		if (rg->to < f) {
			pos = &rg->link;
			continue;
		}
		if (rg->from > t)
			break;
		f = min(f, rg->from);
		t = max(t, rg->to);
		if (!nrg) {
			nrg = rg;	/* reuse the first region that merges */
			pos = rg->link.prev;
			list_del(&rg->link);
		} else {
			list_del(&rg->link);
			kfree(rg);
		}
	}
	if (!nrg) {
		if (!spare) {
			spin_unlock(&resv->lock);	/* nothing merged: nrg is NULL only if no region was touched */
			return -ENOMEM;
		}
		nrg = spare;
		spare = NULL;
	}
	nrg->from = f;
	nrg->to = t;
	list_add(&nrg->link, pos);
	spin_unlock(&resv->lock);
	kfree(spare);
	return added;
}

/*
 * Uncover [f, t). Returns how many indices were removed, or -ENOMEM when a
 * region would have to be split in two and no memory is left (map unchanged).
 */
static long region_del(struct resv_map *resv, long f, long t)
{
	struct file_region *spare = kmalloc(sizeof(*spare), GFP_KERNEL);	/* for a split, outside the lock */
	struct file_region *rg, *next, *dead;
	LIST_HEAD(freed);
	long del = 0;

	spin_lock(&resv->lock);
	list_for_each_entry_safe(rg, next, &resv->regions, link) {
		if (rg->to <= f)
			continue;
		if (rg->from >= t)
			break;
		if (rg->from < f && rg->to > t) {	/* a hole in the middle: split */
			struct file_region *nrg = spare;

			if (!nrg) {
				spin_unlock(&resv->lock);
				return -ENOMEM;
			}
			spare = NULL;
			nrg->from = t;
			nrg->to = rg->to;
			list_add(&nrg->link, &rg->link);
			rg->to = f;
			del = t - f;
			break;
		}
		if (rg->from >= f && rg->to <= t) {
			del += rg->to - rg->from;
			list_del(&rg->link);
			list_add(&rg->link, &freed);	/* kfree'd after the unlock */
		} else if (rg->from < f) {
			del += rg->to - f;
			rg->to = f;
		} else {
			del += t - rg->from;
			rg->from = t;
		}
	}
	spin_unlock(&resv->lock);
	list_for_each_entry_safe(dead, next, &freed, link)
		kfree(dead);
	kfree(spare);
	return del;
}

/* ---- the pool ---- */

/* The page offset, in huge pages, of address in vma's file (Linux: vma_hugecache_offset). */
static unsigned long vma_hugecache_offset(struct hstate *h, struct vm_area_struct *vma,
					  unsigned long address)
{
	return ((address - vma->vm_start) >> huge_page_shift(h)) +
	       (vma->vm_pgoff >> huge_page_order(h));
}

/* st_blocks of a file, in 512-byte units, per huge page it holds. */
static unsigned long blocks_per_huge_page(const struct hstate *h)
{
	return huge_page_size(h) / 512;
}

static unsigned long persistent_huge_pages(struct hstate *h)
{
	return h->nr_huge_pages - h->surplus_huge_pages;
}

/* The next node of mask after nid, wrapping round (Linux: next_node_allowed). */
static int next_node_allowed(int nid, nodemask_t mask)
{
	for (int i = 1; i <= nr_node_ids; i++) {
		int n = (nid + i) % nr_node_ids;

		if (node_isset(n, mask))
			return n;
	}
	return NUMA_NO_NODE;
}

/* Round robin over mask: the node to grow on next, then advance (Linux: hstate_next_node_to_alloc). */
static int hstate_next_node_to_alloc(struct hstate *h, nodemask_t mask)
{
	int nid = h->next_nid_to_alloc;

	if (!node_isset(nid, mask))
		nid = next_node_allowed(nid, mask);
	h->next_nid_to_alloc = next_node_allowed(nid, mask);
	return nid;
}

static int hstate_next_node_to_free(struct hstate *h, nodemask_t mask)
{
	int nid = h->next_nid_to_free;

	if (!node_isset(nid, mask))
		nid = next_node_allowed(nid, mask);
	h->next_nid_to_free = next_node_allowed(nid, mask);
	return nid;
}

/* A free page goes on its node's free list; refcount 0. (h) */
static void enqueue_huge_page(struct hstate *h, struct page *page)
{
	int nid = page_to_nid(page);

	VM_BUG_ON(page_ref_count(page) != 0, "hugetlb pfn %lx enqueued with refcount %d",
		  page_to_pfn(page), page_ref_count(page));
	list_add(&page->lru, &h->hugepage_freelists[nid]);
	page->private |= HPG_freed;
	h->free_huge_pages++;
	h->free_huge_pages_node[nid]++;
}

/* A free page of node nid, now in use with refcount 1; NULL if none. (h) */
static struct page *dequeue_huge_page_node_exact(struct hstate *h, int nid)
{
	struct page *page;

	if (list_empty(&h->hugepage_freelists[nid]))
		return NULL;
	page = list_first_entry(&h->hugepage_freelists[nid], struct page, lru);
	list_del(&page->lru);
	page->private &= ~HPG_freed;
	h->free_huge_pages--;
	h->free_huge_pages_node[nid]--;
	set_page_count(page, 1);
	return page;
}

/*
 * A free page from nid or, failing that, the nearest node that has one,
 * among the nodes of nmask (NULL: all) (Linux: dequeue_huge_page_nodemask). (h)
 */
static struct page *dequeue_huge_page_nodemask(struct hstate *h, int nid, const nodemask_t *nmask)
{
	const int *fallback = NODE_DATA(nid)->fallback;

	for (int i = 0; i < MAX_NUMNODES && fallback[i] != NUMA_NO_NODE; i++) {
		struct page *page;

		if (nmask && !node_isset(fallback[i], *nmask))
			continue;
		page = dequeue_huge_page_node_exact(h, fallback[i]);

		if (page)
			return page;
	}
	return NULL;
}

/*
 * A new pool page from the buddy allocator on node nid only, counted in
 * the pool as in use (refcount 1); NULL if the node has no free 2 MB
 * block (Linux: alloc_fresh_huge_page, prep_new_huge_page). Called
 * without hugetlb_lock.
 */
static struct page *alloc_fresh_huge_page(struct hstate *h, int nid)
{
	struct page *page = alloc_pages_node(nid, __GFP_COMP | __GFP_THISNODE | __GFP_NOWARN,
					     huge_page_order(h));

	if (!page) {
		count_vm_event(HTLB_BUDDY_ALLOC_FAIL);	/* Linux: alloc_buddy_huge_page */
		return NULL;
	}
	count_vm_event(HTLB_BUDDY_ALLOC_SUCCESS);
	SetPageHugeTLB(page);
	page->private = 0;
	spin_lock(&hugetlb_lock);
	h->nr_huge_pages++;
	h->nr_huge_pages_node[nid]++;
	spin_unlock(&hugetlb_lock);
	return page;
}

/* Give a page the pool no longer counts back to the buddy allocator (Linux: update_and_free_page). */
static void update_and_free_page(struct hstate *h, struct page *page)
{
	ClearPageHugeTLB(page);
	page->private = 0;
	page->mapping = NULL;
	set_page_count(page, 1);
	__free_pages(page, huge_page_order(h));
}

/*
 * Take a page out of the pool's counts (Linux: remove_hugetlb_page):
 * from its free list if it is free; from the surplus too if adjust_surplus.
 * The caller frees it with update_and_free_page. (h)
 */
static void remove_hugetlb_page(struct hstate *h, struct page *page, bool adjust_surplus)
{
	int nid = page_to_nid(page);

	if (page->private & HPG_freed) {
		list_del(&page->lru);
		page->private &= ~HPG_freed;
		h->free_huge_pages--;
		h->free_huge_pages_node[nid]--;
	}
	if (adjust_surplus) {
		h->surplus_huge_pages--;
		h->surplus_huge_pages_node[nid]--;
	}
	h->nr_huge_pages--;
	h->nr_huge_pages_node[nid]--;
}

/* Grow the persistent pool by one page on the next node of mask; false if none had 2 MB free. */
static bool alloc_pool_huge_page(struct hstate *h, nodemask_t mask)
{
	int nr_nodes = nodes_weight(mask);

	while (nr_nodes--) {
		int nid;
		struct page *page;

		spin_lock(&hugetlb_lock);
		nid = hstate_next_node_to_alloc(h, mask);
		spin_unlock(&hugetlb_lock);
		page = alloc_fresh_huge_page(h, nid);
		if (page) {
			put_page(page);		/* free_huge_page: onto the free list */
			return true;
		}
	}
	return false;
}

/*
 * A free page to leave the pool, from the next node of mask that has one
 * (and a surplus page there, if acct_surplus), uncounted; NULL if none
 * (Linux: remove_pool_huge_page). (h)
 */
static struct page *remove_pool_huge_page(struct hstate *h, nodemask_t mask, bool acct_surplus)
{
	int nr_nodes = nodes_weight(mask);

	while (nr_nodes--) {
		int nid = hstate_next_node_to_free(h, mask);
		struct page *page;

		if ((acct_surplus && !h->surplus_huge_pages_node[nid]) ||
		    list_empty(&h->hugepage_freelists[nid]))
			continue;
		page = list_first_entry(&h->hugepage_freelists[nid], struct page, lru);
		remove_hugetlb_page(h, page, acct_surplus);
		return page;
	}
	return NULL;
}

/*
 * Count one page of mask more (delta -1: fewer) as surplus, without
 * moving any page (Linux: adjust_pool_surplus). Shrinking the pool below
 * the pages in use turns them into surplus, which free_huge_page then
 * hands back to the buddy allocator; growing it turns surplus back into
 * persistent pages. false if no node of mask could change. (h)
 */
static bool adjust_pool_surplus(struct hstate *h, nodemask_t mask, int delta)
{
	int nr_nodes = nodes_weight(mask);

	while (nr_nodes--) {
		int nid = delta < 0 ? hstate_next_node_to_alloc(h, mask) : hstate_next_node_to_free(h, mask);

		if (delta < 0 ? !h->surplus_huge_pages_node[nid] :
				h->surplus_huge_pages_node[nid] >= h->nr_huge_pages_node[nid])
			continue;
		h->surplus_huge_pages += delta;
		h->surplus_huge_pages_node[nid] += delta;
		return true;
	}
	return false;
}

/*
 * Make the persistent pool count pages, spread over mask (Linux:
 * set_max_huge_pages). nid: a node's own file (only that node changes), or
 * NUMA_NO_NODE for the global files. Growing stops at the first node
 * that has no 2 MB block left; shrinking frees only free pages not
 * reserved, and counts the rest as surplus, to go when they are freed.
 */
static void set_max_huge_pages(struct hstate *h, unsigned long count, int nid)
{
	nodemask_t mask = nid == NUMA_NO_NODE ? all_nodes() : one_node(nid);
	unsigned long min_count;

	spin_lock(&hugetlb_lock);
	/* A node's file sets that node's count: the global target is the other nodes' plus it. */
	if (nid != NUMA_NO_NODE) {
		unsigned long old_count = count;

		count += h->nr_huge_pages - h->nr_huge_pages_node[nid];
		if (count < old_count)
			count = ULONG_MAX;	/* wrapped: as many as there is room for */
	}
	while (h->surplus_huge_pages && count > persistent_huge_pages(h))
		if (!adjust_pool_surplus(h, mask, -1))
			break;
	while (count > persistent_huge_pages(h)) {
		spin_unlock(&hugetlb_lock);
		if (!alloc_pool_huge_page(h, mask)) {
			spin_lock(&hugetlb_lock);
			break;
		}
		spin_lock(&hugetlb_lock);
	}
	/* Never below what is in use or reserved. */
	min_count = h->resv_huge_pages + h->nr_huge_pages - h->free_huge_pages;
	min_count = max(count, min_count);
	while (min_count < persistent_huge_pages(h)) {
		struct page *page = remove_pool_huge_page(h, mask, false);

		if (!page)
			break;
		spin_unlock(&hugetlb_lock);
		update_and_free_page(h, page);
		spin_lock(&hugetlb_lock);
	}
	while (count < persistent_huge_pages(h))
		if (!adjust_pool_surplus(h, mask, 1))
			break;
	h->max_huge_pages = persistent_huge_pages(h);
	spin_unlock(&hugetlb_lock);
}

/*
 * The last put_page() of a hugetlb page (mm/page_alloc.c calls it): back
 * on its node's free list, or to the buddy allocator if its node has
 * surplus pages to shed or the page is temporary (migration). A page that still holds a reservation (an error
 * path freed it before mapping it) gives the reservation back.
 */
void free_huge_page(struct page *page)
{
	struct hstate *h = &default_hstate;
	int nid = page_to_nid(page);
	bool restore_reserve = HPageRestoreReserve(page);

	VM_BUG_ON(page_mapcount(page), "hugetlb pfn %lx freed while mapped %d times",
		  page_to_pfn(page), page_mapcount(page));
	ClearHPageRestoreReserve(page);
	ClearPageAnonExclusive(page);
	page->mapping = NULL;
	spin_lock(&hugetlb_lock);
	if (restore_reserve)
		h->resv_huge_pages++;
	if (HPageTemporary(page)) {
		/* A migration's temporary page, or the old page it replaced: never pooled (Linux, the same). */
		remove_hugetlb_page(h, page, false);
		spin_unlock(&hugetlb_lock);
		update_and_free_page(h, page);
		return;
	}
	if (h->surplus_huge_pages_node[nid]) {
		remove_hugetlb_page(h, page, true);
		spin_unlock(&hugetlb_lock);
		update_and_free_page(h, page);
		return;
	}
	enqueue_huge_page(h, page);
	spin_unlock(&hugetlb_lock);
}

/*
 * A surplus page, beyond the persistent pool, if nr_overcommit_hugepages
 * allows one more (Linux: alloc_surplus_huge_page); refcount 1, not on a
 * free list; from nid or the nearest node of nmask (NULL: any) that has
 * 2 MB free. NULL if not allowed or no such node has 2 MB free.
 */
static struct page *alloc_surplus_huge_page(struct hstate *h, int nid, const nodemask_t *nmask)
{
	const int *fallback = NODE_DATA(nid)->fallback;
	struct page *page = NULL;

	spin_lock(&hugetlb_lock);
	if (h->surplus_huge_pages >= h->nr_overcommit_huge_pages) {
		spin_unlock(&hugetlb_lock);
		return NULL;
	}
	spin_unlock(&hugetlb_lock);
	for (int i = 0; !page && i < MAX_NUMNODES && fallback[i] != NUMA_NO_NODE; i++)
		if (!nmask || node_isset(fallback[i], *nmask))
			page = alloc_fresh_huge_page(h, fallback[i]);
	if (!page)
		return NULL;
	spin_lock(&hugetlb_lock);
	/*
	 * Another CPU may have taken the last surplus slot meanwhile, or the
	 * limit was lowered (Linux: "We could have raced with the pool size
	 * change"): give the new page back instead of overcommitting.
	 */
	if (h->surplus_huge_pages >= h->nr_overcommit_huge_pages) {
		remove_hugetlb_page(h, page, false);
		spin_unlock(&hugetlb_lock);
		update_and_free_page(h, page);
		return NULL;
	}
	h->surplus_huge_pages++;
	h->surplus_huge_pages_node[page_to_nid(page)]++;
	spin_unlock(&hugetlb_lock);
	return page;
}

/*
 * Reserve delta more pages (Linux: gather_surplus_pages): from the free
 * pages not yet reserved, and if they are too few, from new surplus pages
 * put on the free lists. -ENOMEM (nothing reserved) if the pool cannot
 * cover delta. Called and returns with hugetlb_lock held; drops it to
 * allocate, so it counts again after (a fault on another CPU may have
 * taken free pages meanwhile, or freed some), as Linux does.
 */
static int gather_surplus_pages(struct hstate *h, long delta)
{
	LIST_HEAD(surplus_list);
	struct page *page, *next;
	long needed, allocated = 0;
	bool alloc_ok = true;
	int ret = -ENOMEM;

	lockdep_assert_held(&hugetlb_lock);
	needed = (long)(h->resv_huge_pages + delta) - (long)h->free_huge_pages;
	if (needed <= 0) {
		h->resv_huge_pages += delta;
		return 0;
	}
retry:
	spin_unlock(&hugetlb_lock);
	for (long i = 0; i < needed; i++) {
		page = alloc_surplus_huge_page(h, numa_node_id(), NULL);
		if (!page) {
			alloc_ok = false;
			break;
		}
		list_add(&page->lru, &surplus_list);
		allocated++;
	}
	spin_lock(&hugetlb_lock);
	needed = (long)(h->resv_huge_pages + delta) - (long)(h->free_huge_pages + allocated);
	if (needed > 0) {
		if (alloc_ok)
			goto retry;
		goto out_free;
	}
	/* Enough: reserve, and put on the free lists only the new pages needed. */
	needed += allocated;
	h->resv_huge_pages += delta;
	ret = 0;
	list_for_each_entry_safe(page, next, &surplus_list, lru) {
		if (--needed < 0)
			break;
		list_del(&page->lru);
		set_page_count(page, 0);
		enqueue_huge_page(h, page);
	}
out_free:
	/* The rest go back: free_huge_page hands each new surplus page to the buddy allocator. */
	spin_unlock(&hugetlb_lock);
	list_for_each_entry_safe(page, next, &surplus_list, lru) {
		list_del(&page->lru);
		put_page(page);
	}
	spin_lock(&hugetlb_lock);
	return ret;
}

/*
 * Release unused reservations, and as many free surplus pages with them
 * (Linux: return_unused_surplus_pages). Called with hugetlb_lock held.
 */
static void return_unused_surplus_pages(struct hstate *h, unsigned long unused_resv_pages)
{
	unsigned long nr_pages = min(unused_resv_pages, h->surplus_huge_pages);

	h->resv_huge_pages -= unused_resv_pages;
	while (nr_pages--) {
		struct page *page = remove_pool_huge_page(h, all_nodes(), true);

		if (!page)
			break;
		spin_unlock(&hugetlb_lock);
		update_and_free_page(h, page);
		spin_lock(&hugetlb_lock);
	}
}

/*
 * The free pages the task may use (Linux: allowed_mems_nr): on its BIND
 * policy's nodes, else on every node. (h)
 */
static unsigned long allowed_mems_nr(struct hstate *h)
{
	const nodemask_t *mbind_nodemask = policy_mbind_nodemask();
	unsigned long nr = 0;

	for (int nid = 0; nid < nr_node_ids; nid++)
		if (!mbind_nodemask || node_isset(nid, *mbind_nodemask))
			nr += h->free_huge_pages_node[nid];
	return nr;
}

/*
 * Change the reserved count by delta: 0, or -ENOMEM if the pool cannot
 * cover it, or if the free pages the task's BIND policy allows are fewer
 * than delta (Linux: hugetlb_acct_memory).
 */
static int hugetlb_acct_memory(struct hstate *h, long delta)
{
	int ret = 0;

	spin_lock(&hugetlb_lock);
	if (delta > 0) {
		ret = gather_surplus_pages(h, delta);
		if (!ret && (unsigned long)delta > allowed_mems_nr(h)) {
			return_unused_surplus_pages(h, (unsigned long)delta);
			ret = -ENOMEM;
		}
	} else if (delta < 0)
		return_unused_surplus_pages(h, (unsigned long)-delta);
	spin_unlock(&hugetlb_lock);
	return ret;
}

/* ---- reservations ---- */

static struct resv_map *inode_resv_map(struct inode *inode)
{
	return inode->i_mapping->private_data;
}

/* The map a fault in vma consults: the file's (shared), the owner's (private), or none (a fork child). */
static struct resv_map *vma_resv_map(struct vm_area_struct *vma)
{
	if (vma->vm_flags & VM_MAYSHARE)
		return inode_resv_map(vma->vm_file->f_inode);
	return (struct resv_map *)(vma->vm_private_data & ~HPAGE_RESV_MASK);
}

static void set_vma_resv_map(struct vm_area_struct *vma, struct resv_map *map)
{
	vma->vm_private_data = (unsigned long)map | (vma->vm_private_data & HPAGE_RESV_MASK);
}

static void set_vma_resv_flags(struct vm_area_struct *vma, unsigned long flags)
{
	vma->vm_private_data |= flags;
}

static bool is_vma_resv_set(struct vm_area_struct *vma, unsigned long flag)
{
	return !(vma->vm_flags & VM_MAYSHARE) && (vma->vm_private_data & flag);
}

/*
 * fork: the child's copy of a private VMA owns no reservation and has
 * unmapped nothing (Linux: hugetlb_dup_vma_private). A shared VMA keeps
 * nothing here either: its map is the file's.
 */
void hugetlb_dup_vma_private(struct vm_area_struct *vma)
{
	vma->vm_private_data = 0;
}

/*
 * Does a fault at an index of vma whose reservation state is chg (0: the
 * index is reserved for this mapping) get to use a reserved page (Linux:
 * vma_has_reserves)?
 */
static bool vma_has_reserves(struct vm_area_struct *vma, long chg)
{
	if (vma->vm_flags & VM_NORESERVE)
		/* A NORESERVE shared mapping may still find the index reserved by another mapping of the file. */
		return (vma->vm_flags & VM_MAYSHARE) && chg == 0;
	if (vma->vm_flags & VM_MAYSHARE)
		return chg == 0;
	return is_vma_resv_set(vma, HPAGE_RESV_OWNER) && chg == 0;
}

enum vma_resv_mode { VMA_NEEDS_RESV, VMA_COMMIT_RESV, VMA_ADD_RESV };

/*
 * The reservation map at address's index (Linux: __vma_reservation_common):
 *   VMA_NEEDS_RESV: 1 if a fault there must take an unreserved page, else 0;
 *   VMA_COMMIT_RESV: record that the fault took its page;
 *   VMA_ADD_RESV: undo a commit (an error path freed the page).
 * A private map records consumed reservations, so its answers are the
 * other way round from a shared one's. -ENOMEM if the map could not change.
 */
static long __vma_reservation_common(struct hstate *h, struct vm_area_struct *vma,
				     unsigned long addr, enum vma_resv_mode mode)
{
	struct resv_map *resv = vma_resv_map(vma);
	long idx, ret;

	if (!resv)
		return 1;
	idx = vma_hugecache_offset(h, vma, addr);
	switch (mode) {
	case VMA_NEEDS_RESV:
		ret = region_chg(resv, idx, idx + 1);
		break;
	case VMA_COMMIT_RESV:
		ret = region_add(resv, idx, idx + 1);
		break;
	case VMA_ADD_RESV:
	default:
		ret = (vma->vm_flags & VM_MAYSHARE) ? region_add(resv, idx, idx + 1)
						    : region_del(resv, idx, idx + 1);
		break;
	}
	if ((vma->vm_flags & VM_MAYSHARE) || ret < 0)
		return ret;
	return ret > 0 ? 0 : 1;
}

static long vma_needs_reservation(struct hstate *h, struct vm_area_struct *vma, unsigned long addr)
{
	return __vma_reservation_common(h, vma, addr, VMA_NEEDS_RESV);
}

static long vma_commit_reservation(struct hstate *h, struct vm_area_struct *vma, unsigned long addr)
{
	return __vma_reservation_common(h, vma, addr, VMA_COMMIT_RESV);
}

/*
 * page was allocated for vma at address and is being freed unmapped: if it
 * came from a reservation, make the map show the reservation unconsumed
 * again, so that free_huge_page's resv_huge_pages++ matches it (Linux:
 * restore_reserve_on_error). A page that took no reservation leaves a
 * shared map's entry, which the file's truncation will return.
 */
static void restore_reserve_on_error(struct hstate *h, struct vm_area_struct *vma,
				     unsigned long address, struct page *page)
{
	if (HPageRestoreReserve(page) && __vma_reservation_common(h, vma, address, VMA_ADD_RESV) < 0)
		ClearHPageRestoreReserve(page);	/* the map could not change: do not count it twice */
}

/*
 * mmap of a hugetlb file: reserve the huge pages [from, to) of the file for
 * vma (Linux: hugetlb_reserve_pages). Shared: the file's map gains the
 * indices it lacked, and only those are charged. Private: vma becomes the
 * owner of a new map, charged the whole range. MAP_NORESERVE: nothing.
 * vma is NULL for a reservation without a mapping (fallocate). false
 * (nothing reserved) if the pool cannot cover it: mmap fails with ENOMEM.
 */
bool hugetlb_reserve_pages(struct inode *inode, long from, long to,
			   struct vm_area_struct *vma, unsigned long vm_flags)
{
	struct hstate *h = hstate_inode(inode);
	struct resv_map *resv = NULL;
	long chg;

	if (from > to)
		return false;
	if (vm_flags & VM_NORESERVE)
		return true;
	if (!vma || (vm_flags & VM_MAYSHARE)) {
		resv = inode_resv_map(inode);
		chg = region_chg(resv, from, to);
	} else {
		resv = resv_map_alloc();
		if (!resv)
			return false;
		chg = to - from;
		set_vma_resv_map(vma, resv);
		set_vma_resv_flags(vma, HPAGE_RESV_OWNER);
	}
	if (hugetlb_acct_memory(h, chg) < 0)
		goto out_err;
	if (!vma || (vm_flags & VM_MAYSHARE)) {
		long added = region_add(resv, from, to);

		if (added < 0) {
			hugetlb_acct_memory(h, -chg);
			goto out_err;
		}
		/*
		 * A fault through another mapping of the file (under its fault
		 * mutex, not our mmap_lock) added indices since region_chg: it
		 * charged them itself, so give back what we charged twice
		 * (Linux 6.1: "if (unlikely(chg > add))").
		 */
		if (added < chg)
			hugetlb_acct_memory(h, -(chg - added));
	}
	return true;
out_err:
	if (vma && !(vm_flags & VM_MAYSHARE)) {
		resv_map_release(resv);
		vma->vm_private_data = 0;
	}
	return false;
}

/*
 * Truncation or a hole punch removed the file's pages [start, end), freed
 * of them: give back the reservations no page had consumed (Linux:
 * hugetlb_unreserve_pages). Returns 0 or -ENOMEM (a region could not be split).
 */
long hugetlb_unreserve_pages(struct inode *inode, long start, long end, long freed)
{
	struct resv_map *resv = inode_resv_map(inode);
	long chg = resv ? region_del(resv, start, end) : 0;

	if (chg < 0)
		return chg;
	spin_lock(&inode->i_mapping->i_pages_lock);	/* i_blocks, as huge_add_to_page_cache (Linux: i_lock) */
	inode->i_blocks -= blocks_per_huge_page(hstate_inode(inode)) * freed;
	spin_unlock(&inode->i_mapping->i_pages_lock);
	hugetlb_acct_memory(hstate_inode(inode), -(chg - freed));
	return 0;
}

/*
 * A hole punch freed page idx but could not take idx out of the file's map
 * (no memory to split a region): the map still shows a reservation there,
 * so count one, that the next fault or truncation consumes (Linux:
 * hugetlb_fix_reserve_counts).
 */
void hugetlb_fix_reserve_counts(struct inode *inode)
{
	if (hugetlb_acct_memory(hstate_inode(inode), 1))
		printk(KERN_WARNING "hugetlb: Huge Page Reserved count may go negative.\n");
}

/* A split of a private owner VMA: both halves share the map (Linux: hugetlb_vm_op_open). */
static void hugetlb_vm_op_open(struct vm_area_struct *vma)
{
	struct resv_map *resv = vma_resv_map(vma);

	if (resv && is_vma_resv_set(vma, HPAGE_RESV_OWNER))
		atomic_inc(&resv->refs);
}

/*
 * A private owner VMA goes: its reservations that no fault consumed go
 * back to the pool (Linux: hugetlb_vm_op_close).
 */
static void hugetlb_vm_op_close(struct vm_area_struct *vma)
{
	struct hstate *h = hstate_vma(vma);
	struct resv_map *resv;
	unsigned long start, end;

	if (!is_vma_resv_set(vma, HPAGE_RESV_OWNER))
		return;
	resv = vma_resv_map(vma);
	start = vma_hugecache_offset(h, vma, vma->vm_start);
	end = vma_hugecache_offset(h, vma, vma->vm_end);
	hugetlb_acct_memory(h, -((long)(end - start) - region_count(resv, start, end)));
	resv_map_release(resv);
}

/* A hugetlb VMA splits on huge-page boundaries only: munmap and mprotect elsewhere give EINVAL. */
static int hugetlb_vm_op_split(struct vm_area_struct *vma, unsigned long addr)
{
	return (addr & ~huge_page_mask(hstate_vma(vma))) ? -EINVAL : 0;
}

static unsigned long hugetlb_vm_op_pagesize(struct vm_area_struct *vma)
{
	return huge_page_size(hstate_vma(vma));
}

const struct vm_operations_struct hugetlb_vm_ops = {
	.open = hugetlb_vm_op_open,
	.close = hugetlb_vm_op_close,
	.may_split = hugetlb_vm_op_split,
	.pagesize = hugetlb_vm_op_pagesize,
};

/* ---- allocating a page for a fault ---- */

/*
 * A free pool page for vma at addr by its policy (Linux: the node part of
 * dequeue_huge_page_vma, huge_node): INTERLEAVE's node by the huge page's
 * offset, PREFERRED's node, BIND's nodes only, PREFERRED_MANY's nodes
 * first, this CPU's node first otherwise; then the nearest allowed node. (h)
 */
static struct page *dequeue_huge_page_vma(struct hstate *h, struct vm_area_struct *vma, unsigned long addr)
{
	struct mempolicy *mpol;
	const nodemask_t *nodemask;
	int nid = huge_node(vma, addr, huge_page_shift(h), &mpol, &nodemask);
	struct page *page = NULL;

	if (mpol->mode == MPOL_PREFERRED_MANY) {
		page = dequeue_huge_page_nodemask(h, nid, nodemask);
		nodemask = NULL;	/* then any node */
	}
	if (!page)
		page = dequeue_huge_page_nodemask(h, nid, nodemask);
	mpol_cond_put(mpol);	/* vma still holds its policy: never the last put */
	return page;
}

/* A surplus page for vma at addr by its policy, as dequeue_huge_page_vma (Linux: alloc_buddy_huge_page_with_mpol). */
static struct page *alloc_buddy_huge_page_with_mpol(struct hstate *h, struct vm_area_struct *vma,
						    unsigned long addr)
{
	struct mempolicy *mpol;
	const nodemask_t *nodemask;
	int nid = huge_node(vma, addr, huge_page_shift(h), &mpol, &nodemask);
	struct page *page = NULL;

	if (mpol->mode == MPOL_PREFERRED_MANY) {
		page = alloc_surplus_huge_page(h, nid, nodemask);
		nodemask = NULL;
	}
	if (!page)
		page = alloc_surplus_huge_page(h, nid, nodemask);
	mpol_cond_put(mpol);
	return page;
}

/*
 * A free page for vma at addr, from the pool if the mapping's reservation
 * (or an unreserved free page) allows, else a surplus page if overcommit
 * allows (Linux: dequeue_huge_page_vma, alloc_huge_page). avoid_reserve:
 * the owner's COW copy, which must not use the reservation that the page
 * it copies already consumed. Returns the page (refcount 1, its
 * reservation consumed) or ERR_PTR(-ENOSPC): the fault gets SIGBUS.
 */
struct page *alloc_huge_page(struct vm_area_struct *vma, unsigned long addr, int avoid_reserve)
{
	struct hstate *h = hstate_vma(vma);
	long map_chg = vma_needs_reservation(h, vma, addr);
	long gbl_chg;
	struct page *page = NULL;
	bool use_reserve;

	if (map_chg < 0)
		return ERR_PTR(-ENOMEM);
	gbl_chg = (map_chg || avoid_reserve) ? 1 : 0;
	use_reserve = !avoid_reserve && vma_has_reserves(vma, gbl_chg);
	/*
	 * The free page and the reservation it consumes change in one
	 * hugetlb_lock section (Linux: dequeue_huge_page_vma): else another
	 * CPU could see free_huge_pages lowered but resv_huge_pages not yet,
	 * and take a page that was promised.
	 */
	spin_lock(&hugetlb_lock);
	/* Without a reservation, only a page nobody reserved will do. */
	if (use_reserve || h->free_huge_pages > h->resv_huge_pages)
		page = dequeue_huge_page_vma(h, vma, addr);
	if (page && use_reserve) {
		SetHPageRestoreReserve(page);
		h->resv_huge_pages--;
	}
	spin_unlock(&hugetlb_lock);
	if (!page) {
		page = alloc_buddy_huge_page_with_mpol(h, vma, addr);
		if (!page)
			return ERR_PTR(-ENOSPC);
		if (use_reserve) {
			spin_lock(&hugetlb_lock);
			SetHPageRestoreReserve(page);
			h->resv_huge_pages--;
			spin_unlock(&hugetlb_lock);
		}
	}
	if (vma_commit_reservation(h, vma, addr) < 0) {
		put_page(page);
		return ERR_PTR(-ENOMEM);
	}
	return page;
}

/* Zero a huge page (Linux: clear_huge_page; one pass over the direct map is what TCG runs fastest). */
void clear_huge_page(struct page *page)
{
	memset(page_address(page), 0, huge_page_size(&default_hstate));
}

/* Linux: copy_user_huge_page. */
static void copy_user_huge_page(struct page *dst, struct page *src)
{
	for (unsigned long i = 0; i < pages_per_huge_page(&default_hstate); i++)
		copy_page(page_address(dst + i), page_address(src + i));
}

/* ---- the page cache of a hugetlbfs file ---- */

/* The page at idx, or NULL. i_pages_lock held. */
static struct page *__find_huge_page(struct address_space *mapping, unsigned long idx)
{
	struct page *page;

	lockdep_assert_held(&mapping->i_pages_lock);
	list_for_each_entry(page, &mapping->i_pages, lru) {
		if (page->index == idx)
			return page;
		if (page->index > idx)
			break;
	}
	return NULL;
}

/*
 * The page at huge-page index idx of the file with a reference for the
 * caller (put_page when done), or NULL (Linux: find_get_page; its
 * find_lock_page also locks the page, which the fault mutex does here).
 * The reference is taken under i_pages_lock: truncation cannot free the
 * page in between.
 */
struct page *find_get_huge_page(struct address_space *mapping, unsigned long idx)
{
	struct page *page;

	spin_lock(&mapping->i_pages_lock);
	page = __find_huge_page(mapping, idx);
	if (page)
		get_page(page);
	spin_unlock(&mapping->i_pages_lock);
	return page;
}

/*
 * A new page becomes the file's page idx (Linux: hugetlb_add_to_page_cache).
 * The cache takes its own reference; the page's reservation (the file's,
 * at idx) is now consumed for good. -EEXIST if the file has a page there
 * already; with HUGE_CACHE_BELOW_EOF (a fault), -EFAULT if idx is past
 * i_size, which truncation lowers under the same lock. On error page is
 * untouched.
 */
int huge_add_to_page_cache(struct page *page, struct address_space *mapping, unsigned long idx,
			   enum huge_cache_limit limit)
{
	struct list_head *pos = &mapping->i_pages;
	struct page *p;

	spin_lock(&mapping->i_pages_lock);
	if (limit == HUGE_CACHE_BELOW_EOF &&
	    idx >= (unsigned long)(mapping->host->i_size >> huge_page_shift(&default_hstate))) {
		spin_unlock(&mapping->i_pages_lock);
		return -EFAULT;
	}
	list_for_each_entry(p, &mapping->i_pages, lru) {
		if (p->index == idx) {
			spin_unlock(&mapping->i_pages_lock);
			return -EEXIST;
		}
		if (p->index > idx) {
			pos = &p->lru;
			break;
		}
	}
	list_add_tail(&page->lru, pos);
	page->mapping = mapping;
	page->index = idx;
	get_page(page);
	mapping->nrpages++;
	mapping->host->i_blocks += blocks_per_huge_page(&default_hstate);	/* Linux: inode->i_lock */
	ClearHPageRestoreReserve(page);
	spin_unlock(&mapping->i_pages_lock);
	return 0;
}

/* Take page out of its file's cache (truncation); the caller drops the cache's reference. */
void huge_remove_from_page_cache(struct page *page)
{
	struct address_space *mapping = page->mapping;

	spin_lock(&mapping->i_pages_lock);
	list_del(&page->lru);
	mapping->nrpages--;
	page->mapping = NULL;
	spin_unlock(&mapping->i_pages_lock);
}

/* ---- huge page-table entries: on x86-64, PMD leaves ---- */

static pmd_t *huge_pte_offset(struct mm_struct *mm, unsigned long addr)
{
	return mm_find_pmd(mm, addr);
}

static pmd_t huge_ptep_get(pmd_t *ptep)
{
	return READ_ONCE(*ptep);
}

static bool huge_pte_none(pmd_t pte)
{
	return pmd_none(pte);
}

/* The huge-PTE lock (Linux: huge_pte_lock, the PMD's split lock): the mm's page_table_lock. */
static spinlock_t *huge_pte_lock(struct mm_struct *mm)
{
	spin_lock(&mm->page_table_lock);
	return &mm->page_table_lock;
}

static void set_huge_pte_at(struct mm_struct *mm, unsigned long addr, pmd_t *ptep, pmd_t pte)
{
	(void)mm;
	(void)addr;
	set_pmd(ptep, pte);
}

static void huge_ptep_set_wrprotect(struct mm_struct *mm, unsigned long addr, pmd_t *ptep)
{
	set_pmd(ptep, pmd_wrprotect(*ptep));
	flush_tlb_mm_page(mm, addr);
}

static pmd_t huge_ptep_clear_flush(struct vm_area_struct *vma, unsigned long addr, pmd_t *ptep)
{
	pmd_t old = pmdp_get_and_clear(ptep);

	flush_tlb_mm_page(vma->vm_mm, addr);
	return old;
}

/* The entry that maps page in vma: writable and dirty, or read-only (Linux: make_huge_pte). */
static pmd_t make_huge_pte(struct vm_area_struct *vma, struct page *page, bool writable)
{
	pmd_t entry = pmd_mkhuge(pfn_pmd(page_to_pfn(page), vma->vm_page_prot));

	entry = writable ? pmd_mkwrite(pmd_mkdirty(entry)) : pmd_wrprotect(entry);
	return pmd_mkyoung(entry);
}

static void set_huge_ptep_writable(struct vm_area_struct *vma, unsigned long address, pmd_t *ptep)
{
	set_pmd(ptep, pmd_mkwrite(pmd_mkdirty(huge_ptep_get(ptep))));
	flush_tlb_mm_page(vma->vm_mm, address);
}

static struct page *huge_pte_page(pmd_t pte)
{
	return pfn_to_page(pmd_pfn(pte));
}

/* A huge PTE that is a migration entry: its page is migrating (Linux: is_hugetlb_entry_migration). */
static bool is_hugetlb_entry_migration(pmd_t pte)
{
	return is_pmd_migration_entry(pte);
}

/* HugetlbPages of /proc/PID/status (Linux: hugetlb_count_add / hugetlb_count_sub). (p) */
static void hugetlb_count_add(long pages, struct mm_struct *mm)
{
	mm->hugetlb_usage += pages;
}

/*
 * The 4 KB frame a hugetlb mapping maps at addr, or NULL (for readers:
 * pagemap, the debug files): one read of the entry, a snapshot; no
 * reference is taken.
 */
struct page *follow_huge_pmd_page(struct mm_struct *mm, unsigned long addr)
{
	pmd_t *ptep = huge_pte_offset(mm, addr);
	pmd_t pte;

	if (!ptep)
		return NULL;
	pte = huge_ptep_get(ptep);
	if (!pmd_huge(pte) || is_hugetlb_entry_migration(pte))
		return NULL;
	return huge_pte_page(pte) + pte_index(addr);
}

/* ---- fork ---- */

/*
 * A migration entry at fork (Linux 6.1's copy_hugetlb_page_range): the
 * child gets the same entry; in a private ("cow") mapping it becomes
 * read-only in both, so that after the migration both map the new page
 * read-only and the next write copies or reuses it. The entry counts in
 * HugetlbPages as the page would. Both huge-PTE locks held.
 */
static void copy_hugetlb_migration_entry(struct mm_struct *dst, struct mm_struct *src, unsigned long addr,
					 pmd_t *dst_pte, pmd_t *src_pte, bool cow)
{
	swp_entry_t entry = pmd_to_swp_entry(huge_ptep_get(src_pte));

	if (cow && !is_readable_migration_entry(entry)) {
		entry = make_readable_migration_entry(swp_offset(entry));
		set_huge_pte_at(src, addr, src_pte, swp_entry_to_pmd(entry));
	}
	set_huge_pte_at(dst, addr, dst_pte, swp_entry_to_pmd(entry));
	hugetlb_count_add(pages_per_huge_page(&default_hstate), dst);
}

/*
 * fork: copy src_vma's huge PTEs into the child (seed 000's
 * copy_hugetlb_page_range). A private writable mapping ("cow") is
 * write-protected in the parent and mapped read-only in the child: the
 * page is shared, mapcount 2, until one of them writes (hugetlb_cow).
 * Linux 6.1 copies only VMAs with an anon_vma (vma_needs_copy, checked by
 * the caller): a shared mapping's child faults the file's pages in
 * itself. Takes the child's huge-PTE lock, then the parent's. 0 or -ENOMEM.
 */
int copy_hugetlb_page_range(struct mm_struct *dst, struct mm_struct *src,
			    struct vm_area_struct *dst_vma, struct vm_area_struct *src_vma)
{
	struct hstate *h = hstate_vma(src_vma);
	unsigned long sz = huge_page_size(h), addr;
	bool cow = (src_vma->vm_flags & (VM_SHARED | VM_MAYWRITE)) == VM_MAYWRITE;

	(void)dst_vma;
	for (addr = src_vma->vm_start; addr < src_vma->vm_end; addr += sz) {
		pmd_t *src_pte = huge_pte_offset(src, addr), *dst_pte;
		spinlock_t *dst_ptl;
		struct page *ptepage;
		pmd_t entry;

		if (!src_pte || huge_pte_none(huge_ptep_get(src_pte)))
			continue;
		dst_pte = pmd_walk_alloc(dst, addr);	/* Linux: huge_pte_alloc */
		if (!dst_pte)
			return -ENOMEM;
		dst_ptl = huge_pte_lock(dst);
		spin_lock_nested(&src->page_table_lock, SINGLE_DEPTH_NESTING);	/* the child's is held */
		/* Truncation (through i_mmap, not our mmap_lock) may have cleared it meanwhile: look again. */
		if (huge_pte_none(huge_ptep_get(src_pte))) {
			spin_unlock(&src->page_table_lock);
			spin_unlock(dst_ptl);
			continue;
		}
		entry = huge_ptep_get(src_pte);
		if (is_hugetlb_entry_migration(entry)) {
			copy_hugetlb_migration_entry(dst, src, addr, dst_pte, src_pte, cow);
			spin_unlock(&src->page_table_lock);
			spin_unlock(dst_ptl);
			continue;
		}
		if (cow)
			huge_ptep_set_wrprotect(src, addr, src_pte);
		entry = huge_ptep_get(src_pte);
		ptepage = huge_pte_page(entry);
		get_page(ptepage);
		page_dup_compound_rmap(ptepage);	/* Linux: page_dup_file_rmap / page_try_dup_anon_rmap */
		set_huge_pte_at(dst, addr, dst_pte, entry);
		hugetlb_count_add(pages_per_huge_page(h), dst);
		spin_unlock(&src->page_table_lock);
		spin_unlock(dst_ptl);
	}
	return 0;
}

/* ---- munmap, exit, truncation ---- */

/*
 * Unmap the huge pages of [start, end) of vma (Linux: __unmap_hugepage_range).
 * ref_page: only that page, and mark vma HPAGE_RESV_UNMAPPED, so that its
 * next fault there kills the task (unmap_ref_private). Takes the huge-PTE lock.
 */
void unmap_hugepage_range(struct vm_area_struct *vma, unsigned long start,
			  unsigned long end, struct page *ref_page)
{
	struct mm_struct *mm = vma->vm_mm;
	struct hstate *h = hstate_vma(vma);
	unsigned long address;

	for (address = start; address < end; address += huge_page_size(h)) {
		pmd_t *ptep = huge_pte_offset(mm, address);
		spinlock_t *ptl;
		struct page *page;
		pmd_t pte;

		if (!ptep)
			continue;
		ptl = huge_pte_lock(mm);
		pte = huge_ptep_get(ptep);
		if (huge_pte_none(pte)) {
			spin_unlock(ptl);
			continue;
		}
		if (is_hugetlb_entry_migration(pte)) {
			/* Linux: "Migrating hugepage ... is already unmapped and its refcount is dropped". */
			page = pfn_swap_entry_to_page(pmd_to_swp_entry(pte));
			if (!ref_page || page == ref_page) {
				if (ref_page)
					set_vma_resv_flags(vma, HPAGE_RESV_UNMAPPED);
				pmdp_get_and_clear(ptep);
				hugetlb_count_add(-(long)pages_per_huge_page(h), mm);
			}
			spin_unlock(ptl);
			continue;
		}
		page = huge_pte_page(pte);
		if (ref_page) {
			if (page != ref_page) {
				spin_unlock(ptl);
				continue;
			}
			set_vma_resv_flags(vma, HPAGE_RESV_UNMAPPED);
		}
		huge_ptep_clear_flush(vma, address, ptep);
		hugetlb_count_add(-(long)pages_per_huge_page(h), mm);
		page_remove_compound_rmap(page);
		put_page(page);
		spin_unlock(ptl);
	}
}

/* mprotect: every huge PTE of [start, end) gets newprot (Linux: hugetlb_change_protection). */
void hugetlb_change_protection(struct vm_area_struct *vma, unsigned long start,
			       unsigned long end, pgprot_t newprot)
{
	struct mm_struct *mm = vma->vm_mm;
	unsigned long address;

	for (address = start; address < end; address += huge_page_size(hstate_vma(vma))) {
		pmd_t *ptep = huge_pte_offset(mm, address);
		spinlock_t *ptl;

		if (!ptep)
			continue;
		ptl = huge_pte_lock(mm);
		if (is_hugetlb_entry_migration(huge_ptep_get(ptep))) {
			/* Linux 6.1: a writable entry becomes readable ("just be safe"). */
			swp_entry_t entry = pmd_to_swp_entry(huge_ptep_get(ptep));

			if (is_writable_migration_entry(entry))
				set_huge_pte_at(mm, address, ptep,
						swp_entry_to_pmd(make_readable_exclusive_migration_entry(swp_offset(entry))));
		} else if (!huge_pte_none(huge_ptep_get(ptep))) {
			set_huge_pte_at(mm, address, ptep, pmd_modify(huge_ptep_get(ptep), newprot));
			flush_tlb_mm_page(mm, address);
		}
		spin_unlock(ptl);
	}
}

/* ---- the fault path ---- */

/*
 * The owner of a private mapping could not get a page to copy into: take
 * the page away from every other private VMA that maps it, the fork
 * children, found through the file's i_mmap tree; each is marked
 * HPAGE_RESV_UNMAPPED and will die at its next fault there (Linux:
 * unmap_ref_private). A fork child maps the page at the same address.
 */
static void unmap_ref_private(struct mm_struct *mm, struct vm_area_struct *vma,
			      struct page *page, unsigned long address)
{
	struct hstate *h = hstate_vma(vma);
	struct address_space *mapping = vma->vm_file->f_mapping;
	unsigned long pgoff = ((address - vma->vm_start) >> PAGE_SHIFT) + vma->vm_pgoff;
	struct interval_node *node;

	(void)mm;
	/*
	 * The other VMAs are other processes': i_mmap_rwsem keeps each in the
	 * tree (so alive) while we unmap from it under its mm's page-table
	 * lock. Linux 6.1 takes it for writing here.
	 */
	i_mmap_lock_write(mapping);
	for (node = interval_tree_iter_first(&mapping->i_mmap, pgoff, pgoff); node;
	     node = interval_tree_iter_next(&mapping->i_mmap, node, pgoff, pgoff)) {
		struct vm_area_struct *iter_vma = container_of(node, struct vm_area_struct, shared_rb);

		if (iter_vma == vma || (iter_vma->vm_flags & VM_MAYSHARE))
			continue;
		/* A VMA that owns a reservation keeps its page: it can always copy. */
		if (!is_vma_resv_set(iter_vma, HPAGE_RESV_OWNER))
			unmap_hugepage_range(iter_vma, address, address + huge_page_size(h), page);
	}
	i_mmap_unlock_write(mapping);
}

/*
 * A write to a read-only huge PTE of a private mapping: copy-on-write
 * (seed 000's hugetlb_cow; Linux 6.1: hugetlb_wp). Called and returns with
 * the index's fault mutex and the huge-PTE lock ptl held; drops ptl to
 * allocate and copy, and both around unmap_ref_private.
 * pagecache_page: the file's page at this index, if any.
 */
static vm_fault_t hugetlb_cow(struct mm_struct *mm, struct vm_area_struct *vma,
			      unsigned long address, pmd_t *ptep,
			      struct page *pagecache_page, spinlock_t *ptl)
{
	struct hstate *h = hstate_vma(vma);
	unsigned long haddr = address & huge_page_mask(h);
	pmd_t pte = huge_ptep_get(ptep);
	struct page *old_page = huge_pte_page(pte), *new_page;
	int outside_reserve = 0;
	vm_fault_t ret = VM_FAULT_OK;

	/* A shared mapping never copies: it was only mapped read-only (Linux 6.1). */
	if (vma->vm_flags & VM_MAYSHARE) {
		set_huge_ptep_writable(vma, haddr, ptep);
		return VM_FAULT_OK;
	}
retry_avoidcopy:
	/* If no one else is actually using this page, avoid the copy and just make it writable. */
	if (page_mapcount(old_page) == 1 && PageAnon(old_page)) {
		page_move_anon_rmap(old_page, vma);
		set_huge_ptep_writable(vma, haddr, ptep);
		return VM_FAULT_OK;
	}
	/*
	 * The owner's copy must not consume a reservation again: the page it
	 * copies took this index's reservation. Only a page of the file
	 * (mapped read-only from the cache) has not.
	 */
	if (is_vma_resv_set(vma, HPAGE_RESV_OWNER) && old_page != pagecache_page)
		outside_reserve = 1;
	get_page(old_page);
	spin_unlock(ptl);	/* the buddy allocator may be called */
	new_page = alloc_huge_page(vma, haddr, outside_reserve);
	if (IS_ERR(new_page)) {
		/*
		 * The owner of a MAP_PRIVATE mapping failed to COW: the page is
		 * shared with children and the pool is empty. To keep the
		 * owner's promise, the children lose the page; they may be
		 * killed if they touch it again.
		 */
		if (outside_reserve) {
			struct address_space *mapping = vma->vm_file->f_mapping;
			u32 hash = hugetlb_fault_mutex_hash(mapping, vma_hugecache_offset(h, vma, haddr));

			put_page(old_page);
			/*
			 * Linux 6.1 drops the fault mutex to unmap (i_mmap_rwsem
			 * comes before it in fs/hugetlbfs's order) and retakes
			 * both; the PTE is rechecked below.
			 */
			mutex_unlock(&hugetlb_fault_mutex_table[hash]);
			unmap_ref_private(mm, vma, old_page, haddr);
			mutex_lock(&hugetlb_fault_mutex_table[hash]);
			spin_lock(ptl);
			ptep = huge_pte_offset(mm, haddr);
			if (ptep && pmd_same(huge_ptep_get(ptep), pte))
				goto retry_avoidcopy;
			return VM_FAULT_OK;	/* someone else changed it: done */
		}
		ret = PTR_ERR(new_page) == -ENOMEM ? VM_FAULT_OOM : VM_FAULT_SIGBUS;
		goto out_release_old;
	}
	/* The original page may be the file's: the mapping has no anon_vma yet. */
	if (anon_vma_prepare(vma)) {
		ret = VM_FAULT_OOM;
		goto out_release_all;
	}
	copy_user_huge_page(new_page, old_page);
	/* Retake the lock to check for racing updates before changing the page table. */
	spin_lock(ptl);
	ptep = huge_pte_offset(mm, haddr);
	if (ptep && pmd_same(huge_ptep_get(ptep), pte)) {
		ClearHPageRestoreReserve(new_page);
		/* Break COW */
		huge_ptep_clear_flush(vma, haddr, ptep);
		set_huge_pte_at(mm, haddr, ptep, make_huge_pte(vma, new_page, true));
		page_remove_compound_rmap(old_page);
		hugepage_add_new_anon_rmap(new_page, vma, haddr);
		new_page = old_page;	/* the old page's PTE reference is the one to drop below */
	}
	spin_unlock(ptl);
out_release_all:
	if (new_page != old_page)
		restore_reserve_on_error(h, vma, haddr, new_page);
	put_page(new_page);
out_release_old:
	put_page(old_page);
	spin_lock(ptl);		/* the caller expects the lock held */
	return ret;
}

/* The file's size in huge pages (Linux: i_size_read; i_pages_lock orders it with the cache). */
static unsigned long hugetlb_file_pages(struct hstate *h, struct address_space *mapping)
{
	return (unsigned long)(READ_ONCE(mapping->host->i_size) >> huge_page_shift(h));
}

/*
 * First touch of a huge page of vma (seed 000's hugetlb_no_page): the
 * file's page if the cache has one, else a new zeroed page from the pool:
 * added to the file's cache for a shared mapping, anonymous for a private
 * one. A write to a private mapping then goes straight on to hugetlb_cow.
 * Called with the index's fault mutex held and no spinlock; returns so.
 *
 * Against truncation (fs/hugetlbfs/inode.c), which first lowers i_size,
 * then unmaps, then empties the cache taking each index's fault mutex:
 * a page enters the cache only below i_size (checked under i_pages_lock,
 * which truncation holds to lower it), and is mapped only below i_size
 * (checked again under the huge-PTE lock, which truncation's unmap takes).
 */
static vm_fault_t hugetlb_no_page(struct mm_struct *mm, struct vm_area_struct *vma,
				  struct address_space *mapping, unsigned long idx,
				  unsigned long address, pmd_t *ptep, unsigned int flags)
{
	struct hstate *h = hstate_vma(vma);
	unsigned long haddr = address & huge_page_mask(h);
	bool anon_rmap = false, new_page = false;
	vm_fault_t ret = VM_FAULT_SIGBUS;
	struct page *page;
	spinlock_t *ptl;

	/*
	 * The owner took this page away when it could not copy it (see
	 * unmap_ref_private): this child has nothing to fault in.
	 */
	if (is_vma_resv_set(vma, HPAGE_RESV_UNMAPPED)) {
		printk_ratelimited(KERN_WARNING "PID %d killed due to inadequate hugepage pool\n", current->pid);
		return VM_FAULT_SIGBUS;
	}
retry:
	page = find_get_huge_page(mapping, idx);	/* its reference is the PTE's */
	if (!page) {
		int err;

		if (idx >= hugetlb_file_pages(h, mapping))
			return VM_FAULT_SIGBUS;		/* past the end of the file */
		page = alloc_huge_page(vma, haddr, 0);
		if (IS_ERR(page))
			return PTR_ERR(page) == -ENOMEM ? VM_FAULT_OOM : VM_FAULT_SIGBUS;
		clear_huge_page(page);
		new_page = true;
		if (vma->vm_flags & VM_MAYSHARE) {
			err = huge_add_to_page_cache(page, mapping, idx, HUGE_CACHE_BELOW_EOF);
			if (err) {
				/* The reservation was not consumed: give it back with the page. */
				restore_reserve_on_error(h, vma, haddr, page);
				put_page(page);
				if (err == -EEXIST)
					goto retry;	/* fallocate put one there first */
				return VM_FAULT_SIGBUS;	/* truncated meanwhile */
			}
		} else {
			if (anon_vma_prepare(vma)) {
				ret = VM_FAULT_OOM;
				goto backout_unlocked;
			}
			anon_rmap = true;
		}
	}
	ptl = huge_pte_lock(mm);
	if (idx >= hugetlb_file_pages(h, mapping)) {
		ret = VM_FAULT_SIGBUS;	/* truncated meanwhile: its unmap has passed here */
		goto backout;
	}
	if (!huge_pte_none(huge_ptep_get(ptep))) {
		ret = VM_FAULT_OK;	/* someone else mapped it first */
		goto backout;
	}
	if (anon_rmap) {
		ClearHPageRestoreReserve(page);
		hugepage_add_new_anon_rmap(page, vma, haddr);
	} else {
		page_dup_compound_rmap(page);	/* Linux: page_dup_file_rmap(page, true) */
	}
	set_huge_pte_at(mm, haddr, ptep,
			make_huge_pte(vma, page, (vma->vm_flags & VM_WRITE) && (vma->vm_flags & VM_SHARED)));
	hugetlb_count_add(pages_per_huge_page(h), mm);
	ret = VM_FAULT_OK;
	if ((flags & FAULT_FLAG_WRITE) && !(vma->vm_flags & VM_SHARED))
		/* Optimization: do the COW without a second fault. */
		ret = hugetlb_cow(mm, vma, address, ptep, page, ptl);
	spin_unlock(ptl);
	return ret;

backout:
	spin_unlock(ptl);
backout_unlocked:
	if (new_page && !(vma->vm_flags & VM_MAYSHARE))
		restore_reserve_on_error(h, vma, haddr, page);
	put_page(page);
	return ret;
}

/*
 * A fault in a hugetlb VMA (Linux: hugetlb_fault; handle_mm_fault sends
 * every fault of a VM_HUGETLB VMA here). The caller checked the access
 * against the VMA and holds mmap_read_lock, no spinlock. Faults on one
 * index of the file are serialized by its fault mutex, so that two CPUs
 * faulting it at once do not both allocate (Linux: "Serialize hugepage
 * allocation and instantiation"); the huge-PTE lock and pmd_same
 * rechecks guard the entry itself.
 */
vm_fault_t hugetlb_fault(struct mm_struct *mm, struct vm_area_struct *vma,
			 unsigned long address, unsigned int flags)
{
	struct hstate *h = hstate_vma(vma);
	unsigned long haddr = address & huge_page_mask(h);
	struct address_space *mapping = vma->vm_file->f_mapping;
	unsigned long idx = vma_hugecache_offset(h, vma, haddr);
	u32 hash = hugetlb_fault_mutex_hash(mapping, idx);
	struct page *pagecache_page = NULL, *page = NULL;
	vm_fault_t ret = VM_FAULT_OK;
	bool need_wait_lock = false;
	spinlock_t *ptl;
	pmd_t *ptep, entry;

	mutex_lock(&hugetlb_fault_mutex_table[hash]);
	ptep = pmd_walk_alloc(mm, haddr);	/* Linux: huge_pte_alloc */
	if (!ptep) {
		ret = VM_FAULT_OOM;
		goto out_mutex;
	}
	entry = huge_ptep_get(ptep);
	if (unlikely(is_hugetlb_entry_migration(entry))) {
		/* The page is migrating: wait for its new huge PTE, then retry the access. */
		mutex_unlock(&hugetlb_fault_mutex_table[hash]);
		migration_entry_wait_huge(vma, ptep);
		return VM_FAULT_OK;
	}
	if (huge_pte_none(entry)) {
		ret = hugetlb_no_page(mm, vma, mapping, idx, address, ptep, flags);
		goto out_mutex;
	}
	VM_BUG_ON(!pmd_huge(entry), "hugetlb vma %lx-%lx: page table at %lx",
		  vma->vm_start, vma->vm_end, haddr);
	/* A COW of a private mapping needs to know whether the page is the file's. */
	if ((flags & FAULT_FLAG_WRITE) && !pmd_write(entry) && !(vma->vm_flags & VM_MAYSHARE))
		pagecache_page = find_get_huge_page(mapping, idx);
	ptl = huge_pte_lock(mm);
	if (!pmd_same(entry, huge_ptep_get(ptep)))
		goto out_ptl;	/* changed under us: the retried access will tell */
	if (flags & FAULT_FLAG_WRITE) {
		if (!pmd_write(entry)) {
			/*
			 * hugetlb_cow decides from the mapcount whether it may
			 * reuse the page; a migration walking the page's mappings
			 * lowers it one at a time, under the page lock. Take that
			 * lock, or wait for the migration to end and retry (Linux
			 * 6.1 hugetlb_fault; the file's own page is locked by
			 * nobody here).
			 */
			page = huge_pte_page(entry);
			if (page != pagecache_page && !trylock_page(page)) {
				need_wait_lock = true;
				goto out_ptl;
			}
			get_page(page);	/* not freed locked, whatever the COW unmaps */
			ret = hugetlb_cow(mm, vma, address, ptep, pagecache_page, ptl);
			if (page != pagecache_page)
				unlock_page(page);
			put_page(page);
			goto out_ptl;
		}
		entry = pmd_mkdirty(entry);
	}
	set_huge_pte_at(mm, haddr, ptep, pmd_mkyoung(entry));
out_ptl:
	spin_unlock(ptl);
	if (pagecache_page)
		put_page(pagecache_page);
out_mutex:
	mutex_unlock(&hugetlb_fault_mutex_table[hash]);
	/*
	 * No reference held: the wait only defers the retried fault until the
	 * migration is over, and a page freed meanwhile just wakes us (Linux).
	 */
	if (need_wait_lock)
		wait_on_page_locked(page);
	return ret;
}

/* ---- migration (Linux 6.1; reference 2.6, docs/migration.md) ---- */

/*
 * A hugetlb page migrates as a THP does, whole, but its target comes from
 * the pool: unmap_and_move_huge_page (mm/migrate.c) takes
 *
 *   alloc_hugetlb_migration_target   a free page of the target node's pool
 *                                    (if the pool has pages nobody reserved),
 *                                    else a temporary page from that node's
 *                                    buddy allocator, else nothing: not moved
 *   hugetlb_try_to_migrate           each huge PTE -> a migration entry
 *   hugetlb_migrate_page             the refcount check, 2 MB copied
 *   hugetlb_remove_migration_ptes    each entry -> a huge PTE of the new page
 *   move_hugetlb_state               the temporary flag moves to the old
 *                                    page, which the last put_page frees to
 *                                    the buddy allocator: the pool's per-node
 *                                    counts move from the old node to the new
 *
 * Only anonymous (MAP_PRIVATE) hugetlb pages: the rmap walk finds them
 * through their anon_vma. A page of a hugetlbfs file's page cache
 * (MAP_SHARED) is not migrated (Linux replaces it in the page cache,
 * hugetlbfs_migrate_folio, and finds its mappings through i_mmap).
 */

/*
 * hugetlb_fault met a migration entry (Linux: migration_entry_wait_huge):
 * sleep on the old page's lock until the migration ends, then the fault is
 * retried. No lock held on entry (mmap_lock may be); none on return.
 */
void migration_entry_wait_huge(struct vm_area_struct *vma, pmd_t *ptep)
{
	spinlock_t *ptl = huge_pte_lock(vma->vm_mm);
	pmd_t pte = huge_ptep_get(ptep);

	if (!is_hugetlb_entry_migration(pte)) {
		spin_unlock(ptl);
		return;
	}
	count_vm_event(PAGODA_MIGRATION_ENTRY_WAIT);
	migration_entry_wait_on_locked(pfn_swap_entry_to_page(pmd_to_swp_entry(pte)), ptl);
}

/*
 * A temporary page fresh from node nid's buddy allocator (Linux 6.1:
 * alloc_migrate_huge_page): counted in the pool's nr_huge_pages of nid
 * while it lives, never as surplus, freed to the buddy allocator by its
 * last put_page. NULL if nid has no free 2 MB block.
 */
static struct page *alloc_migrate_huge_page(struct hstate *h, int nid)
{
	struct page *page = alloc_fresh_huge_page(h, nid);

	if (page)
		SetHPageTemporary(page);
	return page;
}

/*
 * The target of a hugetlb page migrating to node nid (Linux 6.1:
 * alloc_hugetlb_migration_target -> alloc_huge_page_nodemask, with
 * __GFP_THISNODE): a free page of nid's pool if the pool has pages nobody
 * reserved (free > resv, over all nodes, as Linux's available_huge_pages),
 * else a temporary page; refcount 1. NULL if nid has neither: the page is
 * not moved (migrate_pages stops with -ENOMEM).
 */
struct page *alloc_hugetlb_migration_target(struct hstate *h, int nid)
{
	struct page *page = NULL;

	spin_lock(&hugetlb_lock);
	if (h->free_huge_pages > h->resv_huge_pages)
		page = dequeue_huge_page_node_exact(h, nid);
	spin_unlock(&hugetlb_lock);
	if (page)
		return page;
	return alloc_migrate_huge_page(h, nid);
}

/*
 * The target of a hugetlb page that mbind moves (Linux 6.1:
 * alloc_huge_page_vma -> alloc_huge_page_nodemask): by vma's policy at
 * address (huge_node), a free pool page nobody reserved on the nearest
 * allowed node, else a temporary page from the buddy allocator of the
 * nearest allowed node that has 2 MB; NULL: the page is not moved.
 */
struct page *alloc_huge_page_vma(struct hstate *h, struct vm_area_struct *vma, unsigned long address)
{
	struct mempolicy *mpol;
	const nodemask_t *nodemask;
	int nid = huge_node(vma, address, huge_page_shift(h), &mpol, &nodemask);
	const int *fallback = NODE_DATA(nid)->fallback;
	struct page *page = NULL;

	spin_lock(&hugetlb_lock);
	if (h->free_huge_pages > h->resv_huge_pages)
		page = dequeue_huge_page_nodemask(h, nid, nodemask);
	spin_unlock(&hugetlb_lock);
	for (int i = 0; !page && i < MAX_NUMNODES && fallback[i] != NUMA_NO_NODE; i++)
		if (!nodemask || node_isset(fallback[i], *nodemask))
			page = alloc_migrate_huge_page(h, fallback[i]);
	mpol_cond_put(mpol);
	return page;
}

/*
 * After a successful copy (Linux 6.1: move_hugetlb_state): the new page
 * stays in the pool, so a temporary new page hands its flag to the old
 * page, which the buddy allocator gets back when the migration drops it.
 * A surplus count moves with the page, so that the per-node surplus
 * counts still add up to the total.
 */
void move_hugetlb_state(struct page *oldpage, struct page *newpage)
{
	struct hstate *h = &default_hstate;
	int old_nid = page_to_nid(oldpage), new_nid = page_to_nid(newpage);

	if (!HPageTemporary(newpage))
		return;
	SetHPageTemporary(oldpage);
	ClearHPageTemporary(newpage);
	if (old_nid == new_nid)
		return;
	spin_lock(&hugetlb_lock);
	if (h->surplus_huge_pages_node[old_nid]) {
		h->surplus_huge_pages_node[old_nid]--;
		h->surplus_huge_pages_node[new_nid]++;
	}
	spin_unlock(&hugetlb_lock);
}

/*
 * One VMA's huge PTE of hpage -> a migration entry (try_to_migrate_one's
 * hugetlb case): cleared and flushed on every CPU of the mm, then the
 * entry with the write, young and dirty bits; the mapping and its
 * reference go. HugetlbPages keeps counting it. Root anon_vma lock held
 * (rmap_walk); takes the huge-PTE lock.
 */
static bool hugetlb_try_to_migrate_one(struct page *hpage, struct vm_area_struct *vma,
				       unsigned long address, void *arg)
{
	struct mm_struct *mm = vma->vm_mm;
	pmd_t *ptep = huge_pte_offset(mm, address);
	spinlock_t *ptl;
	swp_entry_t entry;
	pmd_t pteval;

	if (!ptep || !is_vm_hugetlb_page(vma))
		return true;
	ptl = huge_pte_lock(mm);
	pteval = huge_ptep_get(ptep);
	if (!pmd_huge(pteval) || is_swap_pmd(pteval) || huge_pte_page(pteval) != hpage)
		goto out;
	pteval = huge_ptep_clear_flush(vma, address, ptep);
	if (pmd_write(pteval))
		entry = make_writable_migration_entry(page_to_pfn(hpage));
	else if (PageAnonExclusive(hpage))
		entry = make_readable_exclusive_migration_entry(page_to_pfn(hpage));
	else
		entry = make_readable_migration_entry(page_to_pfn(hpage));
	if (pmd_young(pteval))
		entry = make_migration_entry_young(entry);
	if (pmd_dirty(pteval))
		entry = make_migration_entry_dirty(entry);
	set_huge_pte_at(mm, address, ptep, swp_entry_to_pmd(entry));
	page_remove_compound_rmap(hpage);
	put_page(hpage);	/* the huge PTE's; the migration holds its own */
out:
	spin_unlock(ptl);
	return true;
}

static bool hugetlb_page_not_mapped(struct page *hpage)
{
	return !page_mapcount(hpage);
}

/*
 * Every huge PTE that maps the locked, isolated anonymous hugetlb page
 * hpage -> a migration entry (Linux 6.1: try_to_migrate of a hugetlb
 * folio). The caller holds hpage's anon_vma.
 */
void hugetlb_try_to_migrate(struct page *hpage)
{
	struct rmap_walk_control rwc = {
		.rmap_one = hugetlb_try_to_migrate_one,
		.done = hugetlb_page_not_mapped,
	};

	VM_BUG_ON(!PageLocked(hpage), "hugetlb pfn %lx: migrating an unlocked page", page_to_pfn(hpage));
	rmap_walk(hpage, &rwc);
}

/*
 * One VMA's migration entry for old -> a huge PTE mapping new
 * (remove_migration_pte's hugetlb case): the protection from
 * vm_page_prot, writable if the entry was and the VMA allows it, young
 * and dirty as the entry kept them; compound_mapcount and a reference on
 * new (Linux: hugepage_add_anon_rmap). No flush: it was not present.
 * Root anon_vma lock held; takes the huge-PTE lock.
 */
static bool hugetlb_remove_migration_pte(struct page *new, struct vm_area_struct *vma,
					 unsigned long address, void *old)
{
	struct mm_struct *mm = vma->vm_mm;
	pmd_t *ptep = huge_pte_offset(mm, address);
	spinlock_t *ptl;
	swp_entry_t entry;
	pmd_t pte;

	if (!ptep || !is_vm_hugetlb_page(vma))
		return true;
	ptl = huge_pte_lock(mm);
	pte = huge_ptep_get(ptep);
	if (!is_hugetlb_entry_migration(pte))
		goto out;
	entry = pmd_to_swp_entry(pte);
	if (pfn_swap_entry_to_page(entry) != old)
		goto out;
	get_page(new);
	pte = pmd_mkold(pmd_mkhuge(pfn_pmd(page_to_pfn(new), vma->vm_page_prot)));
	if (is_writable_migration_entry(entry) && (vma->vm_flags & VM_WRITE))
		pte = pmd_mkwrite(pte);
	if (is_migration_entry_young(entry))
		pte = pmd_mkyoung(pte);
	if (is_migration_entry_dirty(entry))
		pte = pmd_mkdirty(pte);
	atomic_inc(&new[1].compound_mapcount);
	if (is_writable_migration_entry(entry) || is_readable_exclusive_migration_entry(entry))
		SetPageAnonExclusive(new);
	set_huge_pte_at(mm, address, ptep, pte);
out:
	spin_unlock(ptl);
	return true;
}

/*
 * Every migration entry naming src -> a huge PTE of dst: the copy after a
 * success, src itself after a failure (Linux 6.1: remove_migration_ptes
 * of a hugetlb folio). The walk follows dst's anon_vma and index, which
 * hugetlb_migrate_page gave it. src locked.
 */
void hugetlb_remove_migration_ptes(struct page *src, struct page *dst)
{
	struct rmap_walk_control rwc = {
		.rmap_one = hugetlb_remove_migration_pte,
		.arg = src,
	};

	rmap_walk(dst, &rwc);
}

/*
 * Move the unmapped hugetlb page's data to newpage (Linux 6.1:
 * migrate_folio of a hugetlb folio: folio_migrate_mapping, then
 * folio_migrate_copy): only the isolation's reference may be left, else
 * -EAGAIN (a fault holds it: retry). Then the 2 MB, the anon_vma and
 * index, and AnonExclusive. Both pages locked.
 */
int hugetlb_migrate_page(struct page *newpage, struct page *page)
{
	if (page_ref_count(page) != 1)
		return -EAGAIN;
	copy_user_huge_page(newpage, page);
	if (PageAnonExclusive(page))
		SetPageAnonExclusive(newpage);
	newpage->index = page->index;
	WRITE_ONCE(newpage->mapping, page->mapping);
	return 0;
}

/* ---- what /proc and /sys show, and what writing them does ---- */

/* Linux: hugetlb_report_meminfo (default hstate only; Hugetlb: every size). */
void hugetlb_report_meminfo(struct seq_file *m)
{
	struct hstate *h = &default_hstate;

	spin_lock(&hugetlb_lock);
	seq_printf(m, "HugePages_Total:   %5lu\n"
		      "HugePages_Free:    %5lu\n"
		      "HugePages_Rsvd:    %5lu\n"
		      "HugePages_Surp:    %5lu\n"
		      "Hugepagesize:   %8lu kB\n",
		   h->nr_huge_pages, h->free_huge_pages, h->resv_huge_pages,
		   h->surplus_huge_pages, huge_page_size(h) / 1024);
	seq_printf(m, "Hugetlb:        %8lu kB\n", h->nr_huge_pages * (huge_page_size(h) / 1024));
	spin_unlock(&hugetlb_lock);
}

void hugetlb_report_node_meminfo(struct seq_file *m, int nid)
{
	struct hstate *h = &default_hstate;

	spin_lock(&hugetlb_lock);
	seq_printf(m, "Node %d HugePages_Total: %5lu\n"
		      "Node %d HugePages_Free:  %5lu\n"
		      "Node %d HugePages_Surp:  %5lu\n",
		   nid, h->nr_huge_pages_node[nid], nid, h->free_huge_pages_node[nid],
		   nid, h->surplus_huge_pages_node[nid]);
	spin_unlock(&hugetlb_lock);
}

void hugetlb_report_usage(struct seq_file *m, struct mm_struct *mm)
{
	seq_printf(m, "HugetlbPages:\t%8lu kB\n", mm->hugetlb_usage << (PAGE_SHIFT - 10));
}

/* Pool pages in 4 KB units (Linux: hugetlb_total_pages, for the OOM and overcommit checks). */
long hugetlb_total_pages(void)
{
	return default_hstate.nr_huge_pages * pages_per_huge_page(&default_hstate);
}

/* A count written to a pool file: decimal, an optional newline (Linux: kstrtoul). */
static int parse_count(const char *req, unsigned long *count)
{
	const char *end;

	if (*req < '0' || *req > '9')
		return -EINVAL;
	*count = simple_strtoul(req, &end, 10);
	if (*end == '\n')
		end++;
	return *end ? -EINVAL : 0;
}

/* The node of a per-node file, NUMA_NO_NODE for a global one. */
static int pool_file_nid(struct proc_file *pf)
{
	return pf->node.nid >= 0 ? pf->node.nid : NUMA_NO_NODE;
}

/*
 * nr_hugepages: /proc/sys/vm/ shows the persistent pool (max_huge_pages),
 * /sys/kernel/mm/hugepages/ the pool with its surplus, a node's file that
 * node's pages (Linux: hugetlb_sysctl_handler, nr_hugepages_show).
 */
int hugetlb_sysctl_show(struct seq_file *m, struct proc_file *pf)
{
	(void)pf;
	seq_printf(m, "%lu\n", default_hstate.max_huge_pages);
	return 0;
}

int nr_hugepages_show(struct seq_file *m, struct proc_file *pf)
{
	int nid = pool_file_nid(pf);
	struct hstate *h = &default_hstate;

	seq_printf(m, "%lu\n", nid == NUMA_NO_NODE ? h->nr_huge_pages : h->nr_huge_pages_node[nid]);
	return 0;
}

int nr_hugepages_store(struct proc_file *pf, const char *req)
{
	unsigned long count;
	int err = parse_count(req, &count);

	if (err)
		return err;
	if (!hugetlb_enabled)
		return -EINVAL;
	set_max_huge_pages(&default_hstate, count, pool_file_nid(pf));
	return 0;
}

int free_hugepages_show(struct seq_file *m, struct proc_file *pf)
{
	int nid = pool_file_nid(pf);
	struct hstate *h = &default_hstate;

	seq_printf(m, "%lu\n", nid == NUMA_NO_NODE ? h->free_huge_pages : h->free_huge_pages_node[nid]);
	return 0;
}

int surplus_hugepages_show(struct seq_file *m, struct proc_file *pf)
{
	int nid = pool_file_nid(pf);
	struct hstate *h = &default_hstate;

	seq_printf(m, "%lu\n", nid == NUMA_NO_NODE ? h->surplus_huge_pages : h->surplus_huge_pages_node[nid]);
	return 0;
}

int resv_hugepages_show(struct seq_file *m, struct proc_file *pf)
{
	(void)pf;
	seq_printf(m, "%lu\n", default_hstate.resv_huge_pages);
	return 0;
}

int nr_overcommit_hugepages_show(struct seq_file *m, struct proc_file *pf)
{
	(void)pf;
	seq_printf(m, "%lu\n", default_hstate.nr_overcommit_huge_pages);
	return 0;
}

int nr_overcommit_hugepages_store(struct proc_file *pf, const char *req)
{
	unsigned long count;
	int err = parse_count(req, &count);

	(void)pf;
	if (err)
		return err;
	spin_lock(&hugetlb_lock);
	default_hstate.nr_overcommit_huge_pages = count;
	spin_unlock(&hugetlb_lock);
	return 0;
}

/* ---- boot ---- */

static unsigned long boot_hugepages;	/* hugepages=N */

/* Does Pagoda have a pool of huge pages of size bytes (MAP_HUGE_*, hugepagesz=)? */
bool hugetlb_size_supported(unsigned long size)
{
	return size == huge_page_size(&default_hstate);
}

static unsigned long memparse(const char *s)
{
	const char *end;
	unsigned long v = simple_strtoul(s, &end, 0);

	switch (*end) {
	case 'G': case 'g': v <<= 10;	/* fall through */
	case 'M': case 'm': v <<= 10;	/* fall through */
	case 'K': case 'k': v <<= 10;
	}
	return v;
}

/*
 * The command line: hugepagesz=2M (the only size; another is reported and
 * ignored, as Linux does for a size the CPU lacks) and hugepages=N, the
 * boot pool, spread over the nodes. Either may be NULL.
 */
void hugetlb_setup_cmdline(const char *hugepages, const char *hugepagesz)
{
	if (hugepagesz && !hugetlb_size_supported(memparse(hugepagesz))) {
		printk("HugeTLB: unsupported hugepagesz=%s\n", hugepagesz);
		return;
	}
	if (hugepages)
		boot_hugepages = simple_strtoul(hugepages, NULL, 0);
}

/* Boot, after the buddy allocator: the 2 MB hstate, and the pool hugepages= asked for. */
void hugetlb_init(void)
{
	struct hstate *h = &default_hstate;

	for (int i = 0; i < NUM_FAULT_MUTEXES; i++)
		__mutex_init(&hugetlb_fault_mutex_table[i], "hugetlb_fault_mutex_table[]");
	h->order = HPAGE_PMD_ORDER;
	h->mask = ~(huge_page_size(h) - 1);
	for (int nid = 0; nid < MAX_NUMNODES; nid++)
		INIT_LIST_HEAD(&h->hugepage_freelists[nid]);
	snprintf(h->name, sizeof(h->name), "hugepages-%lukB", huge_page_size(h) / 1024);
	hugetlb_enabled = true;
	if (boot_hugepages)
		set_max_huge_pages(h, boot_hugepages, NUMA_NO_NODE);
	if (h->max_huge_pages < boot_hugepages)
		printk("HugeTLB: allocating %lu of page size 2.00 MiB failed.  Only allocated %lu hugepages.\n",
		       boot_hugepages, h->max_huge_pages);
	printk("HugeTLB: registered 2.00 MiB page size, pre-allocated %lu pages\n", h->max_huge_pages);
}
