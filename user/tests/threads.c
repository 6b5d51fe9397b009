/*
 * Threads made with raw clone(2) and clone3(2), no C library's pthreads,
 * as Linux 6.1 runs them:
 *
 * - a CLONE_THREAD thread shares memory, has the process's getpid() and
 *   its own gettid() (also written at CLONE_PARENT_SETTID); it is nobody's
 *   child (wait4: ECHILD); /proc/self/status says Threads: 2 and
 *   /proc/self/task/TID/status shows it; at its exit(2) the kernel clears
 *   its CLONE_CHILD_CLEARTID word and wakes the futex (pthread_join);
 * - tgkill reaches that thread's handler (the handlers are shared), a
 *   futex wait there ends with EINTR; kill() reaches the thread that does
 *   not block the signal;
 * - exit_group from a thread ends the process with its code; a leader
 *   that exits first leaves the process running until the last thread,
 *   and wait4 then reports the last thread's code; a fatal signal to one
 *   thread kills them all; execve from a thread keeps the process id;
 * - a thread's child is waited for from any thread of the process, and
 *   moves to a live thread when its parent thread exits;
 * - getrusage(RUSAGE_SELF) counts every thread's faults, RUSAGE_THREAD
 *   the caller's only; alarm() is one per process;
 * - CLONE_FILES shares the fd table and CLONE_SIGHAND the handlers;
 *   without them each has its own;
 * - clone and clone3's flag checks (EINVAL, E2BIG).
 */
#include "threadtest.h"

static char helper[256];

/* ---- one thread, shared memory, ids, /proc ---- */

static volatile int shared_word, go;
static volatile long thread_pid, thread_tid;

static int basic_thread(void *arg)
{
	thread_pid = sys_getpid();
	thread_tid = sys_gettid();
	shared_word = (int)(long)arg;
	while (!go)
		sys_futex(&go, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 0, NULL, NULL, 0);
	return 0;
}

/* The value of "Name:\t<value>" in a status file, or -1. */
static long status_field(const char *path, const char *name)
{
	char buf[4096];
	const char *p;

	if (read_file(path, buf, sizeof(buf)) <= 0 || !(p = strstr(buf, name)))
		return -1;
	return strtol(p + strlen(name), NULL, 10);
}

static long wait_threads(long want)
{
	long n = -1, t0 = now_ns();

	while (now_ns() - t0 < 5000000000L && (n = status_field("/proc/self/status", "Threads:\t")) != want)
		sys_sched_yield();
	return n;
}

static void check_basic(void)
{
	static int ctid;
	int ptid = 0;
	char path[64];
	long tid;

	tid = thread_start(basic_thread, (void *)1234L, &ctid);
	ptid = ctid;	/* PARENT_SETTID and CHILD_CLEARTID share the word here: the tid */
	tap_ok(tid > 0, "clone(CLONE_VM|FS|FILES|SIGHAND|THREAD|SYSVSEM|PARENT_SETTID|CHILD_CLEARTID): %ld", tid);
	if (tid <= 0)
		return;
	tap_is_long(ptid, tid, "CLONE_PARENT_SETTID wrote the tid before clone returned");
	tap_ok(thread_wait_sleeping((int)tid) == 0, "the thread sleeps in FUTEX_WAIT");
	tap_is_long(shared_word, 1234, "the thread's store is seen by the main thread (one mm)");
	tap_is_long(thread_pid, sys_getpid(), "getpid() in the thread is the process's");
	tap_is_long(thread_tid, tid, "gettid() in the thread is clone's return value");
	tap_ok(tid != sys_getpid(), "and differs from the pid");
	tap_is_long(status_field("/proc/self/status", "Threads:\t"), 2, "/proc/self/status: Threads: 2");
	snprintf(path, sizeof(path), "/proc/self/task/%ld/status", tid);
	tap_is_long(status_field(path, "Pid:\t"), tid, "/proc/self/task/TID/status: Pid: is the tid");
	tap_is_long(status_field(path, "Tgid:\t"), sys_getpid(), "and Tgid: the pid");
	snprintf(path, sizeof(path), "/proc/self/task/%ld/status", sys_getpid());
	tap_is_long(status_field(path, "Pid:\t"), sys_getpid(), "/proc/self/task/PID/status: the main thread");
	tap_is_err(sys_wait4(-1, NULL, __WALL | WNOHANG, NULL), ECHILD, "a thread is not a child: wait4 gives ECHILD");
	if (is_pagoda()) {
		char check[256] = "";

		read_file("/sys/kernel/debug/pagoda/check", check, sizeof(check));
		tap_ok(!strncmp(check, "ok", 2), "Pagoda's mm check counts the shared mm once: %.40s", check);
	}

	go = 1;
	sys_futex(&go, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, NULL, NULL, 0);
	thread_join(&ctid);
	tap_is_long(ctid, 0, "at its exit the kernel cleared CHILD_CLEARTID and woke the joiner");
	tap_is_long(wait_threads(1), 1, "then Threads: 1");
	tap_is_long(sys_getpid(), sys_gettid(), "the main thread's tid is the pid");
}

