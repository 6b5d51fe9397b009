/* Bringing up the secondary CPUs (arch/x86_64/smpboot.c). */
#ifndef _ARCH_SMPBOOT_H
#define _ARCH_SMPBOOT_H

void reserve_real_mode(void);		/* setup: keep the trampoline's page from the allocators */
void prefill_possible_map(void);	/* setup, after the MADT: possible/present, nosmp, maxcpus= */
void announce_cpu_end(void);		/* after the last __cpu_up: end the open log line */
__attribute__((noreturn)) void start_secondary(void);	/* an AP's first C code */

#endif
