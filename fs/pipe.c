/*
 * Pipes (Linux: fs/pipe.c): a ring buffer of PIPE_DEF_BUFFERS pages shared
 * by a read end and a write end, each an open file.
 *
 *   fds[0] --> file (FMODE_READ)  --.
 *                                   +--> pipe_inode_info { buf, head, len, readers, writers }
 *   fds[1] --> file (FMODE_WRITE) --'
 *
 * A reader sleeps while the pipe is empty and a writer exists; a writer
 * sleeps while it is full and a reader exists. Writing with no reader left
 * raises SIGPIPE and fails with EPIPE. Writes of at most PIPE_BUF bytes are
 * atomic. Everything sleeps on the pipe itself (wake_up(pipe)).
 */
#include <fs/fs.h>
#include <kernel/kernel.h>
#include <kernel/errno.h>
#include <kernel/sched.h>
#include <arch/x86_64/uaccess.h>
#include <mm/slab.h>

#define PIPE_DEF_BUFFERS	16			/* pages: Linux's default capacity, 64 KB */
#define PIPE_SIZE		(PIPE_DEF_BUFFERS * PAGE_SIZE)
#define PIPE_BUF		4096			/* atomic write size (POSIX) */
#define PIPE_INO_BASE		0x100000

struct pipe_inode_info {
	char *buf;
	size_t head;		/* where the next byte is read */
	size_t len;		/* bytes in the buffer */
	int readers, writers;	/* open files of each end */
	unsigned long ino;
};

static unsigned long next_pipe_ino = PIPE_INO_BASE;

static struct pipe_inode_info *alloc_pipe_info(void)
{
	struct pipe_inode_info *pipe = kzalloc(sizeof(*pipe), GFP_KERNEL);

	if (!pipe)
		return NULL;
	pipe->buf = kmalloc(PIPE_SIZE, GFP_KERNEL);
	if (!pipe->buf) {
		kfree(pipe);
		return NULL;
	}
	pipe->readers = pipe->writers = 1;
	pipe->ino = next_pipe_ino++;
	return pipe;
}

static void free_pipe_info(struct pipe_inode_info *pipe)
{
	kfree(pipe->buf);
	kfree(pipe);
}

/* Copy up to count bytes out of the ring; returns bytes copied or -EFAULT. */
static ssize_t pipe_copy_out(struct pipe_inode_info *pipe, char *ubuf, size_t count)
{
	size_t done = 0;

	while (done < count && pipe->len) {
		size_t chunk = min(min(count - done, pipe->len), PIPE_SIZE - pipe->head);

		if (copy_to_user(ubuf + done, pipe->buf + pipe->head, chunk))
			return done ? (ssize_t)done : -EFAULT;
		pipe->head = (pipe->head + chunk) % PIPE_SIZE;
		pipe->len -= chunk;
		done += chunk;
	}
	return done;
}

static ssize_t pipe_copy_in(struct pipe_inode_info *pipe, const char *ubuf, size_t count)
{
	size_t done = 0;

	while (done < count && pipe->len < PIPE_SIZE) {
		size_t tail = (pipe->head + pipe->len) % PIPE_SIZE;
		size_t chunk = min(min(count - done, PIPE_SIZE - pipe->len), PIPE_SIZE - tail);

		if (copy_from_user(pipe->buf + tail, ubuf + done, chunk))
			return done ? (ssize_t)done : -EFAULT;
		pipe->len += chunk;
		done += chunk;
	}
	return done;
}

static ssize_t pipe_read(struct file *f, char *ubuf, size_t count, loff_t *pos)
{
	struct pipe_inode_info *pipe = f->private_data;
	ssize_t ret;

	if (!count)
		return 0;
	while (!pipe->len) {
		if (!pipe->writers)
			return 0;		/* end of file */
		if (f->f_flags & O_NONBLOCK)
			return -EAGAIN;
		if (sleep_on(pipe, 0))
			return -ERESTARTSYS;
	}
	ret = pipe_copy_out(pipe, ubuf, count);
	wake_up(pipe);
	return ret;
}

