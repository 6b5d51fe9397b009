/*
 * cow_reuse: a write to a write-protected private page that no one else
 * maps any more reuses the frame instead of copying it (do_wp_page's reuse
 * path): the PFN is the same before and after the write.  Two ways to
 * become the last user: the child exits, or the child munmaps its copy of
 * the range while it stays alive.  On Pagoda /proc/vmstat's
 * pagoda_cow_reuse goes up by one per page and pagoda_cow_copy stays put;
 * Linux has no such counters, so there only the PFNs are checked.
 */
#include "mmtest.h"

#define NPAGES 4

struct mailbox {
	volatile long stage;
	volatile long child_fail;
};

static struct mailbox *mb;
static unsigned char *pages;

/*
 * Write every page and count the COW faults that took.  The first counter
 * read is a warm-up: after fork our own stack and the vmstat buffer are
 * write-protected too, and their faults must fall before the window.
 */
static void write_all_counted(unsigned char c, struct cow_counters *delta)
{
	struct cow_counters before, after;

	cow_counters_read(&before);
	cow_counters_read(&before);
	for (int i = 0; i < NPAGES; i++)
		pages[i * PAGE_SIZE] = c;
	cow_counters_read(&after);
	delta->copy = after.copy - before.copy;
	delta->reuse = after.reuse - before.reuse;
}

/* PFNs before and after, and the counters, for one round of writes. */
static void check_round(const char *how, const uint64_t *pfn, const struct cow_counters *d)
{
	int same = 1;

	for (int i = 0; i < NPAGES; i++)
		same &= page_pfn(0, pages + i * PAGE_SIZE) == pfn[i];
	tap_ok(same, "%s: every page keeps its frame across the write", how);
	if (is_pagoda()) {
		tap_is_long(d->reuse, NPAGES, "%s: pagoda_cow_reuse grew by %d", how, NPAGES);
		tap_is_long(d->copy, 0, "%s: pagoda_cow_copy did not grow", how);
	}
}

int main(void)
{
	struct cow_counters d;
	uint64_t pfn[NPAGES];
	int status = -1, present = 1, count1 = 1;
	long pid;

	mb = mailbox_new(sizeof(*mb));
	pages = (unsigned char *)sys_mmap(NULL, NPAGES * PAGE_SIZE, PROT_READ | PROT_WRITE,
					  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!tap_ok(mb && (long)pages > 0, "mmap %d private pages and a mailbox", NPAGES))
		return tap_done();
	if (is_pagoda()) {
		struct cow_counters c;

		cow_counters_read(&c);
		tap_ok(c.copy >= 0 && c.reuse >= 0, "/proc/vmstat has pagoda_cow_copy and pagoda_cow_reuse");
	} else {
		tap_diag("not Pagoda: no pagoda_cow_* counters, checking PFNs only");
	}

	/* 1. The child exits: the parent is the last user. */
	for (int i = 0; i < NPAGES; i++) {
		pages[i * PAGE_SIZE] = (unsigned char)i;
		pfn[i] = page_pfn(0, pages + i * PAGE_SIZE);
		present &= pfn[i] != 0;
	}
	tap_ok(present, "the written pages are present in pagemap");
	pid = sys_fork();
	if (pid == 0)
		sys_exit_group(0);
	tap_is_long(sys_wait4((int)pid, &status, 0, NULL), pid, "fork a child that exits at once");
	for (int i = 0; i < NPAGES; i++)
		count1 &= kpagecount_get(pfn[i]) == 1;
	tap_ok(count1, "after the child exits each frame is mapped once (kpagecount 1)");
	tap_ok(page_pfn(0, pages) == pfn[0], "the parent still maps the same frame before writing");
	write_all_counted(0x11, &d);
	check_round("child exited", pfn, &d);
	tap_ok(pages[0] == 0x11 && pages[(NPAGES - 1) * PAGE_SIZE] == 0x11, "the writes landed");

	/* 2. The child is alive but has unmapped the range. */
	pid = sys_fork();
	if (pid == 0) {
		if (sys_munmap(pages, NPAGES * PAGE_SIZE))
			mb->child_fail = 1;
		mailbox_post_wait(&mb->stage, 1, 2);
		sys_exit_group(0);
	}
	if (!tap_ok(pid > 0 && mailbox_wait(&mb->stage, 1), "fork a child that munmaps the pages and waits"))
		return tap_done();
	tap_is_long(mb->child_fail, 0, "the child's munmap returned 0");
	count1 = 1;
	for (int i = 0; i < NPAGES; i++)
		count1 &= kpagecount_get(pfn[i]) == 1;
	tap_ok(count1, "with the child's mapping gone each frame is mapped once");
	write_all_counted(0x22, &d);
	check_round("child unmapped", pfn, &d);
	mb->stage = 2;
	tap_is_long(sys_wait4((int)pid, &status, 0, NULL), pid, "reap the child");
	tap_is_long(status, 0, "the child exited 0");
	tap_ok(pages[0] == 0x22 && pages[PAGE_SIZE] == 0x22, "the parent reads back its data");
	return tap_done();
}
