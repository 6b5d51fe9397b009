/*
 * mprotect: changing the protection of the middle of a mapping (a VMA
 * split) is enforced page by page: PROT_READ pages fault on write
 * (SIGSEGV in a child) but keep their data readable, the pages around
 * them stay writable; PROT_NONE pages fault on read too; back to
 * PROT_READ|PROT_WRITE, writes work and the data is intact.  Making a
 * COW-shared page writable again must not let a write reach the frame the
 * child still uses.  Errors: unaligned start EINVAL, an unknown prot bit
 * EINVAL, a range with a hole ENOMEM (the part before the hole is changed
 * anyway), an unmapped range ENOMEM, len 0 returns 0.
 */
#include "mmtest.h"

#define NPAGES 4

static unsigned char *p;

static int page_holds(int i, unsigned char c)
{
	for (unsigned long off = 0; off < PAGE_SIZE; off += 128)
		if (p[i * PAGE_SIZE + off] != c)
			return 0;
	return 1;
}

static void write_page1_then_check(void *arg)
{
	(void)arg;
	p[PAGE_SIZE + 3] = 0x5a;
	if (p[PAGE_SIZE + 3] != 0x5a)
		sys_exit_group(1);
}

struct mailbox {
	volatile long stage;
};

/* A private page shared with a child, made read-only and writable again. */
static void cow_after_mprotect(void)
{
	struct mailbox *mb = mailbox_new(sizeof(*mb));
	unsigned char *q = (unsigned char *)sys_mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE,
						     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int status = -1;
	long pid;

	if (!tap_ok(mb && (long)q > 0, "mmap a page and a mailbox"))
		return;
	q[0] = 'x';
	pid = sys_fork();
	if (pid == 0) {
		if (!mailbox_post_wait(&mb->stage, 1, 2))
			sys_exit_group(2);
		sys_exit_group(q[0] == 'x' ? 0 : 1);
	}
	mailbox_wait(&mb->stage, 1);
	tap_is_long(sys_mprotect(q, PAGE_SIZE, PROT_READ), 0, "while a child shares it: mprotect PROT_READ");
	tap_is_long(sys_mprotect(q, PAGE_SIZE, PROT_READ | PROT_WRITE), 0, "... and back to PROT_READ|PROT_WRITE");
	q[0] = 'y';
	tap_ok(q[0] == 'y', "the parent writes its page");
	mb->stage = 2;
	tap_is_long(sys_wait4((int)pid, &status, 0, NULL), pid, "wait4 reaps the child");
	tap_is_long(status, 0, "the child still reads its own 'x': the write was copy-on-write");
	sys_munmap(q, PAGE_SIZE);
	sys_munmap(mb, PAGE_SIZE);
}

int main(void)
{
	unsigned char *h;

	p = (unsigned char *)sys_mmap(NULL, NPAGES * PAGE_SIZE, PROT_READ | PROT_WRITE,
				      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!tap_ok((long)p > 0, "mmap %d pages read-write", NPAGES))
		return tap_done();
	for (int i = 0; i < NPAGES; i++)
		memset(p + i * PAGE_SIZE, 0x10 + i, PAGE_SIZE);

	/* PROT_READ in the middle. */
	tap_is_long(sys_mprotect(p + PAGE_SIZE, 2 * PAGE_SIZE, PROT_READ), 0, "mprotect pages 1-2 PROT_READ");
	tap_child_signal(touch_write, p + PAGE_SIZE, SIGSEGV, "writing page 1 gives SIGSEGV");
	tap_child_signal(touch_write, p + 3 * PAGE_SIZE - 1, SIGSEGV, "writing the last byte of page 2 gives SIGSEGV");
	tap_ok(page_holds(1, 0x11) && page_holds(2, 0x12), "pages 1-2 are still readable with their data");
	p[0] = 0x20;
	p[3 * PAGE_SIZE] = 0x23;
	tap_ok(p[0] == 0x20 && p[3 * PAGE_SIZE] == 0x23, "pages 0 and 3 are still writable");

	/* PROT_NONE. */
	tap_is_long(sys_mprotect(p + PAGE_SIZE, PAGE_SIZE, PROT_NONE), 0, "mprotect page 1 PROT_NONE");
	tap_child_signal(touch_read, p + PAGE_SIZE, SIGSEGV, "reading page 1 gives SIGSEGV");
	tap_ok(page_holds(2, 0x12), "page 2 (still PROT_READ) reads");

	/* Back to read-write. */
	tap_is_long(sys_mprotect(p, NPAGES * PAGE_SIZE, PROT_READ | PROT_WRITE), 0,
		    "mprotect all 4 pages PROT_READ|PROT_WRITE");
	tap_ok(page_holds(1, 0x11) && page_holds(2, 0x12), "pages 1-2 kept their data through PROT_NONE");
	tap_child_exit(write_page1_then_check, NULL, 0, "a child writes page 1");
	p[PAGE_SIZE] = 0x31;
	p[2 * PAGE_SIZE + 9] = 0x32;
	tap_ok(p[PAGE_SIZE] == 0x31 && p[2 * PAGE_SIZE + 9] == 0x32, "the parent writes pages 1 and 2");

	cow_after_mprotect();

	/* Errors. */
	tap_is_err(sys_mprotect(p + 1, PAGE_SIZE, PROT_READ), EINVAL, "unaligned start gives EINVAL");
	tap_is_err(sys_mprotect(p, PAGE_SIZE, 0x10), EINVAL, "prot bit 0x10 gives EINVAL");
	tap_is_long(sys_mprotect(p, 0, PROT_READ), 0, "len 0 returns 0");
	tap_is_long(sys_mprotect(p + 1, 0, PROT_READ), -EINVAL, "len 0 with an unaligned start is still EINVAL");
	h = (unsigned char *)sys_mmap(NULL, 3 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!tap_ok((long)h > 0 && sys_munmap(h + PAGE_SIZE, PAGE_SIZE) == 0, "mmap 3 pages and unmap the middle one"))
		return tap_done();
	tap_is_err(sys_mprotect(h, 3 * PAGE_SIZE, PROT_READ), ENOMEM, "a range with a hole gives ENOMEM");
	tap_child_signal(touch_write, h, SIGSEGV, "... and the page before the hole is read-only now");
	h[2 * PAGE_SIZE] = 1;
	tap_ok(h[2 * PAGE_SIZE] == 1, "... the page after the hole is untouched (still writable)");
	tap_is_err(sys_mprotect(h + PAGE_SIZE, PAGE_SIZE, PROT_READ), ENOMEM, "an unmapped range gives ENOMEM");
	return tap_done();
}
