/*
 * proc_status_rss: /proc/self/status splits the resident set as Linux does
 * (task_mem: MM_ANONPAGES, MM_FILEPAGES, MM_SHMEMPAGES):
 *   - the program's text came in from its file on fault; the file is in
 *     the initramfs, which Linux unpacks into rootfs, a tmpfs, so those
 *     pages count as RssShmem and RssFile is 0;
 *   - touching private anonymous pages grows RssAnon, shared anonymous
 *     pages (shmem) RssShmem;
 *   - VmRSS is the sum of the three, and VmHWM is at least VmRSS.
 * Linux 6.1 folds a task's RSS changes into the mm only every 64 faults
 * (SPLIT_RSS_COUNTING: at the start of a program its status may still show
 * 4 kB), so growth is checked within 64 pages of the pages touched, and the
 * text pages only after hundreds of faults. Pagoda counts each page at once.
 */
#include "mmtest.h"

#define NPAGES	512
#define SLACK	64		/* Linux's TASK_RSS_EVENTS_THRESH */

struct rss {
	long vmrss, anon, file, shmem, hwm;
};

/* One "Name:   N kB" line of /proc/self/status, in kB, or -1. */
static long status_kb(const char *status, const char *name)
{
	const char *p = strstr(status, name);

	if (!p)
		return -1;
	p += strlen(name);
	while (*p == ' ' || *p == '\t')
		p++;
	return strtol(p, NULL, 10);
}

static int rss_read(struct rss *r)
{
	static char buf[4096];

	if (read_file("/proc/self/status", buf, sizeof(buf)) < 0)
		return 0;
	r->vmrss = status_kb(buf, "VmRSS:");
	r->anon = status_kb(buf, "RssAnon:");
	r->file = status_kb(buf, "RssFile:");
	r->shmem = status_kb(buf, "RssShmem:");
	r->hwm = status_kb(buf, "VmHWM:");
	return r->vmrss >= 0 && r->anon >= 0 && r->file >= 0 && r->shmem >= 0 && r->hwm >= 0;
}

static void check_sum(const struct rss *r, const char *when)
{
	tap_is_long(r->vmrss, r->anon + r->file + r->shmem, "%s: VmRSS is RssAnon + RssFile + RssShmem", when);
	tap_ok(r->hwm >= r->vmrss, "%s: VmHWM %ld kB >= VmRSS %ld kB", when, r->hwm, r->vmrss);
}

static void check_growth(long before, long after, const char *what)
{
	long pages = (after - before) / 4;

	tap_ok(pages >= NPAGES - SLACK && pages <= NPAGES + SLACK,
	       "%s grew by %ld pages for %d pages touched", what, pages, NPAGES);
}

static void touch(volatile char *p)
{
	for (int i = 0; i < NPAGES; i++)
		p[i * PAGE_SIZE] = 1;
}

int main(void)
{
	struct rss r0, r1, r2;
	long a, b;
	char *anon, *shm;

	if (!tap_ok(rss_read(&r0), "read VmRSS, RssAnon, RssFile, RssShmem and VmHWM"))
		return tap_done();
	check_sum(&r0, "at start");

	a = sys_mmap(NULL, NPAGES * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	b = sys_mmap(NULL, NPAGES * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (!tap_ok(a > 0 && b > 0, "mmap private and shared anonymous memory (%ld, %ld)", a, b))
		return tap_done();
	anon = (char *)a;
	shm = (char *)b;

	touch(anon);
	if (!tap_ok(rss_read(&r1), "read status after touching private pages"))
		return tap_done();
	check_growth(r0.anon, r1.anon, "RssAnon");
	/* Checked here, not at start: Linux has folded the task's counts in by now. */
	tap_ok(r1.shmem > 0, "RssShmem is %ld kB: the program's text pages, from the initramfs (tmpfs)", r1.shmem);
	tap_is_long(r1.file, 0, "RssFile is 0 kB: no page comes from a disk file system");
	tap_ok(r1.shmem - r0.shmem < SLACK * 4, "RssShmem grows by text pages only (%ld -> %ld kB)", r0.shmem, r1.shmem);

	touch(shm);
	if (!tap_ok(rss_read(&r2), "read status after touching shared pages"))
		return tap_done();
	check_growth(r1.shmem, r2.shmem, "RssShmem");
	tap_is_long(r2.file, 0, "RssFile is still 0 kB");
	check_sum(&r2, "after both");

	tap_is_long(sys_munmap(anon, NPAGES * PAGE_SIZE), 0, "munmap the private pages");
	tap_is_long(sys_munmap(shm, NPAGES * PAGE_SIZE), 0, "munmap the shared pages");
	return tap_done();
}
