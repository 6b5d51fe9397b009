/*
 * init.c - /init: run every test program, print TAP, power off.
 *
 *   main
 *     console_setup     Linux without /dev/console: make it, open fds 0-2
 *     mounts_setup      Linux: mount proc and sysfs if they are missing, and
 *                       (as pid 1) hugetlbfs at /dev/hugepages
 *     cmdline_options   as pid 1: init.tests= from /proc/cmdline
 *     tests_scan        the files in /tests (unless init.tests=user), then in
 *                       /user (named "user/NAME"), sorted
 *     for each test:
 *       "# init: run N name"   so that a reader of the console knows whose
 *                       output follows, TAP lines included (see below)
 *       test_run        fork + execve(path), a watchdog child, wait4
 *       leak_check      Pagoda only: MemFree must be back where it was
 *       hugetlb_pool_check  both kernels: HugePages_Total/Free/Rsvd/Surp too
 *       "ok N - name" / "ok N - name # SKIP" (exit status KSFT_SKIP) /
 *       "not ok N - name # reason"
 *     "1..N", "# init: P passed, F failed", reboot(POWER_OFF)
 *
 * Each test prints its own checks as "# " comment lines; init prints the
 * one TAP line per program.  A crash in a test is one failed test.
 * Everything between "# init: run N name" and init's own "ok N - name" /
 * "not ok N - name" is the program's output, even lines that look like TAP:
 * a user's program may print TAP of its own (tests/run-boot.py shows those
 * lines under the program's result and does not count them).
 *
 * The leak check compares /proc/meminfo MemFree before and after each test,
 * so init itself must not change its memory footprint while it runs:
 * static buffers, no malloc, 64 KB of stack touched up front, its own
 * image read in (prefault_image: text pages come in on first use), and one
 * warm-up fork before the baseline is taken.
 *
 * The hugetlb pool check runs on every kernel: a test that resizes the pool
 * or maps huge pages must leave HugePages_Total, _Free, _Rsvd and _Surp of
 * /proc/meminfo as it found them, or it fails ("hugetlb pool changed: Free
 * 8 -> 7"), and the next test is measured from the new values.
 *
 * Options (for debugging; a Linux kernel passes extra command-line words):
 *   NAME...          run only these tests ("getpid", "user/foo")
 *   --no-poweroff    do not call reboot at the end
 *   --root=DIR       look for DIR/tests and DIR/user (host testing)
 *   --leak-check / --no-leak-check   force the check on or off
 *   --timeout=SEC    per-test watchdog (default 300 s)
 *   --tests=all|user which programs: all (default) or only /user's
 * The kernel command line word init.tests=all|user does what --tests= does
 * (make run-user and make debug DIR= boot with init.tests=user);
 * init.tests=NAME,NAME,... (or one NAME) does what NAME... does (make test's
 * second boot on a 4-node machine runs its NUMA tests so).  Linux
 * takes a dotted word for a module parameter and does not pass it to init,
 * so init reads it from /proc/cmdline, and only as pid 1: never a host's.
 * reboot is only ever called as pid 1 or on Pagoda, so running this on a
 * development host cannot power it off.
 */
#include "ulib.h"
#include "tap.h"          /* KSFT_SKIP */

#define MAX_TESTS       256
#define NAME_LEN        64
#define PATH_LEN        256
#define MAX_ONLY        16

struct test {
	char name[NAME_LEN];    /* as printed: "getpid", "user/foo" */
	char path[PATH_LEN];    /* as executed: "/tests/getpid" */
};

static struct test tests[MAX_TESTS];
static int ntests;
static char dents[4096];
static char index_buf[4096];

static const char *opt_root = "";
static const char *opt_only[MAX_ONLY];
static int opt_nonly;
static int opt_poweroff = 1;
static int opt_leak = -1;               /* -1: on if the kernel is Pagoda */
static long opt_timeout = 300;
static int opt_builtin = 1;             /* run /tests too, not only /user */
static char cmdline_buf[1024];

/* Same environment on every kernel, so tests behave identically. */
static char *test_envp[] = { "PATH=/bin", "HOME=/", "TERM=linux", NULL };

/*
 * On Pagoda fds 0-2 are the console already.  A Linux kernel whose
 * initramfs lacks /dev/console starts us with no fds at all ("unable to
 * open an initial console"): create the node and open it three times.
 */
