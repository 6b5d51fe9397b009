/*
 * segv_unmapped: a child that touches user addresses with nothing mapped
 * dies with SIGSEGV (WTERMSIG == 11), and the parent carries on.
 */
#include "tap.h"

int main(void)
{
	char *gone;

	tap_child_signal(touch_read, (void *)0, SIGSEGV, "reading NULL");
	tap_child_signal(touch_write, (void *)0x10, SIGSEGV, "writing 0x10");
	tap_child_signal(touch_exec, (void *)0x1000, SIGSEGV, "jumping to 0x1000");
	tap_child_signal(touch_read, (void *)0x7ffffffff000UL, SIGSEGV,
			 "reading the last page below TASK_SIZE (0x7ffffffff000)");

	gone = (char *)sys_mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	gone[0] = 1;
	sys_munmap(gone, PAGE_SIZE);
	tap_child_signal(touch_read, gone, SIGSEGV, "reading a page after munmap");
	tap_child_signal(touch_write, gone, SIGSEGV, "writing a page after munmap");
	tap_ok(1, "the parent is still running");
	return tap_done();
}
