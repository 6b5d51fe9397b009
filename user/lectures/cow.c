/*
 * cow.c - /lectures/cow, the scenario of `make lecture L=cow` (pid 1).
 *
 * 4 KB copy-on-write, one page at COW_ADDR:
 *   1. the parent writes the page: its first fault (do_anonymous_page);
 *   2. fork: copy_page_range write-protects the parent's PTE and maps the
 *      same frame read-only in the child (mapcount 2);
 *   3. the child writes: do_wp_page -> wp_page_copy gives it a new frame;
 *   4. the child exits; the parent writes: do_wp_page finds mapcount 1
 *      and reuses its frame (page_move_anon_rmap).
 * tools/gdb/lectures/cow.lecture stops on these steps.
 */
#include "lecture.h"

#define COW_ADDR 0x10000000UL

int main(void)
{
	unsigned char *page;
	long pid;
	int status = -1;

	lecture_setup();
	page = lecture_map(COW_ADDR, PAGE_SIZE);
	if (!page) {
		printf("lecture cow: mmap at 0x%lx failed\n", COW_ADDR);
		lecture_done("cow");
	}
	page[0] = 'P';
	printf("lecture cow: parent (pid %ld) wrote 'P' at %p, frame 0x%lx\n",
	       sys_getpid(), page, (unsigned long)page_pfn(0, page));
	pid = sys_fork();
	if (pid == 0) {
		page[0] = 'C';                          /* the COW copy */
		sys_exit_group(page[0] == 'C' ? 0 : 1);
	}
	if (pid < 0 || sys_wait4((int)pid, &status, 0, NULL) != pid || status != 0)
		printf("lecture cow: the child failed (pid %ld, status 0x%x)\n", pid, status);
	page[1] = 'p';                                  /* the COW reuse */
	printf("lecture cow: the child wrote 'C' and exited; the parent reads '%c' and wrote again, frame 0x%lx\n",
	       page[0], (unsigned long)page_pfn(0, page));
	lecture_done("cow");
}
