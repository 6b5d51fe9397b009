/*
 * procmaps.h - read one VMA from /proc/self/maps and one kB field from
 * /proc/self/status, for the tests of what execve maps (elf_segments,
 * stack_growth). Not a test: the Makefile builds only *.c.
 *
 * A maps line is "start-end perms offset major:minor inode   name".
 */
#ifndef PROCMAPS_H
#define PROCMAPS_H

#include "mmtest.h"

struct maps_entry {
	unsigned long start, end, offset, inode;
	char perms[5];
	char dev[8];
	char name[128];
};

static char procmaps_buf[32768];

static inline long procfile_read(const char *path)
{
	long fd = sys_openat(AT_FDCWD, path, O_RDONLY, 0), n, len = 0;

	if (fd < 0)
		return fd;
	while (len < (long)sizeof(procmaps_buf) - 1 &&
	       (n = sys_read((int)fd, procmaps_buf + len, sizeof(procmaps_buf) - 1 - len)) > 0)
		len += n;
	procmaps_buf[len] = 0;
	sys_close((int)fd);
	return len;
}

static inline void maps_parse_line(const char *l, size_t len, struct maps_entry *e)
{
	const char *p = l, *end = l + len;
	char *q;

	memset(e, 0, sizeof(*e));
	e->start = strtoul(p, &q, 16);
	e->end = strtoul(q + 1, &q, 16);
	memcpy(e->perms, q + 1, 4);
	e->offset = strtoul(q + 6, &q, 16);
	p = q + 1;
	for (size_t i = 0; i < sizeof(e->dev) - 1 && p < end && *p != ' '; i++)
		e->dev[i] = *p++;
	e->inode = strtoul(p, &q, 10);
	p = q;
	while (p < end && *p == ' ')
		p++;
	for (size_t i = 0; i < sizeof(e->name) - 1 && p < end; i++)
		e->name[i] = *p++;
}

/* The VMA of /proc/self/maps that contains addr: 1 if found, with *e filled. */
static inline int maps_lookup(unsigned long addr, struct maps_entry *e)
{
	if (procfile_read("/proc/self/maps") <= 0)
		return 0;
	for (char *l = procmaps_buf; *l; ) {
		char *nl = strchr(l, '\n');
		size_t len = nl ? (size_t)(nl - l) : strlen(l);

		maps_parse_line(l, len, e);
		if (e->start <= addr && addr < e->end)
			return 1;
		if (!nl)
			break;
		l = nl + 1;
	}
	return 0;
}

/* A "Name:   N kB" line of /proc/self/status, in kB; -1 if absent. */
static inline long status_kb(const char *name)
{
	size_t n = strlen(name);

	if (procfile_read("/proc/self/status") <= 0)
		return -1;
	for (char *l = procmaps_buf; *l; ) {
		char *nl = strchr(l, '\n');

		if (!strncmp(l, name, n) && l[n] == ':')
			return (long)strtoul(l + n + 1, NULL, 10);
		if (!nl)
			break;
		l = nl + 1;
	}
	return -1;
}

#endif /* PROCMAPS_H */
