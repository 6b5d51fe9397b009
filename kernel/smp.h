/*
 * CPUs as the rest of the kernel sees them (Linux: include/linux/threads.h
 * and smp.h): how many there can be, and which one runs this code. The
 * number lives in the architecture's per-CPU data, reached through GS
 * (arch/x86_64/percpu.h); mm/ and fs/ include this header, not that one.
 */
#ifndef _KERNEL_SMP_H
#define _KERNEL_SMP_H

#define NR_CPUS	8

#include <arch/x86_64/percpu.h>	/* smp_processor_id() */

#endif
