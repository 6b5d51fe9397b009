/*
 * Tasks and the scheduler. One task_struct per process (Pagoda has no
 * threads yet: pid == tgid). Every task has a 16 KB kernel stack whose top
 * holds the user registers (struct pt_regs) while it is in the kernel.
 *
 * States: TASK_RUNNING (on the run queue or current), TASK_INTERRUPTIBLE
 * (sleeping on wait_chan or until wake_time; a signal wakes it), EXIT_ZOMBIE
 * (exited, waiting for wait4 in its parent).
 */
#ifndef _KERNEL_SCHED_H
#define _KERNEL_SCHED_H

#include <lib/list.h>
#include <kernel/signal.h>
#include <arch/x86_64/ptrace.h>
#include <arch/x86_64/percpu.h>

#define TASK_RUNNING		0
#define TASK_INTERRUPTIBLE	1
#define EXIT_ZOMBIE		16
#define EXIT_DEAD		32	/* exited, reaped by nobody: freed after the switch away */

#define THREAD_SIZE_ORDER	2
#define THREAD_SIZE		(4096UL << THREAD_SIZE_ORDER)
#define TASK_COMM_LEN		16
#define NR_OPEN_DEFAULT		64

struct mm_struct;
struct file;
struct timespec;

struct task_struct {
	volatile long state;
	pid_t pid;
	pid_t pgid, sid;		/* process group and session (inherited at fork) */
	char comm[TASK_COMM_LEN];

	unsigned long stack;		/* base of the kernel stack (direct map) */
	unsigned long thread_rsp;	/* saved kernel rsp while switched out */
	unsigned long fsbase;		/* user FS base (arch_prctl ARCH_SET_FS) */
	u8 fpu_state[512] __attribute__((aligned(16)));	/* fxsave area: user SSE registers */

	struct mm_struct *mm;
	struct file *files[NR_OPEN_DEFAULT];
	unsigned long close_on_exec;	/* bit per fd < 64 */

	struct task_struct *parent;
	struct list_head children;	/* my children */
	struct list_head sibling;	/* in my parent's children */
	struct list_head tasks;		/* all tasks */
	struct list_head run_list;	/* run queue, while TASK_RUNNING */

	void *wait_chan;		/* what a TASK_INTERRUPTIBLE task sleeps on */
	u64 wake_time;			/* ns; 0 = no timeout */

	struct signal_state sig;
	unsigned long sig_fault_err, sig_fault_trapno;	/* for the signal frame's sigcontext */
	unsigned long sas_ss_sp, sas_ss_size;	/* sigaltstack; size 0: none */
	sigset_t saved_sigmask;			/* rt_sigsuspend: restored once a handler ran */
	bool restore_sigmask;
	u64 alarm_ns;				/* alarm(): when SIGALRM is due; 0 = none */
	unsigned int sas_ss_flags;		/* sigaltstack's ss_flags (mode, SS_AUTODISARM) */
	int exit_code;			/* wait status, Linux encoding */
	int exit_signal;		/* sent to the parent at exit: SIGCHLD, clone's low byte, 0: none */
	int *set_child_tid;		/* CLONE_CHILD_SETTID: the child writes its tid here as it starts */
	unsigned long *clear_child_tid;	/* set_tid_address */
	/*
	 * How restart_syscall goes on with a call that returned
	 * -ERESTART_RESTARTBLOCK (Linux: struct restart_block): nanosleep's
	 * deadline, so the restarted sleep ends when the first would have.
	 */
	struct restart_block {
		long (*fn)(struct restart_block *restart);
		u64 expires;			/* CLOCK_MONOTONIC ns */
		struct timespec *rmtp;
	} restart_block;
	void *robust_list;		/* set_robust_list: kept for get_robust_list (no futexes yet) */

	/* getrusage */
	unsigned long min_flt, maj_flt;
	u64 utime_ns, stime_ns;
	unsigned long cmin_flt, cmaj_flt;	/* of reaped children */
	unsigned long maxrss_kb, cmaxrss_kb;	/* peak RSS at exit; the largest of reaped children */
	u64 cutime_ns, cstime_ns;
};

static inline struct task_struct *get_current(void) { return this_cpu()->curr; }
#define current get_current()

static inline struct pt_regs *task_pt_regs(struct task_struct *t)
{
	return (struct pt_regs *)(t->stack + THREAD_SIZE) - 1;
}

/* kernel/sys.c: restart_syscall with nothing to restart gives EINTR. */
long do_no_restart_syscall(struct restart_block *restart);

extern struct list_head task_list;	/* every task but the idle task */
extern struct task_struct *init_task_ptr;	/* pid 1 */

void sched_init(void);
void init_idle(struct task_struct *idle, int cpu);	/* an AP's idle task, "swapper/N" */
void schedule(void);
void wake_up_process(struct task_struct *t);
/* Sleep on chan until woken, a signal arrives (-ERESTARTSYS) or timeout_ns passes (0 = none). */
int sleep_on(void *chan, u64 timeout_ns);
void wake_up(void *chan);
void scheduler_tick(void);
struct task_struct *find_task_by_pid(pid_t pid);
struct task_struct *alloc_task(void);		/* zeroed, with a kernel stack and a pid */
void free_task(struct task_struct *t);
__attribute__((noreturn)) void cpu_idle(void);

/* kernel/fork.c, exec.c, exit.c */
long do_fork(struct pt_regs *regs);
__attribute__((noreturn)) void do_exit(int wait_status);
void start_init(const char *path);
long do_execve(const char *path, const char *const *argv, const char *const *envp);
long kernel_execve(const char *path, const char *const *argv, const char *const *envp);
void exit_to_user_mode(struct pt_regs *regs);
extern u8 init_fpu_state[512];

#endif
