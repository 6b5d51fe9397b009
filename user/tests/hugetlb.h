/*
 * hugetlb.h - helpers for the hugetlb tests (hugetlb_pool, hugetlb_resv,
 * hugetlb_cow, hugetlbfs, hugetlb_flags) and syslog.  Not a test: the
 * Makefile builds only *.c.
 *
 *   hpool_read, hpool_is      /proc/meminfo HugePages_Total/Free/Rsvd/Surp,
 *   hpool_start               the pool a test needs to start from
 *                             read and compared as one (one TAP line, with
 *                             every field in the diagnostic)
 *   knob_read_long, knob_write_long   a number in a /proc/sys or sysfs file
 *   hstate_path, node_hstate_path     the 2 MB hstate's sysfs files, global
 *                             and per node; node_meminfo_long the node's
 *                             "Node N HugePages_*" lines
 *   huge_mmap                 an anonymous MAP_HUGETLB mapping, or -errno
 *   syslog_read_all           the kernel log (syslog(2) READ_ALL);
 *   syslog_has_pool_kill      whether it holds "PID N killed due to
 *                             inadequate hugepage pool"
 *   hl_abs                    |v| (ulib has no labs)
 *   sys_ftruncate, sys_fallocate, sys_memfd_create, sys_unlink, sys_umount2,
 *   sys_fstat_size, sys_syslog   the raw calls uapi.h lacks
 *
 * The tests run with the boot pool of the test command line (hugepages=8,
 * Makefile TEST_HUGEPAGES, tools/linux-oracle.sh LINUX_HUGEPAGES) and must
 * leave the pool as they found it: /init compares HugePages_* after each.
 * Off Pagoda, a kernel booted without hugepages= (a development host) makes
 * them skip (hugetlb_test_machine_or_skip).
 */
#ifndef HUGETLB_H
#define HUGETLB_H

#include "mmtest.h"

#define HPAGE_SIZE		(2UL << 20)
#define HPAGE_KB		2048L

/* Linux's syscall_64.tbl numbers that uapi.h does not have. */
#define __NR_fstat		5
#define __NR_ftruncate		77
#define __NR_unlink		87
#define __NR_syslog		103
#define __NR_umount2		166
#define __NR_fallocate		285
#define __NR_memfd_create	319

/* include/uapi/asm-generic/mman-common.h, linux/memfd.h, linux/falloc.h */
#define MAP_HUGE_16KB		(14 << MAP_HUGE_SHIFT)
#define MAP_HUGE_4MB		(22 << MAP_HUGE_SHIFT)
#define MFD_CLOEXEC		0x0001U
#define MFD_HUGETLB		0x0004U
#define MFD_HUGE_2MB		(21U << 26)
#define MFD_HUGE_16KB		(14U << 26)
#define FALLOC_FL_KEEP_SIZE	0x01
#define FALLOC_FL_PUNCH_HOLE	0x02
#define BUS_ADRERR		2

/* include/linux/syslog.h */
#define SYSLOG_ACTION_CLOSE		0
#define SYSLOG_ACTION_READ_ALL		3
#define SYSLOG_ACTION_SIZE_UNREAD	9
#define SYSLOG_ACTION_SIZE_BUFFER	10

#define HSTATE_DIR	"/sys/kernel/mm/hugepages/hugepages-2048kB/"
#define NR_HUGEPAGES_SYSCTL "/proc/sys/vm/nr_hugepages"

static inline long sys_ftruncate(int fd, long len)	{ return syscall2(__NR_ftruncate, fd, len); }
static inline long sys_fallocate(int fd, int mode, long off, long len)
{ return syscall4(__NR_fallocate, fd, mode, off, len); }
static inline long sys_memfd_create(const char *name, unsigned flags) { return syscall2(__NR_memfd_create, name, flags); }
static inline long sys_unlink(const char *path)	{ return syscall1(__NR_unlink, path); }
static inline long sys_umount2(const char *path, int flags) { return syscall2(__NR_umount2, path, flags); }
static inline long sys_syslog(int type, char *buf, int len) { return syscall3(__NR_syslog, type, buf, len); }

/* st_size of fd (struct stat on x86-64: 144 bytes, st_size is word 6), or -errno. */
static inline long sys_fstat_size(int fd)
{
	unsigned long st[18];
	long r = syscall2(__NR_fstat, fd, st);

	return r < 0 ? r : (long)st[6];
}

/* ---- the pool as /proc/meminfo shows it ---- */
struct hpool {
	long total, free, rsvd, surp;
};

