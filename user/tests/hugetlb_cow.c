/*
 * hugetlb_cow: every case of seed 000 (hugetlb copy-on-write after fork),
 * with real processes, as Linux 6.1 runs them (copy_hugetlb_page_range,
 * hugetlb_wp, unmap_ref_private).  The parent maps one huge page, writes
 * it, and forks a worker child that reads and writes the page on command
 * (through a shared 4 KB mailbox) and reports its pagemap frame.
 *
 * 1. MAP_SHARED across fork: no copy.  Both processes map the same frame
 *    (the child's own pagemap and the parent's read of /proc/CHILD/pagemap),
 *    each sees the other's writes, the frame never changes, and
 *    HugePages_Free does not move.
 * 2. MAP_PRIVATE, the child writes first: the child gets a new frame
 *    holding a copy of the page plus its write (the bytes it did not write
 *    are the parent's), the parent keeps its frame and data; HugePages_Free
 *    falls by exactly one.  Then the parent writes: it is the page's only
 *    mapper, so it reuses the frame (same pfn) and the pool does not move.
 * 3. MAP_PRIVATE, the parent writes first: the mirror image (the owner
 *    copies, outside its reserve; the child then reuses the old frame).
 * 4. Pool exhausted (a shared filler mapping reserves every free page, so
 *    free - rsvd = 0), the owner writes first: its copy cannot be allocated,
 *    so unmap_ref_private takes the page from the child (the child's
 *    pagemap shows nothing there) and the owner reuses it: same frame, its
 *    data and its write, the pool unchanged.  The child's next touch, a
 *    read, kills it with SIGBUS (WTERMSIG), and the kernel log (syslog(2))
 *    holds "PID <child> killed due to inadequate hugepage pool".
 * 5. Pool exhausted, the child writes first: the child (not the owner, no
 *    reserve) gets SIGBUS and no such line is logged for it; the owner
 *    keeps its frame and data, and its own write then reuses the frame.
 *
 * Every mapping is unmapped and every child reaped: the pool is back at
 * the end (/init checks it).
 */
#include "hugetlb.h"

enum { CMD_NONE, CMD_READ, CMD_WRITE, CMD_EXIT };

/* The mailbox: the parent posts cmd/off/arg and bumps seq; the child acks with ack = seq. */
struct box {
	long seq, ack;
	long cmd, off, arg;
	long val;		/* the byte read (after the write, for CMD_WRITE) */
	long pfn;		/* the child's frame at the page afterwards, 0 if none */
};

static volatile struct box *box;
static struct hpool start;

#define OFF_MID		12345
#define OFF_LAST	(HPAGE_SIZE - 1)

static __attribute__((noreturn)) void worker(volatile unsigned char *p)
{
	long seen = 0;

	for (;;) {
		if (!mailbox_wait_nonzero(&box->seq) || (box->seq == seen && !mailbox_wait(&box->seq, seen + 1)))
			sys_exit_group(9);	/* the parent is gone */
		seen = box->seq;
		switch (box->cmd) {
		case CMD_READ:
			box->val = p[box->off];
			break;
		case CMD_WRITE:
			p[box->off] = (unsigned char)box->arg;
			box->val = p[box->off];
			break;
		default:
			sys_exit_group(0);
		}
		box->pfn = (long)page_pfn(0, (const void *)p);
		box->ack = seen;
	}
}

static long child_pid;		/* the worker, until it is reaped */
static int child_status;	/* its wait status once reaped */

/*
 * Run cmd in the child: 1 if it acknowledged (its results in box), 0 if it
 * died first (reaped, its status in child_status) or hung for 60 s.
 */
static int child_cmd(long cmd, long off, long arg)
{
	long seq = box->seq + 1, deadline = now_ns() + MAILBOX_TIMEOUT_NS;

	box->cmd = cmd;
	box->off = off;
	box->arg = arg;
	box->val = -1;
	box->seq = seq;
	while (box->ack != seq) {
		if (sys_wait4((int)child_pid, &child_status, 1 /* WNOHANG */, NULL) == child_pid) {
			child_pid = 0;
			return 0;
		}
		if (now_ns() > deadline)
			return 0;
		sys_sched_yield();
	}
	return 1;
}

static long fork_worker(volatile unsigned char *p)
{
	long pid;

	memset((void *)box, 0, sizeof(*box));
	child_status = -1;
	pid = sys_fork();
	if (pid == 0)
		worker(p);
	child_pid = pid > 0 ? pid : 0;
	return pid;
}

/* Ask the child to exit (unless it is gone already) and reap it; its wait status. */
static int child_finish(void)
{
	if (child_pid) {
		box->cmd = CMD_EXIT;
		box->seq++;
		sys_wait4((int)child_pid, &child_status, 0, NULL);
		child_pid = 0;
	}
	return child_status;
}

