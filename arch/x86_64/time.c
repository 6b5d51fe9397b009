/*
 * The clock: the TSC, calibrated once against the PIT (channel 2, 10 ms).
 * ktime_get_ns() counts from the calibration point near the start of boot,
 * so CLOCK_MONOTONIC reads as "time since boot", as on Linux.
 */
#include <arch/x86_64/time.h>
#include <arch/x86_64/processor.h>
#include <kernel/kernel.h>

u64 tsc_khz;
volatile u64 jiffies;
static u64 tsc_at_boot;

#define PIT_HZ 1193182
#define CALIBRATE_MS 10

/* Busy-wait CALIBRATE_MS on PIT channel 2 (gate through port 0x61). */
void pit_wait_calibration_period(void)
{
	u16 count = PIT_HZ / (1000 / CALIBRATE_MS);
	u8 gate = inb(0x61);

	outb(0x61, (gate & ~0x02) | 0x01);	/* speaker off, gate on */
	outb(0x43, 0xb0);			/* channel 2, lobyte/hibyte, mode 0 */
	outb(0x42, count & 0xff);
	outb(0x42, count >> 8);
	/* Restart the count: the gate's rising edge loads it. */
	gate = inb(0x61);
	outb(0x61, gate & ~0x01);
	outb(0x61, gate | 0x01);
	while (!(inb(0x61) & 0x20))
		cpu_relax();
}

void tsc_calibrate(void)
{
	u64 t0 = rdtsc();

	pit_wait_calibration_period();
	tsc_khz = (rdtsc() - t0) / CALIBRATE_MS;
	tsc_at_boot = t0;
	printk("tsc: calibrated against the PIT: %lu.%03lu MHz\n",
	       (unsigned long)(tsc_khz / 1000), (unsigned long)(tsc_khz % 1000));
}

u64 ktime_get_ns(void)
{
	u64 delta;

	if (!tsc_khz)
		return 0;
	delta = rdtsc() - tsc_at_boot;
	/* delta * 1e6 / khz without overflowing for ~5 hours at 4 GHz. */
	return (delta / tsc_khz) * 1000000 + (delta % tsc_khz) * 1000000 / tsc_khz;
}

/*
 * Busy-wait at least us microseconds by the TSC clock (Linux: udelay),
 * whatever the CPU's speed: the SMP bring-up's delays are real time.
 */
void udelay(unsigned long us)
{
	u64 end = ktime_get_ns() + (u64)us * 1000;

	while (ktime_get_ns() < end)
		cpu_relax();
}
