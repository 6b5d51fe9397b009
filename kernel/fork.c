/*
 * fork: a new task with a copy of the caller's address space, files and
 * signal dispositions (Linux: kernel/fork.c copy_process, dup_mm, dup_mmap).
 *
 *   do_fork -> alloc_task -> dup_mm -> dup_mmap -> for each VMA:
 *                                        vm_area_dup, anon_vma_fork,
 *                                        copy_page_range
 *           -> dup_files -> copy_thread (arch/x86_64/process.c) -> wake_up_process
 */
#include <kernel/sched.h>
#include <kernel/kernel.h>
#include <lib/string.h>
#include <kernel/errno.h>
#include <fs/fs.h>
#include <arch/x86_64/uaccess.h>
#include <arch/x86_64/process.h>
#include <mm/mm.h>
#include <mm/rmap.h>
#include <mm/hugetlb.h>


#define CLONE_VM		0x00000100
#define CLONE_FS		0x00000200
#define CLONE_FILES		0x00000400
#define CLONE_SIGHAND		0x00000800
#define CLONE_VFORK		0x00004000
#define CLONE_THREAD		0x00010000
#define CLONE_PARENT_SETTID	0x00100000
#define CLONE_CHILD_CLEARTID	0x00200000
#define CLONE_CHILD_SETTID	0x01000000
#define CSIGNAL			0x000000ff

/* Copy every VMA of oldmm (except MADV_DONTFORK ones) and its page tables. */
static int dup_mmap(struct mm_struct *mm, struct mm_struct *oldmm)
{
	struct vm_area_struct *mpnt, *tmp;
	int err;

	for_each_vma(oldmm, mpnt) {
		if (mpnt->vm_flags & VM_DONTCOPY)
			continue;
		tmp = vm_area_dup(mpnt);
		if (!tmp)
			return -ENOMEM;
		tmp->vm_mm = mm;
		tmp->anon_vma = NULL;
		/* The child owns no hugetlb reservation: its COW copies take unreserved pages. */
		if (is_vm_hugetlb_page(tmp))
			hugetlb_dup_vma_private(tmp);
		/* MADV_WIPEONFORK: the child's copy is empty; it faults in zeroes. */
		err = (tmp->vm_flags & VM_WIPEONFORK) ? 0 : anon_vma_fork(tmp, mpnt);
		if (err) {
			vm_area_free(tmp);
			return err;
		}
		vma_link_tail(mm, tmp);
		if (tmp->vm_flags & VM_WIPEONFORK)
			continue;
		err = copy_page_range(tmp, mpnt);
		if (err)
			return err;
	}
	return 0;
}

static struct mm_struct *dup_mm(struct mm_struct *oldmm)
{
	struct mm_struct *mm = mm_alloc();

	if (!mm)
		return NULL;
	mm->mmap_base = oldmm->mmap_base;
	mm->start_code = oldmm->start_code;
	mm->end_code = oldmm->end_code;
	mm->start_data = oldmm->start_data;
	mm->end_data = oldmm->end_data;
	mm->start_brk = oldmm->start_brk;
	mm->brk = oldmm->brk;
	mm->start_stack = oldmm->start_stack;
	if (dup_mmap(mm, oldmm)) {
		mmput(mm);	/* tears down whatever was copied */
		return NULL;
	}
	return mm;
}

static void link_child(struct task_struct *p, struct task_struct *parent)
{
	p->parent = parent;
	p->pgid = parent->pgid;
	p->sid = parent->sid;
	list_add_tail(&p->sibling, &parent->children);
	memcpy(p->comm, parent->comm, sizeof(p->comm));
	p->sig.blocked = parent->sig.blocked;
	memcpy(p->sig.action, parent->sig.action, sizeof(p->sig.action));
	p->sas_ss_sp = parent->sas_ss_sp;	/* fork keeps the alternate signal stack */
	p->sas_ss_size = parent->sas_ss_size;
	p->sas_ss_flags = parent->sas_ss_flags;
}