/* ---- signals: tgkill to a thread, kill to the process ---- */

static volatile long handler_tid, handler_count, futex_ret;
static volatile int sleeper_stop;

static void on_usr(int sig, struct k_siginfo *info, void *uc)
{
	(void)sig; (void)info; (void)uc;
	handler_tid = sys_gettid();
	handler_count++;
}

static int sleeper_thread(void *arg)
{
	(void)arg;
	while (!sleeper_stop) {
		long r = sys_futex(&sleeper_stop, FUTEX_WAIT, 0, NULL, NULL, 0);

		if (r)
			futex_ret = r;
	}
	return 0;
}

static void check_signals(void)
{
	static int ctid;
	unsigned long usr2 = 1UL << (SIGUSR2 - 1);
	long tid, t0;

	tap_is_long(sigaction_install(SIGUSR1, on_usr), 0, "SIGUSR1 handler (no SA_RESTART)");
	tap_is_long(sigaction_install(SIGUSR2, on_usr), 0, "SIGUSR2 handler");
	tid = thread_start(sleeper_thread, NULL, &ctid);
	tap_ok(tid > 0 && thread_wait_sleeping((int)tid) == 0, "a thread sleeps in FUTEX_WAIT");

	tap_is_long(sys_tgkill((int)sys_getpid(), (int)tid, SIGUSR1), 0, "tgkill(pid, tid, SIGUSR1)");
	for (t0 = now_ns(); !handler_count && now_ns() - t0 < 5000000000L;)
		sys_sched_yield();
	tap_is_long(handler_tid, tid, "the handler ran in that thread");
	for (t0 = now_ns(); !futex_ret && now_ns() - t0 < 5000000000L;)
		sys_sched_yield();
	tap_is_long(futex_ret, -EINTR, "its FUTEX_WAIT returned EINTR");

	tap_is_err(sys_tgkill((int)sys_getpid() + 100000, (int)tid, 0), ESRCH, "tgkill with another tgid: ESRCH");
	tap_is_err(sys_tgkill(0, (int)tid, 0), EINVAL, "tgkill(0, tid): EINVAL");
	tap_is_err(sys_tkill(0, SIGUSR1), EINVAL, "tkill(0): EINVAL");
	tap_is_long(sys_tkill((int)tid, 0), 0, "tkill(tid, 0) finds the thread");

	/* kill() to the process: the main thread blocks SIGUSR2, so the other one takes it. */
	handler_tid = 0;
	handler_count = 0;
	tap_ok(thread_wait_sleeping((int)tid) == 0, "the thread sleeps again");
	sys_rt_sigprocmask(SIG_BLOCK, &usr2, NULL);
	tap_is_long(sys_kill((int)sys_getpid(), SIGUSR2), 0, "kill(getpid(), SIGUSR2) with SIGUSR2 blocked here");
	for (t0 = now_ns(); !handler_count && now_ns() - t0 < 5000000000L;)
		sys_sched_yield();
	tap_is_long(handler_tid, tid, "the thread that does not block it ran the handler");
	sys_rt_sigprocmask(SIG_UNBLOCK, &usr2, NULL);

	sleeper_stop = 1;
	sys_futex(&sleeper_stop, FUTEX_WAKE, 1, NULL, NULL, 0);
	thread_join(&ctid);
	tap_is_long(ctid, 0, "the thread exited");
}

/* ---- exit, exit_group, fatal signals, execve: in a child process each ---- */

static int group_exit_thread(void *arg)
{
	sys_exit_group((int)(long)arg);
	return 99;
}

static __attribute__((noreturn)) void sleep_forever(void)
{
	static volatile int never;

	for (;;)
		sys_futex(&never, FUTEX_WAIT, 0, NULL, NULL, 0);
}

static void child_exit_group(void *arg)
{
	static int ctid;

	(void)arg;
	if (thread_start(group_exit_thread, (void *)7L, &ctid) <= 0)
		sys_exit_group(90);
	sleep_forever();
}

