/*
 * printk: lines on the serial console with Linux's timestamp prefix
 * "[    1.234567] ", so a Pagoda boot log reads like dmesg, and the same
 * lines in the kernel log that syslog(2) reads.
 *
 * The kernel and user programs share the one serial line.  When one starts
 * writing while the other has left a line unfinished, a newline goes out
 * first, so a kernel line is never glued to a program's output: every
 * line is all the kernel's (it starts with the timestamp) or all a
 * program's (tests/run-boot.py tells them apart that way).
 *
 * The kernel log (Linux: kernel/printk/printk.c's ring buffer and
 * do_syslog) is a byte ring of formatted lines, each as syslog(2) returns
 * it: "<level>[seconds.micros] text\n".  Positions are absolute byte counts
 * since boot, so a reader that drops the lock between chunks can tell what
 * was overwritten meanwhile:
 *
 *   log_first          log_clear   syslog_next     log_done     log_next
 *      |  oldest line ... |  ...       |   ...         | partial  |
 *      `--------------- log_buf[pos % LOG_BUF_LEN] ---------------'
 *
 *   log_first    the oldest byte kept (a line start); older lines were
 *                overwritten by newer ones
 *   log_done     the end of the last complete line: readers stop there
 *   log_next     where the next byte goes (a printk without "\n" leaves a
 *                partial line, which the next printk continues)
 *   log_clear    SYSLOG_ACTION_CLEAR: READ_ALL starts here
 *   syslog_next  SYSLOG_ACTION_READ's cursor; SIZE_UNREAD counts from it
 *
 * Lock: console_lock (a spinlock, interrupts off) guards the console line
 * state and every log_* field.  syslog(2) copies to user memory without
 * it, through a small bounce buffer, chunk by chunk.
 *
 * Levels: KERN_ERR/KERN_WARNING/KERN_INFO ("\001" + digit, as Linux's
 * KERN_SOH) at the start of a printk set the line's level and are not
 * printed; pr_err and pr_warn use them.  A printk without one is level 6
 * (KERN_INFO), as pr_info (Linux's default_message_loglevel is 4, but
 * Pagoda's bare printk calls are its informational boot lines).
 */
#include <kernel/kernel.h>
#include <kernel/errno.h>
#include <kernel/spinlock.h>
#include <kernel/syscalls.h>
#include <arch/x86_64/serial.h>
#include <arch/x86_64/time.h>
#include <arch/x86_64/uaccess.h>

#define LOG_BUF_LEN	(1 << 17)	/* Linux's default CONFIG_LOG_BUF_SHIFT, 17 */
#define LOGLEVEL_DEFAULT 6		/* KERN_INFO */

static DEFINE_SPINLOCK(console_lock);
static bool at_line_start = true;
static bool line_is_user;	/* the unfinished line, if any, is a program's */

static char log_buf[LOG_BUF_LEN];
static u64 log_first, log_done, log_next, log_clear, syslog_next;
static bool log_at_line_start = true;

/* Called with console_lock: end the other writer's unfinished line. */
static void console_take_line(bool user)
{
	if (!at_line_start && line_is_user != user) {
		serial_putc('\n');
		at_line_start = true;
	}
	line_is_user = user;
}

/* "[    1.234567]" for ns, Linux's print_time. */
static int format_time(char *buf, size_t size, u64 ns)
{
	return snprintf(buf, size, "[%5lu.%06lu]", (unsigned long)(ns / 1000000000),
			(unsigned long)(ns % 1000000000) / 1000);
}

static void emit_timestamp(u64 ns)
{
	char ts[32];
	int n = format_time(ts, sizeof(ts), ns);

	serial_write(ts, n);
	serial_putc(' ');
}

/* The byte at absolute position pos; called with console_lock. */
static char log_byte(u64 pos)
{
	return log_buf[pos % LOG_BUF_LEN];
}

/* Drop the oldest line to make room; called with console_lock. */
static void log_drop_oldest(void)
{
	u64 pos = log_first;

	while (pos < log_done && log_byte(pos) != '\n')
		pos++;
	log_first = pos < log_done ? pos + 1 : log_first + 1;	/* a line longer than the ring: one byte */
	if (log_clear < log_first)
		log_clear = log_first;
	if (syslog_next < log_first)
		syslog_next = log_first;
}

