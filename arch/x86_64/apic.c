/*
 * The local APIC: the per-CPU interrupt controller and its timer. The
 * timer is calibrated against the PIT and then runs periodically at HZ;
 * each tick drives the round-robin scheduler. The legacy 8259 PICs are
 * masked: Pagoda takes no device interrupts (the serial port is polled).
 */
#include <arch/x86_64/apic.h>
#include <arch/x86_64/processor.h>
#include <arch/x86_64/pgtable.h>
#include <arch/x86_64/traps.h>
#include <arch/x86_64/time.h>
#include <kernel/kernel.h>

#define APIC_ID		0x020
#define APIC_EOI	0x0b0
#define APIC_SVR	0x0f0
#define APIC_LVT_TIMER	0x320
#define APIC_TMICT	0x380
#define APIC_TMCCT	0x390
#define APIC_TDCR	0x3e0
#define APIC_LVT_PERIODIC (1 << 17)
#define APIC_LVT_MASKED	(1 << 16)

static volatile u32 *lapic_base;
static u32 lapic_ticks_per_jiffy;

static u32 lapic_read(u32 reg) { return lapic_base[reg / 4]; }
static void lapic_write(u32 reg, u32 v) { lapic_base[reg / 4] = v; }

static void pic_mask_all(void)
{
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
}

void lapic_init(void)
{
	u64 base = rdmsr(MSR_APIC_BASE);

	pic_mask_all();
	wrmsr(MSR_APIC_BASE, base | (1 << 11));	/* global enable */
	lapic_base = __va(base & 0xfffff000);	/* the direct map covers 0..4 GB, uncached above 3 GB */
	lapic_write(APIC_SVR, 0x100 | SPURIOUS_APIC_VECTOR);
	printk("APIC: local APIC id %u at %lx\n", lapic_id(), (unsigned long)(base & 0xfffff000));
}

u32 lapic_id(void)
{
	return lapic_read(APIC_ID) >> 24;
}

void lapic_eoi(void)
{
	lapic_write(APIC_EOI, 0);
}

extern void pit_wait_calibration_period(void);

void lapic_timer_init(void)
{
	u32 elapsed;

	lapic_write(APIC_TDCR, 0x3);		/* divide by 16 */
	lapic_write(APIC_LVT_TIMER, APIC_LVT_MASKED);
	lapic_write(APIC_TMICT, 0xffffffff);
	pit_wait_calibration_period();		/* 10 ms */
	elapsed = 0xffffffff - lapic_read(APIC_TMCCT);
	lapic_ticks_per_jiffy = elapsed * (1000 / HZ) / 10;
	lapic_write(APIC_LVT_TIMER, LOCAL_TIMER_VECTOR | APIC_LVT_PERIODIC);
	lapic_write(APIC_TMICT, lapic_ticks_per_jiffy);
	printk("APIC: timer %u ticks per jiffy (HZ=%d)\n", lapic_ticks_per_jiffy, HZ);
}
