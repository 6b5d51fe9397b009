/*
 * syscalls.c - libc-style wrappers: on failure set errno and return -1
 * (MAP_FAILED for mmap), as POSIX programs expect.  Tests that check an
 * exact errno usually call the raw sys_xxx() from syscall.h instead.
 */
#include "ulib.h"

/* Kernel errors are -4095..-1; anything else is a result. */
static long ret_errno(long r)
{
	if (r < 0 && r >= -4095) {
		errno = (int)-r;
		return -1;
	}
	return r;
}

ssize_t read(int fd, void *buf, size_t n)            { return ret_errno(sys_read(fd, buf, n)); }
ssize_t write(int fd, const void *buf, size_t n)     { return ret_errno(sys_write(fd, buf, n)); }
ssize_t writev(int fd, const struct iovec *iov, int cnt) { return ret_errno(sys_writev(fd, iov, cnt)); }
int close(int fd)                                    { return (int)ret_errno(sys_close(fd)); }
int munmap(void *addr, size_t len)                   { return (int)ret_errno(sys_munmap(addr, len)); }
int mprotect(void *addr, size_t len, int prot)       { return (int)ret_errno(sys_mprotect(addr, len, prot)); }
int madvise(void *addr, size_t len, int advice)      { return (int)ret_errno(sys_madvise(addr, len, advice)); }
pid_t getpid(void)                                   { return (pid_t)sys_getpid(); }
pid_t getppid(void)                                  { return (pid_t)sys_getppid(); }
pid_t fork(void)                                     { return (pid_t)ret_errno(sys_fork()); }
int kill(pid_t pid, int sig)                         { return (int)ret_errno(sys_kill(pid, sig)); }
int uname(struct utsname *u)                         { return (int)ret_errno(sys_uname(u)); }
int clock_gettime(int clk, struct timespec *ts)      { return (int)ret_errno(sys_clock_gettime(clk, ts)); }
int nanosleep(const struct timespec *req, struct timespec *rem) { return (int)ret_errno(sys_nanosleep(req, rem)); }
int sched_yield(void)                                { return (int)ret_errno(sys_sched_yield()); }
int getrusage(int who, struct rusage *ru)            { return (int)ret_errno(sys_getrusage(who, ru)); }

int execve(const char *path, char *const *argv, char *const *envp)
{
	return (int)ret_errno(sys_execve(path, argv, envp));
}

pid_t wait4(pid_t pid, int *status, int options, struct rusage *ru)
{
	return (pid_t)ret_errno(sys_wait4(pid, status, options, ru));
}

pid_t waitpid(pid_t pid, int *status, int options)
{
	return wait4(pid, status, options, NULL);
}

/* open(path, flags[, mode]) is openat(AT_FDCWD, ...), as glibc's open() is. */
int open(const char *path, int flags, ...)
{
	va_list ap;
	int mode;

	va_start(ap, flags);
	mode = (flags & O_CREAT) ? va_arg(ap, int) : 0;
	va_end(ap);
	return (int)ret_errno(sys_openat(AT_FDCWD, path, flags, mode));
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, long off)
{
	long r = sys_mmap(addr, len, prot, flags, fd, off);

	if (r < 0 && r >= -4095) {
		errno = (int)-r;
		return MAP_FAILED;
	}
	return (void *)r;
}

/* brk(2) returns the new break, or the old one on failure (never -errno). */
void *sbrk(long incr)
{
	static unsigned long cur;
	unsigned long old;

	if (!cur)
		cur = (unsigned long)sys_brk(0);
	old = cur;
	if (incr == 0)
		return (void *)old;
	cur = (unsigned long)sys_brk((void *)(old + incr));
	if (cur != old + incr) {
		cur = old;
		errno = ENOMEM;
		return (void *)-1;
	}
	return (void *)old;
}