/* Append one byte to the kernel log; called with console_lock. */
static void log_putc(char c)
{
	if (log_next - log_first == LOG_BUF_LEN)
		log_drop_oldest();
	log_buf[log_next % LOG_BUF_LEN] = c;
	log_next++;
	if (c == '\n')
		log_done = log_next;
}

/* The "<6>[    1.234567] " prefix of a new log line; called with console_lock. */
static void log_line_start(int level, u64 ns)
{
	char prefix[40];
	int n = snprintf(prefix, sizeof(prefix), "<%d>", level);

	n += format_time(prefix + n, sizeof(prefix) - n, ns);
	prefix[n++] = ' ';
	for (int i = 0; i < n; i++)
		log_putc(prefix[i]);
}

/* The level of a KERN_* prefix ("\001" and a digit) at the start of buf, or -1. */
static int printk_get_level(const char *buf, int n)
{
	if (n >= 2 && buf[0] == KERN_SOH[0] && buf[1] >= '0' && buf[1] <= '7')
		return buf[1] - '0';
	return -1;
}

void vprintk(const char *fmt, va_list ap)
{
	char buf[512];
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	int level = LOGLEVEL_DEFAULT, skip = 0;
	u64 ns = ktime_get_ns();

	if (n > (int)sizeof(buf) - 1)
		n = sizeof(buf) - 1;
	if (printk_get_level(buf, n) >= 0) {
		level = printk_get_level(buf, n);
		skip = 2;
	}
	spin_lock(&console_lock);
	if (n > skip)
		console_take_line(false);
	for (int i = skip; i < n; i++) {
		if (at_line_start)
			emit_timestamp(ns);
		if (log_at_line_start)
			log_line_start(level, ns);
		serial_putc(buf[i]);
		log_putc(buf[i]);
		at_line_start = buf[i] == '\n';
		log_at_line_start = buf[i] == '\n';
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

/*
 * Linux's ___ratelimit: at most rs->burst calls pass in each rs->interval
 * (printk_ratelimited: 10 per 5 s, DEFAULT_RATELIMIT_*).  Returns 1 if
 * this one may print.  No lock: a race costs a line more or less.
 */
int __ratelimit(struct ratelimit_state *rs)
{
	u64 now = ktime_get_ns();

	if (!rs->begin || now - rs->begin >= rs->interval_ns) {
		rs->begin = now;
		rs->printed = 0;
	}
	if (rs->printed >= rs->burst)
		return 0;
	rs->printed++;
	return 1;
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

/* ---- syslog(2) ---- */

/* include/linux/syslog.h */
enum {
	SYSLOG_ACTION_CLOSE, SYSLOG_ACTION_OPEN, SYSLOG_ACTION_READ, SYSLOG_ACTION_READ_ALL,
	SYSLOG_ACTION_READ_CLEAR, SYSLOG_ACTION_CLEAR, SYSLOG_ACTION_CONSOLE_OFF,
	SYSLOG_ACTION_CONSOLE_ON, SYSLOG_ACTION_CONSOLE_LEVEL, SYSLOG_ACTION_SIZE_UNREAD,
	SYSLOG_ACTION_SIZE_BUFFER,
};

/*
 * The start of the oldest whole lines from from that fit, up to log_done,
 * in len bytes (Linux's find_first_fitting_seq); called with console_lock.
 */
static u64 log_first_fitting(u64 from, u64 len)
{
	u64 pos = from < log_first ? log_first : from;

	while (pos < log_done && log_done - pos > len) {
		while (pos < log_done && log_byte(pos) != '\n')
			pos++;
		pos++;
	}
	return pos;
}

/*
 * Copy the log's bytes [pos, end) to ubuf in chunks, taking console_lock
 * only to copy each chunk out of the ring.  Returns the bytes copied, or
 * -EFAULT if user memory faulted (Linux's syslog_print_all does the same).
 */
static long log_copy_to_user(char *ubuf, u64 pos, u64 end)
{
	char chunk[256];
	long done = 0;

	while (pos < end) {
		size_t n;

		spin_lock(&console_lock);
		if (pos < log_first)		/* overwritten meanwhile: skip what is gone */
			pos = min(log_first, end);
		n = min(end - pos, (u64)sizeof(chunk));
		for (size_t i = 0; i < n; i++)
			chunk[i] = log_byte(pos + i);
		spin_unlock(&console_lock);
		if (copy_to_user(ubuf + done, chunk, n))
			return -EFAULT;
		done += n;
		pos += n;
	}
	return done;
}

/* READ_ALL and READ_CLEAR: the newest whole lines since the last clear that fit in len. */
static long syslog_print_all(char *ubuf, int len, bool clear)
{
	u64 start, end;
	long ret;

	spin_lock(&console_lock);
	end = log_done;
	start = log_first_fitting(log_clear, (u64)len);
	spin_unlock(&console_lock);
	ret = log_copy_to_user(ubuf, start, end);
	if (clear) {
		spin_lock(&console_lock);
		if (log_clear < end)
			log_clear = end;
		spin_unlock(&console_lock);
	}
	return ret;
}

/*
 * READ: the unread lines from syslog_next, whole lines that fit in len (or
 * the first part of one line that alone does not fit), consumed.  Unlike
 * Linux, which waits for a message when there is none, this returns 0.
 */
static long syslog_print(char *ubuf, int len)
{
	u64 start, end, pos;
	long ret;

	spin_lock(&console_lock);
	start = max(syslog_next, log_first);
	if (start > log_done)		/* a partial line longer than the ring */
		start = log_done;
	end = start;
	for (pos = start; pos < log_done && pos - start < (u64)len; pos++)
		if (log_byte(pos) == '\n' && pos + 1 - start <= (u64)len)
			end = pos + 1;
	if (end == start)
		end = min(start + (u64)len, log_done);
	syslog_next = end;
	spin_unlock(&console_lock);
	ret = log_copy_to_user(ubuf, start, end);
	return ret;
}

/* SIZE_UNREAD: the bytes READ would still return. */
static long syslog_size_unread(void)
{
	u64 from;
	long n;

	spin_lock(&console_lock);
	from = max(syslog_next, log_first);
	n = from < log_done ? (long)(log_done - from) : 0;
	spin_unlock(&console_lock);
	return n;
}

/*
 * syslog(2), as Linux 6.1's do_syslog from SYSLOG_FROM_READER.  Every task
 * is root, so no permission check.  The console-level actions succeed and
 * change nothing: Pagoda prints every level on the console.
 */
long sys_syslog(int type, char *ubuf, int len)
{
	switch (type) {
	case SYSLOG_ACTION_CLOSE:
	case SYSLOG_ACTION_OPEN:
	case SYSLOG_ACTION_CONSOLE_OFF:
	case SYSLOG_ACTION_CONSOLE_ON:
		return 0;
	case SYSLOG_ACTION_READ:
	case SYSLOG_ACTION_READ_ALL:
	case SYSLOG_ACTION_READ_CLEAR:
		if (!ubuf || len < 0)
			return -EINVAL;
		if (!len)
			return 0;
		if (!access_ok((unsigned long)ubuf, (unsigned long)len))
			return -EFAULT;
		if (type == SYSLOG_ACTION_READ)
			return syslog_print(ubuf, len);
		return syslog_print_all(ubuf, len, type == SYSLOG_ACTION_READ_CLEAR);
	case SYSLOG_ACTION_CLEAR:
		spin_lock(&console_lock);
		log_clear = log_done;
		spin_unlock(&console_lock);
		return 0;
	case SYSLOG_ACTION_CONSOLE_LEVEL:
		return len < 1 || len > 8 ? -EINVAL : 0;
	case SYSLOG_ACTION_SIZE_UNREAD:
		return syslog_size_unread();
	case SYSLOG_ACTION_SIZE_BUFFER:
		return LOG_BUF_LEN;
	default:
		return -EINVAL;
	}
}
