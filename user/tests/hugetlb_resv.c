/*
 * hugetlb_resv: MAP_HUGETLB mappings, their reservations and their rules,
 * as Linux 6.1 has them (hugetlb_reserve_pages, hugetlb_get_unmapped_area,
 * hugetlb_vm_op_split).  From the boot pool of T free pages:
 *
 * - private: mmap of 3 pages reserves 3 (HugePages_Rsvd +3, Free
 *   unchanged); each first touch takes a free page and consumes one
 *   reservation (Free -1, Rsvd -1); a second touch of the same page takes
 *   nothing; munmap returns the pages and the untouched reservation.
 * - shared: the same, the reservation kept with the (anonymous) file.
 * - an untouched private mapping's munmap returns its whole reservation.
 * - ENOMEM when the pool cannot cover the reservation (free - rsvd + 1
 *   pages, private or shared), with nothing reserved.
 * - MAP_NORESERVE maps free + 1 pages without reserving; in a child
 *   touching them all, the fault the pool cannot serve gives SIGBUS,
 *   si_code BUS_ADRERR, si_addr the faulting address; without a handler
 *   the child dies of SIGBUS.  The pages come back when it exits.
 * - MAP_HUGE_2MB (21 << MAP_HUGE_SHIFT) maps; sizes with no hstate,
 *   MAP_HUGE_16KB and MAP_HUGE_4MB, give EINVAL.  (Not 1 GB: Linux has a
 *   1 GB hstate under QEMU's -cpu max, Pagoda does not.)
 * - a length is rounded up to 2 MB: 4 KB maps one 2 MB-aligned 2 MB VMA
 *   (in /proc/self/maps) and reserves one page.
 * - MAP_FIXED at an address not 2 MB-aligned gives EINVAL before anything
 *   else: the 4 KB page mapped there keeps its data, nothing is reserved.
 * - munmap and mprotect must split on 2 MB boundaries: a 4 KB munmap or
 *   mprotect of a huge page, or one starting 4 KB into it, gives EINVAL
 *   and changes nothing; on a 2 MB boundary both work.
 */
#include "hugetlb.h"
#include "procmaps.h"

static struct hpool start;

static void resv_follows_faults(int type, const char *name)
{
	long a = huge_mmap(NULL, 3 * HPAGE_SIZE, type);
	unsigned char *p = (unsigned char *)a;
	char what[64];

	if (!tap_ok(a > 0, "%s: mmap 3 huge pages", name))
		return;
	tap_ok((a & (HPAGE_SIZE - 1)) == 0, "%s: the address is 2 MB-aligned (0x%lx)", name, a);
	snprintf(what, sizeof(what), "%s: after mmap", name);
	hpool_is(start.total, start.free, 3, 0, what);
	for (int i = 0; i < 2; i++) {
		p[i * HPAGE_SIZE + 100] = (unsigned char)(i + 1);
		snprintf(what, sizeof(what), "%s: after touching page %d", name, i);
		hpool_is(start.total, start.free - i - 1, 3 - i - 1, 0, what);
	}
	p[HPAGE_SIZE + 200] = 9;
	snprintf(what, sizeof(what), "%s: a second touch of page 1", name);
	hpool_is(start.total, start.free - 2, 1, 0, what);
	tap_ok(p[100] == 1 && p[HPAGE_SIZE + 100] == 2 && p[2 * HPAGE_SIZE + 100] == 0,
	       "%s: the data is there, the untouched page reads 0", name);
	snprintf(what, sizeof(what), "%s: reading the third page took the last reservation", name);
	hpool_is(start.total, start.free - 3, 0, 0, what);
	snprintf(what, sizeof(what), "%s: after munmap", name);
	tap_is_long(sys_munmap(p, 3 * HPAGE_SIZE), 0, "%s: munmap", name);
	hpool_is(start.total, start.free, 0, 0, what);
}

static void test_untouched_munmap(void)
{
	long a = huge_mmap(NULL, 2 * HPAGE_SIZE, MAP_PRIVATE);

	if (!tap_ok(a > 0, "untouched: mmap 2 pages"))
		return;
	hpool_is(start.total, start.free, 2, 0, "untouched: 2 reserved");
	tap_is_long(sys_munmap((void *)a, 2 * HPAGE_SIZE), 0, "untouched: munmap");
	hpool_is(start.total, start.free, 0, 0, "untouched: the reservation is returned");
}

