/*
 * Files: the per-process fd table, struct file, and the file system calls,
 * with Linux's numbers, flags, errno values and struct layouts (Linux:
 * fs/open.c, fs/read_write.c, fs/file.c, fs/namei.c, fs/stat.c,
 * fs/readdir.c, fs/ioctl.c, fs/fcntl.c).
 *
 *   task->files->fd[fd] -> struct file { f_op, f_count, f_flags, f_mode, f_pos, f_stat }
 *   (64 slots,              |  shared by dup() and fork(), freed by the last fput()
 *    close_on_exec bits)    |
 *                           +-- f_op = &console_fops         /dev/console: the serial port
 *                           +-- f_op = &initramfs_file_fops  a file of the cpio archive (read-only)
 *                           +-- f_op = &initramfs_dir_fops   a directory of the archive
 *                           +-- f_op = procfs fops           a generated /proc or /sys file (fs/proc/)
 *                           +-- f_op = hugetlbfs fops        a hugetlbfs file or directory (f_inode)
 *
 * Pagoda has one tree: the initramfs (fs/initramfs.c, its files in
 * fs/ramfs.c), read-only, with the synthetic /proc and /sys trees of
 * fs/proc/ on top, and a small mount table (fs/namespace.c) that puts
 * hugetlbfs super blocks (fs/hugetlbfs/super.c) on archive directories,
 * /dev/hugepages from boot. A path is resolved by path_lookupat() in
 * fs/namei.c, one component at a time; relative paths start at "/" (no
 * chdir yet).
 *
 *   fs/open.c fs/read_write.c fs/stat.c   the system calls, one file each as Linux
 *   fs/file.c fs/file_table.c             the fd table, struct file
 *   fs/namei.c fs/readdir.c fs/libfs.c    lookup, getdents64, helpers
 *   fs/namespace.c fs/statfs.c            the mount table, mount, umount2, statfs
 *   fs/hugetlbfs/ fs/memfd.c              hugetlbfs mounts and files, memfd_create
 *   drivers/tty/n_tty.c drivers/char/mem.c  /dev/console, /dev/null, /dev/zero
 *
 * Locking: a task's fd table (struct files_struct) is changed by the tasks
 * that share it (CLONE_FILES threads), by fork (the parent copies its own
 * table into a child that is not running yet) and by exit; all under the
 * big kernel lock (kernel/smp_lock.h), without kernel preemption (Linux:
 * files->file_lock). f_count is atomic. f_pos of a file shared after fork
 * is not locked (Linux: f_pos_lock); read and write hold the big lock.
 *
 * Start reading at sys_openat() in fs/open.c and sys_read() in fs/read_write.c.
 */
#ifndef _KERNEL_FS_H
#define _KERNEL_FS_H

#include <kernel/types.h>
#include <lib/list.h>
#include <lib/interval_tree.h>
#include <kernel/rwsem.h>

typedef s64 loff_t;

#define PATH_MAX	4096	/* including the NUL */
#define NAME_MAX	255
#define MAX_RW_COUNT	(0x7fffffffL & ~4095L)	/* Linux: INT_MAX & PAGE_MASK */
#define UIO_MAXIOV	1024
#define MAXSYMLINKS	40	/* symlinks followed in one path walk */
#ifndef ELOOP
#define ELOOP		40	/* Linux's value; kernel/errno.h does not have it yet */
#endif

/* open flags (octal, include/uapi/asm-generic/fcntl.h) */
#define O_ACCMODE	00000003
#define O_RDONLY	00000000
#define O_WRONLY	00000001
#define O_RDWR		00000002
#define O_CREAT		00000100
#define O_EXCL		00000200
#define O_NOCTTY	00000400
#define O_TRUNC		00001000
#define O_APPEND	00002000
#define O_NONBLOCK	00004000
#define O_DSYNC		00010000
#define O_DIRECT	00040000
#define O_LARGEFILE	00100000	/* always set on 64-bit: F_GETFL shows it */
#define O_DIRECTORY	00200000
#define O_NOFOLLOW	00400000
#define O_NOATIME	01000000
#define O_CLOEXEC	02000000
#define O_PATH		010000000

#define AT_FDCWD		(-100)
#define AT_SYMLINK_NOFOLLOW	0x100
#define AT_EACCESS		0x200
#define AT_NO_AUTOMOUNT		0x800
#define AT_EMPTY_PATH		0x1000

#define SEEK_SET	0
#define SEEK_CUR	1
#define SEEK_END	2
#define SEEK_DATA	3
#define SEEK_HOLE	4

