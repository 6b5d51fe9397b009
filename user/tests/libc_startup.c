/*
 * What C libraries ask the kernel for at startup (glibc's static start does
 * all of these): set_robust_list, getrandom, getrlimit/prlimit64.
 */
#include "mmtest.h"

#define NR_GETRLIMIT	97
#define NR_SET_ROBUST	273
#define NR_PRLIMIT64	302
#define NR_GETRANDOM	318
#define RLIMIT_STACK	3

int main(void)
{
	unsigned long lim[2] = { 0, 0 }, lim2[2] = { 1, 1 };
	unsigned char buf[64] = { 0 };
	long head[3] = { 0, 0, 0 };
	int nonzero = 0;

	tap_is_long(syscall2(NR_SET_ROBUST, head, 24), 0, "set_robust_list with the right size");
	tap_is_long(syscall2(NR_SET_ROBUST, head, 16), -EINVAL, "set_robust_list with a wrong size: EINVAL");

	tap_is_long(syscall3(NR_GETRANDOM, buf, sizeof(buf), 0), sizeof(buf), "getrandom fills 64 bytes");
	for (size_t i = 0; i < sizeof(buf); i++)
		nonzero += buf[i] != 0;
	tap_ok(nonzero > 32, "the bytes look random (%d of 64 non-zero)", nonzero);
	tap_is_long(syscall3(NR_GETRANDOM, buf, 8, 0x100), -EINVAL, "getrandom with an unknown flag: EINVAL");
	tap_is_long(syscall3(NR_GETRANDOM, (void *)0x10, 8, 0), -EFAULT, "getrandom into a bad pointer: EFAULT");

	tap_is_long(syscall2(NR_GETRLIMIT, RLIMIT_STACK, lim), 0, "getrlimit(RLIMIT_STACK)");
	tap_ok(lim[0] >= (1UL << 20) && lim[0] <= lim[1], "a stack limit of at least 1 MB (%lu)", lim[0]);
	tap_is_long(syscall4(NR_PRLIMIT64, 0, RLIMIT_STACK, NULL, lim2), 0, "prlimit64 reads the same limit");
	tap_ok(lim2[0] == lim[0] && lim2[1] == lim[1], "prlimit64 and getrlimit agree");
	tap_is_long(syscall2(NR_GETRLIMIT, 999, lim), -EINVAL, "getrlimit of resource 999: EINVAL");
	tap_is_long(syscall4(NR_PRLIMIT64, 0x3fffffff, RLIMIT_STACK, NULL, lim), -ESRCH, "prlimit64 of no process: ESRCH");
	return tap_done();
}
