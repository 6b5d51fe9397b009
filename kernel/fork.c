/*
 * fork and clone: a new task with a copy of the caller's address space,
 * files and signal dispositions, or sharing them (CLONE_VM, CLONE_FILES,
 * CLONE_SIGHAND, CLONE_THREAD: threads, docs/threads.md) (Linux:
 * kernel/fork.c kernel_clone, copy_process, dup_mm, dup_mmap).
 *
 *   kernel_clone -> copy_process -> alloc_task
 *                                -> copy_signal, copy_sighand, copy_files (dup_fd)
 *                                -> copy_mm -> dup_mm -> dup_mmap -> for each VMA:
 *                                        vm_area_dup, anon_vma_fork,
 *                                        copy_page_range
 *                                -> copy_thread (arch/x86_64/process.c)
 *                -> wake_up_process
 */
#include <mm/mempolicy.h>
#include <kernel/sched.h>
#include <kernel/smp_lock.h>
#include <kernel/kernel.h>
#include <lib/string.h>
#include <kernel/errno.h>
#include <fs/fs.h>
#include <arch/x86_64/uaccess.h>
#include <arch/x86_64/process.h>
#include <mm/mm.h>
#include <mm/rmap.h>
#include <mm/hugetlb.h>
#include <mm/slab.h>


#define CLONE_VM		0x00000100
#define CLONE_FS		0x00000200
#define CLONE_FILES		0x00000400
#define CLONE_SIGHAND		0x00000800
#define CLONE_PIDFD		0x00001000
#define CLONE_VFORK		0x00004000
#define CLONE_PARENT		0x00008000
#define CLONE_THREAD		0x00010000
#define CLONE_NEWNS		0x00020000
#define CLONE_SYSVSEM		0x00040000
#define CLONE_SETTLS		0x00080000
#define CLONE_PARENT_SETTID	0x00100000
#define CLONE_CHILD_CLEARTID	0x00200000
#define CLONE_DETACHED		0x00400000
#define CLONE_CHILD_SETTID	0x01000000
#define CLONE_NEWUSER		0x10000000
#define CLONE_NEWPID		0x20000000
#define CLONE_CLEAR_SIGHAND	0x100000000ULL
#define CLONE_INTO_CGROUP	0x200000000ULL
#define CLONE_NEWTIME		0x00000080
#define CSIGNAL			0x000000ff
#define CLONE_LEGACY_FLAGS	0xffffffffULL

/* clone3's argument (include/uapi/linux/sched.h); each version adds fields at the end. */
struct clone_args {
	u64 flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
	u64 set_tid, set_tid_size;	/* VER1 */
	u64 cgroup;			/* VER2 */
};
#define CLONE_ARGS_SIZE_VER0	64
#define CLONE_ARGS_SIZE_VER2	88

/* What clone and clone3 ask for, checked (Linux: struct kernel_clone_args). */
struct kernel_clone_args {
	u64 flags;
	int *pidfd, *child_tid, *parent_tid;
	int exit_signal;
	unsigned long stack, stack_size, tls;
};

/*
 * Copy every VMA of oldmm (except MADV_DONTFORK ones) into mm, and their
 * page-table entries. Both
 * mmap_locks are held for writing, the parent's first (Linux: dup_mmap):
 * no thread of the parent changes a VMA or faults one in meanwhile, so
 * the copy is a snapshot; the page-table locks inside copy_page_range.
 */
