/*
 * exit_noleak: a child maps and touches memory every way it can (mmap,
 * brk, a forked grandchild that breaks COW on it) and exits without
 * freeing any of it; this program also exits with its mappings in place.
 * Exit must free it all: on Pagoda MemFree must come back exactly, here
 * and in /init's check after this test.  On Linux MemFree drifts on its
 * own, so there it is only reported.
 */
#include "tap.h"

#define MMAP_LEN (4UL << 20)
#define BRK_LEN (1UL << 20)

static void touch(unsigned char *p, unsigned long len, unsigned char v)
{
	for (unsigned long i = 0; i < len; i += PAGE_SIZE)
		p[i] = v;
}

static void child_leaves_memory(void *arg)
{
	unsigned char *m, *b;
	int status;
	long g;

	(void)arg;
	m = (unsigned char *)sys_mmap(NULL, MMAP_LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	b = sbrk(BRK_LEN);
	if ((long)m < 0 || b == (void *)-1)
		sys_exit_group(1);
	touch(m, MMAP_LEN, 1);
	touch(b, BRK_LEN, 2);
	g = sys_fork();
	if (g == 0) {
		touch(m, MMAP_LEN / 2, 3);      /* COW copies of half of it */
		sys_exit_group(0);
	}
	sys_wait4((int)g, &status, 0, NULL);
	sys_exit_group(status == 0 ? 0 : 2);
}

/* MemFree, re-read a few times in case the kernel frees a little later. */
static long memfree_settled(long expect)
{
	long now = -1;

	for (int i = 0; i < 5; i++) {
		now = meminfo_kb("MemFree");
		if (now == expect)
			break;
		sys_sched_yield();
	}
	return now;
}

int main(void)
{
	long before, after;
	unsigned char *mine;

	prefault_image();                       /* this program's own pages, before measuring */
	meminfo_kb("MemFree");                  /* fault in meminfo_kb's buffer */
	before = meminfo_kb("MemFree");
	tap_ok(before > 0, "MemFree is in /proc/meminfo (%ld kB)", before);
	tap_child_exit(child_leaves_memory, NULL, 0, "child maps, touches, forks and exits");
	after = memfree_settled(before);
	if (is_pagoda())
		tap_is_long(after, before, "MemFree is back to its value before the child");
	else
		tap_diag("MemFree %ld -> %ld kB (not checked on Linux)", before, after);

	mine = (unsigned char *)sys_mmap(NULL, MMAP_LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (tap_ok((long)mine > 0, "map and touch 4 MB that this program never frees"))
		touch(mine, MMAP_LEN, 4);
	return tap_done();
}
