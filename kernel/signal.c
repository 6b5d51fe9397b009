/*
 * Signals (Linux: kernel/signal.c, arch/x86/kernel/signal.c). A signal is
 * a bit in task->sig.pending plus its siginfo. On every return to user mode
 * exit_to_user_mode() delivers the pending unblocked ones: the default
 * action (ignore or terminate), or a handler called on the user stack with
 * Linux's rt_sigframe, which rt_sigreturn undoes.
 */
#include <kernel/sched.h>
#include <kernel/smp_lock.h>
#include <kernel/kernel.h>
#include <lib/string.h>
#include <kernel/errno.h>
#include <arch/x86_64/uaccess.h>
#include <arch/x86_64/processor.h>
#include <arch/x86_64/fpu.h>

static bool sig_default_ignored(int sig)
{
	/* SIGSTOP and friends would stop the task; Pagoda has no job control and ignores them. */
	return sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH || sig == SIGCONT ||
	       sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

static bool sig_ignored(struct task_struct *t, int sig)
{
	void *handler = t->sighand->action[sig - 1].handler;

	if (sig == SIGKILL || sig == SIGSTOP)
		return false;
	return handler == SIG_IGN || (handler == SIG_DFL && sig_default_ignored(sig));
}

static sigset_t blocked_mask(const struct task_struct *t)
{
	return t->sig.blocked & ~(sigmask(SIGKILL) | sigmask(SIGSTOP));
}

/* A signal for t itself, or for its group, that t does not block. */
bool signal_pending(struct task_struct *t)
{
	return (t->sig.pending | t->signal->shared_pending.signal) & ~blocked_mask(t);
}

/* Can t take sig now (Linux: wants_signal)? Not if it blocks it or has exited. */
static bool wants_signal(int sig, struct task_struct *t)
{
	if (t->sig.blocked & sigmask(sig) & ~(sigmask(SIGKILL) | sigmask(SIGSTOP)))
		return false;
	return !(t->state & (EXIT_ZOMBIE | EXIT_DEAD));
}

/* A sleeper wakes; a thread running on another CPU is made to look (Linux: signal_wake_up_state). */
static void signal_wake_up(struct task_struct *t)
{
	if (t->state == TASK_INTERRUPTIBLE)
		wake_up_process(t);
	else
		kick_process(t);
}

/*
 * Wake a thread that will take sig (Linux: complete_signal): the target
 * itself if it can, else any thread of the group that does not block it.
 * A fatal signal is turned into the group's exit by whichever thread
 * dequeues it (do_signal -> do_group_exit).
 */
static void complete_signal(int sig, struct task_struct *p, enum pid_type type)
{
	struct task_struct *t;

	if (wants_signal(sig, p)) {
		signal_wake_up(p);
		return;
	}
	if (type == PIDTYPE_PID)
		return;		/* a blocked thread-directed signal waits for its thread */
	for_each_thread(p, t) {
		if (wants_signal(sig, t)) {
			signal_wake_up(t);
			return;
		}
	}
}

/*
 * Queue sig for the thread t (PIDTYPE_PID: tkill, tgkill, faults, SIGPIPE)
 * or for its thread group (PIDTYPE_TGID: kill, SIGCHLD, SIGALRM). A group
 * that has exited, or a signal the shared handlers ignore, is dropped.
 * Linux: __send_signal_locked under sighand->siglock; here every sender
 * and every reader of the pending sets holds the big kernel lock
 * (kernel/smp_lock.h), which stands in for the siglock.
 */
int send_signal(struct task_struct *t, int sig, const kernel_siginfo_t *info, enum pid_type type)
{
	sigset_t *set;
	kernel_siginfo_t *slot;

	if (type == PIDTYPE_TGID ? !t->signal->live : (t->state & (EXIT_ZOMBIE | EXIT_DEAD)))
		return 0;
	if (sig_ignored(t, sig))
		return 0;
	if (type == PIDTYPE_TGID) {
		set = &t->signal->shared_pending.signal;
		slot = &t->signal->shared_pending.info[sig - 1];
	} else {
		set = &t->sig.pending;
		slot = &t->sig.info[sig - 1];
	}
	if (!(*set & sigmask(sig)))	/* standard signals do not queue twice */
		*slot = *info;
	*set |= sigmask(sig);
	complete_signal(sig, t, type);
	return 0;
}

/*
 * A fault in the current task. Like Linux's force_sig_info, a blocked or
 * ignored fault signal is unblocked and reset to its default first, so a
 * task cannot loop forever on its own fault.
 */
void force_sig_fault(int sig, int code, unsigned long addr)
{
	struct task_struct *t = current;
	struct k_sigaction *ka = &t->sighand->action[sig - 1];
	kernel_siginfo_t info = { .si_signo = sig, .si_code = code };

	info.fault.si_addr = addr;
	if (ka->handler == SIG_IGN || (t->sig.blocked & sigmask(sig))) {
		ka->handler = SIG_DFL;
		t->sig.blocked &= ~sigmask(sig);
	}
	send_signal(t, sig, &info, PIDTYPE_PID);
}

/* Kill every other thread of p's group: SIGKILL to each (Linux: zap_other_threads). */
void zap_other_threads(struct task_struct *p)
{
	struct task_struct *t;

	for_each_thread(p, t) {
		if (t == p || (t->state & (EXIT_ZOMBIE | EXIT_DEAD)))
			continue;
		t->sig.pending |= sigmask(SIGKILL);
		t->sig.info[SIGKILL - 1] = (kernel_siginfo_t){ .si_signo = SIGKILL, .si_code = SI_KERNEL };
		signal_wake_up(t);
	}
}

static void sas_ss_reset(struct task_struct *t);

void flush_signal_handlers(struct task_struct *t)
{
	struct k_sigaction *action = t->sighand->action;

	sas_ss_reset(t);	/* execve: no alternate stack (SS_DISABLE, as Linux reports it) */
	for (int i = 0; i < _NSIG; i++) {
		if (action[i].handler != SIG_IGN)
			action[i].handler = SIG_DFL;
		action[i].sa_flags = 0;
		action[i].sa_restorer = NULL;
		action[i].sa_mask = 0;
	}
}

/* ---- the signal frame (arch/x86/include/uapi/asm/sigcontext.h, ucontext.h) ---- */

struct sigcontext {
	u64 r8, r9, r10, r11, r12, r13, r14, r15;
	u64 rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
	u16 cs, gs, fs, ss;
	u64 err, trapno, oldmask, cr2;
	u64 fpstate;			/* user pointer to the fxsave image */
	u64 reserved1[8];
};

struct ucontext {
	unsigned long uc_flags;
	unsigned long uc_link;
	struct { unsigned long ss_sp; int ss_flags; int _pad; unsigned long ss_size; } uc_stack;
	struct sigcontext uc_mcontext;
	sigset_t uc_sigmask;
};

struct rt_sigframe {
	unsigned long pretcode;		/* the handler returns here: sa_restorer */
	struct ucontext uc;
	kernel_siginfo_t info;
};

#define UC_FP_XSTATE		0x1
#define UC_SIGCONTEXT_SS	0x2
#define UC_STRICT_RESTORE_SS	0x4
#define FIX_EFLAGS (0x1UL | 0x4 | 0x10 | 0x40 | 0x80 | 0x100 | 0x400 | 0x800 | 0x40000 | 0x200000)

static void setup_sigcontext(struct sigcontext *sc, const struct pt_regs *regs,
			     unsigned long mask, const kernel_siginfo_t *info, unsigned long fp)
{
	*sc = (struct sigcontext){
		.r8 = regs->r8, .r9 = regs->r9, .r10 = regs->r10, .r11 = regs->r11,
		.r12 = regs->r12, .r13 = regs->r13, .r14 = regs->r14, .r15 = regs->r15,
		.rdi = regs->rdi, .rsi = regs->rsi, .rbp = regs->rbp, .rbx = regs->rbx,
		.rdx = regs->rdx, .rax = regs->rax, .rcx = regs->rcx, .rsp = regs->rsp,
		.rip = regs->rip, .eflags = regs->rflags, .cs = regs->cs, .ss = regs->ss,
		.err = current->sig_fault_err, .trapno = current->sig_fault_trapno,
		.oldmask = mask, .cr2 = info->fault.si_addr, .fpstate = fp,
	};
}

/* ---- the alternate signal stack ---- */

#define SS_ONSTACK	1
#define SS_DISABLE	2
#define SS_AUTODISARM	(1U << 31)
#define MINSIGSTKSZ	2048

typedef struct {
	unsigned long ss_sp;
	int ss_flags;
	int __pad;
	unsigned long ss_size;
} stack_t;

#define SS_FLAG_BITS	SS_AUTODISARM	/* kept beside the mode in sas_ss_flags */

/*
 * Is sp on the alternate stack (Linux: on_sig_stack)? Never while the stack
 * is SS_AUTODISARM: delivery disarms such a stack as the handler starts on
 * it, so a task is only "on" it again if it armed it there itself; a new
 * SA_ONSTACK signal then starts at its top again, and sigaltstack may
 * change it.
 */
static bool on_sig_stack(const struct task_struct *t, unsigned long sp)
{
	if (t->sas_ss_flags & SS_AUTODISARM)
		return false;
	return t->sas_ss_size && sp > t->sas_ss_sp && sp - t->sas_ss_sp <= t->sas_ss_size;
}

/* SS_DISABLE, SS_ONSTACK or 0: the state of the stack seen from sp (Linux: sas_ss_flags). */
static int sas_ss_flags(const struct task_struct *t, unsigned long sp)
{
	if (!t->sas_ss_size)
		return SS_DISABLE;
	return on_sig_stack(t, sp) ? SS_ONSTACK : 0;
}

/* No alternate stack: after execve, and an SS_AUTODISARM stack once a handler starts on it. */
static void sas_ss_reset(struct task_struct *t)
{
	t->sas_ss_sp = 0;
	t->sas_ss_size = 0;
	t->sas_ss_flags = SS_DISABLE;
}

/*
 * sigaltstack for the task whose user stack pointer is sp (Linux:
 * do_sigaltstack): *old gets the state, then *new, if any, replaces it.
 * sas_ss_flags keeps the flags as given (mode and SS_AUTODISARM), as Linux.
 * 0 or -EPERM (sp is on the stack), -EINVAL, -ENOMEM.
 */
static int do_sigaltstack(const stack_t *new, stack_t *old, unsigned long sp)
{
	struct task_struct *t = current;
	unsigned int mode;

	if (old) {
		old->ss_sp = t->sas_ss_sp;
		old->ss_size = t->sas_ss_size;
		old->ss_flags = sas_ss_flags(t, sp) | (t->sas_ss_flags & SS_FLAG_BITS);
		old->__pad = 0;
	}
	if (!new)
		return 0;
	if (on_sig_stack(t, sp))
		return -EPERM;		/* cannot change the stack a handler runs on */
	mode = new->ss_flags & ~SS_FLAG_BITS;
	if (mode != SS_DISABLE && mode != SS_ONSTACK && mode != 0)
		return -EINVAL;
	if (mode == SS_DISABLE) {
		t->sas_ss_sp = t->sas_ss_size = 0;
	} else {
		if (new->ss_size < MINSIGSTKSZ)
			return -ENOMEM;
		t->sas_ss_sp = new->ss_sp;
		t->sas_ss_size = new->ss_size;
	}
	t->sas_ss_flags = new->ss_flags;
	return 0;
}

long sys_sigaltstack(const stack_t *uss, stack_t *uoss)
{
	stack_t new, old;
	long err;

	if (uss && copy_from_user(&new, uss, sizeof(new)))
		return -EFAULT;
	err = do_sigaltstack(uss ? &new : NULL, uoss ? &old : NULL, task_pt_regs(current)->rsp);
	if (!err && uoss && copy_to_user(uoss, &old, sizeof(old)))
		return -EFAULT;
	return err;
}

/*
 * rt_sigreturn puts back the alternate stack the frame saved (Linux:
 * restore_altstack), which re-arms an SS_AUTODISARM stack. The frame is
 * already in the kernel; a refusal (EPERM when returning onto the stack
 * itself) is ignored, as in Linux.
 */
static void restore_altstack(const stack_t *saved, unsigned long sp)
{
	(void)do_sigaltstack(saved, NULL, sp);
}

/*
 * Build the frame below the interrupted rsp, skipping the 128-byte red
 * zone, or at the top of the alternate stack for an SA_ONSTACK handler.
 */
static int setup_rt_frame(int sig, struct k_sigaction *ka, const kernel_siginfo_t *info,
			  struct pt_regs *regs)
{
	struct task_struct *t = current;
	unsigned long sp = regs->rsp - 128;
	/* uc_stack: the stack as it is now, its flags as sigaltstack set them (Linux: __save_altstack). */
	stack_t altstack = { .ss_sp = t->sas_ss_sp, .ss_flags = (int)t->sas_ss_flags, .ss_size = t->sas_ss_size };
	unsigned long fp;
	struct rt_sigframe frame;

	if ((ka->sa_flags & SA_ONSTACK) && sas_ss_flags(t, regs->rsp) == 0) {
		sp = t->sas_ss_sp + t->sas_ss_size;
		if (t->sas_ss_flags & SS_AUTODISARM)
			sas_ss_reset(t);	/* Linux does it in signal_delivered */
	}

	if (!(ka->sa_flags & SA_RESTORER))
		return -EFAULT;		/* x86-64 needs the restorer; Linux kills the task */
	sp = (sp - 512) & ~63UL;
	fp = sp;
	fpu_save(t->fpu_state);
	if (copy_to_user((void *)fp, t->fpu_state, 512))
		return -EFAULT;
	sp = ((sp - sizeof(frame)) & ~15UL) - 8;	/* as after a call: (rsp + 8) % 16 == 0 */

	memset(&frame, 0, sizeof(frame));
	frame.pretcode = (unsigned long)ka->sa_restorer;
	frame.uc.uc_flags = UC_FP_XSTATE | UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS;
	frame.uc.uc_stack.ss_sp = altstack.ss_sp;
	frame.uc.uc_stack.ss_flags = altstack.ss_flags;
	frame.uc.uc_stack.ss_size = altstack.ss_size;
	setup_sigcontext(&frame.uc.uc_mcontext, regs, t->sig.blocked, info, fp);
	/* After rt_sigsuspend the handler returns to the mask from before it. */
	frame.uc.uc_sigmask = t->restore_sigmask ? t->saved_sigmask : t->sig.blocked;
	frame.info = *info;
	if (copy_to_user((void *)sp, &frame, sizeof(frame)))
		return -EFAULT;

	regs->rdi = sig;
	regs->rsi = sp + offsetof(struct rt_sigframe, info);
	regs->rdx = sp + offsetof(struct rt_sigframe, uc);
	regs->rax = 0;
	regs->rsp = sp;
	regs->rip = (unsigned long)ka->handler;
	regs->rflags &= ~(0x100UL | 0x400UL);	/* TF, DF clear in the handler */
	regs->cs = __USER_CS;
	regs->ss = __USER_DS;
	return 0;
}

long sys_rt_sigreturn(struct pt_regs *regs)
{
	struct task_struct *t = current;
	struct rt_sigframe frame;
	unsigned long sp = regs->rsp - 8;	/* the handler's ret popped pretcode */
	struct sigcontext *sc = &frame.uc.uc_mcontext;

	if (copy_from_user(&frame, (void *)sp, sizeof(frame))) {
		force_sig_fault(SIGSEGV, SI_KERNEL, 0);
		return 0;
	}
	t->sig.blocked = frame.uc.uc_sigmask & ~(sigmask(SIGKILL) | sigmask(SIGSTOP));
	regs->r8 = sc->r8; regs->r9 = sc->r9; regs->r10 = sc->r10; regs->r11 = sc->r11;
	regs->r12 = sc->r12; regs->r13 = sc->r13; regs->r14 = sc->r14; regs->r15 = sc->r15;
	regs->rdi = sc->rdi; regs->rsi = sc->rsi; regs->rbp = sc->rbp; regs->rbx = sc->rbx;
	regs->rdx = sc->rdx; regs->rax = sc->rax; regs->rcx = sc->rcx; regs->rsp = sc->rsp;
	regs->rip = sc->rip;
	regs->rflags = (regs->rflags & ~FIX_EFLAGS) | (sc->eflags & FIX_EFLAGS);
	/*
	 * CS and SS as the context says, forced to CPL 3, as Linux: a bad one
	 * faults on the iretq back to user mode, which becomes a signal
	 * (fixup_bad_iret). Without UC_STRICT_RESTORE_SS an invalid SS is
	 * replaced; __USER_DS is the only valid user data segment here.
	 */
	regs->cs = sc->cs | 3;
	regs->ss = sc->ss | 3;
	if (!(frame.uc.uc_flags & UC_STRICT_RESTORE_SS) && regs->cs == __USER_CS && regs->ss != __USER_DS)
		regs->ss = __USER_DS;
	regs->trapnr = 0;	/* the restored rax is not a syscall result to restart */
	t->restart_block.fn = do_no_restart_syscall;	/* the interrupted call is not resumed */
	restore_altstack(&(stack_t){ .ss_sp = frame.uc.uc_stack.ss_sp, .ss_flags = frame.uc.uc_stack.ss_flags,
				     .ss_size = frame.uc.uc_stack.ss_size }, regs->rsp);
	if (sc->fpstate) {
		if (copy_from_user(t->fpu_state, (void *)sc->fpstate, 512)) {
			force_sig_fault(SIGSEGV, SI_KERNEL, 0);
			return 0;
		}
		((u32 *)t->fpu_state)[6] &= 0xffff;	/* MXCSR: no reserved bits, or fxrstor faults */
		fpu_restore(t->fpu_state);
	}
	return regs->rax;	/* the syscall return value slot keeps the interrupted rax */
}

/* ---- delivery ---- */

/* The next signal of set not in mask, synchronous faults first, as Linux (next_signal). */
static int __dequeue_signal(sigset_t *set, kernel_siginfo_t *infos, sigset_t mask, kernel_siginfo_t *info)
{
	sigset_t ready = *set & ~mask;
	sigset_t sync = ready & (sigmask(SIGSEGV) | sigmask(SIGBUS) | sigmask(SIGILL) |
				 sigmask(SIGTRAP) | sigmask(SIGFPE) | sigmask(SIGSYS));
	int sig;

	if (!ready)
		return 0;
	sig = __builtin_ctzl(sync ? sync : ready) + 1;
	*set &= ~sigmask(sig);
	*info = infos[sig - 1];
	return sig;
}

/* The thread's own signals first, then the group's (Linux: dequeue_signal). */
static int dequeue_signal(struct task_struct *t, kernel_siginfo_t *info)
{
	struct sigpending *shared = &t->signal->shared_pending;
	int sig = __dequeue_signal(&t->sig.pending, t->sig.info, blocked_mask(t), info);

	return sig ? sig : __dequeue_signal(&shared->signal, shared->info, blocked_mask(t), info);
}

#define __NR_restart_syscall	219

/*
 * A system call that a signal interrupted returned -ERESTART*: make it
 * return -EINTR to the handler, or run again (back up over the 2-byte
 * syscall instruction, put the number back in rax). ka is the handler
 * about to run, or NULL if none will (Linux: handle_signal, arch_do_signal_or_restart).
 */
static void syscall_restart(struct pt_regs *regs, const struct k_sigaction *ka)
{
	long ret = (long)regs->rax;

	if (regs->trapnr != 0x80)
		return;
	if (ret == -ERESTARTNOHAND || ret == -ERESTARTSYS || ret == -ERESTARTNOINTR) {
		bool restart = ret == -ERESTARTNOINTR || !ka ||
			       (ret == -ERESTARTSYS && (ka->sa_flags & SA_RESTART));

		if (restart) {
			regs->rax = regs->orig_rax;
			regs->rip -= 2;
		} else {
			regs->rax = -EINTR;
		}
	} else if (ret == -ERESTART_RESTARTBLOCK) {
		/* A handler always sees EINTR; otherwise restart_syscall goes on with the rest. */
		if (ka) {
			regs->rax = -EINTR;
		} else {
			regs->rax = __NR_restart_syscall;
			regs->rip -= 2;
		}
	}
	regs->trapnr = 0;	/* decided: a later pass must not restart it again */
}

void do_signal(struct pt_regs *regs)
{
	struct task_struct *t = current;
	kernel_siginfo_t info;
	int sig;

	/* Another thread ran exit_group, got a fatal signal or execs: go too (Linux: get_signal). */
	if ((t->signal->flags & SIGNAL_GROUP_EXIT) || t->signal->group_exec_task) {
		t->sig.pending &= ~sigmask(SIGKILL);
		do_group_exit(SIGKILL);
	}
	while ((sig = dequeue_signal(t, &info))) {
		struct k_sigaction *ka = &t->sighand->action[sig - 1];

		if (sig == SIGKILL || ka->handler == SIG_DFL) {
			if (sig_default_ignored(sig))
				continue;
			do_group_exit(sig);	/* killed: the signal in bits 0-6 of the wait status */
		}
		if (ka->handler == SIG_IGN)
			continue;
		syscall_restart(regs, ka);
		if (setup_rt_frame(sig, ka, &info, regs)) {
			do_group_exit(SIGSEGV);	/* Linux: force_sigsegv when the frame cannot be written */
		}
		if (t->restore_sigmask) {
			t->sig.blocked = t->saved_sigmask;	/* sigreturn would restore it anyway */
			t->restore_sigmask = false;
		}
		t->sig.blocked |= ka->sa_mask;
		if (!(ka->sa_flags & SA_NODEFER))
			t->sig.blocked |= sigmask(sig);
		t->sig.blocked &= ~(sigmask(SIGKILL) | sigmask(SIGSTOP));
		if (ka->sa_flags & SA_RESETHAND)
			ka->handler = SIG_DFL;
		return;		/* one handler frame per return to user mode */
	}
	syscall_restart(regs, NULL);
	if (t->restore_sigmask) {
		t->sig.blocked = t->saved_sigmask;
		t->restore_sigmask = false;
	}
}

/*
 * iretq to a non-canonical rip or rsp faults in ring 0 (Linux: the bad_iret
 * fixup). User code chooses both (sigreturn, a handler address, an ELF
 * entry): refuse them here, as a SIGSEGV to the task.
 */
static bool user_regs_bad(const struct pt_regs *regs)
{
	return regs->rip >= 0x800000000000UL || regs->rsp >= 0x800000000000UL;
}

/* Called with interrupts off on every return to user mode (entry.asm). */
void exit_to_user_mode(struct pt_regs *regs)
{
	for (;;) {
		local_irq_enable();
		if (this_cpu()->need_resched)
			schedule();
		if (signal_pending(current) || user_regs_bad(regs)) {
			lock_kernel();
			if (signal_pending(current))
				do_signal(regs);
			if (user_regs_bad(regs))
				force_sig_fault(SIGSEGV, SI_KERNEL, 0);
			unlock_kernel();
		}
		local_irq_disable();
		if (!this_cpu()->need_resched && !signal_pending(current))
			return;
	}
}

/* ---- system calls ---- */

/*
 * init gets only the signals it has a handler for (Linux: SIGNAL_UNKILLABLE):
 * a kill(0, SIGKILL) from a test in init's process group must not end init.
 */
static bool sig_unkillable(struct task_struct *t, int sig)
{
	return t->signal == init_task_ptr->signal && t->sighand->action[sig - 1].handler == SIG_DFL;
}

static int kill_one(struct task_struct *t, int sig, const kernel_siginfo_t *info, enum pid_type type)
{
	if (!sig || sig_unkillable(t, sig))
		return 0;
	return send_signal(t, sig, info, type);
}

/*
 * kill: pid > 0 one process (a thread's id names its process too); 0 my
 * group; -1 all but init and me; < -1 group -pid. A process is a thread
 * group: its leader stands for it, even as a zombie while threads live.
 */
long sys_kill(pid_t pid, int sig)
{
	kernel_siginfo_t info = { .si_signo = sig, .si_code = SI_USER };
	pid_t pgrp = pid == 0 ? current->pgid : -pid;
	struct task_struct *t;
	int found = 0;

	if (sig < 0 || sig > _NSIG)
		return -EINVAL;
	info.kill.si_pid = current->tgid;
	if (pid > 0) {
		t = find_task_by_pid(pid);
		if (!t)
			return -ESRCH;
		return kill_one(t, sig, &info, PIDTYPE_TGID);
	}
	list_for_each_entry(t, &task_list, tasks) {
		if (!thread_group_leader(t) || !t->signal->live)
			continue;
		if (pid == -1 ? (t->signal == init_task_ptr->signal || t->signal == current->signal) : t->pgid != pgrp)
			continue;
		found++;
		kill_one(t, sig, &info, PIDTYPE_TGID);
	}
	return found ? 0 : -ESRCH;
}

/* One thread, tid, of group tgid (any group if tgid is 0) (Linux: do_tkill). */
static long do_tkill(pid_t tgid, pid_t tid, int sig)
{
	kernel_siginfo_t info = { .si_signo = sig, .si_code = -6 /* SI_TKILL */ };
	struct task_struct *t;

	if (sig < 0 || sig > _NSIG)
		return -EINVAL;
	t = find_task_by_pid(tid);
	if (!t || (t->state & (EXIT_ZOMBIE | EXIT_DEAD)) || (tgid > 0 && t->tgid != tgid))
		return -ESRCH;
	info.kill.si_pid = current->tgid;
	return kill_one(t, sig, &info, PIDTYPE_PID);
}

long sys_tkill(pid_t tid, int sig)
{
	if (tid <= 0)
		return -EINVAL;
	return do_tkill(0, tid, sig);
}

long sys_tgkill(pid_t tgid, pid_t tid, int sig)
{
	if (tid <= 0 || tgid <= 0)
		return -EINVAL;
	return do_tkill(tgid, tid, sig);
}

/* pause: sleep until a signal handler runs (or the signal kills). */
long sys_pause(void)
{
	while (!signal_pending(current))
		sleep_on(&current->sig, 0);
	return -ERESTARTNOHAND;
}

/* rt_sigsuspend: wait with a temporary mask; the old one comes back after the handler. */
long sys_rt_sigsuspend(const sigset_t *umask, size_t sigsetsize)
{
	struct task_struct *t = current;
	sigset_t mask;

	if (sigsetsize != sizeof(sigset_t))
		return -EINVAL;
	if (copy_from_user(&mask, umask, sizeof(mask)))
		return -EFAULT;
	t->saved_sigmask = t->sig.blocked;
	t->restore_sigmask = true;
	t->sig.blocked = mask & ~(sigmask(SIGKILL) | sigmask(SIGSTOP));
	while (!signal_pending(t))
		sleep_on(&t->sig, 0);
	return -ERESTARTNOHAND;
}

long sys_rt_sigpending(sigset_t *uset, size_t sigsetsize)
{
	sigset_t pending = (current->sig.pending | current->signal->shared_pending.signal) & current->sig.blocked;

	if (sigsetsize > sizeof(sigset_t))
		return -EINVAL;
	return copy_to_user(uset, &pending, sigsetsize) ? -EFAULT : 0;
}

long sys_rt_sigaction(int sig, const struct k_sigaction *act, struct k_sigaction *oact,
		      size_t sigsetsize)
{
	struct k_sigaction *k, new;

	if (sigsetsize != sizeof(sigset_t))
		return -EINVAL;
	if (sig < 1 || sig > _NSIG)
		return -EINVAL;
	if (act && (sig == SIGKILL || sig == SIGSTOP))
		return -EINVAL;
	k = &current->sighand->action[sig - 1];
	if (act && copy_from_user(&new, act, sizeof(new)))
		return -EFAULT;
	if (oact && copy_to_user(oact, k, sizeof(*k)))
		return -EFAULT;
	if (act) {
		new.sa_mask &= ~(sigmask(SIGKILL) | sigmask(SIGSTOP));
		*k = new;
		/* Setting SIG_IGN (or SIG_DFL for a default-ignored signal) discards it if pending. */
		if (sig_ignored(current, sig)) {
			struct task_struct *t;

			current->signal->shared_pending.signal &= ~sigmask(sig);
			for_each_thread(current, t)
				t->sig.pending &= ~sigmask(sig);
		}
	}
	return 0;
}

long sys_rt_sigprocmask(int how, const sigset_t *nset, sigset_t *oset, size_t sigsetsize)
{
	struct task_struct *t = current;
	sigset_t new, old = t->sig.blocked;

	if (sigsetsize != sizeof(sigset_t))
		return -EINVAL;
	if (nset) {
		if (copy_from_user(&new, nset, sizeof(new)))
			return -EFAULT;
		new &= ~(sigmask(SIGKILL) | sigmask(SIGSTOP));
		switch (how) {
		case SIG_BLOCK:
			t->sig.blocked |= new;
			break;
		case SIG_UNBLOCK:
			t->sig.blocked &= ~new;
			break;
		case SIG_SETMASK:
			t->sig.blocked = new;
			break;
		default:
			return -EINVAL;
		}
	}
	if (oset && copy_to_user(oset, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}
