/*
 * The big kernel lock (kernel/smp_lock.h says what it is for). The lock
 * word is a test-and-set spinlock; who holds it is a task (lock_depth),
 * so the spin serves this CPU's function-call IPIs: the holder may be
 * waiting, interrupts off, for this CPU to run a TLB flush.
 */
#include <kernel/smp_lock.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <kernel/kernel.h>
#include <kernel/spinlock.h>
#include <arch/x86_64/processor.h>

static struct {
	int locked;
	int owner_cpu;		/* debug: the CPU whose task holds it */
} kernel_flag = { 0, -1 };

/* BKL under a spinlock: the spinlock's holder could wait for the BKL's. */
static void check_no_spinlock_held(void)
{
	if (CONFIG_DEBUG_SPINLOCK && spinlocks_held[smp_processor_id()] && !lock_report_expected())
		printk("BUG: lock order: kernel_lock taken under %u spinlock(s) on CPU#%d\n",
		       spinlocks_held[smp_processor_id()], smp_processor_id());
}

static bool __kernel_trylock(void)
{
	if (__atomic_exchange_n(&kernel_flag.locked, 1, __ATOMIC_ACQUIRE))
		return false;
	kernel_flag.owner_cpu = smp_processor_id();
	return true;
}

static void __lock_kernel(void)
{
	check_no_spinlock_held();
	while (!__kernel_trylock()) {
		while (__atomic_load_n(&kernel_flag.locked, __ATOMIC_RELAXED)) {
			smp_poll_function_queue();
			cpu_relax();
		}
	}
}

static void __unlock_kernel(void)
{
	if (CONFIG_DEBUG_SPINLOCK && kernel_flag.owner_cpu != smp_processor_id())
		printk("BUG: lock not held: kernel_lock released on CPU#%d, held by CPU#%d\n",
		       smp_processor_id(), kernel_flag.owner_cpu);
	kernel_flag.owner_cpu = -1;
	__atomic_store_n(&kernel_flag.locked, 0, __ATOMIC_RELEASE);
}

void lock_kernel(void)
{
	struct task_struct *t = current;

	/* An interrupt that sees lock_depth > 0 here leaves the lock alone. */
	if (t->lock_depth++ == 0)
		__lock_kernel();
}

void unlock_kernel(void)
{
	struct task_struct *t = current;

	BUG_ON(t->lock_depth <= 0);
	if (--t->lock_depth == 0)
		__unlock_kernel();
}

bool kernel_locked(void)
{
	return current->lock_depth > 0;
}

void release_kernel_lock(struct task_struct *t)
{
	if (t->lock_depth)
		__unlock_kernel();
}

void reacquire_kernel_lock(struct task_struct *t)
{
	if (t->lock_depth)
		__lock_kernel();
}

/* Not if the interrupted task holds it: it may be half-way through a change. */
bool kernel_lock_trylock_irq(void)
{
	return current->lock_depth == 0 && __kernel_trylock();
}

void kernel_lock_unlock_irq(void)
{
	__unlock_kernel();
}
