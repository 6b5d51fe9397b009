/*
 * fs/file.c: the fd table of a task (64 slots, Linux: RLIMIT_NOFILE 1024)
 * and the calls that copy descriptors: dup, dup2, dup3.
 *
 *   t->files[fd] -> struct file      shared after fork (dup_files)
 *   t->close_on_exec                 one bit per fd (O_CLOEXEC, FD_CLOEXEC)
 *
 * The table is changed only by its own task, or by fork before the child runs.
 */
#include <fs/fs.h>
#include <fs/internal.h>
#include <kernel/kernel.h>
#include <kernel/errno.h>
#include <kernel/sched.h>
#include <lib/string.h>
#include <arch/x86_64/uaccess.h>
#include <mm/slab.h>

struct file *fcheck(unsigned int fd)
{
	if (fd >= NR_OPEN_DEFAULT)
		return NULL;
	return current->files[fd];
}

/* The file at fd for an I/O call: O_PATH descriptors do not count (EBADF). */
struct file *fcheck_io(unsigned int fd)
{
	struct file *f = fcheck(fd);

	return f && !(f->f_mode & FMODE_PATH) ? f : NULL;
}

void __set_close_on_exec(struct task_struct *t, unsigned int fd)
{
	t->close_on_exec |= 1UL << fd;
}

void __clear_close_on_exec(struct task_struct *t, unsigned int fd)
{
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

void fd_install(struct task_struct *t, unsigned int fd, struct file *f, unsigned int flags)
{
	t->files[fd] = f;
	if (flags & O_CLOEXEC)
		__set_close_on_exec(t, fd);
	else
		__clear_close_on_exec(t, fd);
}

int close_fd(struct task_struct *t, unsigned int fd)
{
	struct file *f;

	if (fd >= NR_OPEN_DEFAULT || !t->files[fd])
		return -EBADF;
	f = t->files[fd];
	t->files[fd] = NULL;
	__clear_close_on_exec(t, fd);
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

/* newfd = oldfd's file; newfd is closed first if open (Linux: do_dup2). */
static long do_dup2(unsigned int oldfd, unsigned int newfd, unsigned int flags)
{
	struct file *f = fcheck(oldfd);

	if (!f || newfd >= NR_OPEN_DEFAULT)
		return -EBADF;
	get_file(f);
	if (current->files[newfd])
		close_fd(current, newfd);
	fd_install(current, newfd, f, flags);
	return newfd;
}

long dupfd(unsigned int oldfd, unsigned int from, unsigned int flags)
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
	fd_install(current, fd, get_file(f), flags);
	return fd;
}

long sys_dup(unsigned int fildes)
{
	return dupfd(fildes, 0, 0);
}

long sys_dup2(unsigned int oldfd, unsigned int newfd)
{
	if (oldfd == newfd)
		return fcheck(oldfd) ? (long)newfd : -EBADF;
	return do_dup2(oldfd, newfd, 0);
}

long sys_dup3(unsigned int oldfd, unsigned int newfd, int flags)
{
	if (flags & ~O_CLOEXEC)
		return -EINVAL;
	if (oldfd == newfd)
		return -EINVAL;
	return do_dup2(oldfd, newfd, flags);
}
