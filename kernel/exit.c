/*
 * exit and wait4 (Linux: kernel/exit.c). An exiting task drops its memory
 * and files at once, hands its children to another thread of its group or
 * to init, and stays a zombie (its task_struct and kernel stack) until its
 * parent reaps it with wait4.
 *
 * Threads: exit ends one thread, exit_group (or a fatal signal) the whole
 * group (SIGNAL_GROUP_EXIT, every other thread gets SIGKILL). A thread
 * that is not the leader is released as it exits (nobody waits for it).
 * The leader stays a zombie, unreported, until the last thread is gone;
 * then its parent hears of the group with the group's exit code
 * (Linux: exit_notify, delay_group_leader, release_task).
 *
 * Wait status, as Linux encodes it: exit code (code & 0xff) << 8; killed
 * by a signal: the signal number in bits 0-6 (0x80 if a core was dumped;
 * Pagoda never writes one).
 */
#include <mm/mempolicy.h>
#include <kernel/sched.h>
#include <kernel/smp_lock.h>
#include <kernel/kernel.h>
#include <kernel/errno.h>
#include <fs/fs.h>
#include <kernel/power.h>
#include <arch/x86_64/uaccess.h>
#include <arch/x86_64/time.h>
#include <mm/mm.h>
#include <kernel/futex.h>

#define WNOHANG		0x00000001
#define WUNTRACED	0x00000002
#define WEXITED		0x00000004
#define WCONTINUED	0x00000008
#define __WNOTHREAD	0x20000000
#define __WALL		0x40000000
#define __WCLONE	0x80000000

#define RUSAGE_SELF	0
#define RUSAGE_CHILDREN	(-1)
#define RUSAGE_THREAD	1

struct rusage {
	long ru_utime[2], ru_stime[2];
	long ru_maxrss, ru_ixrss, ru_idrss, ru_isrss;
	long ru_minflt, ru_majflt, ru_nswap, ru_inblock, ru_oublock;
	long ru_msgsnd, ru_msgrcv, ru_nsignals, ru_nvcsw, ru_nivcsw;
};

/*
 * A thread leaves mm (exit, or exec: Linux mm_release): CLONE_CHILD_CLEARTID
 * / set_tid_address. If others still use mm, 0 goes to the word and one
 * waiter of its (shared) futex wakes: pthread_join. A bad address is
 * ignored, as in Linux. tsk is current and mm still its address space.
 */
void exit_mm_release(struct task_struct *tsk, struct mm_struct *mm)
{
	if (tsk->clear_child_tid && atomic_read(&mm->mm_users) > 1) {
		put_user(0, (int *)tsk->clear_child_tid);
		do_futex((u32 *)tsk->clear_child_tid, FUTEX_WAKE, 1, NULL, NULL, 0, 0);
	}
	tsk->clear_child_tid = NULL;
	/* A vfork parent waits for this: its memory is its own again (Linux: complete_vfork_done). */
	if (tsk->vfork_done) {
		struct task_struct *parent = tsk->vfork_parent;

		__atomic_store_n(tsk->vfork_done, 1, __ATOMIC_RELEASE);
		tsk->vfork_done = NULL;
		wake_up_process(parent);
	}
}

static void exit_mm(struct task_struct *tsk)
{
	struct mm_struct *mm = tsk->mm;

	if (!mm)
		return;
	exit_mm_release(tsk, mm);
	tsk->signal->maxrss_kb = max(tsk->signal->maxrss_kb, mm->hiwater_rss * (PAGE_SIZE / 1024));
	/* Stop using the page tables before they are freed. */
	local_irq_disable();
	switch_mm_irqs_off(&init_mm);	/* and leave mm_cpumask(mm) */
	tsk->mm = NULL;
	local_irq_enable();
	mmput(mm);
}

/* A thread of tsk's group that has not exited (Linux: find_alive_thread). */
static struct task_struct *find_alive_thread(struct task_struct *tsk)
{
	struct task_struct *t;

	for_each_thread(tsk, t)
		if (t != tsk && !(t->state & (EXIT_ZOMBIE | EXIT_DEAD)))
			return t;
	return NULL;
}

