#ifndef _ARCH_TIME_H
#define _ARCH_TIME_H
#include <kernel/types.h>
#define HZ 100
#define NSEC_PER_SEC 1000000000UL
extern u64 tsc_khz;
extern volatile u64 jiffies;
/* Monotonic nanoseconds since boot (TSC based); 0 before calibration. */
u64 ktime_get_ns(void);
void tsc_calibrate(void);
#endif
