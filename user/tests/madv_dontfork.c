/*
 * madv_dontfork: madvise(MADV_DONTFORK) on part of a mapping leaves that
 * part out of every child: the child gets SIGSEGV touching it, while the
 * rest of the mapping is copied as usual and the parent keeps all of it.
 * MADV_DOFORK puts it back: the next child sees the data.  Bad input:
 * unaligned start EINVAL, a range with a hole ENOMEM.
 */
#include "mmtest.h"

#define NPAGES 3

static unsigned char *p;

/* Child body: exit 0 if every byte of page i holds its pattern, else 1 + i. */
static void check_page(void *arg)
{
	long i = (long)arg;

	for (unsigned long off = 0; off < PAGE_SIZE; off += 512)
		if (p[i * PAGE_SIZE + off] != (unsigned char)(0x60 + i))
			sys_exit_group((int)(1 + i));
}

static void check_all(void *arg)
{
	(void)arg;
	for (long i = 0; i < NPAGES; i++)
		check_page((void *)i);
}

int main(void)
{
	int parent_ok = 1;

	p = (unsigned char *)sys_mmap(NULL, NPAGES * PAGE_SIZE, PROT_READ | PROT_WRITE,
				      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!tap_ok((long)p > 0, "mmap %d pages", NPAGES))
		return tap_done();
	for (int i = 0; i < NPAGES; i++)
		memset(p + i * PAGE_SIZE, 0x60 + i, PAGE_SIZE);

	tap_is_long(sys_madvise(p + PAGE_SIZE, PAGE_SIZE, MADV_DONTFORK), 0, "MADV_DONTFORK on the middle page");
	tap_child_signal(touch_read, p + PAGE_SIZE, SIGSEGV, "a child reading the DONTFORK page gets SIGSEGV");
	tap_child_signal(touch_write, p + PAGE_SIZE + 100, SIGSEGV, "a child writing the DONTFORK page gets SIGSEGV");
	tap_child_exit(check_page, (void *)0, 0, "a child reads page 0 with its data");
	tap_child_exit(check_page, (void *)2, 0, "a child reads page 2 with its data");
	for (unsigned long off = 0; off < NPAGES * PAGE_SIZE; off += 256)
		parent_ok &= p[off] == (unsigned char)(0x60 + off / PAGE_SIZE);
	tap_ok(parent_ok, "the parent still reads all three pages");
	p[PAGE_SIZE + 1] = 0x61;
	tap_ok(p[PAGE_SIZE + 1] == 0x61, "the parent still writes the DONTFORK page");

	tap_is_long(sys_madvise(p + PAGE_SIZE, PAGE_SIZE, MADV_DOFORK), 0, "MADV_DOFORK undoes it");
	tap_child_exit(check_all, NULL, 0, "a child now reads all three pages with their data");

	tap_is_long(sys_madvise(p, NPAGES * PAGE_SIZE, MADV_DONTFORK), 0, "MADV_DONTFORK on the whole mapping");
	tap_child_signal(touch_read, p, SIGSEGV, "a child reading page 0 gets SIGSEGV");
	tap_child_signal(touch_read, p + 2 * PAGE_SIZE, SIGSEGV, "a child reading page 2 gets SIGSEGV");
	tap_is_long(sys_madvise(p, NPAGES * PAGE_SIZE, MADV_DOFORK), 0, "MADV_DOFORK on the whole mapping");
	tap_child_exit(check_all, NULL, 0, "a child reads all three pages again");

	tap_is_err(sys_madvise(p + 1, PAGE_SIZE, MADV_DONTFORK), EINVAL, "unaligned start gives EINVAL");
	tap_is_long(sys_munmap(p + PAGE_SIZE, PAGE_SIZE), 0, "munmap the middle page");
	tap_is_err(sys_madvise(p, NPAGES * PAGE_SIZE, MADV_DONTFORK), ENOMEM, "a range with a hole gives ENOMEM");
	/* Linux applies the advice to the VMAs around the hole anyway. */
	tap_child_signal(touch_read, p, SIGSEGV, "... but page 0 before the hole is DONTFORK now");
	tap_child_signal(touch_read, p + 2 * PAGE_SIZE, SIGSEGV, "... and page 2 after it too");
	return tap_done();
}
