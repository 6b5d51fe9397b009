/*
 * The local APIC: the per-CPU interrupt controller and its timer. The
 * timer is calibrated against the PIT and then runs periodically at HZ;
 * each tick drives the round-robin scheduler. The legacy 8259 PICs are
 * masked: Pagoda takes no device interrupts (the serial port is polled).
 *
 * xAPIC mode, through the MMIO page (every CPU sees its own APIC at the
 * same address). The interrupt command register (ICR) sends the INIT and
 * STARTUP IPIs that wake the other CPUs (arch/x86_64/smpboot.c).
 */
#include <arch/x86_64/apic.h>
#include <arch/x86_64/processor.h>
#include <arch/x86_64/pgtable.h>
#include <arch/x86_64/traps.h>
#include <arch/x86_64/time.h>
#include <arch/x86_64/percpu.h>
#include <kernel/kernel.h>

#define APIC_ID		0x020
#define APIC_TASKPRI	0x080
#define APIC_EOI	0x0b0
#define APIC_SVR	0x0f0
#define APIC_ESR	0x280
#define APIC_ICR	0x300
#define APIC_ICR2	0x310	/* bits 24..31: the destination APIC id */
#define APIC_LVT_TIMER	0x320
#define APIC_TMICT	0x380
#define APIC_TMCCT	0x390
#define APIC_TDCR	0x3e0
#define APIC_LVT_PERIODIC (1 << 17)
#define APIC_LVT_MASKED	(1 << 16)

static volatile u32 *lapic_base;
static u32 lapic_ticks_per_jiffy;

#define APIC_ICR_BUSY	(1 << 12)	/* delivery status: send pending */

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

/*
 * A secondary CPU's local APIC (Linux: apic_ap_setup -> setup_local_APIC):
 * software-enabled with the spurious vector, all priorities accepted, and
 * the timer periodic at HZ with the boot CPU's calibration (QEMU gives
 * every LAPIC the same bus clock): scheduler_tick on this CPU's queue.
 */
void apic_ap_setup(void)
{
	wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | (1 << 11));
	lapic_write(APIC_TASKPRI, 0);
	lapic_write(APIC_SVR, 0x100 | SPURIOUS_APIC_VECTOR);
	lapic_write(APIC_ESR, 0);
	lapic_write(APIC_ESR, 0);
	lapic_write(APIC_TDCR, 0x3);		/* divide by 16, as lapic_timer_init */
	lapic_write(APIC_LVT_TIMER, LOCAL_TIMER_VECTOR | APIC_LVT_PERIODIC);
	lapic_write(APIC_TMICT, lapic_ticks_per_jiffy);
}

/* Wait for the previous IPI to leave; false after timeout_us (Linux: safe_apic_wait_icr_idle). */
bool apic_wait_icr_idle(unsigned long timeout_us)
{
	u64 end = ktime_get_ns() + timeout_us * 1000;

	while (lapic_read(APIC_ICR) & APIC_ICR_BUSY) {
		if (ktime_get_ns() > end)
			return false;
		cpu_relax();
	}
	return true;
}

/* Send the IPI described by low (vector, delivery mode, level) to apicid (Linux: apic_icr_write). */
void apic_icr_write(u32 low, u32 apicid)
{
	lapic_write(APIC_ICR2, apicid << 24);
	lapic_write(APIC_ICR, low);	/* writing the low word sends it */
}

/*
 * A fixed IPI with vector to one CPU, by its APIC id (Linux:
 * __default_send_IPI_dest_field). Interrupts off on this CPU so that
 * nothing here writes the ICR between the two halves.
 */
void apic_send_IPI(int cpu, int vector)
{
	unsigned long flags = local_irq_save();

	if (!apic_wait_icr_idle(1000))
		printk("APIC: ICR busy before the IPI 0x%x to CPU%d\n", vector, cpu);
	apic_icr_write(vector, cpu_info[cpu].apic_id);	/* fixed delivery, physical destination */
	local_irq_restore(flags);
}

/* The error status, refreshed by a write first, as the SDM asks. */
u32 apic_read_esr(void)
{
	lapic_write(APIC_ESR, 0);
	return lapic_read(APIC_ESR) & 0xef;
}
