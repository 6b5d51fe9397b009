/*
 * fs/open.c: open, close, access.
 *
 *   sys_openat(dfd, "/tests", O_RDONLY)
 *     getname            copy the path in (EFAULT, ENAMETOOLONG, ENOENT for "")
 *     get_unused_fd      lowest free slot of the 64 (EMFILE)
 *     do_filp_open
 *       path_lookupat    initramfs_walk() with /proc and /sys as an overlay
 *       may_open         flags against what was found (EISDIR, EROFS, EACCES...)
 *       open by type     console / null / zero, archive file or directory, procfs_open()
 *     fd_install         files[fd] = file, close_on_exec bit from O_CLOEXEC
 *
 * What Pagoda does differently from Linux (each is a choice, documented in
 * docs/files.md): the archive is read-only (open for writing, O_CREAT,
 * mknod, mkdir give EROFS; Linux's rootfs is a writable tmpfs); 64 fds
 * per process (Linux: RLIMIT_NOFILE, 1024); the console answers no tty
 * ioctl (ENOTTY); no current directory (relative paths start at "/").
 */
#include <fs/fs.h>
#include <fs/internal.h>
#include <fs/hugetlbfs/hugetlbfs.h>
#include <kernel/kernel.h>
#include <kernel/errno.h>
#include <kernel/sched.h>
#include <lib/string.h>
#include <arch/x86_64/uaccess.h>
#include <mm/slab.h>

/* O_PATH: a descriptor that only names a file (fstat, dup, *at() dfd). */
static const struct file_operations path_fops;

/* O_CREAT of a name that does not exist: Pagoda creates nothing. */
static long create_error(const char *path)
{
	return procfs_owns(path) ? procfs_create_error(path, CREATE_BY_OPEN) : -EROFS;
}

/*
 * Open an inode of a mount (hugetlbfs): its root directory, or a file,
 * cut to 0 by O_TRUNC (Linux: handle_truncate). The file or an ERR_PTR.
 */
static struct file *open_inode(struct nameidata *nd, int flags, bool wants_write)
{
	struct inode *inode = nd->inode;
	struct file *f;

	if (wants_write && (nd->mnt->mnt_flags & MNT_READONLY))
		return ERR_PTR(-EROFS);
	if (S_ISDIR(inode->i_mode))
		f = hugetlbfs_open_dir(inode, flags);
	else
		f = hugetlbfs_open_inode(inode, flags, nd->w.path);
	if (!f)
		return ERR_PTR(-ENOMEM);
	if ((flags & O_TRUNC) && S_ISREG(inode->i_mode)) {
		int err = do_truncate(inode, 0);

		if (err) {
			fput(f);
			return ERR_PTR(err);
		}
		generic_fillattr(inode, &nd->stat);
	}
	return f;
}

/* Open what nd found; returns the file or an ERR_PTR. */
static struct file *open_found(struct nameidata *nd, int flags)
{
	u32 mode = nd->stat.mode;
	int acc = flags & O_ACCMODE;
	bool wants_write = acc == O_WRONLY || acc == O_RDWR || acc == O_ACCMODE || (flags & O_TRUNC);
	const struct initramfs_entry *e = nd->w.entry;
	const struct chrdev *cd = NULL;
	struct file *f;
	int err;

