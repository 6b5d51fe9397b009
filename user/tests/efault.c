/*
 * efault: every class of bad user pointer gives EFAULT from read and
 * write, and never a crash: low addresses, an unmapped user page, the
 * direct map, the kernel image, non-canonical addresses, and (for read)
 * a read-only page.  The kernel must not write through any of them.
 */
#include "tap.h"

static const struct {
	unsigned long addr;
	const char *what;
} bad[] = {
	{ 0x0UL, "NULL" },
	{ 0x10UL, "0x10" },
	{ 0xffff888000000000UL, "the direct map" },
	{ 0xffffffff80000000UL, "the kernel image" },
	{ 0x0000800000000000UL, "the first non-canonical address" },
	{ 0x8000000000000000UL, "a non-canonical address" },
	{ 0xfffffffffffff000UL, "the last page" },
};

int main(void)
{
	long fd;
	char *gone, *ro;

	fd = sys_openat(AT_FDCWD, "/proc/meminfo", O_RDONLY, 0);
	if (!tap_ok(fd >= 0, "open /proc/meminfo"))
		return tap_done();
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		tap_is_err(sys_write(1, (void *)bad[i].addr, 10), EFAULT, "write from %s gives EFAULT", bad[i].what);
		tap_is_err(sys_read((int)fd, (void *)bad[i].addr, 10), EFAULT, "read into %s gives EFAULT", bad[i].what);
	}

	/* A failed mmap returns -errno, a kernel address: the EFAULTs below would then prove nothing. */
	gone = (char *)sys_mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (tap_ok((long)gone > 0, "mmap a page (%ld)", (long)gone) &&
	    tap_is_long(sys_munmap(gone, PAGE_SIZE), 0, "munmap it")) {
		tap_is_err(sys_write(1, gone, 10), EFAULT, "write from an unmapped page gives EFAULT");
		tap_is_err(sys_read((int)fd, gone, 10), EFAULT, "read into an unmapped page gives EFAULT");
	}

	ro = (char *)sys_mmap(NULL, PAGE_SIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (tap_ok((long)ro > 0, "mmap a PROT_READ page (%ld)", (long)ro)) {
		tap_is_err(sys_read((int)fd, ro, 10), EFAULT, "read into a PROT_READ page gives EFAULT");
		tap_is_long(ro[0], 0, "and the page is unchanged");
	}
	tap_is_long(sys_close((int)fd), 0, "close /proc/meminfo");
	return tap_done();
}