static ssize_t pipe_write(struct file *f, const char *ubuf, size_t count, loff_t *pos)
{
	struct pipe_inode_info *pipe = f->private_data;
	kernel_siginfo_t info = { .si_signo = SIGPIPE, .si_code = SI_USER };
	size_t done = 0;

	while (done < count) {
		size_t room = PIPE_SIZE - pipe->len;
		ssize_t n;

		if (!pipe->readers) {
			info.kill.si_pid = current->pid;
			send_signal(current, SIGPIPE, &info, PIDTYPE_PID);
			return done ? (ssize_t)done : -EPIPE;
		}
		/* A write of up to PIPE_BUF bytes goes in whole or waits. */
		if (!room || (count <= PIPE_BUF && room < count)) {
			if (f->f_flags & O_NONBLOCK)
				return done ? (ssize_t)done : -EAGAIN;
			if (sleep_on(pipe, 0))
				return done ? (ssize_t)done : -ERESTARTSYS;
			continue;
		}
		n = pipe_copy_in(pipe, ubuf + done, count - done);
		wake_up(pipe);
		if (n < 0)
			return done ? (ssize_t)done : n;
		done += n;
	}
	return done;
}

static long pipe_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	struct pipe_inode_info *pipe = f->private_data;

	if (cmd == FIONREAD)
		return put_user((int)pipe->len, (int *)arg) ? -EFAULT : 0;
	return -ENOTTY;
}

static void pipe_release(struct file *f)
{
	struct pipe_inode_info *pipe = f->private_data;

	if (f->f_mode & FMODE_READ)
		pipe->readers--;
	if (f->f_mode & FMODE_WRITE)
		pipe->writers--;
	wake_up(pipe);
	if (!pipe->readers && !pipe->writers)
		free_pipe_info(pipe);
}

static const struct file_operations pipefifo_fops = {
	.read = pipe_read,
	.write = pipe_write,
	.ioctl = pipe_ioctl,
	.release = pipe_release,
};

static struct file *pipe_file(struct pipe_inode_info *pipe, unsigned int flags)
{
	struct file *f = alloc_file(&pipefifo_fops, flags);

	if (!f)
		return NULL;
	f->private_data = pipe;
	f->f_stat.mode = S_IFIFO | 0600;
	f->f_stat.ino = pipe->ino;
	f->f_stat.dev = MKDEV(0, 12);	/* pipefs */
	f->f_stat.nlink = 1;
	f->f_stat.blksize = PAGE_SIZE;
	return f;
}

long do_pipe2(int *ufds, int flags)
{
	struct pipe_inode_info *pipe;
	struct file *files[2];
	int fds[2];

	if (flags & ~(O_CLOEXEC | O_NONBLOCK | O_DIRECT))
		return -EINVAL;
	pipe = alloc_pipe_info();
	if (!pipe)
		return -ENFILE;
	files[0] = pipe_file(pipe, O_RDONLY | (flags & O_NONBLOCK));
	files[1] = pipe_file(pipe, O_WRONLY | (flags & O_NONBLOCK));
	if (!files[0] || !files[1]) {
		kfree(files[0]);
		kfree(files[1]);
		free_pipe_info(pipe);
		return -ENFILE;
	}
	fds[0] = get_unused_fd(current, 0);
	fds[1] = fds[0] < 0 ? fds[0] : get_unused_fd(current, fds[0] + 1);
	if (fds[0] < 0 || fds[1] < 0 || copy_to_user(ufds, fds, sizeof(fds))) {
		long err = fds[0] < 0 ? fds[0] : fds[1] < 0 ? fds[1] : -EFAULT;

		fput(files[0]);		/* releasing both ends frees the pipe */
		fput(files[1]);
		return err;
	}
	fd_install(current, fds[0], files[0], flags);
	fd_install(current, fds[1], files[1], flags);
	return 0;
}

long sys_pipe2(int *fds, int flags)
{
	return do_pipe2(fds, flags);
}

long sys_pipe(int *fds)
{
	return do_pipe2(fds, 0);
}
