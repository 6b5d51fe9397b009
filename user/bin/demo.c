/*
 * demo.c - /bin/demo, what `make run` boots (init=/bin/demo, so pid 1):
 * half a minute of output for a lecturer, then power off.
 *
 *   1. the kernel (uname) and the NUMA nodes: MemTotal / MemFree of each
 *      from /sys/devices/system/node/nodeN/meminfo, and its distances
 *   2. copy-on-write, seen from user space: a page written before fork is
 *      one frame in parent and child (pagemap PFN, kpagecount 2), the
 *      child's write splits it (a new PFN in the child), and Pagoda's
 *      /proc/vmstat pagoda_cow_copy counts exactly that one copy (see
 *      cow_copy_count: the reading itself must not copy a page)
 *   3. the reverse map of the shared frame before the split, and of the
 *      child's new frame after it (/sys/kernel/debug/pagoda/rmap)
 *   4. "demo: done", and reboot(POWER_OFF), but only as pid 1: run on a
 *      development host it just exits.
 */
#include "../tests/mmtest.h"

struct mailbox {
	volatile long stage;
	volatile long child_read;       /* what the child read back after its write */
};

static struct mailbox *mb;
static unsigned char *page;
static char buf[8192];
#define VMSTAT_BUF	(4 * PAGE_SIZE)

/* As /init does: a Linux kernel may start pid 1 without fds or /proc. */
static void pid1_setup(void)
{
	long fd;

	if (sys_write(1, "", 0) == -EBADF) {
		sys_mkdirat(AT_FDCWD, "/dev", 0755);
		sys_mknodat(AT_FDCWD, "/dev/console", S_IFCHR | 0600, makedev(5, 1));
		do
			fd = sys_openat(AT_FDCWD, "/dev/console", O_RDWR, 0);
		while (fd >= 0 && fd < 2);
		if (fd > 2)
			sys_close((int)fd);
	}
	fd = sys_openat(AT_FDCWD, "/proc/meminfo", O_RDONLY, 0);
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
}

static long node_kb(int nid, const char *field)
{
	char key[48];
	char *p;

	snprintf(key, sizeof(key), "Node %d %s:", nid, field);
	p = strstr(buf, key);
	return p ? strtol(p + strlen(key), NULL, 10) : -1;
}

static void show_machine(void)
{
	struct utsname u;
	char path[64], dist[64];

	if (sys_uname(&u) == 0)
		printf("kernel:  %s %s %s (%s)\n", u.sysname, u.release, u.machine, u.version);
	printf("NUMA nodes:\n");
	for (int nid = 0; nid < 8; nid++) {
		snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/meminfo", nid);
		if (read_file(path, buf, sizeof(buf)) <= 0)
			break;
		snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/distance", nid);
		if (read_file(path, dist, sizeof(dist)) <= 0)
			strcpy(dist, "?\n");
		printf("  node %d: MemTotal %6ld MB, MemFree %6ld MB, distances %s", nid,
		       node_kb(nid, "MemTotal") / 1024, node_kb(nid, "MemFree") / 1024, dist);
	}
}

/* The rmap report of (pid, addr), indented; one line if there is none. */
static void show_rmap(long pid, const void *addr)
{
	long r = rmap_report(pid, addr, buf, sizeof(buf));

	if (r < 0) {
		printf("    (no rmap report: %s%s)\n", errno_name((int)-r),
		       is_pagoda() ? "" : ", not Pagoda");
		return;
	}
	for (char *line = buf, *nl; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (nl)
			*nl = 0;
		printf("    | %s\n", line);
		if (!nl)
			break;
	}
}

/*
 * Pagoda's pagoda_cow_copy, or -1 (not Pagoda). The file is read into vbuf,
 * a page mapped after fork (the child never shares it) and already written
 * (its first-touch fault is over): the reading itself copies no page. With
 * a static buffer, shared copy-on-write with the child, the parent's own
 * read() would be a second COW copy between the two readings, and "the
 * child writes once" would show 2 copies. The parent's stack pages that
 * this call writes are written before the kernel reads the counter, so the
 * first call's own stack faults (if any) fall before the baseline, and the
 * second call writes the same pages.
 */
