/*
 * Fault-safe access to user memory. Every pointer that comes from user space
 * goes through these: an address outside user space (a kernel pointer) is
 * refused before the access, and a fault on an unmapped user address is
 * turned into -EFAULT through the exception table, never into a panic.
 */
#ifndef _ARCH_UACCESS_H
#define _ARCH_UACCESS_H

#include <kernel/types.h>
#include <arch/x86_64/pgtable.h>

static inline bool access_ok(unsigned long addr, unsigned long size)
{
	return size <= TASK_SIZE && addr <= TASK_SIZE - size;
}

/* Return the number of bytes NOT copied: 0 on success. */
unsigned long __copy_user(void *dst, const void *src, unsigned long n);
unsigned long __clear_user(void *dst, unsigned long n);
long __strncpy_from_user(char *dst, const char *src, long n);

static inline unsigned long copy_from_user(void *dst, const void *usrc, unsigned long n)
{
	if (!access_ok((unsigned long)usrc, n))
		return n;
	return __copy_user(dst, usrc, n);
}
static inline unsigned long copy_to_user(void *udst, const void *src, unsigned long n)
{
	if (!access_ok((unsigned long)udst, n))
		return n;
	return __copy_user(udst, src, n);
}
static inline unsigned long clear_user(void *udst, unsigned long n)
{
	if (!access_ok((unsigned long)udst, n))
		return n;
	return __clear_user(udst, n);
}
/*
 * Copy a NUL-terminated string of at most n-1 characters. Returns its length,
 * -EFAULT on a bad pointer, or n if no NUL was found within n bytes.
 */
long strncpy_from_user(char *dst, const char *usrc, long n);

int __futex_atomic_cmpxchg(u32 *uaddr, u32 old, u32 new, u32 *cur);

/* A locked cmpxchg on a user word that another CPU's user code may change at once. */
static inline int futex_atomic_cmpxchg_inatomic(u32 *cur, u32 *uaddr, u32 old, u32 new)
{
	if (!access_ok((unsigned long)uaddr, sizeof(u32)))
		return -14;
	return __futex_atomic_cmpxchg(uaddr, old, new, cur);
}

#define get_user(x, uptr) \
	(copy_from_user(&(x), (uptr), sizeof(*(uptr))) ? -14 : 0)
#define put_user(x, uptr) ({ \
	__typeof__(*(uptr)) __v = (x); \
	copy_to_user((uptr), &__v, sizeof(__v)) ? -14 : 0; })

#endif