static inline void hpool_read(struct hpool *p)
{
	p->total = meminfo_kb("HugePages_Total");
	p->free = meminfo_kb("HugePages_Free");
	p->rsvd = meminfo_kb("HugePages_Rsvd");
	p->surp = meminfo_kb("HugePages_Surp");
}

/* One check that meminfo shows exactly total/free/rsvd/surp. */
static inline int hpool_is(long total, long free, long rsvd, long surp, const char *what)
{
	struct hpool p;
	int ok;

	hpool_read(&p);
	ok = p.total == total && p.free == free && p.rsvd == rsvd && p.surp == surp;
	tap_ok(ok, "%s: HugePages Total/Free/Rsvd/Surp %ld/%ld/%ld/%ld", what, total, free, rsvd, surp);
	if (!ok)
		tap_diag("got %ld/%ld/%ld/%ld", p.total, p.free, p.rsvd, p.surp);
	return ok;
}

/*
 * Off Pagoda, run only on the test machine, booted with hugepages= (the
 * oracle): on a development host (make test-host) the tests would resize
 * and exhaust the host's own pool.  On Pagoda they always run.
 */
static inline void hugetlb_test_machine_or_skip(void)
{
	static char cmdline[1024];

	if (is_pagoda())
		return;
	if (read_file("/proc/cmdline", cmdline, sizeof(cmdline)) < 0 || !strstr(cmdline, "hugepages="))
		tap_skip_all("no hugepages= on the kernel command line: not the test machine, "
			     "and the test would resize this kernel's pool");
}

/*
 * The pool a test starts from, read into *start: at least min_free free
 * pages, none reserved or surplus (hugepages=8 on the command line).
 * 0 if it is not so: the test reports it and stops.
 */
static inline int hpool_start(struct hpool *start, long min_free)
{
	hpool_read(start);
	if (tap_ok(start->free >= min_free && start->rsvd == 0 && start->surp == 0,
		   "pool: at least %ld free pages, none reserved (hugepages=8 on the command line)", min_free))
		return 1;
	tap_diag("Total %ld Free %ld Rsvd %ld Surp %ld", start->total, start->free, start->rsvd, start->surp);
	return 0;
}

/* ---- numbers in /proc/sys and sysfs files ---- */

static inline long hl_abs(long v)
{
	return v < 0 ? -v : v;
}

/* The number in file path, or -errno (-EINVAL if it holds none). */
static inline long knob_read_long(const char *path)
{
	char buf[64], *end;
	long r = read_file(path, buf, sizeof(buf)), v;

	if (r < 0)
		return r;
	v = strtol(buf, &end, 10);
	return end == buf ? -EINVAL : v;
}

/* Write "v\n" to path; bytes written or -errno. */
static inline long knob_write_long(const char *path, long v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%ld\n", v);
	return knob_write(path, buf);
}

static inline const char *hstate_path(const char *file)
{
	static char path[128];

	snprintf(path, sizeof(path), HSTATE_DIR "%s", file);
	return path;
}

static inline const char *node_hstate_path(int nid, const char *file)
{
	static char path[128];

	snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/hugepages/hugepages-2048kB/%s",
		 nid, file);
	return path;
}

/* ---- mappings ---- */

/* An anonymous MAP_HUGETLB mapping (flags: MAP_PRIVATE or MAP_SHARED, and more); address or -errno. */
static inline long huge_mmap(void *addr, size_t len, int flags)
{
	return sys_mmap(addr, len, PROT_READ | PROT_WRITE, flags | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
}

/* ---- the kernel log ---- */

/*
 * The whole kernel log (the newest records that fit in buf) through
 * syslog(SYSLOG_ACTION_READ_ALL), NUL-terminated; its length or -errno.
 */
static inline long syslog_read_all(char *buf, size_t size)
{
	long n = sys_syslog(SYSLOG_ACTION_READ_ALL, buf, (int)(size - 1));

	buf[n > 0 ? n : 0] = 0;
	return n;
}

/* 1 if the kernel log holds "PID <pid> killed due to inadequate hugepage pool". */
static inline int syslog_has_pool_kill(long pid)
{
	static char log[1 << 20];
	char msg[80];

	snprintf(msg, sizeof(msg), "PID %ld killed due to inadequate hugepage pool", pid);
	return syslog_read_all(log, sizeof(log)) > 0 && strstr(log, msg) != NULL;
}

#endif /* HUGETLB_H */
