/*
 * rmap_check (Pagoda only): after each step of fork / COW / munmap /
 * mprotect / madvise activity, /sys/kernel/debug/pagoda/check reads "ok":
 * every mapped page's mapcount and refcount match the page tables, the rmap
 * walk finds every PTE that maps it, and every anon_vma_chain is on its
 * VMA's list and in its anon_vma's tree.  Steps:
 *   fork, then both sides write (COW copies) and split VMAs with munmap and
 *   mprotect while the other is alive; the child exits; the parent's
 *   writes reuse; MADV_DONTNEED; a child unmaps the region while its own
 *   child still maps it; shared anonymous memory across fork; everything
 *   unmapped.
 */
#include "mmtest.h"

#define NPAGES 16

struct mailbox {
	volatile long stage;
};

static struct mailbox *mb;
static unsigned char *p;
static char report[4096];

static int check(const char *when)
{
	long r = debug_query(PAGODA_DEBUG "check", NULL, report, sizeof(report));
	int ok = r > 0 && !strcmp(report, "ok\n");

	if (!tap_ok(ok, "check reads ok %s", when)) {
		if (r < 0)
			tap_diag("read error %ld (%s)", r, errno_name((int)-r));
		for (char *line = report, *nl; *line; line = nl + 1) {
			nl = strchr(line, '\n');
			if (nl)
				*nl = 0;
			tap_diag("%s", line);
			if (!nl)
				break;
		}
	}
	return ok;
}

static void write_pages(int from, int to, unsigned char c)
{
	for (int i = from; i < to; i++)
		p[i * PAGE_SIZE + 1] = c;
}

/* The child of step 1: COW writes, a split by munmap and one by mprotect. */
static __attribute__((noreturn)) void child_body(void)
{
	if (!mailbox_post_wait(&mb->stage, 1, 2))
		sys_exit_group(1);
	write_pages(8, 16, 'c');                        /* copies */
	sys_munmap(p + 12 * PAGE_SIZE, PAGE_SIZE);
	sys_mprotect(p + 9 * PAGE_SIZE, PAGE_SIZE, PROT_READ);
	if (!mailbox_post_wait(&mb->stage, 3, 4))
		sys_exit_group(2);
	sys_exit_group(0);
}

/*
 * A child forks a grandchild and then unmaps the region: the middle
 * anon_vma loses its VMA while the grandchild, whose chain links it, lives
 * on (what an exited parent would leave, without an orphan for /init to
 * reap).
 */
static void middle_unmap_step(void)
{
	int st = -1;
	long pid = sys_fork();

	if (pid == 0) {
		long g = sys_fork();

		if (g == 0) {
			if (!mailbox_post_wait(&mb->stage, 21, 22))
				sys_exit_group(1);
			p[PAGE_SIZE + 1] = 'g';         /* COW from the grandparent's frame */
			sys_exit_group(0);
		}
		mailbox_wait(&mb->stage, 21);
		sys_munmap(p, NPAGES * PAGE_SIZE);
		if (!mailbox_post_wait(&mb->stage, 23, 24))
			sys_exit_group(2);
		mb->stage = 22;
		if (sys_wait4((int)g, &st, 0, NULL) != g || st != 0)
			sys_exit_group(3);
		sys_exit_group(0);
	}
	mailbox_wait(&mb->stage, 23);
	check("after a child unmapped the region under its live grandchild");
	mb->stage = 24;
	sys_wait4((int)pid, &st, 0, NULL);
	tap_is_long(st, 0, "the grandchild wrote and exited, then the child");
	check("after both exited");
}

static void shared_step(void)
{
	unsigned char *s = (unsigned char *)sys_mmap(NULL, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE,
						     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int st = -1;
	long pid;

	s[0] = 1;
	pid = sys_fork();
	if (pid == 0) {
		s[PAGE_SIZE] = 2;
		if (!mailbox_post_wait(&mb->stage, 11, 12))
			sys_exit_group(1);
		sys_exit_group(0);
	}
	mailbox_wait(&mb->stage, 11);
	s[2 * PAGE_SIZE] = 3;
	check("with shared anonymous pages mapped in two processes");
	mb->stage = 12;
	sys_wait4((int)pid, &st, 0, NULL);
	sys_munmap(s, 4 * PAGE_SIZE);
	check("after unmapping the shared pages");
}

int main(void)
{
	int st = -1;
	long pid;

	if (!is_pagoda())
		tap_skip_all("Pagoda only: reads /sys/kernel/debug/pagoda/check");
	check("at the start");
	mb = mailbox_new(sizeof(*mb));
	p = (unsigned char *)sys_mmap(NULL, NPAGES * PAGE_SIZE, PROT_READ | PROT_WRITE,
				      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!tap_ok(mb && (long)p > 0, "mmap %d pages and a mailbox", NPAGES))
		return tap_done();
	write_pages(0, NPAGES - 2, 'p');                /* the last two stay unfaulted */
	check("after faulting in 14 pages");

	/* 1. fork; both sides COW and split while the other lives. */
	pid = sys_fork();
	if (pid == 0)
		child_body();
	mailbox_wait(&mb->stage, 1);
	check("right after fork (all pages shared)");
	write_pages(0, 8, 'P');                         /* copies */
	sys_munmap(p + 3 * PAGE_SIZE, PAGE_SIZE);
	sys_mprotect(p + 5 * PAGE_SIZE, 2 * PAGE_SIZE, PROT_READ);
	check("after the parent's COW writes, munmap and mprotect");
	mb->stage = 2;
	mailbox_wait(&mb->stage, 3);
	check("after the child's COW writes, munmap and mprotect");
	mb->stage = 4;
	sys_wait4((int)pid, &st, 0, NULL);
	tap_is_long(st, 0, "the child exited 0");
	check("after the child exited");

	/* 2. The parent is the last user now: writes reuse. */
	sys_mprotect(p + 5 * PAGE_SIZE, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE);
	write_pages(8, NPAGES, 'R');
	check("after reusing writes and faulting in the last two pages");

	/* 3. MADV_DONTNEED. */
	tap_is_long(sys_madvise(p + 8 * PAGE_SIZE, 4 * PAGE_SIZE, MADV_DONTNEED), 0, "MADV_DONTNEED 4 pages");
	check("after MADV_DONTNEED");

	/* 4. A middle anon_vma without its VMA; 5. shared memory. */
	middle_unmap_step();
	shared_step();

	/* 6. Everything gone. */
	sys_munmap(p, NPAGES * PAGE_SIZE);
	check("after unmapping everything");
	return tap_done();
}
