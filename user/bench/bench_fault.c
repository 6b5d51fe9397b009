/*
 * bench_fault.c - /bench/bench_fault: the cost of the basic anonymous
 * memory operations, as "bench: NAME VALUE unit" lines (medians of a few
 * rounds), so that the same binary gives comparable figures on Pagoda and
 * on Linux in the same QEMU setup.
 *
 *   fault_4k    first write to a 4 KB page of a fresh private mapping
 *   fork_64mb   fork + child exit + wait4, with 64 MB of 4 KB pages mapped
 *   cow_4k      a write to a page shared with a live child (copy)
 *   cow_reuse_4k a write to a write-protected page nobody else maps (reuse)
 *   fault_2m    first write to an aligned 2 MB block with MADV_HUGEPAGE
 *               (one THP fault where the kernel has THP; else 512 faults)
 *
 * Usage: bench_fault [ROUNDS]   (default 5)
 * Run as the first process (make bench, tools/bench.sh: rdinit=/bench/bench_fault)
 * it powers the machine off when done, on Pagoda and on Linux alike.
 */
#include "ulib.h"

#define MB              (1UL << 20)
#define FAULT_PAGES     4096UL                  /* 16 MB */
#define FORK_BYTES      (64 * MB)
#define MAX_ROUNDS      15

static volatile long *stage;                     /* shared with the COW child */

static unsigned char *map(unsigned long len, int advice)
{
	long p = sys_mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p < 0) {
		printf("bench: mmap %lu MB failed: %s\n", len / MB, errno_name((int)-p));
		sys_exit_group(1);
	}
	sys_madvise((void *)p, len, advice);
	return (unsigned char *)p;
}

static void touch(unsigned char *p, unsigned long len)
{
	for (unsigned long off = 0; off < len; off += PAGE_SIZE)
		((volatile unsigned char *)p)[off] = 1;
}

static long median(long *v, int n)
{
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
			long t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return v[n / 2];
}

/* ns per 4 KB first-touch fault */
static long fault_4k(void)
{
	unsigned char *p = map(FAULT_PAGES * PAGE_SIZE, MADV_NOHUGEPAGE);
	long t0 = now_ns();

	touch(p, FAULT_PAGES * PAGE_SIZE);
	t0 = now_ns() - t0;
	sys_munmap(p, FAULT_PAGES * PAGE_SIZE);
	return t0 / (long)FAULT_PAGES;
}

/* us per fork + exit + wait with 64 MB mapped */
static long fork_64mb(unsigned char *p)
{
	int status;
	long t0 = now_ns(), pid = sys_fork();

	if (pid == 0)
		sys_exit_group(0);
	sys_wait4((int)pid, &status, 0, NULL);
	(void)p;
	return (now_ns() - t0) / 1000;
}

/* ns per COW fault: copy (a child shares the pages) or reuse (it has exited) */
static long cow_4k(int reuse)
{
	unsigned char *p = map(FAULT_PAGES * PAGE_SIZE, MADV_NOHUGEPAGE);
	struct timespec ts = { 0, 1000 * 1000 };
	int status;
	long pid, t;

	touch(p, FAULT_PAGES * PAGE_SIZE);
	*stage = 0;
	pid = sys_fork();
	if (pid == 0) {
		*stage = 1;
		while (*stage != 2)
			sys_nanosleep(&ts, NULL);
		sys_exit_group(0);
	}
	while (*stage != 1)
		sys_sched_yield();
	if (reuse) {
		*stage = 2;
		sys_wait4((int)pid, &status, 0, NULL);
	}
	touch(p, PAGE_SIZE);                    /* our stack's and this page's faults first */
	t = now_ns();
	touch(p + PAGE_SIZE, (FAULT_PAGES - 1) * PAGE_SIZE);
	t = now_ns() - t;
	if (!reuse) {
		*stage = 2;
		sys_wait4((int)pid, &status, 0, NULL);
	}
	sys_munmap(p, FAULT_PAGES * PAGE_SIZE);
	return t / (long)(FAULT_PAGES - 1);
}

/* us per 2 MB block first touch, MADV_HUGEPAGE */
static long fault_2m(void)
{
	unsigned long len = 8 * HPAGE_SIZE;
	unsigned char *raw = map(len + HPAGE_SIZE, MADV_NORMAL);
	unsigned char *p = (unsigned char *)ALIGN_UP((unsigned long)raw, HPAGE_SIZE);
	long t;

	sys_madvise(p, len, MADV_HUGEPAGE);
	t = now_ns();
	for (unsigned long off = 0; off < len; off += HPAGE_SIZE)
		touch(p + off, HPAGE_SIZE);
	t = now_ns() - t;
	sys_munmap(raw, len + HPAGE_SIZE);
	return t / 8 / 1000;
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? (int)strtol(argv[1], NULL, 10) : 5;
	long v[MAX_ROUNDS];
	unsigned char *big;

	if (rounds < 1 || rounds > MAX_ROUNDS)
		rounds = 5;
	stage = (volatile long *)sys_mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE,
					  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if ((long)stage < 0) {
		printf("bench: no shared page\n");
		return 1;
	}
	for (int i = 0; i < rounds; i++)
		v[i] = fault_4k();
	printf("bench: fault_4k %ld ns\n", median(v, rounds));

	big = map(FORK_BYTES, MADV_NOHUGEPAGE);
	touch(big, FORK_BYTES);
	for (int i = 0; i < rounds; i++)
		v[i] = fork_64mb(big);
	printf("bench: fork_64mb %ld us\n", median(v, rounds));
	sys_munmap(big, FORK_BYTES);

	for (int i = 0; i < rounds; i++)
		v[i] = cow_4k(0);
	printf("bench: cow_4k %ld ns\n", median(v, rounds));
	for (int i = 0; i < rounds; i++)
		v[i] = cow_4k(1);
	printf("bench: cow_reuse_4k %ld ns\n", median(v, rounds));
	for (int i = 0; i < rounds; i++)
		v[i] = fault_2m();
	printf("bench: fault_2m %ld us\n", median(v, rounds));
	printf("bench: done\n");
	if (sys_getpid() == 1)
		sys_reboot(LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_POWER_OFF, NULL);
	return 0;
}