/* fcntl */
#define F_DUPFD		0
#define F_GETFD		1
#define F_SETFD		2
#define F_GETFL		3
#define F_SETFL		4
#define F_DUPFD_CLOEXEC	1030
#define FD_CLOEXEC	1

/* access / faccessat */
#define F_OK	0
#define X_OK	1
#define W_OK	2
#define R_OK	4

/* st_mode (include/uapi/linux/stat.h) */
#define S_IFMT		0170000
#define S_IFSOCK	0140000
#define S_IFLNK		0120000
#define S_IFREG		0100000
#define S_IFBLK		0060000
#define S_IFDIR		0040000
#define S_IFCHR		0020000
#define S_IFIFO		0010000
#define S_ISREG(m)	(((m) & S_IFMT) == S_IFREG)
#define S_ISDIR(m)	(((m) & S_IFMT) == S_IFDIR)
#define S_ISCHR(m)	(((m) & S_IFMT) == S_IFCHR)
#define S_ISBLK(m)	(((m) & S_IFMT) == S_IFBLK)
#define S_ISLNK(m)	(((m) & S_IFMT) == S_IFLNK)
#define S_ISFIFO(m)	(((m) & S_IFMT) == S_IFIFO)
#define S_IRWXUGO	00777
#define S_IWUGO		00222
#define S_IXUGO		00111

/* getdents64 d_type: the S_IFMT bits shifted down (fs_umode_to_dtype) */
#define DT_UNKNOWN	0
#define DT_FIFO		1
#define DT_CHR		2
#define DT_DIR		4
#define DT_BLK		6
#define DT_REG		8
#define DT_LNK		10
#define DT_SOCK		12
#define S_DT(mode)	(((mode) & S_IFMT) >> 12)

/* ioctls that every file answers (fs/ioctl.c do_vfs_ioctl) */
#define FIONREAD	0x541B
#define FIONBIO		0x5421
#define FIONCLEX	0x5450
#define FIOCLEX		0x5451

/* Device numbers as stat() shows them: Linux's new_encode_dev(). */
#define MKDEV(ma, mi)	((u32)(((mi) & 0xff) | ((ma) << 8) | (((mi) & ~0xffu) << 12)))
#define MAJOR(dev)	((u32)(((dev) & 0xfff00) >> 8))
#define MINOR(dev)	((u32)(((dev) & 0xff) | (((dev) >> 12) & 0xfff00)))
/* mknod's dev argument: new_decode_dev() */
#define DECODE_MAJOR(dev) (((dev) & 0xfff00) >> 8)
#define DECODE_MINOR(dev) (((dev) & 0xff) | (((dev) >> 12) & 0xfff00))

/* The user-space structures (x86-64 layouts). */
struct stat {				/* 144 bytes: arch/x86/include/uapi/asm/stat.h */
	unsigned long st_dev;
	unsigned long st_ino;
	unsigned long st_nlink;
	unsigned int st_mode;
	unsigned int st_uid;
	unsigned int st_gid;
	unsigned int __pad0;
	unsigned long st_rdev;
	long st_size;
	long st_blksize;
	long st_blocks;			/* 512-byte units */
	unsigned long st_atime, st_atime_nsec;
	unsigned long st_mtime, st_mtime_nsec;
	unsigned long st_ctime, st_ctime_nsec;
	long __unused[3];
};
_Static_assert(sizeof(struct stat) == 144, "struct stat must be Linux's 144 bytes");

struct linux_dirent64 {
	u64 d_ino;
	s64 d_off;			/* the directory position after this entry */
	unsigned short d_reclen;	/* 8-aligned */
	unsigned char d_type;
	char d_name[];
};

struct iovec {
	void *iov_base;
	size_t iov_len;
};

/* What fstat reports about an open file (Linux: the inode's attributes). */
struct kstat {
	u64 ino;
	u32 dev;			/* st_dev: which tree (MKDEV(0, n) for the pseudo filesystems) */
	u32 mode;
	u32 nlink;
	u32 rdev;
	s64 size;
	u32 blksize;
	u64 blocks;			/* 512-byte units */
	u64 mtime;
};

struct file;
struct task_struct;
struct vm_area_struct;
struct super_block;