/*
 * Children of an exiting thread are adopted by a live thread of its group,
 * or else by init, which reaps them (Linux: find_new_reaper). Every
 * thread of a child has the child's parent.
 */
static void forget_original_parent(struct task_struct *tsk)
{
	struct task_struct *child, *next, *t;
	struct task_struct *reaper = find_alive_thread(tsk);
	bool zombies = false;

	if (!reaper)
		reaper = init_task_ptr;
	list_for_each_entry_safe(child, next, &tsk->children, sibling) {
		list_del(&child->sibling);
		for_each_thread(child, t)
			t->parent = reaper;
		/* init hears of it as of any child (Linux: reparent_leader) */
		if (reaper->signal != tsk->signal)
			child->exit_signal = SIGCHLD;
		list_add_tail(&child->sibling, &reaper->children);
		zombies |= child->state == EXIT_ZOMBIE;
	}
	if (zombies)
		wake_up(reaper->signal);
}

/*
 * A parent that ignores SIGCHLD (SIG_IGN, or SA_NOCLDWAIT) does not wait:
 * its children are reaped as they exit (Linux: do_notify_parent). Only
 * children that exit with SIGCHLD: a clone child with another exit signal
 * stays a zombie for wait4(__WCLONE).
 */
static bool parent_autoreaps(const struct task_struct *tsk)
{
	const struct k_sigaction *ka = &tsk->parent->sighand->action[SIGCHLD - 1];

	return tsk->parent != init_task_ptr && tsk->exit_signal == SIGCHLD &&
	       (ka->handler == SIG_IGN || (ka->sa_flags & SA_NOCLDWAIT));
}

/*
 * What wait4 reports of a group leader: the group's code (exit_group's, a
 * fatal signal's, or the last thread's exit code; see do_exit).
 */
static int task_exit_status(const struct task_struct *p)
{
	return (p->signal->flags & SIGNAL_GROUP_EXIT) ? p->signal->group_exit_code : p->exit_code;
}

/*
 * Send the parent the child's exit signal and wake its wait4. clone takes
 * any low byte: 0, or a number above _NSIG, sends nothing (Linux:
 * do_notify_parent's valid_signal(sig) && sig).
 */
static void notify_parent(struct task_struct *tsk)
{
	struct task_struct *parent = tsk->parent;
	int sig = tsk->exit_signal, status = task_exit_status(tsk);
	kernel_siginfo_t info = { .si_signo = sig };

	info.si_code = (status & 0x7f) ? CLD_KILLED : CLD_EXITED;
	info.chld.si_pid = tsk->pid;
	info.chld.si_status = (status & 0x7f) ? (status & 0x7f) : (status >> 8) & 0xff;
	if (sig > 0 && sig <= _NSIG)
		send_signal(parent, sig, &info, PIDTYPE_TGID);
	wake_up(parent->signal);
}

/*
 * Take tsk off its group's thread list; the group keeps its usage
 * (Linux: __exit_signal, under siglock on SMP).
 */
static void __exit_signal(struct task_struct *tsk)
{
	struct signal_struct *sig = tsk->signal;

	sig->utime_ns += tsk->utime_ns;
	sig->stime_ns += tsk->stime_ns;
	sig->min_flt += tsk->min_flt;
	sig->maj_flt += tsk->maj_flt;
	list_del_init(&tsk->thread_node);
	sig->nr_threads--;
}

/*
 * The whole group is gone but its leader: report the leader to its parent,
 * or free it at once if the parent does not wait. Not for the current task.
 */
static void release_leader(struct task_struct *leader)
{
	if (parent_autoreaps(leader)) {
		__exit_signal(leader);
		list_del(&leader->sibling);
		wake_up(leader->parent->signal);	/* a wait4 in progress may now see ECHILD */
		free_task(leader);
	} else {
		notify_parent(leader);
	}
}

/*
 * Become a zombie or go at once (Linux: exit_notify). Interrupts off: the
 * task is about to leave the CPU for good.
 */