static int dup_mmap(struct mm_struct *mm, struct mm_struct *oldmm)
{
	struct vm_area_struct *mpnt, *tmp;
	int err = 0;

	mmap_write_lock(oldmm);
	mmap_write_lock_nested(mm, SINGLE_DEPTH_NESTING);
	for_each_vma(oldmm, mpnt) {
		if (mpnt->vm_flags & VM_DONTCOPY)
			continue;
		tmp = vm_area_dup(mpnt);
		if (!tmp) {
			err = -ENOMEM;
			break;
		}
		tmp->vm_mm = mm;
		tmp->anon_vma = NULL;
		/* The child owns no hugetlb reservation: its COW copies take unreserved pages. */
		if (is_vm_hugetlb_page(tmp))
			hugetlb_dup_vma_private(tmp);
		/* MADV_WIPEONFORK: the child's copy is empty; it faults in zeroes. */
		err = (tmp->vm_flags & VM_WIPEONFORK) ? 0 : anon_vma_fork(tmp, mpnt);
		if (err) {
			vm_area_free(tmp);
			break;
		}
		vma_link_tail(mm, tmp);
		if (tmp->vm_flags & VM_WIPEONFORK)
			continue;
		err = copy_page_range(tmp, mpnt);
		if (err)
			break;
	}
	mmap_write_unlock(mm);
	mmap_write_unlock(oldmm);
	return err;
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

/* ---- the shared pieces: files_struct, sighand_struct, signal_struct ---- */

struct files_struct *files_alloc(void)
{
	struct files_struct *files = kzalloc(sizeof(*files), GFP_KERNEL);

	if (files)
		atomic_set(&files->count, 1);
	return files;
}

struct sighand_struct *sighand_alloc(void)
{
	struct sighand_struct *sighand = kzalloc(sizeof(*sighand), GFP_KERNEL);

	if (sighand)
		atomic_set(&sighand->count, 1);
	return sighand;
}

void __cleanup_sighand(struct sighand_struct *sighand)
{
	if (atomic_dec_and_test(&sighand->count))
		kfree(sighand);
}

/* A new thread group of one: the caller links its first task (init_task_signal). */
struct signal_struct *signal_alloc(void)
{
	struct signal_struct *sig = kzalloc(sizeof(*sig), GFP_KERNEL);

	if (!sig)
		return NULL;
	atomic_set(&sig->sigcnt, 0);
	INIT_LIST_HEAD(&sig->thread_head);
	return sig;
}

void put_signal_struct(struct signal_struct *sig)
{
	if (atomic_dec_and_test(&sig->sigcnt))
		kfree(sig);
}

/* p joins sig's thread group (Linux: the CLONE_THREAD part of copy_process, under siglock). */
static void attach_to_signal(struct task_struct *p, struct signal_struct *sig)
{
	atomic_inc(&sig->sigcnt);
	sig->live++;
	sig->nr_threads++;
	list_add_tail(&p->thread_node, &sig->thread_head);
	p->signal = sig;
}

/* The first task of a group: init, or a fork child. */
int init_task_signal(struct task_struct *p)
{
	struct signal_struct *sig = signal_alloc();

	if (!sig)
		return -ENOMEM;
	attach_to_signal(p, sig);
	p->tgid = p->pid;
	p->group_leader = p;
	return 0;
}

static int copy_files(u64 clone_flags, struct task_struct *p)
{
	if (clone_flags & CLONE_FILES) {
		atomic_inc(&current->files->count);
		p->files = current->files;
		return 0;
	}
	p->files = dup_fd(current->files);
	return p->files ? 0 : -ENOMEM;
}

/* CLONE_CLEAR_SIGHAND: handlers back to SIG_DFL, SIG_IGN kept (Linux: flush_signal_handlers(p, 0)). */
static int copy_sighand(u64 clone_flags, struct task_struct *p)
{
	struct sighand_struct *sighand;

	if (clone_flags & CLONE_SIGHAND) {
		atomic_inc(&current->sighand->count);
		p->sighand = current->sighand;
		return 0;
	}
	sighand = sighand_alloc();
	if (!sighand)
		return -ENOMEM;
	memcpy(sighand->action, current->sighand->action, sizeof(sighand->action));
	if (clone_flags & CLONE_CLEAR_SIGHAND) {
		for (int i = 0; i < _NSIG; i++)
			if (sighand->action[i].handler != SIG_IGN)
				sighand->action[i] = (struct k_sigaction){ .handler = SIG_DFL };
	}
	p->sighand = sighand;
	return 0;
}

static int copy_signal(u64 clone_flags, struct task_struct *p)
{
	if (!(clone_flags & CLONE_THREAD))
		return init_task_signal(p);
	attach_to_signal(p, current->signal);
	p->tgid = current->tgid;
	p->group_leader = current->group_leader;
	return 0;
}

static int copy_mm(u64 clone_flags, struct task_struct *p)
{
	if (clone_flags & CLONE_VM) {
		atomic_inc(&current->mm->mm_users);	/* Linux: mmget */
		p->mm = current->mm;
		return 0;
	}
	p->mm = dup_mm(current->mm);
	return p->mm ? 0 : -ENOMEM;
}

/*
 * The new task's place in the tree: a thread (or CLONE_PARENT) is a
 * sibling of its creator, with its creator's parent; only a group leader
 * is on its parent's children list. A thread's exit signal is -1: it
 * never signals anyone (Linux: copy_process).
 */
static void link_child(struct task_struct *p, u64 clone_flags, int exit_signal)
{
	struct task_struct *parent = current;

	if (clone_flags & (CLONE_PARENT | CLONE_THREAD)) {
		p->parent = parent->parent;
		p->exit_signal = (clone_flags & CLONE_THREAD) ? -1 : parent->group_leader->exit_signal;
	} else {
		p->parent = parent;
		p->exit_signal = exit_signal;
	}
	p->pgid = parent->pgid;
	p->sid = parent->sid;
	if (thread_group_leader(p))
		list_add_tail(&p->sibling, &p->parent->children);
	memcpy(p->comm, parent->comm, sizeof(p->comm));
	p->sig.blocked = parent->sig.blocked;
	/* A new thread on its own stack gets no alternate stack; fork keeps it (Linux). */
	if ((clone_flags & (CLONE_VM | CLONE_VFORK)) != CLONE_VM) {
		p->sas_ss_sp = parent->sas_ss_sp;
		p->sas_ss_size = parent->sas_ss_size;
		p->sas_ss_flags = parent->sas_ss_flags;
	}
}

/* Linux's checks on the flags (copy_process), in its order, all EINVAL. */
static int clone_flags_valid(u64 flags)
{
	if ((flags & (CLONE_NEWNS | CLONE_FS)) == (CLONE_NEWNS | CLONE_FS))
		return -EINVAL;
	if ((flags & (CLONE_NEWUSER | CLONE_FS)) == (CLONE_NEWUSER | CLONE_FS))
		return -EINVAL;
	/* Thread groups share signal handlers, and shared handlers need a shared mm. */
	if ((flags & CLONE_THREAD) && !(flags & CLONE_SIGHAND))
		return -EINVAL;
	if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM))
		return -EINVAL;
	/* init's siblings would have no one to reap them (SIGNAL_UNKILLABLE). */
	if ((flags & CLONE_PARENT) && current->signal == init_task_ptr->signal)
		return -EINVAL;
	if ((flags & CLONE_THREAD) && (flags & (CLONE_NEWUSER | CLONE_NEWPID)))
		return -EINVAL;
	if ((flags & CLONE_PIDFD) && (flags & (CLONE_DETACHED | CLONE_THREAD)))
		return -EINVAL;
	return 0;
}

