/*
 * fs/namespace.c: the mount table, mount(2), umount2(2) and /proc/mounts
 * (Linux: fs/namespace.c, fs/fs_context.c, fs/proc_namespace.c).
 *
 *   mount_list (oldest first, the order /proc/mounts shows)
 *     vfsmount { "/dev/hugepages", "hugetlbfs", ... }      --> super_block { s_root, s_op, s_fs_info }
 *     vfsmount { "/mnt", "none", MNT_RELATIME }            --> super_block ...
 *   and always there, not in the list: "/" (the archive), "/proc", "/sys"
 *
 * What a path names (lookup_mnt): the mount whose mount point is the
 * shortest prefix of the path, the newest of those on the same point.
 * A hugetlbfs tree is one directory, so a later mount can only go on top
 * of a mount (stacked: it hides the older one until umount2), never inside.
 *
 *   sys_mount -> path_mount -> do_new_mount: the type's fs_context (parse
 *                the options, get_tree makes a super block), then graft it
 *   sys_umount2 -> do_umount: EBUSY while files of the mount are open,
 *                unless MNT_DETACH; then s_op->umount_begin drops the names
 *                and put_super the mount's reference
 *
 * Locking: the big kernel lock. The table changes in system calls only
 * (mount, umount2) and at boot, as for the fd table (fs/fs.h); Linux's
 * namespace_sem and mount_lock stand where that lock does.
 *
 * Start reading at sys_mount().
 */
#include <fs/fs.h>
#include <fs/internal.h>
#include <fs/proc_fs.h>
#include <fs/hugetlbfs/hugetlbfs.h>
#include <kernel/kernel.h>
#include <kernel/errno.h>
#include <lib/string.h>
#include <arch/x86_64/uaccess.h>
#include <mm/slab.h>

/* mount(2) flags (include/uapi/linux/mount.h) */
#define MS_RDONLY	1
#define MS_NOSUID	2
#define MS_NODEV	4
#define MS_NOEXEC	8
#define MS_SYNCHRONOUS	16
#define MS_REMOUNT	32
#define MS_MANDLOCK	64
#define MS_DIRSYNC	128
#define MS_NOSYMFOLLOW	256
#define MS_NOATIME	1024
#define MS_NODIRATIME	2048
#define MS_BIND		4096
#define MS_MOVE		8192
#define MS_REC		16384
#define MS_SILENT	32768
#define MS_UNBINDABLE	(1 << 17)
#define MS_PRIVATE	(1 << 18)
#define MS_SLAVE	(1 << 19)
#define MS_SHARED	(1 << 20)
#define MS_STRICTATIME	(1 << 24)
#define MS_LAZYTIME	(1 << 25)
#define MS_NOUSER	(1UL << 31)
#define MS_MGC_VAL	0xC0ED0000UL	/* the old magic in the top 16 bits */
#define MS_MGC_MSK	0xffff0000UL

/* umount2(2) flags */
#define MNT_FORCE	0x1
#define MNT_DETACH	0x2
#define MNT_EXPIRE	0x4
#define UMOUNT_NOFOLLOW	0x8

#define ANON_DEV_FIRST	32		/* st_dev minors of mounts: 0:32 .. 0:95 */
#define ANON_DEV_COUNT	64

static LIST_HEAD(mount_list);
static u64 anon_dev_used;		/* bit n: MKDEV(0, ANON_DEV_FIRST + n) is taken */

/* The file systems mount(2) knows. */
static const struct file_system_type *const file_systems[] = {
	&hugetlbfs_fs_type,
};

/* ---- super blocks ---- */

/* A free st_dev for a new super block (Linux: get_anon_bdev); -EMFILE when none is left. */
int get_anon_bdev(u32 *p)
{
	for (int n = 0; n < ANON_DEV_COUNT; n++) {
		if (!(anon_dev_used & (1ULL << n))) {
			anon_dev_used |= 1ULL << n;
			*p = MKDEV(0, ANON_DEV_FIRST + n);
			return 0;
		}
	}
	return -EMFILE;
}

void free_anon_bdev(u32 dev)
{
	u32 n = MINOR(dev) - ANON_DEV_FIRST;

	if (MAJOR(dev) == 0 && n < ANON_DEV_COUNT)
		anon_dev_used &= ~(1ULL << n);
}

