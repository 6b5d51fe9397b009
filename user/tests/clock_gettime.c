/*
 * clock_gettime: CLOCK_MONOTONIC is a valid timespec, never goes back
 * over many calls, and advances; an unknown clock id gives EINVAL and a
 * bad pointer EFAULT.  Always the real syscall, never a vDSO.
 */
#include "tap.h"

int main(void)
{
	struct timespec a, b;
	long prev, now, back = 0, r;
	unsigned long spins = 0;

	r = sys_clock_gettime(CLOCK_MONOTONIC, &a);
	tap_is_long(r, 0, "clock_gettime(CLOCK_MONOTONIC) returns 0");
	tap_ok(a.tv_sec >= 0 && a.tv_nsec >= 0 && a.tv_nsec < 1000000000L,
	       "a valid timespec (%ld.%09ld)", a.tv_sec, a.tv_nsec);

	prev = now_ns();
	for (int i = 0; i < 1000; i++) {
		now = now_ns();
		if (now < prev)
			back++;
		prev = now;
	}
	tap_is_long(back, 0, "1000 readings never go backwards");

	r = sys_clock_gettime(CLOCK_MONOTONIC, &a);
	do {
		r |= sys_clock_gettime(CLOCK_MONOTONIC, &b);
	} while (!r && b.tv_sec == a.tv_sec && b.tv_nsec == a.tv_nsec && ++spins < 100000000UL);
	tap_is_long(r, 0, "every clock_gettime while waiting returns 0");
	tap_ok(b.tv_sec > a.tv_sec || (b.tv_sec == a.tv_sec && b.tv_nsec > a.tv_nsec),
	       "the clock advances (%ld.%09ld -> %ld.%09ld)", a.tv_sec, a.tv_nsec, b.tv_sec, b.tv_nsec);

	tap_is_err(sys_clock_gettime(100, &a), EINVAL, "clock id 100 gives EINVAL");
	tap_is_err(sys_clock_gettime(CLOCK_MONOTONIC, (void *)0x10), EFAULT, "pointer 0x10 gives EFAULT");
	tap_is_err(sys_clock_gettime(CLOCK_MONOTONIC, (void *)0xffffffff80000000UL), EFAULT,
		   "a kernel pointer gives EFAULT");
	return tap_done();
}
