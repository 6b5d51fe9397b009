/*
 * Host unit tests of the physical memory allocator: mm/memblock.c,
 * mm/page_alloc.c, mm/slab.c, mm/numa.c, arch/x86_64/acpi.c and srat.c,
 * and the boot self-test tests/kernel/test_buddy.c, compiled for Linux
 * user space (host_shim.h) and run against fake machines:
 *
 *   host_arena (1 GB, mmap) = the machine's physical memory, 0 .. 0x3fffffff
 *     [0, 0x9fc00) RAM   [0x100000, 0x3ffe0000) RAM   [0x3ffe0000, ...) ACPI tables
 *
 * Each machine boots in its own process (fork), in kmain's order:
 * memblock_add/reserve -> acpi_table_init -> acpi_parse_madt ->
 * acpi_numa_init (SRAT/SLIT into struct numa_firmware) -> numa_init (or,
 * for the "plain-table" machine, numa_init on a hand-made table with no
 * ACPI at all) -> page tables from memblock -> free_area_init -> build_all_zonelists
 * -> memblock_free_all -> kmem_cache_init, then runs the checks. A check
 * that must panic runs in a further fork. Output is TAP: ok N - host/...
 *
 * Usage: buddy_host [-v] [machine]     (-v: echo the kernel log)
 */
#include <mm/mmzone.h>
#include <mm/memblock.h>
#include <mm/numa.h>
#include <mm/slab.h>
#include <mm/mm.h>
#include <arch/x86_64/acpi.h>
#include <lib/string.h>
#include <kernel/selftest.h>
#include "host.h"

#include <stdio.h>
#include <stdlib.h>
#include <setjmp.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <string.h>

#define ARENA_SIZE	(1UL << 30)
#define TABLES_PA	0x3ffe0000UL
#define RSDP_PA		0x9000UL
#define MB		(1UL << 20)

unsigned long vm_events[NR_VM_EVENT_ITEMS];	/* mm/memory.c in the kernel */
unsigned char *host_arena;
size_t host_arena_size;
int host_cpu;
char *host_log;
size_t host_log_len;
int host_verbose;

/* ---- the kernel's environment: printk, panic ---- */

static size_t host_log_cap;

void vprintk(const char *fmt, va_list ap)
{
	char buf[1024];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);	/* the kernel's vsnprintf (lib/vsprintf.c) */

	if (n > (int)sizeof(buf) - 1)
		n = sizeof(buf) - 1;
	if (host_log_len + n + 1 > host_log_cap) {
		host_log_cap = (host_log_cap + n + 1) * 2;
		host_log = realloc(host_log, host_log_cap);
	}
	memcpy(host_log + host_log_len, buf, n + 1);
	host_log_len += n;
	if (host_verbose)
		fputs(buf, stdout);
}

void printk(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
}

static jmp_buf *panic_jmp;
static char *panic_msg;		/* shared with the parent of a panic test */

void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(panic_msg, 1024, fmt, ap);
	va_end(ap);
	if (panic_jmp)
		longjmp(*panic_jmp, 1);
	fflush(stdout);
	fprintf(stderr, "Kernel panic - not syncing: %s\n", panic_msg);
	_exit(3);
}

void host_deadlock(const spinlock_t *lock)
{
	panic("host: spinlock %p taken while held (self-deadlock)", (const void *)lock);
}

/* No hugetlb pool here (mm/hugetlb.c is not linked): no page reaches it. */
void free_huge_page(struct page *page)
{
	panic("host: free_huge_page(pfn %lx): no hugetlb pool in the buddy host test", page_to_pfn(page));
}

/* No tasks and no mm/mempolicy.c here: every allocation has the default (local) policy. */
struct page *alloc_pages_task(gfp_t gfp, unsigned int order)
{
	return __alloc_pages(gfp, order, numa_node_id(), NULL);
}

/* ---- results ---- */

struct totals {
	int checks, failures;
};
static struct totals *totals;	/* shared by every process */
static const char *machine_name = "";

static __attribute__((format(printf, 3, 4))) bool check(bool ok, const char *name, const char *fmt, ...)
{
	va_list ap;
	int nr = __atomic_add_fetch(&totals->checks, 1, __ATOMIC_SEQ_CST);

	printf("%sok %d - host/%s/%s", ok ? "" : "not ", nr, machine_name, name);
	if (!ok) {
		__atomic_add_fetch(&totals->failures, 1, __ATOMIC_SEQ_CST);
		printf(" # ");
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
	}
	printf("\n");
	fflush(stdout);
	return ok;
}

static bool log_has(const char *line)
{
	return host_log && strstr(host_log, line);
}

static void check_log(const char *line)
{
	check(log_has(line), "log", "no line \"%s\" in the kernel log", line);
}

/* Run fn in a child process: it must panic with a message containing expect. */
static void expect_panic(const char *name, void (*fn)(void *), void *arg, const char *expect)
{
	int status;
	pid_t pid;

	fflush(stdout);
	panic_msg[0] = '\0';
	pid = fork();
	if (pid == 0) {
		jmp_buf jb;

		panic_jmp = &jb;
		host_verbose = 0;
		if (setjmp(jb))
			_exit(strstr(panic_msg, expect) ? 0 : 2);
		fn(arg);
		_exit(1);
	}
	waitpid(pid, &status, 0);
	check(WIFEXITED(status) && WEXITSTATUS(status) == 0, name, "%s (panic message: \"%s\", expected \"%s\")",
	      WIFEXITED(status) && WEXITSTATUS(status) == 1 ? "did not panic" : "wrong panic",
	      panic_msg, expect);
}

/* ---- the fake machine ---- */

struct e820_entry {
	u64 addr, len;
	u32 type;
};

struct machine {
	const char *name;
	int nr_e820;
	struct e820_entry e820[8];
	bool no_acpi;
	struct fw_config fw;
	const struct numa_firmware *table;	/* set: no ACPI, numa_init(table) */
	void (*checks)(const struct machine *m);
};

