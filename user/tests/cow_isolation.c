/*
 * cow_isolation: after fork, parent and child share a private page's frame
 * (same PFN in both pagemaps, kpagecount 2, not exclusive); the first write
 * splits it: each process then reads back only its own data, from its own
 * frame.  A grandchild shares the child's frame and splits it in turn.
 *
 * The processes talk through a MAP_SHARED mailbox page (mmtest.h):
 *
 *   parent                         child                    grandchild
 *   write 'P' to the page
 *   fork ------------------------> report its PFN, stage 1
 *   check: same PFN, count 2
 *   write 'A' -> new frame
 *   stage 2 --------------------> still 'P', old frame; write 'C'
 *                                  fork ------------------> same frame as
 *                                                           the child; write
 *                                                           'G' -> new frame
 *                                  still 'C'; report, stage 3
 *   check the child's report
 */
#include "mmtest.h"

struct mailbox {
	volatile long stage;
	volatile uint64_t child_pfn_fork;       /* child's PFN right after fork */
	volatile uint64_t child_pfn_write;      /* after its own write */
	volatile uint64_t gchild_pfn_fork;
	volatile uint64_t gchild_pfn_write;
	volatile long child_fail;               /* first failed check in the child, or 0 */
	volatile long gchild_fail;
};

static struct mailbox *mb;
static unsigned char *page;

/* 1 if every byte of the page is c. */
static int page_is(unsigned char c)
{
	for (unsigned long i = 0; i < PAGE_SIZE; i++)
		if (((volatile unsigned char *)page)[i] != c)
			return 0;
	return 1;
}

static long grandchild(void)
{
	mb->gchild_pfn_fork = page_pfn(0, page);
	if (!page_is('C'))
		return 1;
	memset(page, 'G', PAGE_SIZE);
	if (!page_is('G'))
		return 2;
	mb->gchild_pfn_write = page_pfn(0, page);
	return 0;
}

static long child(void)
{
	int status = -1;
	long g;

	mb->child_pfn_fork = page_pfn(0, page);
	mb->stage = 1;
	if (!mailbox_wait(&mb->stage, 2))
		return 1;
	if (!page_is('P'))
		return 2;                       /* saw the parent's write */
	if (page_pfn(0, page) != mb->child_pfn_fork)
		return 3;                       /* the parent's write moved our frame */
	memset(page, 'C', PAGE_SIZE);
	mb->child_pfn_write = page_pfn(0, page);
	g = sys_fork();
	if (g < 0)
		return 4;
	if (g == 0)
		sys_exit_group((int)(mb->gchild_fail = grandchild()));
	if (sys_wait4((int)g, &status, 0, NULL) != g || status != 0)
		return 5;
	if (!page_is('C'))
		return 6;                       /* saw the grandchild's write */
	if (page_pfn(0, page) != mb->child_pfn_write)
		return 7;
	return 0;
}

int main(void)
{
	uint64_t pfn0, pfn1, e = 0;
	int status = -1;
	long pid;

	mb = mailbox_new(sizeof(*mb));
	page = (unsigned char *)sys_mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE,
					 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!tap_ok(mb && (long)page > 0, "mmap a private page and a shared mailbox"))
		return tap_done();
	memset(page, 'P', PAGE_SIZE);
	pfn0 = page_pfn(0, page);
	if (!tap_ok(pfn0 != 0, "the written page is present in /proc/self/pagemap with a PFN (0x%lx)",
		    (unsigned long)pfn0))
		return tap_done();
	tap_is_long(kpagecount_get(pfn0), 1, "kpagecount of the frame is 1 before fork");

	pid = sys_fork();
	if (pid == 0)
		sys_exit_group((int)(mb->child_fail = child()));
	if (!tap_ok(pid > 0, "fork") || !tap_ok(mailbox_wait(&mb->stage, 1), "the child reports its PFN")) {
		sys_kill((int)pid, SIGKILL);
		sys_wait4((int)pid, &status, 0, NULL);
		return tap_done();
	}

	/* Shared: one frame, two PTEs, read-only in both. */
	tap_is_ulong(mb->child_pfn_fork, pfn0, "after fork the child maps the parent's frame");
	tap_is_ulong(page_pfn(0, page), pfn0, "after fork the parent still maps the same frame");
	tap_is_ulong(page_pfn(pid, page), pfn0, "/proc/<child>/pagemap shows the same frame");
	tap_is_long(kpagecount_get(pfn0), 2, "kpagecount of the shared frame is 2");
	pagemap_get(0, page, &e);
	tap_ok(!(e & PM_MMAP_EXCLUSIVE), "pagemap: the shared frame is not exclusively mapped");

	/* The parent writes first: it gets the copy, the child keeps the frame. */
	memset(page, 'A', PAGE_SIZE);
	pfn1 = page_pfn(0, page);
	tap_ok(pfn1 != 0 && pfn1 != pfn0, "the parent's write gives it a new frame (0x%lx -> 0x%lx)",
	       (unsigned long)pfn0, (unsigned long)pfn1);
	tap_is_ulong(page_pfn(pid, page), pfn0, "the child still maps the old frame");
	tap_is_long(kpagecount_get(pfn0), 1, "kpagecount of the old frame drops to 1");
	tap_is_long(kpagecount_get(pfn1), 1, "kpagecount of the new frame is 1");
	pagemap_get(0, page, &e);
	tap_ok(!!(e & PM_MMAP_EXCLUSIVE), "pagemap: the parent's new frame is exclusively mapped");
	tap_ok(page_is('A'), "the parent reads back its own data");

	mb->stage = 2;
	tap_is_long(sys_wait4((int)pid, &status, 0, NULL), pid, "wait4 reaps the child");
	tap_is_long(status, 0, "child: kept its data and frame, then wrote its own (exit = first bad check)");
	tap_is_long(mb->child_fail, 0, "child checks");
	tap_is_ulong(mb->child_pfn_write, pfn0,
		     "the child's write, as the frame's last user, keeps the frame (reuse)");
	tap_is_long(mb->gchild_fail, 0, "grandchild: saw the child's data, then read back its own");
	tap_is_ulong(mb->gchild_pfn_fork, mb->child_pfn_write, "the grandchild shares the child's frame after fork");
	tap_ok(mb->gchild_pfn_write && mb->gchild_pfn_write != mb->child_pfn_write,
	       "the grandchild's write gives it a new frame");
	tap_ok(page_is('A'), "the parent still reads its own data");
	tap_is_ulong(page_pfn(0, page), pfn1, "the parent's frame did not change");
	return tap_done();
}
