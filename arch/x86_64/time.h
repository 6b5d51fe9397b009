#ifndef _ARCH_TIME_H
#define _ARCH_TIME_H
#include <kernel/types.h>
#include <kernel/timekeeping.h>	/* ktime_get_ns() */
#define HZ 100
#define NSEC_PER_SEC 1000000000UL
extern u64 tsc_khz;
extern volatile u64 jiffies;
void tsc_calibrate(void);
void udelay(unsigned long us);	/* busy-wait by the clock */
#endif