/* Drop one reference; the last frees the super block through s_op->put_super. */
void put_super(struct super_block *sb)
{
	if (--sb->s_count > 0)
		return;
	if (sb->s_count < 0)
		panic("put_super: super block %x: s_count %d", sb->s_dev, sb->s_count);
	free_anon_bdev(sb->s_dev);
	if (sb->s_op && sb->s_op->put_super)
		sb->s_op->put_super(sb);
}

/* ---- lookup ---- */

/* Is mountpoint mp the whole of path, or a prefix of it ending at a '/'? */
static bool mnt_covers(const char *mp, const char *path, const char **rest)
{
	size_t n = strlen(mp);

	if (strncmp(mp, path, n) || (path[n] != '\0' && path[n] != '/'))
		return false;
	*rest = path[n] == '/' ? path + n + 1 : path + n;
	return true;
}

struct vfsmount *lookup_mnt(const char *path, const char **rest)
{
	struct vfsmount *mnt, *best = NULL;
	size_t best_len = 0;
	const char *r;

	/* Oldest first: on the same mount point the last match, the newest, wins. */
	list_for_each_entry(mnt, &mount_list, mnt_list) {
		size_t n = strlen(mnt->mnt_mountpoint);

		if (mnt_covers(mnt->mnt_mountpoint, path, &r) && (!best || n <= best_len)) {
			best = mnt;
			best_len = n;
			*rest = r;
		}
	}
	return best;
}

struct vfsmount *lookup_mnt_by_sb(const struct super_block *sb)
{
	struct vfsmount *mnt;

	list_for_each_entry(mnt, &mount_list, mnt_list)
		if (mnt->mnt_sb == sb)
			return mnt;
	return NULL;
}

struct inode *mnt_lookup(struct vfsmount *mnt, const char *rest)
{
	struct inode *root = mnt->mnt_sb->s_root;

	if (!*rest)
		return root;
	return root->i_op->lookup ? root->i_op->lookup(root, rest) : NULL;
}

/* Is what nd found the root of a tree: a mount's, or "/", "/proc", "/sys"? */
static bool path_is_root(const struct nameidata *nd, bool *builtin)
{
	const char *p = nd->w.path;

	*builtin = !strcmp(p, "/") || !strcmp(p, "/proc") || !strcmp(p, "/sys");
	if (nd->mnt)
		return nd->inode == nd->mnt->mnt_sb->s_root;
	return *builtin;
}

/* ---- mount(2) ---- */

/* "ro", "sync"...: the options every file system takes (Linux: vfs_parse_sb_flag); false if key is not one. */
static bool parse_sb_flag(const char *key, unsigned int *mnt_flags)
{
	static const struct { const char *name; unsigned int set, clear; } flags[] = {
		{ "ro", MNT_READONLY, 0 }, { "rw", 0, MNT_READONLY },
		{ "sync", SB_SYNCHRONOUS, 0 }, { "async", 0, SB_SYNCHRONOUS },
		{ "dirsync", SB_DIRSYNC, 0 },
		{ "lazytime", SB_LAZYTIME, 0 }, { "nolazytime", 0, SB_LAZYTIME },
		{ "mand", 0, 0 }, { "nomand", 0, 0 }, { "posixacl", 0, 0 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(flags); i++) {
		if (!strcmp(key, flags[i].name)) {
			*mnt_flags = (*mnt_flags | flags[i].set) & ~flags[i].clear;
			return true;
		}
	}
	return false;
}

/*
 * One option (Linux: vfs_parse_fs_param): a common flag, then the file
 * system's own parameter, then "source" (mount(2) gave it already).
 * -EINVAL for anything else, with Linux's message.
 */
static int vfs_parse_fs_param(struct fs_context *fc, const char *key, const char *value,
			      unsigned int *mnt_flags)
{
	int err;

	if (!value && parse_sb_flag(key, mnt_flags))
		return 0;
	err = fc->fs_type->parse_param(fc, key, value);
	if (err != -ENOPARAM)
		return err;
	if (!strcmp(key, "source"))
		return 0;
	printk("%s: Unknown parameter '%s'\n", fc->fs_type->name, key);
	return -EINVAL;
}

/* The options string, "key[=value],...", empty keys skipped (Linux: generic_parse_monolithic). */
static int parse_monolithic_mount_data(struct fs_context *fc, char *data, unsigned int *mnt_flags)
{
	char *key = data;

	while (key && *key) {
		char *next = strchr(key, ','), *value;
		int err;

		if (next)
			*next++ = '\0';
		value = strchr(key, '=');
		if (value)
			*value++ = '\0';
		if (*key) {
			err = vfs_parse_fs_param(fc, key, value, mnt_flags);
			if (err)
				return err;
		}
		key = next;
	}
	return 0;
}

static const struct file_system_type *get_fs_type(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(file_systems); i++)
		if (!strcmp(file_systems[i]->name, name))
			return file_systems[i];
	return NULL;
}

