/* Prototypes of the system calls the kernel/ and mm/ files implement (fs ones: fs/fs.h). */
#ifndef _KERNEL_SYSCALLS_H
#define _KERNEL_SYSCALLS_H

#include <kernel/types.h>
#include <kernel/signal.h>

struct pt_regs;
struct rusage;
struct timespec;
struct new_utsname;

long sys_fork(struct pt_regs *regs);
long sys_clone(struct pt_regs *regs);
long sys_execve(const char *path, const char *const *argv, const char *const *envp);
long sys_exit(int code);
long sys_exit_group(int code);
long sys_wait4(pid_t pid, int *stat_addr, int options, struct rusage *ru);
long sys_kill(pid_t pid, int sig);
long sys_getpid(void);
long sys_gettid(void);
long sys_getppid(void);
long sys_getuid(void);
long sys_setpgid(pid_t pid, pid_t pgid);
long sys_getpgid(pid_t pid);
long sys_getpgrp(void);
long sys_setsid(void);
long sys_getsid(pid_t pid);
long sys_sched_yield(void);
long sys_set_tid_address(int *tidptr);
long sys_uname(struct new_utsname *name);
long sys_clock_gettime(int which, struct timespec *tp);
long sys_clock_getres(int which, struct timespec *tp);
long sys_nanosleep(const struct timespec *rqtp, struct timespec *rmtp);
long sys_restart_syscall(void);
long sys_getrusage(int who, struct rusage *ru);
long sys_arch_prctl(int code, unsigned long addr);
long sys_reboot(int magic1, int magic2, unsigned int cmd, void *arg);
long sys_rt_sigaction(int sig, const struct k_sigaction *act, struct k_sigaction *oact, size_t size);
long sys_rt_sigprocmask(int how, const sigset_t *nset, sigset_t *oset, size_t size);
long sys_rt_sigreturn(struct pt_regs *regs);
long sys_sigaltstack(const void *uss, void *uoss);
long sys_tkill(pid_t tid, int sig);
long sys_tgkill(pid_t tgid, pid_t tid, int sig);
long sys_pause(void);
long sys_rt_sigsuspend(const sigset_t *umask, size_t sigsetsize);
long sys_rt_sigpending(sigset_t *uset, size_t sigsetsize);
struct timeval;
long sys_gettimeofday(struct timeval *tv, void *tz);
long sys_time(long *tloc);
long sys_alarm(unsigned int seconds);
long sys_sched_getaffinity(pid_t pid, unsigned int len, unsigned long *user_mask_ptr);
long sys_sched_setaffinity(pid_t pid, unsigned int len, const unsigned long *user_mask_ptr);
long sys_getcpu(unsigned int *cpu, unsigned int *node, void *unused);
long sys_set_robust_list(void *head, size_t len);
long sys_getrandom(char *ubuf, size_t count, unsigned int flags);
long sys_syslog(int type, char *ubuf, int len);
struct rlimit64;
long sys_prlimit64(pid_t pid, unsigned int resource, const struct rlimit64 *new, struct rlimit64 *old);
long sys_getrlimit(unsigned int resource, struct rlimit64 *rlim);
long sys_setrlimit(unsigned int resource, const struct rlimit64 *rlim);

unsigned long sys_brk(unsigned long brk);
long sys_mmap(unsigned long addr, unsigned long len, unsigned long prot,
	      unsigned long flags, unsigned long fd, unsigned long off);
long sys_munmap(unsigned long addr, size_t len);
long sys_mprotect(unsigned long start, size_t len, unsigned long prot);
long sys_madvise(unsigned long start, size_t len, int behavior);
long sys_migrate_pages(pid_t pid, unsigned long maxnode, const unsigned long *old_nodes,
		       const unsigned long *new_nodes);
long sys_move_pages(pid_t pid, unsigned long nr_pages, const unsigned long *pages,
		    const int *nodes, int *status, int flags);

/* mm/mempolicy.c */
long sys_mbind(unsigned long start, unsigned long len, unsigned long mode,
	       const unsigned long *nmask, unsigned long maxnode, unsigned int flags);
long sys_set_mempolicy(int mode, const unsigned long *nmask, unsigned long maxnode);
long sys_get_mempolicy(int *policy, unsigned long *nmask, unsigned long maxnode,
		       unsigned long addr, unsigned long flags);

#endif
