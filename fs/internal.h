/*
 * fs/internal.h: what the files of fs/ (and the device files under
 * drivers/) share with each other and no one else (Linux: fs/internal.h).
 */
#ifndef _FS_INTERNAL_H
#define _FS_INTERNAL_H

#include <fs/fs.h>
#include <fs/initramfs.h>

#define ROOTFS_DEV	MKDEV(0, 2)	/* st_dev of the archive's files */
#define CURRENT_UMASK	0022		/* no umask(2) yet: Linux's default, which init inherits */
#define OPEN_FMODE(flags) ((((flags) + 1) & O_ACCMODE))	/* O_RDONLY -> FMODE_READ, ... */

/* fs/open.c */
int do_truncate(struct inode *inode, loff_t length);	/* i_op->setattr(ATTR_SIZE): 0 or -errno */

/* fs/file.c: the fd table */
struct file *fcheck_io(unsigned int fd);	/* NULL for a free fd or an O_PATH one (EBADF) */
void __set_close_on_exec(struct task_struct *t, unsigned int fd);
void __clear_close_on_exec(struct task_struct *t, unsigned int fd);
int close_fd(struct task_struct *t, unsigned int fd);	/* 0 or -EBADF */
long dupfd(unsigned int oldfd, unsigned int from, unsigned int flags);	/* flags: O_CLOEXEC; new fd or -errno */

/*
 * fs/namespace.c: the mount table. A mount puts a file system's root
 * directory over a directory of the archive (Linux: struct mount and
 * struct vfsmount in one). /, /proc and /sys are not in it: they are
 * always there.
 */
#define MNT_NOSUID	0x01		/* Linux's MNT_* bits, as /proc/mounts shows them */
#define MNT_NODEV	0x02
#define MNT_NOEXEC	0x04
#define MNT_NOATIME	0x08
#define MNT_NODIRATIME	0x10
#define MNT_RELATIME	0x20
#define MNT_READONLY	0x40
#define MNT_NOSYMFOLLOW	0x80

struct vfsmount {
	struct list_head mnt_list;	/* mount_list, oldest first */
	char *mnt_mountpoint;		/* normalized absolute path: "/dev/hugepages" */
	char *mnt_devname;		/* mount(2)'s source string, as /proc/mounts shows it */
	const char *mnt_type;		/* "hugetlbfs" */
	struct super_block *mnt_sb;	/* holds one s_count */
	unsigned int mnt_flags;		/* MNT_* */
	bool mnt_expiry_mark;		/* umount2(MNT_EXPIRE) was called once */
};

/*
 * Making a super block for mount(2) (Linux: struct fs_context and struct
 * file_system_type): init_fs_context sets fs_private to the defaults,
 * parse_param takes one "key[=value]" option (0, -EINVAL, or -ENOPARAM:
 * not mine), get_tree makes fc->root (s_count 1: the mount's) from them,
 * free_fs_context frees fs_private. Each returns 0 or -errno.
 */
#define ENOPARAM	519		/* Linux's internal "parameter not supported" */
struct fs_context {
	const struct file_system_type *fs_type;
	void *fs_private;
	struct super_block *root;
};
struct file_system_type {
	const char *name;
	int (*init_fs_context)(struct fs_context *fc);
	int (*parse_param)(struct fs_context *fc, const char *key, const char *value);
	int (*get_tree)(struct fs_context *fc);
	void (*free_fs_context)(struct fs_context *fc);
};
/* Super block flags /proc/mounts and statfs show (Linux's SB_*), kept in mnt_flags above the MNT_* bits. */
#define SB_SYNCHRONOUS	0x100
#define SB_DIRSYNC	0x200
#define SB_LAZYTIME	0x400
int get_anon_bdev(u32 *p);		/* a free st_dev MKDEV(0, n) for a super block; put_super frees it */
void free_anon_bdev(u32 dev);
/* The mount whose tree holds path, or NULL; *rest is path inside it ("" for its root). */
struct vfsmount *lookup_mnt(const char *path, const char **rest);
struct inode *mnt_lookup(struct vfsmount *mnt, const char *rest);	/* NULL: no such name */
struct vfsmount *lookup_mnt_by_sb(const struct super_block *sb);	/* NULL: internal, or unmounted */

/* fs/namei.c: path lookup */
/* The state of one lookup (Linux: struct nameidata). */
struct nameidata {
	struct path_walk w;		/* w.path: the resolved path */
	struct kstat stat;		/* of what it names */
	struct procfs_node proc;	/* valid when w.entry, mnt are NULL */
	struct vfsmount *mnt;		/* the path is on this mount (w.entry NULL) */
	struct inode *inode;		/* and names this inode (no reference held) */
};
/* The directory of a mount that path's last component would go in, or NULL; *last: that component. */
struct inode *lookup_create_dir(const char *path, struct vfsmount **mnt, const char **last);

#define LOOKUP_EMPTY	0x4000	/* getname_flags: "" is allowed (AT_EMPTY_PATH) */
char *getname_flags(const char *upath, unsigned int flags, long *err);
char *getname(const char *upath, long *err);
int nameidata_init(struct nameidata *nd);	/* 0 or -ENOMEM; nameidata_free() either way */
void nameidata_free(struct nameidata *nd);
int path_lookupat(int dfd, const char *name, unsigned int walk_flags, struct nameidata *nd);
long lookup_at(int dfd, const char *upath, int at_flags, struct nameidata *nd);

/* fs/ramfs.c: the archive's files and directories */
extern const struct file_operations initramfs_file_fops, initramfs_dir_fops;
void initramfs_kstat(const struct initramfs_entry *e, struct kstat *st);

/* drivers/char/mem.c and drivers/tty/n_tty.c: the character devices */
/* A character device by number (Documentation/admin-guide/devices.txt). */
struct chrdev {
	u32 major, minor;
	const struct file_operations *fops;
	unsigned int fmode_extra;
};
const struct chrdev *chrdev_find(u32 rdev);	/* NULL: no driver (ENXIO) */
extern const struct file_operations console_fops;

#endif
