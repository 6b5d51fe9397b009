/*
 * fs/readdir.c: getdents64. A directory's getdents64 hands each entry to
 * dir_emit(), which packs it as a linux_dirent64 into the user's buffer.
 */
#include <fs/fs.h>
#include <fs/internal.h>
#include <kernel/kernel.h>
#include <kernel/errno.h>
#include <lib/string.h>
#include <arch/x86_64/uaccess.h>

bool dir_emit(struct dir_context *ctx, const char *name, size_t namlen, u64 ino,
	      unsigned int type, loff_t next_pos)
{
	char kbuf[ALIGN(sizeof(struct linux_dirent64) + NAME_MAX + 1, 8)];
	struct linux_dirent64 *d = (struct linux_dirent64 *)kbuf;
	unsigned int reclen = ALIGN(offsetof(struct linux_dirent64, d_name) + namlen + 1, 8);

	if (namlen > NAME_MAX || reclen > ctx->left) {
		if (!ctx->written)
			ctx->error = -EINVAL;	/* the buffer cannot hold even one entry */
		return false;
	}
	memset(kbuf, 0, reclen);
	d->d_ino = ino;
	d->d_off = next_pos;
	d->d_reclen = reclen;
	d->d_type = type;
	memcpy(d->d_name, name, namlen);
	if (copy_to_user(ctx->ubuf, kbuf, reclen)) {
		ctx->error = -EFAULT;
		return false;
	}
	ctx->ubuf += reclen;
	ctx->left -= reclen;
	ctx->written += reclen;
	return true;
}

long dir_context_result(const struct dir_context *ctx)
{
	return ctx->written ? (long)ctx->written : ctx->error;
}

long sys_getdents64(unsigned int fd, struct linux_dirent64 *dirent, unsigned int count)
{
	struct file *f = fcheck_io(fd);

	if (!f)
		return -EBADF;
	if (!f->f_op->getdents64)
		return -ENOTDIR;
	return f->f_op->getdents64(f, dirent, count);
}
