/*
 * Tasks and the scheduler. One task_struct per thread; the threads of a
 * process (a thread group, clone(CLONE_THREAD)) share its tgid, the pid of
 * the first one (the group leader), and these, as in Linux (docs/threads.md):
 *
 *   task->mm       struct mm_struct       CLONE_VM       mm_users
 *   task->files    struct files_struct    CLONE_FILES    count
 *   task->sighand  struct sighand_struct  CLONE_SIGHAND  count: the handlers
 *   task->signal   struct signal_struct   CLONE_THREAD   sigcnt: the group's
 *                  shared pending signals, exit code, thread list, live count
 *
 * Every task has a 16 KB kernel stack whose top
 * holds the user registers (struct pt_regs) while it is in the kernel.
 *
 * States: TASK_RUNNING (on the run queue or current), TASK_INTERRUPTIBLE
 * (sleeping on wait_chan or until wake_time; a signal wakes it),
 * TASK_UNINTERRUPTIBLE (sleeping until wake_up_process: a sleeping lock),
 * EXIT_ZOMBIE (exited, waiting for wait4 in its parent).
 */
#ifndef _KERNEL_SCHED_H
#define _KERNEL_SCHED_H

#include <lib/list.h>
#include <kernel/signal.h>
#include <arch/x86_64/ptrace.h>
#include <arch/x86_64/percpu.h>

#define TASK_RUNNING		0
#define TASK_INTERRUPTIBLE	1
#define TASK_UNINTERRUPTIBLE	2	/* sleeping; only wake_up_process ends it (a lock's wait list) */
#define EXIT_ZOMBIE		16
#define EXIT_DEAD		32	/* exited, reaped by nobody: freed after the switch away */

#define TIMESLICE_TICKS		2	/* 20 ms at HZ = 100 */

#define THREAD_SIZE_ORDER	2
#define THREAD_SIZE		(4096UL << THREAD_SIZE_ORDER)
#define TASK_COMM_LEN		16
#define NR_OPEN_DEFAULT		64

struct mm_struct;
struct file;
struct timespec;

/* The fd table (Linux: struct files_struct, include/linux/fdtable.h). */
struct files_struct {
	atomic_t count;			/* tasks using it: CLONE_FILES shares it */
	struct file *fd[NR_OPEN_DEFAULT];
	unsigned long close_on_exec;	/* bit per fd < 64 */
};

/* The signal handlers (Linux: struct sighand_struct); CLONE_SIGHAND shares them. */
struct sighand_struct {
	atomic_t count;
	struct k_sigaction action[_NSIG];
};

/* Signals sent to a whole thread group, and to one thread (Linux: struct sigpending). */
struct sigpending {
	sigset_t signal;
	kernel_siginfo_t info[_NSIG];	/* the siginfo of each pending signal */
};

#define SIGNAL_GROUP_EXIT	0x00000004	/* exit_group or a fatal signal: every thread dies */

/*
 * The thread group (Linux: struct signal_struct), one per process, shared
 * by CLONE_THREAD. Freed with the last task_struct that points to it.
 */
struct signal_struct {
	atomic_t sigcnt;		/* task_structs pointing here */
	int live;			/* threads that have not called do_exit yet */
	int nr_threads;			/* threads on thread_head (Threads: in status) */
	struct list_head thread_head;	/* every thread not yet released, leader first */
	struct sigpending shared_pending;	/* kill(): for any thread that does not block it */
	unsigned int flags;		/* SIGNAL_GROUP_EXIT */
	int group_exit_code;		/* wait status of the whole group, once SIGNAL_GROUP_EXIT */
	struct task_struct *group_exec_task;	/* de_thread: the thread that execs, waiting for the others */
	u64 alarm_ns;			/* alarm(): when SIGALRM is due to the process; 0 = none */
	/* getrusage (Linux keeps them here too): the released threads' usage, */
	u64 utime_ns, stime_ns;
	unsigned long min_flt, maj_flt;
	unsigned long maxrss_kb;	/* the group's peak RSS, at exit and exec */
	/* and the reaped children's (whole groups, with their own children's) */
	u64 cutime_ns, cstime_ns;
	unsigned long cmin_flt, cmaj_flt, cmaxrss_kb;
};

