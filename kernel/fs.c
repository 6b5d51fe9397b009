/*
 * Files and file descriptors: the fd table, struct file, path lookup, the
 * console and the other device files, archive files and directories, and
 * the file system calls, with Linux's semantics and errno values.
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
 *   sys_read(fd, buf, n) -> fcheck(fd) -> checks (EBADF, EINVAL, EFAULT) -> f_op->read(f, buf, n, &f->f_pos)
 *
 * Who owns what: fs/initramfs.c the archive and the path walk,
 * kernel/procfs.c every /proc and /sys file, this file everything a file
 * descriptor does. Locking: see fs/fs.h.
 *
 * What Pagoda does differently from Linux (each is a choice, documented in
 * docs/files.md): the archive is read-only (open for writing, O_CREAT,
 * mknod, mkdir give EROFS; Linux's rootfs is a writable tmpfs); 64 fds
 * per process (Linux: RLIMIT_NOFILE, 1024); the console answers no tty
 * ioctl (ENOTTY); no current directory (relative paths start at "/").
 */
#include <fs/fs.h>
#include <fs/initramfs.h>
#include <kernel/kernel.h>
#include <lib/string.h>
#include <kernel/errno.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/spinlock.h>
#include <kernel/power.h>
#include <arch/x86_64/uaccess.h>
#include <arch/x86_64/serial.h>
#include <mm/slab.h>

/* file_operations and handlers take Linux's full argument lists; many use only some. */
#pragma GCC diagnostic ignored "-Wunused-parameter"

#define ROOTFS_DEV	MKDEV(0, 2)	/* st_dev of the archive's files */
#define OPEN_FMODE(flags) ((((flags) + 1) & O_ACCMODE))	/* O_RDONLY -> FMODE_READ, ... */

/* ---- struct file ---- */

struct file *alloc_file(const struct file_operations *fops, unsigned int flags)
{
	struct file *f = kzalloc(sizeof(*f), GFP_KERNEL);

	if (!f)
		return NULL;
	atomic_set(&f->f_count, 1);
	f->f_op = fops;
	/* F_GETFL shows the open flags minus the ones that only act at open time. */
	f->f_flags = (flags & ~(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC)) | O_LARGEFILE;
	f->f_mode = OPEN_FMODE(flags);
	return f;
}

void fput(struct file *f)
{
	if (!atomic_dec_and_test(&f->f_count))
		return;
	if (f->f_op && f->f_op->release)
		f->f_op->release(f);
	kfree(f->f_path);
	kfree(f);
}

struct file *fcheck(unsigned int fd)
{
	if (fd >= NR_OPEN_DEFAULT)
		return NULL;
	return current->files[fd];
}

/* The file at fd for an I/O call: O_PATH descriptors do not count (EBADF). */
static struct file *fcheck_io(unsigned int fd)
{
	struct file *f = fcheck(fd);

	return f && !(f->f_mode & FMODE_PATH) ? f : NULL;
}

/* ---- the fd table (Linux: fs/file.c) ---- */

static void set_close_on_exec(struct task_struct *t, unsigned int fd, bool on)
{
	if (on)
		t->close_on_exec |= 1UL << fd;
	else
		t->close_on_exec &= ~(1UL << fd);
}

/* The lowest free fd >= from, or -EMFILE. */
int get_unused_fd(struct task_struct *t, unsigned int from)
{
	for (unsigned int fd = from; fd < NR_OPEN_DEFAULT; fd++)
		if (!t->files[fd])
			return fd;
	return -EMFILE;
}

void fd_install(struct task_struct *t, unsigned int fd, struct file *f, bool cloexec)
{
	t->files[fd] = f;
	set_close_on_exec(t, fd, cloexec);
}

static int close_fd(struct task_struct *t, unsigned int fd)
{
	struct file *f;

	if (fd >= NR_OPEN_DEFAULT || !t->files[fd])
		return -EBADF;
	f = t->files[fd];
	t->files[fd] = NULL;
	set_close_on_exec(t, fd, false);
	fput(f);
	return 0;
}