static void exit_notify(struct task_struct *tsk)
{
	struct task_struct *leader = tsk->group_leader;

	local_irq_disable();
	if (!thread_group_leader(tsk)) {
		/* A thread is nobody's child: released now, freed after the switch away. */
		__exit_signal(tsk);
		unhash_task(tsk);
		tsk->state = EXIT_DEAD;
		this_cpu()->dead_task = tsk;
		if (leader->state == EXIT_ZOMBIE && thread_group_empty(leader))
			release_leader(leader);
	} else if (!thread_group_empty(tsk)) {
		tsk->state = EXIT_ZOMBIE;	/* reported when the last thread goes */
	} else if (parent_autoreaps(tsk)) {
		/* Nobody waits: the task is freed once the CPU has left its stack. */
		__exit_signal(tsk);
		unhash_task(tsk);
		tsk->state = EXIT_DEAD;
		list_del(&tsk->sibling);
		this_cpu()->dead_task = tsk;
		wake_up(tsk->parent->signal);	/* a wait4 in progress may now see ECHILD */
	} else {
		tsk->state = EXIT_ZOMBIE;
		notify_parent(tsk);
	}
}

__attribute__((noreturn)) void do_exit(int wait_status)
{
	struct task_struct *tsk = current;
	struct signal_struct *sig = tsk->signal;

	if (tsk == init_task_ptr)
		panic("Attempted to kill init! exitcode=0x%08x", wait_status);
	lock_kernel();		/* held to the last schedule(), which drops it */
	/*
	 * The last thread to go gives the group its exit code, unless
	 * exit_group or a fatal signal already did: a leader that exit()ed
	 * first is reported with the last thread's code.
	 */
	if (--sig->live == 0 && !(sig->flags & SIGNAL_GROUP_EXIT)) {
		sig->group_exit_code = wait_status;
		sig->flags |= SIGNAL_GROUP_EXIT;
	}
	exit_mm(tsk);
	exit_files(tsk);
	mpol_put_task_policy(tsk);
	tsk->exit_code = wait_status;
	forget_original_parent(tsk);
	if (sig->group_exec_task)
		wake_up_process(sig->group_exec_task);	/* de_thread waits for the others to go */
	exit_notify(tsk);
	schedule();
	panic("zombie %d ran again", tsk->pid);
}

/*
 * End every thread of the group (Linux: do_group_exit): the first caller
 * sets the group's exit code and kills the others; a thread killed that
 * way exits with the code already set.
 */
__attribute__((noreturn)) void do_group_exit(int wait_status)
{
	struct signal_struct *sig = current->signal;

	if (sig->flags & SIGNAL_GROUP_EXIT) {
		wait_status = sig->group_exit_code;
	} else if (sig->group_exec_task) {
		wait_status = 0;
	} else if (!thread_group_empty(current) || sig->live > 1) {
		sig->group_exit_code = wait_status;
		sig->flags |= SIGNAL_GROUP_EXIT;
		zap_other_threads(current);
	}
	do_exit(wait_status);
}

long sys_exit(int code)
{
	do_exit((code & 0xff) << 8);
}

