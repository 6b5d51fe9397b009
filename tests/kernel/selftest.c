/*
 * The self-test runner: walks selftest_suites[], and in each suite its
 * table of cases, and prints TAP on the console (see kernel/selftest.h).
 * Runs single-threaded at boot, before the scheduler: no lock is needed
 * for the state below.
 *
 * To add a suite: a file tests/kernel/test_NAME.c with a static table of
 * struct selftest_case, one const struct selftest_suite exported, declared
 * in kernel/selftest.h and listed here.
 */
#include <kernel/selftest.h>
#include <lib/string.h>

static const struct selftest_suite *const selftest_suites[] = {
	&buddy_selftest_suite,
	&kpageflags_selftest_suite,
	&lockcheck_selftest_suite,
	&smp_selftest_suite,
	&mutex_selftest_suite,
	&rwsem_selftest_suite,
};

/* The case being run: why it failed or was skipped. */
static char why[256];
static bool skipped;
static int nr_selected;		/* cases that which named, over all suites */

bool selftest_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return false;
}

bool selftest_skip(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	skipped = true;
	return true;
}

/* Run one case as test number nr; returns true if it passed or skipped. */
static bool selftest_run_case(const struct selftest_suite *suite, const struct selftest_case *c, int nr)
{
	bool ok;

	why[0] = '\0';
	skipped = false;
	ok = c->fn();
	if (!ok)
		printk("not ok %d - selftest/%s/%s # %s\n", nr, suite->name, c->name, why);
	else if (skipped)
		printk("ok %d - selftest/%s/%s # SKIP %s\n", nr, suite->name, c->name, why);
	else
		printk("ok %d - selftest/%s/%s\n", nr, suite->name, c->name);
	return ok;
}

/* which is "all", the suite's name, or "suite/case": does it select this case? */
static bool selftest_selected(const char *which, const struct selftest_suite *suite, const struct selftest_case *c)
{
	size_t len = strlen(suite->name);

	if (!strcmp(which, "all") || !strcmp(which, suite->name))
		return true;
	return !strncmp(which, suite->name, len) && which[len] == '/' && !strcmp(which + len + 1, c->name);
}

/*
 * Each suite numbers its cases from 1 and ends with its own summary line.
 * A suite of the other phase (after_smp != late) is only counted as selected.
 */
static int selftest_run_suite(const struct selftest_suite *suite, const char *which, bool late)
{
	int nr = 0, nr_failed = 0;

	for (size_t i = 0; i < suite->nr_cases; i++) {
		const struct selftest_case *c = &suite->cases[i];

		if (!selftest_selected(which, suite, c))
			continue;
		if (suite->after_smp != late) {
			nr_selected++;
			continue;
		}
		if (!nr && suite->banner)
			suite->banner();
		nr_selected++;
		if (!selftest_run_case(suite, c, ++nr))
			nr_failed++;
	}
	if (nr)
		printk("# selftest/%s: %d passed, %d failed\n", suite->name, nr - nr_failed, nr_failed);
	return nr_failed;
}

static int selftest_run_phase(const char *which, bool late)
{
	int nr_failed = 0;

	nr_selected = 0;
	for (size_t i = 0; i < ARRAY_SIZE(selftest_suites); i++)
		nr_failed += selftest_run_suite(selftest_suites[i], which, late);
	if (!nr_selected && !late)
		printk("# selftest=%s: no such suite or case\n", which);
	return nr_failed;
}

int selftest_run(const char *which)
{
	return selftest_run_phase(which, false);
}

int selftest_run_late(const char *which)
{
	return selftest_run_phase(which, true);
}