/* fork: the child shares every open file, as Linux's dup_fd(). */
int dup_files(struct task_struct *child, struct task_struct *parent)
{
	for (int fd = 0; fd < NR_OPEN_DEFAULT; fd++)
		child->files[fd] = parent->files[fd] ? get_file(parent->files[fd]) : NULL;
	child->close_on_exec = parent->close_on_exec;
	return 0;
}

void close_files(struct task_struct *t)
{
	for (int fd = 0; fd < NR_OPEN_DEFAULT; fd++)
		if (t->files[fd])
			close_fd(t, fd);
}

void do_close_on_exec(struct task_struct *t)
{
	for (int fd = 0; fd < NR_OPEN_DEFAULT; fd++)
		if ((t->close_on_exec & (1UL << fd)) && t->files[fd])
			close_fd(t, fd);
	t->close_on_exec = 0;
}

/* ---- helpers for file_operations ---- */

ssize_t simple_read_from_buffer(char *ubuf, size_t count, loff_t *pos, const void *from, size_t available)
{
	loff_t p = *pos;
	size_t n, left;

	if (p < 0)
		return -EINVAL;
	if ((size_t)p >= available || !count)
		return 0;
	n = min(count, available - (size_t)p);
	left = copy_to_user(ubuf, (const char *)from + p, n);
	if (left == n)
		return -EFAULT;
	n -= left;
	*pos = p + n;
	return n;
}

/* Linux's generic_file_llseek_size() with maxsize = LLONG_MAX. */
loff_t generic_llseek_size(struct file *f, loff_t offset, int whence, loff_t eof)
{
	loff_t pos;

	switch (whence) {
	case SEEK_SET:
		pos = offset;
		break;
	case SEEK_CUR:
		if (__builtin_add_overflow(f->f_pos, offset, &pos))
			return -EINVAL;
		break;
	case SEEK_END:
		if (__builtin_add_overflow(eof, offset, &pos))
			return -EINVAL;
		break;
	case SEEK_DATA:
		if (offset < 0 || offset >= eof)
			return -ENXIO;
		pos = offset;
		break;
	case SEEK_HOLE:
		if (offset < 0 || offset >= eof)
			return -ENXIO;
		pos = eof;
		break;
	default:
		return -EINVAL;
	}
	if (pos < 0)
		return -EINVAL;
	f->f_pos = pos;
	return pos;
}

/* Seek within a directory: SEEK_SET and SEEK_CUR to a position >= 0 (dcache_dir_lseek). */
loff_t dir_llseek(struct file *f, loff_t offset, int whence)
{
	if (whence == SEEK_CUR)
		offset += f->f_pos;
	else if (whence != SEEK_SET)
		return -EINVAL;
	if (offset < 0)
		return -EINVAL;
	f->f_pos = offset;
	return offset;
}

bool dir_emit(struct dir_context *ctx, const char *name, size_t namlen, u64 ino,
	      unsigned int type, loff_t next_pos)
{
	char kbuf[ALIGN(sizeof(struct linux_dirent64) + NAME_MAX + 1, 8)];
	struct linux_dirent64 *d = (struct linux_dirent64 *)kbuf;
	unsigned int reclen = ALIGN(offsetof(struct linux_dirent64, d_name) + namlen + 1, 8);

	if (namlen > NAME_MAX || reclen > ctx->left) {
		if (!ctx->written)
			ctx->error = -EINVAL;	/* the buffer cannot hold even one entry */
		return false;
	}
	memset(kbuf, 0, reclen);
	d->d_ino = ino;
	d->d_off = next_pos;
	d->d_reclen = reclen;
	d->d_type = type;
	memcpy(d->d_name, name, namlen);
	if (copy_to_user(ctx->ubuf, kbuf, reclen)) {
		ctx->error = -EFAULT;
		return false;
	}
	ctx->ubuf += reclen;
	ctx->left -= reclen;
	ctx->written += reclen;
	return true;
}

