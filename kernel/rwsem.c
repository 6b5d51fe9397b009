/*
 * Reader/writer semaphores (kernel/rwsem.h; Linux: kernel/locking/rwsem.c,
 * without its optimistic spinning and lock-free fast paths: every
 * operation takes wait_lock, which is held for a few instructions).
 *
 *   down_read / down_write
 *     -> spin_lock(wait_lock)
 *        free for me and nobody queued?  take it, unlock, return
 *        otherwise queue a struct rwsem_waiter (on this stack) at the tail
 *     -> rwsem_wait: sleep until a releaser has granted it to us
 *
 *   up_read (the last reader) / up_write / downgrade_write
 *     -> rwsem_mark_wake under wait_lock: grant the lock to the head of the
 *        queue (a writer, or the run of readers there), wake them
 *
 * Lock order: wait_lock is taken with no other lock held (down_* may
 * sleep, and up_* is called where down_* was), and wake_up_process takes
 * rq->lock inside it.
 */
#include <kernel/rwsem.h>
#include <kernel/sched.h>
#include <kernel/kernel.h>
#include <kernel/kallsyms.h>

enum rwsem_waiter_type {
	RWSEM_WAITING_FOR_WRITE,
	RWSEM_WAITING_FOR_READ,
};

/* A sleeper, on its own stack; wait_lock guards every field. */
struct rwsem_waiter {
	struct list_head list;		/* in sem->wait_list until granted */
	struct task_struct *task;
	enum rwsem_waiter_type type;
	bool granted;			/* the releaser made us an owner */
};

void __init_rwsem(struct rw_semaphore *sem, const char *name)
{
	spin_lock_init(&sem->wait_lock);
	sem->count = 0;
	sem->owner = NULL;
	INIT_LIST_HEAD(&sem->wait_list);
	sem->name = name;
}

/* ---- the debug reports (CONFIG_DEBUG_SPINLOCK) ---- */

static void rwsem_report_backtrace(void)
{
	dump_backtrace(*(unsigned long *)__builtin_frame_address(0),
		       (unsigned long)__builtin_return_address(0));
}

static void print_current(void)
{
	struct task_struct *t = current;

	printk("%s/%d", t ? t->comm : "?", t ? t->pid : -1);
}

/* The ordered spinlock this CPU holds, if any (the checker counts only those). */
static spinlock_t *spinlock_held_here(void)
{
	struct cpu_info *ci = this_cpu();

	for (int o = 1; o < NR_LOCK_ORDERS; o++)
		if (ci->lock_order_held[o])
			return ci->lock_order_last[o];
	return NULL;
}

/*
 * Before a down_*: sleeping with a spinlock held, or a second lock by the
 * writer that holds it, would hang; a report beats a hang (Linux: might_sleep
 * and lockdep's recursive locking report).
 */
static void rwsem_debug_down(struct rw_semaphore *sem, const char *op)
{
	spinlock_t *held;

	if (!CONFIG_DEBUG_SPINLOCK)
		return;
	held = spinlock_held_here();
	if (unlikely(held) && !lock_report_expected()) {
		printk("BUG: lock held while sleeping: %s(%s) under spinlock %s on CPU#%d, ", op,
		       sem->name ? sem->name : "?", held->name ? held->name : "?", smp_processor_id());
		print_current();
		printk("\n");
		rwsem_report_backtrace();
	}
	if (unlikely(sem->owner && sem->owner == current) && !lock_report_expected()) {
		printk("BUG: lock recursion: %s(%s) by its writer on CPU#%d, ", op,
		       sem->name ? sem->name : "?", smp_processor_id());
		print_current();
		printk("\n");
		rwsem_report_backtrace();
	}
}

/* up_write / downgrade_write by a task that does not hold it for writing. */
static void rwsem_debug_up_write(struct rw_semaphore *sem, const char *op)
{
	if (!CONFIG_DEBUG_SPINLOCK)
		return;
	if (unlikely(sem->count != RWSEM_WRITER_LOCKED || sem->owner != current) &&
	    !lock_report_expected()) {
		printk("BUG: lock not held: %s(%s) count %ld owner %s on CPU#%d, ", op,
		       sem->name ? sem->name : "?", sem->count,
		       sem->owner ? sem->owner->comm : "none", smp_processor_id());
		print_current();
		printk("\n");
		rwsem_report_backtrace();
	}
}

static void rwsem_debug_up_read(struct rw_semaphore *sem)
{
	if (!CONFIG_DEBUG_SPINLOCK)
		return;
	if (unlikely(sem->count <= 0) && !lock_report_expected()) {
		printk("BUG: lock not held: up_read(%s) count %ld on CPU#%d, ",
		       sem->name ? sem->name : "?", sem->count, smp_processor_id());
		print_current();
		printk("\n");
		rwsem_report_backtrace();
	}
}

void rwsem_not_held_bug(struct rw_semaphore *sem, const char *what, const char *file, int line,
			const char *func)
{
	if (lock_report_expected())
		return;
	printk("BUG: lock not held: %s %s at %s:%d (%s) on CPU#%d, ", sem->name ? sem->name : "?", what,
	       file, line, func, smp_processor_id());
	print_current();
	printk("\n count: %ld, owner: %s\n", sem->count, sem->owner ? sem->owner->comm : "none");
	rwsem_report_backtrace();
}

