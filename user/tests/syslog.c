/*
 * syslog: the kernel log through syslog(2), as Linux 6.1's do_syslog
 * (kernel/printk/printk.c) gives it to a reader (the hugetlb_cow test
 * finds "PID N killed due to inadequate hugepage pool" there).
 *
 * - SYSLOG_ACTION_SIZE_BUFFER (10) is the ring's size: positive.
 * - SYSLOG_ACTION_READ_ALL (3) into a buffer of that size returns at most
 *   that many bytes, every line in the syslog format
 *   "<level>[seconds.micros] text\n" (print_syslog, print_time: "<N>",
 *   "[%5lu.%06lu]", a space), and holds the boot's "ACPI: RSDP " line
 *   (both kernels print it).
 * - READ_ALL into a small buffer gives the newest whole lines that fit:
 *   it starts a line ('<') and ends one ('\n'), and is the end of what a
 *   big read returns right after.
 * - SYSLOG_ACTION_SIZE_UNREAD (9) with nothing read by SYSLOG_ACTION_READ:
 *   the length of the whole log as READ_ALL returns it.
 * - Errors: a NULL buffer or a negative length gives EINVAL, length 0
 *   returns 0, an unmapped buffer EFAULT; an unknown action (11, -1)
 *   EINVAL; CONSOLE_LEVEL (8) with a level outside 1..8 EINVAL.
 */
#include "hugetlb.h"

#define SYSLOG_ACTION_CONSOLE_LEVEL	8

static char full[1 << 20], small[256];

/* "<N>[sssss.uuuuuu] " at line: 1 if the prefix has Linux's shape. */
static int line_prefix_ok(const char *line)
{
	const char *p = line, *dot;

	if (*p++ != '<' || *p < '0' || *p > '9')
		return 0;
	while (*p >= '0' && *p <= '9')
		p++;
	if (*p++ != '>' || *p++ != '[')
		return 0;
	dot = strchr(p, '.');
	if (!dot || dot - p < 5 || strncmp(dot + 7, "] ", 2))
		return 0;
	for (const char *q = p; q < dot; q++)
		if (*q != ' ' && (*q < '0' || *q > '9'))
			return 0;
	for (int i = 1; i <= 6; i++)
		if (dot[i] < '0' || dot[i] > '9')
			return 0;
	return 1;
}

/* Every line of the n bytes in buf has the syslog prefix; else the first bad line in a diagnostic. */
static int lines_ok(const char *buf, long n)
{
	int lines = 0;

	for (const char *l = buf; l < buf + n; ) {
		const char *nl = strchr(l, '\n');

		if (!nl || !line_prefix_ok(l)) {
			tap_diag("bad line %d: %.60s", lines, l);
			return 0;
		}
		lines++;
		l = nl + 1;
	}
	return lines > 0;
}

static void test_read_all(void)
{
	long size = sys_syslog(SYSLOG_ACTION_SIZE_BUFFER, NULL, 0), n, m, unread;

	tap_ok(size > 0, "SIZE_BUFFER is positive (%ld)", size);
	if (size > (long)sizeof(full) - 1)
		size = sizeof(full) - 1;
	unread = sys_syslog(SYSLOG_ACTION_SIZE_UNREAD, NULL, 0);
	n = sys_syslog(SYSLOG_ACTION_READ_ALL, full, (int)size);
	tap_ok(n > 0 && n <= size, "READ_ALL returns 1..%ld bytes (%ld)", size, n);
	if (n <= 0)
		return;
	full[n] = 0;
	tap_is_long(full[n - 1], '\n', "the log ends with a whole line");
	tap_ok(lines_ok(full, n), "every line is \"<level>[seconds.micros] text\"");
	tap_ok(strstr(full, "] ACPI: RSDP ") != NULL, "the boot's \"ACPI: RSDP\" line is there");
	if (unread != n)	/* a message in between: once more */
		unread = sys_syslog(SYSLOG_ACTION_SIZE_UNREAD, NULL, 0);
	tap_is_long(unread, n, "SIZE_UNREAD is the whole log's length (nothing read by READ)");

	m = sys_syslog(SYSLOG_ACTION_READ_ALL, small, sizeof(small) - 1);
	tap_ok(m > 0 && m <= (long)sizeof(small) - 1, "READ_ALL into 255 bytes returns 1..255 (%ld)", m);
	if (m <= 0)
		return;
	small[m] = 0;
	tap_ok(small[0] == '<' && small[m - 1] == '\n', "whole lines only");
	n = syslog_read_all(full, sizeof(full));
	tap_ok(n >= m && !memcmp(full + n - m, small, (size_t)m), "the newest lines: the end of the whole log");
}

static void test_errors(void)
{
	long bad = sys_mmap(NULL, PAGE_SIZE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	tap_is_err(sys_syslog(SYSLOG_ACTION_READ_ALL, NULL, 100), EINVAL, "READ_ALL into NULL: EINVAL");
	tap_is_err(sys_syslog(SYSLOG_ACTION_READ_ALL, small, -1), EINVAL, "READ_ALL length -1: EINVAL");
	tap_is_long(sys_syslog(SYSLOG_ACTION_READ_ALL, small, 0), 0, "READ_ALL length 0: 0");
	if (bad > 0) {
		sys_munmap((void *)bad, PAGE_SIZE);
		/* 4 KB: the newest line fits, so there is something to copy (and fault on) */
		tap_is_err(sys_syslog(SYSLOG_ACTION_READ_ALL, (char *)bad, PAGE_SIZE), EFAULT,
			   "READ_ALL into an unmapped page: EFAULT");
	}
	tap_is_err(sys_syslog(11, small, 100), EINVAL, "action 11: EINVAL");
	tap_is_err(sys_syslog(-1, small, 100), EINVAL, "action -1: EINVAL");
	tap_is_err(sys_syslog(SYSLOG_ACTION_CONSOLE_LEVEL, NULL, 0), EINVAL, "CONSOLE_LEVEL 0: EINVAL");
	tap_is_err(sys_syslog(SYSLOG_ACTION_CONSOLE_LEVEL, NULL, 9), EINVAL, "CONSOLE_LEVEL 9: EINVAL");
	tap_is_long(sys_syslog(SYSLOG_ACTION_CLOSE, NULL, 0), 0, "CLOSE: 0");
}

int main(void)
{
	test_read_all();
	test_errors();
	return tap_done();
}
