/*
 * Force-included (gcc -include) into every file of the host build of the
 * allocator (tests/host/run.sh). It replaces the three things that
 * cannot run in a Linux process, without touching the kernel's headers:
 *
 *   kernel/spinlock.h  cli/sti fault in user mode: a plain flag instead,
 *                      and taking a held lock aborts (a self-deadlock).
 *   percpu.h           smp_processor_id() reads %gs: host_cpu instead.
 *   __va / __pa        the direct map at 0xffff888000000000 is not ours:
 *                      physical address pa lives at host_arena + pa.
 *
 * pgtable.h is included first and its __va/__pa are then redefined, so
 * every later use (page_address, virt_to_page, ...) sees the arena.
 */
#ifndef _HOST_SHIM_H
#define _HOST_SHIM_H

#define _KERNEL_SPINLOCK_H
#define _ARCH_PERCPU_H

#include <kernel/kernel.h>

typedef struct {
	volatile int locked;
	unsigned long saved_flags;
} spinlock_t;

#define __SPIN_LOCK_UNLOCKED { 0, 0 }
#define DEFINE_SPINLOCK(x) spinlock_t x = __SPIN_LOCK_UNLOCKED

__noreturn void host_deadlock(const spinlock_t *lock);

static inline void spin_lock_init(spinlock_t *l) { l->locked = 0; l->saved_flags = 0; }
static inline void spin_lock(spinlock_t *l)
{
	if (l->locked)
		host_deadlock(l);
	l->locked = 1;
}
static inline void spin_unlock(spinlock_t *l)
{
	VM_BUG_ON(!l->locked, "unlocking a lock that is not held (%p)", (void *)l);
	l->locked = 0;
}
static inline bool spin_is_locked(spinlock_t *l) { return l->locked; }
#define spin_lock_set_order(l, o) ((void)(l))	/* the lock-order checker is the kernel's */
#define lockdep_assert_held(l) VM_BUG_ON(!spin_is_locked(l), "lock %s not held", #l)

extern int host_cpu;
static inline int smp_processor_id(void) { return host_cpu; }

#include <arch/x86_64/pgtable.h>

extern unsigned char *host_arena;
#undef __va
#undef __pa
#define __va(pa)	((void *)(host_arena + (unsigned long)(pa)))
#define __pa(va)	((phys_addr_t)((const unsigned char *)(va) - host_arena))

#endif
