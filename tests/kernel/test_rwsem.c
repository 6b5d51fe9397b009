/*
 * Boot-time self-test of the reader/writer semaphore (kernel/rwsem.c), run
 * with selftest=rwsem (or all) once the other CPUs are up. Boot runs no
 * other task, so nothing here may sleep: every case takes the lock only
 * where it is free or with a trylock, and checks the state that results.
 *
 *   readers       two readers share it; a writer's trylock fails until the
 *                 last up_read, then succeeds
 *   writer        a writer excludes readers and writers (trylocks fail);
 *                 lockdep_assert_held_write is quiet for its owner
 *   downgrade     downgrade_write leaves one reader, never unlocked: a
 *                 second reader gets in, a writer does not
 *   other_cpu     the same exclusion seen from another CPU (a function
 *                 called there by IPI tries the lock): a held write lock
 *                 refuses its reader, a downgraded one admits it
 *   reports       the debug checks report (counted, not printed): up_read
 *                 of a free lock, the write/read assertions on a lock not
 *                 held so, a down_read under a ranked spinlock
 */
#include <kernel/selftest.h>
#include <kernel/rwsem.h>
#include <kernel/smp.h>
#include <kernel/sched.h>
#include <kernel/kernel.h>
#include <kernel/errno.h>

/* Run what must report exactly n times; false (with why) if it did not. */
#define EXPECT_REPORTS(n, what, stmt) ({ \
	int __before = lock_bugs_caught; \
	lock_bugs_expected = (n); \
	stmt; \
	lock_bugs_expected = 0; \
	lock_bugs_caught - __before == (n) ? true : \
		selftest_fail("%s: %d reports, want %d", what, lock_bugs_caught - __before, (n)); })

static DECLARE_RWSEM(test_sem);

/* Each case starts from a fresh lock: a failed one may leave it held. */
static void fresh_sem(void)
{
	__init_rwsem(&test_sem, "test_sem");
}

/* The lock must be free at the end of each case (so the next starts clean). */
static bool free_again(const char *when)
{
	if (test_sem.count != 0 || test_sem.owner || !list_empty(&test_sem.wait_list))
		return selftest_fail("%s: count %ld owner %p, want a free lock", when, test_sem.count,
				     (void *)test_sem.owner);
	return true;
}

static bool test_readers(void)
{
	fresh_sem();
	down_read(&test_sem);
	down_read(&test_sem);
	if (test_sem.count != 2 || !rwsem_is_locked(&test_sem))
		return selftest_fail("two readers: count %ld", test_sem.count);
	if (down_write_trylock(&test_sem))
		return selftest_fail("a writer got in beside two readers");
	if (!down_read_trylock(&test_sem))
		return selftest_fail("a third reader was refused");
	up_read(&test_sem);
	up_read(&test_sem);
	if (down_write_trylock(&test_sem))
		return selftest_fail("a writer got in beside one reader");
	up_read(&test_sem);
	if (!down_write_trylock(&test_sem))
		return selftest_fail("a writer was refused a free lock");
	up_write(&test_sem);
	return free_again("after the readers");
}

static bool test_writer(void)
{
	bool ok = true;

	fresh_sem();
	down_write(&test_sem);
	if (test_sem.count != RWSEM_WRITER_LOCKED || test_sem.owner != current)
		ok = selftest_fail("down_write: count %ld, owner %p", test_sem.count, (void *)test_sem.owner);
	else if (down_read_trylock(&test_sem))
		ok = selftest_fail("a reader got in beside the writer");
	else if (down_write_trylock(&test_sem))
		ok = selftest_fail("a second writer got in");
	else if (!EXPECT_REPORTS(0, "assert held for writing, by its writer",
				 lockdep_assert_held_write(&test_sem)))
		ok = false;
	up_write(&test_sem);
	return ok && free_again("after up_write");
}

static bool test_downgrade(void)
{
	bool ok = true;

	fresh_sem();
	down_write(&test_sem);
	downgrade_write(&test_sem);
	if (test_sem.count != 1 || test_sem.owner)
		ok = selftest_fail("downgraded: count %ld owner %p, want one reader, no owner",
				   test_sem.count, (void *)test_sem.owner);
	else if (!down_read_trylock(&test_sem))
		ok = selftest_fail("a reader was refused after the downgrade");
	else if (down_write_trylock(&test_sem))
		ok = selftest_fail("a writer got in beside the downgraded reader");
	else
		up_read(&test_sem);
	up_read(&test_sem);
	return ok && free_again("after the downgrade");
}

/* Runs on the other CPU (IPI): does a reader get in there? Leaves the lock as found. */
static void try_read_there(void *arg)
{
	int *got = arg;

	*got = down_read_trylock(&test_sem);
	if (*got)
		up_read(&test_sem);
}

static bool test_other_cpu(void)
{
	int cpu = selftest_other_cpu(), got = -1, err;
	bool ok = true;

	if (cpu < 0)
		return selftest_skip("one CPU online");
	fresh_sem();
	down_write(&test_sem);
	err = smp_call_function_single(cpu, try_read_there, &got, true);
	if (err || got != 0)
		ok = selftest_fail("CPU%d, write lock held here: call %d, reader got in %d, want 0", cpu, err, got);
	downgrade_write(&test_sem);
	got = -1;
	err = smp_call_function_single(cpu, try_read_there, &got, true);
	if (ok && (err || got != 1))
		ok = selftest_fail("CPU%d, downgraded here: call %d, reader got in %d, want 1", cpu, err, got);
	up_read(&test_sem);
	return ok && free_again("after the other CPU's tries");
}

static bool test_reports(void)
{
	DEFINE_SPINLOCK_ORDER(ranked, LOCK_ORDER_PGDAT);
	bool ok;

	if (!CONFIG_DEBUG_SPINLOCK)
		return selftest_skip("CONFIG_DEBUG_SPINLOCK is off");
	fresh_sem();
	if (!EXPECT_REPORTS(1, "up_read of a free lock", up_read(&test_sem)))
		return false;
	if (!EXPECT_REPORTS(1, "assert held for writing, free", lockdep_assert_held_write(&test_sem)))
		return false;
	if (!EXPECT_REPORTS(1, "assert held at all, free", rwsem_assert_held(&test_sem)))
		return false;
	down_write(&test_sem);
	ok = EXPECT_REPORTS(1, "assert held for reading, write-locked", lockdep_assert_held_read(&test_sem));
	up_write(&test_sem);
	if (!ok)
		return false;
	/* Free, so it does not sleep: only the check is exercised. */
	spin_lock(&ranked);
	ok = EXPECT_REPORTS(1, "down_read under a spinlock", down_read(&test_sem));
	spin_unlock(&ranked);
	up_read(&test_sem);
	return ok && free_again("after the reports");
}

static const struct selftest_case rwsem_cases[] = {
	{ "readers", test_readers },
	{ "writer", test_writer },
	{ "downgrade", test_downgrade },
	{ "other_cpu", test_other_cpu },
	{ "reports", test_reports },
};

const struct selftest_suite rwsem_selftest_suite = {
	.name = "rwsem",
	.cases = rwsem_cases,
	.nr_cases = ARRAY_SIZE(rwsem_cases),
	.after_smp = true,
};
