/*
 * fs/libfs.c: helpers for file_operations that many files share
 * (Linux: fs/libfs.c).
 */
#include <fs/fs.h>
#include <kernel/kernel.h>
#include <kernel/errno.h>
#include <arch/x86_64/uaccess.h>

ssize_t simple_read_from_buffer(char *ubuf, size_t count, loff_t *pos, const void *from, size_t available)
{
	loff_t p = *pos;
	size_t n, left;

	if (p < 0)
		return -EINVAL;
	if ((size_t)p >= available || !count)
		return 0;
	n = min(count, available - (size_t)p);
	left = copy_to_user(ubuf, (const char *)from + p, n);
	if (left == n)
		return -EFAULT;
	n -= left;
	*pos = p + n;
	return n;
}

/* Seek within a directory: SEEK_SET and SEEK_CUR to a position >= 0 (dcache_dir_lseek). */
loff_t dir_llseek(struct file *f, loff_t offset, int whence)
{
	if (whence == SEEK_CUR)
		offset += f->f_pos;
	else if (whence != SEEK_SET)
		return -EINVAL;
	if (offset < 0)
		return -EINVAL;
	f->f_pos = offset;
	return offset;
}
