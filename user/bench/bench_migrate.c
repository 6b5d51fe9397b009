/*
 * bench_migrate.c - /bench/bench_migrate: how fast migrate_pages(2) moves a
 * process's memory between two nodes (seed 002), against the guest's own
 * memcpy bandwidth, as "bench: NAME VALUE unit" lines (medians of rounds).
 * bench_fault runs it as a child at its end, so make bench gets both on the
 * same boot of Pagoda and of Linux.
 *
 *   migrate_4k     MB/s of migrate_pages(0, node 0 -> node 1, then back) of
 *                  64 MB of 4 KB pages (MADV_NOHUGEPAGE)
 *   migrate_thp    the same for 64 MB of THPs (2 MB aligned, MADV_HUGEPAGE):
 *                  32 THPs moved whole
 *   memcpy_64m_4k  MB/s of rep movsq copying 64 MB in 4 KB pieces between
 *                  two page-aligned buffers: what a 4 KB migration copies
 *   memcpy_64m_2m  the same in 2 MB pieces between 2 MB-aligned buffers
 *   migrate_4k_vs_memcpy, migrate_thp_vs_memcpy   in percent
 *
 * The MB are the pages the kernel says it moved (pgmigrate_success in
 * /proc/vmstat, 4 KB each), so the process's own stack, data and text,
 * which migrate_pages(2) moves too, count for what they are. A round whose
 * pages did not all move prints a "# bench:" line and is not counted.
 * Needs two nodes: on one it prints "# bench: migrate: ..." and nothing else.
 *
 * Usage: bench_migrate [ROUNDS]   (default 5); as the first process it
 * powers the machine off when done.
 */
#include "ulib.h"
#include "../tests/smptest.h"		/* pin_to_cpu */
#include "bench.h"			/* mounts_setup, median */

#define MB		(1UL << 20)
#define BYTES		(64 * MB)
#define MAX_ROUNDS	15
#define NR_MIGRATE_PAGES 256		/* Linux x86-64 syscall numbers */
#define NR_SET_MEMPOLICY 238
#define MPOL_DEFAULT	0
#define MPOL_BIND	2
#define MAXNODE		65		/* the kernel reads maxnode - 1 bits */