/*
 * Inodes and their page caches. Only hugetlbfs has them so far (the
 * archive's files are struct initramfs_entry, and /proc's are generated);
 * they have Linux's names so that shmem files can move onto them later.
 *
 *   file->f_inode ---> inode { i_size, i_nlink, i_count, i_mapping }
 *   file->f_mapping ---> address_space { i_mmap, i_pages, private_data }
 *                          |  i_mmap: every VMA that maps the file
 *                          |  i_pages: the file's pages by index
 *                          '  private_data: hugetlbfs's resv_map
 *
 * Locks (Linux's, see docs/hugetlb.md "Locking"):
 *   i_mmap_rwsem   (sleeping) i_mmap: written where a VMA joins or leaves
 *                  the tree or changes its range (mm/mmap.c), read by the
 *                  walks that reach other processes' VMAs through it
 *                  (hugetlb's unmap_ref_private; truncation writes, as Linux)
 *   i_pages_lock   (spinlock, Linux: xa_lock(&mapping->i_pages)) i_pages
 *                  and nrpages: lookup takes a reference under it, insert
 *                  fails if another CPU inserted the index first
 */
struct address_space {
	struct inode *host;
	struct rw_semaphore i_mmap_rwsem;	/* guards i_mmap */
	struct interval_root i_mmap;	/* VMAs by [vm_pgoff, vm_pgoff + pages - 1] (Linux: i_mmap) */
	spinlock_t i_pages_lock;	/* guards i_pages and nrpages */
	struct list_head i_pages;	/* the pages, by ascending page->index (Linux: an xarray) */
	unsigned long nrpages;
	void *private_data;		/* hugetlbfs: struct resv_map of shared reservations */
};

/* The address_space's locks, at the inode's creation (Linux: address_space_init_once). */
static inline void address_space_init_once(struct address_space *mapping)
{
	init_rwsem(&mapping->i_mmap_rwsem);
	spin_lock_init(&mapping->i_pages_lock);
	spin_lock_set_order(&mapping->i_pages_lock, LOCK_ORDER_PAGECACHE);
	INIT_LIST_HEAD(&mapping->i_pages);
}

/* Linux's names (include/linux/fs.h). */
static inline void i_mmap_lock_write(struct address_space *mapping) { down_write(&mapping->i_mmap_rwsem); }
static inline void i_mmap_unlock_write(struct address_space *mapping) { up_write(&mapping->i_mmap_rwsem); }
static inline void i_mmap_lock_read(struct address_space *mapping) { down_read(&mapping->i_mmap_rwsem); }
static inline void i_mmap_unlock_read(struct address_space *mapping) { up_read(&mapping->i_mmap_rwsem); }

/* What ftruncate changes (Linux: struct iattr; only the size so far). */
#define ATTR_SIZE	(1 << 3)
struct iattr {
	unsigned int ia_valid;
	loff_t ia_size;
};

struct seq_file;
/* What the core asks of a file system about a super block (Linux: struct super_operations). */
struct super_operations {
	void (*put_super)(struct super_block *sb);	/* the last reference is gone: free it all */
	void (*show_options)(struct seq_file *m, struct super_block *sb);	/* ",opt=val" for /proc/mounts */
	bool (*busy)(struct super_block *sb);		/* umount without MNT_DETACH: EBUSY if true */
	void (*umount_begin)(struct super_block *sb);	/* leaving the tree: drop the names */
	void (*destroy_inode)(struct inode *inode);	/* the inode is being freed (nr_inodes= counts it back) */
};

/*
 * A mounted file system (Linux: struct super_block; what Pagoda's inodes
 * need of it). s_count: the mount, each inode, each open directory
 * (fs/namespace.c put_super() frees the super block with the last one;
 * the internal hugetlbfs super block starts at 1 and is never freed).
 */
struct super_block {
	u32 s_dev;			/* st_dev of its files */
	unsigned long s_next_ino;	/* the last inode number given out */
	void *s_fs_info;		/* the file system's own (hugetlbfs: its directory) */
	int s_count;			/* references (see above) */
	struct inode *s_root;		/* the root directory; NULL for an internal super block */
	const struct super_operations *s_op;
};
void put_super(struct super_block *sb);		/* fs/namespace.c: drop one s_count */
void mnt_init(void);				/* fs/namespace.c, at boot: hugetlbfs on /dev/hugepages */

/*
 * setattr: ftruncate, truncate, O_TRUNC; 0 or -errno.
 * Directories (Linux passes dentries; Pagoda's names are strings, one
 * component, no '/'):
 *   lookup   the inode dir names name, no reference taken; NULL: none
 *   create   a new regular file name of mode in dir: 0 and *res (no
 *            reference for the caller: the directory holds the one it has),
 *            or -errno (EEXIST, ENOSPC, ENOMEM)
 *   unlink   remove name: 0 or -ENOENT; the inode lives while files hold it
 */
