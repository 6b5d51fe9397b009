/*
 * hugetlbfs: files of huge pages, as Linux 6.1's fs/hugetlbfs has them.
 *
 * - /proc/mounts lists a hugetlbfs at /dev/hugepages (Pagoda mounts it at
 *   boot, /init on Linux).
 * - A file made with open(O_CREAT) there has size 0; ftruncate to a size
 *   that is not a multiple of 2 MB gives EINVAL; to 4 MB it works (fstat)
 *   and takes no page; mmap at an offset not 2 MB-aligned gives EINVAL.
 * - MAP_SHARED: the mapping reserves its 2 pages (kept with the file); a
 *   second process that opens the file by name and maps it sees the first
 *   one's writes, and the first sees its writes.  The pages stay in the
 *   file after both unmap.
 * - MAP_PRIVATE of the same file: mmap reserves 2 pages; a read maps the
 *   file's own page (same frame as the shared mapping); a write copies it
 *   (new frame, the private mapping sees its write and the rest of the
 *   file's data) and leaves the file's page unchanged (read through the
 *   shared mapping); HugePages_Free -1, Rsvd -1.  munmap frees the copy and
 *   the unused reservation.
 * - ftruncate returns pages to the pool: to 2 MB one, to 0 the other.
 * - fallocate(mode 0) of 4 MB allocates both pages (Free -2) and sets the
 *   size; FALLOC_FL_PUNCH_HOLE|KEEP_SIZE of the first 2 MB frees it and
 *   keeps the size; PUNCH_HOLE without KEEP_SIZE gives EOPNOTSUPP.
 * - unlink: the name is gone (ENOENT), the pages are freed at the last close.
 * - mount(2) of type "hugetlbfs" on /mnt works and shows in /proc/mounts; a
 *   file there works the same (the pool serves it); umount2 removes it.
 * - memfd_create with MFD_HUGETLB, and with MFD_HUGETLB|MFD_HUGE_2MB, gives
 *   such a file: ftruncate (EINVAL unaligned) and fstat st_size, a shared
 *   mapping that a forked child maps again from the same fd and that both
 *   see writes through; closing it gives the pages back.
 *   MFD_HUGETLB|MFD_HUGE_16KB (no such hstate) gives ENODEV.
 */
#include "hugetlb.h"

#define TESTFILE	"/dev/hugepages/hugetlbfs_test"
#define MNTFILE		"/mnt/hugetlbfs_test"

static struct hpool start;
static char mounts[8192];

static int mounts_has(const char *needle)
{
	return read_file("/proc/mounts", mounts, sizeof(mounts)) > 0 && strstr(mounts, needle) != NULL;
}

static long file_mmap(int fd, size_t len, int type, long off)
{
	return sys_mmap(NULL, len, PROT_READ | PROT_WRITE, type, fd, off);
}

/* The second process: open path by name, map 2 pages shared, check 'A', write 'B' in both. */
static void sharer_child(void *path)
{
	long fd = sys_openat(AT_FDCWD, path, O_RDWR, 0);
	long a = fd < 0 ? fd : file_mmap((int)fd, 2 * HPAGE_SIZE, MAP_SHARED, 0);
	volatile unsigned char *p = (volatile unsigned char *)a;

	if (a < 0)
		sys_exit_group(2);
	if (p[0] != 'A')
		sys_exit_group(3);
	p[1] = 'B';
	p[HPAGE_SIZE + 1] = 'B';
	sys_exit_group(0);
}