/*
 * A copy of the caller, sharing what the flags say (Linux: copy_process).
 * The new task is not yet runnable. Returns it, or an ERR_PTR-style NULL
 * with *err set.
 *
 * CLONE_VFORK: the parent waits in kernel_clone until the child execs or
 * exits (with CLONE_VM, as vfork and posix_spawn pass it, the child runs
 * in the parent's memory meanwhile).
 * CLONE_FS (Pagoda has no cwd) and CLONE_SYSVSEM (no SysV semaphores) are
 * accepted with nothing to share.
 */
static struct task_struct *copy_process(struct pt_regs *regs, struct kernel_clone_args *args, long *err)
{
	u64 clone_flags = args->flags;
	struct task_struct *p;

	*err = clone_flags_valid(clone_flags);
	if (*err)
		return NULL;
	/* Signals that came before the fork are handled before it (Linux 6.1). */
	if (signal_pending(current)) {
		*err = -ERESTARTNOINTR;
		return NULL;
	}
	p = alloc_task();
	if (!p) {
		*err = -EAGAIN;		/* no pid or no memory for a task: Linux says EAGAIN too */
		return NULL;
	}
	*err = mpol_fork(p, current);
	if (!*err)
		*err = copy_signal(clone_flags, p);
	if (!*err)
		*err = copy_sighand(clone_flags, p);
	if (!*err)
		*err = copy_files(clone_flags, p);
	if (!*err)
		*err = copy_mm(clone_flags, p);
	/*
	 * A signal that came while we copied (copy_mm may sleep, and then
	 * the big kernel lock is free): the fork is undone and restarts
	 * after it, so that kill(-pgrp) never misses a child forked at the
	 * same time (Linux: the task_sigpending and fatal_signal_pending
	 * checks of copy_process).
	 */
	if (!*err && signal_pending(current))
		*err = -ERESTARTNOINTR;
	if (*err) {
		if (p->mm)
			mmput(p->mm);
		exit_files(p);
		if (p->signal) {
			p->signal->live--;
			list_del(&p->thread_node);
			p->signal->nr_threads--;
		}
		free_task(p);		/* drops the sighand and signal references */
		return NULL;
	}
	link_child(p, clone_flags, args->exit_signal);
	copy_thread(p, regs, NULL, NULL);
	if (args->stack)
		task_pt_regs(p)->rsp = args->stack;
	if (clone_flags & CLONE_SETTLS)
		p->fsbase = args->tls;
	/* The child writes its tid into its own memory as it first runs (schedule_tail). */
	if (clone_flags & CLONE_CHILD_SETTID)
		p->set_child_tid = args->child_tid;
	if (clone_flags & CLONE_CHILD_CLEARTID)
		p->clear_child_tid = (unsigned long *)args->child_tid;
	return p;
}

