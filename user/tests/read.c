/*
 * read: read(2) from /proc/meminfo in one go and in 7-byte pieces (the
 * file offset must advance), 0 at end of file, count 0, and bad fds.
 * Bad buffers are in the efault test.
 */
#include "tap.h"

static char whole[8192];
static char pieces[8192];

int main(void)
{
	long fd, n, len = 0, r;

	fd = sys_openat(AT_FDCWD, "/proc/meminfo", O_RDONLY, 0);
	if (!tap_ok(fd >= 0, "open /proc/meminfo"))
		return tap_done();
	n = sys_read((int)fd, whole, sizeof(whole) - 1);
	tap_ok(n > 0 && n < (long)sizeof(whole) - 1, "read returns the whole file (%ld bytes)", n);
	tap_ok(!strncmp(whole, "MemTotal:", 9), "first line is MemTotal:");
	tap_ok(strstr(whole, "\nMemFree:") != NULL, "file has a MemFree: line");
	tap_is_long(sys_read((int)fd, whole, sizeof(whole)), 0, "read at end of file returns 0");
	tap_is_long(sys_read((int)fd, whole, 0), 0, "read of 0 bytes returns 0");
	sys_close((int)fd);

	fd = sys_openat(AT_FDCWD, "/proc/meminfo", O_RDONLY, 0);
	while ((r = sys_read((int)fd, pieces + len, 7)) > 0 && len < (long)sizeof(pieces) - 8)
		len += r;
	tap_is_long(r, 0, "7-byte reads end with 0");
	tap_ok(len > 0 && pieces[len - 1] == '\n', "7-byte reads return whole lines (%ld bytes)", len);
	tap_ok(!strncmp(pieces, "MemTotal:", 9) && strstr(pieces, "\nMemFree:"),
	       "7-byte reads give the same layout");
	sys_close((int)fd);
	tap_is_err(sys_read((int)fd, whole, 10), EBADF, "read after close gives EBADF");

	tap_is_err(sys_read(-1, whole, 10), EBADF, "read(-1) gives EBADF");
	tap_is_err(sys_read(1000, whole, 10), EBADF, "read(1000) gives EBADF");
	fd = sys_openat(AT_FDCWD, "/dev/console", O_WRONLY, 0);
	if (tap_ok(fd >= 0, "open /dev/console write-only")) {
		tap_is_err(sys_read((int)fd, whole, 10), EBADF, "read from a write-only fd gives EBADF");
		sys_close((int)fd);
	}
	return tap_done();
}