long dir_context_result(const struct dir_context *ctx)
{
	return ctx->written ? (long)ctx->written : ctx->error;
}

/* ---- the console: the serial port, with a line discipline for input ---- */

/*
 * Input is cooked as Linux's n_tty does in canonical mode with ECHO and
 * ICRNL: typed characters are echoed and collected until a newline; a
 * read returns at most one line. Backspace (DEL or ^H) erases, ^U erases
 * the line, ^D ends the input (a read of an empty line returns 0).
 */
#define N_TTY_BUF_SIZE	4096

static struct {
	spinlock_t lock;
	char buf[N_TTY_BUF_SIZE];
	size_t len;		/* characters typed */
	size_t ready;		/* buf[0, ready) are finished lines that reads may take */
	bool eof;		/* ^D on an empty line */
} tty = { .lock = __SPIN_LOCK_UNLOCKED };

/* One received character; returns what to echo in echo[] (up to 3 bytes). Called with tty.lock. */
static size_t n_tty_receive_char(char c, char *echo)
{
	if (c == '\r')
		c = '\n';				/* ICRNL */
	if (c == 0x7f || c == '\b') {			/* VERASE */
		if (tty.len == tty.ready)
			return 0;
		tty.len--;
		memcpy(echo, "\b \b", 3);
		return 3;
	}
	if (c == 0x15) {				/* VKILL: ^U */
		size_t n = 0;

		while (tty.len > tty.ready && n < 3) {	/* echo a few; the rest goes silently */
			tty.len--;
			n++;
		}
		tty.len = tty.ready;
		memcpy(echo, "\b \b", 3);
		return n ? 3 : 0;
	}
	if (c == 0x04) {				/* VEOF: ^D */
		if (tty.len == tty.ready)
			tty.eof = true;
		tty.ready = tty.len;
		return 0;
	}
	if (tty.len >= N_TTY_BUF_SIZE - 1 && c != '\n')
		return 0;				/* full: only a newline still fits */
	if (tty.len < N_TTY_BUF_SIZE)
		tty.buf[tty.len++] = c;
	if (c == '\n')
		tty.ready = tty.len;
	echo[0] = c;
	return 1;
}

/* Take up to n bytes of the first ready line into kbuf. Called with tty.lock. */
static size_t n_tty_take(char *kbuf, size_t n)
{
	size_t i;

	n = min(n, tty.ready);
	for (i = 0; i < n; i++) {
		kbuf[i] = tty.buf[i];
		if (kbuf[i] == '\n') {
			i++;
			break;
		}
	}
	memmove(tty.buf, tty.buf + i, tty.len - i);
	tty.len -= i;
	tty.ready -= i;
	return i;
}

/* Put bytes a failed copy_to_user could not deliver back in front. Called with tty.lock. */
static void n_tty_untake(const char *kbuf, size_t n)
{
	n = min(n, N_TTY_BUF_SIZE - tty.len);
	memmove(tty.buf + n, tty.buf, tty.len);
	memcpy(tty.buf, kbuf, n);
	tty.len += n;
	tty.ready += n;
}

/* Poll the serial port until a line is ready, sleeping with schedule() between polls. */
static int n_tty_wait_line(void)
{
	for (;;) {
		char echo[3];
		size_t n = 0;
		int c;

		spin_lock(&tty.lock);
		if (tty.ready || tty.eof) {
			spin_unlock(&tty.lock);
			return 0;
		}
		c = serial_getc_nonblock();
		if (c >= 0)
			n = n_tty_receive_char((char)c, echo);
		spin_unlock(&tty.lock);
		if (n)
			console_write(echo, n);
		if (c >= 0)
			continue;
		if (signal_pending(current))
			return -ERESTARTSYS;	/* EINTR unless the handler has SA_RESTART */
		schedule();
	}
}

