/*
 * fs/file.c: the fd table of a task (64 slots, Linux: RLIMIT_NOFILE 1024)
 * and the calls that copy descriptors: dup, dup2, dup3.
 *
 *   t->files                  struct files_struct: one per process, or
 *                             shared by the threads that clone(CLONE_FILES) made
 *   t->files->fd[fd]          -> struct file, shared after fork (dup_fd)
 *   t->files->close_on_exec   one bit per fd (O_CLOEXEC, FD_CLOEXEC)
 *
 * Linux changes the table under files->file_lock; here every change is a
 * system call's, under the big kernel lock (kernel/smp_lock.h), and no
 * function below sleeps while the table is half changed. Without the big
 * lock, file_lock is needed around every change.
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
	return current->files->fd[fd];
}

/* The file at fd for an I/O call: O_PATH descriptors do not count (EBADF). */
struct file *fcheck_io(unsigned int fd)
{
	struct file *f = fcheck(fd);

	return f && !(f->f_mode & FMODE_PATH) ? f : NULL;
}

void __set_close_on_exec(struct task_struct *t, unsigned int fd)
{
	t->files->close_on_exec |= 1UL << fd;
}

void __clear_close_on_exec(struct task_struct *t, unsigned int fd)
{
	t->files->close_on_exec &= ~(1UL << fd);
}

/* The lowest free fd >= from, or -EMFILE. */
int get_unused_fd(struct task_struct *t, unsigned int from)
{
	for (unsigned int fd = from; fd < NR_OPEN_DEFAULT; fd++)
		if (!t->files->fd[fd])
			return fd;
	return -EMFILE;
}

void fd_install(struct task_struct *t, unsigned int fd, struct file *f, unsigned int flags)
{
	t->files->fd[fd] = f;
	if (flags & O_CLOEXEC)
		__set_close_on_exec(t, fd);
	else
		__clear_close_on_exec(t, fd);
}

int close_fd(struct task_struct *t, unsigned int fd)
{
	struct file *f;

	if (fd >= NR_OPEN_DEFAULT || !t->files->fd[fd])
		return -EBADF;
	f = t->files->fd[fd];
	t->files->fd[fd] = NULL;
	__clear_close_on_exec(t, fd);
	fput(f);
	return 0;
}

/* fork: a new table with every open file of old (Linux: dup_fd); NULL if out of memory. */
struct files_struct *dup_fd(struct files_struct *old)
{
	struct files_struct *files = files_alloc();

	if (!files)
		return NULL;
	for (int fd = 0; fd < NR_OPEN_DEFAULT; fd++)
		files->fd[fd] = old->fd[fd] ? get_file(old->fd[fd]) : NULL;
	files->close_on_exec = old->close_on_exec;
	return files;
}

/* Drop one user of files; the last one closes every file (Linux: put_files_struct). */
static void put_files_struct(struct files_struct *files)
{
	if (!atomic_dec_and_test(&files->count))
		return;
	for (int fd = 0; fd < NR_OPEN_DEFAULT; fd++)
		if (files->fd[fd])
			fput(files->fd[fd]);
	kfree(files);
}

/* A task leaves its table: exit, or a failed clone (Linux: exit_files). */
void exit_files(struct task_struct *t)
{
	struct files_struct *files = t->files;

	if (!files)
		return;
	t->files = NULL;
	put_files_struct(files);
}

/* execve: a table shared with other processes (CLONE_FILES without a group) is copied first (Linux: unshare_files). */
int unshare_files(struct task_struct *t)
{
	struct files_struct *copy;

	if (atomic_read(&t->files->count) == 1)
		return 0;
	copy = dup_fd(t->files);
	if (!copy)
		return -ENOMEM;
	exit_files(t);
	t->files = copy;
	return 0;
}

void do_close_on_exec(struct task_struct *t)
{
	for (int fd = 0; fd < NR_OPEN_DEFAULT; fd++)
		if ((t->files->close_on_exec & (1UL << fd)) && t->files->fd[fd])
			close_fd(t, fd);
	t->files->close_on_exec = 0;
}

/* newfd = oldfd's file; newfd is closed first if open (Linux: do_dup2). */
static long do_dup2(unsigned int oldfd, unsigned int newfd, unsigned int flags)
{
	struct file *f = fcheck(oldfd);

	if (!f || newfd >= NR_OPEN_DEFAULT)
		return -EBADF;
	get_file(f);
	if (current->files->fd[newfd])
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