static void test_enomem(void)
{
	long keep = huge_mmap(NULL, HPAGE_SIZE, MAP_PRIVATE);
	long n = start.free;	/* free - rsvd + 1 with one page reserved */

	if (!tap_ok(keep > 0, "enomem: mmap 1 page"))
		return;
	tap_is_err(huge_mmap(NULL, n * HPAGE_SIZE, MAP_PRIVATE), ENOMEM,
		   "private: %ld pages with %ld free and 1 reserved: ENOMEM", n, start.free);
	tap_is_err(huge_mmap(NULL, n * HPAGE_SIZE, MAP_SHARED), ENOMEM,
		   "shared: %ld pages with %ld free and 1 reserved: ENOMEM", n, start.free);
	hpool_is(start.total, start.free, 1, 0, "nothing reserved by the failed mmaps");
	n = huge_mmap(NULL, (start.free - 1) * HPAGE_SIZE, MAP_PRIVATE);
	if (tap_ok(n > 0, "but %ld pages fit", start.free - 1)) {
		hpool_is(start.total, start.free, start.free, 0, "every free page reserved");
		sys_munmap((void *)n, (start.free - 1) * HPAGE_SIZE);
	}
	sys_munmap((void *)keep, HPAGE_SIZE);
	hpool_is(start.total, start.free, 0, 0, "enomem: all returned");
}

/* ---- MAP_NORESERVE: SIGBUS at the fault the pool cannot serve ---- */

struct bus_report {
	long signo, code;
	unsigned long addr;
	long touched;		/* pages written before the signal */
};

static struct bus_report *report;

static void bus_handler(int sig, struct k_siginfo *si, void *uc)
{
	(void)uc;
	report->signo = sig;
	report->code = si->si_code;
	report->addr = (unsigned long)si->si_addr;
	sys_exit_group(42);
}

/* The child: map free + 1 pages NORESERVE and write each, the last at offset 0x1234. */
static void noreserve_child(void *handler)
{
	long n = start.free + 1;
	long a = huge_mmap(NULL, n * HPAGE_SIZE, MAP_PRIVATE | MAP_NORESERVE);
	unsigned char *p = (unsigned char *)a;

	if (a < 0)
		sys_exit_group(3);
	if (handler && sigaction_install(SIGBUS, bus_handler) < 0)
		sys_exit_group(4);
	for (long i = 0; i < n; i++) {
		*(volatile long *)&report->touched = i;	/* seen by the parent after a SIGBUS */
		p[i * HPAGE_SIZE + 0x1234] = 1;
	}
	sys_exit_group(5);	/* every page was served: wrong */
}

static void test_noreserve(void)
{
	long a = huge_mmap(NULL, (start.free + 1) * HPAGE_SIZE, MAP_PRIVATE | MAP_NORESERVE);
	unsigned long want;
	int st;

	if (tap_ok(a > 0, "MAP_NORESERVE maps %ld pages with %ld free", start.free + 1, start.free)) {
		hpool_is(start.total, start.free, 0, 0, "MAP_NORESERVE reserves nothing");
		sys_munmap((void *)a, (start.free + 1) * HPAGE_SIZE);
	}
	report = mailbox_new(sizeof(*report));
	if (!tap_ok(report != NULL, "mailbox"))
		return;
	st = run_in_child(noreserve_child, (void *)1);
	tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == 42, "the child's SIGBUS handler ran (status 0x%x)", st);
	tap_is_long(report->signo, SIGBUS, "signal SIGBUS");
	tap_is_long(report->code, BUS_ADRERR, "si_code BUS_ADRERR");
	tap_is_long(report->touched, start.free, "at the write to page %ld, the first the pool cannot serve",
		    start.free);
	/* The child's mapping is placed as the parent's was: compare offsets within it. */
	want = 0x1234 + (unsigned long)start.free * HPAGE_SIZE;
	tap_ok(report->addr % HPAGE_SIZE == want % HPAGE_SIZE && report->addr != 0,
	       "si_addr is the faulting address (0x%lx, offset 0x1234 in its page)", report->addr);
	hpool_is(start.total, start.free, 0, 0, "the child's pages are back after it exits");

	memset(report, 0, sizeof(*report));
	tap_child_signal(noreserve_child, NULL, SIGBUS, "without a handler the child dies of SIGBUS");
	tap_is_long(report->touched, start.free, "again at page %ld", start.free);
	hpool_is(start.total, start.free, 0, 0, "and its pages are back");
	sys_munmap(report, PAGE_SIZE);
}

