/*
 * fs/namei.c: path lookup, and mknod, mkdir, unlink and rmdir.
 *
 *   getname          copy the path in (EFAULT, ENAMETOOLONG, ENOENT for "")
 *   path_lookupat    initramfs_walk() with the mounts, /proc and /sys as an
 *                    overlay (path_overlay)
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

/*
 * initramfs_walk's overlay: a path on a mount belongs to its file system
 * (fs/namespace.c), /proc and /sys to procfs; the rest to the archive.
 */
static int path_overlay(const char *path)
{
	struct procfs_node n;
	struct vfsmount *mnt;
	const char *rest;

	mnt = lookup_mnt(path, &rest);
	if (mnt) {
		struct inode *inode = mnt_lookup(mnt, rest);

		return inode ? (int)(inode->i_mode & S_IFMT) : -ENOENT;
	}
	if (!procfs_owns(path))
		return 0;
	return procfs_lookup(path, &n) ? -ENOENT : (int)(n.stat.mode & S_IFMT);
}

int nameidata_init(struct nameidata *nd)
{
	memset(nd, 0, sizeof(*nd));
	nd->w.path = kmalloc(PATH_MAX, GFP_KERNEL);
	nd->w.rest = kmalloc(PATH_MAX, GFP_KERNEL);
	nd->w.overlay = path_overlay;
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
	const char *base = NULL, *rest;
	int err;

	nd->mnt = NULL;
	nd->inode = NULL;
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
	nd->mnt = lookup_mnt(nd->w.path, &rest);
	if (nd->mnt) {
		nd->inode = mnt_lookup(nd->mnt, rest);
		if (!nd->inode)
			return -ENOENT;
		generic_fillattr(nd->inode, &nd->stat);
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
				nd->inode = f->f_inode;
				if (f->f_inode)
					generic_fillattr(f->f_inode, &nd->stat);
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
 * The directory of a mount that would hold path's missing last component
 * (hugetlbfs: only a mount's root is a directory), with *mnt its mount and
 * *last the component inside path; NULL when the parent is not a mount's.
 */
struct inode *lookup_create_dir(const char *path, struct vfsmount **mnt, const char **last)
{
	const char *rest;

	*mnt = lookup_mnt(path, &rest);
	if (!*mnt || !*rest || strchr(rest, '/'))
		return NULL;
	*last = rest;
	return (*mnt)->mnt_sb->s_root;
}

/* mknod of a regular file in a mount's directory (Linux: vfs_create); mkdir there: EPERM (no subdirectories). */
static long mnt_create(struct nameidata *nd, int mode, bool is_mkdir)
{
	struct vfsmount *mnt;
	const char *last;
	struct inode *dir = lookup_create_dir(nd->w.path, &mnt, &last), *inode;

	if (!dir)
		return procfs_owns(nd->w.path) ? procfs_create_error(nd->w.path, CREATE_BY_MKNOD) : -EROFS;
	if (mnt->mnt_flags & MNT_READONLY)
		return -EROFS;
	if (is_mkdir || !dir->i_op->create)
		return -EPERM;
	return dir->i_op->create(dir, last, (mode & 07777) & ~CURRENT_UMASK, &inode);
}

/*
 * mknod and mkdir: an existing name gives EEXIST; a new one is made on a
 * hugetlbfs mount (regular files only: other types and directories give
 * EPERM), else EROFS (the archive is read-only) or what /proc (ENOENT)
 * and /sys (EPERM) say on Linux.
 */
static long do_create(int dfd, const char *upath, int mode, bool is_mkdir)
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
		err = mnt_create(&nd, mode, is_mkdir || (mode & S_IFMT) != S_IFREG);
	nameidata_free(&nd);
	kfree(name);
	return err;
}

long sys_mknodat(int dfd, const char *path, int mode, unsigned int dev)
{
	switch (mode & S_IFMT) {		/* may_mknod() */
	case 0:
		mode |= S_IFREG;
		break;
	case S_IFREG: case S_IFCHR: case S_IFBLK: case S_IFIFO: case S_IFSOCK:
		break;
	case S_IFDIR:
		return -EPERM;
	default:
		return -EINVAL;
	}
	return do_create(dfd, path, mode, false);
}

long sys_mknod(const char *path, int mode, unsigned int dev)
{
	return sys_mknodat(AT_FDCWD, path, mode, dev);
}

long sys_mkdirat(int dfd, const char *path, int mode)
{
	return do_create(dfd, path, mode, true);
}

long sys_mkdir(const char *path, int mode)
{
	return do_create(AT_FDCWD, path, mode, true);
}

/*
 * unlink and rmdir (Linux: do_unlinkat, do_rmdir): a name of a mount's
 * directory goes (its inode lives while files hold it); a mount's root is
 * busy (EBUSY); the archive is read-only (EROFS); /proc and /sys have no
 * unlink method (EPERM, as Linux's vfs_unlink says).
 */
static long do_unlinkat(int dfd, const char *upath, bool rmdir)
{
	struct nameidata nd;
	long err = lookup_at(dfd, upath, AT_SYMLINK_NOFOLLOW, &nd);
	bool is_dir = S_ISDIR(nd.stat.mode);
	struct vfsmount *mnt;
	const char *last;
	struct inode *dir;

	if (err)
		goto out;
	if (rmdir != is_dir)
		err = rmdir ? -ENOTDIR : -EISDIR;
	else if (nd.mnt && nd.inode == nd.mnt->mnt_sb->s_root)
		err = -EBUSY;
	else if (nd.w.entry)
		err = !strcmp(nd.w.path, "/") ? -EBUSY : -EROFS;
	else if (!nd.mnt)
		err = -EPERM;
	else if (nd.mnt->mnt_flags & MNT_READONLY)
		err = -EROFS;
	else if (!(dir = lookup_create_dir(nd.w.path, &mnt, &last)) || !dir->i_op->unlink)
		err = -EPERM;
	else
		err = dir->i_op->unlink(dir, last);
out:
	nameidata_free(&nd);
	return err;
}

long sys_unlinkat(int dfd, const char *path, int flag)
{
	if (flag & ~AT_REMOVEDIR)
		return -EINVAL;
	return do_unlinkat(dfd, path, flag & AT_REMOVEDIR);
}

long sys_unlink(const char *path)
{
	return do_unlinkat(AT_FDCWD, path, false);
}

long sys_rmdir(const char *path)
{
	return do_unlinkat(AT_FDCWD, path, true);
}