struct mempolicy;

struct task_struct {
	volatile long state;
	pid_t pid;			/* the thread id (gettid) */
	pid_t tgid;			/* the thread group's id (getpid): its leader's pid */
	pid_t pgid, sid;		/* process group and session (inherited at fork) */
	char comm[TASK_COMM_LEN];

	unsigned long stack;		/* base of the kernel stack (direct map) */
	unsigned long thread_rsp;	/* saved kernel rsp while switched out */
	unsigned long fsbase;		/* user FS base (arch_prctl ARCH_SET_FS) */
	u8 fpu_state[512] __attribute__((aligned(16)));	/* fxsave area: user SSE registers */

	struct mm_struct *mm;
	struct files_struct *files;
	struct sighand_struct *sighand;
	struct signal_struct *signal;

	struct task_struct *parent;	/* of a thread: its leader's parent */
	struct task_struct *group_leader;
	struct list_head thread_node;	/* in signal->thread_head */
	struct list_head children;	/* my children (the group leaders I forked) */
	struct list_head sibling;	/* in my parent's children (group leaders only) */
	struct list_head tasks;		/* all tasks (task_list: under the big kernel lock) */
	struct list_head run_list;	/* on cpu's run queue, under its lock; empty when not queued */
	int cpu;			/* the run queue it is on, or was last on (task_cpu) */
	int on_cpu;			/* a CPU runs it or still stands on its stack (set and cleared by the scheduler) */
	unsigned long cpus_mask;	/* where it may run: sched_setaffinity (Linux: cpus_mask) */
	/*
	 * The task's NUMA policy (set_mempolicy; NULL: the default, local
	 * node), one reference; inherited at fork, kept at execve, put at
	 * exit. Only the task itself changes it. il_prev: the node the last
	 * per-allocation interleave chose (mm/mempolicy.c).
	 */
	struct mempolicy *mempolicy;
	short il_prev;
	int lock_depth;			/* the big kernel lock: how often this task holds it; 0 = not */

	void *wait_chan;		/* what a TASK_INTERRUPTIBLE task sleeps on */
	u64 wake_time;			/* ns; 0 = no timeout */

	struct signal_state sig;
	unsigned long sig_fault_err, sig_fault_trapno;	/* for the signal frame's sigcontext */
	unsigned long sas_ss_sp, sas_ss_size;	/* sigaltstack; size 0: none */
	sigset_t saved_sigmask;			/* rt_sigsuspend: restored once a handler ran */
	bool restore_sigmask;
	unsigned int sas_ss_flags;		/* sigaltstack's ss_flags (mode, SS_AUTODISARM) */
	int exit_code;			/* wait status, Linux encoding */
	int exit_signal;		/* sent to the parent at exit: SIGCHLD, clone's low byte, 0: none */
	int *set_child_tid;		/* CLONE_CHILD_SETTID: the child writes its tid here as it starts */
	unsigned long *clear_child_tid;	/* set_tid_address */
	int *vfork_done;		/* CLONE_VFORK: set at exec or exit, in the waiting parent's kernel_clone */
	struct task_struct *vfork_parent;	/* who waits on it */
	/*
	 * How restart_syscall goes on with a call that returned
	 * -ERESTART_RESTARTBLOCK (Linux: struct restart_block): nanosleep's
	 * deadline, so the restarted sleep ends when the first would have.
	 */
	struct restart_block {
		long (*fn)(struct restart_block *restart);
		u64 expires;			/* CLOCK_MONOTONIC ns */
		struct timespec *rmtp;
		struct {			/* futex_wait_restart */
			u32 *uaddr;
			u32 val, bitset;
			bool shared;
		} futex;
	} restart_block;
	void *robust_list;		/* set_robust_list: kept for get_robust_list (no robust futex walk at exit) */

	/* getrusage: this thread's; the group's and its children's are in signal_struct */
	unsigned long min_flt, maj_flt;
	u64 utime_ns, stime_ns;
	u64 start_time;			/* ns since boot, at fork (/proc/PID/stat's starttime) */
};

static inline struct task_struct *get_current(void) { return this_cpu()->curr; }
#define current get_current()

