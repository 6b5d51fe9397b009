/*
 * mm/filemap.c: private mappings of a program file (execve's PT_LOAD
 * segments), filled from the file on fault.
 *
 *   vma->vm_image ---> initramfs_entry { data, size }      (fs/initramfs.h)
 *   vma->vm_pgoff      file offset of vm_start, in pages
 *
 *   read fault   -> do_read_fault: a page filled from the file, mapped
 *                   read-only, not anonymous (no anon_vma is needed)
 *   write fault  -> do_cow_fault: a new anonymous page filled from the file
 *   write to a page do_read_fault mapped -> do_wp_page copies it
 *
 * Linux maps the page-cache page itself on a read fault, so every process
 * running the program shares it. Pagoda has no page cache: each read fault
 * gets its own copy, which is freed with its last mapping. What a process
 * sees is the same: a never-written text VMA has only file pages and no
 * anon_vma, and a written data page is an anonymous copy.
 *
 * The page lock lives here too, as in Linux (mm/pagemap.h says how to
 * use it): trylock_page / lock_page / unlock_page / wait_on_page_locked,
 * with hashed wait queues.
 *
 * Lock order: a wait queue's lock is a leaf taken with no other spinlock
 * held (wake_up_process takes rq->lock under it); the fault path takes
 * the page-table lock, and drops it before it waits on a page.
 * Start reading at vm_mmap_file(), then do_fault() in mm/memory.c; for
 * the page lock, at lock_page() in mm/pagemap.h.
 */
#include <mm/mm.h>
#include <mm/internal.h>
#include <mm/pagemap.h>
#include <kernel/sched.h>
#include <kernel/spinlock.h>
#include <kernel/kallsyms.h>
#include <fs/initramfs.h>
#include <lib/string.h>
#include <kernel/kernel.h>

/*
 * Map [start, end) of mm privately onto file from page offset pgoff, as
 * mmap(MAP_PRIVATE | MAP_FIXED) of a file does (Linux: vm_mmap). The range
 * must be free and page-aligned. No page is filled yet. Returns the VMA, or
 * NULL if out of memory.
 */
struct vm_area_struct *vm_mmap_file(struct mm_struct *mm, const struct initramfs_entry *file,
				    unsigned long start, unsigned long end,
				    unsigned long vm_flags, unsigned long pgoff)
{
	struct vm_area_struct *vma = vma_create(mm, start, end, vm_flags & ~VM_SHARED, pgoff);

	if (vma)
		vma->vm_image = file;
	return vma;
}

/*
 * Fill page with the file's bytes at page offset pgoff of vma's file:
 * what a read of the file there returns, zeroes past its end (Linux: the
 * page-cache page that filemap_fault finds or reads). page must be zeroed.
 */
void filemap_fill_page(const struct vm_area_struct *vma, unsigned long pgoff, struct page *page)
{
	const struct initramfs_entry *file = vma->vm_image;
	unsigned long pos = pgoff << PAGE_SHIFT;

	if (pos >= file->size)
		return;
	memcpy(page_address(page), (const u8 *)file->data + pos, min(PAGE_SIZE, file->size - pos));
}

/* ---- the page lock ---- */

/*
 * One sleeper on a page: on its stack, linked in the page's hashed queue
 * while it waits (Linux: struct wait_page_queue). The waker unlinks it
 * before waking it, so an empty list node means "woken, look again".
 */
struct wait_page_queue {
	struct page *page;
	struct task_struct *task;
	struct list_head entry;		/* in page_wait_table[]'s head, under its lock */
};

#define PAGE_WAIT_TABLE_BITS	6
#define PAGE_WAIT_TABLE_SIZE	(1 << PAGE_WAIT_TABLE_BITS)

struct page_wait_head {
	spinlock_t lock;		/* leaf (but for rq->lock in wake_up_process) */
	struct list_head head;		/* struct wait_page_queue of any page hashing here */
};

static struct page_wait_head page_wait_table[PAGE_WAIT_TABLE_SIZE] = {
	[0 ... PAGE_WAIT_TABLE_SIZE - 1] = {
		.lock = __SPIN_LOCK_UNLOCKED_NAMED("page_wait_table", LOCK_ORDER_NONE),
	},
};

static struct page_wait_head *page_waitqueue(const struct page *page)
{
	unsigned long pfn = page_to_pfn(page);
	struct page_wait_head *q = &page_wait_table[(pfn * 0x9e3779b97f4a7c15UL) >> (64 - PAGE_WAIT_TABLE_BITS)];

