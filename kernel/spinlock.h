/*
 * Spinlocks, real on SMP: an atomic exchange to take the lock, a release
 * store to drop it (Linux: include/linux/spinlock.h over a test-and-set
 * arch_spinlock_t).
 *
 * Interrupts, as Linux's family:
 *
 *   spin_lock_irqsave(l, flags)   interrupts off on this CPU, the old state
 *   spin_unlock_irqrestore(l, flags)  in flags; the lock of anything an
 *                                 interrupt handler also takes (rq->lock,
 *                                 the IPI call queues, console_lock)
 *   spin_lock_irq / spin_unlock_irq   the same, when the caller knows
 *                                 interrupts were on
 *   spin_lock / spin_unlock       Linux leaves interrupts alone here;
 *                                 Pagoda's still turns them off on this
 *                                 CPU while the lock is held (the state to
 *                                 restore is kept in the lock, which only
 *                                 its holder writes). That is stricter than
 *                                 Linux and never wrong: the non-preemptible
 *                                 kernel relied on it before SMP and the
 *                                 callers have not all been audited for
 *                                 being reachable from an interrupt.
 *
 * A CPU that holds a spinlock must not sleep, and must not wait for
 * another CPU with interrupts off except through smp_call_function_*()
 * (kernel/smp.c), which serves its own call queue while it waits.
 *
 * CONFIG_DEBUG_SPINLOCK (on by default, see the Makefile; Linux's
 * CONFIG_DEBUG_SPINLOCK plus the lockdep_assert_held() part of lockdep)
 * records the owner CPU and checks, in kernel/spinlock.c:
 *   - recursion: taking a lock this CPU already holds ("BUG: spinlock
 *     recursion"), which would otherwise hang the CPU forever;
 *   - unlocking a lock that is free or held by another CPU;
 *   - lockdep_assert_held(l): l is held by this CPU ("BUG: lock not held");
 *   - the lock order written at the top of mm/rmap.c ("BUG: lock order"):
 *     a lock given a level (spin_lock_set_order, DEFINE_SPINLOCK_ORDER)
 *     may not be taken while this CPU holds one of a deeper level, nor
 *     while it holds another of the same level, except with
 *     spin_lock_nested(l, SINGLE_DEPTH_NESTING) (fork's two page-table
 *     locks, Linux's annotation). Locks without a level are not checked.
 * Every report starts with "BUG: spinlock" or "BUG: lock", which
 * tests/run-boot.py counts as a failure of the whole run.
 */
#ifndef _KERNEL_SPINLOCK_H
#define _KERNEL_SPINLOCK_H

#include <kernel/kernel.h>
#include <arch/x86_64/processor.h>
#include <arch/x86_64/percpu.h>
#include <kernel/threads.h>

#ifndef CONFIG_DEBUG_SPINLOCK
#define CONFIG_DEBUG_SPINLOCK 0
#endif

/*
 * The levels of mm/rmap.c's lock order, outermost first (Linux's lockdep
 * learns them; Pagoda states them). A CPU takes them in increasing order.
 */
enum lock_order {
	LOCK_ORDER_NONE,		/* not checked */
	LOCK_ORDER_ANON_VMA,		/* anon_vma->root->lock */
	LOCK_ORDER_PTL,			/* mm->page_table_lock */
	LOCK_ORDER_HUGETLB,		/* hugetlb_lock */
	LOCK_ORDER_PGDAT,		/* pgdat->lock */
	LOCK_ORDER_PAGECACHE,		/* mapping->i_pages_lock, resv_map->lock, shmem's obj->lock: leaves */
	LOCK_ORDER_RQ,			/* rq->lock */
	NR_LOCK_ORDERS
};
#define SINGLE_DEPTH_NESTING	1

typedef struct {
	volatile int locked;
	unsigned long saved_flags;	/* spin_lock's interrupt state, written by the holder */
	int owner_cpu;			/* debug: the holder, -1 when free */
	const char *name;		/* debug: for the reports */
	int order;			/* debug: enum lock_order */
} spinlock_t;

#define __SPIN_LOCK_UNLOCKED_NAMED(n, o) { .locked = 0, .saved_flags = 0, .owner_cpu = -1, .name = n, .order = o }
#define __SPIN_LOCK_UNLOCKED __SPIN_LOCK_UNLOCKED_NAMED(NULL, LOCK_ORDER_NONE)
#define DEFINE_SPINLOCK(x) spinlock_t x = __SPIN_LOCK_UNLOCKED_NAMED(#x, LOCK_ORDER_NONE)
#define DEFINE_SPINLOCK_ORDER(x, o) spinlock_t x = __SPIN_LOCK_UNLOCKED_NAMED(#x, o)

static inline void __spin_lock_init(spinlock_t *l, const char *name)
{
	l->locked = 0;
	l->saved_flags = 0;
	l->owner_cpu = -1;
	l->name = name;
	l->order = LOCK_ORDER_NONE;
}
#define spin_lock_init(l) __spin_lock_init((l), #l)
#define spin_lock_set_order(l, o) ((l)->order = (o))

/* kernel/spinlock.c: the reports (print, backtrace; recursion then panics). */
extern int lock_bugs_expected;	/* self-test: > 0 means count the next reports, do not print them */
extern int lock_bugs_caught;
/* Debug: spinlocks each CPU holds now (mutex_lock must find 0: kernel/mutex.c). */
extern unsigned int spinlocks_held[NR_CPUS];
/* A report the self-test provoked: count it, print nothing (spinlocks, mutexes, rwsems). */
bool lock_report_expected(void);
void spin_bug(spinlock_t *l, const char *msg);
void lock_order_acquire(spinlock_t *l, int subclass);	/* subclass -1: record only (trylock) */
void lock_order_release(spinlock_t *l);
void lock_not_held_bug(spinlock_t *l, const char *expr, const char *file, int line, const char *func);