/*
 * vfork: sleep until the child lets go of our memory (mm_release: it
 * execs or exits). Linux's wait is killable; Pagoda's is not, and ends
 * when the child goes, which a SIGKILL to the child ensures.
 */
static void wait_for_vfork_done(int *done)
{
	for (;;) {
		set_current_state(TASK_UNINTERRUPTIBLE);
		if (__atomic_load_n(done, __ATOMIC_ACQUIRE))
			break;
		schedule();
	}
	set_current_state(TASK_RUNNING);
}

/*
 * Create the task and start it (Linux: kernel_clone). CLONE_PARENT_SETTID
 * writes the new tid in the parent's memory before the child runs (in
 * the child's too when they share the mm); a bad pointer is the caller's loss.
 */
static long kernel_clone(struct pt_regs *regs, struct kernel_clone_args *args)
{
	struct task_struct *p;
	int vfork_done = 0;
	pid_t pid;
	long err;

	if ((args->flags & CLONE_PIDFD) && (args->flags & CLONE_PARENT_SETTID) &&
	    args->pidfd == args->parent_tid)
		return -EINVAL;
	p = copy_process(regs, args, &err);
	if (!p)
		return err;
	pid = p->pid;
	if (args->flags & CLONE_VFORK) {
		p->vfork_done = &vfork_done;
		p->vfork_parent = current;
	}
	if (args->flags & CLONE_PARENT_SETTID)
		put_user((int)pid, args->parent_tid);
	wake_up_new_task(p);
	if (args->flags & CLONE_VFORK)
		wait_for_vfork_done(&vfork_done);
	return pid;
}

long do_fork(struct pt_regs *regs)
{
	struct kernel_clone_args args = { .exit_signal = SIGCHLD };

	return kernel_clone(regs, &args);
}

long sys_fork(struct pt_regs *regs)
{
	return do_fork(regs);
}

/* vfork: the child borrows our memory, and we wait until it execs or exits. */
long sys_vfork(struct pt_regs *regs)
{
	struct kernel_clone_args args = {
		.flags = CLONE_VFORK | CLONE_VM,
		.exit_signal = SIGCHLD,
	};

	return kernel_clone(regs, &args);
}

/*
 * clone(flags, newsp, parent_tid, child_tid, tls), x86-64's argument
 * order. Only the low 32 bits of flags count; their low byte is the exit
 * signal: a child with another signal than SIGCHLD (or none) is a "clone"
 * child, which wait4 sees only with __WCLONE or __WALL. newsp, if not 0,
 * is the child's stack pointer. musl's pthread_create passes
 * CLONE_VM|FS|FILES|SIGHAND|THREAD|SYSVSEM|SETTLS|PARENT_SETTID|
 * CHILD_CLEARTID|DETACHED.
 */
long sys_clone(struct pt_regs *regs)
{
	u32 flags = (u32)regs->rdi;
	struct kernel_clone_args args = {
		.flags = flags & ~CSIGNAL,
		.pidfd = (int *)regs->rdx,
		.parent_tid = (int *)regs->rdx,
		.child_tid = (int *)regs->r10,
		.exit_signal = flags & CSIGNAL,
		.stack = regs->rsi,
		.tls = regs->r8,
	};

	return kernel_clone(regs, &args);
}

/*
 * clone3's checks beyond the flags' (Linux: clone3_args_valid, clone3_stack_valid):
 * no exit-signal bits in flags, no exit signal for a thread or CLONE_PARENT,
 * a stack is given with its size, and fits in user space.
 */
