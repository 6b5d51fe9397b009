#ifndef _ARCH_APIC_H
#define _ARCH_APIC_H
#include <kernel/types.h>
void lapic_init(void);
void lapic_timer_init(void);	/* periodic LOCAL_TIMER_VECTOR interrupts at HZ */
void lapic_eoi(void);
u32 lapic_id(void);

/* IPIs: delivery modes and levels of the ICR's low word (Linux: asm/apicdef.h). */
#define APIC_DM_INIT		0x00500
#define APIC_DM_STARTUP		0x00600
#define APIC_INT_ASSERT		0x04000
#define APIC_INT_LEVELTRIG	0x08000
void apic_ap_setup(void);			/* on an AP: enabled, timer at HZ */
bool apic_wait_icr_idle(unsigned long timeout_us);
void apic_icr_write(u32 low, u32 apicid);
u32 apic_read_esr(void);
void apic_send_IPI(int cpu, int vector);	/* a fixed IPI, vector, to one online CPU */
#endif