struct inode_operations {
	int (*setattr)(struct inode *inode, const struct iattr *attr);
	struct inode *(*lookup)(struct inode *dir, const char *name);
	int (*create)(struct inode *dir, const char *name, unsigned int mode, struct inode **res);
	int (*unlink)(struct inode *dir, const char *name);
};

struct inode {
	unsigned long i_ino;
	unsigned int i_mode;
	unsigned int i_nlink;		/* 0 once unlinked (or never linked: memfd, MAP_HUGETLB) */
	atomic_t i_count;		/* open files (and through them VMAs) and the directory entry */
	loff_t i_size;
	u64 i_blocks;			/* 512-byte units the file's pages take */
	unsigned int i_blkbits;		/* st_blksize is 1 << i_blkbits (hugetlbfs: the huge page size) */
	u32 i_dev;			/* st_dev of the file system */
	u64 i_mtime;
	struct super_block *i_sb;
	const struct inode_operations *i_op;
	const struct file_operations *i_fop;
	struct address_space *i_mapping;	/* &i_data */
	struct address_space i_data;
};

/*
 * What a file can do. A NULL method gives Linux's answer for a file that
 * lacks it: read/write -EINVAL, llseek -ESPIPE, ioctl -ENOTTY,
 * getdents64 -ENOTDIR. read and write advance *pos themselves (pread
 * passes a copy) and return the bytes moved, or -errno if none moved.
 */
struct file_operations {
	ssize_t (*read)(struct file *f, char *ubuf, size_t count, loff_t *pos);
	ssize_t (*write)(struct file *f, const char *ubuf, size_t count, loff_t *pos);
	loff_t (*llseek)(struct file *f, loff_t offset, int whence);
	long (*ioctl)(struct file *f, unsigned int cmd, unsigned long arg);
	long (*getdents64)(struct file *f, struct linux_dirent64 *udirent, unsigned int count);
	void (*release)(struct file *f);	/* the last fput(): free private_data */
	/* mmap: set up vma (flags, reservations); 0 or -errno (Linux: f_op->mmap) */
	int (*mmap)(struct file *f, struct vm_area_struct *vma);
	/* fallocate(2): 0 or -errno; NULL gives -EOPNOTSUPP (-ENODEV for a pipe or console) */
	long (*fallocate)(struct file *f, int mode, loff_t offset, loff_t len);
};

/* fallocate(2) modes (include/uapi/linux/falloc.h) */
#define FALLOC_FL_KEEP_SIZE	0x01
#define FALLOC_FL_PUNCH_HOLE	0x02
#define FALLOC_FL_NO_HIDE_STALE	0x04
#define FALLOC_FL_COLLAPSE_RANGE 0x08
#define FALLOC_FL_ZERO_RANGE	0x10
#define FALLOC_FL_INSERT_RANGE	0x20
#define FALLOC_FL_UNSHARE_RANGE	0x40
#define FALLOC_FL_SUPPORTED_MASK 0x7f

/* unlinkat(2) */
#define AT_REMOVEDIR		0x200

/* f_mode: what this open file may do, from the O_ACCMODE bits. */
#define FMODE_READ	0x1
#define FMODE_WRITE	0x2
#define FMODE_PREAD	0x4	/* pread/pwrite allowed (not on the console: ESPIPE) */
#define FMODE_PATH	0x8	/* O_PATH: only fstat, dup, close, fcntl and *at() dfd */

struct file {
	const struct file_operations *f_op;
	atomic_t f_count;		/* fds and tasks that hold it */
	unsigned int f_flags;		/* as F_GETFL shows them: O_ACCMODE, O_APPEND, O_NONBLOCK, O_LARGEFILE... */
	unsigned int f_mode;		/* FMODE_* */
	loff_t f_pos;
	struct kstat f_stat;		/* for fstat */
	char *f_path;			/* directories: the absolute path (kmalloc'd), for openat(dfd, "rel") */
	const struct initramfs_entry *f_entry;	/* archive-backed files and directories */
	void *private_data;		/* procfs: the generated text, or a directory listing */
	struct inode *f_inode;		/* files with an inode (hugetlbfs): holds one i_count */
	struct address_space *f_mapping;	/* f_inode->i_mapping */
};