/* One huge page of type, written: 'P' at 0, 'R' in the middle, 'Q' at the end. */
static volatile unsigned char *page_new(int type)
{
	long a = huge_mmap(NULL, HPAGE_SIZE, type);
	volatile unsigned char *p = (volatile unsigned char *)a;

	if (a < 0)
		return NULL;
	p[0] = 'P';
	p[OFF_MID] = 'R';
	p[OFF_LAST] = 'Q';
	return p;
}

static void test_shared(void)
{
	volatile unsigned char *p = page_new(MAP_SHARED);
	uint64_t pfn;
	long pid;

	if (!tap_ok(p != NULL, "shared: mmap and write a MAP_SHARED huge page"))
		return;
	pfn = page_pfn(0, (const void *)p);
	hpool_is(start.total, start.free - 1, 0, 0, "shared: one page in use");
	pid = fork_worker(p);
	if (!tap_ok(pid > 0, "shared: fork"))
		return;
	tap_ok(child_cmd(CMD_READ, 0, 0) && box->val == 'P', "shared: the child reads the parent's data");
	tap_is_ulong((unsigned long)box->pfn, pfn, "shared: the child maps the parent's frame");
	tap_is_ulong(page_pfn(pid, (const void *)p), pfn, "shared: /proc/CHILD/pagemap agrees");
	tap_ok(child_cmd(CMD_WRITE, 1, 'b'), "shared: the child writes");
	tap_is_long(p[1], 'b', "shared: the parent sees the child's write");
	tap_is_ulong((unsigned long)box->pfn, pfn, "shared: no copy in the child");
	p[2] = 'c';
	tap_ok(child_cmd(CMD_READ, 2, 0) && box->val == 'c', "shared: the child sees the parent's write");
	tap_is_ulong(page_pfn(0, (const void *)p), pfn, "shared: no copy in the parent");
	hpool_is(start.total, start.free - 1, 0, 0, "shared: the pool did not move");
	tap_is_long(child_finish(), 0, "shared: the child exits 0");
	sys_munmap((void *)p, HPAGE_SIZE);
	hpool_is(start.total, start.free, 0, 0, "shared: pool back");
}

/* Private COW; child_first: who writes first (the copier), the other reuses. */
static void test_private(int child_first)
{
	const char *who = child_first ? "private, child first" : "private, parent first";
	volatile unsigned char *p = page_new(MAP_PRIVATE);
	uint64_t pfn, copy;
	long pid;

	if (!tap_ok(p != NULL, "%s: mmap and write a private huge page", who))
		return;
	pfn = page_pfn(0, (const void *)p);
	pid = fork_worker(p);
	if (!tap_ok(pid > 0, "%s: fork", who))
		return;
	tap_ok(child_cmd(CMD_READ, 0, 0) && box->val == 'P', "%s: the child reads the parent's data", who);
	tap_is_ulong((unsigned long)box->pfn, pfn, "%s: after fork the child maps the parent's frame", who);
	hpool_is(start.total, start.free - 1, 0, 0, "after fork: still one page");

	if (child_first) {
		tap_ok(child_cmd(CMD_WRITE, 0, 'c') && box->val == 'c', "%s: the child writes", who);
		copy = (uint64_t)box->pfn;
		tap_ok(copy && copy != pfn, "%s: the child got a new frame (0x%lx, was 0x%lx)", who,
		       (unsigned long)copy, (unsigned long)pfn);
		tap_ok(child_cmd(CMD_READ, OFF_MID, 0) && box->val == 'R', "%s: its copy holds the page's data", who);
		tap_ok(child_cmd(CMD_READ, OFF_LAST, 0) && box->val == 'Q', "%s: up to its last byte", who);
		tap_is_ulong(page_pfn(0, (const void *)p), pfn, "%s: the parent keeps its frame", who);
		tap_is_long(p[0], 'P', "%s: and its data", who);
		hpool_is(start.total, start.free - 2, 0, 0, "one copy: HugePages_Free fell by one");
		p[0] = 'p';
		tap_is_ulong(page_pfn(0, (const void *)p), pfn, "%s: the parent's write reuses its frame", who);
		tap_ok(child_cmd(CMD_READ, 0, 0) && box->val == 'c', "%s: the child keeps its own write", who);
	} else {
		p[0] = 'p';
		copy = page_pfn(0, (const void *)p);
		tap_ok(copy && copy != pfn, "%s: the parent got a new frame (0x%lx, was 0x%lx)", who,
		       (unsigned long)copy, (unsigned long)pfn);
		tap_ok(p[OFF_MID] == 'R' && p[OFF_LAST] == 'Q', "%s: its copy holds the page's data", who);
		tap_ok(child_cmd(CMD_READ, 0, 0) && box->val == 'P', "%s: the child still reads 'P'", who);
		tap_is_ulong((unsigned long)box->pfn, pfn, "%s: from the old frame", who);
		hpool_is(start.total, start.free - 2, 0, 0, "one copy: HugePages_Free fell by one");
		tap_ok(child_cmd(CMD_WRITE, 0, 'c') && box->val == 'c', "%s: the child writes", who);
		tap_is_ulong((unsigned long)box->pfn, pfn, "%s: the child's write reuses the old frame", who);
		tap_is_long(p[0], 'p', "%s: the parent keeps its own write", who);
	}
	hpool_is(start.total, start.free - 2, 0, 0, "the reuse took no page");
	tap_is_long(child_finish(), 0, "%s: the child exits 0", who);
	hpool_is(start.total, start.free - 1, 0, 0, "the child's page is freed at its exit");
	sys_munmap((void *)p, HPAGE_SIZE);
	hpool_is(start.total, start.free, 0, 0, "private: pool back");
}

