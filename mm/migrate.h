/*
 * Page migration's interface (Linux include/linux/migrate.h, 6.1): the
 * core in mm/migrate.c, its callers in mm/mempolicy.c (migrate_pages(2),
 * mbind) and move_pages(2).
 *
 *   isolate_lru_page(page)        take the page for one migration (a reference, PG_isolated)
 *   list_add_tail(&page->lru, &pagelist)
 *   migrate_pages(&pagelist, alloc_migration_target, NULL, (unsigned long)&mtc,
 *                 MIGRATE_SYNC, MR_SYSCALL, &nr_succeeded)
 *   putback_movable_pages(&pagelist)   what is left on the list failed
 */
#ifndef _MM_MIGRATE_H
#define _MM_MIGRATE_H

#include <mm/mm.h>
#include <mm/gfp.h>

typedef struct page *new_page_t(struct page *page, unsigned long private);
typedef void free_page_t(struct page *page, unsigned long private);

/* How hard to try (Linux: enum migrate_mode); Pagoda's callers use MIGRATE_SYNC. */
enum migrate_mode {
	MIGRATE_ASYNC,		/* never sleep: a locked page is skipped (-EAGAIN) */
	MIGRATE_SYNC_LIGHT,
	MIGRATE_SYNC,		/* after pass 2, sleep on the page lock */
	MIGRATE_SYNC_NO_COPY,
};

/* Why (Linux: enum migrate_reason; for the trace and the lecture). */
enum migrate_reason {
	MR_COMPACTION,
	MR_MEMORY_FAILURE,
	MR_MEMORY_HOTPLUG,
	MR_SYSCALL,		/* migrate_pages(2), move_pages(2) */
	MR_MEMPOLICY_MBIND,
	MR_NUMA_MISPLACED,
	MR_CONTIG_RANGE,
	MR_LONGTERM_PIN,
	MR_DEMOTION,
	MR_TYPES
};

#define MIGRATEPAGE_SUCCESS	0

/* alloc_migration_target's private (Linux: struct migration_target_control). */
struct migration_target_control {
	int nid;		/* the node to allocate on */
	gfp_t gfp_mask;		/* __GFP_THISNODE: that node or nothing */
};

int migrate_pages(struct list_head *from, new_page_t get_new_page, free_page_t put_new_page,
		  unsigned long private, enum migrate_mode mode, int reason,
		  unsigned int *ret_succeeded);
struct page *alloc_migration_target(struct page *page, unsigned long private);
int migrate_page(struct page *newpage, struct page *page, enum migrate_mode mode);
void migrate_page_copy(struct page *newpage, struct page *page);

int isolate_lru_page(struct page *page);
void putback_lru_page(struct page *page);
void putback_movable_pages(struct list_head *l);

/* The fault path (do_swap_page): wait for the migration a PTE's entry names. */
void migration_entry_wait(struct mm_struct *mm, pmd_t *pmd, unsigned long address);

/* mm/rmap.c */
void try_to_migrate(struct page *page);
void remove_migration_ptes(struct page *src, struct page *dst);

/* mm/filemap.c: queue on src's page lock, drop ptl, sleep (Linux 6.1). */
void migration_entry_wait_on_locked(struct page *page, spinlock_t *ptl);

#endif
