/*
 * The slab allocator: small objects carved from one-page slabs, and
 * kmalloc on top (Linux: mm/slab_common.c and mm/slub.c, much smaller).
 *
 *   struct kmem_cache "kmalloc-64"
 *     size 64, objects 64 per slab, lock
 *     partial --> slab page <--> slab page      (slabs with free objects)
 *                     |
 *   slab page (struct page, PG_slab):    one 4 KB frame
 *     mapping = the cache               [obj 0][obj 1][obj 2] ... [obj 63]
 *     private = first free object          |      ^ |     ^
 *     index   = objects in use             '------' '-----'  word 0 of a free
 *     lru     = link in cache->partial               object: next free one
 *
 *   Full slabs are on no list. A slab whose last object is freed goes
 *   straight back to the buddy allocator: Linux keeps some, Pagoda keeps
 *   none, so that free memory is exact after every test (the leak check).
 *   kmalloc above KMALLOC_MAX_CACHE_SIZE takes whole pages (a compound page
 *   when order > 0, so kfree finds the order in compound_order()).
 *
 * Lock order:
 *   kmem_cache.lock        partial list, every slab's freelist and index
 *     pg_data_t.lock       (new_slab and discard_slab call the buddy allocator)
 *
 * Start reading at kmem_cache_alloc() and kmem_cache_free(), then kmalloc().
 */
#include <mm/slab.h>
#include <mm/mmzone.h>
#include <kernel/kernel.h>
#include <lib/string.h>
#include <kernel/spinlock.h>

/* Poison free objects (0x6b, word 0 holds the freelist) and check frees against the freelist. */
#ifndef CONFIG_SLUB_DEBUG
#define CONFIG_SLUB_DEBUG 1
#endif
#define POISON_FREE	0x6b

struct kmem_cache {
	const char *name;
	unsigned int object_size;	/* what the creator asked for */
	unsigned int size;		/* object_size rounded up to align: the stride */
	unsigned int align;
	unsigned int objects;		/* per slab */
	spinlock_t lock;		/* protects everything below and the slabs' freelists */
	struct list_head partial;	/* slabs with some objects free */
	unsigned long nr_slabs;		/* slab pages held */
	unsigned long nr_inuse;		/* objects handed out */
	struct list_head list;		/* in slab_caches */
};

static struct kmem_cache kmem_cache_boot;	/* the cache of struct kmem_cache */
static LIST_HEAD(slab_caches);			/* every cache, for gdb and /proc */
static DEFINE_SPINLOCK(slab_caches_lock);
static unsigned long nr_slab_pages;		/* slab pages + kmalloc_large pages */
static bool slab_is_available;

static const unsigned int kmalloc_sizes[] = { 16, 32, 64, 128, 256, 512, 1024, 2048 };
static const char *const kmalloc_names[] = {
	"kmalloc-16", "kmalloc-32", "kmalloc-64", "kmalloc-128",
	"kmalloc-256", "kmalloc-512", "kmalloc-1k", "kmalloc-2k",
};
static struct kmem_cache *kmalloc_caches[ARRAY_SIZE(kmalloc_sizes)];

static inline void slab_pages_add(long nr)
{
	__atomic_add_fetch(&nr_slab_pages, nr, __ATOMIC_RELAXED);
}

/* Pages held by slabs and by kmallocs of whole pages: for /proc/meminfo and the leak check. */
unsigned long slab_pages(void)
{
	return __atomic_load_n(&nr_slab_pages, __ATOMIC_RELAXED);
}

/* ---- objects inside one slab ---- */

static inline void *get_freepointer(void *object)
{
	return *(void **)object;
}

static inline void set_freepointer(void *object, void *next)
{
	*(void **)object = next;
}

/* A free object: junk everywhere but the freelist word. */
static void poison_object(struct kmem_cache *s, void *object)
{
	if (CONFIG_SLUB_DEBUG)
		memset((char *)object + sizeof(void *), POISON_FREE, s->size - sizeof(void *));
}

/* A fresh page becomes a slab of free objects, all on its freelist. Cache lock held. */
static struct page *new_slab(struct kmem_cache *s, gfp_t gfp)
{
	struct page *slab = alloc_pages(gfp & ~(__GFP_ZERO | __GFP_COMP), 0);
	char *base;

	if (!slab)
		return NULL;
	base = page_address(slab);
	for (unsigned int i = 0; i < s->objects; i++) {
		void *object = base + i * s->size;

		poison_object(s, object);
		set_freepointer(object, i + 1 < s->objects ? base + (i + 1) * s->size : NULL);
	}
	SetPageSlab(slab);
	slab->mapping = s;
	slab->private = (unsigned long)base;
	slab->index = 0;
	list_add(&slab->lru, &s->partial);
	s->nr_slabs++;
	slab_pages_add(1);
	return slab;
}

