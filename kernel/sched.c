/*
 * The scheduler: preemptive round robin. The LAPIC timer ticks at HZ and
 * marks the running task for rescheduling when its slice ends; the switch
 * happens on the way back to user mode (exit_to_user_mode) or when a task
 * sleeps. The kernel itself is not preemptible: a task in the kernel runs
 * until it sleeps or returns, which keeps every kernel path simple.
 *
 * Lock order: rq_lock is innermost; nothing is taken while holding it.
 */
#include <kernel/sched.h>
#include <kernel/kernel.h>
#include <lib/string.h>
#include <kernel/errno.h>
#include <kernel/spinlock.h>
#include <arch/x86_64/time.h>
#include <arch/x86_64/processor.h>
#include <arch/x86_64/process.h>
#include <arch/x86_64/pgtable.h>
#include <arch/x86_64/uaccess.h>
#include <mm/mm.h>
#include <mm/slab.h>

#define TIMESLICE_TICKS 2	/* 20 ms at HZ = 100 */

LIST_HEAD(task_list);
static LIST_HEAD(run_queue);
static DEFINE_SPINLOCK_ORDER(rq_lock, LOCK_ORDER_RQ);
static struct task_struct idle_task;
/* The idle task never takes a signal, but signal_pending() may look at it. */
static struct signal_struct idle_signal;
static struct sighand_struct idle_sighand;
static pid_t last_pid;
static int slice_left = TIMESLICE_TICKS;

struct task_struct *init_task_ptr;


/* The idle task is the boot stack's context; it owns no user memory. */
void sched_init(void)
{
	idle_task.state = TASK_RUNNING;
	idle_task.pid = idle_task.tgid = 0;
	idle_task.group_leader = &idle_task;
	idle_task.signal = &idle_signal;
	idle_task.sighand = &idle_sighand;
	INIT_LIST_HEAD(&idle_signal.thread_head);
	strlcpy(idle_task.comm, "swapper", sizeof(idle_task.comm));
	INIT_LIST_HEAD(&idle_task.children);
	INIT_LIST_HEAD(&idle_task.run_list);
	this_cpu()->curr = &idle_task;
}

/*
 * A secondary CPU's idle task, "swapper/N" (Linux: init_idle): pid 0 like
 * CPU 0's, on no list, never runs user code. It is what current names on
 * that CPU while it idles in its own loop (arch/x86_64/smpboot.c).
 */
void init_idle(struct task_struct *idle, int cpu)
{
	idle->state = TASK_RUNNING;
	idle->pid = idle->tgid = 0;
	idle->group_leader = idle;
	idle->signal = &idle_signal;	/* as CPU 0's: signal_pending() may look at it */
	idle->sighand = &idle_sighand;
	snprintf(idle->comm, sizeof(idle->comm), "swapper/%d", cpu);
	INIT_LIST_HEAD(&idle->children);
	INIT_LIST_HEAD(&idle->sibling);
	INIT_LIST_HEAD(&idle->run_list);
	INIT_LIST_HEAD(&idle->tasks);
}

struct task_struct *find_task_by_pid(pid_t pid)
{
	struct task_struct *t;

	list_for_each_entry(t, &task_list, tasks)
		if (t->pid == pid)
			return t;
	return NULL;
}

/*
 * Is t the first task on task_list that uses its mm? Walks over every mm
 * once although threads share them (for counters and checks; O(tasks)).
 */
bool task_mm_first(const struct task_struct *t)
{
	const struct task_struct *p;

	if (!t->mm)
		return false;
	if (atomic_read(&t->mm->mm_users) == 1)
		return true;	/* the common case: nobody else uses it */
	list_for_each_entry(p, &task_list, tasks) {
		if (p->mm == t->mm)
			return p == t;
	}
	return false;
}

#define PID_MAX 32768		/* Linux's default pid_max */

/* Increasing pids, wrapping at pid_max, as Linux; -EAGAIN when all are taken. */
static pid_t alloc_pid(void)
{
	for (int tries = 0; tries < PID_MAX; tries++) {
		last_pid = last_pid >= PID_MAX - 1 ? 2 : last_pid + 1;
		if (!find_task_by_pid(last_pid))
			return last_pid;
	}
	return -EAGAIN;
}

struct task_struct *alloc_task(void)
{
	pid_t pid = alloc_pid();
	struct task_struct *t;

	if (pid < 0)
		return NULL;
	/* About 12 KB (the siginfo of every pending signal): whole pages from kmalloc. */
	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return NULL;
	t->stack = __get_free_pages(GFP_KERNEL, THREAD_SIZE_ORDER);
	if (!t->stack) {
		kfree(t);
		return NULL;
	}
	t->pid = pid;
	t->state = TASK_INTERRUPTIBLE;	/* not runnable until wake_up_process */
	INIT_LIST_HEAD(&t->children);
	INIT_LIST_HEAD(&t->sibling);
	INIT_LIST_HEAD(&t->run_list);
	list_add_tail(&t->tasks, &task_list);
	return t;
}

