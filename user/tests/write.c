/*
 * write: write(2) to the console returns the count, count 0 returns 0,
 * a buffer that crosses a page boundary is copied whole, bad fds and
 * read-only fds give EBADF, bad buffers give EFAULT.
 */
#include "tap.h"

int main(void)
{
	static const char msg[] = "# write: hello from the write test\n";
	static const char cross[] = "# write: this line crosses a page boundary\n";
	long fd;
	char *two;

	tap_is_long(sys_write(1, msg, sizeof(msg) - 1), sizeof(msg) - 1, "write to fd 1 returns the count");
	tap_is_long(sys_write(1, msg, 0), 0, "write of 0 bytes returns 0");

	two = (char *)sys_mmap(NULL, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (tap_ok((long)two > 0, "mmap two pages")) {
		char *p = two + PAGE_SIZE - 20;

		memcpy(p, cross, sizeof(cross) - 1);
		tap_is_long(sys_write(1, p, sizeof(cross) - 1), sizeof(cross) - 1,
			    "write of a buffer across a page boundary");
		sys_munmap(two, 2 * PAGE_SIZE);
	}

	tap_is_err(sys_write(-1, msg, 1), EBADF, "write(-1) gives EBADF");
	tap_is_err(sys_write(1000, msg, 1), EBADF, "write(1000) gives EBADF");
	fd = sys_openat(AT_FDCWD, "/proc/meminfo", O_RDONLY, 0);
	tap_is_err(sys_write((int)fd, msg, 1), EBADF, "write to a read-only fd gives EBADF");
	sys_close((int)fd);

	tap_is_err(sys_write(1, (void *)0xffff888000000000UL, 10), EFAULT, "write from the direct map gives EFAULT");
	tap_is_err(sys_write(1, (void *)0x10, 10), EFAULT, "write from address 0x10 gives EFAULT");
	return tap_done();
}
