#ifndef _KERNEL_POWER_H
#define _KERNEL_POWER_H
#include <kernel/kernel.h>
/* Values written to QEMU's isa-debug-exit port: QEMU exits with (v << 1) | 1. */
#define POWER_OFF_CLEAN	0x10	/* QEMU exit status 33 */
#define POWER_OFF_PANIC	0x11	/* QEMU exit status 35 */
__noreturn void machine_power_off(int how);
void console_write(const char *s, size_t n);
#endif