/* The last thread calls plain exit(3) after the leader exit(9)ed. */
static volatile int *mailbox;

static int late_thread(void *arg)
{
	(void)arg;
	while (!*mailbox)
		sys_futex(mailbox, FUTEX_WAIT, 0, NULL, NULL, 0);
	return 3;
}

static int killer_thread(void *arg)
{
	(void)arg;
	sys_tkill((int)sys_gettid(), SIGTERM);
	return 98;
}

static void child_fatal_signal(void *arg)
{
	static int ctid;

	(void)arg;
	if (thread_start(killer_thread, NULL, &ctid) <= 0)
		sys_exit_group(90);
	sleep_forever();
}

static int exec_thread(void *arg)
{
	char pid[16];
	char *argv[] = { helper, "11", pid, NULL };
	char *envp[] = { "PAGODA_EXEC=1", NULL };

	(void)arg;
	snprintf(pid, sizeof(pid), "%ld", sys_getpid());
	sys_execve(helper, argv, envp);
	return 97;
}

static void child_exec(void *arg)
{
	static int ctid;

	(void)arg;
	if (thread_start(exec_thread, NULL, &ctid) <= 0)
		sys_exit_group(90);
	sleep_forever();
}

static void check_group_exit(void)
{
	static int ctid;
	int st = -1;
	long pid;

	tap_child_exit(child_exit_group, NULL, 7, "exit_group(7) in a thread ends the process with 7");
	tap_child_signal(child_fatal_signal, NULL, SIGTERM, "SIGTERM to one thread kills the whole process");
	tap_child_exit(child_exec, NULL, 11, "execve from a thread: the other thread dies, the pid stays");

	mailbox = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid = sys_fork();
	if (pid == 0) {
		if (thread_start(late_thread, NULL, &ctid) <= 0)
			sys_exit_group(90);
		sys_exit_thread(9);
	}
	tap_ok(pid > 0, "fork a process whose leader exits first");
	sys_nanosleep(&(struct timespec){ 0, 50000000 }, NULL);
	tap_is_long(sys_wait4((int)pid, &st, WNOHANG, NULL), 0, "wait4(WNOHANG) while a thread lives: 0");
	*mailbox = 1;
	sys_futex(mailbox, FUTEX_WAKE, 1, NULL, NULL, 0);
	tap_is_long(sys_wait4((int)pid, &st, 0, NULL), pid, "wait4 reaps it once the last thread is gone");
	tap_is_long(st, 3 << 8, "with the last thread's exit code (3), not the leader's (9)");
}

/* ---- what the flags share: the fd table, the handlers ---- */

static volatile int new_fd = -1;

static void on_urg(int sig, struct k_siginfo *info, void *uc)
{
	(void)sig; (void)info; (void)uc;
}

/* Opens a descriptor (dup of 0) and installs a SIGURG handler. */
static int share_thread(void *arg)
{
	(void)arg;
	new_fd = (int)syscall1(__NR_dup, 0);
	sigaction_install(SIGURG, on_urg);
	return 0;
}

static void *sigurg_handler(void)
{
	struct k_sigaction old;

	sys_rt_sigaction(SIGURG, NULL, &old);
	return (void *)old.handler;
}

static void check_sharing(void)
{
	static int ctid;
	struct k_sigaction dfl = { 0 };
	int st = -1;
	long pid;

	tap_ok(thread_start(share_thread, NULL, &ctid) > 0, "a thread (CLONE_FILES|CLONE_SIGHAND) dups fd 0 and sets a SIGURG handler");
	thread_join(&ctid);
	tap_ok(new_fd > 2 && syscall3(__NR_fcntl, new_fd, 1 /* F_GETFD */, 0) == 0, "its fd %d is open here (one files_struct)", new_fd);
	tap_ok(sigurg_handler() == (void *)on_urg, "its handler is ours (one sighand_struct)");
	sys_close(new_fd);
	sys_rt_sigaction(SIGURG, &dfl, NULL);

	new_fd = -1;
	ctid = 1;
	tap_ok(raw_clone(CLONE_VM | CLONE_SIGHAND | CLONE_THREAD | CLONE_CHILD_CLEARTID, thread_stack(), NULL, &ctid, 0,
			 share_thread, NULL) > 0, "a thread without CLONE_FILES does the same");
	thread_join(&ctid);
	tap_ok(new_fd > 2, "it got fd %d", new_fd);
	tap_is_err(syscall3(__NR_fcntl, new_fd, 1, 0), EBADF, "which is not open here (its own copy of the table)");
	tap_ok(sigurg_handler() == (void *)on_urg, "the handler is shared");
	sys_rt_sigaction(SIGURG, &dfl, NULL);

	pid = raw_clone(CLONE_VM | SIGCHLD, thread_stack(), NULL, NULL, 0, share_thread, NULL);
	tap_ok(pid > 0, "clone(CLONE_VM | SIGCHLD): a process sharing the mm only");
	tap_is_long(sys_wait4((int)pid, &st, 0, NULL), pid, "reap it");
	tap_is_long(st, 0, "it exited 0");
	tap_ok(sigurg_handler() == NULL, "its handler stayed its own (SIG_DFL here)");
}

