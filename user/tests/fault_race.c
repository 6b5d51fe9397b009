/*
 * fault_race: four threads of one process fault the same pages at the same
 * moment, and every page must end as one frame that holds every thread's
 * write. Where two CPUs run the threads, the faults really race: two
 * threads find the same huge PTE, shared page or page-cache index empty,
 * and both allocate (Linux: hugetlb_fault_mutex_table, the page-cache
 * insert that fails with -EEXIST, anon_vma_prepare under the page-table
 * lock, the pte_same recheck); with one CPU they take turns and the
 * checks hold all the same.
 *
 * The mappings, each faulted first by all threads together (a start flag
 * they spin on), each thread writing its own 64-byte slot of every page:
 *   MAP_SHARED | MAP_HUGETLB     2 huge pages, reserved at mmap
 *   MAP_PRIVATE | MAP_HUGETLB    2 huge pages, reserved at mmap
 *   MAP_SHARED | MAP_ANONYMOUS   16 pages (shmem)
 *   MAP_PRIVATE | MAP_ANONYMOUS  16 pages (a fresh VMA: no anon_vma yet)
 *
 * Then, with the threads joined:
 *   - every slot of every page holds its thread's value: had two frames
 *     been mapped for one page, one thread's writes would be missing;
 *   - the pool shows exactly 4 huge pages in use and none still reserved
 *     (a second allocation for an index would show as one page more, or a
 *     reservation consumed twice as Rsvd off by one);
 *   - after munmap the pool is as it was (and /init checks MemFree, so a
 *     shmem or anonymous page allocated twice and not freed shows as a leak).
 * Portable: the same binary passes on Linux 6.1.
 */
#include "threadtest.h"
#include "hugetlb.h"

#define NTHREADS	4
#define NR_HUGE		2
#define NR_SMALL	16
#define SLOT		64

struct region {
	const char *name;
	volatile char *base;
	unsigned long page_size;
	int nr_pages;
};

static struct region regions[4];
static int nr_regions;
static volatile int go;
static int ctid[NTHREADS];

static unsigned long slot_value(int region, int page, int id)
{
	return 0x5a00000000UL | (unsigned long)region << 24 | (unsigned long)page << 8 | (unsigned long)(id + 1);
}

/* Every page of every region: this thread's slot, written as soon as the start flag is up. */
static int racer(void *arg)
{
	int id = (int)(long)arg;

	while (!go)
		__asm__ volatile("pause");
	for (int r = 0; r < nr_regions; r++)
		for (int p = 0; p < regions[r].nr_pages; p++) {
			volatile unsigned long *slot = (volatile unsigned long *)
				(regions[r].base + p * regions[r].page_size + id * SLOT);

			*slot = slot_value(r, p, id);
		}
	return 0;
}

static int add_region(const char *name, long addr, unsigned long page_size, int nr_pages)
{
	if (!tap_ok(addr > 0 || addr < -4096, "mmap %s", name)) {
		tap_diag("mmap: %ld", addr);
		return 0;
	}
	regions[nr_regions++] = (struct region){ name, (volatile char *)addr, page_size, nr_pages };
	return 1;
}

/* Every thread's slot on every page of region r, reported as one line. */
static void check_region(int r)
{
	struct region *rg = &regions[r];
	int bad = 0, first_page = -1, first_id = -1;

	for (int p = 0; p < rg->nr_pages; p++)
		for (int id = 0; id < NTHREADS; id++) {
			unsigned long v = *(volatile unsigned long *)(rg->base + p * rg->page_size + id * SLOT);

			if (v != slot_value(r, p, id) && !bad++) {
				first_page = p;
				first_id = id;
			}
		}
	tap_ok(!bad, "%s: all %d threads' writes are in each of its %d pages", rg->name, NTHREADS, rg->nr_pages);
	if (bad)
		tap_diag("%d slots wrong, first: page %d thread %d", bad, first_page, first_id);
}

int main(void)
{
	struct hpool start;
	long tid;

	hugetlb_test_machine_or_skip();
	if (!hpool_start(&start, 2 * NR_HUGE))
		return tap_done();
	if (!add_region("MAP_SHARED|MAP_HUGETLB", huge_mmap(NULL, NR_HUGE * HPAGE_SIZE, MAP_SHARED), HPAGE_SIZE, NR_HUGE) ||
	    !add_region("MAP_PRIVATE|MAP_HUGETLB", huge_mmap(NULL, NR_HUGE * HPAGE_SIZE, MAP_PRIVATE), HPAGE_SIZE, NR_HUGE) ||
	    !add_region("MAP_SHARED|MAP_ANONYMOUS",
			(long)sys_mmap(NULL, NR_SMALL * 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0),
			4096, NR_SMALL) ||
	    !add_region("MAP_PRIVATE|MAP_ANONYMOUS",
			(long)sys_mmap(NULL, NR_SMALL * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
			4096, NR_SMALL))
		return tap_done();
	hpool_is(start.total, start.free, 2 * NR_HUGE, 0, "mapped, not touched: the 4 huge pages reserved");

	for (int i = 0; i < NTHREADS; i++) {
		tid = thread_start(racer, (void *)(long)i, &ctid[i]);
		if (!tap_ok(tid > 0, "thread %d started", i)) {
			tap_diag("clone: %ld", tid);
			go = 1;
			for (int j = 0; j < i; j++)
				thread_join(&ctid[j]);
			return tap_done();
		}
	}
	go = 1;
	for (int i = 0; i < NTHREADS; i++)
		thread_join(&ctid[i]);

	for (int r = 0; r < nr_regions; r++)
		check_region(r);
	hpool_is(start.total, start.free - 2 * NR_HUGE, 0, 0,
		 "faulted by 4 threads: one page per index, every reservation consumed once");
	for (int r = 0; r < nr_regions; r++)
		tap_is_long(sys_munmap((void *)regions[r].base, regions[r].nr_pages * regions[r].page_size), 0,
			    "munmap %s", regions[r].name);
	hpool_is(start.total, start.free, 0, 0, "unmapped: pool back");
	return tap_done();
}