static void test_shared_private(int fd)
{
	long a = file_mmap(fd, 2 * HPAGE_SIZE, MAP_SHARED, 0), b;
	volatile unsigned char *p = (volatile unsigned char *)a, *q;
	uint64_t pfn;

	if (!tap_ok(a > 0, "mmap the file MAP_SHARED"))
		return;
	hpool_is(start.total, start.free, 2, 0, "the shared mapping reserves 2 pages");
	p[0] = 'A';
	p[100] = 'a';
	hpool_is(start.total, start.free - 1, 1, 0, "a write takes one of them");
	tap_child_exit(sharer_child, TESTFILE, 0, "a second process maps the file by name and reads 'A'");
	tap_ok(p[1] == 'B' && p[HPAGE_SIZE + 1] == 'B', "and the first sees its writes in both pages");
	hpool_is(start.total, start.free - 2, 0, 0, "both pages in the file");

	b = file_mmap(fd, 2 * HPAGE_SIZE, MAP_PRIVATE, 0);
	q = (volatile unsigned char *)b;
	if (tap_ok(b > 0, "mmap the same file MAP_PRIVATE")) {
		hpool_is(start.total, start.free - 2, 2, 0, "the private mapping reserves 2 pages");
		pfn = page_pfn(0, (const void *)p);
		tap_ok(q[0] == 'A' && q[1] == 'B', "a private read sees the file's data");
		tap_is_ulong(page_pfn(0, (const void *)q), pfn, "from the file's own frame");
		q[0] = 'X';
		tap_ok(page_pfn(0, (const void *)q) != pfn, "a private write copies the page");
		tap_ok(q[0] == 'X' && q[1] == 'B' && q[100] == 'a', "the copy has the write and the file's data");
		tap_ok(p[0] == 'A', "the file's page is unchanged (read through the shared mapping)");
		tap_is_ulong(page_pfn(0, (const void *)p), pfn, "and the shared mapping keeps its frame");
		hpool_is(start.total, start.free - 3, 1, 0, "the copy took a reserved page");
		tap_is_long(sys_munmap((void *)q, 2 * HPAGE_SIZE), 0, "munmap the private mapping");
		hpool_is(start.total, start.free - 2, 0, 0, "its copy and its unused reservation are back");
	}
	tap_is_long(sys_munmap((void *)p, 2 * HPAGE_SIZE), 0, "munmap the shared mapping");
	hpool_is(start.total, start.free - 2, 0, 0, "the pages stay in the file");
}

static void test_truncate(int fd)
{
	tap_is_long(sys_ftruncate(fd, HPAGE_SIZE), 0, "ftruncate to 2 MB");
	hpool_is(start.total, start.free - 1, 0, 0, "ftruncate returns the page past the end");
	tap_is_long(sys_ftruncate(fd, 0), 0, "ftruncate to 0");
	hpool_is(start.total, start.free, 0, 0, "ftruncate to 0 returns the other");
	tap_is_long(sys_fstat_size(fd), 0, "st_size 0");
}

static void test_fallocate(int fd)
{
	tap_is_long(sys_fallocate(fd, 0, 0, 2 * HPAGE_SIZE), 0, "fallocate(0, 4 MB)");
	hpool_is(start.total, start.free - 2, 0, 0, "fallocate allocates both pages");
	tap_is_long(sys_fstat_size(fd), 2 * HPAGE_SIZE, "and sets st_size to 4 MB");
	tap_is_err(sys_fallocate(fd, FALLOC_FL_PUNCH_HOLE, 0, HPAGE_SIZE), EOPNOTSUPP,
		   "PUNCH_HOLE without KEEP_SIZE: EOPNOTSUPP");
	tap_is_long(sys_fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, HPAGE_SIZE), 0,
		    "PUNCH_HOLE|KEEP_SIZE of the first 2 MB");
	hpool_is(start.total, start.free - 1, 0, 0, "the punched page is back in the pool");
	tap_is_long(sys_fstat_size(fd), 2 * HPAGE_SIZE, "st_size is still 4 MB");
}

static void test_dev_hugepages(void)
{
	long fd, a;

	tap_ok(mounts_has(" /dev/hugepages hugetlbfs "), "/proc/mounts lists hugetlbfs at /dev/hugepages");
	sys_unlink(TESTFILE);
	fd = sys_openat(AT_FDCWD, TESTFILE, O_CREAT | O_RDWR | O_EXCL, 0600);
	if (!tap_ok(fd >= 0, "open(O_CREAT) " TESTFILE " (%ld)", fd))
		return;
	tap_is_long(sys_fstat_size((int)fd), 0, "a new file has st_size 0");
	tap_is_err(sys_ftruncate((int)fd, HPAGE_SIZE + PAGE_SIZE), EINVAL, "ftruncate to 2 MB + 4 KB: EINVAL");
	tap_is_long(sys_ftruncate((int)fd, 2 * HPAGE_SIZE), 0, "ftruncate to 4 MB");
	tap_is_long(sys_fstat_size((int)fd), 2 * HPAGE_SIZE, "st_size 4 MB");
	hpool_is(start.total, start.free, 0, 0, "ftruncate takes no page");
	tap_is_err(file_mmap((int)fd, HPAGE_SIZE, MAP_SHARED, PAGE_SIZE), EINVAL, "mmap at offset 4 KB: EINVAL");

	test_shared_private((int)fd);
	test_truncate((int)fd);
	test_fallocate((int)fd);

	tap_is_long(sys_unlink(TESTFILE), 0, "unlink");
	tap_is_err(sys_openat(AT_FDCWD, TESTFILE, O_RDWR, 0), ENOENT, "the name is gone");
	hpool_is(start.total, start.free - 1, 0, 0, "the open file keeps its page");
	a = file_mmap((int)fd, HPAGE_SIZE, MAP_SHARED, HPAGE_SIZE);
	if (tap_ok(a > 0, "the unlinked file still maps"))
		sys_munmap((void *)a, HPAGE_SIZE);
	sys_close((int)fd);
	hpool_is(start.total, start.free, 0, 0, "the last close frees it");
}