static void console_setup(void)
{
	long fd;

	if (sys_write(1, "", 0) != -EBADF)
		return;
	sys_mkdirat(AT_FDCWD, "/dev", 0755);
	sys_mknodat(AT_FDCWD, "/dev/console", S_IFCHR | 0600, makedev(5, 1));
	do {
		fd = sys_openat(AT_FDCWD, "/dev/console", O_RDWR, 0);
	} while (fd >= 0 && fd < 2);
	if (fd > 2)
		sys_close((int)fd);
}

/*
 * hugetlbfs at /dev/hugepages, where Linux distributions mount it (systemd's
 * dev-hugepages.mount) and Pagoda's kernel mounts it at boot: mounted here
 * if /proc/mounts does not list it.  Only as pid 1: never on a host.  No
 * flags: the line must read "rw,relatime,pagesize=2M" as Pagoda's does
 * (hugetlbfs_ns compares it).
 */
static void hugetlbfs_setup(void)
{
	static char mounts[4096];

	if (sys_getpid() != 1 || read_file("/proc/mounts", mounts, sizeof(mounts)) < 0 ||
	    strstr(mounts, " /dev/hugepages hugetlbfs "))
		return;
	sys_mkdirat(AT_FDCWD, "/dev/hugepages", 0755);
	sys_mount("hugetlbfs", "/dev/hugepages", "hugetlbfs", 0, NULL);
}

