/*
 * Boot-time self-test of the sleeping mutex (kernel/mutex.[ch]), run with
 * selftest=mutex (or all) once the other CPUs are up. Boot runs in the
 * idle task, which must never sleep, so no case here makes mutex_lock
 * wait: the wait list is exercised by hand (handoff) and the two CPUs
 * contend through mutex_trylock.
 *
 *   lock_unlock     mutex_lock takes a free mutex (owner: this task),
 *                   mutex_unlock frees it; lockdep_assert_held on it is
 *                   quiet while held, reports once it is free
 *   trylock         fails on a held mutex, and on a free one with waiters
 *                   queued (no thief may pass them); succeeds when free
 *   handoff         mutex_unlock gives the mutex to the oldest waiter,
 *                   FIFO, and takes it off the list (stand-in waiters whose
 *                   tasks are TASK_RUNNING: wake_up_process leaves them be)
 *   checker         mutex_lock under a spinlock, a second mutex_lock by the
 *                   owner, and an unlock by a non-owner are each reported
 *                   once (counted, not printed); a plain lock is quiet
 *   two_cpus        CPU 0 and CPU 1 each add 1 to a plain counter 2000
 *                   times inside the mutex (taken with trylock): the total
 *                   is exact only if they never overlapped
 */
#include <kernel/selftest.h>
#include <kernel/mutex.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <kernel/kernel.h>
#include <arch/x86_64/time.h>
#include <arch/x86_64/processor.h>

#define EXPECT_REPORTS(n, what, stmt) ({ \
	int __before = lock_bugs_caught; \
	lock_bugs_expected = (n); \
	stmt; \
	lock_bugs_expected = 0; \
	lock_bugs_caught - __before == (n) ? true : \
		selftest_fail("%s: %d reports, want %d", what, lock_bugs_caught - __before, (n)); })

static bool test_lock_unlock(void)
{
	DEFINE_MUTEX(m);
	bool ok;

	if (mutex_is_locked(&m))
		return selftest_fail("a new mutex is locked");
	mutex_lock(&m);
	if (!mutex_is_locked(&m) || m.owner != current) {
		mutex_unlock(&m);
		return selftest_fail("after mutex_lock: locked %d, owner %p (want %p)",
				     mutex_is_locked(&m), (void *)m.owner, (void *)current);
	}
	ok = !CONFIG_DEBUG_SPINLOCK || EXPECT_REPORTS(0, "assert held, held", lockdep_assert_held(&m));
	mutex_unlock(&m);
	if (!ok)
		return false;
	if (mutex_is_locked(&m))
		return selftest_fail("still locked after mutex_unlock");
	return !CONFIG_DEBUG_SPINLOCK || EXPECT_REPORTS(1, "assert held, free", lockdep_assert_held(&m));
}

static bool test_trylock(void)
{
	DEFINE_MUTEX(m);
	struct task_struct stand_in = { .state = TASK_RUNNING };
	struct mutex_waiter w = { .task = &stand_in };

	if (!mutex_trylock(&m))
		return selftest_fail("mutex_trylock failed on a free mutex");
	if (mutex_trylock(&m)) {
		mutex_unlock(&m);
		return selftest_fail("mutex_trylock took a held mutex");
	}
	mutex_unlock(&m);
	/* Free, but someone queued: the mutex is theirs next. */
	list_add_tail(&w.list, &m.wait_list);
	if (mutex_trylock(&m)) {
		list_del(&w.list);
		return selftest_fail("mutex_trylock passed a waiter");
	}
	list_del(&w.list);
	return true;
}