/* Before spinning: a report beats a hang. */
static inline void debug_spin_lock_before(spinlock_t *l, int subclass)
{
	if (!CONFIG_DEBUG_SPINLOCK)
		return;
	if (unlikely(l->locked && l->owner_cpu == smp_processor_id()))
		spin_bug(l, "recursion");
	if (l->order)
		lock_order_acquire(l, subclass);
}
static inline void debug_spin_lock_after(spinlock_t *l)
{
	if (!CONFIG_DEBUG_SPINLOCK)
		return;
	l->owner_cpu = smp_processor_id();
	spinlocks_held[l->owner_cpu]++;
}
static inline void debug_spin_unlock(spinlock_t *l)
{
	if (!CONFIG_DEBUG_SPINLOCK)
		return;
	if (unlikely(!l->locked))
		spin_bug(l, "already unlocked");
	else if (unlikely(l->owner_cpu != smp_processor_id()))
		spin_bug(l, "wrong CPU");
	else {
		if (l->order)
			lock_order_release(l);
		spinlocks_held[smp_processor_id()]--;
	}
	l->owner_cpu = -1;
}

void smp_poll_function_queue(void);	/* kernel/smp.c */

/*
 * The lock itself; interrupts are the caller's business. While it spins
 * (read-only: no cache-line ping-pong) the CPU serves its function-call
 * IPIs: the holder may wait for this CPU's TLB flush, and Pagoda's
 * spin_lock keeps interrupts off.
 */
static inline void do_raw_spin_lock_nested(spinlock_t *l, int subclass)
{
	debug_spin_lock_before(l, subclass);
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED)) {
			smp_poll_function_queue();
			cpu_relax();
		}
	debug_spin_lock_after(l);
}
static inline void do_raw_spin_lock(spinlock_t *l) { do_raw_spin_lock_nested(l, 0); }
static inline bool do_raw_spin_trylock(spinlock_t *l)
{
	if (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		return false;
	if (CONFIG_DEBUG_SPINLOCK && l->order)
		lock_order_acquire(l, -1);	/* a trylock cannot deadlock: held, not checked */
	debug_spin_lock_after(l);
	return true;
}
static inline void do_raw_spin_unlock(spinlock_t *l)
{
	debug_spin_unlock(l);
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

static inline void spin_lock(spinlock_t *l)
{
	unsigned long flags = local_irq_save();

	do_raw_spin_lock(l);
	l->saved_flags = flags;
}
/* A second lock of l's level, taken knowingly (Linux: spin_lock_nested). */
static inline void spin_lock_nested(spinlock_t *l, int subclass)
{
	unsigned long flags = local_irq_save();

	do_raw_spin_lock_nested(l, subclass);
	l->saved_flags = flags;
}
static inline void spin_unlock(spinlock_t *l)
{
	unsigned long flags = l->saved_flags;

	do_raw_spin_unlock(l);
	local_irq_restore(flags);
}
static inline bool spin_trylock(spinlock_t *l)
{
	unsigned long flags = local_irq_save();

	if (!do_raw_spin_trylock(l)) {
		local_irq_restore(flags);
		return false;
	}
	l->saved_flags = flags;
	return true;
}

#define spin_lock_irqsave(l, flags) do { (flags) = local_irq_save(); do_raw_spin_lock(l); } while (0)
static inline void spin_unlock_irqrestore(spinlock_t *l, unsigned long flags)
{
	do_raw_spin_unlock(l);
	local_irq_restore(flags);
}
static inline void spin_lock_irq(spinlock_t *l)
{
	local_irq_disable();
	do_raw_spin_lock(l);
}
static inline void spin_unlock_irq(spinlock_t *l)
{
	do_raw_spin_unlock(l);
	local_irq_enable();
}

static inline bool spin_is_locked(spinlock_t *l) { return __atomic_load_n(&l->locked, __ATOMIC_RELAXED); }

/* Held by this CPU (debug); without the checker, held by anyone. */
static inline bool spin_is_locked_here(spinlock_t *l)
{
	if (!CONFIG_DEBUG_SPINLOCK)
		return spin_is_locked(l);
	return spin_is_locked(l) && l->owner_cpu == smp_processor_id();
}

/*
 * The caller's contract says l is held: a spinlock by this CPU, a mutex
 * (kernel/mutex.h) by the running task. Linux's lockdep WARNs and goes
 * on; so does this: "BUG: lock not held", then a backtrace.
 */
struct mutex;
bool mutex_is_locked_by_current(struct mutex *m);
void mutex_not_held_bug(struct mutex *m, const char *expr, const char *file, int line, const char *func);

static inline void spin_lockdep_assert_held(spinlock_t *l, const char *expr, const char *file, int line,
					    const char *func)
{
	if (unlikely(!spin_is_locked_here(l)))
		lock_not_held_bug(l, expr, file, line, func);
}
static inline void mutex_lockdep_assert_held(struct mutex *m, const char *expr, const char *file, int line,
					     const char *func)
{
	if (unlikely(!mutex_is_locked_by_current(m)))
		mutex_not_held_bug(m, expr, file, line, func);
}
#define lockdep_assert_held(l) _Generic((l), \
	struct mutex *: mutex_lockdep_assert_held((struct mutex *)(l), #l, __FILE__, __LINE__, __func__), \
	default: spin_lockdep_assert_held((spinlock_t *)(l), #l, __FILE__, __LINE__, __func__))

#endif
