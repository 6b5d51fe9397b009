/* panic: say why, show where, and stop QEMU with the "panic" exit status. */
#include <kernel/kernel.h>
#include <kernel/kallsyms.h>
#include <kernel/power.h>
#include <arch/x86_64/processor.h>

static bool in_panic;

void panic(const char *fmt, ...)
{
	va_list ap;

	local_irq_disable();
	if (in_panic)
		machine_power_off(POWER_OFF_PANIC);
	in_panic = true;
	printk("Kernel panic - not syncing: ");
	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
	printk("\n");
	/* Start at the caller: its return address, then the frames above it. */
	dump_backtrace(*(unsigned long *)__builtin_frame_address(0),
		       (unsigned long)__builtin_return_address(0));
	printk("---[ end Kernel panic - not syncing ]---\n");
	machine_power_off(POWER_OFF_PANIC);
}