static ssize_t console_read(struct file *f, char *ubuf, size_t count, loff_t *pos)
{
	char kbuf[256];
	size_t done = 0;
	int err;

	if (!count)
		return 0;
	err = n_tty_wait_line();
	if (err)
		return err;
	spin_lock(&tty.lock);
	if (!tty.ready && tty.eof) {
		tty.eof = false;
		spin_unlock(&tty.lock);
		return 0;
	}
	spin_unlock(&tty.lock);
	while (done < count) {
		size_t n;

		spin_lock(&tty.lock);
		n = n_tty_take(kbuf, min(count - done, sizeof(kbuf)));
		spin_unlock(&tty.lock);
		if (!n)
			break;
		if (copy_to_user(ubuf + done, kbuf, n)) {
			spin_lock(&tty.lock);
			n_tty_untake(kbuf, n);
			spin_unlock(&tty.lock);
			return done ? (ssize_t)done : -EFAULT;
		}
		done += n;
		if (kbuf[n - 1] == '\n')
			break;			/* one line per read */
	}
	return done;
}

/*
 * Copy through a kernel buffer in chunks. As Linux's tty write, a chunk
 * that cannot be copied ends the write: the bytes already written are
 * returned, or -EFAULT if there are none.
 */
static ssize_t console_write_user(struct file *f, const char *ubuf, size_t count, loff_t *pos)
{
	char kbuf[256];
	size_t done = 0;

	while (done < count) {
		size_t n = min(count - done, sizeof(kbuf));

		if (copy_from_user(kbuf, ubuf + done, n))
			return done ? (ssize_t)done : -EFAULT;
		console_write(kbuf, n);
		done += n;
	}
	return done;
}

static const struct file_operations console_fops = {
	.read = console_read,
	.write = console_write_user,
	/* no llseek: ESPIPE; no ioctl: ENOTTY (Pagoda's console is not a tty) */
};

/* /dev/null and /dev/zero (drivers/char/mem.c) */
static ssize_t null_read(struct file *f, char *ubuf, size_t count, loff_t *pos) { return 0; }
static ssize_t null_write(struct file *f, const char *ubuf, size_t count, loff_t *pos) { return count; }
static loff_t null_lseek(struct file *f, loff_t offset, int whence) { return f->f_pos = 0; }

static ssize_t zero_read(struct file *f, char *ubuf, size_t count, loff_t *pos)
{
	size_t left = clear_user(ubuf, count);

	return left == count && count ? -EFAULT : (ssize_t)(count - left);
}

static const struct file_operations null_fops = {
	.read = null_read, .write = null_write, .llseek = null_lseek,
};
static const struct file_operations zero_fops = {
	.read = zero_read, .write = null_write, .llseek = null_lseek,
};

/* Character devices by number (Documentation/admin-guide/devices.txt). */
static const struct chrdev {
	u32 major, minor;
	const struct file_operations *fops;
	unsigned int fmode_extra;
} chrdevs[] = {
	{ 1, 3, &null_fops, FMODE_PREAD },
	{ 1, 5, &zero_fops, FMODE_PREAD },
	{ 5, 0, &console_fops, 0 },		/* /dev/tty: the console is every task's tty */
	{ 5, 1, &console_fops, 0 },		/* /dev/console */
};

static const struct chrdev *chrdev_find(u32 rdev)
{
	for (size_t i = 0; i < ARRAY_SIZE(chrdevs); i++)
		if (MAJOR(rdev) == chrdevs[i].major && MINOR(rdev) == chrdevs[i].minor)
			return &chrdevs[i];
	return NULL;
}

/* ---- files and directories of the archive ---- */

static void initramfs_kstat(const struct initramfs_entry *e, struct kstat *st)
{
	memset(st, 0, sizeof(*st));
	st->ino = initramfs_index(e) + 1;
	st->dev = ROOTFS_DEV;
	st->mode = e->mode;
	st->nlink = e->nlink ? e->nlink : 1;
	st->rdev = e->rdev;
	st->size = e->size;
	st->blksize = 4096;
	st->blocks = DIV_ROUND_UP(e->size, 4096) * 8;
	st->mtime = e->mtime;
}