/* ---- sizes ---- */

static void test_sizes(void)
{
	long a = huge_mmap(NULL, HPAGE_SIZE, MAP_PRIVATE | MAP_HUGE_2MB);

	if (tap_ok(a > 0, "MAP_HUGE_2MB maps")) {
		*(volatile char *)a = 1;
		hpool_is(start.total, start.free - 1, 0, 0, "a MAP_HUGE_2MB page comes from the 2 MB pool");
		sys_munmap((void *)a, HPAGE_SIZE);
	}
	tap_is_err(huge_mmap(NULL, HPAGE_SIZE, MAP_PRIVATE | MAP_HUGE_16KB), EINVAL, "MAP_HUGE_16KB: EINVAL");
	tap_is_err(huge_mmap(NULL, 2 * HPAGE_SIZE, MAP_PRIVATE | MAP_HUGE_4MB), EINVAL, "MAP_HUGE 4 MB: EINVAL");
	hpool_is(start.total, start.free, 0, 0, "sizes: pool unchanged");
}

static void test_round_up(void)
{
	long a = huge_mmap(NULL, PAGE_SIZE, MAP_PRIVATE);
	struct maps_entry e;

	if (!tap_ok(a > 0, "mmap of 4 KB with MAP_HUGETLB"))
		return;
	hpool_is(start.total, start.free, 1, 0, "4 KB reserves one huge page");
	if (tap_ok(maps_lookup((unsigned long)a, &e), "its VMA is in /proc/self/maps")) {
		tap_is_ulong(e.start, (unsigned long)a, "it starts at the address returned");
		tap_is_ulong(e.end - e.start, HPAGE_SIZE, "it is 2 MB long");
	}
	((volatile char *)a)[HPAGE_SIZE - 1] = 1;	/* the last byte of the 2 MB is mapped */
	tap_is_long(sys_munmap((void *)a, HPAGE_SIZE), 0, "munmap of the whole 2 MB");
	hpool_is(start.total, start.free, 0, 0, "round-up: pool back");
}

