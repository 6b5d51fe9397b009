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

static struct file *do_filp_open(int dfd, const char *name, int flags)
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
		err = create_error(nd.w.path);
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

static long do_sys_open(int dfd, const char *upath, int flags)
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
	f = do_filp_open(dfd, name, flags);
	kfree(name);
	if (IS_ERR(f))
		return PTR_ERR(f);
	fd_install(current, fd, f, flags);
	return fd;
}

long sys_openat(int dfd, const char *path, int flags, int mode)
{
	return do_sys_open(dfd, path, flags);
}

long sys_open(const char *path, int flags, int mode)
{
	return do_sys_open(AT_FDCWD, path, flags);
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
 * access: every task is root, so only the read-only archive (EROFS for
 * W_OK) or a file with no execute bit (EACCES for X_OK) says no. Even a
 * read-only sysfs file passes W_OK, as on Linux: the refusal comes at open.
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
