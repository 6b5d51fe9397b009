/*
 * printk: lines on the serial console with Linux's timestamp prefix
 * "[    1.234567] ", so a Pagoda boot log reads like dmesg.
 */
#include <kernel/kernel.h>
#include <kernel/spinlock.h>
#include <arch/x86_64/serial.h>
#include <arch/x86_64/time.h>

static DEFINE_SPINLOCK(console_lock);
static bool at_line_start = true;

static void emit_timestamp(void)
{
	char ts[32];
	u64 ns = ktime_get_ns();
	int n = snprintf(ts, sizeof(ts), "[%5lu.%06lu] ", (unsigned long)(ns / 1000000000),
			 (unsigned long)(ns % 1000000000) / 1000);

	serial_write(ts, n);
}

void vprintk(const char *fmt, va_list ap)
{
	char buf[512];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);

	if (n > (int)sizeof(buf) - 1)
		n = sizeof(buf) - 1;
	spin_lock(&console_lock);
	for (int i = 0; i < n; i++) {
		if (at_line_start)
			emit_timestamp();
		serial_putc(buf[i]);
		at_line_start = buf[i] == '\n';
	}
	spin_unlock(&console_lock);
}

void printk(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
}

/* User writes to the console go out unprefixed, but under the same lock. */
void console_write(const char *s, size_t n)
{
	spin_lock(&console_lock);
	serial_write(s, n);
	if (n)
		at_line_start = s[n - 1] == '\n';
	spin_unlock(&console_lock);
}