static void arena_map(void)
{
	host_arena = mmap(NULL, ARENA_SIZE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (host_arena == MAP_FAILED) {
		perror("mmap arena");
		exit(1);
	}
	host_arena_size = ARENA_SIZE;
}

static struct numa_firmware numa_fw;	/* what arch/x86_64/srat.c read from the fake ACPI tables */

/* What kmain does before free_area_init: the memory map, reservations, ACPI, NUMA, page tables. */
static void boot_early(const struct machine *m)
{
	arena_map();
	for (int i = 0; i < m->nr_e820; i++)
		if (m->e820[i].type == 1)
			memblock_add(m->e820[i].addr, m->e820[i].len);
	memblock_reserve(0, MB);			/* BIOS, real mode, the RSDP copy */
	memblock_reserve(MB, 6 * MB);			/* "kernel image" */
	memblock_reserve(16 * MB + 0x234, 0x123456);	/* "initramfs": not page aligned */
	if (m->table) {
		numa_init(m->table);
		return;
	}
	if (!m->no_acpi) {
		size_t len = fw_build(&m->fw, TABLES_PA, RSDP_PA);

		acpi_table_init(__va(RSDP_PA), len);
	}
	acpi_parse_madt();
	acpi_numa_init(&numa_fw);
	numa_init(&numa_fw);
}

static void boot_page_tables(void)
{
	for (int i = 0; i < 12; i++)
		memblock_phys_alloc_node(PAGE_SIZE, PAGE_SIZE, NUMA_NO_NODE);
}

/* memblock's own view: pfn free iff wholly RAM and touching no reserved range. */
static unsigned char *expected_free_map(void)
{
	unsigned char *map = calloc(max_pfn, 1);

	for (unsigned int i = 0; i < memblock_memory.cnt; i++) {
		const struct memblock_region *r = &memblock_memory.regions[i];

		for (u64 pfn = PFN_UP(r->base); pfn < PFN_DOWN(r->base + r->size) && pfn < max_pfn; pfn++)
			map[pfn] = 1;
	}
	for (unsigned int i = 0; i < memblock_reserved.cnt; i++) {
		const struct memblock_region *r = &memblock_reserved.regions[i];

		for (u64 pfn = PFN_DOWN(r->base); pfn < PFN_UP(r->base + r->size) && pfn < max_pfn; pfn++)
			map[pfn] = 0;
	}
	return map;
}

/* Walk every free list: each block PG_buddy, right order, aligned, on its node; mark its frames. */
static bool walk_free_lists(unsigned char *map, char *why, size_t len)
{
	for (int nid = 0; nid < nr_node_ids; nid++) {
		pg_data_t *pgdat = NODE_DATA(nid);
		unsigned long pages = 0;

		for (unsigned int order = 0; order < MAX_ORDER; order++) {
			unsigned long n = 0;
			struct page *page;

			list_for_each_entry(page, &pgdat->free_area[order].free_list, lru) {
				unsigned long pfn = page_to_pfn(page);

				n++;
				if (!PageBuddy(page) || page->private != order || (pfn & ((1UL << order) - 1))) {
					snprintf(why, len, "node %d order %u: bad block pfn 0x%lx", nid, order, pfn);
					return false;
				}
				for (unsigned long i = 0; i < (1UL << order); i++) {
					if (page_to_nid(page + i) != nid || (map && map[pfn + i])) {
						snprintf(why, len, "node %d order %u: pfn 0x%lx on node %d or listed twice",
							 nid, order, pfn + i, page_to_nid(page + i));
						return false;
					}
					if (map)
						map[pfn + i] = 1;
				}
			}
			if (n != pgdat->free_area[order].nr_free) {
				snprintf(why, len, "node %d order %u: %lu listed, nr_free %lu", nid, order, n,
					 pgdat->free_area[order].nr_free);
				return false;
			}
			pages += n << order;
		}
		if (pages != pgdat->nr_free) {
			snprintf(why, len, "node %d: %lu pages listed, nr_free %lu", nid, pages, pgdat->nr_free);
			return false;
		}
	}
	return true;
}

/* After memblock_free_all: exactly the frames memblock had free are on the free lists. */
static void check_handover(const unsigned char *expected)
{
	unsigned char *actual = calloc(max_pfn, 1);
	unsigned long per_node[MAX_NUMNODES] = { 0 };
	char why[200] = "";
	bool ok = walk_free_lists(actual, why, sizeof(why));

	check(ok, "free_lists_after_boot", "%s", why);
	for (unsigned long pfn = 0; ok && pfn < max_pfn; pfn++) {
		if (expected[pfn] != actual[pfn]) {
			ok = check(false, "handover_exact", "pfn 0x%lx: memblock free %d, buddy free %d",
				   pfn, expected[pfn], actual[pfn]);
			break;
		}
		per_node[page_to_nid(pfn_to_page(pfn))] += expected[pfn];
	}
	if (ok)
		check(true, "handover_exact", " ");
	for (int nid = 0; ok && nid < nr_node_ids; nid++)
		check(NODE_DATA(nid)->nr_free == per_node[nid] && NODE_DATA(nid)->managed_pages == per_node[nid],
		      "node_free_count", "node %d: nr_free %lu managed %lu, expected %lu", nid,
		      NODE_DATA(nid)->nr_free, NODE_DATA(nid)->managed_pages, per_node[nid]);
	check(totalram_pages() == nr_free_pages(), "totalram", "totalram %lu nr_free %lu",
	      totalram_pages(), nr_free_pages());
	free(actual);
}

static void boot(const struct machine *m)
{
	unsigned char *expected;

	boot_early(m);
	boot_page_tables();
	free_area_init();
	build_all_zonelists();
	expected = expected_free_map();
	memblock_free_all();
	check_handover(expected);
	free(expected);
	kmem_cache_init();
}

/* ---- checks every machine runs after boot ---- */

/* Count the TAP lines the kernel logged since start; show the "not ok" ones. */
static void count_tap_lines(size_t start, int *ok, int *not_ok)
{
	*ok = *not_ok = 0;
	for (char *line = host_log + start; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		if (!strncmp(line, "ok ", 3)) {
			(*ok)++;
		} else if (!strncmp(line, "not ok ", 7)) {
			(*not_ok)++;
			printf("# %.*s\n", (int)(strchr(line, '\n') ? strchr(line, '\n') - line : 200), line);
		}
	}
}

/*
 * tests/kernel/selftest.c lists the kpageflags suite too, which needs
 * fs/proc/page.c: the host build has no /proc, so an empty suite links it.
 */
const struct selftest_suite kpageflags_selftest_suite = { .name = "kpageflags" };
const struct selftest_suite smp_selftest_suite = { .name = "smp", .after_smp = true };
const struct selftest_suite lockcheck_selftest_suite = { .name = "lockcheck", .after_smp = true };
const struct selftest_suite mutex_selftest_suite = { .name = "mutex", .after_smp = true };
const struct selftest_suite rwsem_selftest_suite = { .name = "rwsem", .after_smp = true };

/*
 * The boot self-test, read back from the log: one "ok" line per case of
 * the table; selftest=buddy/split runs that case alone, and a name that
 * matches nothing runs nothing.
 */
static void run_selftest(void)
{
	size_t start = host_log_len;
	int ok, not_ok, failed;

	failed = selftest_run("buddy");
	count_tap_lines(start, &ok, &not_ok);
	check(not_ok == 0 && !failed && ok == (int)buddy_selftest_suite.nr_cases, "buddy_selftest",
	      "%d ok, %d not ok of %d cases", ok, not_ok, (int)buddy_selftest_suite.nr_cases);

	start = host_log_len;
	failed = selftest_run("buddy/split") + selftest_run("buddy/nosuch") + selftest_run("nosuch");
	count_tap_lines(start, &ok, &not_ok);
	check(!failed && ok == 1 && not_ok == 0 && strstr(host_log + start, "ok 1 - selftest/buddy/split\n") &&
	      strstr(host_log + start, "# selftest=nosuch: no such suite or case"), "selftest_one_case",
	      "%d ok, %d not ok; expected buddy/split alone", ok, not_ok);
}

struct snapshot {
	unsigned long blocks[MAX_NUMNODES][MAX_ORDER];
	unsigned long slab;
};

static void snapshot_take(struct snapshot *s)
{
	for (int nid = 0; nid < MAX_NUMNODES; nid++)
		for (unsigned int order = 0; order < MAX_ORDER; order++)
			s->blocks[nid][order] = nid < nr_node_ids ? NODE_DATA(nid)->free_area[order].nr_free : 0;
	s->slab = slab_pages();
}

static bool snapshot_same(const struct snapshot *a, char *why, size_t len)
{
	struct snapshot b;

	snapshot_take(&b);
	for (int nid = 0; nid < nr_node_ids; nid++)
		for (unsigned int order = 0; order < MAX_ORDER; order++)
			if (a->blocks[nid][order] != b.blocks[nid][order]) {
				snprintf(why, len, "node %d order %u: %lu free blocks, %lu before", nid, order,
					 b.blocks[nid][order], a->blocks[nid][order]);
				return false;
			}
	if (a->slab != b.slab) {
		snprintf(why, len, "slab_pages %lu, %lu before", b.slab, a->slab);
		return false;
	}
	return true;
}

struct held_block {
	struct page *page;
	unsigned int order;
	unsigned long tag;
};

static bool held_tags_intact(const struct held_block *held, int n, char *why, size_t len)
{
	for (int i = 0; i < n; i++) {
		const unsigned long *p = page_address(held[i].page);
		unsigned long last = ((const unsigned long *)((const char *)p + (PAGE_SIZE << held[i].order)))[-1];

		if (p[0] != held[i].tag || last != held[i].tag) {
			snprintf(why, len, "block pfn 0x%lx order %u: tag overwritten", page_to_pfn(held[i].page),
				 held[i].order);
			return false;
		}
	}
	return true;
}

static struct page *stress_alloc(unsigned int *order_out)
{
	static const gfp_t gfps[] = { 0, __GFP_THISNODE, __GFP_COMP, __GFP_ZERO, __GFP_COMP | __GFP_ZERO };
	unsigned int order = rand() % 100 < 70 ? 0 : rand() % MAX_ORDER;
	int nid = rand() % nr_node_ids;
	gfp_t gfp = gfps[rand() % ARRAY_SIZE(gfps)] | __GFP_NOWARN;
	struct page *page = alloc_pages_node(nid, gfp, order);

	if (!page)
		return NULL;
	if ((page_to_pfn(page) & ((1UL << order) - 1)) || ((gfp & __GFP_THISNODE) && page_to_nid(page) != nid) ||
	    ((gfp & __GFP_ZERO) && *(unsigned long *)page_address(page) != 0))
		panic("stress: pfn 0x%lx order %u nid %d (asked %d) gfp 0x%x", page_to_pfn(page), order,
		      page_to_nid(page), nid, gfp);
	*order_out = order;
	return page;
}

static void stress_free(struct held_block *b)
{
	if (PageHead(b->page) && rand() % 2)
		put_page(b->page + rand() % (1UL << b->order));	/* the last reference, through a tail */
	else
		__free_pages(b->page, b->order);
}

/* Random allocations and frees on all nodes, every order and flag; invariants checked as it goes. */
static void test_page_stress(void)
{
	enum { MAX_HELD = 4000, ROUNDS = 200000 };
	struct held_block *held = calloc(MAX_HELD, sizeof(*held));
	struct snapshot before;
	char why[200] = "";
	bool ok = true;
	int n = 0;

	snapshot_take(&before);
	srand(12345);
	for (int round = 0; round < ROUNDS && ok; round++) {
		if (n < MAX_HELD && (n == 0 || rand() % 100 < 55)) {
			unsigned int order;
			struct page *page = stress_alloc(&order);

			if (!page)
				continue;
			held[n] = (struct held_block){ page, order, (round + 1UL) << 8 | order };
			((unsigned long *)page_address(page))[0] = held[n].tag;
			((unsigned long *)((char *)page_address(page) + (PAGE_SIZE << order)))[-1] = held[n].tag;
			n++;
		} else {
			int i = rand() % n;

			stress_free(&held[i]);
			held[i] = held[--n];
		}
		if (round % 20000 == 0)
			ok = walk_free_lists(NULL, why, sizeof(why)) && held_tags_intact(held, n, why, sizeof(why));
	}
	if (ok)
		ok = held_tags_intact(held, n, why, sizeof(why));
	while (n) {
		n--;
		__free_pages(held[n].page, held[n].order);
	}
	if (ok)
		ok = walk_free_lists(NULL, why, sizeof(why)) && snapshot_same(&before, why, sizeof(why));
	check(ok, "page_stress", "%s", why);
	free(held);
}

/* Random kmalloc/kfree of 1 .. 9000 bytes; every object keeps its pattern; all pages come back. */
static void test_slab_stress(void)
{
	enum { MAX_OBJS = 3000, ROUNDS = 100000 };
	struct { unsigned char *p; size_t size; unsigned char fill; } *objs = calloc(MAX_OBJS, sizeof(*objs));
	struct snapshot before;
	char why[200] = "";
	bool ok = true;
	int n = 0;

	snapshot_take(&before);
	srand(777);
	for (int round = 0; round < ROUNDS && ok; round++) {
		if (n < MAX_OBJS && (n == 0 || rand() % 100 < 52)) {
			size_t size = rand() % 100 < 80 ? 1 + rand() % 300 : 1 + rand() % 9000;
			unsigned char *p = rand() % 4 ? kmalloc(size, 0) : kzalloc(size, 0);

			if (!p) {
				snprintf(why, sizeof(why), "kmalloc(%zu) failed", size);
				ok = false;
				break;
			}
			objs[n].p = p;
			objs[n].size = size;
			objs[n].fill = round;
			memset(p, objs[n].fill, size);
			n++;
		} else {
			int i = rand() % n;

			for (size_t j = 0; j < objs[i].size; j++)
				if (objs[i].p[j] != objs[i].fill) {
					snprintf(why, sizeof(why), "object %p (%zu bytes) byte %zu overwritten",
						 (void *)objs[i].p, objs[i].size, j);
					ok = false;
					break;
				}
			kfree(objs[i].p);
			objs[i] = objs[--n];
		}
	}
	while (n)
		kfree(objs[--n].p);
	if (ok)
		ok = snapshot_same(&before, why, sizeof(why));
	check(ok, "slab_stress", "%s", why);
	free(objs);
}

/* Statistics as zone_statistics: hit/miss/foreign by preferred node, local/other by CPU. */
static void test_numa_stat(int nid_of_cpu1)
{
	struct numa_stat s0 = NODE_DATA(0)->stat, s1 = NODE_DATA(nid_of_cpu1)->stat;
	struct page *a, *b;

	host_cpu = 1;
	a = alloc_pages(0, 0);		/* local to CPU 1 */
	b = alloc_pages_node(0, 0, 0);	/* node 0, remote from CPU 1 */
	host_cpu = 0;
	check(a && page_to_nid(a) == nid_of_cpu1 && numa_node_id() == 0, "alloc_pages_local",
	      "alloc_pages on CPU 1 gave node %d, expected %d", a ? page_to_nid(a) : -1, nid_of_cpu1);
	check(NODE_DATA(nid_of_cpu1)->stat.local_node == s1.local_node + 1 &&
	      NODE_DATA(nid_of_cpu1)->stat.numa_hit == s1.numa_hit + 1, "numa_stat_local",
	      "node %d local_node %lu (was %lu) numa_hit %lu (was %lu)", nid_of_cpu1,
	      NODE_DATA(nid_of_cpu1)->stat.local_node, s1.local_node,
	      NODE_DATA(nid_of_cpu1)->stat.numa_hit, s1.numa_hit);
	check(NODE_DATA(0)->stat.other_node == s0.other_node + 1, "numa_stat_other",
	      "node 0 other_node %lu (was %lu)", NODE_DATA(0)->stat.other_node, s0.other_node);
	__free_pages(a, 0);
	__free_pages(b, 0);
}

/* ---- bad calls that must panic ---- */

static void bad_double_free(void *arg)
{
	struct page *page = alloc_pages(0, 0);

	__free_pages(page, 0);
	__free_pages(page, 0);
}

static void bad_double_put(void *arg)
{
	struct page *page = alloc_pages(__GFP_COMP, 2);

	put_page(page + 1);
	put_page(page + 2);
}

static void bad_free_tail(void *arg)
{
	struct page *page = alloc_pages(__GFP_COMP, 3);

	__free_pages(page + 1, 0);
}

static void bad_free_wrong_order(void *arg)
{
	__free_pages(alloc_pages(__GFP_COMP, 3), 2);
}

static void bad_free_slab_page(void *arg)
{
	void *obj = kmalloc(64, 0);

	__free_pages(virt_to_page(obj), 0);
}

static void bad_free_mapped(void *arg)
{
	struct page *page = alloc_pages(0, 0);

	atomic_set(&page->_mapcount, 0);
	__free_pages(page, 0);
}

static void bad_free_mapping(void *arg)
{
	struct page *page = alloc_pages(0, 0);

	page->mapping = (void *)0x1000;
	__free_pages(page, 0);
}

static void bad_kfree_twice(void *arg)
{
	void *keep = kmalloc(100, 0), *obj = kmalloc(100, 0);

	(void)keep;
	kfree(obj);
	kfree(obj);
}

static void bad_kfree_inside(void *arg)
{
	char *obj = kmalloc(100, 0);

	kfree(obj + 8);
}

static void bad_kfree_reserved(void *arg)
{
	kfree(__va(0x2000));
}

static void bad_cache_destroy_busy(void *arg)
{
	struct kmem_cache *c = kmem_cache_create("busy", 40, 0);

	kmem_cache_alloc(c, 0);
	kmem_cache_destroy(c);
}

static void bad_memblock_after_boot(void *arg)
{
	memblock_phys_alloc_node(PAGE_SIZE, PAGE_SIZE, NUMA_NO_NODE);
}

static void test_bad_calls(void)
{
	expect_panic("panic_double_free", bad_double_free, NULL, "refcount 0");
	expect_panic("panic_double_put", bad_double_put, NULL, "refcount 0");
	expect_panic("panic_free_tail", bad_free_tail, NULL, "refcount 0");
	expect_panic("panic_free_wrong_order", bad_free_wrong_order, NULL, "compound order 3 freed as order 2");
	expect_panic("panic_free_slab_page", bad_free_slab_page, NULL, "PG_slab");
	expect_panic("panic_free_mapped", bad_free_mapped, NULL, "still mapped");
	expect_panic("panic_free_mapping", bad_free_mapping, NULL, "with a mapping");
	expect_panic("panic_kfree_twice", bad_kfree_twice, NULL, "double free");
	expect_panic("panic_kfree_inside", bad_kfree_inside, NULL, "not the start of an object");
	expect_panic("panic_kfree_reserved", bad_kfree_reserved, NULL, "not memory from kmalloc");
	expect_panic("panic_cache_destroy_busy", bad_cache_destroy_busy, NULL, "still in use");
	expect_panic("panic_memblock_after_boot", bad_memblock_after_boot, NULL, "memblock is gone");
}

static void test_odd_requests(void)
{
	size_t log_at = host_log_len;
	unsigned long pgalloc = vm_events[PGALLOC], pgfree = vm_events[PGFREE];
	struct page *anon = alloc_pages(0, 0), *big = alloc_pages(0, 5);

	__free_pages(big, 5);
	check(vm_events[PGALLOC] == pgalloc + 33 && vm_events[PGFREE] == pgfree + 32, "vm_events",
	      "pgalloc +%lu pgfree +%lu, expected +33 +32", vm_events[PGALLOC] - pgalloc, vm_events[PGFREE] - pgfree);

	check(alloc_pages(__GFP_NOWARN, MAX_ORDER) == NULL, "order_11_fails", "order 11 allocation succeeded");
	check(kmalloc(64UL << 20, __GFP_NOWARN) == NULL, "kmalloc_huge_fails", "kmalloc(64 MB) succeeded");
	check(alloc_pages(0, MAX_ORDER) == NULL && strstr(host_log + log_at, "page allocation failure: order:11"),
	      "order_11_warns", "no \"page allocation failure\" line");
	/* An anonymous page's mapping (anon_vma | 1) may still be set when it is freed, as in Linux. */
	anon->mapping = (void *)(0x5000UL | PAGE_MAPPING_ANON);
	SetPageAnonExclusive(anon);
	__free_pages(anon, 0);
	check(anon->mapping == NULL && !PageAnonExclusive(anon), "free_anon_page", "mapping %p flags 0x%lx",
	      anon->mapping, anon->flags);
}

static void common_checks(void)
{
	run_selftest();
	test_odd_requests();
	test_page_stress();
	test_slab_stress();
	test_bad_calls();
	{
		char why[200] = "";

		check(walk_free_lists(NULL, why, sizeof(why)), "free_lists_at_end", "%s", why);
	}
}

/* ---- the machines ---- */

#define QEMU_E820 \
	.nr_e820 = 4, \
	.e820 = { { 0, 0x9fc00, 1 }, { 0x9fc00, 0x400, 2 }, { 0x100000, 0x3fee0000, 1 }, \
		  { 0x3ffe0000, 0x20000, 2 } }

/* QEMU q35 -m 1G, two 512 MB nodes, -smp 2, -numa dist 10/20: SRAT as acpi-build.c makes it. */
#define QEMU_TWO_NODES \
	.nr_cpus = 2, .cpus = { { 0, 0 }, { 1, 1 } }, \
	.nr_mem = 9, .mem = { \
		{ 0, 0xa0000, 0, ACPI_SRAT_MEM_ENABLED }, \
		{ 0x100000, 0x1ff00000, 0, ACPI_SRAT_MEM_ENABLED }, \
		{ 0x20000000, 0x20000000, 1, ACPI_SRAT_MEM_ENABLED }, \
		{ 0, 0, 0, 0 }, { 0, 0, 0, 0 }, { 0, 0, 0, 0 }, { 0, 0, 0, 0 }, \
		{ 0x100000000UL, 0x40000000, 1, ACPI_SRAT_MEM_ENABLED | ACPI_SRAT_MEM_HOT_PLUGGABLE }, \
		{ 0, 0, 0, 0 } }

static void qemu2_checks(const struct machine *m)
{
	check(acpi_nr_cpus == 2 && acpi_cpu_apicid[0] == 0 && acpi_cpu_apicid[1] == 1, "madt",
	      "%d CPUs, apic ids %u %u", acpi_nr_cpus, acpi_cpu_apicid[0], acpi_cpu_apicid[1]);
	check(acpi_get_table("SRAT") && acpi_get_table("SLIT") && acpi_get_table("DSDT") &&
	      acpi_get_table("FACS") && acpi_get_table("FACP") && !acpi_get_table("XXXX"), "tables", "a table is missing");
	check(nr_node_ids == 2, "nr_node_ids", "%d", nr_node_ids);
	check(numa_meminfo.nr_blks == 2 && numa_meminfo.blk[0].start == 0 && numa_meminfo.blk[0].end == 0x20000000 &&
	      numa_meminfo.blk[0].nid == 0 && numa_meminfo.blk[1].start == 0x20000000 &&
	      numa_meminfo.blk[1].end == 0x3ffe0000 && numa_meminfo.blk[1].nid == 1, "numa_meminfo",
	      "%d blocks: [0x%lx-0x%lx) nid %d, [0x%lx-0x%lx) nid %d", numa_meminfo.nr_blks,
	      (unsigned long)numa_meminfo.blk[0].start, (unsigned long)numa_meminfo.blk[0].end, numa_meminfo.blk[0].nid,
	      (unsigned long)numa_meminfo.blk[1].start, (unsigned long)numa_meminfo.blk[1].end, numa_meminfo.blk[1].nid);
	check(phys_to_nid(0) == 0 && phys_to_nid(0x1fffffff) == 0 && phys_to_nid(0x20000000) == 1 &&
	      phys_to_nid(0x3ffdffff) == 1, "phys_to_nid", "0x1fffffff -> %d, 0x20000000 -> %d",
	      phys_to_nid(0x1fffffff), phys_to_nid(0x20000000));
	check(node_distance(0, 0) == 10 && node_distance(0, 1) == m->fw.slit[1] && node_distance(1, 0) == m->fw.slit[2] &&
	      node_distance(1, 1) == 10, "node_distance", "%d %d / %d %d", node_distance(0, 0), node_distance(0, 1),
	      node_distance(1, 0), node_distance(1, 1));
	check(cpu_to_node(0) == 0 && cpu_to_node(1) == 1 && numa_node_id() == 0, "cpu_to_node", "%d %d",
	      cpu_to_node(0), cpu_to_node(1));
	check(NODE_DATA(0)->node_start_pfn == 0 && NODE_DATA(0)->node_spanned_pages == 0x20000 &&
	      NODE_DATA(0)->node_present_pages == 0x9f + 0x20000 - 0x100 &&
	      NODE_DATA(1)->node_start_pfn == 0x20000 && NODE_DATA(1)->node_present_pages == 0x1ffe0,
	      "node_spans", "node 0 start 0x%lx spanned 0x%lx present 0x%lx, node 1 start 0x%lx present 0x%lx",
	      NODE_DATA(0)->node_start_pfn, NODE_DATA(0)->node_spanned_pages, NODE_DATA(0)->node_present_pages,
	      NODE_DATA(1)->node_start_pfn, NODE_DATA(1)->node_present_pages);
	check(NODE_DATA(0)->fallback[0] == 0 && NODE_DATA(0)->fallback[1] == 1 && NODE_DATA(0)->fallback[2] == -1 &&
	      NODE_DATA(1)->fallback[0] == 1 && NODE_DATA(1)->fallback[1] == 0, "fallback", "%d %d / %d %d",
	      NODE_DATA(0)->fallback[0], NODE_DATA(0)->fallback[1], NODE_DATA(1)->fallback[0], NODE_DATA(1)->fallback[1]);
	check_log("ACPI: RSDP 0x0000000000009000 000024 (v02 BOCHS )");
	check_log("ACPI: XSDT 0x000000003FFE");
	check_log("(v03 BOCHS  BXPC     00000001 BXPC 00000001)");
	check_log("ACPI: FACS 0x000000003FFE0000 000040\n");
	if (m->fw.bad_checksum_hpet)
		check(log_has("ACPI BIOS Warning (bug): Incorrect checksum in table [HPET] - 0x2c, should be 0x2b") &&
		      !acpi_get_table("HPET"), "bad_checksum", "HPET with a bad checksum was not refused");
	else
		check(acpi_get_table("HPET") != NULL, "good_checksum", "HPET refused");
	check_log("SRAT: PXM 0 -> APIC 0x00 -> Node 0\n");
	check_log("SRAT: PXM 1 -> APIC 0x01 -> Node 1\n");
	check_log("ACPI: SRAT: Node 0 PXM 0 [mem 0x00000000-0x0009ffff]\n");
	check_log("ACPI: SRAT: Node 0 PXM 0 [mem 0x00100000-0x1fffffff]\n");
	check_log("ACPI: SRAT: Node 1 PXM 1 [mem 0x20000000-0x3fffffff]\n");
	check_log("ACPI: SRAT: Node 1 PXM 1 [mem 0x100000000-0x13fffffff] hotplug\n");
	check_log("NUMA: Node 0 [mem 0x00000000-0x0009ffff] + [mem 0x00100000-0x1fffffff] -> [mem 0x00000000-0x1fffffff]\n");
	check_log("Fallback order for Node 0: 0 1\n");
	check_log("Fallback order for Node 1: 1 0\n");
	check_log("Initmem setup node 1 [mem 0x0000000020000000-0x000000003ffdffff]\n");
	test_numa_stat(1);
	common_checks();
}

static void memblock_unit_checks(const struct machine *m)
{
	phys_addr_t a, b, c;

	boot_early(m);
	memset(__va(0x3fc00000), 0xff, 2 * MB);
	a = memblock_phys_alloc_node(PAGE_SIZE, PAGE_SIZE, 1);
	b = memblock_phys_alloc_node(PAGE_SIZE, PAGE_SIZE, 0);
	c = memblock_phys_alloc_node(2 * MB, 2 * MB, NUMA_NO_NODE);
	check(a == 0x3ffdf000 && b == 0x1ffff000 && c == 0x3fc00000, "top_down_per_node",
	      "node 1 page 0x%lx, node 0 page 0x%lx, 2 MB at 0x%lx", (unsigned long)a, (unsigned long)b, (unsigned long)c);
	check(((u8 *)__va(c))[0] == 0 && ((u8 *)__va(c))[2 * MB - 1] == 0, "zeroed", "not zeroed");
	check(memblock_is_reserved(a) && memblock_is_reserved(c + MB) && !memblock_is_reserved(0x3ffde000),
	      "reserved", "is_reserved wrong");
	memblock_set_current_limit(0x10000000);
	a = memblock_phys_alloc_node(PAGE_SIZE, PAGE_SIZE, 1);	/* node 1 is above the limit: falls back */
	check(a == 0xffff000, "limit_and_fallback", "got 0x%lx", (unsigned long)a);
	memblock_set_current_limit(~(phys_addr_t)0);
	{
		struct memblock_type saved = memblock_memory;

		memblock_memory.cnt = 0;
		memblock_add(0x5000, 0x1000);
		memblock_add(0x1000, 0x1000);
		memblock_add(0x3000, 0x1000);
		memblock_add(0x2000, 0x1000);	/* joins 0x1000-0x4000 */
		check(memblock_memory.cnt == 2 && memblock_memory.regions[0].base == 0x1000 &&
		      memblock_memory.regions[0].size == 0x3000 && memblock_memory.regions[1].base == 0x5000,
		      "merge_touching", "%u regions, first [0x%lx +0x%lx)", memblock_memory.cnt,
		      (unsigned long)memblock_memory.regions[0].base, (unsigned long)memblock_memory.regions[0].size);
		memblock_add(0x800, 0x10000);
		check(memblock_memory.cnt == 1 && memblock_memory.regions[0].base == 0x800 &&
		      memblock_memory.regions[0].size == 0x10000, "merge_covering", "%u regions", memblock_memory.cnt);
		memblock_memory = saved;
	}
}

static void no_srat_checks(const struct machine *m)
{
	check(nr_node_ids == 1 && numa_meminfo.nr_blks == 1 && numa_meminfo.blk[0].end == 0x3ffe0000,
	      "one_node", "%d nodes, %d blocks", nr_node_ids, numa_meminfo.nr_blks);
	check_log("No NUMA configuration found\n");
	check_log("Faking a node at [mem 0x0000000000000000-0x000000003ffdffff]\n");
	check_log("Fallback order for Node 0: 0\n");
	check(node_distance(0, 0) == 10, "distance", "%d", node_distance(0, 0));
	common_checks();
}

static void bad_slit_checks(const struct machine *m)
{
	check_log("ACPI: SLIT table looks invalid. Not used.\n");
	check(nr_node_ids == 2 && node_distance(0, 1) == 20 && node_distance(1, 0) == 20, "default_distances",
	      "%d nodes, distance %d", nr_node_ids, node_distance(0, 1));
	run_selftest();
}

/* PXMs 7, 3 and a 2 MB PXM 9; CPU entries name PXM 7 first, so it is node 0. */
static void pxm_order_checks(const struct machine *m)
{
	check(nr_node_ids == 3 && acpi_get_table("SRAT"), "three_nodes", "%d", nr_node_ids);
	check_log("SRAT: PXM 7 -> APIC 0x00 -> Node 0\n");
	check_log("SRAT: PXM 3 -> APIC 0x0102 -> Node 1\n");
	check_log("ACPI: SRAT: Node 1 PXM 3 [mem 0x00000000-0x0009ffff]\n");
	check_log("ACPI: SRAT: Node 2 PXM 9 [mem 0x3fc00000-0x3fdfffff]\n");
	check_log("NUMA: Node 2 [mem 0x3fc00000-0x3fdfffff] is smaller than 4 MB: not set up\n");
	check(phys_to_nid(0) == 1 && phys_to_nid(0x20000000) == 0 && phys_to_nid(0x3fc00000) == 0 &&
	      phys_to_nid(0x3fe00000) == 0, "phys_to_nid", "0 -> %d, 0x20000000 -> %d, 0x3fc00000 -> %d",
	      phys_to_nid(0), phys_to_nid(0x20000000), phys_to_nid(0x3fc00000));
	check(cpu_to_node(0) == 0 && cpu_to_node(1) == 1 && acpi_nr_cpus == 2, "cpu_to_node",
	      "%d CPUs, nodes %d %d", acpi_nr_cpus, cpu_to_node(0), cpu_to_node(1));
	check(NODE_DATA(2)->node_present_pages == 0 && NODE_DATA(2)->fallback[0] == 2, "memoryless_node",
	      "node 2 present %lu", NODE_DATA(2)->node_present_pages);
	check(node_distance(0, 1) == 21 && node_distance(0, 2) == 17 && node_distance(1, 2) == 28, "slit_by_pxm",
	      "%d %d %d", node_distance(0, 1), node_distance(0, 2), node_distance(1, 2));
	check_log("Fallback order for Node 1: 1 0 2\n");
	check_log("Fallback order for Node 2: 2 0 1\n");
	check_log("ACPI: RSDT 0x");
	test_numa_stat(1);
	common_checks();
}

static void bad_srat_checks(const struct machine *m)
{
	check_log("SRAT: SRAT not used.\n");
	check(nr_node_ids == 1, "dummy_node", "%d nodes", nr_node_ids);
	run_selftest();
}

static void uncovered_checks(const struct machine *m)
{
	check_log("NUMA: nodes only cover 511MB of your 1023MB e820 RAM. Not used.\n");
	check(nr_node_ids == 1, "dummy_node", "%d nodes", nr_node_ids);
}

/* Nodes split at 0x1ff40000, a boundary that is not 4 MB aligned: no buddy block may straddle it. */
static void odd_boundary_checks(const struct machine *m)
{
	check(nr_node_ids == 2 && phys_to_nid(0x1ff3ffff) == 0 && phys_to_nid(0x1ff40000) == 1, "nodes",
	      "%d nodes, 0x1ff40000 -> node %d", nr_node_ids, phys_to_nid(0x1ff40000));
	check(NODE_DATA(0)->node_spanned_pages == 0x1ff40 && NODE_DATA(1)->node_start_pfn == 0x1ff40, "spans",
	      "node 0 spans 0x%lx, node 1 starts at 0x%lx", NODE_DATA(0)->node_spanned_pages,
	      NODE_DATA(1)->node_start_pfn);
	check_log("  node   0: [mem 0x0000000000100000-0x000000001ff3ffff]\n");
	check_log("  node   1: [mem 0x000000001ff40000-0x000000003ffdffff]\n");
	common_checks();
}

/*
 * mm/numa.c from a hand-made table, no ACPI: what another firmware would
 * hand over. Node 1 is listed first, a range is backwards, a distance to
 * itself is not 10, and a CPU names a node that does not exist.
 */
static const struct numa_firmware plain_table = {
	.nr_nodes = 2,
	.nr_memblks = 3,
	.memblk = { { 0x20000000, 0x40000000, 1 }, { 0, 0x20000000, 0 }, { 0x30000000, 0x2000000, 0 } },
	.nr_cpus = 3,
	.cpu = { { 0x10, 1 }, { 0x11, 0 }, { 0x12, 5 } },
	.distance = { { 10, 15 }, { 16, 11 } },
};

static void plain_table_checks(const struct machine *m)
{
	check(nr_node_ids == 2 && numa_meminfo.nr_blks == 2, "nodes", "%d nodes, %d blocks",
	      nr_node_ids, numa_meminfo.nr_blks);
	check(phys_to_nid(0x1fffffff) == 0 && phys_to_nid(0x20000000) == 1 && phys_to_nid(0x3ffdffff) == 1,
	      "phys_to_nid", "0x1fffffff -> %d, 0x20000000 -> %d", phys_to_nid(0x1fffffff), phys_to_nid(0x20000000));
	check(node_distance(0, 1) == 15 && node_distance(1, 0) == 16 && node_distance(0, 0) == 10 &&
	      node_distance(1, 1) == 10, "distances", "%d %d / %d %d", node_distance(0, 0), node_distance(0, 1),
	      node_distance(1, 0), node_distance(1, 1));
	check(cpu_to_node(0) == 1 && cpu_to_node(1) == 0 && cpu_to_node(2) == 0 && cpu_to_node(3) == 0 &&
	      numa_node_id() == 1, "cpu_to_node", "%d %d %d %d, running on %d", cpu_to_node(0), cpu_to_node(1),
	      cpu_to_node(2), cpu_to_node(3), numa_node_id());
	check_log("NUMA: Warning: invalid memblk node 0 [mem 0x30000000-0x01ffffff]\n");
	check_log("NUMA: Warning: invalid distance parameter, from=1 to=1 distance=11\n");
	check_log("NUMA: CPU 0 (APIC 0x10) on node 1\n");
	check(!log_has("ACPI") && !log_has("SRAT"), "no_acpi", "the log mentions ACPI or SRAT");
	common_checks();
}

/*
 * NODES=4 CPUS=4 DIST=ring MEM=1024 (tools/qemu.sh; make test's second
 * machine): four 256 MB nodes, distances 10/20/30. The fallback lists are
 * the ones Linux 6.1 logs on that machine, ties broken by find_next_best_node.
 */
static void ring4_checks(const struct machine *m)
{
	check(nr_node_ids == 4, "nr_node_ids", "%d", nr_node_ids);
	check(node_distance(0, 1) == 20 && node_distance(0, 2) == 30 && node_distance(0, 3) == 20 &&
	      node_distance(1, 3) == 30 && node_distance(3, 2) == 20, "node_distance", "%d %d %d %d %d",
	      node_distance(0, 1), node_distance(0, 2), node_distance(0, 3), node_distance(1, 3),
	      node_distance(3, 2));
	check(cpu_to_node(0) == 0 && cpu_to_node(1) == 1 && cpu_to_node(2) == 2 && cpu_to_node(3) == 3,
	      "cpu_to_node", "%d %d %d %d", cpu_to_node(0), cpu_to_node(1), cpu_to_node(2), cpu_to_node(3));
	check(phys_to_nid(0x0fffffff) == 0 && phys_to_nid(0x10000000) == 1 && phys_to_nid(0x2fffffff) == 2 &&
	      phys_to_nid(0x30000000) == 3, "phys_to_nid", "0x10000000 -> %d, 0x30000000 -> %d",
	      phys_to_nid(0x10000000), phys_to_nid(0x30000000));
	check_log("Fallback order for Node 0: 0 1 3 2\n");
	check_log("Fallback order for Node 1: 1 2 0 3\n");
	check_log("Fallback order for Node 2: 2 3 1 0\n");
	check_log("Fallback order for Node 3: 3 0 2 1\n");
	check(NODE_DATA(1)->fallback[0] == 1 && NODE_DATA(1)->fallback[1] == 2 && NODE_DATA(1)->fallback[2] == 0 &&
	      NODE_DATA(1)->fallback[3] == 3, "fallback", "node 1: %d %d %d %d", NODE_DATA(1)->fallback[0],
	      NODE_DATA(1)->fallback[1], NODE_DATA(1)->fallback[2], NODE_DATA(1)->fallback[3]);
	common_checks();
}

static const struct machine machines[] = {
	{ .name = "qemu2", QEMU_E820, .fw = { QEMU_TWO_NODES, .slit_n = 2, .slit = { 10, 20, 20, 10 },
	  .bad_checksum_hpet = true }, .checks = qemu2_checks },
	{ .name = "qemu2-dist31", QEMU_E820, .fw = { QEMU_TWO_NODES, .slit_n = 2, .slit = { 10, 31, 31, 10 } },
	  .checks = qemu2_checks },
	{ .name = "memblock", QEMU_E820, .fw = { QEMU_TWO_NODES, .no_slit = true }, .checks = memblock_unit_checks },
	{ .name = "no-srat", QEMU_E820, .fw = { .no_srat = true, .nr_cpus = 1 }, .checks = no_srat_checks },
	{ .name = "no-acpi", QEMU_E820, .no_acpi = true, .checks = no_srat_checks },
	{ .name = "bad-slit", QEMU_E820, .fw = { QEMU_TWO_NODES, .slit_n = 2, .slit = { 11, 20, 20, 10 } },
	  .checks = bad_slit_checks },
	{ .name = "pxm-order", QEMU_E820, .fw = {
		.rsdt_only = true, .srat_revision = 1,
		.nr_cpus = 3, .cpus = { { 0, 7 }, { 0x102, 3, false, true }, { 5, 3, true } },
		.nr_mem = 5, .mem = {
			{ 0, 0xa0000, 0x103, ACPI_SRAT_MEM_ENABLED },	/* revision 1: PXM 0x103 is 3 */
			{ 0x100000, 0x1ff00000, 3, ACPI_SRAT_MEM_ENABLED },
			{ 0x20000000, 0x1fc00000, 7, ACPI_SRAT_MEM_ENABLED },
			{ 0x3fc00000, 0x200000, 9, ACPI_SRAT_MEM_ENABLED },
			{ 0x3fe00000, 0x200000, 7, ACPI_SRAT_MEM_ENABLED } },
		.slit_n = 10, .slit = {
			[3 * 10 + 3] = 10, [3 * 10 + 7] = 21, [3 * 10 + 9] = 28,
			[7 * 10 + 3] = 21, [7 * 10 + 7] = 10, [7 * 10 + 9] = 17,
			[9 * 10 + 3] = 28, [9 * 10 + 7] = 17, [9 * 10 + 9] = 10 } },
	  .checks = pxm_order_checks },
	{ .name = "odd-boundary", QEMU_E820, .fw = { .nr_cpus = 2, .cpus = { { 0, 0 }, { 1, 1 } }, .nr_mem = 3,
	  .mem = { { 0, 0xa0000, 0, ACPI_SRAT_MEM_ENABLED }, { 0x100000, 0x1fe40000, 0, ACPI_SRAT_MEM_ENABLED },
		   { 0x1ff40000, 0x200c0000, 1, ACPI_SRAT_MEM_ENABLED } } }, .checks = odd_boundary_checks },
	{ .name = "bad-srat", QEMU_E820, .fw = { QEMU_TWO_NODES, .srat_short_cpu_entry = true },
	  .checks = bad_srat_checks },
	{ .name = "ring4", QEMU_E820, .fw = {
		.nr_cpus = 4, .cpus = { { 0, 0 }, { 1, 1 }, { 2, 2 }, { 3, 3 } },
		.nr_mem = 5, .mem = {
			{ 0, 0xa0000, 0, ACPI_SRAT_MEM_ENABLED },
			{ 0x100000, 0xff00000, 0, ACPI_SRAT_MEM_ENABLED },
			{ 0x10000000, 0x10000000, 1, ACPI_SRAT_MEM_ENABLED },
			{ 0x20000000, 0x10000000, 2, ACPI_SRAT_MEM_ENABLED },
			{ 0x30000000, 0x10000000, 3, ACPI_SRAT_MEM_ENABLED } },
		.slit_n = 4, .slit = { 10, 20, 30, 20,  20, 10, 20, 30,  30, 20, 10, 20,  20, 30, 20, 10 } },
	  .checks = ring4_checks },
	{ .name = "plain-table", QEMU_E820, .table = &plain_table, .checks = plain_table_checks },
	{ .name = "uncovered", QEMU_E820, .fw = { .nr_cpus = 1, .nr_mem = 1,
	  .mem = { { 0x100000, 0x1ff00000, 0, ACPI_SRAT_MEM_ENABLED } } }, .checks = uncovered_checks },
};

static void fill_slit_gaps(struct fw_config *fw)
{
	/* The pxm-order SLIT is 10x10: PXMs not in use still need a valid diagonal and > 10 elsewhere. */
	for (int i = 0; i < fw->slit_n; i++)
		for (int j = 0; j < fw->slit_n; j++)
			if (!fw->slit[i * fw->slit_n + j])
				fw->slit[i * fw->slit_n + j] = i == j ? 10 : 40;
}

static void run_machine(const struct machine *m)
{
	struct machine copy = *m;
	pid_t pid;
	int status;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		machine_name = m->name;
		fill_slit_gaps(&copy.fw);
		if (m->checks == memblock_unit_checks) {
			m->checks(&copy);
		} else {
			boot(&copy);
			m->checks(&copy);
		}
		fflush(stdout);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	machine_name = m->name;
	check(WIFEXITED(status) && WEXITSTATUS(status) == 0, "exit", "machine process %s %d (a panic: see stderr)",
	      WIFEXITED(status) ? "exited with" : "killed by signal",
	      WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
}

int main(int argc, char **argv)
{
	const char *only = NULL;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-v"))
			host_verbose = 1;
		else
			only = argv[i];
	}
	totals = mmap(NULL, sizeof(*totals), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	panic_msg = mmap(NULL, 1024, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	for (unsigned int i = 0; i < ARRAY_SIZE(machines); i++)
		if (!only || !strcmp(only, machines[i].name))
			run_machine(&machines[i]);
	printf("# host allocator tests: %d passed, %d failed\n", totals->checks - totals->failures, totals->failures);
	return totals->failures ? 1 : 0;
}
