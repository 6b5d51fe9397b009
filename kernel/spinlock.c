/*
 * The spinlock checker's reports (CONFIG_DEBUG_SPINLOCK, kernel/spinlock.h;
 * Linux: kernel/locking/spinlock_debug.c and lockdep's lockdep_assert_held).
 *
 *   BUG: spinlock recursion on CPU#0, init/1        then a panic: the CPU
 *    lock: pgdat->lock, .owner_cpu: 0               would spin forever
 *   BUG: spinlock already unlocked on CPU#0, ...    then goes on
 *   BUG: lock not held: &mm->page_table_lock at mm/memory.c:310 (zap_pte_range)
 *
 * Each is followed by a backtrace. tests/run-boot.py fails the run on any
 * "BUG: spinlock" or "BUG: lock" line. printk may be called here with
 * console_lock held by this CPU (a bug found inside printk): vprintk then
 * writes without taking it again.
 */
#include <kernel/spinlock.h>
#include <kernel/kernel.h>
#include <kernel/kallsyms.h>
#include <kernel/sched.h>

/*
 * The checker's own self-test (tests/kernel/test_lockcheck.c) provokes
 * reports on purpose: while lock_bugs_expected > 0 a report only counts in
 * lock_bugs_caught (Linux: debug_locks_silent in lib/locking-selftest.c).
 * Boot runs on one CPU then; nothing else reports meanwhile.
 */
int lock_bugs_expected, lock_bugs_caught;

/* Each CPU writes only its own entry, with interrupts off (a spinlock is being taken or dropped). */
unsigned int spinlocks_held[NR_CPUS];

bool lock_report_expected(void)
{
	if (lock_bugs_expected <= 0)
		return false;
	lock_bugs_expected--;
	lock_bugs_caught++;
	return true;
}

/* Checked in kernel/spinlock.c: the per-CPU arrays hold every level. */
_Static_assert(NR_LOCK_ORDERS <= 8, "cpu_info.lock_order_held is too small");

static void report_backtrace(void)
{
	dump_backtrace(*(unsigned long *)__builtin_frame_address(0),
		       (unsigned long)__builtin_return_address(0));
}

static void print_who(void)
{
	struct task_struct *t = this_cpu()->curr;

	printk("%s/%d", t ? t->comm : "?", t ? t->pid : -1);
}

void spin_bug(spinlock_t *l, const char *msg)
{
	if (lock_report_expected())
		return;
	printk("BUG: spinlock %s on CPU#%d, ", msg, smp_processor_id());
	print_who();
	printk("\n lock: %s (%p), .owner_cpu: %d\n", l->name ? l->name : "?", (void *)l, l->owner_cpu);
	report_backtrace();
	if (l->locked && l->owner_cpu == smp_processor_id())
		panic("spinlock recursion: %s", l->name ? l->name : "?");
}

static void lock_order_bug(spinlock_t *l, spinlock_t *held, const char *why)
{
	if (lock_report_expected())
		return;
	printk("BUG: lock order: %s (level %d) %s on CPU#%d, ", l->name ? l->name : "?", l->order, why,
	       smp_processor_id());
	print_who();
	printk("\n held: %s (level %d); the order is mm/rmap.c's\n", held && held->name ? held->name : "?",
	       held ? held->order : -1);
	report_backtrace();
}

/*
 * l is about to be taken (or was, by a trylock: subclass -1). Interrupts
 * are off: the per-CPU counts belong to this CPU alone.
 */
void lock_order_acquire(spinlock_t *l, int subclass)
{
	struct cpu_info *ci = this_cpu();
	int level = l->order;

	if (subclass >= 0) {
		for (int o = level + 1; o < NR_LOCK_ORDERS; o++)
			if (ci->lock_order_held[o]) {
				lock_order_bug(l, ci->lock_order_last[o], "taken under a deeper lock");
				break;
			}
		if (ci->lock_order_held[level] && !(subclass == SINGLE_DEPTH_NESTING && ci->lock_order_held[level] == 1))
			lock_order_bug(l, ci->lock_order_last[level], "taken under another of its level");
	}
	ci->lock_order_held[level]++;
	ci->lock_order_last[level] = l;
}

void lock_order_release(spinlock_t *l)
{
	struct cpu_info *ci = this_cpu();

	if (ci->lock_order_held[l->order])
		ci->lock_order_held[l->order]--;
}

void lock_not_held_bug(spinlock_t *l, const char *expr, const char *file, int line, const char *func)
{
	if (lock_report_expected())
		return;
	printk("BUG: lock not held: %s at %s:%d (%s) on CPU#%d, ", expr, file, line, func, smp_processor_id());
	print_who();
	printk("\n lock: %s (%p), .locked: %d, .owner_cpu: %d\n", l->name ? l->name : "?", (void *)l,
	       l->locked, l->owner_cpu);
	report_backtrace();
}