static long cow_copy_count(char *vbuf, size_t size)
{
	static const char key[] = "pagoda_cow_copy ";

	if (read_file("/proc/vmstat", vbuf, size) < 0)
		return -1;
	for (char *line = vbuf; line; line = strchr(line, '\n')) {
		if (*line == '\n')
			line++;
		if (!strncmp(line, key, sizeof(key) - 1))
			return strtol(line + sizeof(key) - 1, NULL, 10);
	}
	return -1;
}

static void show_cow(void)
{
	long pid, copy0, copy1;
	char *vbuf;
	uint64_t pfn, child_pfn;
	char label[48];
	int status;

	mb = mailbox_new(sizeof(*mb));
	page = (unsigned char *)sys_mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE,
					 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!mb || (long)page < 0) {
		printf("mmap failed\n");
		return;
	}
	printf("\nCopy-on-write of one private page at %p:\n", page);
	memset(page, 'P', PAGE_SIZE);
	pfn = page_pfn(0, page);
	snprintf(label, sizeof(label), "parent (pid %ld) writes 'P'", sys_getpid());
	printf("  %-30s frame 0x%lx\n", label, (unsigned long)pfn);

	pid = sys_fork();
	if (pid == 0) {
		if (!mailbox_post_wait(&mb->stage, 1, 2))
			sys_exit_group(1);
		page[0] = 'C';                          /* the COW fault */
		mb->child_read = page[0];
		if (!mailbox_post_wait(&mb->stage, 3, 4))
			sys_exit_group(2);
		sys_exit_group(0);
	}
	if (pid < 0 || !mailbox_wait(&mb->stage, 1)) {
		printf("fork failed\n");
		return;
	}
	snprintf(label, sizeof(label), "after fork, child (pid %ld)", pid);
	printf("  %-30s frame 0x%lx, kpagecount %ld: one frame, read-only in both\n",
	       label, (unsigned long)page_pfn(pid, page), kpagecount_get(pfn));
	printf("  rmap of the shared frame:\n");
	show_rmap(sys_getpid(), page);

	vbuf = (char *)sys_mmap(NULL, VMSTAT_BUF, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if ((long)vbuf < 0) {
		printf("mmap failed\n");
		return;
	}
	memset(vbuf, 0, VMSTAT_BUF);
	copy0 = cow_copy_count(vbuf, VMSTAT_BUF);
	mb->stage = 2;				/* the child writes its page once */
	mailbox_wait(&mb->stage, 3);
	copy1 = cow_copy_count(vbuf, VMSTAT_BUF);
	child_pfn = page_pfn(pid, page);
	printf("  %-30s child frame 0x%lx, parent frame 0x%lx: split\n", "the child writes 'C'",
	       (unsigned long)child_pfn, (unsigned long)page_pfn(0, page));
	printf("  parent still reads '%c', child reads '%c'\n", page[0], (int)mb->child_read);
	if (copy0 >= 0)
		printf("  /proc/vmstat pagoda_cow_copy: %ld -> %ld: %ld copy, the child's write\n",
		       copy0, copy1, copy1 - copy0);
	else
		printf("  (no pagoda_cow_copy in /proc/vmstat: not Pagoda)\n");
	printf("  rmap of the child's new frame:\n");
	show_rmap(pid, page);
	mb->stage = 4;
	sys_wait4((int)pid, &status, 0, NULL);
	sys_munmap(vbuf, VMSTAT_BUF);
}

int main(void)
{
	int pid1 = sys_getpid() == 1;

	if (pid1)
		pid1_setup();
	printf("\n=== Pagoda: a teaching kernel for Linux memory management ===\n");
	show_machine();
	show_cow();
	printf("\ndemo: done\n");
	if (pid1) {
		/* Only ever as pid 1, i.e. booted with init=/bin/demo, never on a host. */
		sys_reboot(LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_POWER_OFF, NULL);
		for (;;) {
			struct timespec ts = { 60, 0 };

			sys_nanosleep(&ts, NULL);       /* pid 1 must not exit */
		}
	}
	return 0;
}