static bool clone3_args_valid(struct kernel_clone_args *kargs)
{
	if (kargs->flags & ~(CLONE_LEGACY_FLAGS | CLONE_CLEAR_SIGHAND | CLONE_INTO_CGROUP))
		return false;
	if (kargs->flags & (CLONE_DETACHED | (CSIGNAL & ~CLONE_NEWTIME)))
		return false;
	if ((kargs->flags & (CLONE_SIGHAND | CLONE_CLEAR_SIGHAND)) == (CLONE_SIGHAND | CLONE_CLEAR_SIGHAND))
		return false;
	if ((kargs->flags & (CLONE_THREAD | CLONE_PARENT)) && kargs->exit_signal)
		return false;
	if (!kargs->stack)
		return !kargs->stack_size;
	if (!kargs->stack_size || !access_ok(kargs->stack, kargs->stack_size))
		return false;
	kargs->stack += kargs->stack_size;	/* the stack grows down from its end */
	return true;
}

/*
 * Read clone3's argument of usize bytes (Linux: copy_clone_args_from_user):
 * smaller than VER0 is EINVAL, more than a page E2BIG, and bytes past the
 * struct Pagoda knows must be zero (E2BIG).
 */
static long copy_clone_args_from_user(struct kernel_clone_args *kargs, const struct clone_args *uargs,
				      size_t usize)
{
	struct clone_args args = { 0 };

	if (usize > PAGE_SIZE)
		return -E2BIG;
	if (usize < CLONE_ARGS_SIZE_VER0)
		return -EINVAL;
	if (copy_from_user(&args, uargs, min(usize, sizeof(args))))
		return -EFAULT;
	for (size_t off = sizeof(args); off < usize; off++) {
		u8 byte;

		if (copy_from_user(&byte, (const u8 *)uargs + off, 1))
			return -EFAULT;
		if (byte)
			return -E2BIG;
	}
	if (args.set_tid_size > 32 /* MAX_PID_NS_LEVEL */)
		return -EINVAL;
	if ((!args.set_tid && args.set_tid_size) || (args.set_tid && !args.set_tid_size))
		return -EINVAL;
	if ((args.exit_signal & ~(u64)CSIGNAL) || args.exit_signal > _NSIG)
		return -EINVAL;
	if ((args.flags & CLONE_INTO_CGROUP) && (args.cgroup > 0x7fffffff || usize < CLONE_ARGS_SIZE_VER2))
		return -EINVAL;
	*kargs = (struct kernel_clone_args){
		.flags = args.flags,
		.pidfd = (int *)args.pidfd,
		.child_tid = (int *)args.child_tid,
		.parent_tid = (int *)args.parent_tid,
		.exit_signal = (int)args.exit_signal,
		.stack = args.stack,
		.stack_size = args.stack_size,
		.tls = args.tls,
	};
	/* Choosing the new pid (set_tid) and cgroups are not supported. */
	if (args.set_tid_size || (args.flags & CLONE_INTO_CGROUP))
		return -EINVAL;
	return 0;
}

/* clone3(args, size): glibc's pthread_create and fork try it first. */
long sys_clone3(struct pt_regs *regs)
{
	struct kernel_clone_args kargs;
	long err = copy_clone_args_from_user(&kargs, (const struct clone_args *)regs->rdi, regs->rsi);

	if (err)
		return err;
	if (!clone3_args_valid(&kargs))
		return -EINVAL;
	return kernel_clone(regs, &kargs);
}

/* The first user process: a kernel task that execs /init and drops to user mode. */
static void init_exec(void *path)
{
	static const char *const envp[] = { "HOME=/", "TERM=linux", NULL };
	const char *argv[] = { path, NULL };
	long err;

	lock_kernel();		/* as a system call would: released on the way to user mode */
	err = kernel_execve(path, argv, envp);
	unlock_kernel();

	if (err)
		panic("cannot run %s: error %ld", (const char *)path, err);
}

void start_init(const char *path)
{
	struct task_struct *p = alloc_task();

	BUG_ON(!p || p->pid != 1);
	strlcpy(p->comm, "init", sizeof(p->comm));
	p->files = files_alloc();
	p->sighand = sighand_alloc();
	if (!p->files || !p->sighand || init_task_signal(p))
		panic("start_init: out of memory");
	p->parent = p;
	p->pgid = p->sid = p->pid;
	memcpy(p->fpu_state, init_fpu_state, sizeof(p->fpu_state));
	fd_install_console(p);
	copy_thread(p, NULL, init_exec, (void *)path);
	init_task_ptr = p;
	wake_up_new_task(p);
}