static ssize_t initramfs_read(struct file *f, char *ubuf, size_t count, loff_t *pos)
{
	return simple_read_from_buffer(ubuf, count, pos, f->f_entry->data, f->f_entry->size);
}

static loff_t initramfs_llseek(struct file *f, loff_t offset, int whence)
{
	return generic_llseek_size(f, offset, whence, f->f_entry->size);
}

static const struct file_operations initramfs_file_fops = {
	.read = initramfs_read,
	.llseek = initramfs_llseek,
};

static ssize_t dir_read(struct file *f, char *ubuf, size_t count, loff_t *pos)
{
	return -EISDIR;
}

/*
 * Directory positions: 0 is ".", 1 is "..", 2 + i is the archive entry
 * of table index i. d_off is the position of the next entry.
 */
static long initramfs_getdents64(struct file *f, struct linux_dirent64 *udirent, unsigned int count)
{
	struct dir_context ctx = { .ubuf = (char *)udirent, .left = count };
	const struct initramfs_entry *dir = f->f_entry, *e;
	unsigned long i;

	if (f->f_pos == 0) {
		if (!dir_emit(&ctx, ".", 1, initramfs_index(dir) + 1, DT_DIR, 1))
			goto out;
		f->f_pos = 1;
	}
	if (f->f_pos == 1) {
		if (!dir_emit(&ctx, "..", 2, initramfs_index(initramfs_parent(dir)) + 1, DT_DIR, 2))
			goto out;
		f->f_pos = 2;
	}
	for (i = f->f_pos - 2; (e = initramfs_next_child(dir, &i)); i++) {
		if (!dir_emit(&ctx, e->base, strlen(e->base), i + 1, S_DT(e->mode), i + 3))
			goto out;
		f->f_pos = i + 3;
	}
out:
	return dir_context_result(&ctx);
}

static const struct file_operations initramfs_dir_fops = {
	.read = dir_read,
	.llseek = dir_llseek,
	.getdents64 = initramfs_getdents64,
};

/* O_PATH: a descriptor that only names a file (fstat, dup, *at() dfd). */
static const struct file_operations path_fops;

/* ---- path lookup (Linux: fs/namei.c) ---- */

/* Copy a user path in: -EFAULT, -ENAMETOOLONG, or -ENOENT for "" unless empty_ok. */
static char *getname(const char *upath, bool empty_ok, long *err)
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
	else if (len == 0 && !empty_ok)
		*err = -ENOENT;
	else
		return name;
	kfree(name);
	return NULL;
}

/* The state of one lookup (Linux: struct nameidata). */
struct nameidata {
	struct path_walk w;		/* w.path: the resolved path */
	struct kstat stat;		/* of what it names */
	struct procfs_node proc;	/* valid when w.entry is NULL */
};

/* initramfs_walk's overlay: /proc and /sys belong to procfs. */
static int procfs_overlay(const char *path)
{
	struct procfs_node n;

	if (!procfs_owns(path))
		return 0;
	return procfs_lookup(path, &n) ? -ENOENT : (int)(n.stat.mode & S_IFMT);
}

static int nameidata_init(struct nameidata *nd)
{
	memset(nd, 0, sizeof(*nd));
	nd->w.path = kmalloc(PATH_MAX, GFP_KERNEL);
	nd->w.rest = kmalloc(PATH_MAX, GFP_KERNEL);
	nd->w.overlay = procfs_overlay;
	return nd->w.path && nd->w.rest ? 0 : -ENOMEM;
}

static void nameidata_free(struct nameidata *nd)
{
	kfree(nd->w.path);
	kfree(nd->w.rest);
}

/*
 * Resolve name relative to dfd (ignored for an absolute name, as Linux
 * does even when dfd is not open). Fills nd->stat. nd must be initialized.
 */
static int path_lookupat(int dfd, const char *name, unsigned int walk_flags, struct nameidata *nd)
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

