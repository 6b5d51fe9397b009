/*
 * mm/hugetlb.h: the hugetlb pool and hugetlb mappings (Linux:
 * include/linux/hugetlb.h). The code, and the map of how it fits
 * together, is in mm/hugetlb.c; the file system in fs/hugetlbfs/.
 */
#ifndef _MM_HUGETLB_H
#define _MM_HUGETLB_H

#include <mm/mm.h>
#include <fs/fs.h>
#include <kernel/mutex.h>

/*
 * One size of huge page and its pool (Linux: struct hstate). Pagoda has one,
 * 2 MB (a PMD leaf); x86-64's 1 GB pages would be a second hstate.
 * Every count is (h): guarded by hugetlb_lock.
 */
struct hstate {
	unsigned int order;			/* (c) 9: 512 small pages */
	unsigned long mask;			/* (c) ~(2 MB - 1) */
	unsigned long max_huge_pages;		/* (h) the persistent pool size asked for (nr_hugepages) */
	unsigned long nr_huge_pages;		/* (h) pages in the pool, in use or free, surplus included */
	unsigned long free_huge_pages;		/* (h) on the free lists */
	unsigned long resv_huge_pages;		/* (h) promised to mappings, not yet faulted in */
	unsigned long surplus_huge_pages;	/* (h) allocated beyond max_huge_pages (overcommit) */
	unsigned long nr_overcommit_huge_pages;	/* (h) how many surplus pages may exist */
	int next_nid_to_alloc;			/* (h) round robin over the nodes when growing */
	int next_nid_to_free;			/* (h) and when shrinking */
	struct list_head hugepage_freelists[MAX_NUMNODES];	/* (h) free pages, by page->lru */
	unsigned long nr_huge_pages_node[MAX_NUMNODES];		/* (h) */
	unsigned long free_huge_pages_node[MAX_NUMNODES];	/* (h) */
	unsigned long surplus_huge_pages_node[MAX_NUMNODES];	/* (h) */
	char name[32];				/* (c) "hugepages-2048kB" */
};

extern struct hstate default_hstate;

static inline struct hstate *hstate_vma(struct vm_area_struct *vma) { (void)vma; return &default_hstate; }
static inline struct hstate *hstate_inode(struct inode *inode) { (void)inode; return &default_hstate; }
static inline unsigned long huge_page_size(const struct hstate *h) { return PAGE_SIZE << h->order; }
static inline unsigned long huge_page_mask(const struct hstate *h) { return h->mask; }
static inline unsigned int huge_page_order(const struct hstate *h) { return h->order; }
static inline unsigned int huge_page_shift(const struct hstate *h) { return h->order + PAGE_SHIFT; }
static inline unsigned long pages_per_huge_page(const struct hstate *h) { return 1UL << h->order; }

static inline bool is_vm_hugetlb_page(const struct vm_area_struct *vma)
{
	return vma->vm_flags & VM_HUGETLB;
}

/*
 * vma->vm_private_data of a MAP_PRIVATE hugetlb VMA: its resv_map (the
 * reservations it made at mmap) with these flags in the low bits.
 */
#define HPAGE_RESV_OWNER	(1UL << 0)	/* this VMA made the reservation: the mmap caller, not a fork child */
#define HPAGE_RESV_UNMAPPED	(1UL << 1)	/* the owner took a page back from this child (unmap_ref_private) */
#define HPAGE_RESV_MASK		(HPAGE_RESV_OWNER | HPAGE_RESV_UNMAPPED)

/* The reservation map of a file (shared) or a private mapping: ranges of huge-page indices. */
struct resv_map;
struct resv_map *resv_map_alloc(void);
void resv_map_release(struct resv_map *resv);

extern const struct vm_operations_struct hugetlb_vm_ops;

/* fs/hugetlbfs/inode.c */
extern const struct file_operations hugetlbfs_file_operations;
static inline bool is_file_hugepages(const struct file *file)
{
	return file && file->f_op == &hugetlbfs_file_operations;
}
struct file *hugetlb_file_setup(const char *name, size_t size, unsigned long vm_flags);

/* mm/hugetlb.c: boot, the pool, the report hooks of fs/fs.h */
void hugetlb_init(void);
void hugetlb_setup_cmdline(const char *hugepages, const char *hugepagesz);
bool hugetlb_size_supported(unsigned long size);
long hugetlb_total_pages(void);

/*
 * Faults on one index of one file, and what may race them there
 * (fallocate, truncation, hole punch), take the index's mutex (Linux:
 * hugetlb_fault_mutex_table, hashed by (mapping, idx)).
 */
extern struct mutex hugetlb_fault_mutex_table[];
u32 hugetlb_fault_mutex_hash(struct address_space *mapping, unsigned long idx);

/* mm/hugetlb.c: mappings */
bool hugetlb_reserve_pages(struct inode *inode, long from, long to,
			   struct vm_area_struct *vma, unsigned long vm_flags);
long hugetlb_unreserve_pages(struct inode *inode, long start, long end, long freed);
void hugetlb_fix_reserve_counts(struct inode *inode);
vm_fault_t hugetlb_fault(struct mm_struct *mm, struct vm_area_struct *vma,
			 unsigned long address, unsigned int flags);
int copy_hugetlb_page_range(struct mm_struct *dst, struct mm_struct *src,
			    struct vm_area_struct *dst_vma, struct vm_area_struct *src_vma);
void unmap_hugepage_range(struct vm_area_struct *vma, unsigned long start,
			  unsigned long end, struct page *ref_page);
void hugetlb_change_protection(struct vm_area_struct *vma, unsigned long start,
			       unsigned long end, pgprot_t newprot);
void hugetlb_dup_vma_private(struct vm_area_struct *vma);

/* mm/hugetlb.c: migration (unmap_and_move_huge_page in mm/migrate.c; docs/migration.md) */
void migration_entry_wait_huge(struct vm_area_struct *vma, pmd_t *ptep);
struct page *alloc_hugetlb_migration_target(struct hstate *h, int nid);
struct page *alloc_huge_page_vma(struct hstate *h, struct vm_area_struct *vma, unsigned long address);
void hugetlb_try_to_migrate(struct page *hpage);
int hugetlb_migrate_page(struct page *newpage, struct page *page);
void hugetlb_remove_migration_ptes(struct page *src, struct page *dst);
void move_hugetlb_state(struct page *oldpage, struct page *newpage);
struct page *alloc_huge_page(struct vm_area_struct *vma, unsigned long addr, int avoid_reserve);
struct page *alloc_huge_page_noresv(int nid);
struct page *find_get_huge_page(struct address_space *mapping, unsigned long idx);
enum huge_cache_limit { HUGE_CACHE_ANY, HUGE_CACHE_BELOW_EOF };
int huge_add_to_page_cache(struct page *page, struct address_space *mapping, unsigned long idx,
			   enum huge_cache_limit limit);
void huge_remove_from_page_cache(struct page *page);
void clear_huge_page(struct page *page);
struct page *follow_huge_pmd_page(struct mm_struct *mm, unsigned long addr);

#endif
