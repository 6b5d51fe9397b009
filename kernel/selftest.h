/* Kernel self-tests, run at boot with selftest=all|buddy on the command line (tests/kernel/). */
#ifndef _KERNEL_SELFTEST_H
#define _KERNEL_SELFTEST_H
void buddy_selftest(void);
#endif
