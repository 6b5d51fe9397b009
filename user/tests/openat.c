/*
 * openat: open/close of /dev/console and /proc/meminfo, the lowest free
 * fd is reused, an absolute path ignores dfd, close of a bad fd gives
 * EBADF, a missing path ENOENT, a bad path pointer EFAULT.
 */
#include "tap.h"

int main(void)
{
	long fd, fd2, fd3;
	char c;

	fd = sys_openat(AT_FDCWD, "/dev/console", O_WRONLY, 0);
	tap_ok(fd >= 3, "open /dev/console gives an fd >= 3 (%ld)", fd);
	tap_is_long(sys_close((int)fd), 0, "close it");
	tap_is_err(sys_close((int)fd), EBADF, "close it again gives EBADF");

	fd = sys_openat(AT_FDCWD, "/proc/meminfo", O_RDONLY, 0);
	tap_ok(fd >= 3, "open /proc/meminfo (%ld)", fd);
	tap_is_long(sys_read((int)fd, &c, 1), 1, "read a byte from it");
	fd2 = sys_openat(AT_FDCWD, "/proc/meminfo", O_RDONLY, 0);
	tap_ok(fd2 > fd, "a second open gives a higher fd (%ld)", fd2);
	tap_is_long(sys_close((int)fd), 0, "close the first");
	fd3 = sys_openat(AT_FDCWD, "/proc/meminfo", O_RDONLY, 0);
	tap_is_long(fd3, fd, "the lowest free fd is reused");
	tap_is_long(sys_close((int)fd2), 0, "close the second");
	tap_is_long(sys_close((int)fd3), 0, "close the third");

	/* fd is again the lowest free fd. */
	tap_is_long(sys_openat(12345, "/proc/meminfo", O_RDONLY, 0), fd, "an absolute path ignores a bad dfd");
	tap_is_long(sys_close((int)fd), 0, "close it");

	tap_is_err(sys_close(-1), EBADF, "close(-1) gives EBADF");
	tap_is_err(sys_close(1000), EBADF, "close(1000) gives EBADF");
	tap_is_err(sys_openat(AT_FDCWD, "/nonexistent-pagoda-file", O_RDONLY, 0), ENOENT,
		   "missing file gives ENOENT");
	tap_is_err(sys_openat(AT_FDCWD, "/nonexistent-dir/file", O_RDONLY, 0), ENOENT,
		   "missing directory gives ENOENT");
	tap_is_err(sys_openat(AT_FDCWD, (char *)0x10, O_RDONLY, 0), EFAULT, "path at 0x10 gives EFAULT");
	tap_is_err(sys_openat(AT_FDCWD, (char *)0xffffffff80000000UL, O_RDONLY, 0), EFAULT,
		   "kernel path pointer gives EFAULT");
	return tap_done();
}
