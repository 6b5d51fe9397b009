/*
 * mmtest.h - helpers for the memory-management tests (cow_*, rmap_*, ...):
 * everything here is static inline so that each test stays one .c file.
 *
 *   pagemap_get / page_pfn     /proc/PID/pagemap: present bit, PFN, flags
 *   kpagecount_get             /proc/kpagecount: how many PTEs map a frame
 *   kpageflags_get, KPF_*      /proc/kpageflags: what backs a frame
 *   node_meminfo_long          one "Node N Field: X" line of nodeN/meminfo
 *   smaps_kb, smaps_rollup_kb  one "Name:  N kB" field of a VMA's smaps
 *                              record, or of smaps_rollup
 *   vmstat_get, knob_write     (user/lib/util.c) a /proc/vmstat counter, a knob write
 *   mailbox_*                  a MAP_SHARED page for talking to children,
 *                              polled with sched_yield
 *   debug_query, report_*      Pagoda's /sys/kernel/debug/pagoda/ files
 *   k_sigaction, k_siginfo     the kernel's signal ABI, with a restorer
 *
 * The pagemap format (Linux Documentation/admin-guide/mm/pagemap.rst):
 * 8 bytes per virtual page at offset (vaddr / 4096) * 8; bit 63 present,
 * bits 0-54 the PFN (zero unless the reader has CAP_SYS_ADMIN: the tests
 * run as root), bit 56 "exclusively mapped", bit 61 file page or shared
 * anonymous page.  /proc/kpagecount: 8 bytes per PFN, the map count.
 */
#ifndef MMTEST_H
#define MMTEST_H

#include "tap.h"

/* Numbers uapi.h does not have (Linux's syscall_64.tbl). */
#define __NR_lseek              8
#define __NR_rt_sigaction       13
#define __NR_rt_sigprocmask     14
#define __NR_rt_sigreturn       15
#define SEEK_SET                0

static inline long sys_lseek(int fd, long off, int whence)
{
	return syscall3(__NR_lseek, fd, off, whence);
}

/* ---- pagemap ---- */
#define PM_PRESENT              (1UL << 63)
#define PM_FILE                 (1UL << 61)
#define PM_MMAP_EXCLUSIVE       (1UL << 56)
#define PM_PFN_MASK             ((1UL << 55) - 1)

/* Reads 8 bytes at offset off of path into *val; 0 or -errno. */
static inline long read_u64_at(const char *path, unsigned long off, uint64_t *val)
{
	long fd = sys_openat(AT_FDCWD, path, O_RDONLY, 0);
	long r;

	if (fd < 0)
		return fd;
	r = sys_lseek((int)fd, (long)off, SEEK_SET);
	if (r >= 0)
		r = sys_read((int)fd, val, sizeof(*val));
	sys_close((int)fd);
	if (r < 0)
		return r;
	return r == sizeof(*val) ? 0 : -EIO;
}

/* The pagemap entry of addr in process pid (0: this process); 0 or -errno. */
static inline long pagemap_get(long pid, const void *addr, uint64_t *entry)
{
	char path[64];

	if (pid)
		snprintf(path, sizeof(path), "/proc/%ld/pagemap", pid);
	else
		snprintf(path, sizeof(path), "/proc/self/pagemap");
	*entry = 0;
	return read_u64_at(path, (unsigned long)addr / PAGE_SIZE * 8, entry);
}

/* The frame mapped at addr in pid (0: self), or 0 if none (or on error). */
static inline uint64_t page_pfn(long pid, const void *addr)
{
	uint64_t e;

	if (pagemap_get(pid, addr, &e) < 0 || !(e & PM_PRESENT))
		return 0;
	return e & PM_PFN_MASK;
}

/* How many PTEs map frame pfn, or -errno. */
static inline long kpagecount_get(uint64_t pfn)
{
	uint64_t n;
	long r = read_u64_at("/proc/kpagecount", pfn * 8, &n);

	return r < 0 ? r : (long)n;
}

/* ---- /proc/kpageflags (Linux include/uapi/linux/kernel-page-flags.h) ---- */
#define KPF_SLAB		7
#define KPF_BUDDY		10
#define KPF_MMAP		11
#define KPF_ANON		12
#define KPF_SWAPBACKED		14
#define KPF_COMPOUND_HEAD	15
#define KPF_COMPOUND_TAIL	16
#define KPF_HUGE		17
#define KPF_NOPAGE		20
#define KPF_THP			22
#define KPF_ZERO_PAGE		24
#define KPF_PGTABLE		26
#define KPF_BIT(b)		(1ULL << (b))

