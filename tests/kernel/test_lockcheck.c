/*
 * Boot-time self-test of the spinlock checker and the irqsave family
 * (kernel/spinlock.h, kernel/spinlock.c), run with selftest=lockcheck (or
 * all) after the LAPIC is set up (interrupts may be turned on) and before
 * init: the other CPUs only idle. Each case provokes what the
 * checker must catch, with lock_bugs_expected set so that the report is
 * counted instead of printed (a printed "BUG: lock" fails make test):
 *
 *   assert_held      lockdep_assert_held is quiet on a lock this CPU holds,
 *                    reports a free one and one "held" by another CPU
 *   recursion        taking a lock this CPU holds is reported (the check
 *                    runs before the spin, which would never end)
 *   bad_unlock       unlocking a free lock, or another CPU's, is reported
 *   order            mm/rmap.c's order: a page-table lock then an anon_vma
 *                    lock is reported, the other way round is not; two
 *                    page-table locks only with spin_lock_nested; a
 *                    trylock is never reported; unranked locks are free
 *   irqsave          spin_lock_irqsave turns interrupts off and
 *                    spin_unlock_irqrestore puts back the state it found;
 *                    spin_lock/unlock and spin_lock_irq/unlock_irq too;
 *                    spin_trylock fails on a held lock
 */
#include <kernel/selftest.h>
#include <kernel/spinlock.h>
#include <kernel/kernel.h>
#include <arch/x86_64/processor.h>

/* Run what must report exactly n times; false (with why) if it did not. */
#define EXPECT_REPORTS(n, what, stmt) ({ \
	int __before = lock_bugs_caught; \
	lock_bugs_expected = (n); \
	stmt; \
	lock_bugs_expected = 0; \
	lock_bugs_caught - __before == (n) ? true : \
		selftest_fail("%s: %d reports, want %d", what, lock_bugs_caught - __before, (n)); })

static bool irqs_on(void) { return local_save_flags() & X86_EFLAGS_IF; }

static bool test_assert_held(void)
{
	DEFINE_SPINLOCK(l);

	spin_lock(&l);
	if (!EXPECT_REPORTS(0, "held here", lockdep_assert_held(&l)))
		goto fail_locked;
	spin_unlock(&l);
	if (!EXPECT_REPORTS(1, "free", lockdep_assert_held(&l)))
		return false;
	/* Another CPU's: locked, owner another number. */
	l.locked = 1;
	l.owner_cpu = smp_processor_id() + 1;
	if (!EXPECT_REPORTS(1, "held by another CPU", lockdep_assert_held(&l)))
		return false;
	l.locked = 0;
	return true;
fail_locked:
	spin_unlock(&l);
	return false;
}

static bool test_recursion(void)
{
	DEFINE_SPINLOCK(l);
	bool ok;

	spin_lock(&l);
	ok = EXPECT_REPORTS(1, "second lock on this CPU", debug_spin_lock_before(&l, 0));
	spin_unlock(&l);
	if (!ok)
		return false;
	return EXPECT_REPORTS(0, "a free lock", debug_spin_lock_before(&l, 0));
}

static bool test_bad_unlock(void)
{
	DEFINE_SPINLOCK(l);

	if (!EXPECT_REPORTS(1, "unlock of a free lock", do_raw_spin_unlock(&l)))
		return false;
	l.locked = 1;
	l.owner_cpu = smp_processor_id() + 1;
	return EXPECT_REPORTS(1, "unlock of another CPU's lock", do_raw_spin_unlock(&l));
}

