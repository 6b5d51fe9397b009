/*
 * bench.h - what the benchmarks in user/bench/ share.
 */
#ifndef BENCH_H
#define BENCH_H

#include "ulib.h"

/*
 * As the first process on Linux nothing is mounted; Pagoda's /proc and /sys
 * are built in (the same as user/init/init.c does).
 */
static inline void mounts_setup(void)
{
	long fd = sys_openat(AT_FDCWD, "/proc/vmstat", O_RDONLY, 0);

	if (fd >= 0) {
		sys_close((int)fd);
	} else {
		sys_mkdirat(AT_FDCWD, "/proc", 0555);
		sys_mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	}
	fd = sys_openat(AT_FDCWD, "/sys/kernel/mm/transparent_hugepage/enabled", O_RDONLY, 0);
	if (fd >= 0) {
		sys_close((int)fd);
	} else {
		sys_mkdirat(AT_FDCWD, "/sys", 0555);
		sys_mount("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	}
}

/* The median of v[0..n) (sorts v). */
static inline long median(long *v, int n)
{
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
			long t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return v[n / 2];
}

#endif