long sys_exit_group(int code)
{
	do_group_exit((code & 0xff) << 8);
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

/* The whole group's: its released threads' and each listed thread's (Linux: thread_group_cputime). */
struct task_usage thread_group_usage(struct task_struct *p)
{
	struct signal_struct *sig = p->signal;
	struct task_usage u = { sig->utime_ns, sig->stime_ns, sig->min_flt, sig->maj_flt };
	struct task_struct *t;

	for_each_thread(p, t) {
		u.utime_ns += t->utime_ns;
		u.stime_ns += t->stime_ns;
		u.min_flt += t->min_flt;
		u.maj_flt += t->maj_flt;
	}
	return u;
}

u64 thread_group_cputime_ns(struct task_struct *p)
{
	struct task_usage u = thread_group_usage(p);

	return u.utime_ns + u.stime_ns;
}

/*
 * Linux's getrusage: RUSAGE_SELF the whole thread group, RUSAGE_THREAD the
 * thread t, RUSAGE_CHILDREN the reaped children; ru_maxrss is the group's
 * peak for SELF and THREAD (with its mm's current high-water mark).
 */
static void fill_rusage(struct rusage *ru, struct task_struct *t, int who)
{
	struct signal_struct *sig = t->signal;
	struct task_usage u = { t->utime_ns, t->stime_ns, t->min_flt, t->maj_flt };

	if (who == RUSAGE_SELF)
		u = thread_group_usage(t);
	else if (who == RUSAGE_CHILDREN)
		u = (struct task_usage){ sig->cutime_ns, sig->cstime_ns, sig->cmin_flt, sig->cmaj_flt };
	*ru = (struct rusage){ 0 };
	ru->ru_utime[0] = u.utime_ns / NSEC_PER_SEC;
	ru->ru_utime[1] = (u.utime_ns % NSEC_PER_SEC) / 1000;
	ru->ru_stime[0] = u.stime_ns / NSEC_PER_SEC;
	ru->ru_stime[1] = (u.stime_ns % NSEC_PER_SEC) / 1000;
	ru->ru_minflt = u.min_flt;
	ru->ru_majflt = u.maj_flt;
	if (who == RUSAGE_CHILDREN)
		ru->ru_maxrss = sig->cmaxrss_kb;
	else
		ru->ru_maxrss = max(sig->maxrss_kb, t->mm ? t->mm->hiwater_rss * (PAGE_SIZE / 1024) : 0);
}

/*
 * Reap a zombie group leader (its threads are gone): account the group to
 * the parent's group, free what is left of it, then report its status and
 * usage. Like Linux, a bad pointer still reaps the child (the call returns
 * EFAULT).
 */
static long release_task(struct task_struct *p, int *stat_addr, struct rusage *ru)
{
	struct signal_struct *psig = current->signal, *sig = p->signal;
	struct task_usage u = thread_group_usage(p);
	pid_t pid = p->pid;
	int status = task_exit_status(p);
	struct rusage r;

	fill_rusage(&r, p, RUSAGE_SELF);
	r.ru_minflt += sig->cmin_flt;
	r.ru_majflt += sig->cmaj_flt;
	psig->cmaxrss_kb = max(psig->cmaxrss_kb, max(sig->maxrss_kb, sig->cmaxrss_kb));
	psig->cmin_flt += u.min_flt + sig->cmin_flt;
	psig->cmaj_flt += u.maj_flt + sig->cmaj_flt;
	psig->cutime_ns += u.utime_ns + sig->cutime_ns;
	psig->cstime_ns += u.stime_ns + sig->cstime_ns;
	list_del(&p->sibling);
	__exit_signal(p);
	free_task(p);
	if (stat_addr && put_user(status, stat_addr))
		return -EFAULT;
	if (ru && copy_to_user(ru, &r, sizeof(r)))
		return -EFAULT;
	return pid;
}

/*
 * Look at the children of one thread: reap a zombie that may be reaped
 * (a leader whose threads are all gone: Linux's delay_group_leader), or
 * say whether there is any child this wait4 may see (*have_child).
 */
static long wait_children_of(struct task_struct *t, pid_t pid, int options, int *stat_addr,
			     struct rusage *ru, bool *have_child)
{
	struct task_struct *child;

	list_for_each_entry(child, &t->children, sibling) {
		if (!wait_matches(child, pid, options))
			continue;
		*have_child = true;
		if (child->state == EXIT_ZOMBIE && thread_group_empty(child))
			return release_task(child, stat_addr, ru);
	}
	return 0;
}

/*
 * wait4 sees the children of every thread of the caller's group, or of
 * the caller alone with __WNOTHREAD (Linux: do_wait). It sleeps on the
 * group's signal_struct, which a child's exit wakes.
 */
long sys_wait4(pid_t pid, int *stat_addr, int options, struct rusage *ru)
{
	struct task_struct *tsk = current, *t;

	if (options & ~(WNOHANG | WUNTRACED | WCONTINUED | __WNOTHREAD | __WCLONE | __WALL))
		return -EINVAL;
	for (;;) {
		bool have_child = false;
		long ret = 0;

		if (options & __WNOTHREAD) {
			ret = wait_children_of(tsk, pid, options, stat_addr, ru, &have_child);
		} else {
			for_each_thread(tsk, t) {
				ret = wait_children_of(t, pid, options, stat_addr, ru, &have_child);
				if (ret)
					break;
			}
		}
		if (ret)
			return ret;
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
		sleep_on(tsk->signal, 0);
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
