/*
 * Sleeping mutexes (kernel/mutex.h; Linux: kernel/locking/mutex.c).
 *
 *   mutex_lock(m)                         mutex_unlock(m)
 *     debug: no spinlock held here,         spin_lock(wait_lock)
 *            not already ours               no waiter: owner = NULL
 *     spin_lock(wait_lock)                  else: first waiter W leaves the
 *     free, nobody waiting: owner = me        list, owner = W->task,
 *     else: queue my waiter at the tail       wake_up_process(W->task)
 *       until owner == me:                  spin_unlock(wait_lock)
 *         TASK_UNINTERRUPTIBLE, drop
 *         wait_lock, schedule(), retake
 *     spin_unlock(wait_lock)
 *
 * No wake-up is lost: the sleeper sets its state while it holds wait_lock,
 * and the unlocker hands over and wakes under the same lock; a wake-up
 * that comes before schedule() sets the state back to TASK_RUNNING, and
 * schedule() then keeps the task (kernel/sched.h). The waiter lives on the
 * sleeper's stack: the unlocker is done with it before it drops wait_lock,
 * and the sleeper cannot leave mutex_lock before it retakes wait_lock.
 *
 * Lock order: wait_lock is innermost but for rq->lock (wake_up_process); a
 * mutex itself comes before every spinlock (mm/rmap.c).
 */
#include <kernel/mutex.h>
#include <kernel/sched.h>
#include <kernel/kernel.h>
#include <kernel/kallsyms.h>

void __mutex_init(struct mutex *m, const char *name)
{
	spin_lock_init(&m->wait_lock);
	m->owner = NULL;
	INIT_LIST_HEAD(&m->wait_list);
	m->name = name;
}

/* ---- the checker's reports (CONFIG_DEBUG_SPINLOCK) ---- */

static void mutex_report(struct mutex *m, const char *what)
{
	struct task_struct *t = current;
	struct task_struct *owner = READ_ONCE(m->owner);

	printk("BUG: lock %s: mutex %s on CPU#%d, %s/%d\n", what, m->name ? m->name : "?",
	       smp_processor_id(), t ? t->comm : "?", t ? t->pid : -1);
	printk(" owner: %s/%d, spinlocks held here: %u\n", owner ? owner->comm : "none",
	       owner ? owner->pid : -1, spinlocks_held[smp_processor_id()]);
	dump_backtrace(*(unsigned long *)__builtin_frame_address(0),
		       (unsigned long)__builtin_return_address(0));
}

/*
 * Before mutex_lock may sleep: no spinlock held on this CPU (it would
 * sleep with interrupts off and the lock held), and not already ours (it
 * would sleep forever: panic after the report).
 */
void debug_mutex_lock_before(struct mutex *m)
{
	if (!CONFIG_DEBUG_SPINLOCK)
		return;
	if (unlikely(spinlocks_held[smp_processor_id()]) && !lock_report_expected())
		mutex_report(m, "sleeping: mutex_lock under a spinlock,");
	if (unlikely(READ_ONCE(m->owner) == current) && !lock_report_expected()) {
		mutex_report(m, "recursion");
		panic("mutex recursion: %s", m->name ? m->name : "?");
	}
}

bool mutex_is_locked_by_current(struct mutex *m)
{
	return READ_ONCE(m->owner) == current;
}

void mutex_not_held_bug(struct mutex *m, const char *expr, const char *file, int line, const char *func)
{
	if (lock_report_expected())
		return;
	printk("BUG: lock not held: %s at %s:%d (%s)\n", expr, file, line, func);
	mutex_report(m, "not held by this task,");
}

/* ---- the lock ---- */

void mutex_lock(struct mutex *m)
{
	struct mutex_waiter waiter = { .task = current };

	debug_mutex_lock_before(m);
	spin_lock(&m->wait_lock);
	if (!m->owner && list_empty(&m->wait_list)) {
		m->owner = current;
		spin_unlock(&m->wait_lock);
		return;
	}
	list_add_tail(&waiter.list, &m->wait_list);
	while (m->owner != current) {
		set_current_state(TASK_UNINTERRUPTIBLE);
		spin_unlock(&m->wait_lock);
		schedule();
		spin_lock(&m->wait_lock);
	}
	set_current_state(TASK_RUNNING);	/* a wake-up that came before schedule() already did */
	spin_unlock(&m->wait_lock);
}

bool mutex_trylock(struct mutex *m)
{
	bool taken = false;

	spin_lock(&m->wait_lock);
	if (!m->owner && list_empty(&m->wait_list)) {
		m->owner = current;
		taken = true;
	}
	spin_unlock(&m->wait_lock);
	return taken;
}

/* Hand m to the oldest waiter, or free it. Only its owner may unlock it. */
void mutex_unlock(struct mutex *m)
{
	struct mutex_waiter *waiter;
	struct task_struct *next;

	spin_lock(&m->wait_lock);
	if (CONFIG_DEBUG_SPINLOCK && unlikely(m->owner != current) && !lock_report_expected())
		mutex_report(m, "unlock of a mutex this task does not own:");
	if (list_empty(&m->wait_list)) {
		m->owner = NULL;
		spin_unlock(&m->wait_lock);
		return;
	}
	waiter = list_first_entry(&m->wait_list, struct mutex_waiter, list);
	next = waiter->task;
	list_del(&waiter->list);
	m->owner = next;
	wake_up_process(next);
	spin_unlock(&m->wait_lock);
}
