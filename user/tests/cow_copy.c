/*
 * cow_copy: a write to a private page that a live child still shares
 * copies it: the writer gets a new frame (new PFN) with the old contents
 * plus its write, the child keeps the old frame and data, and on Pagoda
 * pagoda_cow_copy grows by exactly one per page written (pagoda_cow_reuse
 * not at all).  A second write to the now-private copy faults no more.
 */
#include "mmtest.h"

#define NPAGES 8

struct mailbox {
	volatile long stage;
	volatile long child_fail;
};

static struct mailbox *mb;
static unsigned char *pages;

/* Write byte c at offset 1 of every page; the counters' growth in *delta. */
static void write_all_counted(unsigned char c, struct cow_counters *delta)
{
	struct cow_counters before, after;

	cow_counters_read(&before);     /* warm-up: our own stack is COW-shared too */
	cow_counters_read(&before);
	for (int i = 0; i < NPAGES; i++)
		pages[i * PAGE_SIZE + 1] = c;
	cow_counters_read(&after);
	delta->copy = after.copy - before.copy;
	delta->reuse = after.reuse - before.reuse;
}

/* The child: after the parent wrote, it still has the pre-fork data and frames. */
static long child_check(const uint64_t *pfn)
{
	for (int i = 0; i < NPAGES; i++) {
		if (pages[i * PAGE_SIZE] != (unsigned char)(0x40 + i) || pages[i * PAGE_SIZE + 1] != 0)
			return 1 + i;
		if (page_pfn(0, pages + i * PAGE_SIZE) != pfn[i])
			return 20 + i;
	}
	return 0;
}

int main(void)
{
	uint64_t pfn[NPAGES];
	struct cow_counters d;
	int status = -1, moved = 1, count = 1, data = 1;
	long pid;

	mb = mailbox_new(sizeof(*mb));
	pages = (unsigned char *)sys_mmap(NULL, NPAGES * PAGE_SIZE, PROT_READ | PROT_WRITE,
					  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!tap_ok(mb && (long)pages > 0, "mmap %d private pages and a mailbox", NPAGES))
		return tap_done();
	for (int i = 0; i < NPAGES; i++) {
		pages[i * PAGE_SIZE] = (unsigned char)(0x40 + i);
		pfn[i] = page_pfn(0, pages + i * PAGE_SIZE);
	}
	tap_ok(pfn[0] && pfn[NPAGES - 1], "the written pages are present in pagemap");

	pid = sys_fork();
	if (pid == 0) {
		if (!mailbox_post_wait(&mb->stage, 1, 2))
			sys_exit_group(99);
		sys_exit_group((int)(mb->child_fail = child_check(pfn)));
	}
	if (!tap_ok(pid > 0 && mailbox_wait(&mb->stage, 1), "fork a child that waits"))
		return tap_done();
	for (int i = 0; i < NPAGES; i++)
		count &= kpagecount_get(pfn[i]) == 2;
	tap_ok(count, "every frame is mapped twice while the child lives (kpagecount 2)");

	write_all_counted(0x99, &d);
	count = 1;
	for (int i = 0; i < NPAGES; i++) {
		uint64_t now = page_pfn(0, pages + i * PAGE_SIZE);

		moved &= now != 0 && now != pfn[i];
		count &= kpagecount_get(now) == 1 && kpagecount_get(pfn[i]) == 1;
		data &= pages[i * PAGE_SIZE] == (unsigned char)(0x40 + i) && pages[i * PAGE_SIZE + 1] == 0x99;
	}
	tap_ok(moved, "the parent's write gave every page a new frame");
	tap_ok(count, "old and new frames are each mapped once");
	tap_ok(data, "the copies hold the old contents plus the parent's write");
	if (is_pagoda()) {
		tap_is_long(d.copy, NPAGES, "pagoda_cow_copy grew by %d", NPAGES);
		tap_is_long(d.reuse, 0, "pagoda_cow_reuse did not grow");
	} else {
		tap_diag("not Pagoda: no pagoda_cow_* counters, checking PFNs only");
	}

	/* The copies are private and writable now: no more COW faults. */
	uint64_t pfn_copy0 = page_pfn(0, pages);

	write_all_counted(0x77, &d);
	tap_is_ulong(page_pfn(0, pages), pfn_copy0, "a second write keeps the private copy's frame");
	if (is_pagoda())
		tap_ok(d.copy == 0 && d.reuse == 0, "a second write takes no COW fault (copy +%ld, reuse +%ld)",
		       d.copy, d.reuse);

	mb->stage = 2;
	tap_is_long(sys_wait4((int)pid, &status, 0, NULL), pid, "reap the child");
	tap_is_long(status, 0, "the child kept the old data and frames (exit = first bad page)");
	return tap_done();
}