	if (flags & O_PATH) {
		f = alloc_file(&path_fops, flags & (O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
		if (!f)
			return ERR_PTR(-ENOMEM);
		f->f_mode = FMODE_PATH;
		goto found;
	}
	/* may_open() */
	if (S_ISLNK(mode))
		return ERR_PTR(-ELOOP);			/* O_NOFOLLOW on a symlink */
	if (S_ISDIR(mode) && wants_write)
		return ERR_PTR(-EISDIR);
	if (e && (S_ISREG(mode) || S_ISDIR(mode)) && wants_write)
		return ERR_PTR(-EROFS);
	if (nd->inode) {
		f = open_inode(nd, flags, wants_write);
		if (IS_ERR(f))
			return f;
		goto found;
	}
	if (!e && wants_write && !procfs_may_write(&nd->proc))
		return ERR_PTR(-EACCES);
	if (S_ISCHR(mode)) {
		cd = chrdev_find(nd->stat.rdev);
		if (!cd)
			return ERR_PTR(-ENXIO);
	} else if (!S_ISREG(mode) && !S_ISDIR(mode)) {
		return ERR_PTR(-ENXIO);			/* FIFOs, sockets, block devices: no driver */
	}

	f = alloc_file(NULL, flags);
	if (!f)
		return ERR_PTR(-ENOMEM);
	if (!e) {
		f->f_stat = nd->stat;
		err = procfs_open(f, &nd->proc, nd->w.path);
		if (err) {
			fput(f);
			return ERR_PTR(err);
		}
	} else if (cd) {
		f->f_op = cd->fops;
		f->f_mode |= cd->fmode_extra;
	} else {
		f->f_op = S_ISDIR(mode) ? &initramfs_dir_fops : &initramfs_file_fops;
		f->f_mode |= FMODE_PREAD;
	}
found:
	f->f_stat = nd->stat;
	f->f_entry = e;
	if (S_ISDIR(mode)) {
		f->f_path = kstrdup(nd->w.path, GFP_KERNEL);
		if (!f->f_path) {
			fput(f);
			return ERR_PTR(-ENOMEM);
		}
	}
	return f;
}

/*
 * O_CREAT of a missing name: made in a mount's directory (Linux:
 * lookup_open -> vfs_create), else Pagoda creates nothing. On success nd
 * names the new file, as if it had been found.
 */
static int do_o_creat(struct nameidata *nd, const char *name, int mode)
{
	struct vfsmount *mnt;
	const char *last;
	struct inode *dir = lookup_create_dir(nd->w.path, &mnt, &last), *inode;
	int err;

	if (!dir || !dir->i_op->create)
		return create_error(nd->w.path);
	if (name[strlen(name) - 1] == '/')
		return -EISDIR;			/* "newname/" */
	if (mnt->mnt_flags & MNT_READONLY)
		return -EROFS;
	err = dir->i_op->create(dir, last, (mode & 07777) & ~CURRENT_UMASK, &inode);
	if (err)
		return err;
	nd->mnt = mnt;
	nd->inode = inode;
	generic_fillattr(inode, &nd->stat);
	return 0;
}

static struct file *do_filp_open(int dfd, const char *name, int flags, int mode)
{
	struct nameidata nd;
	unsigned int walk_flags = WALK_FOLLOW;
	struct file *f;
	int err;

	if ((flags & O_NOFOLLOW) || ((flags & O_CREAT) && (flags & O_EXCL)))
		walk_flags = 0;
	err = nameidata_init(&nd);
	if (!err)
		err = path_lookupat(dfd, name, walk_flags, &nd);
	if (err == -ENOENT && nd.w.last_missing && (flags & O_CREAT))
		err = do_o_creat(&nd, name, mode);
	else if (!err && (flags & O_CREAT) && (flags & O_EXCL))
		err = -EEXIST;
	else if (!err && (flags & O_CREAT) && S_ISDIR(nd.stat.mode))
		err = -EISDIR;
	else if (!err && (flags & O_DIRECTORY) && !S_ISDIR(nd.stat.mode))
		err = -ENOTDIR;
	f = err ? ERR_PTR(err) : open_found(&nd, flags);
	nameidata_free(&nd);
	return f;
}

static long do_sys_open(int dfd, const char *upath, int flags, int mode)
{
	struct file *f;
	long err;
	char *name = getname(upath, &err);
	int fd;

	if (!name)
		return err;
	fd = get_unused_fd(current, 0);
	if (fd < 0) {
		kfree(name);
		return fd;
	}
	f = do_filp_open(dfd, name, flags, mode);
	kfree(name);
	if (IS_ERR(f))
		return PTR_ERR(f);
	fd_install(current, fd, f, flags);
	return fd;
}

long sys_openat(int dfd, const char *path, int flags, int mode)
{
	return do_sys_open(dfd, path, flags, mode);
}

long sys_open(const char *path, int flags, int mode)
{
	return do_sys_open(AT_FDCWD, path, flags, mode);
}

long sys_close(unsigned int fd)
{
	return close_fd(current, fd);
}

/* The first process's fds 0, 1 and 2: one /dev/console file, as Linux's console_on_rootfs(). */
void fd_install_console(struct task_struct *t)
{
	const struct initramfs_entry *e = initramfs_find("/dev/console");
	struct file *f = alloc_file(&console_fops, O_RDWR);

	if (!f)
		panic("fd_install_console: out of memory");
	if (e && S_ISCHR(e->mode)) {
		initramfs_kstat(e, &f->f_stat);
		f->f_entry = e;
	} else {
		f->f_stat.mode = S_IFCHR | 0600;
		f->f_stat.rdev = MKDEV(5, 1);
		f->f_stat.dev = ROOTFS_DEV;
		f->f_stat.nlink = 1;
		f->f_stat.blksize = 4096;
	}
	fd_install(t, 0, f, 0);
	fd_install(t, 1, get_file(f), 0);
	fd_install(t, 2, get_file(f), 0);
}

/*
 * access: every task is root, so only the read-only archive or a
 * read-only mount (EROFS for W_OK) or a file with no execute bit (EACCES
 * for X_OK) says no. Even a read-only sysfs file passes W_OK, as on
 * Linux: the refusal comes at open.
 */
long sys_faccessat2(int dfd, const char *path, int mode, int flags)
{
	struct nameidata nd;
	long err;

	if (mode & ~(R_OK | W_OK | X_OK))
		return -EINVAL;
	if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	err = lookup_at(dfd, path, flags, &nd);
	if (!err && (mode & W_OK)) {
		u32 m = nd.stat.mode;

		if (nd.w.entry && (S_ISREG(m) || S_ISDIR(m) || S_ISLNK(m)))
			err = -EROFS;
		else if (nd.mnt && (nd.mnt->mnt_flags & MNT_READONLY))
			err = -EROFS;
	}
	if (!err && (mode & X_OK) && !S_ISDIR(nd.stat.mode) && !(nd.stat.mode & S_IXUGO))
		err = -EACCES;
	nameidata_free(&nd);
	return err;
}

long sys_faccessat(int dfd, const char *path, int mode)
{
	return sys_faccessat2(dfd, path, mode, 0);
}

long sys_access(const char *path, int mode)
{
	return sys_faccessat2(AT_FDCWD, path, mode, 0);
}

/* ---- truncate, ftruncate, fallocate ---- */

/* Set inode's size through its setattr (Linux: do_truncate -> notify_change). */
int do_truncate(struct inode *inode, loff_t length)
{
	struct iattr attr = { .ia_valid = ATTR_SIZE, .ia_size = length };

	if (length < 0)
		return -EINVAL;
	return inode->i_op && inode->i_op->setattr ? inode->i_op->setattr(inode, &attr) : 0;
}

/*
 * truncate(2) (Linux: do_sys_truncate -> vfs_truncate): a directory gives
 * EISDIR, anything but a regular file EINVAL, the archive EROFS. A /proc
 * or /sys file has no size to change: 0, as Linux's proc_setattr says.
 */
long sys_truncate(const char *path, long length)
{
	struct nameidata nd;
	long err;

	if (length < 0)
		return -EINVAL;
	err = lookup_at(AT_FDCWD, path, 0, &nd);
	if (!err && S_ISDIR(nd.stat.mode))
		err = -EISDIR;
	else if (!err && !S_ISREG(nd.stat.mode))
		err = -EINVAL;
	else if (!err && (nd.w.entry || (nd.mnt && (nd.mnt->mnt_flags & MNT_READONLY))))
		err = -EROFS;
	else if (!err && nd.inode)
		err = do_truncate(nd.inode, length);
	nameidata_free(&nd);
	return err;
}

/* ftruncate(2) (Linux: do_sys_ftruncate): a regular file open for writing, else EINVAL. */
long sys_ftruncate(unsigned int fd, long length)
{
	struct file *f;
	u32 mode;

	if (length < 0)
		return -EINVAL;
	f = fcheck_io(fd);
	if (!f)
		return -EBADF;
	mode = f->f_inode ? f->f_inode->i_mode : f->f_stat.mode;
	if (!S_ISREG(mode) || !(f->f_mode & FMODE_WRITE))
		return -EINVAL;
	return f->f_inode ? do_truncate(f->f_inode, length) : 0;
}

/*
 * fallocate(2) with vfs_fallocate()'s checks in Linux 6.1's order, then
 * f_op->fallocate (hugetlbfs: allocate pages, or punch a hole).
 */
long sys_fallocate(unsigned int fd, int mode, loff_t offset, loff_t len)
{
	struct file *f = fcheck_io(fd);
	loff_t end;
	u32 imode;

	if (!f)
		return -EBADF;
	if (offset < 0 || len <= 0)
		return -EINVAL;
	if (mode & ~FALLOC_FL_SUPPORTED_MASK)
		return -EOPNOTSUPP;
	if ((mode & (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE)) == (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE))
		return -EOPNOTSUPP;
	if ((mode & FALLOC_FL_PUNCH_HOLE) && !(mode & FALLOC_FL_KEEP_SIZE))
		return -EOPNOTSUPP;
	if ((mode & FALLOC_FL_COLLAPSE_RANGE) && (mode & ~FALLOC_FL_COLLAPSE_RANGE))
		return -EINVAL;
	if ((mode & FALLOC_FL_INSERT_RANGE) && (mode & ~FALLOC_FL_INSERT_RANGE))
		return -EINVAL;
	if ((mode & FALLOC_FL_UNSHARE_RANGE) && (mode & ~(FALLOC_FL_UNSHARE_RANGE | FALLOC_FL_KEEP_SIZE)))
		return -EINVAL;
	if (!(f->f_mode & FMODE_WRITE))
		return -EBADF;
	imode = f->f_inode ? f->f_inode->i_mode : f->f_stat.mode;
	if (S_ISFIFO(imode))
		return -ESPIPE;
	if (S_ISDIR(imode))
		return -EISDIR;
	if (!S_ISREG(imode) && !S_ISBLK(imode))
		return -ENODEV;
	if (__builtin_add_overflow(offset, len, &end))
		return -EFBIG;		/* wraps through zero; s_maxbytes is LLONG_MAX */
	if (!f->f_op->fallocate)
		return -EOPNOTSUPP;
	return f->f_op->fallocate(f, mode, offset, len);
}
