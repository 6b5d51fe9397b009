/*
 * fs/file_table.c: struct file, the open file that fds point to:
 * alloc_file() makes one with f_count 1, fput() drops a reference and
 * releases it with the last one.
 */
#include <fs/fs.h>
#include <fs/internal.h>
#include <kernel/kernel.h>
#include <mm/slab.h>

struct file *alloc_file(const struct file_operations *fops, unsigned int flags)
{
	struct file *f = kzalloc(sizeof(*f), GFP_KERNEL);

	if (!f)
		return NULL;
	atomic_set(&f->f_count, 1);
	f->f_op = fops;
	/* F_GETFL shows the open flags minus the ones that only act at open time. */
	f->f_flags = (flags & ~(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC)) | O_LARGEFILE;
	f->f_mode = OPEN_FMODE(flags);
	return f;
}

void fput(struct file *f)
{
	if (!atomic_dec_and_test(&f->f_count))
		return;
	if (f->f_op && f->f_op->release)
		f->f_op->release(f);
	kfree(f->f_path);
	kfree(f);
}