/* Put sb's root on nd's directory (Linux: do_add_mount + graft_tree). The mount takes sb's reference. */
static int do_add_mount(struct nameidata *nd, const struct file_system_type *type, struct super_block *sb,
			const char *dev_name, unsigned int mnt_flags)
{
	struct vfsmount *mnt;

	if (!S_ISDIR(nd->stat.mode))
		return -ENOTDIR;
	/* Only over the archive's directories or a mount's root: /, /proc and /sys are fixed. */
	if ((!nd->w.entry && !nd->mnt) || !strcmp(nd->w.path, "/"))
		return -EBUSY;
	mnt = kzalloc(sizeof(*mnt), GFP_KERNEL);
	if (!mnt)
		return -ENOMEM;
	mnt->mnt_mountpoint = kstrdup(nd->w.path, GFP_KERNEL);
	mnt->mnt_devname = dev_name ? kstrdup(dev_name, GFP_KERNEL) : NULL;
	if (!mnt->mnt_mountpoint || (dev_name && !mnt->mnt_devname)) {
		kfree(mnt->mnt_mountpoint);
		kfree(mnt->mnt_devname);
		kfree(mnt);
		return -ENOMEM;
	}
	mnt->mnt_type = type->name;
	mnt->mnt_sb = sb;
	mnt->mnt_flags = mnt_flags;
	list_add_tail(&mnt->mnt_list, &mount_list);
	return 0;
}

/*
 * proc and sysfs are always mounted, on /proc and /sys: mounting them
 * there again changes nothing (0), as /init asks on Linux when they are
 * missing; anywhere else Pagoda cannot put a second copy (EBUSY).
 */
static int do_builtin_mount(const struct nameidata *nd, const char *type)
{
	const char *where = !strcmp(type, "proc") ? "/proc" : "/sys";

	return strcmp(nd->w.path, where) ? -EBUSY : 0;
}

/* A new mount of type on nd (Linux: do_new_mount). */
static int do_new_mount(struct nameidata *nd, const char *fstype, unsigned int mnt_flags,
			const char *dev_name, char *data)
{
	const struct file_system_type *type;
	struct fs_context fc = { 0 };
	int err;

	if (!fstype)
		return -EINVAL;
	if (!strcmp(fstype, "proc") || !strcmp(fstype, "sysfs"))
		return do_builtin_mount(nd, fstype);
	type = get_fs_type(fstype);
	if (!type)
		return -ENODEV;
	fc.fs_type = type;
	err = type->init_fs_context(&fc);
	if (err)
		return err;
	err = parse_monolithic_mount_data(&fc, data, &mnt_flags);
	if (!err)
		err = type->get_tree(&fc);
	if (!err) {
		err = do_add_mount(nd, type, fc.root, dev_name, mnt_flags);
		if (err)
			put_super(fc.root);
	}
	type->free_fs_context(&fc);
	return err;
}

/* MS_SHARED and friends: every Pagoda mount is private, so a valid request changes nothing. */
static int do_change_type(const struct nameidata *nd, unsigned long flags)
{
	unsigned long type = flags & ~(MS_REC | MS_SILENT);
	bool builtin;

	if (!path_is_root(nd, &builtin))
		return -EINVAL;
	if (type & (type - 1))
		return -EINVAL;		/* more than one propagation type */
	return 0;
}