static inline bool thread_group_leader(const struct task_struct *t) { return t->group_leader == t; }
/* Only the leader is left on the thread list (Linux: thread_group_empty). */
static inline bool thread_group_empty(const struct task_struct *t) { return t->signal->nr_threads == 1; }
#define for_each_thread(p, t) \
	list_for_each_entry(t, &(p)->signal->thread_head, thread_node)

static inline struct pt_regs *task_pt_regs(struct task_struct *t)
{
	return (struct pt_regs *)(t->stack + THREAD_SIZE) - 1;
}

/* kernel/sys.c: restart_syscall with nothing to restart gives EINTR. */
long do_no_restart_syscall(struct restart_block *restart);

extern struct list_head task_list;	/* every task but the idle tasks: under the big kernel lock */
extern struct task_struct *init_task_ptr;	/* pid 1 */

/* Is t the first task on task_list that uses its mm? (Walks every mm once although threads share them.) */
bool task_mm_first(const struct task_struct *t);

void sched_init(void);
void init_idle(struct task_struct *idle, int cpu);	/* an AP's idle task, "swapper/N" */
void schedule(void);
/* Makes a TASK_INTERRUPTIBLE or TASK_UNINTERRUPTIBLE task runnable. */
void wake_up_process(struct task_struct *t);
/*
 * Sleeping without a channel (a lock's own wait list): set the state with
 * interrupts off, recheck the condition, schedule(); the waker calls
 * wake_up_process. A wake-up between the two cannot be lost: it sets the
 * state back to TASK_RUNNING and schedule() then keeps the task.
 */
static inline void set_current_state(long state)
{
	__atomic_store_n(&current->state, state, __ATOMIC_SEQ_CST);
}
/* Sleep on chan until woken, a signal arrives (-ERESTARTSYS) or timeout_ns passes (0 = none). */
int sleep_on(void *chan, u64 timeout_ns);
void wake_up(void *chan);
void scheduler_tick(void);
struct task_struct *find_task_by_pid(pid_t pid);
struct task_struct *alloc_task(void);		/* zeroed, with a kernel stack and a pid; found by nobody until wake_up_new_task */
void unhash_task(struct task_struct *t);	/* off task_list: no longer found by pid */
void free_task(struct task_struct *t);		/* waits until no CPU stands on its stack */
__attribute__((noreturn)) void cpu_idle(void);
static inline int task_cpu(const struct task_struct *t) { return __atomic_load_n(&t->cpu, __ATOMIC_RELAXED); }
void wake_up_new_task(struct task_struct *p);	/* fork: first placement, on the least busy allowed CPU */
void kick_process(struct task_struct *p);	/* if p runs on another CPU, make it enter the kernel */
long sched_setaffinity(pid_t pid, unsigned long mask);

/* kernel/fork.c, exec.c, exit.c */
long do_fork(struct pt_regs *regs);
long sys_vfork(struct pt_regs *regs);
__attribute__((noreturn)) void do_exit(int wait_status);
__attribute__((noreturn)) void do_group_exit(int wait_status);
void zap_other_threads(struct task_struct *p);
int de_thread(struct task_struct *tsk);
void exit_files(struct task_struct *tsk);
void exit_mm_release(struct task_struct *tsk, struct mm_struct *mm);
struct files_struct *files_alloc(void);
struct signal_struct *signal_alloc(void);
int init_task_signal(struct task_struct *p);	/* a new group with p as its leader */
long sys_clone3(struct pt_regs *regs);
struct sighand_struct *sighand_alloc(void);
void put_signal_struct(struct signal_struct *sig);
u64 thread_group_cputime_ns(struct task_struct *p);	/* CLOCK_PROCESS_CPUTIME_ID */
struct task_usage {
	u64 utime_ns, stime_ns;
	unsigned long min_flt, maj_flt;
};
struct task_usage thread_group_usage(struct task_struct *p);	/* the group's, released threads included */
void __cleanup_sighand(struct sighand_struct *sighand);
void start_init(const char *path);
long do_execve(const char *path, const char *const *argv, const char *const *envp);
long kernel_execve(const char *path, const char *const *argv, const char *const *envp);
void exit_to_user_mode(struct pt_regs *regs);
extern u8 init_fpu_state[512];

#endif
