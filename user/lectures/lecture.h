/*
 * lecture.h - what the lecture scenario programs (user/lectures/NAME.c,
 * booted as pid 1 by `make lecture L=NAME`) share: console setup, the
 * fixed addresses the lecture scripts (tools/gdb/lectures/NAME.lecture)
 * put in their breakpoint conditions, and a clean power-off at the end.
 */
#ifndef LECTURE_H
#define LECTURE_H

#include "../tests/mmtest.h"

/* As /init does: a kernel may start pid 1 without fds or /proc. */
static inline void lecture_setup(void)
{
	long fd;

	if (sys_write(1, "", 0) == -EBADF) {
		sys_mkdirat(AT_FDCWD, "/dev", 0755);
		sys_mknodat(AT_FDCWD, "/dev/console", S_IFCHR | 0600, makedev(5, 1));
		do
			fd = sys_openat(AT_FDCWD, "/dev/console", O_RDWR, 0);
		while (fd >= 0 && fd < 2);
		if (fd > 2)
			sys_close((int)fd);
	}
}

/*
 * Map len bytes of private anonymous memory at a fixed address: the
 * lecture's breakpoints are conditional on it, so that faults and forks
 * of every other VMA (stack, data, the mailbox) do not stop the lecture.
 */
static inline unsigned char *lecture_map(unsigned long addr, unsigned long len)
{
	long p = sys_mmap((void *)addr, len, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);

	return p == (long)addr ? (unsigned char *)p : NULL;
}

/* The end of a lecture: power off as pid 1 (never on a development host). */
static inline __attribute__((noreturn)) void lecture_done(const char *name)
{
	printf("lecture %s: done\n", name);
	if (sys_getpid() == 1)
		sys_reboot(LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_POWER_OFF, NULL);
	sys_exit_group(0);
}

#endif