bool rwsem_is_write_locked_by_current(struct rw_semaphore *sem)
{
	return __atomic_load_n(&sem->count, __ATOMIC_RELAXED) == RWSEM_WRITER_LOCKED &&
	       __atomic_load_n(&sem->owner, __ATOMIC_RELAXED) == current;
}

/* ---- granting and waiting ---- */

/* wait_lock held: make w an owner and wake it (it may run on another CPU at once). */
static void rwsem_grant(struct rw_semaphore *sem, struct rwsem_waiter *w)
{
	struct task_struct *task = w->task;

	lockdep_assert_held(&sem->wait_lock);
	list_del(&w->list);
	if (w->type == RWSEM_WAITING_FOR_WRITE) {
		sem->count = RWSEM_WRITER_LOCKED;
		sem->owner = task;
	} else {
		sem->count++;
	}
	w->granted = true;
	wake_up_process(task);	/* before wait_lock is dropped: w stays valid (see rwsem_wait) */
}

/*
 * wait_lock held, the lock just released or downgraded: hand it to the head
 * of the queue. A free lock goes to a writer at the head, or to the readers
 * at the head; readers also join readers that hold it (downgrade_write).
 */
static void rwsem_mark_wake(struct rw_semaphore *sem)
{
	struct rwsem_waiter *w;

	lockdep_assert_held(&sem->wait_lock);
	while (!list_empty(&sem->wait_list)) {
		w = list_first_entry(&sem->wait_list, struct rwsem_waiter, list);
		if (w->type == RWSEM_WAITING_FOR_WRITE) {
			if (sem->count == 0)
				rwsem_grant(sem, w);
			return;		/* a writer is alone; readers behind it wait */
		}
		if (sem->count < 0)
			return;
		rwsem_grant(sem, w);
	}
}

/*
 * wait_lock held on entry, dropped on return: queue as type and sleep until
 * granted. The flag is read, and the task marked asleep, under wait_lock,
 * which rwsem_grant holds while it sets the flag and wakes us: a grant
 * cannot fall between the test and the sleep, and our stack frame outlives
 * the granter's use of w. A wake-up that comes between the unlock and
 * schedule() makes schedule() return at once (kernel/sched.h); a spurious
 * one (a signal's wake_up_process) just loops.
 */
static void rwsem_wait(struct rw_semaphore *sem, enum rwsem_waiter_type type)
{
	struct rwsem_waiter w = { .task = current, .type = type, .granted = false };

	list_add_tail(&w.list, &sem->wait_list);
	while (!w.granted) {
		set_current_state(TASK_UNINTERRUPTIBLE);
		spin_unlock(&sem->wait_lock);
		schedule();
		spin_lock(&sem->wait_lock);
	}
	spin_unlock(&sem->wait_lock);
	set_current_state(TASK_RUNNING);	/* already so (schedule returned: we were woken); as Linux, to be sure */
}

/* ---- the API ---- */

void down_read(struct rw_semaphore *sem)
{
	rwsem_debug_down(sem, "down_read");
	spin_lock(&sem->wait_lock);
	if (sem->count >= 0 && list_empty(&sem->wait_list)) {
		sem->count++;
		spin_unlock(&sem->wait_lock);
		return;
	}
	rwsem_wait(sem, RWSEM_WAITING_FOR_READ);
}

/* Fails if a writer holds it or anyone waits (Linux: RWSEM_READ_FAILED_MASK). */
int down_read_trylock(struct rw_semaphore *sem)
{
	int ret = 0;

	spin_lock(&sem->wait_lock);
	if (sem->count >= 0 && list_empty(&sem->wait_list)) {
		sem->count++;
		ret = 1;
	}
	spin_unlock(&sem->wait_lock);
	return ret;
}

void up_read(struct rw_semaphore *sem)
{
	spin_lock(&sem->wait_lock);
	rwsem_debug_up_read(sem);
	if (sem->count > 0 && --sem->count == 0)
		rwsem_mark_wake(sem);
	spin_unlock(&sem->wait_lock);
}

void down_write(struct rw_semaphore *sem)
{
	rwsem_debug_down(sem, "down_write");
	spin_lock(&sem->wait_lock);
	if (sem->count == 0 && list_empty(&sem->wait_list)) {
		sem->count = RWSEM_WRITER_LOCKED;
		sem->owner = current;
		spin_unlock(&sem->wait_lock);
		return;
	}
	rwsem_wait(sem, RWSEM_WAITING_FOR_WRITE);
}

int down_write_trylock(struct rw_semaphore *sem)
{
	int ret = 0;

	spin_lock(&sem->wait_lock);
	if (sem->count == 0 && list_empty(&sem->wait_list)) {
		sem->count = RWSEM_WRITER_LOCKED;
		sem->owner = current;
		ret = 1;
	}
	spin_unlock(&sem->wait_lock);
	return ret;
}

void up_write(struct rw_semaphore *sem)
{
	spin_lock(&sem->wait_lock);
	rwsem_debug_up_write(sem, "up_write");
	sem->count = 0;
	sem->owner = NULL;
	rwsem_mark_wake(sem);
	spin_unlock(&sem->wait_lock);
}

void downgrade_write(struct rw_semaphore *sem)
{
	spin_lock(&sem->wait_lock);
	rwsem_debug_up_write(sem, "downgrade_write");
	sem->count = 1;
	sem->owner = NULL;
	rwsem_mark_wake(sem);	/* readers at the head join us; a writer there waits */
	spin_unlock(&sem->wait_lock);
}
