/*
 * fs/fcntl.c: fcntl: F_DUPFD, F_GETFD/F_SETFD, F_GETFL/F_SETFL.
 */
#include <fs/fs.h>
#include <fs/internal.h>
#include <kernel/kernel.h>
#include <kernel/errno.h>
#include <kernel/sched.h>

#define SETFL_MASK (O_APPEND | O_NONBLOCK | O_DIRECT | O_NOATIME | 020000 /* FASYNC */)

long sys_fcntl(unsigned int fd, unsigned int cmd, unsigned long arg)
{
	struct file *f = fcheck(fd);

	if (!f)
		return -EBADF;
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		return dupfd(fd, arg, cmd == F_DUPFD_CLOEXEC ? O_CLOEXEC : 0);
	case F_GETFD:
		return (current->files->close_on_exec >> fd) & 1 ? FD_CLOEXEC : 0;
	case F_SETFD:
		if (arg & FD_CLOEXEC)
			__set_close_on_exec(current, fd);
		else
			__clear_close_on_exec(current, fd);
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