/* ---- children of threads: wait4 sees them from any thread ---- */

static volatile long forked_pid;
static volatile int fork_thread_stop;

static int forking_thread(void *arg)
{
	long code = (long)arg;
	long pid = sys_fork();

	if (pid == 0) {
		if (code == 21)
			sys_nanosleep(&(struct timespec){ 0, 50000000 }, NULL);
		sys_exit_group((int)code);
	}
	forked_pid = pid;
	if (code == 22) {
		while (!fork_thread_stop)
			sys_futex(&fork_thread_stop, FUTEX_WAIT, 0, NULL, NULL, 0);
	}
	return 0;	/* exit(2): the thread ends, its child stays in the process */
}

static void check_thread_children(void)
{
	static int ctid;
	int st = -1;

	forked_pid = 0;
	tap_ok(thread_start(forking_thread, (void *)21L, &ctid) > 0, "a thread forks a child and exits");
	thread_join(&ctid);
	tap_ok(forked_pid > 0, "the child is %ld", forked_pid);
	tap_is_long(sys_wait4((int)forked_pid, &st, 0, NULL), forked_pid, "the main thread reaps it (it moved to a live thread)");
	tap_is_long(st, 21 << 8, "status 21");

	forked_pid = 0;
	tap_ok(thread_start(forking_thread, (void *)22L, &ctid) > 0, "a thread forks a child and stays");
	while (!forked_pid)
		sys_sched_yield();
	tap_is_long(sys_wait4(-1, &st, 0, NULL), forked_pid, "wait4(-1) in the main thread reaps the other thread's child");
	tap_is_long(st, 22 << 8, "status 22");
	tap_is_err(sys_wait4(-1, &st, __WNOTHREAD | WNOHANG, NULL), ECHILD, "no child left: ECHILD");
	fork_thread_stop = 1;
	sys_futex(&fork_thread_stop, FUTEX_WAKE, 1, NULL, NULL, 0);
	thread_join(&ctid);
}

/* ---- getrusage: RUSAGE_SELF is the whole process, RUSAGE_THREAD one thread ---- */

#define FAULT_PAGES	64

static int faulting_thread(void *arg)
{
	char *p = arg;

	for (int i = 0; i < FAULT_PAGES; i++)
		p[i * 4096] = 1;
	return 0;
}

static int alarm_thread(void *arg)
{
	(void)arg;
	return (int)syscall1(37 /* alarm */, 10);
}

/* alarm() is the process's: a thread's alarm is the one the main thread cancels. */
static void check_alarm(void)
{
	static int ctid;

	tap_ok(thread_start(alarm_thread, NULL, &ctid) > 0, "a thread sets alarm(10) and exits");
	thread_join(&ctid);
	tap_is_long(syscall1(37, 0), 10, "alarm(0) in the main thread cancels it: 10 s were left");
}

