/*
 * mm/shmem.c: shared anonymous memory (MAP_SHARED|MAP_ANONYMOUS).
 *
 *   vma->vm_shm ---> shmem_object { refcount, pages[pgoff] }
 *   (every VMA that shares the mapping, in every process, points here)
 *
 * Linux backs such a mapping with a file on an internal tmpfs: the pages
 * live in the file's page cache, so whichever process touches a page
 * first, all of them see the same frame. Pagoda keeps only that part: an
 * array of pages indexed by page offset, freed when the last VMA goes.
 * The object holds one reference on each page; each PTE holds another.
 * These pages are not anonymous in the rmap sense (no anon_vma):
 * page->mapping points at the object without PAGE_MAPPING_ANON.
 *
 * Locking: obj->lock (Linux: the xarray lock of the tmpfs file's
 * i_pages) guards pages[]. Two CPUs may fault the same index at once,
 * from two threads or two processes: each looks the index up, and if it
 * is empty allocates a page outside the lock, then installs it under the
 * lock unless the other got there first, in which case it frees its own
 * and uses the other's (Linux: shmem_get_folio -> shmem_add_to_page_cache,
 * -EEXIST). A page never leaves pages[] before the object dies, and the
 * faulting VMA holds the object, so the page returned needs no reference
 * of its own until the caller maps it. Nothing is taken under obj->lock.
 */
#include <mm/mempolicy.h>
#include <mm/shmem.h>
#include <mm/slab.h>
#include <kernel/kernel.h>

struct shmem_object {
	atomic_t refcount;		/* VMAs that point here */
	unsigned long nr_pages;		/* constant */
	spinlock_t lock;		/* guards pages[] */
	struct page *pages[];
};

/* An object of nr_pages (none allocated yet) with one reference; NULL if out of memory. */
struct shmem_object *shmem_object_create(unsigned long nr_pages)
{
	struct shmem_object *obj = kzalloc(sizeof(*obj) + nr_pages * sizeof(struct page *), GFP_KERNEL);

	if (!obj)
		return NULL;
	atomic_set(&obj->refcount, 1);
	obj->nr_pages = nr_pages;
	spin_lock_init(&obj->lock);
	spin_lock_set_order(&obj->lock, LOCK_ORDER_PAGECACHE);
	return obj;
}

/* One more VMA points at obj (vm_area_dup: fork and split). */
void shmem_object_get(struct shmem_object *obj)
{
	atomic_inc(&obj->refcount);
}

/* A VMA that pointed at obj is gone; the last put frees obj and its pages (none may be mapped). */
void shmem_object_put(struct shmem_object *obj)
{
	if (!atomic_dec_and_test(&obj->refcount))
		return;
	for (unsigned long i = 0; i < obj->nr_pages; i++) {
		struct page *page = obj->pages[i];

		if (!page)
			continue;
		VM_BUG_ON(page_mapcount(page) != 0, "shmem pfn %lx still mapped %d times",
			  page_to_pfn(page), page_mapcount(page));
		page->mapping = NULL;
		put_page(page);
	}
	kfree(obj);
}

/* The page at pgoff, or NULL if none yet (Linux: filemap_get_entry). */
static struct page *shmem_find_page(struct shmem_object *obj, unsigned long pgoff)
{
	struct page *page;

	spin_lock(&obj->lock);
	page = obj->pages[pgoff];
	spin_unlock(&obj->lock);
	return page;
}

/*
 * Make page the object's page at pgoff, unless another CPU installed one
 * first: then that one is returned and page is left to the caller to free
 * (Linux: shmem_add_to_page_cache, which fails with -EEXIST).
 */
static struct page *shmem_add_page(struct shmem_object *obj, unsigned long pgoff, struct page *page)
{
	struct page *old;

	spin_lock(&obj->lock);
	old = obj->pages[pgoff];
	if (!old)
		obj->pages[pgoff] = page;
	spin_unlock(&obj->lock);
	return old ? old : page;
}

/*
 * A new page for index pgoff of the object that vma maps, by vma's policy
 * (else the task's) with an interleave by the index, as Linux's pseudo-VMA
 * (shmem_alloc_page: vm_start 0, vm_pgoff the index). Linux keeps mbind's
 * policy of a shmem range in the file, for every mapper (the shared
 * policy); Pagoda keeps it in the VMA that mbind was given (inherited by
 * fork's copies), so another process mapping the same object after its
 * own mmap does not see it.
 */
static struct page *shmem_alloc_page(struct vm_area_struct *vma, unsigned long pgoff)
{
	struct vm_area_struct pvma = {
		.vm_start = 0,
		.vm_end = PAGE_SIZE,
		.vm_pgoff = pgoff,
		.vm_mm = vma->vm_mm,
		.vm_policy = vma->vm_policy,
	};

	return alloc_page_vma(GFP_HIGHUSER_MOVABLE | __GFP_ZERO, &pvma, 0);
}

/*
 * The page at pgoff, allocated zeroed on first use (by vma's policy);
 * NULL on OOM or past the end. The object keeps its own reference: a
 * caller that maps the page takes another. Called with no lock held (the
 * allocation is outside obj->lock); two callers on one index get the same
 * page.
 */
struct page *shmem_get_page(struct shmem_object *obj, unsigned long pgoff, struct vm_area_struct *vma)
{
	struct page *page, *new;

	if (pgoff >= obj->nr_pages)
		return NULL;
	page = shmem_find_page(obj, pgoff);
	if (page)
		return page;
	new = shmem_alloc_page(vma, pgoff);
	if (!new)
		return NULL;
	new->mapping = obj;
	new->index = pgoff;
	page = shmem_add_page(obj, pgoff, new);
	if (page != new) {
		/* Lost the race: use theirs. */
		new->mapping = NULL;
		__free_page(new);
	}
	return page;
}

/* A page of a shared anonymous mapping: page->mapping is its object, not an anon_vma. */
bool page_is_shmem(const struct page *page)
{
	return page->mapping && !PageAnon(page);
}
