/*
 * The system-call table: Linux x86-64 numbers (arch/x86/entry/syscalls/
 * syscall_64.tbl). Arguments arrive in rdi, rsi, rdx, r10, r8, r9; the
 * result, or -errno, goes back in rax. A number with no entry returns
 * -ENOSYS and logs one line, as the issue asks; it never panics. Every
 * call runs under the big kernel lock (kernel/smp_lock.h).
 */
#include <kernel/kernel.h>
#include <kernel/errno.h>
#include <kernel/sched.h>
#include <kernel/smp_lock.h>
#include <kernel/syscalls.h>
#include <kernel/futex.h>
#include <fs/fs.h>
#include <arch/x86_64/ptrace.h>

typedef long (*syscall_fn_t)(unsigned long, unsigned long, unsigned long,
			     unsigned long, unsigned long, unsigned long);

/* Calls that need the saved user registers get them from the kernel stack. */
static long sys_fork_regs(void) { return sys_fork(task_pt_regs(current)); }
static long sys_vfork_regs(void) { return sys_vfork(task_pt_regs(current)); }
static long sys_clone_regs(void) { return sys_clone(task_pt_regs(current)); }
static long sys_clone3_regs(void) { return sys_clone3(task_pt_regs(current)); }
static long sys_rt_sigreturn_regs(void) { return sys_rt_sigreturn(task_pt_regs(current)); }

/* Every handler reads its arguments from the registers it declares: the cast is the ABI. */
#define SYSCALL(nr, fn) [nr] = (syscall_fn_t)(void (*)(void))(fn)

static const syscall_fn_t sys_call_table[] = {
	SYSCALL(0, sys_read),
	SYSCALL(1, sys_write),
	SYSCALL(2, sys_open),
	SYSCALL(3, sys_close),
	SYSCALL(4, sys_stat),
	SYSCALL(5, sys_fstat),
	SYSCALL(6, sys_lstat),
	SYSCALL(8, sys_lseek),
	SYSCALL(9, sys_mmap),
	SYSCALL(10, sys_mprotect),
	SYSCALL(11, sys_munmap),
	SYSCALL(12, sys_brk),
	SYSCALL(13, sys_rt_sigaction),
	SYSCALL(14, sys_rt_sigprocmask),
	SYSCALL(15, sys_rt_sigreturn_regs),
	SYSCALL(16, sys_ioctl),
	SYSCALL(17, sys_pread64),
	SYSCALL(18, sys_pwrite64),
	SYSCALL(19, sys_readv),
	SYSCALL(20, sys_writev),
	SYSCALL(21, sys_access),
	SYSCALL(22, sys_pipe),
	SYSCALL(24, sys_sched_yield),
	SYSCALL(28, sys_madvise),
	SYSCALL(32, sys_dup),
	SYSCALL(33, sys_dup2),
	SYSCALL(34, sys_pause),
	SYSCALL(35, sys_nanosleep),
	SYSCALL(37, sys_alarm),
	SYSCALL(39, sys_getpid),
	SYSCALL(56, sys_clone_regs),
	SYSCALL(57, sys_fork_regs),
	SYSCALL(58, sys_vfork_regs),
	SYSCALL(59, sys_execve),
	SYSCALL(60, sys_exit),
	SYSCALL(61, sys_wait4),
	SYSCALL(62, sys_kill),
	SYSCALL(63, sys_uname),
	SYSCALL(72, sys_fcntl),
	SYSCALL(76, sys_truncate),
	SYSCALL(77, sys_ftruncate),
	SYSCALL(79, sys_getcwd),
	SYSCALL(83, sys_mkdir),
	SYSCALL(84, sys_rmdir),
	SYSCALL(87, sys_unlink),
	SYSCALL(89, sys_readlink),
	SYSCALL(96, sys_gettimeofday),
	SYSCALL(97, sys_getrlimit),
	SYSCALL(98, sys_getrusage),
	SYSCALL(102, sys_getuid),
	SYSCALL(103, sys_syslog),
	SYSCALL(104, sys_getuid),	/* getgid */
	SYSCALL(107, sys_getuid),	/* geteuid */
	SYSCALL(108, sys_getuid),	/* getegid */
	SYSCALL(109, sys_setpgid),
	SYSCALL(110, sys_getppid),
	SYSCALL(111, sys_getpgrp),
	SYSCALL(112, sys_setsid),
	SYSCALL(121, sys_getpgid),
	SYSCALL(124, sys_getsid),
	SYSCALL(127, sys_rt_sigpending),
	SYSCALL(130, sys_rt_sigsuspend),
	SYSCALL(131, sys_sigaltstack),
	SYSCALL(133, sys_mknod),
	SYSCALL(137, sys_statfs),
	SYSCALL(138, sys_fstatfs),
	SYSCALL(158, sys_arch_prctl),
	SYSCALL(160, sys_setrlimit),
	SYSCALL(165, sys_mount),
	SYSCALL(166, sys_umount2),
	SYSCALL(169, sys_reboot),
	SYSCALL(186, sys_gettid),
	SYSCALL(200, sys_tkill),
	SYSCALL(201, sys_time),
	SYSCALL(202, sys_futex),
	SYSCALL(203, sys_sched_setaffinity),
	SYSCALL(204, sys_sched_getaffinity),
	SYSCALL(217, sys_getdents64),
	SYSCALL(218, sys_set_tid_address),
	SYSCALL(219, sys_restart_syscall),
	SYSCALL(228, sys_clock_gettime),
	SYSCALL(229, sys_clock_getres),
	SYSCALL(231, sys_exit_group),
	SYSCALL(234, sys_tgkill),
	SYSCALL(237, sys_mbind),
	SYSCALL(238, sys_set_mempolicy),
	SYSCALL(239, sys_get_mempolicy),
	SYSCALL(256, sys_migrate_pages),
	SYSCALL(257, sys_openat),
	SYSCALL(258, sys_mkdirat),
	SYSCALL(259, sys_mknodat),
	SYSCALL(262, sys_newfstatat),
	SYSCALL(263, sys_unlinkat),
	SYSCALL(267, sys_readlinkat),
	SYSCALL(269, sys_faccessat),
	SYSCALL(273, sys_set_robust_list),
	SYSCALL(279, sys_move_pages),
	SYSCALL(285, sys_fallocate),
	SYSCALL(292, sys_dup3),
	SYSCALL(293, sys_pipe2),
	SYSCALL(302, sys_prlimit64),
	SYSCALL(309, sys_getcpu),
	SYSCALL(318, sys_getrandom),
	SYSCALL(319, sys_memfd_create),
	SYSCALL(435, sys_clone3_regs),
	SYSCALL(439, sys_faccessat2),
};

void do_syscall_64(struct pt_regs *regs)
{
	unsigned long nr = regs->orig_rax;
	syscall_fn_t fn = nr < ARRAY_SIZE(sys_call_table) ? sys_call_table[nr] : NULL;

	if (!fn) {
		printk("pagoda: unknown syscall %lu from pid %d (%s)\n", nr, current->pid, current->comm);
		regs->rax = -ENOSYS;
		return;
	}
	lock_kernel();
	regs->rax = fn(regs->rdi, regs->rsi, regs->rdx, regs->r10, regs->r8, regs->r9);
	unlock_kernel();
}
