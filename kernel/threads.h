/* How many CPUs the kernel can know (Linux: include/linux/threads.h). */
#ifndef _KERNEL_THREADS_H
#define _KERNEL_THREADS_H

#define NR_CPUS	16

#endif
