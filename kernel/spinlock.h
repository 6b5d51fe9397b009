/*
 * Spinlocks. Pagoda runs user code on one CPU today, but every lock is
 * real (an atomic test-and-set, interrupts off while held) so that SMP
 * later only has to start the other CPUs.
 */
#ifndef _KERNEL_SPINLOCK_H
#define _KERNEL_SPINLOCK_H

#include <kernel/kernel.h>
#include <arch/x86_64/processor.h>

typedef struct {
	volatile int locked;
	unsigned long saved_flags;
} spinlock_t;

#define __SPIN_LOCK_UNLOCKED { 0, 0 }
#define DEFINE_SPINLOCK(x) spinlock_t x = __SPIN_LOCK_UNLOCKED

static inline void spin_lock_init(spinlock_t *l) { l->locked = 0; l->saved_flags = 0; }

/* Interrupts stay off while any spinlock is held: the timer never sees a half-updated list. */
static inline void spin_lock(spinlock_t *l)
{
	unsigned long flags = local_irq_save();
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		cpu_relax();
	l->saved_flags = flags;
}
static inline void spin_unlock(spinlock_t *l)
{
	unsigned long flags = l->saved_flags;
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
	local_irq_restore(flags);
}
static inline bool spin_is_locked(spinlock_t *l) { return l->locked; }
#define lockdep_assert_held(l) VM_BUG_ON(!spin_is_locked(l), "lock %s not held", #l)

#endif