/* The KPF_* bits of frame pfn into *flags; 0 or -errno. */
static inline long kpageflags_get(uint64_t pfn, uint64_t *flags)
{
	*flags = 0;
	return read_u64_at("/proc/kpageflags", pfn * 8, flags);
}

/* ---- /sys/devices/system/node/nodeN/meminfo ---- */

/* "Node N <field>: X" of nodeN/meminfo, or -1. */
static inline long node_meminfo_long(int nid, const char *field)
{
	static char buf[4096];
	char path[64], key[64];
	const char *p;

	snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/meminfo", nid);
	if (read_file(path, buf, sizeof(buf)) < 0)
		return -1;
	snprintf(key, sizeof(key), "Node %d %s:", nid, field);
	p = strstr(buf, key);
	return p ? strtol(p + strlen(key), NULL, 10) : -1;
}

/* ---- /proc/PID/smaps ---- */

/* The value of the "name:" line in [text, end), or -1 if there is none. */
static inline long smaps_line_kb(const char *text, const char *end, const char *name)
{
	size_t n = strlen(name);

	for (const char *l = text; l && l < end; l = strchr(l, '\n')) {
		if (*l == '\n')
			l++;
		if (l < end && !strncmp(l, name, n) && l[n] == ':')
			return strtol(l + n + 1, NULL, 10);
	}
	return -1;
}

/*
 * Field name (in kB) of the smaps record of the VMA starting at addr in
 * pid (0: this process), or -1 if there is no such VMA or field.  The
 * record runs from its "start-end" line to its VmFlags line.
 */
static inline long smaps_kb(long pid, const void *addr, const char *name)
{
	static char buf[256 * 1024];
	char path[64], key[32];
	const char *rec, *end;

	snprintf(path, sizeof(path), pid ? "/proc/%ld/smaps" : "/proc/self/smaps", pid);
	if (read_file(path, buf, sizeof(buf)) <= 0)
		return -1;
	snprintf(key, sizeof(key), "%08lx-", (unsigned long)addr);
	for (rec = buf; rec; rec = strchr(rec, '\n')) {
		if (*rec == '\n')
			rec++;
		if (!strncmp(rec, key, strlen(key)))
			break;
	}
	if (!rec || !*rec || !(end = strstr(rec, "VmFlags:")))
		return -1;
	return smaps_line_kb(rec, end, name);
}

/* Field name (in kB) of this process's smaps_rollup, or -1. */
static inline long smaps_rollup_kb(const char *name)
{
	static char buf[4096];
	long n = read_file("/proc/self/smaps_rollup", buf, sizeof(buf));

	return n <= 0 ? -1 : smaps_line_kb(buf, buf + n, name);
}

/* ---- /proc/vmstat ---- */

/* Pagoda's do_wp_page counters: copied, and reused, a write-protected page. */
struct cow_counters {
	long copy, reuse;
};

static inline void cow_counters_read(struct cow_counters *c)
{
	c->copy = vmstat_get("pagoda_cow_copy");
	c->reuse = vmstat_get("pagoda_cow_reuse");
}

/* ---- a shared page to talk to children ---- */

