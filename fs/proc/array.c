/*
 * /proc/PID/status and /proc/PID/stat (Linux: fs/proc/array.c).
 */
#include <fs/proc_fs.h>
#include <kernel/kernel.h>
#include <kernel/errno.h>
#include <kernel/sched.h>
#include <lib/string.h>
#include <mm/mm.h>
#include <mm/numa.h>
#include <arch/x86_64/time.h>

static const char *task_state_name(const struct task_struct *t)
{
	switch (t->state) {
	case TASK_RUNNING:
		return "R (running)";
	case TASK_UNINTERRUPTIBLE:
		return "D (disk sleep)";
	case EXIT_ZOMBIE:
		return "Z (zombie)";
	default:
		return "S (sleeping)";
	}
}

static void seq_sigmask(struct seq_file *m, const char *name, sigset_t set)
{
	seq_printf(m, "%s:\t%016lx\n", name, set);
}

/* Linux: proc_pid_status in fs/proc/array.c; the lines Pagoda has, in its order. */
int proc_pid_status(struct seq_file *m, struct proc_file *pf)
{
	struct task_struct *t = find_task_by_pid(pf->node.pid);
	sigset_t ign = 0, cgt = 0;

	if (!t)
		return -ESRCH;
	seq_puts(m, "Name:\t");
	for (const char *c = t->comm; *c && c < t->comm + TASK_COMM_LEN; c++) {
		if (*c == '\n')
			seq_puts(m, "\\n");
		else if (*c == '\\')
			seq_puts(m, "\\\\");
		else
			seq_putc(m, *c);
	}
	seq_printf(m, "\nUmask:\t0022\nState:\t%s\n", task_state_name(t));
	seq_printf(m, "Tgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\nTracerPid:\t0\n",
		   t->tgid, t->pid, t->parent && t->parent != t ? t->parent->tgid : 0);
	seq_puts(m, "Uid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n");
	seq_printf(m, "FDSize:\t%d\nGroups:\t \nNStgid:\t%d\nNSpid:\t%d\n", NR_OPEN_DEFAULT, t->tgid, t->pid);
	if (t->mm && t->state != EXIT_ZOMBIE) {
		struct mm_struct *mm = get_task_mm(t);

		/* Pagoda's task_mem walks the VMAs (Linux keeps counters): under mmap_lock. */
		mmap_read_lock(mm);
		task_mem(m, mm);
		mmap_read_unlock(mm);
		mmput(mm);
		/* The lock may have slept, and t exited meanwhile: find it again (no task refcount). */
		t = find_task_by_pid(pf->node.pid);
		if (!t)
			return -ESRCH;
	}
	/* Threads: the group's, whichever thread is asked (Linux: get_nr_threads). */
	seq_printf(m, "CoreDumping:\t0\nTHP_enabled:\t1\nThreads:\t%d\n", t->signal->nr_threads);
	for (int sig = 1; sig <= _NSIG; sig++) {
		void *h = t->sighand->action[sig - 1].handler;

		if (h == SIG_IGN)
			ign |= sigmask(sig);
		else if (h != SIG_DFL)
			cgt |= sigmask(sig);
	}
	seq_sigmask(m, "SigPnd", t->sig.pending);
	seq_sigmask(m, "ShdPnd", t->signal->shared_pending.signal);
	seq_sigmask(m, "SigBlk", t->sig.blocked);
	seq_sigmask(m, "SigIgn", ign);
	seq_sigmask(m, "SigCgt", cgt);
	seq_puts(m, "Cpus_allowed_list:\t");
	seq_bitmap_list(m, t->cpus_mask, nr_cpus());
	seq_puts(m, "\nMems_allowed_list:\t");
	seq_bitmap_list(m, (1ULL << nr_node_ids) - 1, nr_node_ids);
	seq_putc(m, '\n');
	return 0;
}

#define USER_HZ 100	/* clock_t: what times(2) and /proc count in */

/* Linux: task_state_array's letter. */
static char task_state_char(const struct task_struct *t)
{
	return task_state_name(t)[0];
}

static unsigned long nsec_to_clock_t(u64 ns)
{
	return ns / (NSEC_PER_SEC / USER_HZ);
}

/*
 * Linux: do_task_stat, the 52 fields in its order. whole: the process
 * (/proc/PID/stat: the group's faults and times), else one thread
 * (/proc/PID/task/TID/stat). Fields Pagoda has no notion of are what Linux
 * prints for a task without them: no tty, nice 0 (priority 20), the
 * SCHED_OTHER policy, no per-task flags, kstkesp/kstkeip 0 (Linux shows
 * them only for a core dump), arg/env addresses 0 (exec does not record
 * them yet). Field 39 is the CPU the task runs on or last ran on.
 */