/* What statfs reports about a file system (Linux: struct kstatfs). */
struct kstatfs {
	long f_type;			/* the magic number: HUGETLBFS_MAGIC... */
	long f_bsize;
	u64 f_blocks, f_bfree, f_bavail;
	u64 f_files, f_ffree;		/* inodes; -1: no limit */
	long f_namelen;
	long f_flags;			/* ST_* */
};
struct statfs;

/* fs/stat.c: an inode's attributes as stat shows them */
void generic_fillattr(const struct inode *inode, struct kstat *k);

/* fs/file_table.c, fs/file.c */
struct file *alloc_file(const struct file_operations *fops, unsigned int flags);
static inline struct file *get_file(struct file *f) { atomic_inc(&f->f_count); return f; }
void fput(struct file *f);		/* the last reference calls ->release and frees */
/* current's file at fd, or NULL. No reference is taken (Linux's old fcheck()): only the task itself closes its fds. */
struct file *fcheck(unsigned int fd);
int get_unused_fd(struct task_struct *t, unsigned int from);	/* lowest free fd >= from, or -EMFILE */
void fd_install(struct task_struct *t, unsigned int fd, struct file *f, unsigned int flags);	/* flags: O_CLOEXEC or 0 */

/* Called by the core: the first process's fds, fork, exit, execve. */
void fd_install_console(struct task_struct *t);		/* fds 0, 1, 2 = one /dev/console file */
struct files_struct;
struct files_struct *dup_fd(struct files_struct *old);
int unshare_files(struct task_struct *t);
void do_close_on_exec(struct task_struct *t);

/*
 * Helpers for file_operations implementations.
 * simple_read_from_buffer: copy from a kernel buffer at *pos, as Linux's.
 * generic_llseek_size: SEEK_SET/CUR/END/DATA/HOLE against a file of size eof.
 */
ssize_t simple_read_from_buffer(char *ubuf, size_t count, loff_t *pos, const void *from, size_t available);
loff_t generic_llseek_size(struct file *f, loff_t offset, int whence, loff_t eof);
loff_t dir_llseek(struct file *f, loff_t offset, int whence);	/* SEEK_SET/CUR to a position >= 0 */

/* getdents64: fill user dirents one by one (Linux: struct dir_context + filldir64). */
struct dir_context {
	char *ubuf;			/* where the next dirent goes */
	unsigned int left;		/* bytes left in the user buffer */
	unsigned int written;
	int error;			/* -EINVAL (no room for the first entry) or -EFAULT */
};
/* false: the entry did not fit or could not be copied; stop there. */
bool dir_emit(struct dir_context *ctx, const char *name, size_t namlen, u64 ino,
	      unsigned int type, loff_t next_pos);
long dir_context_result(const struct dir_context *ctx);	/* what getdents64 returns */

/*
 * seq_file: text generated into a kmalloc'd buffer (Linux's name and
 * overflow convention: count == size means "did not fit, retry bigger").
 * procfs generators print with seq_printf; see fs/proc/generic.c.
 */
struct seq_file {
	char *buf;
	size_t size;
	size_t count;
};
__attribute__((format(printf, 2, 3))) void seq_printf(struct seq_file *m, const char *fmt, ...);
void seq_puts(struct seq_file *m, const char *s);
void seq_putc(struct seq_file *m, char c);
void seq_bitmap_list(struct seq_file *m, u64 bits, int nbits);	/* Linux's "%*pbl": "0-1,3" */
static inline bool seq_has_overflowed(const struct seq_file *m) { return m->count == m->size; }

/* Report hooks with Linux's names, in mm/hugetlb.c. */
struct mm_struct;
void hugetlb_report_meminfo(struct seq_file *m);		/* /proc/meminfo HugePages_*, Hugetlb */
void hugetlb_report_node_meminfo(struct seq_file *m, int nid);	/* nodeN/meminfo */
void hugetlb_report_usage(struct seq_file *m, struct mm_struct *mm);	/* /proc/PID/status HugetlbPages */

/*
 * fs/proc/: the synthetic /proc and /sys trees. A path at or under
 * /proc or /sys is theirs; procfs_lookup() says what it names.
 */