static bool test_order(void)
{
	DEFINE_SPINLOCK_ORDER(ptl, LOCK_ORDER_PTL);
	DEFINE_SPINLOCK_ORDER(ptl2, LOCK_ORDER_PTL);
	DEFINE_SPINLOCK_ORDER(av, LOCK_ORDER_ANON_VMA);
	DEFINE_SPINLOCK_ORDER(pgdat, LOCK_ORDER_PGDAT);
	DEFINE_SPINLOCK(plain);
	bool ok = true;

	spin_lock(&av);
	ok = ok && EXPECT_REPORTS(0, "anon_vma, page table, pgdat", ({
		spin_lock(&ptl); spin_lock(&pgdat); spin_unlock(&pgdat); spin_unlock(&ptl); }));
	spin_unlock(&av);
	spin_lock(&ptl);
	ok = ok && EXPECT_REPORTS(1, "anon_vma under a page-table lock", ({ spin_lock(&av); spin_unlock(&av); }));
	ok = ok && EXPECT_REPORTS(1, "two page-table locks", ({ spin_lock(&ptl2); spin_unlock(&ptl2); }));
	ok = ok && EXPECT_REPORTS(0, "two page-table locks, nested", ({
		spin_lock_nested(&ptl2, SINGLE_DEPTH_NESTING); spin_unlock(&ptl2); }));
	ok = ok && EXPECT_REPORTS(0, "a trylock of anon_vma", ({ if (spin_trylock(&av)) spin_unlock(&av); }));
	ok = ok && EXPECT_REPORTS(0, "an unranked lock", ({ spin_lock(&plain); spin_unlock(&plain); }));
	spin_unlock(&ptl);
	/* Everything released: the same order check is quiet again. */
	ok = ok && EXPECT_REPORTS(0, "anon_vma alone, after", ({ spin_lock(&av); spin_unlock(&av); }));
	return ok;
}

static bool test_irqsave(void)
{
	DEFINE_SPINLOCK(l);
	unsigned long flags, outer;

	outer = local_irq_save();	/* whatever boot had; both states are tested */
	local_irq_enable();
	spin_lock_irqsave(&l, flags);
	if (irqs_on() || !spin_is_locked_here(&l)) {
		spin_unlock_irqrestore(&l, flags);
		local_irq_restore(outer);
		return selftest_fail("spin_lock_irqsave: interrupts on %d, held here %d", irqs_on(), spin_is_locked_here(&l));
	}
	if (spin_trylock(&l)) {
		local_irq_restore(outer);
		return selftest_fail("spin_trylock took a held lock");
	}
	spin_unlock_irqrestore(&l, flags);
	if (!irqs_on() || spin_is_locked(&l)) {
		local_irq_restore(outer);
		return selftest_fail("spin_unlock_irqrestore: interrupts on %d (want 1), locked %d", irqs_on(), spin_is_locked(&l));
	}
	local_irq_disable();
	spin_lock_irqsave(&l, flags);
	spin_unlock_irqrestore(&l, flags);
	if (irqs_on()) {
		local_irq_restore(outer);
		return selftest_fail("spin_unlock_irqrestore turned interrupts on that were off");
	}
	local_irq_enable();
	spin_lock(&l);
	if (irqs_on()) {
		spin_unlock(&l);
		local_irq_restore(outer);
		return selftest_fail("spin_lock left interrupts on");
	}
	spin_unlock(&l);
	spin_lock_irq(&l);
	if (irqs_on()) {
		spin_unlock_irq(&l);
		local_irq_restore(outer);
		return selftest_fail("spin_lock_irq left interrupts on");
	}
	spin_unlock_irq(&l);
	if (!irqs_on() || !spin_trylock(&l)) {
		local_irq_restore(outer);
		return selftest_fail("after spin_unlock_irq: interrupts on %d, trylock failed", irqs_on());
	}
	spin_unlock(&l);
	local_irq_restore(outer);
	return true;
}

static bool lockcheck_enabled(void)
{
	return CONFIG_DEBUG_SPINLOCK;
}

static bool test_checker_case(bool (*fn)(void))
{
	if (!lockcheck_enabled())
		return selftest_skip("CONFIG_DEBUG_SPINLOCK=0");
	return fn();
}

static bool case_assert_held(void) { return test_checker_case(test_assert_held); }
static bool case_recursion(void) { return test_checker_case(test_recursion); }
static bool case_bad_unlock(void) { return test_checker_case(test_bad_unlock); }
static bool case_order(void) { return test_checker_case(test_order); }

static const struct selftest_case lockcheck_cases[] = {
	{ "assert_held", case_assert_held },
	{ "recursion", case_recursion },
	{ "bad_unlock", case_bad_unlock },
	{ "order", case_order },
	{ "irqsave", test_irqsave },
};

const struct selftest_suite lockcheck_selftest_suite = {
	.name = "lockcheck",
	.cases = lockcheck_cases,
	.nr_cases = ARRAY_SIZE(lockcheck_cases),
	.after_smp = true,
};