/* One MAP_SHARED anonymous page (zeroed), or NULL. */
static inline void *mailbox_new(size_t size)
{
	long p = sys_mmap(NULL, ALIGN_UP(size, PAGE_SIZE), PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return p < 0 ? NULL : (void *)p;
}

#define MAILBOX_TIMEOUT_NS      (60L * 1000 * 1000 * 1000)

/*
 * Wait until *word == value, yielding the CPU; 1 if it did, 0 after 60 s.
 * Each round writes the same few stack bytes (the clock read), so after
 * the first one a process waiting here takes no more page faults.
 */
static inline int mailbox_wait(volatile long *word, long value)
{
	long deadline = now_ns() + MAILBOX_TIMEOUT_NS;

	while (*word != value) {
		if (now_ns() > deadline)
			return 0;
		sys_sched_yield();
	}
	return 1;
}

/* Wait until *word != 0; 1 if it did, 0 after 60 s. */
static inline int mailbox_wait_nonzero(volatile long *word)
{
	long deadline = now_ns() + MAILBOX_TIMEOUT_NS;

	while (!*word) {
		if (now_ns() > deadline)
			return 0;
		sys_sched_yield();
	}
	return 1;
}

/*
 * *word = post, then wait for *word == value.  The clock is read (and so
 * the stack written) before posting: a parent that starts measuring COW
 * faults when it sees post must not see this process take any.
 */
static inline int mailbox_post_wait(volatile long *word, long post, long value)
{
	long deadline = now_ns() + MAILBOX_TIMEOUT_NS;

	*word = post;
	while (*word != value) {
		if (now_ns() > deadline)
			return 0;
		sys_sched_yield();
	}
	return 1;
}

/* ---- Pagoda's debug files ---- */
#define PAGODA_DEBUG "/sys/kernel/debug/pagoda/"

/*
 * Write req to a debug file, then read the whole report into out
 * (NUL-terminated).  Returns its length, or -errno from open, write or read.
 */
static inline long debug_query(const char *file, const char *req, char *out, size_t size)
{
	long fd = sys_openat(AT_FDCWD, file, req ? O_RDWR : O_RDONLY, 0);
	size_t len = 0;
	long r = 0;

	out[0] = 0;
	if (fd < 0)
		return fd;
	if (req) {
		r = sys_write((int)fd, req, strlen(req));
		if (r < 0)
			goto out;
	}
	while (len + 1 < size) {
		r = sys_read((int)fd, out + len, size - 1 - len);
		if (r <= 0)
			break;
		len += r;
	}
	out[len] = 0;
out:
	sys_close((int)fd);
	return r < 0 ? r : (long)len;
}

/* The value after "key " at the start of a line of report, or -1. */
static inline long report_field(const char *report, const char *key)
{
	size_t klen = strlen(key);

	for (const char *line = report; line && *line; line = strchr(line, '\n')) {
		if (*line == '\n')
			line++;
		if (!strncmp(line, key, klen) && line[klen] == ' ')
			return (long)strtoul(line + klen + 1, NULL, 0);
	}
	return -1;
}

/* The value after " key " anywhere in report, e.g. "mapcount", or -1. */
static inline long report_word(const char *report, const char *key)
{
	char pat[40];
	const char *p;

	snprintf(pat, sizeof(pat), " %s ", key);
	p = strstr(report, pat);
	return p ? (long)strtoul(p + strlen(pat), NULL, 0) : -1;
}

/*
 * The pids of the "mapped PID ADDR" lines of an rmap report: up to max of
 * them in pids[], and the addresses in addrs[] if not NULL.  Returns how
 * many lines there were.
 */
static inline int report_mapped(const char *report, long *pids, unsigned long *addrs, int max)
{
	int n = 0;

	for (const char *line = report; line && *line; line = strchr(line, '\n')) {
		char *end;

		if (*line == '\n')
			line++;
		if (strncmp(line, "mapped ", 7))
			continue;
		if (n < max) {
			pids[n] = strtol(line + 7, &end, 10);
			if (addrs)
				addrs[n] = strtoul(end, NULL, 0);
		}
		n++;
	}
	return n;
}

/* The rmap report of (pid, addr) into out; its length or -errno. */
static inline long rmap_report(long pid, const void *addr, char *out, size_t size)
{
	char req[64];

	snprintf(req, sizeof(req), "%ld 0x%lx\n", pid, (unsigned long)addr);
	return debug_query(PAGODA_DEBUG "rmap", req, out, size);
}

/* 1 if the n pids in got[] are exactly the set want[0..nwant-1] (order free). */
static inline int pid_set_equal(const long *got, int n, const long *want, int nwant)
{
	if (n != nwant)
		return 0;
	for (int i = 0; i < nwant; i++) {
		int hits = 0;

		for (int j = 0; j < n; j++)
			hits += got[j] == want[i];
		if (hits != 1)
			return 0;
	}
	return 1;
}

/* "5 7 9" for a diagnostic line. */
static inline const char *pid_list_str(const long *pids, int n, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = 0;
	for (int i = 0; i < n && len + 1 < size; i++)
		len += snprintf(buf + len, size - len, "%s%ld", i ? " " : "", pids[i]);
	return buf;
}

/* ---- signals: the kernel's ABI, which the C library would normally hide ---- */
#define SA_SIGINFO      0x00000004
#define SA_RESTORER     0x04000000
#define SA_NODEFER      0x40000000
#define SIG_DFL         ((void *)0)
#define SIG_IGN         ((void *)1)
#define SIG_BLOCK       0
#define SIG_UNBLOCK     1
#define SIG_SETMASK     2
#define SEGV_MAPERR     1
#define SEGV_ACCERR     2
#define SI_USER         0
#define CLD_EXITED      1
#define CLD_KILLED      2
#define CLD_DUMPED      3
#define SIGMASK(sig)    (1UL << ((sig) - 1))

/* struct siginfo as the kernel writes it: 128 bytes. */
struct k_siginfo {
	int si_signo;           /* 0 */
	int si_errno;           /* 4 */
	int si_code;            /* 8 */
	int _pad0;
	union {                 /* 16 */
		void *si_addr;                                  /* SIGSEGV, SIGBUS */
		struct { int si_pid; unsigned si_uid; } kill;   /* kill() */
		struct {                                        /* SIGCHLD */
			int si_pid;
			unsigned si_uid;
			int si_status;                          /* 24 */
		} chld;
		char _pad[128 - 16];
	};
};
_Static_assert(sizeof(struct k_siginfo) == 128, "siginfo is 128 bytes");
_Static_assert(offsetof(struct k_siginfo, si_addr) == 16, "si_addr is at offset 16");
_Static_assert(offsetof(struct k_siginfo, chld.si_status) == 24, "si_status is at offset 24");

/* The kernel's struct sigaction (arch/x86/include/uapi/asm/signal.h), not glibc's. */
struct k_sigaction {
	void (*handler)(int, struct k_siginfo *, void *);
	unsigned long flags;
	void (*restorer)(void);
	unsigned long mask;     /* sigsetsize = 8 */
};

/* Where a handler returns to: rt_sigreturn(2), as glibc's __restore_rt. */
void mmtest_restorer(void);
__asm__(".text\n"
	".globl mmtest_restorer\n"
	".type mmtest_restorer, @function\n"
	"mmtest_restorer:\n"
	"\tmov $15, %eax\n"
	"\tsyscall\n"
	"\thlt\n"
	".size mmtest_restorer, .-mmtest_restorer\n");

static inline long sys_rt_sigaction(int sig, const struct k_sigaction *act, struct k_sigaction *old)
{
	return syscall4(__NR_rt_sigaction, sig, act, old, 8);
}

static inline long sys_rt_sigprocmask(int how, const unsigned long *set, unsigned long *old)
{
	return syscall4(__NR_rt_sigprocmask, how, set, old, 8);
}

/* Install an SA_SIGINFO handler with our restorer; 0 or -errno. */
static inline long sigaction_install(int sig, void (*fn)(int, struct k_siginfo *, void *))
{
	struct k_sigaction sa = { fn, SA_SIGINFO | SA_RESTORER, mmtest_restorer, 0 };

	return sys_rt_sigaction(sig, &sa, NULL);
}

/* ---- transparent huge pages ---- */

#define THP_SIZE	(2UL << 20)

/* The selected word of a "[a] b c" knob into out; 0 or -1. */
static inline int knob_selected(const char *path, char *out, size_t size)
{
	char buf[128], *l, *r;

	if (read_file(path, buf, sizeof(buf)) < 0 || !(l = strchr(buf, '[')) || !(r = strchr(l, ']')))
		return -1;
	if ((size_t)(r - l - 1) >= size)
		return -1;
	memcpy(out, l + 1, (size_t)(r - l - 1));
	out[r - l - 1] = '\0';
	return 0;
}

/*
 * A fresh 2 MB-aligned, 2 MB range inside a 4 MB private mapping (the rest
 * unmapped), with madvise(advice) unless advice < 0; NULL if mmap failed.
 */
static inline unsigned char *thp_area(int advice)
{
	unsigned long raw = (unsigned long)sys_mmap(NULL, 2 * THP_SIZE, PROT_READ | PROT_WRITE,
						    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned long a;

	if ((long)raw < 0)
		return NULL;
	a = (raw + THP_SIZE - 1) & ~(THP_SIZE - 1);
	if (a > raw)
		sys_munmap((void *)raw, a - raw);
	if (raw + 2 * THP_SIZE > a + THP_SIZE)
		sys_munmap((void *)(a + THP_SIZE), raw + 2 * THP_SIZE - a - THP_SIZE);
	if (advice >= 0)
		sys_madvise((void *)a, THP_SIZE, advice);
	return (unsigned char *)a;
}

/* p's 2 MB is 512 contiguous frames starting 2 MB-aligned, in pid's pagemap (0: self). */
static inline int thp_is_huge(long pid, const unsigned char *p)
{
	uint64_t first = page_pfn(pid, p);

	if (!first || first % 512)
		return 0;
	for (unsigned long i = 1; i < 512; i++)
		if (page_pfn(pid, p + i * PAGE_SIZE) != first + i)
			return 0;
	return 1;
}

#endif /* MMTEST_H */
