/*
 * drivers/char/mem.c: /dev/null and /dev/zero, and the table of character
 * devices that open() finds by number.
 */
#include <fs/fs.h>
#include <fs/internal.h>
#include <kernel/kernel.h>
#include <kernel/errno.h>
#include <arch/x86_64/uaccess.h>

static ssize_t null_read(struct file *f, char *ubuf, size_t count, loff_t *pos) { return 0; }
static ssize_t null_write(struct file *f, const char *ubuf, size_t count, loff_t *pos) { return count; }
static loff_t null_lseek(struct file *f, loff_t offset, int whence) { return f->f_pos = 0; }

static ssize_t zero_read(struct file *f, char *ubuf, size_t count, loff_t *pos)
{
	size_t left = clear_user(ubuf, count);

	return left == count && count ? -EFAULT : (ssize_t)(count - left);
}

static const struct file_operations null_fops = {
	.read = null_read, .write = null_write, .llseek = null_lseek,
};
static const struct file_operations zero_fops = {
	.read = zero_read, .write = null_write, .llseek = null_lseek,
};

/* Character devices by number (Documentation/admin-guide/devices.txt). */
static const struct chrdev chrdevs[] = {
	{ 1, 3, &null_fops, FMODE_PREAD },
	{ 1, 5, &zero_fops, FMODE_PREAD },
	{ 5, 0, &console_fops, 0 },		/* /dev/tty: the console is every task's tty */
	{ 5, 1, &console_fops, 0 },		/* /dev/console */
};

const struct chrdev *chrdev_find(u32 rdev)
{
	for (size_t i = 0; i < ARRAY_SIZE(chrdevs); i++)
		if (MAJOR(rdev) == chrdevs[i].major && MINOR(rdev) == chrdevs[i].minor)
			return &chrdevs[i];
	return NULL;
}
