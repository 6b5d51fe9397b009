/* Signals, with Linux's numbers, siginfo layout and sigaction ABI. */
#ifndef _KERNEL_SIGNAL_H
#define _KERNEL_SIGNAL_H

#include <kernel/types.h>

#define _NSIG		64
#define SIGHUP		1
#define SIGINT		2
#define SIGQUIT		3
#define SIGILL		4
#define SIGTRAP		5
#define SIGABRT		6
#define SIGBUS		7
#define SIGFPE		8
#define SIGKILL		9
#define SIGUSR1		10
#define SIGSEGV		11
#define SIGUSR2		12
#define SIGPIPE		13
#define SIGALRM		14
#define SIGTERM		15
#define SIGSTKFLT	16
#define SIGCHLD		17
#define SIGCONT		18
#define SIGSTOP		19
#define SIGTSTP		20
#define SIGTTIN		21
#define SIGTTOU		22
#define SIGURG		23
#define SIGXCPU		24
#define SIGXFSZ		25
#define SIGVTALRM	26
#define SIGPROF		27
#define SIGWINCH	28
#define SIGIO		29
#define SIGPWR		30
#define SIGSYS		31

/* si_code values */
#define SI_USER		0
#define SI_KERNEL	0x80
#define SEGV_MAPERR	1
#define SEGV_ACCERR	2
#define BUS_ADRALN	1
#define BUS_ADRERR	2
#define ILL_ILLOPN	2
#define FPE_INTDIV	1
#define TRAP_BRKPT	1
#define TRAP_TRACE	2
#define CLD_EXITED	1
#define CLD_KILLED	2
#define CLD_DUMPED	3

#define SA_NOCLDSTOP	0x00000001
#define SA_NOCLDWAIT	0x00000002
#define SA_SIGINFO	0x00000004
#define SA_RESTORER	0x04000000
#define SA_ONSTACK	0x08000000
#define SA_RESTART	0x10000000
#define SA_NODEFER	0x40000000
#define SA_RESETHAND	0x80000000

#define SIG_DFL		((void *)0)
#define SIG_IGN		((void *)1)

#define SIG_BLOCK	0
#define SIG_UNBLOCK	1
#define SIG_SETMASK	2

typedef unsigned long sigset_t;
#define sigmask(sig)	(1UL << ((sig) - 1))

/* struct siginfo as user space sees it: 128 bytes. */
typedef struct {
	int si_signo;
	int si_errno;
	int si_code;
	int _pad0;
	union {
		struct {		/* kill */
			int si_pid;
			unsigned int si_uid;
		} kill;
		struct {		/* SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP */
			unsigned long si_addr;
		} fault;
		struct {		/* SIGCHLD */
			int si_pid;
			unsigned int si_uid;
			int si_status;
			int _pad;
			long si_utime, si_stime;
		} chld;
		char _pad[128 - 16];
	};
} kernel_siginfo_t;

/* The kernel's struct sigaction for rt_sigaction (arch/x86/include/uapi/asm/signal.h). */
struct k_sigaction {
	void *handler;
	unsigned long sa_flags;
	void *sa_restorer;
	sigset_t sa_mask;
};

/* One thread's signals; the handlers are in task->sighand, the group's pending set in task->signal. */
struct signal_state {
	sigset_t pending;		/* sent to this thread: tkill, tgkill, its own faults */
	sigset_t blocked;
	kernel_siginfo_t info[_NSIG];	/* the siginfo of each pending signal */
};

struct task_struct;
struct pt_regs;

enum pid_type { PIDTYPE_PID, PIDTYPE_TGID };
/* To the thread t (PIDTYPE_PID) or to its whole group (PIDTYPE_TGID, any thread that does not block it). */
int send_signal(struct task_struct *t, int sig, const kernel_siginfo_t *info, enum pid_type type);
void force_sig_fault(int sig, int code, unsigned long addr);
bool signal_pending(struct task_struct *t);
void do_signal(struct pt_regs *regs);
void flush_signal_handlers(struct task_struct *t);	/* execve */

#endif
