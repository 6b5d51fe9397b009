/*
 * exit and wait4 (Linux: kernel/exit.c). An exiting task drops its memory
 * and files at once, hands its children to init, and stays a zombie (its
 * task_struct and kernel stack) until its parent reaps it with wait4.
 *
 * Wait status, as Linux encodes it: exit code (code & 0xff) << 8; killed
 * by a signal: the signal number in bits 0-6 (0x80 if a core was dumped;
 * Pagoda never writes one).
 */
#include <kernel/sched.h>
#include <kernel/kernel.h>
#include <kernel/errno.h>
#include <fs/fs.h>
#include <kernel/power.h>
#include <arch/x86_64/uaccess.h>
#include <arch/x86_64/time.h>
#include <mm/mm.h>

#define WNOHANG		0x00000001
#define WUNTRACED	0x00000002
#define WEXITED		0x00000004
#define WCONTINUED	0x00000008
#define __WNOTHREAD	0x20000000
#define __WALL		0x40000000
#define __WCLONE	0x80000000

#define RUSAGE_SELF	0
#define RUSAGE_CHILDREN	(-1)
#define RUSAGE_THREAD	1	/* one thread per process: the same as RUSAGE_SELF */

struct rusage {
	long ru_utime[2], ru_stime[2];
	long ru_maxrss, ru_ixrss, ru_idrss, ru_isrss;
	long ru_minflt, ru_majflt, ru_nswap, ru_inblock, ru_oublock;
	long ru_msgsnd, ru_msgrcv, ru_nsignals, ru_nvcsw, ru_nivcsw;
};

static void exit_mm(struct task_struct *tsk)
{
	struct mm_struct *mm = tsk->mm;

	if (!mm)
		return;
	tsk->maxrss_kb = max(tsk->maxrss_kb, mm->hiwater_rss * (PAGE_SIZE / 1024));
	/* Stop using the page tables before they are freed. */
	local_irq_disable();
	switch_mm_irqs_off(&init_mm);	/* and leave mm_cpumask(mm) */
	tsk->mm = NULL;
	local_irq_enable();
	mmput(mm);
}

/* Children of an exiting task are adopted by init, which reaps them. */
static void forget_original_parent(struct task_struct *tsk)
{
	struct task_struct *child, *next;
	struct task_struct *reaper = init_task_ptr;
	bool zombies = false;

	list_for_each_entry_safe(child, next, &tsk->children, sibling) {
		list_del(&child->sibling);
		child->parent = reaper;
		child->exit_signal = SIGCHLD;	/* init hears of it as of any child (Linux: reparent_leader) */
		list_add_tail(&child->sibling, &reaper->children);
		zombies |= child->state == EXIT_ZOMBIE;
	}
	if (zombies)
		wake_up(reaper);
}

/*
 * A parent that ignores SIGCHLD (SIG_IGN, or SA_NOCLDWAIT) does not wait:
 * its children are reaped as they exit (Linux: do_notify_parent). Only
 * children that exit with SIGCHLD: a clone child with another exit signal
 * stays a zombie for wait4(__WCLONE).
 */
static bool parent_autoreaps(const struct task_struct *tsk)
{
	const struct k_sigaction *ka = &tsk->parent->sig.action[SIGCHLD - 1];

	return tsk->parent != init_task_ptr && tsk->exit_signal == SIGCHLD &&
	       (ka->handler == SIG_IGN || (ka->sa_flags & SA_NOCLDWAIT));
}

/*
 * Send the parent the child's exit signal and wake its wait4. clone takes
 * any low byte: 0, or a number above _NSIG, sends nothing (Linux:
 * do_notify_parent's valid_signal(sig) && sig).
 */
static void notify_parent(struct task_struct *tsk)
{
	struct task_struct *parent = tsk->parent;
	int sig = tsk->exit_signal;
	kernel_siginfo_t info = { .si_signo = sig };

	info.si_code = (tsk->exit_code & 0x7f) ? CLD_KILLED : CLD_EXITED;
	info.chld.si_pid = tsk->pid;
	info.chld.si_status = (tsk->exit_code & 0x7f) ? (tsk->exit_code & 0x7f) : (tsk->exit_code >> 8) & 0xff;
	if (sig > 0 && sig <= _NSIG)
		send_signal(parent, sig, &info);
	wake_up(parent);
}

__attribute__((noreturn)) void do_exit(int wait_status)
{
	struct task_struct *tsk = current;

	if (tsk == init_task_ptr)
		panic("Attempted to kill init! exitcode=0x%08x", wait_status);
	if (tsk->clear_child_tid) {
		int zero = 0;
		copy_to_user(tsk->clear_child_tid, &zero, sizeof(zero));
	}
	exit_mm(tsk);
	close_files(tsk);
	forget_original_parent(tsk);
	tsk->exit_code = wait_status;
	local_irq_disable();
	if (parent_autoreaps(tsk)) {
		/* Nobody waits: the task is freed once the CPU has left its stack. */
		tsk->state = EXIT_DEAD;
		list_del(&tsk->sibling);
		this_cpu()->dead_task = tsk;
		wake_up(tsk->parent);	/* a wait4 in progress may now see ECHILD */
	} else {
		tsk->state = EXIT_ZOMBIE;
		notify_parent(tsk);
	}
	schedule();
	panic("zombie %d ran again", tsk->pid);
}

