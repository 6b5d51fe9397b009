/*
 * The page lock (Linux include/linux/pagemap.h, mm/filemap.c): PG_locked,
 * taken by whoever changes what a page is (migration: its contents move
 * and its mappings point elsewhere), waited on by whoever must not see it
 * half-way (a fault on a migration entry: migration_entry_wait).
 *
 *   trylock_page(page)          test-and-set PG_locked; never sleeps
 *   lock_page(page)             sleeps until it is ours (TASK_UNINTERRUPTIBLE)
 *   unlock_page(page)           clear PG_locked, wake the page's waiters
 *   wait_on_page_locked(page)   sleep until PG_locked is clear (not taking it)
 *
 * Waiters sleep on one of PAGE_WAIT_TABLE_SIZE hashed queues (Linux:
 * page_wait_table, folio_waitqueue), each with its own spinlock: SMP-safe
 * without the big kernel lock, since the fault path does not hold it.
 * Never lock_page or wait with a spinlock held (they sleep). A page must
 * be unlocked before it is freed (free_page_check reports PG_locked).
 */
#ifndef _MM_PAGEMAP_H
#define _MM_PAGEMAP_H

#include <mm/mm_types.h>

/* True if PG_locked was clear and is now ours (Linux: trylock_page, an acquire). */
static inline bool trylock_page(struct page *page)
{
	return !(__atomic_fetch_or(&page->flags, 1UL << PG_locked, __ATOMIC_ACQUIRE) & (1UL << PG_locked));
}

void __lock_page(struct page *page);
void unlock_page(struct page *page);
void wait_on_page_locked(struct page *page);

/* Take the page lock, sleeping until the holder unlocks it. No spinlock held. */
static inline void lock_page(struct page *page)
{
	if (!trylock_page(page))
		__lock_page(page);
}

#endif
