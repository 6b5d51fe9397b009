/*
 * fs/statfs.c: statfs and fstatfs (Linux: fs/statfs.c): which file system
 * a path or an open file is on, in Linux's x86-64 struct statfs. Programs
 * find hugetlbfs this way (f_type HUGETLBFS_MAGIC, f_bsize the huge page
 * size), as libhugetlbfs does.
 *
 *   a mount's file or directory   s_op->statfs (hugetlbfs_statfs), f_flags from the mount
 *   a MAP_HUGETLB or memfd file   the same, on the internal mount (f_flags ST_VALID only)
 *   the archive                   RAMFS_MAGIC, read-only (Linux's rootfs is a tmpfs)
 *   /proc, /sys                   PROC_SUPER_MAGIC, SYSFS_MAGIC (simple_statfs)
 *   a pipe                        PIPEFS_MAGIC
 */
#include <fs/fs.h>
#include <fs/internal.h>
#include <fs/proc_fs.h>
#include <fs/hugetlbfs/hugetlbfs.h>
#include <kernel/kernel.h>
#include <kernel/errno.h>
#include <lib/string.h>
#include <arch/x86_64/uaccess.h>

#define RAMFS_MAGIC		0x858458f6
#define PROC_SUPER_MAGIC	0x9fa0
#define SYSFS_MAGIC		0x62656572
#define PIPEFS_MAGIC		0x50495045

/* f_flags (include/linux/statfs.h) */
#define ST_RDONLY	0x0001
#define ST_NOSUID	0x0002
#define ST_NODEV	0x0004
#define ST_NOEXEC	0x0008
#define ST_SYNCHRONOUS	0x0010
#define ST_VALID	0x0020		/* f_flags is filled in */
#define ST_NOATIME	0x0400
#define ST_NODIRATIME	0x0800
#define ST_RELATIME	0x1000
#define ST_NOSYMFOLLOW	0x2000

struct statfs {				/* x86-64, 120 bytes */
	long f_type;
	long f_bsize;
	u64 f_blocks, f_bfree, f_bavail, f_files, f_ffree;
	int f_fsid[2];
	long f_namelen;
	long f_frsize;
	long f_flags;
	long f_spare[4];
};
_Static_assert(sizeof(struct statfs) == 120, "struct statfs must be Linux's 120 bytes");

/* A mount's flags as ST_* (Linux: calculate_f_flags). */
static long calculate_f_flags(unsigned int mnt_flags)
{
	static const struct { unsigned int mnt, st; } map[] = {
		{ MNT_READONLY, ST_RDONLY }, { MNT_NOSUID, ST_NOSUID }, { MNT_NODEV, ST_NODEV },
		{ MNT_NOEXEC, ST_NOEXEC }, { MNT_NOATIME, ST_NOATIME }, { MNT_NODIRATIME, ST_NODIRATIME },
		{ MNT_RELATIME, ST_RELATIME }, { MNT_NOSYMFOLLOW, ST_NOSYMFOLLOW },
		{ SB_SYNCHRONOUS, ST_SYNCHRONOUS },
	};
	long flags = ST_VALID;

	for (size_t i = 0; i < ARRAY_SIZE(map); i++)
		if (mnt_flags & map[i].mnt)
			flags |= map[i].st;
	return flags;
}

/* The fixed trees: the archive, /proc, /sys, pipes (Linux: simple_statfs). */
static void simple_statfs(struct kstatfs *buf, long type, long flags)
{
	buf->f_type = type;
	buf->f_bsize = 4096;
	buf->f_namelen = NAME_MAX;
	buf->f_flags = flags;
}

/* A hugetlbfs inode's file system; mnt the mount it was reached by, or NULL (internal, detached). */
static void inode_statfs(struct inode *inode, struct vfsmount *mnt, struct kstatfs *buf)
{
	struct super_block *sb = inode->i_sb;

	hugetlbfs_statfs(sb, buf);
	if (!mnt)
		mnt = lookup_mnt_by_sb(sb);
	buf->f_flags = mnt ? calculate_f_flags(mnt->mnt_flags) : ST_VALID;
}

static long cp_statfs(const struct kstatfs *k, struct statfs *ubuf)
{
	struct statfs st;

	memset(&st, 0, sizeof(st));
	st.f_type = k->f_type;
	st.f_bsize = k->f_bsize;
	st.f_blocks = k->f_blocks;
	st.f_bfree = k->f_bfree;
	st.f_bavail = k->f_bavail;
	st.f_files = k->f_files;
	st.f_ffree = k->f_ffree;
	st.f_namelen = k->f_namelen;
	st.f_frsize = k->f_bsize;	/* Linux: f_frsize 0 becomes f_bsize */
	st.f_flags = k->f_flags;
	return copy_to_user(ubuf, &st, sizeof(st)) ? -EFAULT : 0;
}

long sys_statfs(const char *path, struct statfs *ubuf)
{
	struct kstatfs k = { 0 };
	struct nameidata nd;
	long err = lookup_at(AT_FDCWD, path, 0, &nd);

	if (!err) {
		if (nd.mnt)
			inode_statfs(nd.inode, nd.mnt, &k);
		else if (nd.w.entry)
			simple_statfs(&k, RAMFS_MAGIC, ST_VALID | ST_RDONLY);
		else
			simple_statfs(&k, nd.proc.sysfs ? SYSFS_MAGIC : PROC_SUPER_MAGIC,
				      calculate_f_flags(MNT_NOSUID | MNT_NODEV | MNT_NOEXEC | MNT_RELATIME));
		err = cp_statfs(&k, ubuf);
	}
	nameidata_free(&nd);
	return err;
}

long sys_fstatfs(unsigned int fd, struct statfs *ubuf)
{
	struct kstatfs k = { 0 };
	struct file *f = fcheck(fd);

	if (!f)
		return -EBADF;
	if (f->f_inode)
		inode_statfs(f->f_inode, NULL, &k);
	else if (S_ISFIFO(f->f_stat.mode))
		simple_statfs(&k, PIPEFS_MAGIC, ST_VALID);
	else if (f->f_stat.dev == PROC_DEV || f->f_stat.dev == SYSFS_DEV)
		simple_statfs(&k, f->f_stat.dev == SYSFS_DEV ? SYSFS_MAGIC : PROC_SUPER_MAGIC,
			      calculate_f_flags(MNT_NOSUID | MNT_NODEV | MNT_NOEXEC | MNT_RELATIME));
	else
		simple_statfs(&k, RAMFS_MAGIC, ST_VALID | ST_RDONLY);	/* the archive, the console */
	return cp_statfs(&k, ubuf);
}