/* Linux does not mount anything for an initramfs; Pagoda's files are built in. */
static void mounts_setup(void)
{
	long fd = sys_openat(AT_FDCWD, "/proc/meminfo", O_RDONLY, 0);

	if (fd >= 0) {
		sys_close((int)fd);
	} else {
		sys_mkdirat(AT_FDCWD, "/proc", 0555);
		sys_mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	}
	fd = sys_openat(AT_FDCWD, "/sys/devices", O_RDONLY, 0);
	if (fd >= 0) {
		sys_close((int)fd);
	} else {
		sys_mkdirat(AT_FDCWD, "/sys", 0555);
		sys_mount("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	}
	hugetlbfs_setup();
}

static int test_wanted(const char *name)
{
	if (opt_nonly == 0)
		return 1;
	for (int i = 0; i < opt_nonly; i++)
		if (!strcmp(opt_only[i], name))
			return 1;
	return 0;
}

static void test_add(const char *dir, const char *prefix, const char *file)
{
	struct test *t;

	if (file[0] == '.' || !file[0])
		return;                 /* ".", "..", ".index" */
	if (ntests == MAX_TESTS) {
		printf("# init: more than %d tests, ignoring %s%s\n", MAX_TESTS, prefix, file);
		return;
	}
	t = &tests[ntests];
	snprintf(t->name, sizeof(t->name), "%s%s", prefix, file);
	snprintf(t->path, sizeof(t->path), "%s%s/%s", opt_root, dir, file);
	if (test_wanted(t->name))
		ntests++;
}

/* Lists dir with getdents64; returns -errno if it cannot. */
static long tests_scan_dents(const char *dir, const char *prefix)
{
	char path[PATH_LEN];
	long fd, n;

	snprintf(path, sizeof(path), "%s%s", opt_root, dir);
	fd = sys_openat(AT_FDCWD, path, O_RDONLY, 0);
	if (fd < 0)
		return fd;
	while ((n = sys_getdents64((int)fd, dents, sizeof(dents))) > 0) {
		for (long off = 0; off < n;) {
			struct linux_dirent64 *d = (struct linux_dirent64 *)(dents + off);

			off += d->d_reclen;
			if (d->d_type == DT_REG || d->d_type == DT_UNKNOWN)
				test_add(dir, prefix, d->d_name);
		}
	}
	sys_close((int)fd);
	return n;
}

/* Fallback for a kernel without getdents64: dir/.index, one name a line. */
static void tests_scan_index(const char *dir, const char *prefix)
{
	char path[PATH_LEN];

	snprintf(path, sizeof(path), "%s%s/.index", opt_root, dir);
	if (read_file(path, index_buf, sizeof(index_buf)) < 0)
		return;
	for (char *line = index_buf, *nl; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (!nl)
			break;
		*nl = 0;
		test_add(dir, prefix, line);
	}
}

static void tests_sort(int from)
{
	for (int i = from + 1; i < ntests; i++) {
		for (int j = i; j > from && strcmp(tests[j - 1].name, tests[j].name) > 0; j--) {
			struct test tmp = tests[j];

			tests[j] = tests[j - 1];
			tests[j - 1] = tmp;
		}
	}
}

static void tests_scan(const char *dir, const char *prefix)
{
	int first = ntests;

	if (tests_scan_dents(dir, prefix) < 0) {
		ntests = first;         /* a partial listing is worse than none */
		tests_scan_index(dir, prefix);
	}
	tests_sort(first);
}

/* A child that kills the test after opt_timeout seconds, then exits 0. */
static long watchdog_start(long pid)
{
	long dog;

	if (pid <= 0)
		return -1;              /* never kill(0) or kill(-1) */
	dog = sys_fork();
	if (dog == 0) {
		struct timespec ts = { opt_timeout, 0 };

		sys_nanosleep(&ts, NULL);
		sys_kill((int)pid, SIGKILL);
		sys_exit_group(0);
	}
	return dog;
}

/*
 * Wait until both the test and its watchdog are reaped, reaping any
 * orphans the test left to us on the way.  Returns the test's status.
 */
static int test_wait(long pid, long dog, int *timed_out)
{
	int status = 0, st;
	int test_done = 0, dog_done = dog <= 0;

	while (!test_done || !dog_done) {
		long r;

		if (test_done)
			sys_kill((int)dog, SIGKILL);
		r = sys_wait4(-1, &st, 0, NULL);
		if (r < 0)
			break;          /* ECHILD: nothing left to wait for */
		if (r == pid) {
			status = st;
			test_done = 1;
		} else if (r == dog) {
			dog_done = 1;
			*timed_out = WIFEXITED(st);
		}
	}
	return status;
}

/* Runs one test; returns 1 if it passed, else 0 and a reason. */
enum test_result { TEST_FAIL, TEST_PASS, TEST_SKIP };

static enum test_result test_run(struct test *t, char *reason, size_t size)
{
	char *argv[] = { t->path, NULL };
	int status, timed_out = 0;
	long pid, dog;

	pid = sys_fork();
	if (pid < 0) {
		snprintf(reason, size, "fork failed: %s", errno_name((int)-pid));
		return 0;
	}
	if (pid == 0) {
		long r = sys_execve(t->path, argv, test_envp);

		printf("# init: execve %s: %s\n", t->path, errno_name((int)-r));
		sys_exit_group(127);
	}
	dog = watchdog_start(pid);
	status = test_wait(pid, dog, &timed_out);
	if (timed_out) {
		snprintf(reason, size, "timeout after %ld s", opt_timeout);
		return TEST_FAIL;
	}
	if (status == 0)
		return TEST_PASS;
	if (WIFEXITED(status) && WEXITSTATUS(status) == KSFT_SKIP)
		return TEST_SKIP;	/* the program printed "# SKIP why" */
	wstatus_str(status, reason, size);
	return TEST_FAIL;
}

/*
 * Between re-reads: reap the orphans a test left behind (killed
 * grandchildren are mine), then let the other CPUs finish what they are
 * doing: a task killed there may still be on its way out, and a thread's
 * stack is freed by the CPU that ran it, after its last switch. At most
 * SETTLE_TRIES * 10 ms; a test that leaks waits that long, no other does.
 */
#define SETTLE_TRIES	100

static void settle(void)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	int st;

	while (sys_wait4(-1, &st, 1 /* WNOHANG */, NULL) > 0)
		;
	sys_nanosleep(&ts, NULL);
}

/*
 * MemFree after a test must equal the baseline, once the memory of every
 * task the test created has come back (settle).  Returns the change in kB
 * (positive: leaked) and moves the baseline, so that one leak fails one
 * test, not every test after it.
 */
static long leak_check(long *baseline)
{
	long now = -1, leaked;

	for (int i = 0; i < SETTLE_TRIES; i++) {
		now = meminfo_kb("MemFree");
		if (now == *baseline)
			return 0;
		settle();
	}
	leaked = *baseline - now;
	*baseline = now;
	return leaked;
}

/* The hugetlb pool as /proc/meminfo shows it; -1 for a field it lacks. */
struct hugetlb_pool {
	long total, free, rsvd, surp;
};

static void hugetlb_pool_read(struct hugetlb_pool *p)
{
	p->total = meminfo_kb("HugePages_Total");
	p->free = meminfo_kb("HugePages_Free");
	p->rsvd = meminfo_kb("HugePages_Rsvd");
	p->surp = meminfo_kb("HugePages_Surp");
}

static int hugetlb_pool_equal(const struct hugetlb_pool *a, const struct hugetlb_pool *b)
{
	return a->total == b->total && a->free == b->free && a->rsvd == b->rsvd && a->surp == b->surp;
}

/* Appends " Name a -> b" to buf for a field that changed. */
static size_t pool_field_diff(char *buf, size_t size, size_t len, const char *name, long a, long b)
{
	if (a == b || len >= size)
		return len;
	return len + snprintf(buf + len, size - len, " %s %ld -> %ld", name, a, b);
}

/*
 * Both kernels: the pool after a test must equal the pool before it (a
 * test that resizes it restores it; every huge page a test mapped is free
 * again when it exits).  Re-read while things settle, as leak_check does,
 * for an orphan that still holds pages.  Returns 1 if unchanged, else 0 with
 * "hugetlb pool changed: Free 8 -> 7" in why, and moves the baseline.
 */
static int hugetlb_pool_check(struct hugetlb_pool *baseline, char *why, size_t size)
{
	struct hugetlb_pool now;
	size_t len;

	for (int i = 0; i < SETTLE_TRIES; i++) {
		hugetlb_pool_read(&now);
		if (hugetlb_pool_equal(&now, baseline))
			return 1;
		settle();
	}
	len = snprintf(why, size, "hugetlb pool changed:");
	len = pool_field_diff(why, size, len, "Total", baseline->total, now.total);
	len = pool_field_diff(why, size, len, "Free", baseline->free, now.free);
	len = pool_field_diff(why, size, len, "Rsvd", baseline->rsvd, now.rsvd);
	pool_field_diff(why, size, len, "Surp", baseline->surp, now.surp);
	*baseline = now;
	return 0;
}

/*
 * Pagoda only: the kernel's own consistency check after each test (every
 * mapped page's mapcount and refcount agree with the page tables and the
 * rmap walk; every AVC is on its VMA's list and in its anon_vma's tree).
 * Returns 1 if it says "ok", else 0 with its first line in why.
 */
static int mm_check(char *why, size_t size)
{
	static char buf[512];
	long fd = sys_openat(AT_FDCWD, "/sys/kernel/debug/pagoda/check", O_RDONLY, 0);
	long n;

	if (fd < 0) {
		snprintf(why, size, "mm check unavailable (%ld)", fd);
		return 0;
	}
	n = sys_read(fd, buf, sizeof(buf) - 1);
	sys_close(fd);
	buf[n > 0 ? n : 0] = '\0';
	if (!strcmp(buf, "ok\n"))
		return 1;
	for (char *p = buf; *p; p++)
		if (*p == '\n')
			*p = *(p + 1) ? ';' : '\0';
	snprintf(why, size, "mm check: %s", buf);
	return 0;
}

/* Fault in the stack that printf and the loop will use, before the baseline. */
static __attribute__((noinline)) void stack_pretouch(void)
{
	volatile char buf[64 * 1024];

	for (size_t i = 0; i < sizeof(buf); i += 512)
		buf[i] = 0;
}

static int tests_option_known(const char *val, size_t len)
{
	return (len == 3 && !strncmp(val, "all", 3)) || (len == 4 && !strncmp(val, "user", 4));
}

/* "all" (1) or "user" (0): whether the built-in tests in /tests run; all if unknown. */
static int tests_option(const char *val, size_t len)
{
	if (len == 3 && !strncmp(val, "all", 3))
		return 1;
	if (len == 4 && !strncmp(val, "user", 4))
		return 0;
	printf("# init: unknown tests option '%.*s' (all or user), running all\n", (int)len, val);
	return 1;
}

/*
 * init.tests=a,b,c: only these built-in tests (as NAME... does). The names
 * are copied out of cmdline_buf, which the caller goes on searching.
 */
static void tests_list_option(const char *val, size_t len)
{
	static char names[sizeof(cmdline_buf)];
	static size_t used;
	char *name;

	if (used + len + 1 > sizeof(names))
		return;
	name = names + used;
	memcpy(name, val, len);
	name[len] = '\0';
	used += len + 1;
	for (char *p = name; ; p++) {
		int end = *p == '\0';

		if (*p != ',' && !end)
			continue;
		*p = '\0';
		if (*name && opt_nonly < MAX_ONLY)
			opt_only[opt_nonly++] = name;
		if (end)
			return;
		name = p + 1;
	}
}

/* init.tests= on the kernel command line; words are separated by spaces. */
static void cmdline_options(void)
{
	static const char key[] = "init.tests=";
	char *p = cmdline_buf;

	if (sys_getpid() != 1 || read_file("/proc/cmdline", cmdline_buf, sizeof(cmdline_buf)) < 0)
		return;
	while ((p = strstr(p, key)) != NULL) {
		char *val = p + sizeof(key) - 1;
		size_t len = 0;

		if (p == cmdline_buf || p[-1] == ' ') {
			while (val[len] && val[len] != ' ' && val[len] != '\n')
				len++;
			if (!tests_option_known(val, len))
				tests_list_option(val, len);
			else
				opt_builtin = tests_option(val, len);
		}
		p = val;
	}
}

static void options_parse(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--no-poweroff"))
			opt_poweroff = 0;
		else if (!strncmp(a, "--root=", 7))
			opt_root = a + 7;
		else if (!strcmp(a, "--leak-check"))
			opt_leak = 1;
		else if (!strcmp(a, "--no-leak-check"))
			opt_leak = 0;
		else if (!strncmp(a, "--timeout=", 10))
			opt_timeout = strtol(a + 10, NULL, 10);
		else if (!strncmp(a, "--tests=", 8))
			opt_builtin = tests_option(a + 8, strlen(a + 8));
		else if (opt_nonly < MAX_ONLY)
			opt_only[opt_nonly++] = a;
	}
}