static void test_fixed_unaligned(void)
{
	long base = huge_mmap(NULL, 2 * HPAGE_SIZE, MAP_PRIVATE), small;
	unsigned long target;

	if (!tap_ok(base > 0, "fixed: find a 4 MB range"))
		return;
	sys_munmap((void *)base, 2 * HPAGE_SIZE);
	target = (unsigned long)base + PAGE_SIZE;
	small = sys_mmap((void *)target, PAGE_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if (!tap_is_long(small, (long)target, "a 4 KB page at 2 MB + 4 KB"))
		return;
	*(volatile long *)target = 0x1234;
	tap_is_err(huge_mmap((void *)target, HPAGE_SIZE, MAP_PRIVATE | MAP_FIXED), EINVAL,
		   "MAP_FIXED|MAP_HUGETLB at an address not 2 MB-aligned: EINVAL");
	tap_is_err(huge_mmap((void *)target, HPAGE_SIZE, MAP_SHARED | MAP_FIXED), EINVAL,
		   "the same, shared: EINVAL");
	tap_is_long(*(volatile long *)target, 0x1234, "the page mapped there is untouched");
	hpool_is(start.total, start.free, 0, 0, "fixed: nothing reserved");
	sys_munmap((void *)target, PAGE_SIZE);
	small = huge_mmap((void *)base, HPAGE_SIZE, MAP_PRIVATE | MAP_FIXED);
	tap_is_long(small, base, "MAP_FIXED at a 2 MB-aligned address works");
	if (small > 0)
		sys_munmap((void *)small, HPAGE_SIZE);
}

static void test_split_alignment(void)
{
	long a = huge_mmap(NULL, 2 * HPAGE_SIZE, MAP_PRIVATE);
	unsigned char *p = (unsigned char *)a;

	if (!tap_ok(a > 0, "split: mmap 2 pages"))
		return;
	p[0] = 1;
	p[HPAGE_SIZE] = 2;
	tap_is_err(sys_munmap(p, PAGE_SIZE), EINVAL, "munmap of the first 4 KB: EINVAL");
	tap_is_err(sys_munmap(p + PAGE_SIZE, HPAGE_SIZE), EINVAL, "munmap from 4 KB into the page: EINVAL");
	tap_is_err(sys_mprotect(p, PAGE_SIZE, PROT_READ), EINVAL, "mprotect of the first 4 KB: EINVAL");
	tap_is_err(sys_mprotect(p + PAGE_SIZE, HPAGE_SIZE, PROT_READ), EINVAL,
		   "mprotect from 4 KB into the page: EINVAL");
	p[PAGE_SIZE] = 3;	/* still writable, still mapped */
	tap_ok(p[0] == 1 && p[PAGE_SIZE] == 3 && p[HPAGE_SIZE] == 2, "the mapping is unchanged");
	hpool_is(start.total, start.free - 2, 0, 0, "split: both pages still in use");

	tap_is_long(sys_mprotect(p + HPAGE_SIZE, HPAGE_SIZE, PROT_READ), 0, "mprotect of the second 2 MB");
	tap_child_signal(touch_write, p + HPAGE_SIZE, SIGSEGV, "which is now read-only");
	tap_is_long(sys_munmap(p + HPAGE_SIZE, HPAGE_SIZE), 0, "munmap of the second 2 MB");
	hpool_is(start.total, start.free - 1, 0, 0, "its page is back in the pool");
	tap_child_signal(touch_read, p + HPAGE_SIZE, SIGSEGV, "it is unmapped");
	tap_ok(p[0] == 1, "the first page keeps its data");
	sys_munmap(p, HPAGE_SIZE);
	hpool_is(start.total, start.free, 0, 0, "split: pool back");
}

/*
 * ---- what a hugetlb mapping refuses (Linux 6.1) ----
 * MAP_GROWSDOWN: EINVAL for every file mapping, and MAP_HUGETLB is one;
 * MADV_WIPEONFORK: private anonymous memory only (vm_file: EINVAL);
 * MADV_COLD, MADV_PAGEOUT: not on hugetlb (can_madv_lru_vma: EINVAL);
 * MAP_POPULATE of a PROT_NONE mapping populates nothing: the page stays
 * reserved, not taken.
 */
static void test_refused(void)
{
	long a;

	tap_is_err(huge_mmap(NULL, HPAGE_SIZE, MAP_PRIVATE | MAP_GROWSDOWN), EINVAL,
		   "MAP_GROWSDOWN with MAP_HUGETLB: EINVAL");
	hpool_is(start.total, start.free, 0, 0, "MAP_GROWSDOWN: nothing reserved");
	a = huge_mmap(NULL, HPAGE_SIZE, MAP_PRIVATE);
	if (tap_ok(a > 0, "a private hugetlb mapping")) {
		tap_is_err(sys_madvise((void *)a, HPAGE_SIZE, MADV_WIPEONFORK), EINVAL, "MADV_WIPEONFORK: EINVAL");
		tap_is_err(sys_madvise((void *)a, HPAGE_SIZE, MADV_COLD), EINVAL, "MADV_COLD: EINVAL");
		tap_is_err(sys_madvise((void *)a, HPAGE_SIZE, MADV_PAGEOUT), EINVAL, "MADV_PAGEOUT: EINVAL");
		sys_munmap((void *)a, HPAGE_SIZE);
	}
	a = sys_mmap(NULL, HPAGE_SIZE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_POPULATE, -1, 0);
	if (tap_ok(a > 0, "PROT_NONE | MAP_POPULATE maps")) {
		hpool_is(start.total, start.free, 1, 0, "PROT_NONE | MAP_POPULATE: reserved, no page taken");
		sys_munmap((void *)a, HPAGE_SIZE);
	}
	hpool_is(start.total, start.free, 0, 0, "refused: pool back");
}

int main(void)
{
	hugetlb_test_machine_or_skip();
	if (!hpool_start(&start, 4))
		return tap_done();
	resv_follows_faults(MAP_PRIVATE, "private");
	resv_follows_faults(MAP_SHARED, "shared");
	test_untouched_munmap();
	test_enomem();
	test_noreserve();
	test_sizes();
	test_round_up();
	test_fixed_unaligned();
	test_split_alignment();
	test_refused();
	return tap_done();
}
