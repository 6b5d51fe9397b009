/*
 * Kernel self-tests (tests/kernel/), run at boot with selftest= on the
 * command line: selftest=all, selftest=SUITE or selftest=SUITE/CASE.
 *
 *   selftest_suites[] (tests/kernel/selftest.c)
 *     -> struct selftest_suite "buddy"  (tests/kernel/test_buddy.c)
 *          -> struct selftest_case[] { "split", test_split }, ...
 *
 * selftest_run() walks that table and prints one TAP line per case:
 *
 *   ok 4 - selftest/buddy/split
 *   not ok 5 - selftest/buddy/coalesce # node 0 order 1: 0 free blocks, expected 1
 *
 * A case returns true when it passed. On failure it returns
 * selftest_fail("why ..."), which records the reason and returns false;
 * a case that cannot apply here returns selftest_skip("why ...") (true).
 */
#ifndef _KERNEL_SELFTEST_H
#define _KERNEL_SELFTEST_H

#include <kernel/smp.h>
#include <kernel/kernel.h>

struct selftest_case {
	const char *name;
	bool (*fn)(void);
};

struct selftest_suite {
	const char *name;
	void (*banner)(void);		/* optional: a "# ..." line before the cases */
	const struct selftest_case *cases;
	size_t nr_cases;
	bool after_smp;			/* run by selftest_run_late, once the other CPUs are up */
};

extern const struct selftest_suite buddy_selftest_suite;
extern const struct selftest_suite kpageflags_selftest_suite;	/* tests/kernel/test_kpageflags.c */
extern const struct selftest_suite lockcheck_selftest_suite;	/* tests/kernel/test_lockcheck.c, after_smp */
extern const struct selftest_suite smp_selftest_suite;		/* tests/kernel/test_smp.c, after_smp */
extern const struct selftest_suite mutex_selftest_suite;	/* tests/kernel/test_mutex.c, after_smp */
extern const struct selftest_suite rwsem_selftest_suite;	/* tests/kernel/test_rwsem.c, after_smp */

__printf(1, 2) bool selftest_fail(const char *fmt, ...);
__printf(1, 2) bool selftest_skip(const char *fmt, ...);
/* The first online CPU other than this one, or -1: where the SMP cases send their work. */
static inline int selftest_other_cpu(void)
{
	int cpu;

	for_each_cpu_in(cpu, cpu_online_mask())
		if (cpu != smp_processor_id())
			return cpu;
	return -1;
}

/* Run the suites and cases that which ("all", "SUITE" or "SUITE/CASE") names; returns the failures. */
int selftest_run(const char *which);
/* The after_smp suites that which names, from start_kernel after smp_init. */
int selftest_run_late(const char *which);

#endif
