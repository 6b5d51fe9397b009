/*
 * thp_cow_policy (Pagoda only): 2 MB copy-on-write after fork under the
 * run-time policy in /sys/kernel/mm/transparent_hugepage/pagoda_cow_policy.
 * "copy" (Linux 4.x, seed 001): the writer gets a new THP with a copy of
 * all 2 MB, so both sides stay huge on different frames, and
 * pagoda_thp_cow_copy counts it; a write to the huge zero page gets a new
 * cleared THP.  "split" (Linux 5.8+, the default): the writer's PMD is
 * split and one 4 KB page copied; the parent stays huge.  smaps agrees:
 * AnonHugePages 2048 kB for each PMD-mapped side.  Under both, an
 * exclusive owner reuses the THP in place (pagoda_thp_cow_reuse).  Data is
 * isolated both ways.  Restores the knobs it writes.
 */
#include "mmtest.h"

#define THP_DIR		"/sys/kernel/mm/transparent_hugepage/"
#define POLICY		THP_DIR "pagoda_cow_policy"
#define ENABLED		THP_DIR "enabled"

static void fill(unsigned char *p, int seed)
{
	for (unsigned long off = 0; off < THP_SIZE; off += PAGE_SIZE)
		p[off] = (unsigned char)(seed + (off >> 12));
}

static int check(const unsigned char *p, int seed, unsigned long skip)
{
	for (unsigned long off = 0; off < THP_SIZE; off += PAGE_SIZE)
		if (off != skip && p[off] != (unsigned char)(seed + (off >> 12)))
			return 0;
	return 1;
}

/*
 * One fork round under policy: the child writes page 3.  Its exit status
 * has bit 0 set if its data or frames do not match the policy (copy: still
 * huge on new frames; split: not huge), bit 1 if its smaps does not (copy:
 * AnonHugePages 2048 kB, its new THP is PMD-mapped; split: 0 kB).
 */
static void round(const char *policy, int copy)
{
	unsigned char *p = thp_area(MADV_HUGEPAGE);
	long copies = vmstat_get("pagoda_thp_cow_copy"), reuses;
	uint64_t pfn;
	int status = -1;
	long pid;

	if (!tap_ok(knob_write(POLICY, policy) > 0, "policy %s", policy) || !p)
		return;
	fill(p, 21);
	pfn = page_pfn(0, p);
	if (!tap_ok(thp_is_huge(0, p), "%s: a THP before fork", policy))
		return;
	pid = sys_fork();
	if (pid == 0) {
		int ok, bad;

		p[3 * PAGE_SIZE] = 0x99;
		ok = p[3 * PAGE_SIZE] == 0x99 && check(p, 21, 3 * PAGE_SIZE);
		ok &= copy ? thp_is_huge(0, p) && page_pfn(0, p) != pfn : !thp_is_huge(0, p);
		bad = ok ? 0 : 1;
		if (smaps_kb(0, p, "AnonHugePages") != (copy ? 2048 : 0))
			bad |= 2;
		sys_exit_group(bad);
	}
	/* -1 unless the child exited normally: then its exit code. */
	if (pid > 0 && sys_wait4((int)pid, &status, 0, NULL) == pid && !(status & 0x7f))
		status = (status >> 8) & 0xff;
	else
		status = -1;
	tap_ok(status >= 0 && !(status & 1),
	       "%s: the child's write %s, its data its own", policy,
	       copy ? "copies all 2 MB into a new THP" : "splits its PMD");
	tap_ok(status >= 0 && !(status & 2), "%s: the child's smaps shows AnonHugePages %d kB",
	       policy, copy ? 2048 : 0);
	tap_is_long(smaps_kb(0, p, "AnonHugePages"), 2048, "%s: the parent's smaps shows AnonHugePages 2048 kB",
		    policy);
	tap_is_long(vmstat_get("pagoda_thp_cow_copy") - copies, copy ? 1 : 0,
		    "%s: pagoda_thp_cow_copy grew by %d", policy, copy);
	tap_ok(check(p, 21, -1UL) && thp_is_huge(0, p) && page_pfn(0, p) == pfn,
	       "%s: the parent keeps its data and its THP", policy);
	reuses = vmstat_get("pagoda_thp_cow_reuse");
	p[4 * PAGE_SIZE] = 0x77;
	tap_ok(p[4 * PAGE_SIZE] == 0x77 && thp_is_huge(0, p) && page_pfn(0, p) == pfn,
	       "%s: the parent, alone again, writes in place", policy);
	tap_is_long(vmstat_get("pagoda_thp_cow_reuse") - reuses, 1, "%s: pagoda_thp_cow_reuse grew by 1", policy);
	sys_munmap(p, THP_SIZE);
}

static void zero_page_copy(void)
{
	unsigned char *p = thp_area(MADV_HUGEPAGE);
	long alloc = vmstat_get("thp_fault_alloc");

	if (!p)
		return;
	knob_write(POLICY, "copy");
	tap_is_long(p[0], 0, "copy: a read maps the huge zero page");
	p[PAGE_SIZE] = 1;
	tap_ok(thp_is_huge(0, p) && p[PAGE_SIZE] == 1 && p[0] == 0,
	       "copy: a write to the huge zero page gets a new cleared THP (Linux 4.x)");
	tap_is_long(vmstat_get("thp_fault_alloc") - alloc, 1, "copy: thp_fault_alloc grew by 1");
	sys_munmap(p, THP_SIZE);
}

int main(void)
{
	char saved_policy[16], saved_enabled[16];

	if (!is_pagoda())
		tap_skip_all("Pagoda only: Linux has no COW policy switch");
	if (knob_selected(POLICY, saved_policy, sizeof(saved_policy)) < 0 ||
	    knob_selected(ENABLED, saved_enabled, sizeof(saved_enabled)) < 0)
		tap_skip_all("no " POLICY);
	tap_is_long(knob_write(POLICY, "sometimes"), -EINVAL, "a bad policy gives EINVAL");
	knob_write(ENABLED, "always");
	round("copy", 1);
	round("split", 0);
	zero_page_copy();
	knob_write(POLICY, saved_policy);
	knob_write(ENABLED, saved_enabled);
	return tap_done();
}
