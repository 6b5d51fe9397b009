/*
 * fs/ioctl.c: ioctl. The commands every file answers (FIOCLEX, FIONBIO...),
 * then the file's own ioctl, or ENOTTY.
 */
#include <fs/fs.h>
#include <fs/internal.h>
#include <kernel/kernel.h>
#include <kernel/errno.h>
#include <kernel/sched.h>
#include <arch/x86_64/uaccess.h>

long sys_ioctl(unsigned int fd, unsigned int cmd, unsigned long arg)
{
	struct file *f = fcheck_io(fd);
	int on;

	if (!f)
		return -EBADF;
	switch (cmd) {		/* do_vfs_ioctl(): every file answers these */
	case FIOCLEX:
		__set_close_on_exec(current, fd);
		return 0;
	case FIONCLEX:
		__clear_close_on_exec(current, fd);
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