/* The slab's last object came back: return the page to the buddy allocator. Cache lock held. */
static void discard_slab(struct kmem_cache *s, struct page *slab)
{
	ClearPageSlab(slab);
	slab->mapping = NULL;
	slab->private = 0;
	slab->index = 0;
	s->nr_slabs--;
	slab_pages_add(-1);
	__free_pages(slab, 0);
}

/* Take the first free object of a slab on the partial list. Cache lock held. */
static void *slab_alloc_object(struct kmem_cache *s, struct page *slab)
{
	void *object = (void *)slab->private;

	VM_BUG_ON(!object, "%s: slab pfn 0x%lx on the partial list has no free object (%lu in use)",
		  s->name, page_to_pfn(slab), slab->index);
	slab->private = (unsigned long)get_freepointer(object);
	slab->index++;
	s->nr_inuse++;
	if (slab->index == s->objects)
		list_del(&slab->lru);	/* full: off the partial list */
	return object;
}

/*
 * One object from cache s, or NULL when no page is left. __GFP_ZERO
 * clears it. Takes s->lock, and a node lock if a new slab is needed.
 */
void *kmem_cache_alloc(struct kmem_cache *s, gfp_t gfp)
{
	struct page *slab;
	void *object;

	spin_lock(&s->lock);
	if (!list_empty(&s->partial))
		slab = list_first_entry(&s->partial, struct page, lru);
	else
		slab = new_slab(s, gfp);
	if (!slab) {
		spin_unlock(&s->lock);
		return NULL;
	}
	object = slab_alloc_object(s, slab);
	spin_unlock(&s->lock);
	if (gfp & __GFP_ZERO)
		memset(object, 0, s->object_size);
	return object;
}

/* kmem_cache_alloc(), zeroed. */
void *kmem_cache_zalloc(struct kmem_cache *s, gfp_t gfp)
{
	return kmem_cache_alloc(s, gfp | __GFP_ZERO);
}

/* object must be the start of an object of s in a slab page. */
static struct page *virt_to_slab(struct kmem_cache *s, const void *object)
{
	struct page *slab = virt_to_page(object);
	unsigned long offset = (unsigned long)object & (PAGE_SIZE - 1);

	VM_BUG_ON(!PageSlab(slab), "%s: %p is not in a slab (pfn 0x%lx flags 0x%lx)",
		  s->name, object, page_to_pfn(slab), slab->flags);
	VM_BUG_ON(slab->mapping != s, "%s: %p belongs to cache %s",
		  s->name, object, ((struct kmem_cache *)slab->mapping)->name);
	VM_BUG_ON(offset % s->size || offset / s->size >= s->objects,
		  "%s: %p is not the start of an object (offset 0x%lx, size %u)",
		  s->name, object, offset, s->size);
	return slab;
}

/* A double free finds the object already on its slab's freelist. Cache lock held. */
static void check_double_free(struct kmem_cache *s, struct page *slab, const void *object)
{
	if (!CONFIG_SLUB_DEBUG)
		return;
	for (void *p = (void *)slab->private; p; p = get_freepointer(p))
		VM_BUG_ON(p == object, "%s: double free of %p (slab pfn 0x%lx, %lu in use)",
			  s->name, object, page_to_pfn(slab), slab->index);
}

/*
 * Give object back to cache s. A full slab goes back on the partial list;
 * an empty one goes back to the buddy allocator at once.
 */
void kmem_cache_free(struct kmem_cache *s, void *object)
{
	struct page *slab = virt_to_slab(s, object);
	bool was_full;

	spin_lock(&s->lock);
	check_double_free(s, slab, object);
	was_full = slab->index == s->objects;
	poison_object(s, object);
	set_freepointer(object, (void *)slab->private);
	slab->private = (unsigned long)object;
	slab->index--;
	s->nr_inuse--;
	if (slab->index == 0) {
		if (!was_full)
			list_del(&slab->lru);
		discard_slab(s, slab);
	} else if (was_full) {
		list_add(&slab->lru, &s->partial);
	}
	spin_unlock(&s->lock);
}

/* ---- caches ---- */

static void kmem_cache_setup(struct kmem_cache *s, const char *name, size_t size, size_t align)
{
	if (!align)
		align = sizeof(void *);
	VM_BUG_ON(align & (align - 1), "%s: align %lu is not a power of two", name, (unsigned long)align);
	align = max(align, sizeof(void *));
	memset(s, 0, sizeof(*s));
	s->name = name;
	s->object_size = size;
	s->align = align;
	s->size = ALIGN(max(size, sizeof(void *)), align);
	VM_BUG_ON(s->size > PAGE_SIZE, "%s: object size %u does not fit in a one-page slab", name, s->size);
	s->objects = PAGE_SIZE / s->size;
	spin_lock_init(&s->lock);
	INIT_LIST_HEAD(&s->partial);
	spin_lock(&slab_caches_lock);
	list_add_tail(&s->list, &slab_caches);
	spin_unlock(&slab_caches_lock);
}

