/*
 * tap.c - the checks behind tap.h.  Every line starts with "#" (see tap.h
 * for why).  Counters are plain globals: a forked child that calls tap_ok
 * counts in its own copy, so only the parent's checks reach tap_done().
 */
#include "tap.h"

static int tap_planned = -1;
static int tap_count;
static int tap_failed;

void tap_plan(int n)
{
	tap_planned = n;
}

/* Prints the "ok N - name" line; name is fmt formatted with ap. */
static int tap_result(int cond, const char *fmt, va_list ap)
{
	char name[256];

	vsnprintf(name, sizeof(name), fmt, ap);
	tap_count++;
	if (!cond)
		tap_failed++;
	printf("#   %s %d - %s\n", cond ? "ok" : "not ok", tap_count, name);
	return cond;
}

void tap_diag(const char *fmt, ...)
{
	char line[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	printf("#     %s\n", line);
}

int tap_ok(int cond, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_result(cond, fmt, ap);
	va_end(ap);
	return cond;
}

int tap_is_long(long got, long expected, const char *fmt, ...)
{
	va_list ap;
	int cond = got == expected;

	va_start(ap, fmt);
	tap_result(cond, fmt, ap);
	va_end(ap);
	if (!cond)
		tap_diag("got %ld (0x%lx), expected %ld (0x%lx)", got, got, expected, expected);
	return cond;
}

int tap_is_ulong(unsigned long got, unsigned long expected, const char *fmt, ...)
{
	va_list ap;
	int cond = got == expected;

	va_start(ap, fmt);
	tap_result(cond, fmt, ap);
	va_end(ap);
	if (!cond)
		tap_diag("got %lu (0x%lx), expected %lu (0x%lx)", got, got, expected, expected);
	return cond;
}

int tap_is_str(const char *got, const char *expected, const char *fmt, ...)
{
	va_list ap;
	int cond = got && !strcmp(got, expected);

	va_start(ap, fmt);
	tap_result(cond, fmt, ap);
	va_end(ap);
	if (!cond)
		tap_diag("got \"%s\", expected \"%s\"", got ? got : "(null)", expected);
	return cond;
}

int tap_is_err(long ret, int err, const char *fmt, ...)
{
	va_list ap;
	int cond = ret == -err;

	va_start(ap, fmt);
	tap_result(cond, fmt, ap);
	va_end(ap);
	if (!cond) {
		if (ret < 0 && ret >= -4095)
			tap_diag("got %ld (%s), expected %d (%s)", ret, errno_name((int)-ret), -err, errno_name(err));
		else
			tap_diag("got %ld (0x%lx), expected %d (%s)", ret, ret, -err, errno_name(err));
	}
	return cond;
}

int tap_done(void)
{
	if (tap_planned >= 0 && tap_planned != tap_count) {
		printf("#   planned %d checks but ran %d\n", tap_planned, tap_count);
		tap_failed++;
	}
	printf("#   1..%d\n", tap_count);
	if (tap_failed)
		printf("#   %d of %d checks failed\n", tap_failed, tap_count);
	return tap_failed ? 1 : 0;
}

void tap_skip_all(const char *reason)
{
	printf("# SKIP %s\n", reason);
	exit(KSFT_SKIP);
}

int run_in_child(void (*fn)(void *), void *arg)
{
	int status = 0;
	long pid = sys_fork();
	long r;

	if (pid < 0)
		return (int)pid;
	if (pid == 0) {
		fn(arg);
		sys_exit_group(0);
	}
	r = sys_wait4((int)pid, &status, 0, NULL);
	if (r < 0)
		return (int)r;
	return status;
}

/* Shared tail of tap_child_signal/exit: report, and explain a mismatch. */
static int tap_child_check(int status, int cond, const char *want, const char *fmt, va_list ap)
{
	char got[64];

	tap_result(cond, fmt, ap);
	if (!cond) {
		if (status < 0)
			snprintf(got, sizeof(got), "fork/wait4 failed: %s", errno_name(-status));
		else
			wstatus_str(status, got, sizeof(got));
		tap_diag("child: %s, expected %s", got, want);
	}
	return cond;
}

int tap_child_signal(void (*fn)(void *), void *arg, int sig, const char *fmt, ...)
{
	int status = run_in_child(fn, arg);
	int cond = status >= 0 && WIFSIGNALED(status) && WTERMSIG(status) == sig;
	char want[32];
	va_list ap;

	snprintf(want, sizeof(want), "killed by signal %d", sig);
	va_start(ap, fmt);
	tap_child_check(status, cond, want, fmt, ap);
	va_end(ap);
	return cond;
}

int tap_child_exit(void (*fn)(void *), void *arg, int code, const char *fmt, ...)
{
	int status = run_in_child(fn, arg);
	int cond = status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == code;
	char want[32];
	va_list ap;

	snprintf(want, sizeof(want), "exit status %d", code);
	va_start(ap, fmt);
	tap_child_check(status, cond, want, fmt, ap);
	va_end(ap);
	return cond;
}

void touch_read(void *addr)
{
	(void)*(volatile char *)addr;
}

void touch_write(void *addr)
{
	*(volatile char *)addr = 1;
}

void touch_exec(void *addr)
{
	((void (*)(void))addr)();
}
