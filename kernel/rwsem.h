/*
 * Reader/writer semaphores: a sleeping lock that many readers or one
 * writer hold (Linux: include/linux/rwsem.h, kernel/locking/rwsem.c).
 * mm->mmap_lock is one (mm/mm.h: mmap_read_lock and friends).
 *
 *   struct rw_semaphore
 *     wait_lock  spinlock: guards everything below, held only briefly
 *     count      > 0: that many readers hold it; -1: a writer; 0: free
 *     owner      the writer (debug, the assertions), NULL otherwise
 *     wait_list  FIFO of struct rwsem_waiter, each on its sleeper's stack
 *
 * Fairness, as Linux: once a waiter is queued, new lockers queue behind it
 * (down_read does not join the readers while a writer waits), so writers
 * do not starve. A release hands the lock over to the head of the queue:
 * a writer alone, or the readers at the head up to the first writer; the
 * woken task finds the lock already its own (Linux 6.1 also hands it over
 * to readers, though it wakes every queued reader, not just the head's).
 *
 * Sleeping: the waiter is TASK_UNINTERRUPTIBLE and waits for its granted
 * flag, which the releaser sets under wait_lock before wake_up_process().
 * The waiter reads the flag under wait_lock too, so the releaser is done
 * with the waiter (on the waiter's stack) before the waiter can return.
 *
 * Rules (CONFIG_DEBUG_SPINLOCK checks the first two, "BUG: rwsem ..."):
 *   - never down_* while holding a spinlock: it may sleep;
 *   - a task never takes a lock it already holds for writing (nor for
 *     reading: a writer queued in between would deadlock it; not checked);
 *   - up_* from the task that took it (a writer's owner is checked).
 */
#ifndef _KERNEL_RWSEM_H
#define _KERNEL_RWSEM_H

#include <kernel/spinlock.h>
#include <lib/list.h>

struct task_struct;

struct rw_semaphore {
	spinlock_t wait_lock;
	long count;
	struct task_struct *owner;
	struct list_head wait_list;
	const char *name;
};

#define RWSEM_WRITER_LOCKED	(-1L)

#define __RWSEM_INITIALIZER(lockname) { \
	.wait_lock = __SPIN_LOCK_UNLOCKED_NAMED(#lockname ".wait_lock", LOCK_ORDER_NONE), \
	.count = 0, .owner = NULL, \
	.wait_list = LIST_HEAD_INIT((lockname).wait_list), \
	.name = #lockname }
#define DECLARE_RWSEM(name) struct rw_semaphore name = __RWSEM_INITIALIZER(name)

void __init_rwsem(struct rw_semaphore *sem, const char *name);
#define init_rwsem(sem) __init_rwsem((sem), #sem)

void down_read(struct rw_semaphore *sem);
int down_read_trylock(struct rw_semaphore *sem);	/* 1: taken; 0: not (Linux's int) */
void up_read(struct rw_semaphore *sem);
void down_write(struct rw_semaphore *sem);
int down_write_trylock(struct rw_semaphore *sem);
void up_write(struct rw_semaphore *sem);
/* The writer becomes a reader, without a moment unlocked; queued readers join it. */
void downgrade_write(struct rw_semaphore *sem);

/* Held by anyone, in either mode (a hint unless the caller holds it). */
static inline int rwsem_is_locked(struct rw_semaphore *sem)
{
	return __atomic_load_n(&sem->count, __ATOMIC_RELAXED) != 0;
}
/* Held for writing by the current task. */
bool rwsem_is_write_locked_by_current(struct rw_semaphore *sem);

/*
 * Linux's lockdep_assert_held_write / _read / lockdep_assert_held for a
 * rwsem. Without per-task reader tracking, "held" and "held for reading"
 * mean "held by someone in that mode"; "held for writing" means by
 * current. A failure prints "BUG: lock not held" (tests/run-boot.py fails
 * the run) and a backtrace, then goes on, as lockdep.
 */
void rwsem_not_held_bug(struct rw_semaphore *sem, const char *what, const char *file, int line,
			const char *func);
#define lockdep_assert_held_write(sem) do { \
	if (CONFIG_DEBUG_SPINLOCK && unlikely(!rwsem_is_write_locked_by_current(sem))) \
		rwsem_not_held_bug((sem), "for writing", __FILE__, __LINE__, __func__); \
} while (0)
#define lockdep_assert_held_read(sem) do { \
	if (CONFIG_DEBUG_SPINLOCK && unlikely(__atomic_load_n(&(sem)->count, __ATOMIC_RELAXED) <= 0)) \
		rwsem_not_held_bug((sem), "for reading", __FILE__, __LINE__, __func__); \
} while (0)
#define rwsem_assert_held(sem) do { \
	if (CONFIG_DEBUG_SPINLOCK && unlikely(!rwsem_is_locked(sem))) \
		rwsem_not_held_bug((sem), "", __FILE__, __LINE__, __func__); \
} while (0)

#endif
