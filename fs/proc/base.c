/*
 * /proc/PID/comm (Linux: fs/proc/base.c).
 */
#include <fs/proc_fs.h>
#include <kernel/kernel.h>
#include <kernel/errno.h>
#include <kernel/sched.h>
#include <lib/string.h>

int proc_pid_comm(struct seq_file *m, struct proc_file *pf)
{
	struct task_struct *t = find_task_by_pid(pf->node.pid);

	if (!t)
		return -ESRCH;
	seq_printf(m, "%s\n", t->comm);
	return 0;
}

/* Linux lets a task rename only itself or its own threads (comm_write); the text is cut to 15 bytes. */
int proc_pid_comm_write(struct proc_file *pf, const char *req)
{
	struct task_struct *t = find_task_by_pid(pf->node.pid);

	if (!t)
		return -ESRCH;
	if (t->signal != current->signal)
		return -EINVAL;
	strlcpy(t->comm, req, sizeof(t->comm));
	return 0;
}