/*
 * A copy of the caller. clone_flags' low byte is the signal the child
 * sends its parent when it exits (fork: SIGCHLD). child_tid_user is for
 * CLONE_CHILD_SETTID and CLONE_CHILD_CLEARTID.
 */
static long copy_process(struct pt_regs *regs, unsigned long clone_flags, int *child_tid_user)
{
	struct task_struct *parent = current, *p;

	p = alloc_task();
	if (!p)
		return -EAGAIN;		/* no pid or no memory for a task: Linux says EAGAIN too */
	p->mm = dup_mm(parent->mm);
	if (!p->mm) {
		free_task(p);
		return -ENOMEM;
	}
	dup_files(p, parent);
	link_child(p, parent);
	copy_thread(p, regs, NULL, NULL);
	p->exit_signal = clone_flags & CSIGNAL;
	/* The child writes its tid into its own memory as it first runs (schedule_tail). */
	if (clone_flags & CLONE_CHILD_SETTID)
		p->set_child_tid = child_tid_user;
	if (clone_flags & CLONE_CHILD_CLEARTID)
		p->clear_child_tid = (unsigned long *)child_tid_user;
	return p->pid;
}

long do_fork(struct pt_regs *regs)
{
	long pid = copy_process(regs, SIGCHLD, NULL);

	if (pid > 0)
		wake_up_process(find_task_by_pid(pid));
	return pid;
}

long sys_fork(struct pt_regs *regs)
{
	return do_fork(regs);
}

/*
 * clone(flags, newsp, parent_tid, child_tid, tls) in its fork-like uses
 * (glibc's fork passes CHILD_SETTID|CHILD_CLEARTID|SIGCHLD). Threads
 * (CLONE_VM without CLONE_VFORK) are not supported yet. The low byte of
 * flags is the exit signal: a child with another signal than SIGCHLD (or
 * none) is a "clone" child, which wait4 sees only with __WCLONE or __WALL.
 * CLONE_PARENT_SETTID writes the child's pid in the parent's memory,
 * CLONE_CHILD_SETTID in the child's.
 */
long sys_clone(struct pt_regs *regs)
{
	unsigned long flags = regs->rdi;
	int *parent_tid = (int *)regs->rdx, *child_tid = (int *)regs->r10;
	struct task_struct *p;
	long pid;

	if ((flags & CLONE_VM) && !(flags & CLONE_VFORK))
		return -EINVAL;
	if (flags & (CLONE_THREAD | CLONE_SIGHAND))
		return -EINVAL;
	pid = copy_process(regs, flags, child_tid);
	if (pid < 0)
		return pid;
	p = find_task_by_pid(pid);
	if (regs->rsi)
		task_pt_regs(p)->rsp = regs->rsi;
	if ((flags & CLONE_PARENT_SETTID) && put_user((int)pid, parent_tid)) {
		/* Linux writes it before the child runs; a bad pointer is the caller's loss. */
	}
	wake_up_process(p);
	return pid;
}

/* The first user process: a kernel task that execs /init and drops to user mode. */
static void init_exec(void *path)
{
	static const char *const envp[] = { "HOME=/", "TERM=linux", NULL };
	const char *argv[] = { path, NULL };
	long err = kernel_execve(path, argv, envp);

	if (err)
		panic("cannot run %s: error %ld", (const char *)path, err);
}

void start_init(const char *path)
{
	struct task_struct *p = alloc_task();

	BUG_ON(!p || p->pid != 1);
	strlcpy(p->comm, "init", sizeof(p->comm));
	p->parent = p;
	p->pgid = p->sid = p->pid;
	memcpy(p->fpu_state, init_fpu_state, sizeof(p->fpu_state));
	fd_install_console(p);
	copy_thread(p, NULL, init_exec, (void *)path);
	init_task_ptr = p;
	wake_up_process(p);
}
