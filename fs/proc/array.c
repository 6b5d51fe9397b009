/*
 * /proc/PID/status (Linux: fs/proc/array.c).
 */
#include <fs/proc_fs.h>
#include <kernel/kernel.h>
#include <kernel/errno.h>
#include <kernel/sched.h>
#include <lib/string.h>
#include <mm/mm.h>
#include <mm/numa.h>

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
	seq_bitmap_list(m, nr_cpus() >= 64 ? ~0ULL : (1ULL << nr_cpus()) - 1, nr_cpus());
	seq_puts(m, "\nMems_allowed_list:\t");
	seq_bitmap_list(m, (1ULL << nr_node_ids) - 1, nr_node_ids);
	seq_putc(m, '\n');
	return 0;
}
