/*
 * fs/stat.c: fstat, newfstatat, stat, lstat, readlinkat: a struct kstat
 * copied out as the x86-64 struct stat.
 */
#include <fs/fs.h>
#include <fs/internal.h>
#include <kernel/kernel.h>
#include <kernel/errno.h>
#include <kernel/sched.h>
#include <lib/string.h>
#include <arch/x86_64/uaccess.h>
#include <mm/slab.h>

static long cp_new_stat(const struct kstat *k, struct stat *ust)
{
	struct stat st;

	memset(&st, 0, sizeof(st));
	st.st_dev = k->dev;
	st.st_ino = k->ino;
	st.st_nlink = k->nlink;
	st.st_mode = k->mode;
	st.st_rdev = k->rdev;
	st.st_size = k->size;
	st.st_blksize = k->blksize;
	st.st_blocks = k->blocks;
	st.st_atime = st.st_mtime = st.st_ctime = k->mtime;
	return copy_to_user(ust, &st, sizeof(st)) ? -EFAULT : 0;
}

/* What stat shows of an inode (Linux: generic_fillattr). */
void generic_fillattr(const struct inode *inode, struct kstat *k)
{
	memset(k, 0, sizeof(*k));
	k->ino = inode->i_ino;
	k->dev = inode->i_dev;
	k->mode = inode->i_mode;
	k->nlink = inode->i_nlink;
	k->size = inode->i_size;
	k->blksize = 1U << inode->i_blkbits;
	k->blocks = inode->i_blocks;
	k->mtime = inode->i_mtime;
}

long sys_fstat(unsigned int fd, struct stat *st)
{
	struct file *f = fcheck(fd);
	struct kstat k;

	if (!f)
		return -EBADF;
	if (!f->f_inode)
		return cp_new_stat(&f->f_stat, st);
	generic_fillattr(f->f_inode, &k);
	return cp_new_stat(&k, st);
}

long sys_newfstatat(int dfd, const char *path, struct stat *st, int flag)
{
	struct nameidata nd;
	long err;

	if (flag & ~(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH))
		return -EINVAL;
	err = lookup_at(dfd, path, flag, &nd);
	if (!err)
		err = cp_new_stat(&nd.stat, st);
	nameidata_free(&nd);
	return err;
}

long sys_stat(const char *path, struct stat *st)
{
	return sys_newfstatat(AT_FDCWD, path, st, 0);
}

long sys_lstat(const char *path, struct stat *st)
{
	return sys_newfstatat(AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW);
}

long sys_readlinkat(int dfd, const char *path, char *buf, int bufsiz)
{
	struct nameidata nd;
	long err;

	if (bufsiz <= 0)
		return -EINVAL;
	err = lookup_at(dfd, path, AT_SYMLINK_NOFOLLOW, &nd);
	if (!err && (!nd.w.entry || !S_ISLNK(nd.stat.mode)))
		err = -EINVAL;
	if (!err) {
		size_t n = min((size_t)bufsiz, nd.w.entry->size);

		err = copy_to_user(buf, nd.w.entry->data, n) ? -EFAULT : (long)n;
	}
	nameidata_free(&nd);
	return err;
}

long sys_readlink(const char *path, char *buf, int bufsiz)
{
	return sys_readlinkat(AT_FDCWD, path, buf, bufsiz);
}
