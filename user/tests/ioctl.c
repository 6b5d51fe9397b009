/*
 * ioctl: TIOCGWINSZ and TCGETS are tty ioctls. Linux answers them on a tty
 * and gives ENOTTY on any other file, so each file has one answer:
 *   - /dev/console, a serial port (ttyS0 on Linux): 0; the winsize is
 *     written all zero (nothing has set a size on the serial line), and
 *     the termios says canonical input with echo (ICANON, ECHO);
 *   - a pipe and /proc/meminfo: ENOTTY;
 * an unknown request gives ENOTTY and a bad fd EBADF.
 */
#include "tap.h"

#define NR_PIPE2 293
#define ICANON	0000002
#define ECHO	0000010

/* The kernel's struct termios, as TCGETS writes it (36 bytes). */
struct kernel_termios {
	unsigned int c_iflag, c_oflag, c_cflag, c_lflag;
	unsigned char c_line;
	unsigned char c_cc[19];
};

static void console_winsize(void)
{
	struct winsize ws;
	struct kernel_termios t;
	long fd = sys_openat(AT_FDCWD, "/dev/console", O_RDWR, 0);
	long r;

	if (fd < 0) {
		tap_diag("cannot open /dev/console (%ld): its TIOCGWINSZ is not checked", fd);
		return;
	}
	memset(&ws, 0xff, sizeof(ws));
	r = sys_ioctl((int)fd, TIOCGWINSZ, &ws);
	tap_is_long(r, 0, "TIOCGWINSZ on /dev/console returns 0");
	tap_ok(ws.ws_row == 0 && ws.ws_col == 0 && ws.ws_xpixel == 0 && ws.ws_ypixel == 0,
	       "the console's winsize is written, all zero (%u %u %u %u)",
	       ws.ws_row, ws.ws_col, ws.ws_xpixel, ws.ws_ypixel);
	memset(&t, 0, sizeof(t));
	tap_is_long(sys_ioctl((int)fd, TCGETS, &t), 0, "TCGETS on /dev/console returns 0");
	tap_ok((t.c_lflag & (ICANON | ECHO)) == (ICANON | ECHO),
	       "the console is in canonical mode with echo (c_lflag 0%o)", t.c_lflag);
	tap_is_err(sys_ioctl((int)fd, TCGETS, (void *)8), EFAULT, "TCGETS to a bad pointer gives EFAULT");
	tap_is_long(sys_close((int)fd), 0, "close /dev/console");
}

static void pipe_winsize(void)
{
	struct winsize ws;
	int fds[2];

	if (!tap_is_long(syscall2(NR_PIPE2, fds, 0), 0, "pipe2"))
		return;
	tap_is_err(sys_ioctl(fds[0], TIOCGWINSZ, &ws), ENOTTY, "TIOCGWINSZ on a pipe's read end gives ENOTTY");
	tap_is_err(sys_ioctl(fds[1], TIOCGWINSZ, &ws), ENOTTY, "TIOCGWINSZ on a pipe's write end gives ENOTTY");
	tap_is_err(sys_ioctl(fds[0], TCGETS, &ws), ENOTTY, "TCGETS on a pipe gives ENOTTY");
	sys_close(fds[0]);
	sys_close(fds[1]);
}

int main(void)
{
	struct winsize ws;
	long fd;

	console_winsize();
	pipe_winsize();
	fd = sys_openat(AT_FDCWD, "/proc/meminfo", O_RDONLY, 0);
	if (tap_ok(fd >= 0, "open /proc/meminfo (%ld)", fd)) {
		tap_is_err(sys_ioctl((int)fd, TIOCGWINSZ, &ws), ENOTTY, "TIOCGWINSZ on /proc/meminfo gives ENOTTY");
		sys_close((int)fd);
	}
	tap_is_err(sys_ioctl(1, 0x5401ff, &ws), ENOTTY, "an unknown request on fd 1 gives ENOTTY");
	tap_is_err(sys_ioctl(1000, TIOCGWINSZ, &ws), EBADF, "fd 1000 gives EBADF");
	return tap_done();
}