static unsigned char *map_aligned(unsigned long len, unsigned long align, int advice)
{
	long p = sys_mmap(NULL, len + align, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned long a;

	if (p < 0) {
		printf("# bench: migrate: mmap %lu MB failed: %s\n", len / MB, errno_name((int)-p));
		return NULL;
	}
	a = ((unsigned long)p + align - 1) & ~(align - 1);
	sys_madvise((void *)a, len, advice);
	return (unsigned char *)a;
}

static void fill(unsigned char *p, unsigned long len)
{
	for (unsigned long off = 0; off < len; off += PAGE_SIZE)
		((volatile unsigned long *)(p + off))[0] = off;
}

/* Every page still holds what fill() wrote: a migration must not lose data. */
static int intact(const unsigned char *p, unsigned long len)
{
	for (unsigned long off = 0; off < len; off += PAGE_SIZE)
		if (((const volatile unsigned long *)(p + off))[0] != off)
			return 0;
	return 1;
}

static long set_mempolicy(int mode, unsigned long nodes)
{
	return syscall3(NR_SET_MEMPOLICY, mode, mode == MPOL_DEFAULT ? NULL : &nodes, MAXNODE);
}

static long migrate_pages(int from, int to)
{
	unsigned long old = 1UL << from, new = 1UL << to;

	return syscall4(NR_MIGRATE_PAGES, 0, MAXNODE, &old, &new);
}

/*
 * MB/s of one migrate_pages(2) from node `from` to node `to` of everything
 * the process has there; -1 if some page stayed (reported).
 */
static long migrate_mbps(int from, int to)
{
	long before = vmstat_get("pgmigrate_success");
	long t = now_ns(), left = migrate_pages(from, to);
	long moved;

	t = now_ns() - t;
	moved = vmstat_get("pgmigrate_success") - before;
	if (left != 0 || moved < (long)(BYTES / PAGE_SIZE)) {
		printf("# bench: migrate %d->%d: %ld left, %ld pages moved\n", from, to, left, moved);
		return -1;
	}
	return (long)((double)moved * PAGE_SIZE / MB / ((double)t / 1e9));
}

/* rep movsq, as the kernels' copy_page */
static void memcpy_movsq(void *d, const void *s, unsigned long n)
{
	unsigned long words = n / 8;

	__asm__ volatile("rep movsq" : "+D"(d), "+S"(s), "+c"(words) : : "memory");
}

static long memcpy_mbps(unsigned char *dst, const unsigned char *src, unsigned long piece)
{
	long t = now_ns();

	for (unsigned long off = 0; off < BYTES; off += piece)
		memcpy_movsq(dst + off, src + off, piece);
	t = now_ns() - t;
	return (long)((double)BYTES / MB / ((double)t / 1e9));
}

/*
 * One kind of memory: populate BYTES on node 0 (a BIND policy while
 * touching), then move it 0 -> 1 -> 0 each round. The memcpy buffers are
 * made and freed before, so that the migration moves only its region.
 */
static void migrate_rows(const char *name, const char *copy_name, unsigned long align,
			 int advice, int rounds)
{
	long mig[2 * MAX_ROUNDS], cp[MAX_ROUNDS], thp_before[3];
	int n = 0;
	unsigned char *a = map_aligned(BYTES, align, advice), *b = map_aligned(BYTES, align, advice);
	unsigned char *p;

	if (!a || !b)
		return;
	fill(a, BYTES);
	fill(b, BYTES);
	for (int i = 0; i < rounds; i++)
		cp[i] = memcpy_mbps(b, a, align);
	sys_munmap(a, BYTES + align);
	sys_munmap(b, BYTES + align);

	if (set_mempolicy(MPOL_BIND, 1UL << 0) < 0 || !(p = map_aligned(BYTES, align, advice))) {
		printf("# bench: %s: cannot place the region on node 0\n", name);
		return;
	}
	thp_before[0] = vmstat_get("thp_fault_alloc");
	thp_before[1] = vmstat_get("thp_migration_success");
	thp_before[2] = vmstat_get("thp_migration_split");
	fill(p, BYTES);
	set_mempolicy(MPOL_DEFAULT, 0);
	for (int i = 0; i < rounds; i++) {
		long there = migrate_mbps(0, 1), back = migrate_mbps(1, 0);

		if (there > 0)
			mig[n++] = there;
		if (back > 0)
			mig[n++] = back;
	}
	printf("# bench: %s: thp_fault_alloc +%ld, thp_migration_success +%ld, thp_migration_split +%ld\n",
	       name, vmstat_get("thp_fault_alloc") - thp_before[0],
	       vmstat_get("thp_migration_success") - thp_before[1],
	       vmstat_get("thp_migration_split") - thp_before[2]);
	if (!intact(p, BYTES))
		printf("# bench: %s: DATA LOST in migration\n", name);
	else if (n)
		printf("bench: %s %ld MB/s\n", name, median(mig, n));
	printf("bench: %s %ld MB/s\n", copy_name, median(cp, rounds));
	if (n)
		printf("bench: %s_vs_memcpy %ld %%\n", name, median(mig, n) * 100 / median(cp, rounds));
	sys_munmap(p, BYTES + align);
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? (int)strtol(argv[1], NULL, 10) : 5;

	if (rounds < 1 || rounds > MAX_ROUNDS)
		rounds = 5;
	mounts_setup();		/* /proc for vmstat, when run as the first process */
	if (migrate_pages(0, 0) < 0 || set_mempolicy(MPOL_BIND, 1UL << 1) < 0) {
		printf("# bench: migrate: no migrate_pages(2) or no node 1: skipped\n");
		return 0;
	}
	set_mempolicy(MPOL_DEFAULT, 0);
	pin_to_cpu(0);
	migrate_rows("migrate_4k", "memcpy_64m_4k", PAGE_SIZE, MADV_NOHUGEPAGE, rounds);
	migrate_rows("migrate_thp", "memcpy_64m_2m", HPAGE_SIZE, MADV_HUGEPAGE, rounds);
	if (sys_getpid() == 1)
		sys_reboot(LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_POWER_OFF, NULL);
	return 0;
}
