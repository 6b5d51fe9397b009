#include <arch/x86_64/uaccess.h>
#include <kernel/errno.h>

long strncpy_from_user(char *dst, const char *usrc, long n)
{
	unsigned long limit;

	if ((unsigned long)usrc >= TASK_SIZE)
		return -EFAULT;
	/* Never read past the end of user space, even looking for the NUL. */
	limit = TASK_SIZE - (unsigned long)usrc;
	if ((unsigned long)n > limit) {
		long r = __strncpy_from_user(dst, usrc, limit);
		return r == (long)limit ? -EFAULT : r;
	}
	return __strncpy_from_user(dst, usrc, n);
}
