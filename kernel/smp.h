/*
 * CPUs as the rest of the kernel sees them (Linux: include/linux/smp.h):
 * which one runs this code, and (kernel/threads.h) how many there can be.
 * The number lives in the architecture's per-CPU data, reached through GS
 * (arch/x86_64/percpu.h); mm/ and fs/ include this header, not that one.
 */
#ifndef _KERNEL_SMP_H
#define _KERNEL_SMP_H

#include <kernel/threads.h>		/* NR_CPUS */
#include <arch/x86_64/percpu.h>	/* smp_processor_id() */

#endif