long sys_exit(int code)
{
	do_exit((code & 0xff) << 8);
}

long sys_exit_group(int code)
{
	do_exit((code & 0xff) << 8);
}

/* wait4's pid: > 0 that child, -1 any child, 0 my process group, < -1 group -pid. */
static bool wait_matches_pid(const struct task_struct *child, pid_t pid)
{
	if (pid > 0)
		return child->pid == pid;
	if (pid == -1)
		return true;
	return child->pgid == (pid == 0 ? current->pgid : -pid);
}

/*
 * Can this wait4 see child (Linux: eligible_child)? __WALL: every child.
 * Otherwise a "clone" child (exit signal other than SIGCHLD) only with
 * __WCLONE, and the others only without it. A child no wait4 may see
 * counts as no child: ECHILD.
 */
static bool wait_matches(const struct task_struct *child, pid_t pid, int options)
{
	if (!wait_matches_pid(child, pid))
		return false;
	if (options & __WALL)
		return true;
	return (child->exit_signal != SIGCHLD) == !!(options & __WCLONE);
}

/* t's own usage (RUSAGE_SELF) or its reaped children's (RUSAGE_CHILDREN), as Linux's getrusage. */
static void fill_rusage(struct rusage *ru, const struct task_struct *t, int who)
{
	bool children = who == RUSAGE_CHILDREN;
	u64 ut = children ? t->cutime_ns : t->utime_ns;
	u64 st = children ? t->cstime_ns : t->stime_ns;

	*ru = (struct rusage){ 0 };
	ru->ru_utime[0] = ut / NSEC_PER_SEC;
	ru->ru_utime[1] = (ut % NSEC_PER_SEC) / 1000;
	ru->ru_stime[0] = st / NSEC_PER_SEC;
	ru->ru_stime[1] = (st % NSEC_PER_SEC) / 1000;
	ru->ru_minflt = children ? t->cmin_flt : t->min_flt;
	if (children)
		ru->ru_maxrss = t->cmaxrss_kb;
	else
		ru->ru_maxrss = max(t->maxrss_kb, t->mm ? t->mm->hiwater_rss * (PAGE_SIZE / 1024) : 0);
	ru->ru_majflt = children ? t->cmaj_flt : t->maj_flt;
}

/*
 * Reap a zombie: account it to the parent, free what is left of it, then
 * report its status and usage. Like Linux, a bad pointer still reaps the
 * child (the call returns EFAULT).
 */
static long release_task(struct task_struct *p, int *stat_addr, struct rusage *ru)
{
	struct task_struct *parent = current;
	pid_t pid = p->pid;
	int status = p->exit_code;
	struct rusage r;

	fill_rusage(&r, p, RUSAGE_SELF);
	r.ru_minflt += p->cmin_flt;
	r.ru_majflt += p->cmaj_flt;
	parent->cmaxrss_kb = max(parent->cmaxrss_kb, max(p->maxrss_kb, p->cmaxrss_kb));
	parent->cmin_flt += p->min_flt + p->cmin_flt;
	parent->cmaj_flt += p->maj_flt + p->cmaj_flt;
	parent->cutime_ns += p->utime_ns + p->cutime_ns;
	parent->cstime_ns += p->stime_ns + p->cstime_ns;
	list_del(&p->sibling);
	free_task(p);
	if (stat_addr && put_user(status, stat_addr))
		return -EFAULT;
	if (ru && copy_to_user(ru, &r, sizeof(r)))
		return -EFAULT;
	return pid;
}

long sys_wait4(pid_t pid, int *stat_addr, int options, struct rusage *ru)
{
	struct task_struct *tsk = current, *child;

	if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | __WNOTHREAD | __WCLONE | __WALL))
		return -EINVAL;
	for (;;) {
		bool have_child = false;

		list_for_each_entry(child, &tsk->children, sibling) {
			if (!wait_matches(child, pid, options))
				continue;
			have_child = true;
			if (child->state == EXIT_ZOMBIE)
				return release_task(child, stat_addr, ru);
		}
		if (!have_child)
			return -ECHILD;
		if (options & WNOHANG)
			return 0;
		/*
		 * A child's exit both signals and wakes us: look at the children
		 * again before a signal ends the wait (Linux: do_wait).
		 */
		if (signal_pending(tsk))
			return -ERESTARTSYS;
		sleep_on(tsk, 0);
	}
}

long sys_getrusage(int who, struct rusage *ru)
{
	struct rusage r;

	if (who != RUSAGE_SELF && who != RUSAGE_CHILDREN && who != RUSAGE_THREAD)
		return -EINVAL;
	fill_rusage(&r, current, who);
	return copy_to_user(ru, &r, sizeof(r)) ? -EFAULT : 0;
}