/* ---- open ---- */

static char *kstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = kmalloc(n, GFP_KERNEL);

	if (p)
		memcpy(p, s, n);
	return p;
}

/* O_CREAT of a name that does not exist: Pagoda creates nothing. */
static long create_error(const char *path)
{
	return procfs_owns(path) ? procfs_create_error(path, true) : -EROFS;
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
		f->f_path = kstrdup(nd->w.path);
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
	char *name = getname(upath, false, &err);
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
	fd_install(current, fd, f, flags & O_CLOEXEC);
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
	fd_install(t, 0, f, false);
	fd_install(t, 1, get_file(f), false);
	fd_install(t, 2, get_file(f), false);
}

/* ---- read and write (Linux: fs/read_write.c) ---- */

static ssize_t vfs_read(struct file *f, char *buf, size_t count, loff_t *pos)
{
	if (!(f->f_mode & FMODE_READ))
		return -EBADF;
	if (!f->f_op->read)
		return -EINVAL;
	if (!access_ok((unsigned long)buf, count))
		return -EFAULT;
	if (count > MAX_RW_COUNT)
		count = MAX_RW_COUNT;
	return f->f_op->read(f, buf, count, pos);
}

static ssize_t vfs_write(struct file *f, const char *buf, size_t count, loff_t *pos)
{
	if (!(f->f_mode & FMODE_WRITE))
		return -EBADF;
	if (!f->f_op->write)
		return -EINVAL;
	if (!access_ok((unsigned long)buf, count))
		return -EFAULT;
	if (count > MAX_RW_COUNT)
		count = MAX_RW_COUNT;
	return f->f_op->write(f, buf, count, pos);
}

long sys_read(unsigned int fd, char *buf, size_t count)
{
	struct file *f = fcheck_io(fd);

	return f ? vfs_read(f, buf, count, &f->f_pos) : -EBADF;
}

long sys_write(unsigned int fd, const char *buf, size_t count)
{
	struct file *f = fcheck_io(fd);

	return f ? vfs_write(f, buf, count, &f->f_pos) : -EBADF;
}

long sys_pread64(unsigned int fd, char *buf, size_t count, loff_t pos)
{
	struct file *f;

	if (pos < 0)
		return -EINVAL;
	f = fcheck_io(fd);
	if (!f)
		return -EBADF;
	if (!(f->f_mode & FMODE_PREAD))
		return -ESPIPE;
	return vfs_read(f, buf, count, &pos);
}

long sys_pwrite64(unsigned int fd, const char *buf, size_t count, loff_t pos)
{
	struct file *f;

	if (pos < 0)
		return -EINVAL;
	f = fcheck_io(fd);
	if (!f)
		return -EBADF;
	if (!(f->f_mode & FMODE_PREAD))
		return -ESPIPE;
	return vfs_write(f, buf, count, &pos);
}

/*
 * readv/writev. As Linux's import_iovec(), every iovec is checked before
 * any I/O: more than UIO_MAXIOV gives EINVAL, an unreadable array EFAULT,
 * a length above SSIZE_MAX EINVAL, a base that is not a user address
 * EFAULT; the total is capped at MAX_RW_COUNT. Then the pieces move in
 * order and a short piece ends the call with the bytes moved so far.
 */
#define IOV_BATCH 16

static ssize_t iov_check(const struct iovec *uvec, unsigned long vlen)
{
	struct iovec iov[IOV_BATCH];
	size_t total = 0;

	for (unsigned long i = 0; i < vlen; i += IOV_BATCH) {
		unsigned long n = min(vlen - i, (unsigned long)IOV_BATCH);

		if (copy_from_user(iov, uvec + i, n * sizeof(iov[0])))
			return -EFAULT;
		for (unsigned long j = 0; j < n; j++) {
			ssize_t len = (ssize_t)iov[j].iov_len;

			if (len < 0)
				return -EINVAL;
			if (!access_ok((unsigned long)iov[j].iov_base, len))
				return -EFAULT;
			total += min((size_t)len, MAX_RW_COUNT - total);
		}
	}
	return total;
}

