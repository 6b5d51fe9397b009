/*
 * The clock as the rest of the kernel sees it (Linux:
 * include/linux/timekeeping.h). The architecture provides it
 * (arch/x86_64/time.c: the TSC, calibrated at boot); mm/ includes this
 * header, not arch/x86_64/time.h.
 */
#ifndef _KERNEL_TIMEKEEPING_H
#define _KERNEL_TIMEKEEPING_H

#include <kernel/types.h>

/* Monotonic nanoseconds since boot (TSC based); 0 before calibration. */
u64 ktime_get_ns(void);

#endif