static int do_task_stat(struct seq_file *m, struct task_struct *t, bool whole, unsigned long vsize)
{
	struct signal_struct *sig = t->signal;
	struct mm_struct *mm = t->state == EXIT_ZOMBIE ? NULL : t->mm;
	struct task_usage u = { t->utime_ns, t->stime_ns, t->min_flt, t->maj_flt };
	sigset_t ign = 0, cgt = 0;
	char comm[TASK_COMM_LEN + 1];
	/* wchan: only "is it asleep", and not for a process of several threads. */
	int wchan = (!whole || sig->nr_threads < 2) &&
		    (t->state == TASK_INTERRUPTIBLE || t->state == TASK_UNINTERRUPTIBLE);

	if (whole)
		u = thread_group_usage(t);
	for (int s = 1; s <= _NSIG; s++) {
		void *h = t->sighand->action[s - 1].handler;

		if (h == SIG_IGN)
			ign |= sigmask(s);
		else if (h != SIG_DFL)
			cgt |= sigmask(s);
	}
	strlcpy(comm, t->comm, sizeof(comm));
	seq_printf(m, "%d (%s) %c %d %d %d 0 -1 0 %lu %lu %lu %lu %lu %lu %lu %lu 20 0 %d 0 %lu %lu %lu %lu",
		   t->pid, comm, task_state_char(t),
		   t->parent && t->parent != t ? t->parent->tgid : 0, t->pgid, t->sid,
		   u.min_flt, sig->cmin_flt, u.maj_flt, sig->cmaj_flt,
		   nsec_to_clock_t(u.utime_ns), nsec_to_clock_t(u.stime_ns),
		   nsec_to_clock_t(sig->cutime_ns), nsec_to_clock_t(sig->cstime_ns),
		   sig->nr_threads, nsec_to_clock_t(t->start_time), vsize,
		   mm ? get_mm_rss(mm) : 0, (unsigned long)-1 /* RLIM_INFINITY */);
	seq_printf(m, " %lu %lu %lu 0 0 %lu %lu %lu %lu %d 0 0 %d %d 0 0 0 0 0",
		   mm ? mm->start_code : 0, mm ? mm->end_code : 0, mm ? mm->start_stack : 0,
		   (t->sig.pending | (whole ? sig->shared_pending.signal : 0)) & 0x7fffffffUL,
		   t->sig.blocked & 0x7fffffffUL, ign & 0x7fffffffUL, cgt & 0x7fffffffUL,
		   wchan,
		   t->exit_signal, task_cpu(t));
	if (mm)
		seq_printf(m, " %lu %lu %lu 0 0 0 0", mm->start_data, mm->end_data, mm->start_brk);
	else
		seq_puts(m, " 0 0 0 0 0 0 0");
	seq_printf(m, " %d\n", t->state == EXIT_ZOMBIE ? t->exit_code : 0);
	return 0;
}

/*
 * The task pid and its vsize (field 23: the sum of its VMAs, walked under
 * mmap_lock; Linux reads its total_vm counter instead). The lock may
 * sleep and the task exit meanwhile (there is no task refcount): the task
 * is looked up again afterwards. NULL if it is gone.
 */
static struct task_struct *find_task_vsize(pid_t pid, unsigned long *vsize)
{
	struct task_struct *t = find_task_by_pid(pid);
	struct mm_struct *mm = t && t->state != EXIT_ZOMBIE ? get_task_mm(t) : NULL;
	struct vm_area_struct *vma;

	*vsize = 0;
	if (!mm)
		return t;
	mmap_read_lock(mm);
	for_each_vma(mm, vma)
		*vsize += vma->vm_end - vma->vm_start;
	mmap_read_unlock(mm);
	mmput(mm);
	return find_task_by_pid(pid);
}

int proc_tgid_stat(struct seq_file *m, struct proc_file *pf)
{
	unsigned long vsize;
	struct task_struct *t = find_task_vsize(pf->node.pid, &vsize);

	return t ? do_task_stat(m, t, true, vsize) : -ESRCH;
}

int proc_tid_stat(struct seq_file *m, struct proc_file *pf)
{
	unsigned long vsize;
	struct task_struct *t = find_task_vsize(pf->node.pid, &vsize);

	return t ? do_task_stat(m, t, false, vsize) : -ESRCH;
}
