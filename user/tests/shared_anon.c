/*
 * shared_anon: MAP_SHARED|MAP_ANONYMOUS memory is one set of frames for
 * parent and child after fork: a write on either side is seen by the other,
 * both pagemaps show the same PFN (with bit 61, "file page or shared
 * anonymous", set), kpagecount is 2, and no write copies anything: on
 * Pagoda pagoda_cow_copy and pagoda_cow_reuse stay put across the child's
 * writes.  A page first touched by the child after fork is shared too.
 */
#include "mmtest.h"

struct mailbox {
	volatile long stage;
	volatile uint64_t pfn0, pfn1;           /* the child's PFNs of pages 0 and 1 */
	volatile long fail;
};

static struct mailbox *mb;
static volatile unsigned char *shm;

static long child(void)
{
	if (!mailbox_post_wait(&mb->stage, 1, 2))
		return 1;
	if (shm[0] != 'p')
		return 2;                       /* the parent's pre-fork write */
	shm[0] = 'c';
	shm[PAGE_SIZE + 5] = 'd';               /* a page nobody has touched yet */
	if (!mailbox_post_wait(&mb->stage, 3, 4))
		return 3;
	mb->pfn0 = page_pfn(0, (void *)shm);
	mb->pfn1 = page_pfn(0, (void *)(shm + PAGE_SIZE));
	if (!mailbox_post_wait(&mb->stage, 5, 6))
		return 4;
	if (shm[0] != 'q')
		return 5;                       /* the parent's write after fork */
	return 0;
}

int main(void)
{
	struct cow_counters before, after;
	uint64_t pfn0, e = 0;
	int status = -1;
	long pid;

	mb = mailbox_new(sizeof(*mb));
	shm = (unsigned char *)sys_mmap(NULL, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE,
					MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (!tap_ok(mb && (long)shm > 0, "mmap 2 shared anonymous pages"))
		return tap_done();
	shm[0] = 'p';
	pfn0 = page_pfn(0, (void *)shm);
	tap_ok(pfn0 != 0, "the written page is present (PFN 0x%lx)", (unsigned long)pfn0);
	pagemap_get(0, (void *)shm, &e);
	tap_ok(!!(e & PM_FILE), "pagemap flags a shared anonymous page (bit 61)");

	pid = sys_fork();
	if (pid == 0)
		sys_exit_group((int)(mb->fail = child()));
	if (!tap_ok(pid > 0 && mailbox_wait(&mb->stage, 1), "fork a child")) {
		if (pid > 0) {
			sys_kill((int)pid, SIGKILL);
			sys_wait4((int)pid, &status, 0, NULL);
		}
		return tap_done();
	}

	/*
	 * The child writes both pages while we count COW faults. Both
	 * structs are written once before the count starts: a first write to
	 * a stack page after fork is a COW fault of our own (a reuse once the
	 * child, running on the other CPU, has copied that page).
	 */
	cow_counters_read(&after);
	cow_counters_read(&before);
	cow_counters_read(&before);
	mb->stage = 2;
	tap_ok(mailbox_wait(&mb->stage, 3), "the child wrote");
	cow_counters_read(&after);
	tap_ok(shm[0] == 'c', "the parent sees the child's write");
	tap_ok(shm[PAGE_SIZE + 5] == 'd', "the parent sees a page the child faulted in after fork");
	if (is_pagoda()) {
		tap_is_long(after.copy - before.copy, 0, "no COW copy (pagoda_cow_copy)");
		tap_is_long(after.reuse - before.reuse, 0, "no COW reuse either (pagoda_cow_reuse)");
	} else {
		tap_diag("not Pagoda: no pagoda_cow_* counters");
	}

	mb->stage = 4;
	tap_ok(mailbox_wait(&mb->stage, 5), "the child reports its PFNs");
	tap_is_ulong(mb->pfn0, pfn0, "the child maps the frame the parent faulted in before fork");
	tap_is_ulong(page_pfn(0, (void *)shm), pfn0, "the parent's frame did not change on the child's write");
	tap_is_ulong(page_pfn(0, (void *)(shm + PAGE_SIZE)), mb->pfn1,
		     "the page the child faulted in is the same frame in the parent");
	tap_is_long(kpagecount_get(pfn0), 2, "kpagecount of the shared frame is 2");
	tap_is_long(kpagecount_get(mb->pfn1), 2, "kpagecount of the child's new shared frame is 2");
	pagemap_get(pid, (void *)shm, &e);
	tap_ok(!!(e & PM_FILE), "the child's pagemap flags it as shared too");

	shm[0] = 'q';
	tap_is_ulong(page_pfn(0, (void *)shm), pfn0, "the parent's own write keeps the frame");
	mb->stage = 6;
	tap_is_long(sys_wait4((int)pid, &status, 0, NULL), pid, "reap the child");
	tap_is_long(status, 0, "the child saw every write of the parent (exit = first bad check)");
	return tap_done();
}
