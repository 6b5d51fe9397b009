/*
 * fs/internal.h: what the files of fs/ (and the device files under
 * drivers/) share with each other and no one else (Linux: fs/internal.h).
 */
#ifndef _FS_INTERNAL_H
#define _FS_INTERNAL_H

#include <fs/fs.h>
#include <fs/initramfs.h>

#define ROOTFS_DEV	MKDEV(0, 2)	/* st_dev of the archive's files */
#define OPEN_FMODE(flags) ((((flags) + 1) & O_ACCMODE))	/* O_RDONLY -> FMODE_READ, ... */

/* fs/file.c: the fd table */
struct file *fcheck_io(unsigned int fd);	/* NULL for a free fd or an O_PATH one (EBADF) */
void __set_close_on_exec(struct task_struct *t, unsigned int fd);
void __clear_close_on_exec(struct task_struct *t, unsigned int fd);
int close_fd(struct task_struct *t, unsigned int fd);	/* 0 or -EBADF */
long dupfd(unsigned int oldfd, unsigned int from, unsigned int flags);	/* flags: O_CLOEXEC; new fd or -errno */

/* fs/namei.c: path lookup */
/* The state of one lookup (Linux: struct nameidata). */
struct nameidata {
	struct path_walk w;		/* w.path: the resolved path */
	struct kstat stat;		/* of what it names */
	struct procfs_node proc;	/* valid when w.entry is NULL */
};

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
