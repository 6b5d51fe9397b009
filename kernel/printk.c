/*
 * printk: lines on the serial console with Linux's timestamp prefix
 * "[    1.234567] ", so a Pagoda boot log reads like dmesg.
 *
 * The kernel and user programs share the one serial line.  When one starts
 * writing while the other has left a line unfinished, a newline goes out
 * first, so a kernel line is never glued to a program's output: every
 * line is all the kernel's (it starts with the timestamp) or all a
 * program's (tests/run-boot.py tells them apart that way).
 */
#include <kernel/kernel.h>
#include <kernel/spinlock.h>
#include <arch/x86_64/serial.h>
#include <arch/x86_64/time.h>

static DEFINE_SPINLOCK(console_lock);
static bool at_line_start = true;
static bool line_is_user;	/* the unfinished line, if any, is a program's */

/* Called with console_lock: end the other writer's unfinished line. */
static void console_take_line(bool user)
{
	if (!at_line_start && line_is_user != user) {
		serial_putc('\n');
		at_line_start = true;
	}
	line_is_user = user;
}

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
	if (n > 0)
		console_take_line(false);
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
	if (n)
		console_take_line(true);
	serial_write(s, n);
	if (n)
		at_line_start = s[n - 1] == '\n';
	spin_unlock(&console_lock);
}