	/* The list head is made empty at first use: a static initializer cannot point it at itself. */
	if (unlikely(!READ_ONCE(q->head.next))) {
		spin_lock(&q->lock);
		if (!q->head.next)
			INIT_LIST_HEAD(&q->head);
		spin_unlock(&q->lock);
	}
	return q;
}

/*
 * Sleep until PG_locked is clear; with take, until this task has set it
 * (Linux: folio_wait_bit_common, EXCLUSIVE or SHARED). The waiter is
 * queued and its state set before it tests the bit, and unlock_page
 * clears the bit before it looks at the queue: either the test sees the
 * bit clear, or the unlock sees the waiter (both sides have a full
 * barrier between their write and their read). No spinlock held.
 */
static void page_wait_bit_common(struct page *page, bool take)
{
	struct page_wait_head *q = page_waitqueue(page);
	struct wait_page_queue wait = { .page = page, .task = current };

	/* It may sleep: never with a spinlock held (the lock checker's rule for a mutex too). */
	if (CONFIG_DEBUG_SPINLOCK && unlikely(spinlocks_held[smp_processor_id()]) && !lock_report_expected()) {
		printk("BUG: sleeping on the page lock of pfn 0x%lx under a spinlock, CPU#%d %s/%d\n",
		       page_to_pfn(page), smp_processor_id(), current->comm, current->pid);
		dump_backtrace(*(unsigned long *)__builtin_frame_address(0),
			       (unsigned long)__builtin_return_address(0));
	}
	INIT_LIST_HEAD(&wait.entry);
	for (;;) {
		bool done;

		spin_lock(&q->lock);
		if (list_empty(&wait.entry))
			list_add_tail(&wait.entry, &q->head);
		set_current_state(TASK_UNINTERRUPTIBLE);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		done = take ? trylock_page(page) : !PageLocked(page);
		if (done) {
			list_del_init(&wait.entry);
			set_current_state(TASK_RUNNING);
			spin_unlock(&q->lock);
			return;
		}
		spin_unlock(&q->lock);
		schedule();
	}
}

/* lock_page's slow path: the page was locked. */
void __lock_page(struct page *page)
{
	page_wait_bit_common(page, true);
}

/* Sleep until the page is unlocked, without taking the lock (Linux: folio_wait_locked). */
void wait_on_page_locked(struct page *page)
{
	if (PageLocked(page))
		page_wait_bit_common(page, false);
}

/*
 * Release the page lock and wake every task waiting on this page (those
 * that want the lock race for it again with trylock_page). The holder
 * calls it; any context but a spinlock of the same queue.
 */
void unlock_page(struct page *page)
{
	struct page_wait_head *q = page_waitqueue(page);
	struct wait_page_queue *w, *next;

	VM_BUG_ON(!PageLocked(page), "pfn %lx: unlock_page of an unlocked page", page_to_pfn(page));
	__atomic_and_fetch(&page->flags, ~(1UL << PG_locked), __ATOMIC_SEQ_CST);	/* a full barrier */
	if (list_empty(&q->head))
		return;
	spin_lock(&q->lock);
	list_for_each_entry_safe(w, next, &q->head, entry) {
		if (w->page != page)
			continue;
		list_del_init(&w->entry);
		wake_up_process(w->task);
	}
	spin_unlock(&q->lock);
}

/*
 * A fault found a migration entry naming page under ptl (Linux 6.1:
 * migration_entry_wait_on_locked): queue on page's lock, then drop ptl
 * and sleep until the migration unlocks it. No reference on the page is
 * taken (one would make the migration's refcount check fail): while the
 * entry is in a PTE the migration holds the page lock, and it removes its
 * entries under this ptl before unlock_page, so the waiter is queued
 * before the unlock looks at the queue. Called with ptl held, returns
 * without it; the caller retries the fault.
 */
void migration_entry_wait_on_locked(struct page *page, spinlock_t *ptl)
{
	struct page *head = compound_head(page);	/* a THP's subpage: the THP's lock (Linux: the folio's) */
	struct page_wait_head *q = page_waitqueue(head);
	struct wait_page_queue wait = { .page = head, .task = current };

	spin_lock(&q->lock);
	list_add_tail(&wait.entry, &q->head);
	set_current_state(TASK_UNINTERRUPTIBLE);
	spin_unlock(&q->lock);
	spin_unlock(ptl);
	/* As folio_wait_bit: an unlocked page is not waited for (an entry left behind would hang us). */
	if (PageLocked(head))
		schedule();
	spin_lock(&q->lock);
	list_del_init(&wait.entry);	/* still queued if something else woke us */
	set_current_state(TASK_RUNNING);
	spin_unlock(&q->lock);
}