/* Linux: path_mount, after the strings are copied in and the target looked up. */
static int path_mount(const char *dev_name, struct nameidata *nd, const char *type, unsigned long flags,
		      char *data)
{
	unsigned int mnt_flags = 0;

	if ((flags & MS_MGC_MSK) == MS_MGC_VAL)
		flags &= ~MS_MGC_MSK;
	if (flags & MS_NOUSER)
		return -EINVAL;
	if (!(flags & MS_NOATIME))
		mnt_flags |= MNT_RELATIME;
	if (flags & MS_NOSUID)
		mnt_flags |= MNT_NOSUID;
	if (flags & MS_NODEV)
		mnt_flags |= MNT_NODEV;
	if (flags & MS_NOEXEC)
		mnt_flags |= MNT_NOEXEC;
	if (flags & MS_NOATIME)
		mnt_flags |= MNT_NOATIME;
	if (flags & MS_NODIRATIME)
		mnt_flags |= MNT_NODIRATIME;
	if (flags & MS_STRICTATIME)
		mnt_flags &= ~(MNT_RELATIME | MNT_NOATIME);
	if (flags & MS_RDONLY)
		mnt_flags |= MNT_READONLY;
	if (flags & MS_NOSYMFOLLOW)
		mnt_flags |= MNT_NOSYMFOLLOW;
	if (flags & MS_SYNCHRONOUS)
		mnt_flags |= SB_SYNCHRONOUS;
	if (flags & MS_DIRSYNC)
		mnt_flags |= SB_DIRSYNC;
	if (flags & MS_LAZYTIME)
		mnt_flags |= SB_LAZYTIME;

	/* Remount, bind and move mounts are not there yet (docs/files.md). */
	if (flags & (MS_REMOUNT | MS_BIND | MS_MOVE))
		return -EINVAL;
	if (flags & (MS_SHARED | MS_PRIVATE | MS_SLAVE | MS_UNBINDABLE))
		return do_change_type(nd, flags);
	return do_new_mount(nd, type, mnt_flags, dev_name, data);
}

/* A mount(2) string argument: a kmalloc'd copy (NULL for a NULL pointer), or ERR_PTR(-EFAULT/-ENOMEM). */
static char *copy_mount_string(const char *ustr, long max)
{
	char *s;
	long n;

	if (!ustr)
		return NULL;
	s = kmalloc(max, GFP_KERNEL);
	if (!s)
		return ERR_PTR(-ENOMEM);
	n = strncpy_from_user(s, ustr, max);
	if (n < 0) {
		kfree(s);
		return ERR_PTR(-EFAULT);
	}
	s[n < max ? n : max - 1] = '\0';	/* Linux: one page at most, the last byte zeroed */
	return s;
}

long sys_mount(const char *dev_name, const char *dir_name, const char *type, unsigned long flags,
	       const void *data)
{
	char *ktype, *kdev = NULL, *kdata = NULL;
	struct nameidata nd;
	long err;

	ktype = copy_mount_string(type, PAGE_SIZE);
	if (IS_ERR(ktype))
		return PTR_ERR(ktype);
	kdev = copy_mount_string(dev_name, PAGE_SIZE);
	err = IS_ERR(kdev) ? PTR_ERR(kdev) : 0;
	if (!err) {
		kdata = copy_mount_string(data, PAGE_SIZE);
		err = IS_ERR(kdata) ? PTR_ERR(kdata) : 0;
	}
	if (!err) {
		err = lookup_at(AT_FDCWD, dir_name, 0, &nd);
		if (!err)
			err = path_mount(kdev, &nd, ktype, flags, kdata);
		nameidata_free(&nd);
	}
	if (!IS_ERR(kdata))
		kfree(kdata);
	if (!IS_ERR(kdev))
		kfree(kdev);
	kfree(ktype);
	return err;
}

/* ---- umount2(2) ---- */

/* Take mnt out of the tree and drop its reference (Linux: umount_tree, then mntput). */
static void umount_tree(struct vfsmount *mnt)
{
	struct super_block *sb = mnt->mnt_sb;

	list_del(&mnt->mnt_list);
	if (sb->s_op && sb->s_op->umount_begin)
		sb->s_op->umount_begin(sb);
	put_super(sb);
	kfree(mnt->mnt_mountpoint);
	kfree(mnt->mnt_devname);
	kfree(mnt);
}

static long do_umount(struct nameidata *nd, int flags)
{
	struct vfsmount *mnt = nd->mnt;
	struct super_block *sb = mnt->mnt_sb;

	if ((flags & MNT_EXPIRE) && (flags & (MNT_FORCE | MNT_DETACH)))
		return -EINVAL;
	if (flags & MNT_DETACH) {
		umount_tree(mnt);	/* open files keep the super block until they close */
		return 0;
	}
	if (sb->s_op && sb->s_op->busy && sb->s_op->busy(sb))
		return -EBUSY;
	/* MNT_EXPIRE: the first call only marks the mount (Linux: mnt_expiry_mark). */
	if ((flags & MNT_EXPIRE) && !mnt->mnt_expiry_mark) {
		mnt->mnt_expiry_mark = true;
		return -EAGAIN;
	}
	umount_tree(mnt);
	return 0;
}

