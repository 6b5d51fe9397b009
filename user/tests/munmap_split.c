/*
 * munmap_split: unmapping pages 3-4 of an 8-page mapping splits its VMA in
 * two: pages 0-2 and 5-7 keep their data and stay readable and writable
 * (checked in children, so a wrong PTE kills a child, not the test), pages
 * 3 and 4 fault with SIGSEGV on read and on write, and pagemap shows them
 * absent.  The hole can be mapped again with MAP_FIXED_NOREPLACE and comes
 * back zeroed; splitting again (page 6) and unmapping everything works.
 */
#include "mmtest.h"

#define NPAGES 8

static unsigned char *p;

/* Child body: page i holds its pattern, and a write to it sticks. */
static void rw_page(void *arg)
{
	long i = (long)arg;
	volatile unsigned char *q = p + i * PAGE_SIZE;

	if (q[0] != (unsigned char)(0x30 + i) || q[PAGE_SIZE - 1] != (unsigned char)(0x30 + i))
		sys_exit_group(1);
	q[7] = 0xee;
	if (q[7] != 0xee)
		sys_exit_group(2);
}

static int pages_ok(const int *idx, int n)
{
	for (int k = 0; k < n; k++) {
		unsigned char *q = p + idx[k] * PAGE_SIZE;

		if (q[0] != (unsigned char)(0x30 + idx[k]) || q[PAGE_SIZE - 1] != (unsigned char)(0x30 + idx[k]))
			return 0;
	}
	return 1;
}

int main(void)
{
	static const int kept[] = { 0, 1, 2, 5, 6, 7 };
	int present = 1;
	long r;

	p = (unsigned char *)sys_mmap(NULL, NPAGES * PAGE_SIZE, PROT_READ | PROT_WRITE,
				      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!tap_ok((long)p > 0, "mmap %d pages", NPAGES))
		return tap_done();
	for (int i = 0; i < NPAGES; i++)
		memset(p + i * PAGE_SIZE, 0x30 + i, PAGE_SIZE);

	tap_is_long(sys_munmap(p + 3 * PAGE_SIZE, 2 * PAGE_SIZE), 0, "munmap pages 3-4");
	for (int k = 0; k < 6; k++)
		tap_child_exit(rw_page, (void *)(long)kept[k], 0, "a child reads and writes page %d", kept[k]);
	tap_child_signal(touch_read, p + 3 * PAGE_SIZE, SIGSEGV, "reading page 3 gives SIGSEGV");
	tap_child_signal(touch_write, p + 3 * PAGE_SIZE + 8, SIGSEGV, "writing page 3 gives SIGSEGV");
	tap_child_signal(touch_read, p + 5 * PAGE_SIZE - 1, SIGSEGV, "reading the last byte of page 4 gives SIGSEGV");
	tap_child_signal(touch_write, p + 4 * PAGE_SIZE, SIGSEGV, "writing page 4 gives SIGSEGV");
	tap_ok(pages_ok(kept, 6), "the parent's pages 0-2 and 5-7 keep their data");
	for (int k = 0; k < 6; k++)
		present &= page_pfn(0, p + kept[k] * PAGE_SIZE) != 0;
	tap_ok(present, "pagemap: pages 0-2 and 5-7 are present");
	tap_ok(page_pfn(0, p + 3 * PAGE_SIZE) == 0 && page_pfn(0, p + 4 * PAGE_SIZE) == 0,
	       "pagemap: pages 3 and 4 are not");
	p[2 * PAGE_SIZE + 10] = 1;
	p[5 * PAGE_SIZE + 10] = 1;
	tap_ok(p[2 * PAGE_SIZE + 10] == 1 && p[5 * PAGE_SIZE + 10] == 1, "the parent writes on both sides of the hole");

	/* Fill the hole again. */
	r = sys_mmap(p + 3 * PAGE_SIZE, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	tap_is_long(r, (long)(p + 3 * PAGE_SIZE), "MAP_FIXED_NOREPLACE maps the hole again at its address");
	tap_ok(p[3 * PAGE_SIZE] == 0 && p[5 * PAGE_SIZE - 1] == 0, "the new pages read as zero");
	p[4 * PAGE_SIZE] = 0x34;
	tap_ok(p[4 * PAGE_SIZE] == 0x34, "and can be written");

	/* Split once more, then unmap the lot in one call. */
	tap_is_long(sys_munmap(p + 6 * PAGE_SIZE, PAGE_SIZE), 0, "munmap page 6");
	tap_child_signal(touch_read, p + 6 * PAGE_SIZE, SIGSEGV, "reading page 6 gives SIGSEGV");
	tap_child_exit(rw_page, (void *)7L, 0, "page 7 still works");
	tap_is_long(sys_munmap(p, NPAGES * PAGE_SIZE), 0, "munmap all 8 pages (across the hole)");
	tap_child_signal(touch_read, p, SIGSEGV, "reading page 0 gives SIGSEGV");
	tap_child_signal(touch_read, p + 7 * PAGE_SIZE, SIGSEGV, "reading page 7 gives SIGSEGV");
	tap_ok(page_pfn(0, p) == 0 && page_pfn(0, p + 7 * PAGE_SIZE) == 0, "pagemap: nothing is present any more");
	return tap_done();
}