static void test_mount(void)
{
	long fd, a;

	if (!tap_is_long(sys_mount("none", "/mnt", "hugetlbfs", 0, NULL), 0, "mount hugetlbfs on /mnt"))
		return;
	tap_ok(mounts_has(" /mnt hugetlbfs "), "/proc/mounts lists it");
	fd = sys_openat(AT_FDCWD, MNTFILE, O_CREAT | O_RDWR, 0600);
	if (tap_ok(fd >= 0, "open(O_CREAT) " MNTFILE)) {
		tap_is_long(sys_ftruncate((int)fd, HPAGE_SIZE), 0, "ftruncate to 2 MB");
		a = file_mmap((int)fd, HPAGE_SIZE, MAP_SHARED, 0);
		if (tap_ok(a > 0, "mmap it")) {
			((volatile char *)a)[5] = 'm';
			tap_is_long(((volatile char *)a)[5], 'm', "a write reads back");
			hpool_is(start.total, start.free - 1, 0, 0, "the second mount's page comes from the pool");
			sys_munmap((void *)a, HPAGE_SIZE);
		}
		tap_is_long(sys_unlink(MNTFILE), 0, "unlink it");
		sys_close((int)fd);
		hpool_is(start.total, start.free, 0, 0, "its page is back");
	}
	tap_is_long(sys_umount2("/mnt", 0), 0, "umount2 /mnt");
	tap_ok(!mounts_has(" /mnt hugetlbfs "), "/proc/mounts no longer lists it");
}

static int memfd_fd;

/* A child maps the inherited memfd again, checks the parent's 'M', writes 'C'. */
static void memfd_child(void *unused)
{
	long a = file_mmap(memfd_fd, HPAGE_SIZE, MAP_SHARED, 0);
	volatile unsigned char *p = (volatile unsigned char *)a;

	(void)unused;
	if (a < 0)
		sys_exit_group(2);
	if (p[0] != 'M')
		sys_exit_group(3);
	p[1] = 'C';
	sys_exit_group(0);
}

static void test_memfd(unsigned flags, const char *name)
{
	long fd = sys_memfd_create("x", flags), a;
	volatile unsigned char *p;

	if (!tap_ok(fd >= 0, "memfd_create(%s) (%ld)", name, fd))
		return;
	memfd_fd = (int)fd;
	tap_is_long(sys_fstat_size((int)fd), 0, "%s: st_size 0", name);
	tap_is_err(sys_ftruncate((int)fd, PAGE_SIZE), EINVAL, "%s: ftruncate to 4 KB: EINVAL", name);
	tap_is_long(sys_ftruncate((int)fd, HPAGE_SIZE), 0, "%s: ftruncate to 2 MB", name);
	tap_is_long(sys_fstat_size((int)fd), HPAGE_SIZE, "%s: st_size 2 MB", name);
	a = file_mmap((int)fd, HPAGE_SIZE, MAP_SHARED, 0);
	p = (volatile unsigned char *)a;
	if (tap_ok(a > 0, "%s: mmap shared", name)) {
		hpool_is(start.total, start.free, 1, 0, "memfd: the mapping reserves its page");
		p[0] = 'M';
		hpool_is(start.total, start.free - 1, 0, 0, "memfd: the write takes it");
		tap_child_exit(memfd_child, NULL, 0, "%s: a child maps the fd again and reads 'M'", name);
		tap_is_long(p[1], 'C', "%s: the parent sees the child's write", name);
		sys_munmap((void *)p, HPAGE_SIZE);
	}
	sys_close((int)fd);
	hpool_is(start.total, start.free, 0, 0, "memfd: closed, the page is back");
}

int main(void)
{
	hugetlb_test_machine_or_skip();
	if (!hpool_start(&start, 4))
		return tap_done();
	test_dev_hugepages();
	test_mount();
	test_memfd(MFD_HUGETLB, "MFD_HUGETLB");
	test_memfd(MFD_HUGETLB | MFD_HUGE_2MB, "MFD_HUGETLB|MFD_HUGE_2MB");
	tap_is_err(sys_memfd_create("x", MFD_HUGETLB | MFD_HUGE_16KB), ENODEV,
		   "memfd_create(MFD_HUGETLB|MFD_HUGE_16KB): ENODEV");
	hpool_is(start.total, start.free, 0, 0, "pool back at the end");
	return tap_done();
}
