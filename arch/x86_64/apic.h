#ifndef _ARCH_APIC_H
#define _ARCH_APIC_H
#include <kernel/types.h>
void lapic_init(void);
void lapic_timer_init(void);	/* periodic LOCAL_TIMER_VECTOR interrupts at HZ */
void lapic_eoi(void);
u32 lapic_id(void);
#endif