struct proc_entry;
struct procfs_node {
	const struct proc_entry *pe;	/* the file; NULL for a directory */
	int pid;			/* the <pid> component, or -1 */
	int nid;			/* the node<nid> component, or -1 */
	int cpu;			/* the cpu<cpu> component, or -1 */
	bool sysfs;			/* under /sys (else /proc): Linux's rules differ */
	struct kstat stat;
};
bool procfs_owns(const char *path);
int procfs_lookup(const char *path, struct procfs_node *node);	/* 0 or -ENOENT */
int procfs_open(struct file *f, const struct procfs_node *node, const char *path);
bool procfs_may_write(const struct procfs_node *node);	/* sysfs: needs a write bit */
/* Creating a missing name (open O_CREAT, or mknod/mkdir): Linux's errno there. */
enum procfs_create { CREATE_BY_OPEN, CREATE_BY_MKNOD };	/* open(O_CREAT), or mknod/mkdir */
int procfs_create_error(const char *path, enum procfs_create how);

/* The file system calls (numbers from arch/x86/entry/syscalls/syscall_64.tbl). */
long sys_read(unsigned int fd, char *buf, size_t count);				/* 0 */
long sys_write(unsigned int fd, const char *buf, size_t count);				/* 1 */
long sys_open(const char *path, int flags, int mode);					/* 2 */
long sys_close(unsigned int fd);							/* 3 */
long sys_stat(const char *path, struct stat *st);					/* 4 */
long sys_fstat(unsigned int fd, struct stat *st);					/* 5 */
long sys_lstat(const char *path, struct stat *st);					/* 6 */
long sys_lseek(unsigned int fd, loff_t offset, unsigned int whence);			/* 8 */
long sys_ioctl(unsigned int fd, unsigned int cmd, unsigned long arg);			/* 16 */
long sys_pread64(unsigned int fd, char *buf, size_t count, loff_t pos);			/* 17 */
long sys_pwrite64(unsigned int fd, const char *buf, size_t count, loff_t pos);		/* 18 */
long sys_readv(unsigned long fd, const struct iovec *vec, unsigned long vlen);		/* 19 */
long sys_writev(unsigned long fd, const struct iovec *vec, unsigned long vlen);		/* 20 */
long sys_access(const char *path, int mode);						/* 21 */
long sys_dup(unsigned int fildes);							/* 32 */
long sys_dup2(unsigned int oldfd, unsigned int newfd);					/* 33 */
long sys_fcntl(unsigned int fd, unsigned int cmd, unsigned long arg);			/* 72 */
long sys_getcwd(char *buf, unsigned long size);						/* 79 */
long sys_mkdir(const char *path, int mode);						/* 83 */
long sys_readlink(const char *path, char *buf, int bufsiz);				/* 89 */
long sys_mknod(const char *path, int mode, unsigned int dev);				/* 133 */
long sys_getdents64(unsigned int fd, struct linux_dirent64 *dirent, unsigned int count); /* 217 */
long sys_openat(int dfd, const char *path, int flags, int mode);			/* 257 */
long sys_mkdirat(int dfd, const char *path, int mode);					/* 258 */
long sys_mknodat(int dfd, const char *path, int mode, unsigned int dev);		/* 259 */
long sys_newfstatat(int dfd, const char *path, struct stat *st, int flag);		/* 262 */
long sys_readlinkat(int dfd, const char *path, char *buf, int bufsiz);			/* 267 */
long sys_faccessat(int dfd, const char *path, int mode);				/* 269 */
long sys_dup3(unsigned int oldfd, unsigned int newfd, int flags);			/* 292 */
long sys_pipe(int *fds);								/* 22, fs/pipe.c */
long sys_pipe2(int *fds, int flags);							/* 293, fs/pipe.c */
long sys_faccessat2(int dfd, const char *path, int mode, int flags);			/* 439 */
long sys_truncate(const char *path, long length);					/* 76 */
long sys_ftruncate(unsigned int fd, long length);					/* 77 */
long sys_unlink(const char *path);							/* 87 */
long sys_rmdir(const char *path);							/* 84 */
long sys_unlinkat(int dfd, const char *path, int flag);					/* 263 */
long sys_fallocate(unsigned int fd, int mode, loff_t offset, loff_t len);		/* 285 */
long sys_mount(const char *dev_name, const char *dir_name, const char *type,
	       unsigned long flags, const void *data);					/* 165, fs/namespace.c */
long sys_umount2(const char *name, int flags);						/* 166, fs/namespace.c */
long sys_statfs(const char *path, struct statfs *buf);					/* 137, fs/statfs.c */
long sys_fstatfs(unsigned int fd, struct statfs *buf);					/* 138, fs/statfs.c */
long sys_memfd_create(const char *uname, unsigned int flags);				/* 319, fs/memfd.c */

#endif