static bool test_handoff(void)
{
	DEFINE_MUTEX(m);
	struct task_struct a = { .state = TASK_RUNNING }, b = { .state = TASK_RUNNING };
	struct mutex_waiter wa = { .task = &a }, wb = { .task = &b };

	mutex_lock(&m);
	list_add_tail(&wa.list, &m.wait_list);
	list_add_tail(&wb.list, &m.wait_list);
	mutex_unlock(&m);
	if (m.owner != &a || list_first_entry(&m.wait_list, struct mutex_waiter, list) != &wb) {
		m.owner = NULL;
		INIT_LIST_HEAD(&m.wait_list);
		return selftest_fail("first unlock: owner %p (want a %p), first waiter not b",
				     (void *)m.owner, (void *)&a);
	}
	m.owner = current;	/* a's unlock, done here */
	mutex_unlock(&m);
	if (m.owner != &b || !list_empty(&m.wait_list)) {
		m.owner = NULL;
		INIT_LIST_HEAD(&m.wait_list);
		return selftest_fail("second unlock: owner %p (want b %p), list empty %d",
				     (void *)m.owner, (void *)&b, list_empty(&m.wait_list));
	}
	m.owner = current;
	mutex_unlock(&m);
	if (mutex_is_locked(&m))
		return selftest_fail("last unlock left the mutex locked by %p", (void *)m.owner);
	return true;
}

static bool test_checker(void)
{
	DEFINE_MUTEX(m);
	DEFINE_SPINLOCK(l);
	struct task_struct other = { .state = TASK_RUNNING };
	bool ok;

	if (!CONFIG_DEBUG_SPINLOCK)
		return selftest_skip("CONFIG_DEBUG_SPINLOCK=0");
	spin_lock(&l);
	ok = EXPECT_REPORTS(1, "mutex_lock under a spinlock", debug_mutex_lock_before(&m));
	spin_unlock(&l);
	ok = ok && EXPECT_REPORTS(0, "mutex_lock, no spinlock", ({ mutex_lock(&m); mutex_unlock(&m); }));
	if (!ok)
		return false;
	mutex_lock(&m);
	ok = EXPECT_REPORTS(1, "recursion", debug_mutex_lock_before(&m));
	m.owner = &other;
	ok = ok && EXPECT_REPORTS(1, "unlock by a non-owner", mutex_unlock(&m));
	m.owner = NULL;
	return ok;
}

#define TWO_CPU_LOOPS	2000

struct two_cpu_run {
	struct mutex m;
	volatile unsigned long counter;
	int done;
};

/* Add 1 to the counter loops times, inside the mutex; a slow read-modify-write that shows any overlap. */
static void add_under_mutex(struct two_cpu_run *r, int loops)
{
	for (int i = 0; i < loops; i++) {
		unsigned long v;

		while (!mutex_trylock(&r->m))
			cpu_relax();
		v = r->counter;
		for (int d = 0; d < 20; d++)
			cpu_relax();
		r->counter = v + 1;
		mutex_unlock(&r->m);
	}
}

static void two_cpus_remote(void *arg)
{
	struct two_cpu_run *r = arg;

	add_under_mutex(r, TWO_CPU_LOOPS);
	__atomic_store_n(&r->done, 1, __ATOMIC_RELEASE);
}

static bool test_two_cpus(void)
{
	static struct two_cpu_run r;
	int cpu = selftest_other_cpu();
	u64 end;

	if (cpu < 0)
		return selftest_skip("one CPU online");
	mutex_init(&r.m);
	r.counter = 0;
	r.done = 0;
	if (smp_call_function_single(cpu, two_cpus_remote, &r, false))
		return selftest_fail("smp_call_function_single(%d) failed", cpu);
	add_under_mutex(&r, TWO_CPU_LOOPS);
	end = ktime_get_ns() + 10 * NSEC_PER_SEC;
	while (!__atomic_load_n(&r.done, __ATOMIC_ACQUIRE) && ktime_get_ns() < end)
		cpu_relax();
	if (!r.done)
		return selftest_fail("CPU%d did not finish in 10 s", cpu);
	if (r.counter != 2 * TWO_CPU_LOOPS || mutex_is_locked(&r.m))
		return selftest_fail("counter %lu, want %d (lost updates: overlap); locked %d",
				     r.counter, 2 * TWO_CPU_LOOPS, mutex_is_locked(&r.m));
	return true;
}

static const struct selftest_case mutex_cases[] = {
	{ "lock_unlock", test_lock_unlock },
	{ "trylock", test_trylock },
	{ "handoff", test_handoff },
	{ "checker", test_checker },
	{ "two_cpus", test_two_cpus },
};

const struct selftest_suite mutex_selftest_suite = {
	.name = "mutex",
	.cases = mutex_cases,
	.nr_cases = ARRAY_SIZE(mutex_cases),
	.after_smp = true,
};
