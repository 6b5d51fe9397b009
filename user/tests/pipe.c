/*
 * pipe and pipe2: data through a pipe, across fork; end of file when the
 * last writer closes; EPIPE and SIGPIPE with no reader; O_NONBLOCK's
 * EAGAIN on an empty and on a full pipe (Linux's capacity: 64 KB); bad
 * flags and bad pointers.
 */
#include "mmtest.h"

#define NR_PIPE		22
#define NR_PIPE2	293
#define NR_FSTAT	5
#define PIPE_CAPACITY	65536

static long sys_pipe(int *fds) { return syscall1(NR_PIPE, fds); }
static long sys_pipe2(int *fds, int flags) { return syscall2(NR_PIPE2, fds, flags); }

static char buf[PIPE_CAPACITY + 1];

static void across_fork(void)
{
	int fds[2], st = -1;
	long pid, n, total = 0;

	tap_is_long(sys_pipe(fds), 0, "pipe");
	pid = sys_fork();
	if (pid == 0) {
		sys_close(fds[0]);
		for (int i = 0; i < 100; i++)
			if (sys_write(fds[1], "0123456789", 10) != 10)
				sys_exit_group(1);
		sys_exit_group(0);		/* the last writer goes: end of file */
	}
	sys_close(fds[1]);
	while ((n = sys_read(fds[0], buf, 7)) > 0)
		total += n;
	tap_is_long(n, 0, "read returns 0 (end of file) once the writer exited");
	tap_is_long(total, 1000, "every byte the child wrote arrived");
	tap_is_long(sys_wait4((int)pid, &st, 0, NULL), pid, "reap the writer");
	tap_is_long(st, 0, "the writer wrote every piece whole");
	sys_close(fds[0]);
}

static void no_reader(void)
{
	struct k_sigaction ign = { .handler = (void *)SIG_IGN };
	int fds[2], st = -1;
	long pid;

	tap_is_long(sys_pipe(fds), 0, "pipe");
	sys_close(fds[0]);
	pid = sys_fork();
	if (pid == 0) {
		sys_write(fds[1], "x", 1);	/* SIGPIPE's default action: death */
		sys_exit_group(0);
	}
	sys_wait4((int)pid, &st, 0, NULL);
	tap_is_long(st & 0x7f, 13, "writing with no reader kills with SIGPIPE");
	sys_rt_sigaction(13, &ign, NULL);
	tap_is_long(sys_write(fds[1], "x", 1), -EPIPE, "with SIGPIPE ignored the write gives EPIPE");
	sys_close(fds[1]);
}

static void nonblocking(void)
{
	int fds[2];
	char c;

	tap_is_long(sys_pipe2(fds, O_NONBLOCK), 0, "pipe2(O_NONBLOCK)");
	tap_is_long(sys_read(fds[0], &c, 1), -EAGAIN, "read of an empty pipe gives EAGAIN");
	memset(buf, 'z', sizeof(buf));
	tap_is_long(sys_write(fds[1], buf, PIPE_CAPACITY), PIPE_CAPACITY, "64 KB fit in the pipe");
	tap_is_long(sys_write(fds[1], buf, 1), -EAGAIN, "one more byte gives EAGAIN");
	tap_is_long(sys_read(fds[0], buf, sizeof(buf)), PIPE_CAPACITY, "read the 64 KB back");
	tap_ok(buf[0] == 'z' && buf[PIPE_CAPACITY - 1] == 'z', "the data is intact");
	sys_close(fds[0]);
	sys_close(fds[1]);
}

int main(void)
{
	int fds[2];
	char out[8] = { 0 };
	unsigned int st_mode;
	char st[144];

	tap_is_long(sys_pipe(fds), 0, "pipe returns 0");
	tap_ok(fds[0] >= 0 && fds[1] > fds[0], "two new descriptors, read end first (%d, %d)", fds[0], fds[1]);
	tap_is_long(sys_write(fds[1], "hello", 5), 5, "write 5 bytes");
	tap_is_long(sys_read(fds[0], out, sizeof(out)), 5, "read returns the 5 bytes");
	tap_is_str(out, "hello", "the same bytes");
	tap_is_long(sys_write(fds[0], "x", 1), -EBADF, "writing the read end gives EBADF");
	tap_is_long(syscall2(NR_FSTAT, fds[0], st), 0, "fstat the read end");
	memcpy(&st_mode, st + 24, sizeof(st_mode));
	tap_is_long(st_mode & 0170000, 0010000, "it is a FIFO (S_IFIFO)");
	sys_close(fds[0]);
	sys_close(fds[1]);

	across_fork();
	no_reader();
	nonblocking();
	tap_is_long(sys_pipe2(fds, 0x1), -EINVAL, "pipe2 with a bad flag gives EINVAL");
	tap_is_long(sys_pipe((int *)0x10), -EFAULT, "pipe into a bad pointer gives EFAULT");
	return tap_done();
}
