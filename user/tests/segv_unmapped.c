/*
 * segv_unmapped: a child that touches user addresses with nothing mapped
 * dies with SIGSEGV (WTERMSIG == 11), and the parent carries on: its own
 * page keeps its data and a child that touches nothing bad exits 0.
 */
#include "tap.h"

static void touch_nothing(void *arg __attribute__((unused)))
{
}

int main(void)
{
	char *gone, *kept;

	kept = (char *)sys_mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!tap_ok((long)kept > 0, "mmap the parent's own page (%ld)", (long)kept))
		return tap_done();
	memset(kept, 0x5a, PAGE_SIZE);

	tap_child_signal(touch_read, (void *)0, SIGSEGV, "reading NULL");
	tap_child_signal(touch_write, (void *)0x10, SIGSEGV, "writing 0x10");
	tap_child_signal(touch_exec, (void *)0x1000, SIGSEGV, "jumping to 0x1000");
	tap_child_signal(touch_read, (void *)0x7ffffffff000UL, SIGSEGV,
			 "reading the last page below TASK_SIZE (0x7ffffffff000)");

	gone = (char *)sys_mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (tap_ok((long)gone > 0, "mmap a page to unmap (%ld)", (long)gone)) {
		gone[0] = 1;
		tap_is_long(sys_munmap(gone, PAGE_SIZE), 0, "munmap it");
		tap_child_signal(touch_read, gone, SIGSEGV, "reading a page after munmap");
		tap_child_signal(touch_write, gone, SIGSEGV, "writing a page after munmap");
	}

	tap_ok(kept[0] == 0x5a && kept[PAGE_SIZE - 1] == 0x5a,
	       "the parent's page still holds its data (0x%x 0x%x)", kept[0], kept[PAGE_SIZE - 1]);
	tap_child_exit(touch_nothing, NULL, 0, "after the faults, a child that touches nothing exits 0");
	return tap_done();
}
