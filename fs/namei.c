/*
 * fs/namei.c: path lookup, and mknod and mkdir.
 *
 *   getname          copy the path in (EFAULT, ENAMETOOLONG, ENOENT for "")
 *   path_lookupat    initramfs_walk() with /proc and /sys as an overlay
 *   lookup_at        the same for a *at() call with AT_* flags
 */
#include <fs/fs.h>
#include <fs/internal.h>
#include <kernel/kernel.h>
#include <kernel/errno.h>
#include <kernel/sched.h>
#include <lib/string.h>
#include <arch/x86_64/uaccess.h>
#include <mm/slab.h>

/*
 * Copy a user path in. NULL with *err = -ENOMEM, -EFAULT, -ENAMETOOLONG, or
 * -ENOENT for "" unless flags has LOOKUP_EMPTY. The caller kfree()s the name.
 */
char *getname_flags(const char *upath, unsigned int flags, long *err)
{
	char *name = kmalloc(PATH_MAX, GFP_KERNEL);
	long len;

	*err = -ENOMEM;
	if (!name)
		return NULL;
	len = strncpy_from_user(name, upath, PATH_MAX);
	if (len < 0)
		*err = -EFAULT;
	else if (len >= PATH_MAX)
		*err = -ENAMETOOLONG;
	else if (len == 0 && !(flags & LOOKUP_EMPTY))
		*err = -ENOENT;
	else
		return name;
	kfree(name);
	return NULL;
}

char *getname(const char *upath, long *err)
{
	return getname_flags(upath, 0, err);
}

/* initramfs_walk's overlay: /proc and /sys belong to procfs. */
static int procfs_overlay(const char *path)
{
	struct procfs_node n;

	if (!procfs_owns(path))
		return 0;
	return procfs_lookup(path, &n) ? -ENOENT : (int)(n.stat.mode & S_IFMT);
}

int nameidata_init(struct nameidata *nd)
{
	memset(nd, 0, sizeof(*nd));
	nd->w.path = kmalloc(PATH_MAX, GFP_KERNEL);
	nd->w.rest = kmalloc(PATH_MAX, GFP_KERNEL);
	nd->w.overlay = procfs_overlay;
	return nd->w.path && nd->w.rest ? 0 : -ENOMEM;
}

void nameidata_free(struct nameidata *nd)
{
	kfree(nd->w.path);
	kfree(nd->w.rest);
}

/*
 * Resolve name relative to dfd (ignored for an absolute name, as Linux
 * does even when dfd is not open). Fills nd->stat. nd must be initialized.
 */
int path_lookupat(int dfd, const char *name, unsigned int walk_flags, struct nameidata *nd)
{
	const char *base = NULL;
	int err;

	if (name[0] != '/' && dfd != AT_FDCWD) {
		struct file *df = fcheck(dfd);

		if (!df)
			return -EBADF;
		if (!S_ISDIR(df->f_stat.mode) || !df->f_path)
			return -ENOTDIR;
		base = df->f_path;
	}
	err = initramfs_walk(&nd->w, base, name, walk_flags);
	if (err)
		return err;
	if (nd->w.entry) {
		initramfs_kstat(nd->w.entry, &nd->stat);
		return 0;
	}
	err = procfs_lookup(nd->w.path, &nd->proc);
	nd->stat = nd->proc.stat;
	return err;
}

/*
 * Look a user path up for a *at() call with AT_* flags; fills nd. The
 * caller frees nd with nameidata_free() whatever this returns.
 */
long lookup_at(int dfd, const char *upath, int at_flags, struct nameidata *nd)
{
	long err = nameidata_init(nd);
	char *name;

	if (err)
		return err;
	name = getname_flags(upath, at_flags & AT_EMPTY_PATH ? LOOKUP_EMPTY : 0, &err);
	if (!name)
		return err;
	if (!name[0]) {				/* AT_EMPTY_PATH: dfd itself */
		if (dfd == AT_FDCWD) {
			err = path_lookupat(AT_FDCWD, "/", 0, nd);
		} else {
			struct file *f = fcheck(dfd);

			if (f) {
				nd->stat = f->f_stat;
				nd->w.entry = f->f_entry;
			}
			err = f ? 0 : -EBADF;
		}
	} else {
		err = path_lookupat(dfd, name, (at_flags & AT_SYMLINK_NOFOLLOW) ? 0 : WALK_FOLLOW, nd);
	}
	kfree(name);
	return err;
}

/*
 * mknod and mkdir exist so that Linux-compatible programs (user/init) do
 * not crash: an existing name gives EEXIST, a new one EROFS (the archive
 * is read-only) or what /proc (ENOENT) and /sys (EPERM) say on Linux.
 */
static long do_create(int dfd, const char *upath)
{
	struct nameidata nd;
	long err;
	char *name = getname(upath, &err);

	if (!name)
		return err;
	err = nameidata_init(&nd);
	if (!err)
		err = path_lookupat(dfd, name, 0, &nd);
	if (!err)
		err = -EEXIST;
	else if (err == -ENOENT && nd.w.last_missing)
		err = procfs_owns(nd.w.path) ? procfs_create_error(nd.w.path, CREATE_BY_MKNOD) : -EROFS;
	nameidata_free(&nd);
	kfree(name);
	return err;
}

long sys_mknodat(int dfd, const char *path, int mode, unsigned int dev)
{
	switch (mode & S_IFMT) {		/* may_mknod() */
	case 0: case S_IFREG: case S_IFCHR: case S_IFBLK: case S_IFIFO: case S_IFSOCK:
		break;
	case S_IFDIR:
		return -EPERM;
	default:
		return -EINVAL;
	}
	return do_create(dfd, path);
}

long sys_mknod(const char *path, int mode, unsigned int dev)
{
	return sys_mknodat(AT_FDCWD, path, mode, dev);
}

long sys_mkdirat(int dfd, const char *path, int mode)
{
	return do_create(dfd, path);
}

long sys_mkdir(const char *path, int mode)
{
	return do_create(AT_FDCWD, path);
}