/* The task_struct and stack, and its references to the shared sighand and signal_struct. */
void free_task(struct task_struct *t)
{
	if (t->sighand)
		__cleanup_sighand(t->sighand);
	if (t->signal)
		put_signal_struct(t->signal);
	list_del(&t->tasks);
	free_pages(t->stack, THREAD_SIZE_ORDER);
	kfree(t);
}

void wake_up_process(struct task_struct *t)
{
	spin_lock(&rq_lock);
	if (t->state == TASK_INTERRUPTIBLE || t->state == TASK_UNINTERRUPTIBLE) {
		t->state = TASK_RUNNING;
		t->wait_chan = NULL;
		t->wake_time = 0;
		list_add_tail(&t->run_list, &run_queue);
	}
	spin_unlock(&rq_lock);
}

void wake_up(void *chan)
{
	struct task_struct *t;

	list_for_each_entry(t, &task_list, tasks)
		if (t->state == TASK_INTERRUPTIBLE && t->wait_chan == chan)
			wake_up_process(t);
}

static struct task_struct *pick_next_task(void)
{
	struct task_struct *next;

	if (list_empty(&run_queue))
		return &idle_task;
	next = list_first_entry(&run_queue, struct task_struct, run_list);
	/* Round robin: the chosen task goes to the back of the queue. */
	list_del(&next->run_list);
	list_add_tail(&next->run_list, &run_queue);
	return next;
}

/* Interrupts off (schedule). The idle task and kernel threads run on init_mm. */
static void switch_mm(struct task_struct *prev, struct task_struct *next)
{
	struct mm_struct *mm = next->mm ? next->mm : &init_mm;

	if (!prev->mm || prev->mm != next->mm)
		switch_mm_irqs_off(mm);
}

/* Now on the new task's stack: free a task that exited with nobody to reap it. */
static void finish_task_switch(void)
{
	struct task_struct *dead = this_cpu()->dead_task;

	if (dead) {
		this_cpu()->dead_task = NULL;
		free_task(dead);
	}
}

/* The address space, then the registers and stack (arch/x86_64/process.c). */
static void context_switch(struct task_struct *prev, struct task_struct *next)
{
	switch_mm(prev, next);
	switch_to(prev, next);
	finish_task_switch();
}

/*
 * Pick the next runnable task and switch to it. A task that is not
 * TASK_RUNNING (it is going to sleep, or exiting) leaves the run queue.
 */
void schedule(void)
{
	unsigned long flags = local_irq_save();
	struct task_struct *prev = current, *next;

	this_cpu()->need_resched = false;
	spin_lock(&rq_lock);
	if (prev != &idle_task && prev->state != TASK_RUNNING && !list_empty(&prev->run_list))
		list_del_init(&prev->run_list);
	next = pick_next_task();
	spin_unlock(&rq_lock);
	slice_left = TIMESLICE_TICKS;
	if (next != prev)
		context_switch(prev, next);
	local_irq_restore(flags);
}

/*
 * The first code a new task runs, from ret_from_fork, before returning to
 * user. A CLONE_CHILD_SETTID child writes its tid now, in its own memory;
 * a bad address is ignored, as in Linux.
 */
void schedule_tail(void)
{
	finish_task_switch();
	local_irq_enable();
	if (current->set_child_tid)
		put_user(current->pid, current->set_child_tid);
}

int sleep_on(void *chan, u64 timeout_ns)
{
	struct task_struct *t = current;

	local_irq_disable();
	if (signal_pending(t)) {
		local_irq_enable();
		return -ERESTARTSYS;
	}
	t->state = TASK_INTERRUPTIBLE;
	t->wait_chan = chan;
	t->wake_time = timeout_ns ? ktime_get_ns() + timeout_ns : 0;
	schedule();
	local_irq_enable();
	return signal_pending(t) ? -ERESTARTSYS : 0;
}

/* Timeouts: sleepers whose time is up wake; an alarm() that is due sends SIGALRM. */
static void run_timers(void)
{
	struct task_struct *t;
	u64 now = ktime_get_ns();

	list_for_each_entry(t, &task_list, tasks) {
		if (t->state == TASK_INTERRUPTIBLE && t->wake_time && t->wake_time <= now)
			wake_up_process(t);
		/* The alarm is the process's: looked at once, through its leader. */
		if (thread_group_leader(t) && t->signal->alarm_ns && t->signal->alarm_ns <= now) {
			kernel_siginfo_t info = { .si_signo = SIGALRM, .si_code = SI_KERNEL };

			t->signal->alarm_ns = 0;
			send_signal(t, SIGALRM, &info, PIDTYPE_TGID);
		}
	}
}

/* Called from the timer interrupt: account time, end slices, wake sleepers. */
void scheduler_tick(void)
{
	struct task_struct *t = current;

	jiffies++;
	if (t != &idle_task)
		t->utime_ns += NSEC_PER_SEC / HZ;
	run_timers();
	if (--slice_left <= 0 || t == &idle_task)
		this_cpu()->need_resched = true;
}

void timer_interrupt(void)
{
	scheduler_tick();
}

__attribute__((noreturn)) void cpu_idle(void)
{
	for (;;) {
		local_irq_disable();
		if (!list_empty(&run_queue)) {
			schedule();
			continue;
		}
		safe_halt();	/* the interrupt that ends the wait cannot slip in before it */
	}
}