static ssize_t do_iter_rw(struct file *f, const struct iovec *uvec, unsigned long vlen,
			  loff_t *pos, bool write)
{
	struct iovec iov[IOV_BATCH];
	size_t done = 0;
	ssize_t ret = iov_check(uvec, vlen);

	if (ret <= 0)
		return ret;
	for (unsigned long i = 0; i < vlen && done < MAX_RW_COUNT; i += IOV_BATCH) {
		unsigned long n = min(vlen - i, (unsigned long)IOV_BATCH);

		if (copy_from_user(iov, uvec + i, n * sizeof(iov[0])))
			return done ? (ssize_t)done : -EFAULT;
		for (unsigned long j = 0; j < n; j++) {
			size_t len = min(iov[j].iov_len, MAX_RW_COUNT - done);

			if (!len)
				continue;
			if (!access_ok((unsigned long)iov[j].iov_base, len))
				return done ? (ssize_t)done : -EFAULT;
			ret = write ? f->f_op->write(f, iov[j].iov_base, len, pos)
				    : f->f_op->read(f, iov[j].iov_base, len, pos);
			if (ret < 0)
				return done ? (ssize_t)done : ret;
			done += ret;
			if ((size_t)ret < len)
				return done;
		}
	}
	return done;
}

static long do_readv_writev(unsigned long fd, const struct iovec *vec, unsigned long vlen, bool write)
{
	struct file *f = fd < NR_OPEN_DEFAULT ? fcheck_io(fd) : NULL;

	if (!f)
		return -EBADF;
	if (!(f->f_mode & (write ? FMODE_WRITE : FMODE_READ)))
		return -EBADF;
	if (write ? !f->f_op->write : !f->f_op->read)
		return -EINVAL;
	if (vlen > UIO_MAXIOV)
		return -EINVAL;
	return do_iter_rw(f, vec, vlen, &f->f_pos, write);
}

long sys_readv(unsigned long fd, const struct iovec *vec, unsigned long vlen)
{
	return do_readv_writev(fd, vec, vlen, false);
}

long sys_writev(unsigned long fd, const struct iovec *vec, unsigned long vlen)
{
	return do_readv_writev(fd, vec, vlen, true);
}

long sys_lseek(unsigned int fd, loff_t offset, unsigned int whence)
{
	struct file *f = fcheck_io(fd);

	if (!f)
		return -EBADF;
	if (whence > SEEK_HOLE)
		return -EINVAL;
	if (!f->f_op->llseek)
		return -ESPIPE;
	return f->f_op->llseek(f, offset, whence);
}

/* ---- ioctl, fcntl, dup (Linux: fs/ioctl.c, fs/fcntl.c, fs/file.c) ---- */

long sys_ioctl(unsigned int fd, unsigned int cmd, unsigned long arg)
{
	struct file *f = fcheck_io(fd);
	int on;

	if (!f)
		return -EBADF;
	switch (cmd) {		/* do_vfs_ioctl(): every file answers these */
	case FIOCLEX:
		set_close_on_exec(current, fd, true);
		return 0;
	case FIONCLEX:
		set_close_on_exec(current, fd, false);
		return 0;
	case FIONBIO:
		if (get_user(on, (int *)arg))
			return -EFAULT;
		f->f_flags = on ? f->f_flags | O_NONBLOCK : f->f_flags & ~O_NONBLOCK;
		return 0;
	case FIONREAD:
		if (S_ISREG(f->f_stat.mode))
			return put_user((int)(f->f_stat.size - f->f_pos), (int *)arg);
		break;
	}
	return f->f_op->ioctl ? f->f_op->ioctl(f, cmd, arg) : -ENOTTY;
}

