/*
 * /proc/cmdline (Linux: fs/proc/cmdline.c).
 */
#include <fs/proc_fs.h>
#include <kernel/kernel.h>
#include <kernel/errno.h>
#include <kernel/sched.h>
#include <lib/string.h>
#include <arch/x86_64/setup.h>

int cmdline_proc_show(struct seq_file *m, struct proc_file *pf)
{
	seq_printf(m, "%s\n", saved_command_line ? saved_command_line : "");
	return 0;
}