long sys_umount2(const char *name, int flags)
{
	struct nameidata nd;
	bool builtin;
	long err;

	if (flags & ~(MNT_FORCE | MNT_DETACH | MNT_EXPIRE | UMOUNT_NOFOLLOW))
		return -EINVAL;
	err = lookup_at(AT_FDCWD, name, (flags & UMOUNT_NOFOLLOW) ? AT_SYMLINK_NOFOLLOW : 0, &nd);
	if (!err && !path_is_root(&nd, &builtin))
		err = -EINVAL;			/* not the root of a mount */
	else if (!err && !nd.mnt)
		err = -EBUSY;			/* "/", "/proc", "/sys" stay */
	else if (!err)
		err = do_umount(&nd, flags);
	nameidata_free(&nd);
	return err;
}

/* ---- /proc/mounts ---- */

/* A name as /proc/mounts prints it: space, tab, newline and backslash in octal (Linux: mangle). */
static void seq_mangle(struct seq_file *m, const char *s)
{
	for (; *s; s++) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\\')
			seq_printf(m, "\\%03o", (unsigned char)*s);
		else
			seq_putc(m, *s);
	}
}

/* One line: "dev dir type opts 0 0" (Linux: show_vfsmnt). */
static void show_vfsmnt(struct seq_file *m, const struct vfsmount *mnt)
{
	static const struct { unsigned int flag; const char *str; } opts[] = {
		{ SB_SYNCHRONOUS, ",sync" }, { SB_DIRSYNC, ",dirsync" }, { SB_LAZYTIME, ",lazytime" },
		{ MNT_NOSUID, ",nosuid" }, { MNT_NODEV, ",nodev" }, { MNT_NOEXEC, ",noexec" },
		{ MNT_NOATIME, ",noatime" }, { MNT_NODIRATIME, ",nodiratime" },
		{ MNT_RELATIME, ",relatime" }, { MNT_NOSYMFOLLOW, ",nosymfollow" },
	};
	struct super_block *sb = mnt->mnt_sb;

	seq_mangle(m, mnt->mnt_devname ? mnt->mnt_devname : "none");
	seq_putc(m, ' ');
	seq_mangle(m, mnt->mnt_mountpoint);
	seq_printf(m, " %s %s", mnt->mnt_type, (mnt->mnt_flags & MNT_READONLY) ? "ro" : "rw");
	for (size_t i = 0; i < ARRAY_SIZE(opts); i++)
		if (mnt->mnt_flags & opts[i].flag)
			seq_puts(m, opts[i].str);
	if (sb->s_op && sb->s_op->show_options)
		sb->s_op->show_options(m, sb);
	seq_puts(m, " 0 0\n");
}

/*
 * /proc/mounts and /proc/PID/mounts: the fixed trees as Linux shows them
 * booted from an initramfs (its rootfs is a writable tmpfs, Pagoda's is
 * the read-only archive), then the table, oldest first.
 */
int proc_mounts_show(struct seq_file *m, struct proc_file *pf)
{
	struct vfsmount *mnt;

	seq_puts(m, "rootfs / rootfs ro 0 0\n");
	seq_puts(m, "proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n");
	seq_puts(m, "sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0\n");
	list_for_each_entry(mnt, &mount_list, mnt_list)
		show_vfsmnt(m, mnt);
	return 0;
}

/* ---- boot ---- */

/* hugetlbfs on /dev/hugepages, as systemd mounts it on Linux ("hugetlbfs" as the source). */
void mnt_init(void)
{
	struct nameidata nd;
	char data[] = "";
	int err = nameidata_init(&nd);

	if (!err)
		err = path_lookupat(AT_FDCWD, "/dev/hugepages", WALK_FOLLOW, &nd);
	if (!err)
		err = do_new_mount(&nd, "hugetlbfs", MNT_RELATIME, "hugetlbfs", data);
	nameidata_free(&nd);
	if (err)
		pr_warn("hugetlbfs: not mounted on /dev/hugepages (error %d)\n", err);
}
