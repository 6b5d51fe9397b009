/*
 * syscall.h - raw system calls: sys_xxx() returns what the kernel put in
 * rax, i.e. the result or -errno.  Tests use these to check the exact errno
 * without going through a global.  The libc-style wrappers that set errno
 * and return -1 (or MAP_FAILED) are in ulib.h.
 *
 * x86-64 convention: rax = number, arguments in rdi, rsi, rdx, r10, r8, r9;
 * the `syscall` instruction clobbers rcx (return rip) and r11 (rflags).
 */
#ifndef ULIB_SYSCALL_H
#define ULIB_SYSCALL_H

#include "uapi.h"

static inline long syscall6(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
{
	long ret;
	register long r10 __asm__("r10") = a4;
	register long r8 __asm__("r8") = a5;
	register long r9 __asm__("r9") = a6;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a1), "S"(a2), "d"(a3), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

#define syscall0(n)                   syscall6((n), 0, 0, 0, 0, 0, 0)
#define syscall1(n, a)                syscall6((n), (long)(a), 0, 0, 0, 0, 0)
#define syscall2(n, a, b)             syscall6((n), (long)(a), (long)(b), 0, 0, 0, 0)
#define syscall3(n, a, b, c)          syscall6((n), (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define syscall4(n, a, b, c, d)       syscall6((n), (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)
#define syscall5(n, a, b, c, d, e)    syscall6((n), (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), 0)

/* One line per call; the argument list is the kernel's, not glibc's. */
static inline long sys_read(int fd, void *buf, size_t n)             { return syscall3(__NR_read, fd, buf, n); }
static inline long sys_write(int fd, const void *buf, size_t n)      { return syscall3(__NR_write, fd, buf, n); }
static inline long sys_writev(int fd, const struct iovec *iov, int cnt) { return syscall3(__NR_writev, fd, iov, cnt); }
static inline long sys_openat(int dfd, const char *path, int flags, int mode) { return syscall4(__NR_openat, dfd, path, flags, mode); }
static inline long sys_close(int fd)                                 { return syscall1(__NR_close, fd); }
static inline long sys_ioctl(int fd, unsigned long req, void *arg)   { return syscall3(__NR_ioctl, fd, req, arg); }
static inline long sys_getdents64(int fd, void *buf, size_t n)       { return syscall3(__NR_getdents64, fd, buf, n); }
static inline long sys_mkdirat(int dfd, const char *path, int mode)  { return syscall3(__NR_mkdirat, dfd, path, mode); }
static inline long sys_mknodat(int dfd, const char *path, int mode, unsigned dev) { return syscall4(__NR_mknodat, dfd, path, mode, dev); }
static inline long sys_mount(const char *src, const char *dst, const char *type, unsigned long flags, const void *data)
{ return syscall5(__NR_mount, src, dst, type, flags, data); }

static inline long sys_mmap(void *addr, size_t len, int prot, int flags, int fd, long off)
{ return syscall6(__NR_mmap, (long)addr, (long)len, prot, flags, fd, off); }
static inline long sys_munmap(void *addr, size_t len)                { return syscall2(__NR_munmap, addr, len); }
static inline long sys_mprotect(void *addr, size_t len, int prot)    { return syscall3(__NR_mprotect, addr, len, prot); }
static inline long sys_madvise(void *addr, size_t len, int advice)   { return syscall3(__NR_madvise, addr, len, advice); }
static inline long sys_brk(void *addr)                               { return syscall1(__NR_brk, addr); }

static inline long sys_getpid(void)                                  { return syscall0(__NR_getpid); }
static inline long sys_getppid(void)                                 { return syscall0(__NR_getppid); }
static inline long sys_gettid(void)                                  { return syscall0(__NR_gettid); }
static inline long sys_fork(void)                                    { return syscall0(__NR_fork); }
static inline long sys_execve(const char *path, char *const *argv, char *const *envp)
{ return syscall3(__NR_execve, path, argv, envp); }
static inline long sys_wait4(int pid, int *status, int options, struct rusage *ru)
{ return syscall4(__NR_wait4, pid, status, options, ru); }
static inline long sys_kill(int pid, int sig)                        { return syscall2(__NR_kill, pid, sig); }
static inline long sys_set_tid_address(int *tidptr)                  { return syscall1(__NR_set_tid_address, tidptr); }
static inline long sys_arch_prctl(int code, unsigned long addr)      { return syscall2(__NR_arch_prctl, code, addr); }
static inline long sys_sched_yield(void)                             { return syscall0(__NR_sched_yield); }
static inline long sys_getrusage(int who, struct rusage *ru)         { return syscall2(__NR_getrusage, who, ru); }
static inline long sys_uname(struct utsname *u)                      { return syscall1(__NR_uname, u); }
static inline long sys_reboot(unsigned m1, unsigned m2, unsigned cmd, void *arg)
{ return syscall4(__NR_reboot, m1, m2, cmd, arg); }

static inline long sys_clock_gettime(int clk, struct timespec *ts)   { return syscall2(__NR_clock_gettime, clk, ts); }
static inline long sys_nanosleep(const struct timespec *req, struct timespec *rem)
{ return syscall2(__NR_nanosleep, req, rem); }
static inline long sys_getcpu(unsigned *cpu, unsigned *node)         { return syscall3(__NR_getcpu, cpu, node, 0); }

static inline long sys_set_mempolicy(int mode, const unsigned long *nmask, unsigned long maxnode)
{ return syscall3(__NR_set_mempolicy, mode, nmask, maxnode); }
static inline long sys_get_mempolicy(int *mode, unsigned long *nmask, unsigned long maxnode, void *addr, unsigned long flags)
{ return syscall5(__NR_get_mempolicy, mode, nmask, maxnode, addr, flags); }
static inline long sys_mbind(void *start, unsigned long len, int mode, const unsigned long *nmask, unsigned long maxnode, unsigned flags)
{ return syscall6(__NR_mbind, (long)start, (long)len, mode, (long)nmask, (long)maxnode, flags); }
static inline long sys_move_pages(int pid, unsigned long count, void **pages, const int *nodes, int *status, int flags)
{ return syscall6(__NR_move_pages, pid, (long)count, (long)pages, (long)nodes, (long)status, flags); }

/* Never returns; written as raw calls so that crt0 needs nothing else. */
static inline __attribute__((noreturn)) void sys_exit(int code)
{
	syscall1(__NR_exit, code);
	__builtin_unreachable();
}

static inline __attribute__((noreturn)) void sys_exit_group(int code)
{
	syscall1(__NR_exit_group, code);
	__builtin_unreachable();
}

#endif /* ULIB_SYSCALL_H */
