/*
 * Out of memory (run on Pagoda only: on a development host it would wake
 * that machine's OOM killer): a child maps more than all of RAM with
 * MAP_NORESERVE and touches every page. When no page is left, the faulting
 * task is killed with SIGKILL (Linux's OOM killer would pick the biggest
 * task: the same one here). The kernel survives, and once the child is
 * reaped every page comes back (/init's leak check).
 */
#include "mmtest.h"

int main(void)
{
	long total_kb = meminfo_kb("MemTotal"), pid;
	int st = -1;

	if (!is_pagoda())
		tap_skip_all("would exhaust this machine's memory");
	tap_ok(total_kb > 0, "MemTotal: %ld kB", total_kb);
	pid = sys_fork();
	if (pid == 0) {
		size_t len = (size_t)(total_kb + 64 * 1024) * 1024;
		char *p = (char *)sys_mmap(NULL, len, PROT_READ | PROT_WRITE,
					   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

		if ((long)p < 0)
			sys_exit_group(2);
		for (size_t off = 0; off < len; off += PAGE_SIZE)
			p[off] = 1;
		sys_exit_group(3);		/* more memory than RAM: not reached */
	}
	tap_is_long(sys_wait4((int)pid, &st, 0, NULL), pid, "reap the child");
	tap_is_long(st & 0x7f, 9, "the child that ran out of memory was killed with SIGKILL");
	tap_ok(meminfo_kb("MemFree") > total_kb / 2, "most memory is free again");
	return tap_done();
}
