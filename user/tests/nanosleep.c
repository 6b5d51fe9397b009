/*
 * nanosleep: sleeping 10 ms and 100 ms lets at least that much
 * CLOCK_MONOTONIC time pass; a zero sleep returns at once; a negative
 * or too large tv_nsec or a negative tv_sec gives EINVAL; a bad pointer
 * EFAULT.
 */
#include "tap.h"

static long slept_ns(long ns)
{
	struct timespec req = { ns / 1000000000L, ns % 1000000000L }, rem;
	long t0 = now_ns(), r;

	r = sys_nanosleep(&req, &rem);
	if (r != 0)
		tap_diag("nanosleep returned %ld", r);
	return now_ns() - t0;
}

int main(void)
{
	struct timespec ts;
	long d;

	d = slept_ns(10 * 1000 * 1000);
	tap_ok(d >= 10 * 1000 * 1000, "sleep 10 ms: %ld ns passed", d);
	d = slept_ns(100 * 1000 * 1000);
	tap_ok(d >= 100 * 1000 * 1000 && d < 10 * 1000000000L, "sleep 100 ms: %ld ns passed", d);

	ts = (struct timespec){ 0, 0 };
	tap_is_long(sys_nanosleep(&ts, NULL), 0, "a zero sleep returns 0");
	ts = (struct timespec){ 0, -1 };
	tap_is_err(sys_nanosleep(&ts, NULL), EINVAL, "tv_nsec -1 gives EINVAL");
	ts = (struct timespec){ 0, 1000000000L };
	tap_is_err(sys_nanosleep(&ts, NULL), EINVAL, "tv_nsec 10^9 gives EINVAL");
	ts = (struct timespec){ -1, 0 };
	tap_is_err(sys_nanosleep(&ts, NULL), EINVAL, "tv_sec -1 gives EINVAL");
	tap_is_err(sys_nanosleep((void *)0x10, NULL), EFAULT, "request pointer 0x10 gives EFAULT");
	return tap_done();
}