/* A cache of objects of size bytes aligned to align (0: 8). name must outlive it. */
struct kmem_cache *kmem_cache_create(const char *name, size_t size, size_t align)
{
	struct kmem_cache *s;

	VM_BUG_ON(!slab_is_available, "%s: kmem_cache_create() before kmem_cache_init()", name);
	s = kmem_cache_alloc(&kmem_cache_boot, GFP_KERNEL);
	if (!s)
		return NULL;
	kmem_cache_setup(s, name, size, align);
	return s;
}

/* Free cache s, whose objects must all have been freed (else panics); NULL is ignored. */
void kmem_cache_destroy(struct kmem_cache *s)
{
	if (!s)
		return;
	VM_BUG_ON(s->nr_inuse || s->nr_slabs, "%s: %lu objects still in use in %lu slabs",
		  s->name, s->nr_inuse, s->nr_slabs);
	spin_lock(&slab_caches_lock);
	list_del(&s->list);
	spin_unlock(&slab_caches_lock);
	kmem_cache_free(&kmem_cache_boot, s);
}

/* ---- kmalloc ---- */

static struct kmem_cache *kmalloc_slab(size_t size)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(kmalloc_sizes); i++)
		if (size <= kmalloc_sizes[i])
			return kmalloc_caches[i];
	return NULL;
}

/* Whole pages; a compound page when order > 0, so that kfree() finds the order. */
static void *kmalloc_large(size_t size, gfp_t gfp)
{
	unsigned int order = get_order(size);
	struct page *page;

	if (order >= MAX_ORDER) {
		if (!(gfp & __GFP_NOWARN))
			printk("kmalloc: %lu bytes is more than the largest block\n", (unsigned long)size);
		return NULL;
	}
	page = alloc_pages(gfp | __GFP_COMP, order);
	if (!page)
		return NULL;
	slab_pages_add(1L << order);
	return page_address(page);
}

/*
 * size bytes, aligned to the next power of two up to a page; above
 * KMALLOC_MAX_CACHE_SIZE, whole pages. NULL if out of memory; kmalloc(0)
 * gives ZERO_SIZE_PTR.
 */
void *kmalloc(size_t size, gfp_t gfp)
{
	VM_BUG_ON(!slab_is_available, "kmalloc(%lu) before kmem_cache_init()", (unsigned long)size);
	if (!size)
		return ZERO_SIZE_PTR;
	if (size > KMALLOC_MAX_CACHE_SIZE)
		return kmalloc_large(size, gfp);
	return kmem_cache_alloc(kmalloc_slab(size), gfp);
}

/* kmalloc(), zeroed. */
void *kzalloc(size_t size, gfp_t gfp)
{
	return kmalloc(size, gfp | __GFP_ZERO);
}

static void free_large_kmalloc(struct page *page, const void *object)
{
	unsigned int order = compound_order(page);

	VM_BUG_ON(PageTail(page) || object != page_address(page) || PageReserved(page),
		  "kfree(%p): not memory from kmalloc (pfn 0x%lx flags 0x%lx)",
		  object, page_to_pfn(page), page->flags);
	slab_pages_add(-(1L << order));
	__free_pages(page, order);
}

/* Free what kmalloc() returned: NULL and ZERO_SIZE_PTR are ignored. */
void kfree(const void *object)
{
	struct page *page;

	if (ZERO_OR_NULL_PTR(object))
		return;
	page = virt_to_page(object);
	if (!PageSlab(page)) {
		free_large_kmalloc(page, object);
		return;
	}
	kmem_cache_free(page->mapping, (void *)object);
}

/* After memblock_free_all(): the cache of caches, then the kmalloc caches. */
void kmem_cache_init(void)
{
	kmem_cache_setup(&kmem_cache_boot, "kmem_cache", sizeof(struct kmem_cache), 0);
	slab_is_available = true;
	for (unsigned int i = 0; i < ARRAY_SIZE(kmalloc_sizes); i++) {
		kmalloc_caches[i] = kmem_cache_create(kmalloc_names[i], kmalloc_sizes[i], kmalloc_sizes[i]);
		BUG_ON(!kmalloc_caches[i]);
	}
	printk("SLUB: kmalloc-16 .. kmalloc-2k ready, one page per slab, larger kmallocs take pages\n");
}

/* A kmalloc'd copy of the string s; NULL if out of memory (Linux: kstrdup). */
char *kstrdup(const char *s, gfp_t gfp)
{
	size_t n = strlen(s) + 1;
	char *p = kmalloc(n, gfp);

	if (p)
		memcpy(p, s, n);
	return p;
}
