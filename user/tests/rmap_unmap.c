/*
 * rmap_unmap (Pagoda only): try_to_unmap and page_referenced, the two users
 * of rmap_walk that seed 003 names, driven through the debug files
 * /sys/kernel/debug/pagoda/referenced and .../unmap on a page that a parent
 * and its child share after fork.
 *   referenced: counts the PTEs whose accessed bit is set, and clears them:
 *     right after fork only the parent's PTE is young (the child's copy
 *     starts old, as in Linux); a second query finds none; a read in the
 *     child, then one in the parent, each make one young again.
 *   unmap: every PTE of the page goes (mapcount 2 -> 0), in both processes;
 *     with no swap the data goes too, so the next read faults in zeroes,
 *     while the neighbouring page keeps its data.
 */
#include "mmtest.h"

struct mailbox {
	volatile long stage;
};

static struct mailbox *mb;
static char report[1024];

static long query(const char *file, long pid, const void *addr)
{
	char req[64];

	snprintf(req, sizeof(req), "%ld 0x%lx\n", pid, (unsigned long)addr);
	return debug_query(file, req, report, sizeof(report));
}

static long referenced(const void *addr, const char *why)
{
	long r = query(PAGODA_DEBUG "referenced", sys_getpid(), addr);

	if (!tap_ok(r > 0, "referenced report %s", why)) {
		tap_diag("error %ld (%s)", r, r < 0 ? errno_name((int)-r) : "empty");
		return -1;
	}
	return report_field(report, "referenced");
}

static __attribute__((noreturn)) void child_body(volatile unsigned char *p)
{
	unsigned char c;

	if (!mailbox_post_wait(&mb->stage, 1, 2))
		sys_exit_group(1);
	c = p[0];				/* read: the child's PTE becomes young */
	if (c != 'A' || !mailbox_post_wait(&mb->stage, 3, 4))
		sys_exit_group(2);
	/* The page was unmapped everywhere: a read faults in the zero page. */
	if (p[0] != 0 || p[PAGE_SIZE] != 'B')
		sys_exit_group(3);
	sys_exit_group(0);
}

int main(void)
{
	volatile unsigned char *p;
	uint64_t entry = 0;
	long pid, r;
	int st = -1;

	if (!is_pagoda())
		tap_skip_all("Pagoda's debug files");
	mb = mailbox_new(sizeof(*mb));
	p = (volatile unsigned char *)sys_mmap(NULL, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE,
					       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!tap_ok(mb && (long)p > 0, "mmap a mailbox and two private pages"))
		return tap_done();
	p[0] = 'A';
	p[PAGE_SIZE] = 'B';

	pid = sys_fork();
	if (pid == 0)
		child_body(p);
	tap_ok(mailbox_wait(&mb->stage, 1), "the child is ready");

	tap_is_long(referenced((const void *)p, "after fork"), 1,
		    "after fork only the parent's PTE is young");
	tap_is_long(report_field(report, "mapcount"), 2, "the page is mapped twice");
	tap_is_long(referenced((const void *)p, "again"), 0, "page_referenced cleared the accessed bits");

	mb->stage = 2;
	tap_ok(mailbox_wait(&mb->stage, 3), "the child read the page");
	tap_is_long(referenced((const void *)p, "after the child's read"), 1,
		    "the child's read made its PTE young");
	(void)p[0];
	tap_is_long(referenced((const void *)p, "after the parent's read"), 1,
		    "the parent's read made its PTE young");

	r = query(PAGODA_DEBUG "unmap", sys_getpid(), (const void *)p);
	tap_ok(r > 0, "unmap report");
	tap_is_long(report_field(report, "mapcount_before"), 2, "try_to_unmap: mapcount was 2");
	tap_is_long(report_field(report, "mapcount_after"), 0, "try_to_unmap: mapcount is 0");
	tap_ok(strstr(report, "unmapped all") != NULL, "try_to_unmap reports every mapping gone");
	tap_ok(pagemap_get(sys_getpid(), (const void *)p, &entry) == 0 && !(entry >> 63),
	       "the parent's PTE is gone (pagemap)");
	tap_ok(pagemap_get(pid, (const void *)p, &entry) == 0 && !(entry >> 63),
	       "the child's PTE is gone (pagemap)");
	tap_is_long(p[0], 0, "the parent reads zeroes: no swap, the data went with the page");
	tap_is_long(p[PAGE_SIZE], 'B', "the neighbouring page kept its data");
	r = query(PAGODA_DEBUG "unmap", sys_getpid(), (const void *)p);
	tap_is_long(r, -EINVAL, "unmapping the zero page is refused (EINVAL)");

	mb->stage = 4;
	tap_is_long(sys_wait4((int)pid, &st, 0, NULL), pid, "reap the child");
	tap_is_long(st, 0, "the child read zeroes too, and its other page");
	return tap_done();
}