/* A shared mapping reserving every free page: afterwards free - rsvd = 0. */
static long filler_new(long *len)
{
	struct hpool p;

	hpool_read(&p);
	*len = (p.free - p.rsvd) * HPAGE_SIZE;
	return *len ? huge_mmap(NULL, (size_t)*len, MAP_SHARED) : 0;
}

static void test_exhausted(int owner_first)
{
	const char *who = owner_first ? "exhausted, owner first" : "exhausted, child first";
	volatile unsigned char *p = page_new(MAP_PRIVATE);
	long filler, flen, pid;
	int st = -1;
	uint64_t pfn;

	if (!tap_ok(p != NULL, "%s: mmap and write a private huge page", who))
		return;
	pfn = page_pfn(0, (const void *)p);
	filler = filler_new(&flen);
	if (!tap_ok(filler >= 0, "%s: a filler reserves the %ld other free pages", who, flen / (long)HPAGE_SIZE))
		goto out;
	hpool_is(start.total, start.free - 1, start.free - 1, 0, "exhausted: every free page reserved");
	pid = fork_worker(p);
	if (!tap_ok(pid > 0, "%s: fork", who))
		goto out;
	tap_ok(child_cmd(CMD_READ, 0, 0) && box->val == 'P', "%s: the child reads the page", who);
	tap_is_ulong((unsigned long)box->pfn, pfn, "%s: the child maps the parent's frame", who);

	if (owner_first) {
		p[0] = 'o';
		tap_is_ulong(page_pfn(0, (const void *)p), pfn, "%s: the owner's write keeps its frame", who);
		tap_ok(p[0] == 'o' && p[OFF_MID] == 'R' && p[OFF_LAST] == 'Q', "%s: and its data", who);
		tap_is_ulong(page_pfn(pid, (const void *)p), 0, "%s: the page is gone from the child", who);
		hpool_is(start.total, start.free - 1, start.free - 1, 0, "exhausted: no page taken");
		tap_ok(!child_cmd(CMD_READ, OFF_MID, 0), "%s: the child's next read does not return", who);
	} else {
		tap_ok(!child_cmd(CMD_WRITE, 0, 'c'), "%s: the child's write does not return", who);
	}
	st = child_finish();
	tap_ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGBUS, "%s: the child died of SIGBUS (status 0x%x)", who, st);
	if (owner_first)
		tap_ok(syslog_has_pool_kill(pid), "%s: the log says \"PID %ld killed due to inadequate hugepage pool\"",
		       who, pid);
	else
		tap_ok(!syslog_has_pool_kill(pid), "%s: nothing logged for PID %ld", who, pid);
	tap_is_ulong(page_pfn(0, (const void *)p), pfn, "%s: the owner keeps its frame", who);
	tap_ok(p[0] == (owner_first ? 'o' : 'P') && p[OFF_MID] == 'R', "%s: and its data", who);
	p[1] = 'w';
	tap_is_ulong(page_pfn(0, (const void *)p), pfn, "%s: the owner's write reuses the frame", who);
	hpool_is(start.total, start.free - 1, start.free - 1, 0, "exhausted: the pool did not move");
out:
	if (filler > 0)
		sys_munmap((void *)filler, (size_t)flen);
	sys_munmap((void *)p, HPAGE_SIZE);
	hpool_is(start.total, start.free, 0, 0, "exhausted: pool back");
}

int main(void)
{
	hugetlb_test_machine_or_skip();
	if (!hpool_start(&start, 3))
		return tap_done();
	box = mailbox_new(sizeof(*box));
	if (!tap_ok(box != NULL, "mailbox"))
		return tap_done();
	test_shared();
	test_private(1);
	test_private(0);
	test_exhausted(1);
	test_exhausted(0);
	return tap_done();
}