static void check_rusage(void)
{
	static int ctid;
	struct rusage self0, thr0, self1, thr1;
	char *mem = mmap(NULL, FAULT_PAGES * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	sys_getrusage(RUSAGE_SELF, &self0);
	sys_getrusage(RUSAGE_THREAD, &thr0);
	tap_ok(thread_start(faulting_thread, mem, &ctid) > 0, "a thread faults in %d pages", FAULT_PAGES);
	thread_join(&ctid);
	sys_getrusage(RUSAGE_SELF, &self1);
	sys_getrusage(RUSAGE_THREAD, &thr1);
	tap_ok(self1.ru_minflt - self0.ru_minflt >= FAULT_PAGES, "RUSAGE_SELF counts them (+%ld)",
	       self1.ru_minflt - self0.ru_minflt);
	tap_ok(thr1.ru_minflt - thr0.ru_minflt < FAULT_PAGES, "RUSAGE_THREAD of the main thread does not (+%ld)",
	       thr1.ru_minflt - thr0.ru_minflt);
	munmap(mem, FAULT_PAGES * 4096);
}

/* ---- flag checks ---- */

struct clone_args {
	unsigned long flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
	unsigned long set_tid, set_tid_size, cgroup;
};

static volatile int clone3_ran;

static int clone3_thread(void *arg)
{
	clone3_ran = (int)(long)arg;
	return 0;
}

/* clone3 whose child runs fn(arg) on the given stack: fn and arg sit at its top. */
long raw_clone3(struct clone_args *args, unsigned long size);
__asm__(".text\n"
	".globl raw_clone3\n"
	".type raw_clone3, @function\n"
	"raw_clone3:\n"
	"\tmov $435, %eax\n"
	"\tsyscall\n"
	"\ttest %rax, %rax\n"
	"\tjnz 1f\n"
	"\txor %ebp, %ebp\n"
	"\tpop %rax\n"
	"\tpop %rdi\n"
	"\tcall *%rax\n"
	"\tmov %eax, %edi\n"
	"\tmov $60, %eax\n"
	"\tsyscall\n"
	"\thlt\n"
	"1:\tret\n"
	".size raw_clone3, .-raw_clone3\n");

static void check_flags(void)
{
	static int ctid;
	static unsigned char big[4200];
	struct clone_args a;
	char *stack = (char *)thread_stack() - THREAD_STACK_SIZE;
	unsigned long *top;
	long tid;

	tap_is_err(syscall5(__NR_clone, CLONE_VM | CLONE_THREAD, 0, 0, 0, 0), EINVAL,
		   "clone(CLONE_THREAD without CLONE_SIGHAND): EINVAL");
	tap_is_err(syscall5(__NR_clone, CLONE_SIGHAND | SIGCHLD, 0, 0, 0, 0), EINVAL,
		   "clone(CLONE_SIGHAND without CLONE_VM): EINVAL");

	memset(&a, 0, sizeof(a));
	a.flags = CLONE_VM | CLONE_THREAD;
	tap_is_err(syscall2(__NR_clone3, &a, 32), EINVAL, "clone3 with size 32 (< VER0): EINVAL");
	tap_is_err(syscall2(__NR_clone3, big, 4097), E2BIG, "clone3 with size 4097 (> a page): E2BIG");
	memset(big, 0, sizeof(big));
	big[100] = 1;
	tap_is_err(syscall2(__NR_clone3, big, 128), E2BIG, "clone3 with a non-zero byte past the struct: E2BIG");
	tap_is_err(syscall2(__NR_clone3, &a, 64), EINVAL, "clone3(CLONE_THREAD without CLONE_SIGHAND): EINVAL");
	a.flags = PTHREAD_CLONE_FLAGS;
	a.exit_signal = SIGCHLD;
	tap_is_err(syscall2(__NR_clone3, &a, 64), EINVAL, "clone3 thread with an exit signal: EINVAL");
	a.exit_signal = 0;
	a.stack = (unsigned long)stack;
	tap_is_err(syscall2(__NR_clone3, &a, 64), EINVAL, "clone3 with a stack but no size: EINVAL");
	a.stack = 0;
	a.stack_size = 4096;
	tap_is_err(syscall2(__NR_clone3, &a, 64), EINVAL, "clone3 with a size but no stack: EINVAL");
	a.flags = SIGCHLD;
	a.stack_size = 0;
	tap_is_err(syscall2(__NR_clone3, &a, 64), EINVAL, "clone3 with a signal in flags: EINVAL");

	/* A real thread through clone3, as glibc 2.34+ makes them. */
	top = (unsigned long *)(stack + THREAD_STACK_SIZE - 16);
	top[0] = (unsigned long)clone3_thread;
	top[1] = 42;
	memset(&a, 0, sizeof(a));
	a.flags = PTHREAD_CLONE_FLAGS;
	a.child_tid = a.parent_tid = (unsigned long)&ctid;
	a.stack = (unsigned long)stack;
	a.stack_size = THREAD_STACK_SIZE - 16;
	tid = raw_clone3(&a, 88);
	tap_ok(tid > 0, "clone3 makes a thread: %ld", tid);
	if (tid > 0)
		thread_join(&ctid);
	tap_is_long(clone3_ran, 42, "which ran on its stack and exited");
}

int main(int argc, char **argv)
{
	sibling_path(helper, sizeof(helper), argc > 0 ? argv[0] : NULL, "bin/exec_helper");
	check_basic();
	check_signals();
	check_group_exit();
	check_sharing();
	check_thread_children();
	check_rusage();
	check_alarm();
	check_flags();
	return tap_done();
}
