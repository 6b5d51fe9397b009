/*
 * fs/ramfs.c: the files and directories of the initramfs archive, read-only
 * (Linux unpacks the archive into a writable ramfs; Pagoda serves it in place).
 */
#include <fs/fs.h>
#include <fs/internal.h>
#include <kernel/kernel.h>
#include <kernel/errno.h>
#include <lib/string.h>

void initramfs_kstat(const struct initramfs_entry *e, struct kstat *st)
{
	memset(st, 0, sizeof(*st));
	st->ino = initramfs_index(e) + 1;
	st->dev = ROOTFS_DEV;
	st->mode = e->mode;
	st->nlink = e->nlink ? e->nlink : 1;
	st->rdev = e->rdev;
	st->size = e->size;
	st->blksize = 4096;
	st->blocks = DIV_ROUND_UP(e->size, 4096) * 8;
	st->mtime = e->mtime;
}

static ssize_t initramfs_read(struct file *f, char *ubuf, size_t count, loff_t *pos)
{
	return simple_read_from_buffer(ubuf, count, pos, f->f_entry->data, f->f_entry->size);
}

static loff_t initramfs_llseek(struct file *f, loff_t offset, int whence)
{
	return generic_llseek_size(f, offset, whence, f->f_entry->size);
}

const struct file_operations initramfs_file_fops = {
	.read = initramfs_read,
	.llseek = initramfs_llseek,
};

static ssize_t dir_read(struct file *f, char *ubuf, size_t count, loff_t *pos)
{
	return -EISDIR;
}

/*
 * Directory positions: 0 is ".", 1 is "..", 2 + i is the archive entry
 * of table index i. d_off is the position of the next entry.
 */
static long initramfs_getdents64(struct file *f, struct linux_dirent64 *udirent, unsigned int count)
{
	struct dir_context ctx = { .ubuf = (char *)udirent, .left = count };
	const struct initramfs_entry *dir = f->f_entry, *e;
	unsigned long i;

	if (f->f_pos == 0) {
		if (!dir_emit(&ctx, ".", 1, initramfs_index(dir) + 1, DT_DIR, 1))
			goto out;
		f->f_pos = 1;
	}
	if (f->f_pos == 1) {
		if (!dir_emit(&ctx, "..", 2, initramfs_index(initramfs_parent(dir)) + 1, DT_DIR, 2))
			goto out;
		f->f_pos = 2;
	}
	for (i = f->f_pos - 2; (e = initramfs_next_child(dir, &i)); i++) {
		if (!dir_emit(&ctx, e->base, strlen(e->base), i + 1, S_DT(e->mode), i + 3))
			goto out;
		f->f_pos = i + 3;
	}
out:
	return dir_context_result(&ctx);
}

const struct file_operations initramfs_dir_fops = {
	.read = dir_read,
	.llseek = dir_llseek,
	.getdents64 = initramfs_getdents64,
};
