/*
 * ioctl: TIOCGWINSZ on fd 1 either succeeds (a tty: Linux's serial
 * console) or gives ENOTTY (Pagoda's console, or a pipe on a host); on a
 * /proc file it gives ENOTTY; an unknown request on fd 1 ENOTTY; a bad
 * fd EBADF.
 */
#include "tap.h"

int main(void)
{
	struct winsize ws;
	long r, fd;

	r = sys_ioctl(1, TIOCGWINSZ, &ws);
	tap_ok(r == 0 || r == -ENOTTY, "TIOCGWINSZ on fd 1 returns 0 or ENOTTY (%ld)", r);
	fd = sys_openat(AT_FDCWD, "/proc/meminfo", O_RDONLY, 0);
	tap_is_err(sys_ioctl((int)fd, TIOCGWINSZ, &ws), ENOTTY, "TIOCGWINSZ on /proc/meminfo gives ENOTTY");
	sys_close((int)fd);
	tap_is_err(sys_ioctl(1, 0x5401ff, &ws), ENOTTY, "an unknown request gives ENOTTY");
	tap_is_err(sys_ioctl(1000, TIOCGWINSZ, &ws), EBADF, "fd 1000 gives EBADF");
	return tap_done();
}
