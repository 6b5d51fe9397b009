/*
 * hugetlb-cow.c - /lectures/hugetlb-cow, the scenario of `make lecture
 * L=hugetlb-cow` (pid 1): seed 000's copy-on-write of a private hugetlb
 * mapping after fork, with real processes. It sizes the pool itself
 * (/proc/sys/vm/nr_hugepages), so that the lecture starts from counts it
 * printed, and gives the pool back as it found it at the end.
 *
 *   round 1, COW_ADDR, a pool of 2 pages:
 *     1. the parent writes its 2 MB MAP_PRIVATE|MAP_HUGETLB page (the
 *        owner: it reserved it at mmap);
 *     2. fork: copy_hugetlb_page_range write-protects the parent's huge PTE
 *        and maps the same page read-only in the child;
 *     3. the child writes: hugetlb_cow copies (mapcount 2), the pool's last
 *        free page becomes the child's;
 *     4. the parent writes, the child still alive on its copy: hugetlb_cow
 *        reuses (mapcount 1, retry_avoidcopy).
 *   round 2, EXHAUST_ADDR, the pool shrunk to 1 page:
 *     5. the same write and fork, then the owner (the parent) writes first:
 *        alloc_huge_page fails (outside_reserve: no free page), so
 *        unmap_ref_private takes the page from the child (HPAGE_RESV_UNMAPPED)
 *        and the retry reuses it;
 *     6. the child reads its page: hugetlb_no_page logs "PID N killed due to
 *        inadequate hugepage pool" and the child dies of SIGBUS.
 * The children wait for their turn on a MAP_SHARED mailbox (stage). Each
 * step prints what it saw. tools/gdb/lectures/hugetlb-cow.lecture stops on
 * these steps.
 */
#include "lecture.h"

#define HPAGE_SIZE	(2UL << 20)
#define COW_ADDR	0x50000000UL
#define EXHAUST_ADDR	0x50400000UL
#define NR_HUGEPAGES	"/proc/sys/vm/nr_hugepages"

struct mailbox {
	volatile long stage;
};

static struct mailbox *mb;

/*
 * Pagoda's /proc is built in; Linux mounts nothing for an initramfs's pid 1
 * (as /init does, so that the scenario also runs under Linux 6.1 and its
 * output can be compared).
 */
static void proc_setup(void)
{
	long fd = sys_openat(AT_FDCWD, "/proc/meminfo", O_RDONLY, 0);

	if (fd >= 0) {
		sys_close((int)fd);
		return;
	}
	sys_mkdirat(AT_FDCWD, "/proc", 0555);
	sys_mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
}

static void pool_print(const char *when)
{
	printf("lecture hugetlb-cow: %s: HugePages_Total %ld Free %ld Rsvd %ld\n", when,
	       meminfo_kb("HugePages_Total"), meminfo_kb("HugePages_Free"), meminfo_kb("HugePages_Rsvd"));
}

/* Set the persistent pool to n pages; 0 if it has them now, else -1. */
static int pool_set(long n)
{
	char val[24];

	snprintf(val, sizeof(val), "%ld\n", n);
	if (knob_write(NR_HUGEPAGES, val) < 0 || meminfo_kb("HugePages_Total") != n) {
		printf("lecture hugetlb-cow: cannot set %s to %ld\n", NR_HUGEPAGES, n);
		return -1;
	}
	return 0;
}

/* A private 2 MB hugetlb mapping at addr, written once: the owner's page. */
static unsigned char *owner_page(unsigned long addr)
{
	long p = sys_mmap((void *)addr, HPAGE_SIZE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_FIXED, -1, 0);

	if (p != (long)addr) {
		printf("lecture hugetlb-cow: mmap(MAP_HUGETLB) at 0x%lx failed: %ld\n", addr, p);
		return NULL;
	}
	pool_print("after mmap (the owner's reservation)");
	((unsigned char *)p)[0] = 'P';
	pool_print("after the parent's first write");
	return (unsigned char *)p;
}

/* Round 1: the child's write copies, the parent's then reuses. */
static void cow_round(void)
{
	unsigned char *p = owner_page(COW_ADDR);
	long pid;
	int status = -1;

	if (!p)
		return;
	mb->stage = 0;
	pid = sys_fork();
	if (pid == 0) {
		p[0] = 'C';				/* 3. the COW copy */
		mb->stage = 1;
		mailbox_wait(&mb->stage, 2);
		sys_exit_group(p[0] == 'C' ? 0 : 1);
	}
	if (pid < 0 || !mailbox_wait(&mb->stage, 1)) {
		printf("lecture hugetlb-cow: round 1: no child (pid %ld)\n", pid);
		return;
	}
	pool_print("after the child's copy");
	p[1] = 'p';				/* 4. the reuse */
	printf("lecture hugetlb-cow: round 1: the child wrote 'C'; the parent reads '%c' and wrote again\n", p[0]);
	mb->stage = 2;
	if (sys_wait4((int)pid, &status, 0, NULL) != pid || status != 0)
		printf("lecture hugetlb-cow: round 1: the child failed (status 0x%x)\n", status);
	sys_munmap(p, HPAGE_SIZE);
	pool_print("round 1 over, its pages back in the pool");
}

/* Round 2: no free page; the owner writes first, the child dies at its next touch. */
static void exhaust_round(void)
{
	unsigned char *p;
	long pid;
	int status = -1;

	if (pool_set(1) < 0)
		return;
	pool_print("round 2: the pool shrunk to one page");
	p = owner_page(EXHAUST_ADDR);
	if (!p)
		return;
	mb->stage = 0;
	pid = sys_fork();
	if (pid == 0) {
		mailbox_wait(&mb->stage, 1);
		sys_exit_group(p[0] == 'P' ? 0 : 1);	/* 6. a read: SIGBUS */
	}
	if (pid < 0) {
		printf("lecture hugetlb-cow: round 2: fork failed: %ld\n", pid);
		return;
	}
	p[0] = 'O';				/* 5. the owner's write */
	printf("lecture hugetlb-cow: round 2: the owner wrote 'O' and reads '%c'\n", p[0]);
	mb->stage = 1;
	if (sys_wait4((int)pid, &status, 0, NULL) != pid)
		printf("lecture hugetlb-cow: round 2: wait4 failed\n");
	else if (WIFSIGNALED(status))
		printf("lecture hugetlb-cow: round 2: the child (pid %ld) was killed by signal %d%s\n",
		       pid, WTERMSIG(status), WTERMSIG(status) == SIGBUS ? " (SIGBUS)" : "");
	else
		printf("lecture hugetlb-cow: round 2: the child (pid %ld) exited with %d\n",
		       pid, (status >> 8) & 0xff);
	printf("lecture hugetlb-cow: round 2: the owner still reads '%c'\n", p[0]);
	sys_munmap(p, HPAGE_SIZE);
}

int main(void)
{
	long saved;

	lecture_setup();
	proc_setup();
	mb = mailbox_new(sizeof(*mb));
	saved = meminfo_kb("HugePages_Total");
	pool_print("the pool at boot");
	if (!mb || saved < 0 || pool_set(2) < 0)
		lecture_done("hugetlb-cow");
	pool_print("round 1: the pool grown to two pages");
	cow_round();
	exhaust_round();
	pool_set(saved);
	pool_print("the pool given back");
	lecture_done("hugetlb-cow");
}