/* The first fork may grow kernel caches for good; do it before the baseline. */
static void warm_up(void)
{
	int st;
	long pid = sys_fork();

	if (pid == 0)
		sys_exit_group(0);
	if (pid > 0)
		sys_wait4((int)pid, &st, 0, NULL);
}

static __attribute__((noreturn)) void power_off(int failed)
{
	long r;

	/* Only as the real init: never power off a development host. */
	if (opt_poweroff && (sys_getpid() == 1 || is_pagoda())) {
		r = sys_reboot(LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_POWER_OFF, NULL);
		printf("# init: reboot(POWER_OFF) failed: %s\n", errno_name((int)-r));
	}
	if (sys_getpid() == 1) {
		/* Linux panics if pid 1 exits; idle instead. */
		struct timespec ts = { 3600, 0 };

		for (;;)
			sys_nanosleep(&ts, NULL);
	}
	exit(failed ? 1 : 0);
}

int main(int argc, char **argv)
{
	long t0 = now_ns();     /* first: this is the boot-time figure */
	long baseline = 0, leaked;
	struct hugetlb_pool pool;
	int passed = 0, failed = 0;
	char reason[256], why[128];
	struct utsname u;

	console_setup();
	printf("pagoda-init: started at %ld ns\n", t0);
	mounts_setup();
	cmdline_options();
	options_parse(argc, argv);      /* after: --tests= wins over init.tests= */
	if (sys_uname(&u) < 0)
		strcpy(u.sysname, "?");
	if (opt_leak < 0)
		opt_leak = is_pagoda();         /* Linux's MemFree moves on its own */

	if (opt_builtin)
		tests_scan("/tests", "");
	tests_scan("/user", "user/");
	printf("# init: kernel %s, %d tests%s, leak check %s\n", u.sysname, ntests,
	       opt_builtin ? "" : " (only /user)", opt_leak ? "on" : "off");

	stack_pretouch();
	prefault_image();
	warm_up();
	hugetlb_pool_read(&pool);
	printf("# init: hugetlb pool: HugePages_Total %ld Free %ld Rsvd %ld Surp %ld\n",
	       pool.total, pool.free, pool.rsvd, pool.surp);
	meminfo_kb("MemFree");          /* fault in its buffer before the baseline */
	baseline = meminfo_kb("MemFree");
	if (opt_leak && baseline < 0) {
		printf("# init: no MemFree in /proc/meminfo, leak check off\n");
		opt_leak = 0;
	}

	for (int i = 0; i < ntests; i++) {
		struct test *t = &tests[i];
		enum test_result r;
		int ok;

		printf("# init: run %d %s\n", i + 1, t->name);
		r = test_run(t, reason, sizeof(reason));
		ok = r != TEST_FAIL;

		if (opt_leak && (leaked = leak_check(&baseline)) != 0) {
			size_t n = ok ? 0 : strlen(reason);

			snprintf(reason + n, sizeof(reason) - n, "%sleaked %ld kB", ok ? "" : "; ", leaked);
			ok = 0;
		}
		if (!hugetlb_pool_check(&pool, why, sizeof(why))) {
			size_t n = ok ? 0 : strlen(reason);

			snprintf(reason + n, sizeof(reason) - n, "%s%s", ok ? "" : "; ", why);
			ok = 0;
		}
		if (opt_leak && ok && !mm_check(reason, sizeof(reason)))
			ok = 0;
		if (ok) {
			passed++;
			printf("ok %d - %s%s\n", i + 1, t->name, r == TEST_SKIP ? " # SKIP" : "");
		} else {
			failed++;
			printf("not ok %d - %s # %s\n", i + 1, t->name, reason);
		}
	}
	printf("1..%d\n", ntests);
	printf("# init: %d passed, %d failed\n", passed, failed);
	power_off(failed);
}