/* newfd = oldfd's file; newfd is closed first if open (Linux: do_dup2). */
static long do_dup2(unsigned int oldfd, unsigned int newfd, bool cloexec)
{
	struct file *f = fcheck(oldfd);

	if (!f || newfd >= NR_OPEN_DEFAULT)
		return -EBADF;
	get_file(f);
	if (current->files[newfd])
		close_fd(current, newfd);
	fd_install(current, newfd, f, cloexec);
	return newfd;
}

static long dupfd(unsigned int oldfd, unsigned int from, bool cloexec)
{
	struct file *f = fcheck(oldfd);
	int fd;

	if (!f)
		return -EBADF;
	if (from >= NR_OPEN_DEFAULT)
		return -EINVAL;
	fd = get_unused_fd(current, from);
	if (fd < 0)
		return fd;
	fd_install(current, fd, get_file(f), cloexec);
	return fd;
}

long sys_dup(unsigned int fildes)
{
	return dupfd(fildes, 0, false);
}

long sys_dup2(unsigned int oldfd, unsigned int newfd)
{
	if (oldfd == newfd)
		return fcheck(oldfd) ? (long)newfd : -EBADF;
	return do_dup2(oldfd, newfd, false);
}

long sys_dup3(unsigned int oldfd, unsigned int newfd, int flags)
{
	if (flags & ~O_CLOEXEC)
		return -EINVAL;
	if (oldfd == newfd)
		return -EINVAL;
	return do_dup2(oldfd, newfd, flags & O_CLOEXEC);
}

#define SETFL_MASK (O_APPEND | O_NONBLOCK | O_DIRECT | O_NOATIME | 020000 /* FASYNC */)

long sys_fcntl(unsigned int fd, unsigned int cmd, unsigned long arg)
{
	struct file *f = fcheck(fd);

	if (!f)
		return -EBADF;
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		return dupfd(fd, arg, cmd == F_DUPFD_CLOEXEC);
	case F_GETFD:
		return (current->close_on_exec >> fd) & 1 ? FD_CLOEXEC : 0;
	case F_SETFD:
		set_close_on_exec(current, fd, arg & FD_CLOEXEC);
		return 0;
	case F_GETFL:
		return f->f_flags;
	case F_SETFL:
		if (f->f_mode & FMODE_PATH)
			return -EBADF;
		f->f_flags = (f->f_flags & ~SETFL_MASK) | (arg & SETFL_MASK);
		return 0;
	default:
		return -EINVAL;
	}
}

/* ---- stat (Linux: fs/stat.c) ---- */

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

long sys_fstat(unsigned int fd, struct stat *st)
{
	struct file *f = fcheck(fd);

	return f ? cp_new_stat(&f->f_stat, st) : -EBADF;
}

/*
 * Look a user path up for a *at() call with AT_* flags; fills nd. The
 * caller frees nd with nameidata_free() whatever this returns.
 */
static long lookup_at(int dfd, const char *upath, int at_flags, struct nameidata *nd)
{
	long err = nameidata_init(nd);
	char *name;

	if (err)
		return err;
	name = getname(upath, at_flags & AT_EMPTY_PATH, &err);
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

/* ---- directories ---- */

long sys_getdents64(unsigned int fd, struct linux_dirent64 *dirent, unsigned int count)
{
	struct file *f = fcheck_io(fd);

	if (!f)
		return -EBADF;
	if (!f->f_op->getdents64)
		return -ENOTDIR;
	return f->f_op->getdents64(f, dirent, count);
}

/* Pagoda has no current directory: it is always "/". */
long sys_getcwd(char *buf, unsigned long size)
{
	if (size < 2)
		return -ERANGE;
	return copy_to_user(buf, "/", 2) ? -EFAULT : 2;
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
	char *name = getname(upath, false, &err);

	if (!name)
		return err;
	err = nameidata_init(&nd);
	if (!err)
		err = path_lookupat(dfd, name, 0, &nd);
	if (!err)
		err = -EEXIST;
	else if (err == -ENOENT && nd.w.last_missing)
		err = procfs_owns(nd.w.path) ? procfs_create_error(nd.w.path, false) : -EROFS;
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
