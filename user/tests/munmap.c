/*
 * munmap: unmapping the middle page of a mapping leaves its neighbours
 * intact and makes the hole fault (SIGSEGV in a child); unmapping a hole
 * is not an error; an unaligned start, len 0 or a kernel range is EINVAL.
 */
#include "tap.h"

int main(void)
{
	unsigned char *p;
	long r;

	p = (unsigned char *)sys_mmap(NULL, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE,
				      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!tap_ok((long)p > 0, "mmap 4 pages"))
		return tap_done();
	for (int i = 0; i < 4; i++)
		p[i * PAGE_SIZE] = (unsigned char)(0xa0 + i);

	tap_is_err(sys_munmap(p + 1, PAGE_SIZE), EINVAL, "unaligned start gives EINVAL");
	tap_is_err(sys_munmap(p, 0), EINVAL, "len 0 gives EINVAL");
	tap_is_err(sys_munmap((void *)0xffff888000000000UL, PAGE_SIZE), EINVAL, "a kernel range gives EINVAL");

	tap_is_long(sys_munmap(p + PAGE_SIZE, PAGE_SIZE), 0, "unmap the second page");
	tap_ok(p[0] == 0xa0 && p[2 * PAGE_SIZE] == 0xa2 && p[3 * PAGE_SIZE] == 0xa3,
	       "pages 0, 2 and 3 keep their data");
	p[3 * PAGE_SIZE + 5] = 1;
	tap_child_signal(touch_read, p + PAGE_SIZE, SIGSEGV, "reading the hole gives SIGSEGV");
	tap_child_signal(touch_write, p + PAGE_SIZE + 100, SIGSEGV, "writing the hole gives SIGSEGV");
	tap_is_long(sys_munmap(p + PAGE_SIZE, PAGE_SIZE), 0, "unmapping the hole again returns 0");

	r = sys_munmap(p, 4 * PAGE_SIZE);
	tap_is_long(r, 0, "unmap a range with a hole in it");
	tap_child_signal(touch_read, p, SIGSEGV, "reading the first page now gives SIGSEGV");
	tap_child_signal(touch_write, p + 3 * PAGE_SIZE, SIGSEGV, "writing the last page now gives SIGSEGV");
	return tap_done();
}
