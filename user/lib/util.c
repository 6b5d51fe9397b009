/*
 * util.c - helpers shared by init and the tests.
 *
 * meminfo_kb() reads into a static buffer on purpose: /init calls it
 * between tests and must not grow its own memory while it measures.
 */
#include "ulib.h"

static const struct {
	int e;
	const char *name;
} errno_names[] = {
	{ EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { ESRCH, "ESRCH" }, { EINTR, "EINTR" },
	{ EIO, "EIO" }, { ENXIO, "ENXIO" }, { E2BIG, "E2BIG" }, { ENOEXEC, "ENOEXEC" },
	{ EBADF, "EBADF" }, { ECHILD, "ECHILD" }, { EAGAIN, "EAGAIN" }, { EPIPE, "EPIPE" }, { ENOMEM, "ENOMEM" },
	{ EACCES, "EACCES" }, { EFAULT, "EFAULT" }, { EBUSY, "EBUSY" }, { EEXIST, "EEXIST" },
	{ ENODEV, "ENODEV" }, { ENOTDIR, "ENOTDIR" }, { EISDIR, "EISDIR" }, { EINVAL, "EINVAL" },
	{ EMFILE, "EMFILE" }, { ENOTTY, "ENOTTY" }, { ENOSPC, "ENOSPC" }, { ERANGE, "ERANGE" },
	{ ENOSYS, "ENOSYS" }, { EOVERFLOW, "EOVERFLOW" }, { EOPNOTSUPP, "EOPNOTSUPP" },
};

const char *errno_name(int e)
{
	for (size_t i = 0; i < ARRAY_SIZE(errno_names); i++)
		if (errno_names[i].e == e)
			return errno_names[i].name;
	return "E?";
}

/* Reads the whole file (up to size-1 bytes); returns the length or -errno. */
long read_file(const char *path, char *buf, size_t size)
{
	long fd = sys_openat(AT_FDCWD, path, O_RDONLY, 0);
	size_t len = 0;

	if (fd < 0)
		return fd;
	while (len + 1 < size) {
		long r = sys_read((int)fd, buf + len, size - 1 - len);

		if (r < 0) {
			sys_close((int)fd);
			return r;
		}
		if (r == 0)
			break;
		len += r;
	}
	buf[len] = 0;
	sys_close((int)fd);
	return (long)len;
}

/* Value of "<field>:   123 kB" in /proc/meminfo, or -1. */
long meminfo_kb(const char *field)
{
	static char buf[8192];
	size_t flen = strlen(field);

	if (read_file("/proc/meminfo", buf, sizeof(buf)) < 0)
		return -1;
	for (char *line = buf; line; line = strchr(line, '\n')) {
		if (*line == '\n')
			line++;
		if (!strncmp(line, field, flen) && line[flen] == ':')
			return strtol(line + flen + 1, NULL, 10);
	}
	return -1;
}

/*
 * Value of counter name in /proc/vmstat, or -1 if absent.  One static
 * buffer, so that reading twice in a row touches the same pages: a test
 * measuring COW faults must not take any of its own between two reads.
 */
long vmstat_get(const char *name)
{
	static char buf[16384];
	size_t len = strlen(name);

	if (read_file("/proc/vmstat", buf, sizeof(buf)) < 0)
		return -1;
	for (char *line = buf; line && *line; line = strchr(line, '\n')) {
		if (*line == '\n')
			line++;
		if (!strncmp(line, name, len) && line[len] == ' ')
			return strtol(line + len + 1, NULL, 10);
	}
	return -1;
}

/* Write val to a /proc or /sys knob; bytes written or -errno. */
long knob_write(const char *path, const char *val)
{
	long fd = sys_openat(AT_FDCWD, path, O_WRONLY, 0);
	long r;

	if (fd < 0)
		return fd;
	r = sys_write((int)fd, val, strlen(val));
	sys_close((int)fd);
	return r;
}

int is_pagoda(void)
{
	static int cached = -1;
	struct utsname u;

	if (cached < 0)
		cached = sys_uname(&u) == 0 && !strcmp(u.sysname, "Pagoda");
	return cached;
}

long now_ns(void)
{
	struct timespec ts = { 0, 0 };

	sys_clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

/*
 * "/tests/execve" + "bin/exec_helper" -> "/bin/exec_helper", and
 * "build/initramfs/tests/execve" -> "build/initramfs/bin/exec_helper":
 * drop the last two components of argv0 by hand so that the kernel never
 * has to resolve "..".  Lets the same binary find its helpers inside the
 * initramfs and in the host build tree.
 */
void sibling_path(char *out, size_t size, const char *argv0, const char *sub)
{
	char dir[256];
	char *slash;

	strlcpy(dir, argv0 ? argv0 : "", sizeof(dir));
	for (int i = 0; i < 2; i++) {
		slash = strrchr(dir, '/');
		if (slash)
			*slash = 0;
		else
			dir[0] = 0;
	}
	if (argv0 && argv0[0] != '/' && !dir[0] && strchr(argv0, '/'))
		snprintf(out, size, "%s", sub);         /* "tests/x" relative: cwd is the root */
	else
		snprintf(out, size, "%s/%s", dir, sub);
}

void wstatus_str(int status, char *buf, size_t size)
{
	if (WIFEXITED(status))
		snprintf(buf, size, "exit status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, size, "killed by signal %d", WTERMSIG(status));
	else
		snprintf(buf, size, "wait status 0x%x", status);
}

/*
 * The program's text, read-only data and data come in from its file one
 * page at a time, on the first access (execve maps them, as Linux does).
 * On Pagoda each such fault allocates a page (there is no page cache to
 * share), so a program that measures MemFree exactly, as /init's leak
 * check does, first reads every page of its image: later, the first call
 * of a function on a new page costs nothing. __executable_start and edata
 * are GNU ld's symbols for the image's first and last byte.
 */
extern const char __executable_start[], edata[];

void prefault_image(void)
{
	const volatile char *p = (const volatile char *)((unsigned long)__executable_start & ~(PAGE_SIZE - 1));

	for (; p < (const volatile char *)edata; p += PAGE_SIZE)
		(void)*p;
}
