/*
 * Sleeping mutexes (Linux: include/linux/mutex.h, kernel/locking/mutex.c).
 *
 *   struct mutex { wait_lock, owner, wait_list }
 *                                     wait_list: struct mutex_waiter on the
 *                                     sleepers' stacks, oldest first
 *
 *   mutex_lock     free and nobody waiting: owner = current. Else queue at
 *                  the tail, sleep TASK_UNINTERRUPTIBLE until mutex_unlock
 *                  hands the mutex over (owner == current), FIFO.
 *   mutex_unlock   no waiter: owner = NULL. Else the first waiter becomes
 *                  the owner, leaves the list, and is woken
 *                  (wake_up_process): no thief can take it in between.
 *   mutex_trylock  takes it only if free and nobody waits; never sleeps.
 *
 * Linux spins on the owner first and lets a running task steal the lock
 * before the woken waiter gets there (then hands off only to a starving
 * waiter). Pagoda always hands off: simpler to follow, and FIFO.
 *
 * A mutex may sleep, so it comes before (outside) every spinlock in the
 * lock order of mm/rmap.c, and is never taken from an interrupt or with a
 * spinlock held. CONFIG_DEBUG_SPINLOCK checks, in kernel/mutex.c:
 *   "BUG: lock sleeping: mutex_lock(NAME) under a spinlock"  this CPU holds a
 *                                    spinlock (Linux: might_sleep's "BUG:
 *                                    sleeping function called from invalid
 *                                    context")
 *   "BUG: lock recursion: mutex NAME"  the task already owns it (then a
 *                                    panic: it would sleep forever)
 *   "BUG: lock not held"             lockdep_assert_held(m) (kernel/spinlock.h)
 *                                    on a mutex current does not own
 *   "BUG: lock unlock of a mutex"    mutex_unlock by a task that does not own it
 */
#ifndef _KERNEL_MUTEX_H
#define _KERNEL_MUTEX_H

#include <kernel/spinlock.h>
#include <lib/list.h>

struct task_struct;

struct mutex {
	spinlock_t wait_lock;		/* guards owner and wait_list; never held while sleeping */
	struct task_struct *owner;	/* NULL when free */
	struct list_head wait_list;	/* struct mutex_waiter, FIFO */
	const char *name;		/* for the reports */
};

/* One sleeper, on its own stack (Linux: struct mutex_waiter). */
struct mutex_waiter {
	struct list_head list;
	struct task_struct *task;
};

#define __MUTEX_INITIALIZER(lockname) { \
	.wait_lock = __SPIN_LOCK_UNLOCKED_NAMED(#lockname ".wait_lock", LOCK_ORDER_NONE), \
	.owner = NULL, \
	.wait_list = LIST_HEAD_INIT((lockname).wait_list), \
	.name = #lockname }
#define DEFINE_MUTEX(m) struct mutex m = __MUTEX_INITIALIZER(m)

void __mutex_init(struct mutex *m, const char *name);
#define mutex_init(m) __mutex_init((m), #m)

void mutex_lock(struct mutex *m);
bool mutex_trylock(struct mutex *m);	/* true: taken */
void mutex_unlock(struct mutex *m);

/* Held by some task (a snapshot, Linux: mutex_is_locked). */
static inline bool mutex_is_locked(struct mutex *m)
{
	return __atomic_load_n(&m->owner, __ATOMIC_RELAXED) != NULL;
}

/* Owned by the running task (lockdep_assert_held on a mutex, kernel/spinlock.h). */
bool mutex_is_locked_by_current(struct mutex *m);

/*
 * The debug check mutex_lock runs before it may sleep (exported for the
 * self-test, tests/kernel/test_mutex.c): the reports above.
 */
void debug_mutex_lock_before(struct mutex *m);

#endif
