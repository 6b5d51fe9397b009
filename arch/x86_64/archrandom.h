/* RDRAND, the CPU's random-number instruction (Linux: arch/x86/include/asm/archrandom.h). */
#ifndef _ARCH_ARCHRANDOM_H
#define _ARCH_ARCHRANDOM_H

#include <kernel/types.h>

extern bool cpu_has_rdrand;

/* A random word in *v: true, or false if the CPU has no RDRAND or it ran dry this time. */
static inline bool rdrand_long(unsigned long *v)
{
	bool ok;

	if (!cpu_has_rdrand)
		return false;
	__asm__ __volatile__("rdrand %0; setc %1" : "=r"(*v), "=qm"(ok));
	return ok;
}

#endif
