/*
 * The scheduler: preemptive round robin on each CPU. Every CPU has its own
 * run queue (struct rq) of the TASK_RUNNING tasks placed on it, and runs
 * only those; its LAPIC timer ticks at HZ and marks the running task for
 * rescheduling when its slice ends; the switch happens on the way back to
 * user mode (exit_to_user_mode) or when a task sleeps. The kernel itself
 * is not preemptible: a task in the kernel runs until it sleeps or returns.
 *
 * Where a task runs (docs/smp.md):
 *   fork       wake_up_new_task: the least busy CPU the task may use
 *   wake-up    the CPU it last ran on (task_cpu); an idle CPU is kicked
 *              to come and take it when that CPU is busy
 *   idle       an idle CPU pulls a queued, not running task that may run
 *              there (idle_balance): Pagoda's load balancing
 *   affinity   a running task that may no longer run on its CPU leaves it
 *              at its next switch (rq->push_task, finish_task_switch)
 * A task moves only while it is not running: on a queue, under that
 * queue's lock, or "in flight" (TASK_RUNNING on no queue) between two.
 *
 * Locks: rq->lock (level LOCK_ORDER_RQ, innermost) guards a queue and the
 * state, run_list and cpu of the tasks on it. schedule() takes it and the
 * task switched to releases it (finish_task_switch): whoever holds a
 * CPU's rq->lock sees no task half-way through a switch there. Two queues
 * are locked lower CPU first (double_rq_lock). The task list and
 * everything else here are the big kernel lock's (kernel/smp_lock.h),
 * which schedule() drops for the task that sleeps.
 */
#include <mm/mempolicy.h>
#include <kernel/sched.h>
#include <kernel/kernel.h>
#include <lib/string.h>
#include <kernel/errno.h>
#include <kernel/spinlock.h>
#include <kernel/smp.h>
#include <kernel/smp_lock.h>
#include <arch/x86_64/time.h>
#include <arch/x86_64/processor.h>
#include <arch/x86_64/process.h>
#include <arch/x86_64/pgtable.h>
#include <arch/x86_64/uaccess.h>
#include <mm/mm.h>
#include <mm/slab.h>

struct rq {
	spinlock_t lock;
	struct list_head queue;		/* its TASK_RUNNING tasks, curr included (not idle) */
	unsigned int nr_running;	/* tasks on queue */
	struct task_struct *curr, *idle;
	struct task_struct *prev;	/* the task a switch leaves: for finish_task_switch */
	struct task_struct *push_task;	/* prev, runnable but not allowed here: moved after the switch */
	int slice_left;			/* ticks; only this CPU touches it */
	int cpu;
};

static struct rq runqueues[NR_CPUS];
#define cpu_rq(cpu)	(&runqueues[(cpu)])
#define this_rq()	cpu_rq(smp_processor_id())

LIST_HEAD(task_list);
/*
 * Tasks fork is still building: their pids are taken, but nobody can find,
 * signal or wake them (copy_process may sleep, dropping the big kernel
 * lock). wake_up_new_task moves them to task_list (Linux: the pid is
 * attached at the end of copy_process).
 */
static LIST_HEAD(new_task_list);
static struct task_struct idle_task;
/* The idle tasks never take a signal, but signal_pending() may look at them. */
static struct signal_struct idle_signal;
static struct sighand_struct idle_sighand;
static pid_t last_pid;

struct task_struct *init_task_ptr;

static void rq_init(int cpu, struct task_struct *idle)
{
	struct rq *rq = cpu_rq(cpu);

	spin_lock_init(&rq->lock);
	spin_lock_set_order(&rq->lock, LOCK_ORDER_RQ);
	INIT_LIST_HEAD(&rq->queue);
	rq->cpu = cpu;
	rq->idle = rq->curr = idle;
	rq->slice_left = TIMESLICE_TICKS;
	idle->cpu = cpu;
	idle->on_cpu = 1;
	idle->cpus_mask = 1UL << cpu;
}

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
	rq_init(0, &idle_task);
	this_cpu()->curr = &idle_task;
}

/*
 * A secondary CPU's idle task, "swapper/N" (Linux: init_idle): pid 0 like
 * CPU 0's, on no list, never runs user code. It is what current names on
 * that CPU while it idles (cpu_idle).
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
	rq_init(cpu, idle);
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

static bool pid_in_use(pid_t pid)
{
	struct task_struct *t;

	list_for_each_entry(t, &new_task_list, tasks)
		if (t->pid == pid)
			return true;
	return find_task_by_pid(pid) != NULL;
}

/* Increasing pids, wrapping at pid_max, as Linux; -EAGAIN when all are taken. */
static pid_t alloc_pid(void)
{
	for (int tries = 0; tries < PID_MAX; tries++) {
		last_pid = last_pid >= PID_MAX - 1 ? 2 : last_pid + 1;
		if (!pid_in_use(last_pid))
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
	t->start_time = ktime_get_ns();
	t->state = TASK_INTERRUPTIBLE;	/* not runnable until wake_up_process */
	t->cpu = smp_processor_id();
	t->cpus_mask = current->cpus_mask & __cpu_possible_mask;
	if (!t->cpus_mask || current == this_rq()->idle)
		t->cpus_mask = __cpu_possible_mask;	/* init, or a task of the idle context */
	INIT_LIST_HEAD(&t->children);
	INIT_LIST_HEAD(&t->sibling);
	INIT_LIST_HEAD(&t->run_list);
	list_add_tail(&t->tasks, &new_task_list);
	return t;
}

/* Linux: __unhash_process. Called once, under the big kernel lock. */
void unhash_task(struct task_struct *t)
{
	list_del_init(&t->tasks);
}

/*
 * The task_struct and stack, and its references to the shared sighand and
 * signal_struct. A task that exited on another CPU may still stand on its
 * stack, on its way out of schedule(): wait for that CPU to leave it
 * (Linux keeps a reference instead, dropped in finish_task_switch).
 */
void free_task(struct task_struct *t)
{
	if (!list_empty(&t->tasks))
		unhash_task(t);
	while (__atomic_load_n(&t->on_cpu, __ATOMIC_ACQUIRE)) {
		smp_poll_function_queue();
		cpu_relax();
	}
	if (t->sighand)
		__cleanup_sighand(t->sighand);
	if (t->signal)
		put_signal_struct(t->signal);
	mpol_put_task_policy(t);	/* a fork that failed: do_exit never ran */
	free_pages(t->stack, THREAD_SIZE_ORDER);
	kfree(t);
}

static void enqueue_task(struct rq *rq, struct task_struct *p)
{
	lockdep_assert_held(&rq->lock);
	list_add_tail(&p->run_list, &rq->queue);
	rq->nr_running++;
}

static void dequeue_task(struct rq *rq, struct task_struct *p)
{
	lockdep_assert_held(&rq->lock);
	list_del_init(&p->run_list);
	rq->nr_running--;
}

static bool cpu_allowed(const struct task_struct *p, int cpu)
{
	return (p->cpus_mask >> cpu) & 1 && cpu_online(cpu);
}

/* Lock the queue p is on; p->cpu cannot change while it is held. */
static struct rq *task_rq_lock(struct task_struct *p)
{
	for (;;) {
		struct rq *rq = cpu_rq(task_cpu(p));

		spin_lock(&rq->lock);
		if (rq->cpu == task_cpu(p))
			return rq;
		spin_unlock(&rq->lock);
	}
}

/* Two queues, lower CPU first; the second as a knowing nesting of the same level. */
static void double_rq_lock(struct rq *a, struct rq *b)
{
	if (a->cpu > b->cpu) {
		struct rq *t = a;

		a = b;
		b = t;
	}
	spin_lock(&a->lock);
	spin_lock_nested(&b->lock, SINGLE_DEPTH_NESTING);
}

static void double_rq_unlock(struct rq *a, struct rq *b)
{
	if (a->cpu > b->cpu) {
		struct rq *t = a;

		a = b;
		b = t;
	}
	spin_unlock(&b->lock);
	spin_unlock(&a->lock);
}

/* Make rq's CPU look at its queue again (Linux: resched_curr). rq->lock held. */
static void resched_curr(struct rq *rq)
{
	if (rq->cpu == smp_processor_id())
		this_cpu()->need_resched = true;
	else
		smp_send_reschedule(rq->cpu);
}

/*
 * p was queued on a CPU that is busy: if another CPU p may use idles,
 * wake it to pull p (idle_balance) rather than leave p waiting for a slice.
 */
static void kick_idle_cpu(struct task_struct *p, int busy_cpu)
{
	int cpu;

	for_each_cpu_in(cpu, p->cpus_mask & cpu_online_mask()) {
		struct rq *rq = cpu_rq(cpu);

		if (cpu != busy_cpu && __atomic_load_n(&rq->curr, __ATOMIC_RELAXED) == rq->idle &&
		    !__atomic_load_n(&rq->nr_running, __ATOMIC_RELAXED)) {
			if (cpu == smp_processor_id())
				this_cpu()->need_resched = true;
			else
				smp_send_reschedule(cpu);
			return;
		}
	}
}

/* After queueing p on rq (held): get a CPU to run it. */
static void check_preempt(struct rq *rq, struct task_struct *p)
{
	if (rq->curr == rq->idle)
		resched_curr(rq);
	else
		kick_idle_cpu(p, rq->cpu);
}

/* The allowed online CPU with the fewest queued tasks; ties: the lowest. */
static int select_idlest_cpu(struct task_struct *p)
{
	int cpu, best = -1;
	unsigned int best_nr = ~0u;

	for_each_cpu_in(cpu, p->cpus_mask & cpu_online_mask()) {
		unsigned int nr = __atomic_load_n(&cpu_rq(cpu)->nr_running, __ATOMIC_RELAXED);

		if (nr < best_nr) {
			best = cpu;
			best_nr = nr;
		}
	}
	return best >= 0 ? best : 0;
}

/* p is runnable and on no queue ("in flight"): queue it on cpu. */
static void activate_task_on(struct task_struct *p, int cpu)
{
	struct rq *rq = cpu_rq(cpu);

	spin_lock(&rq->lock);
	__atomic_store_n(&p->cpu, cpu, __ATOMIC_RELAXED);
	enqueue_task(rq, p);
	check_preempt(rq, p);
	spin_unlock(&rq->lock);
}

/*
 * Linux: wake_up_new_task. The finished child becomes visible (task_list)
 * and starts where the least work is. Under the big kernel lock.
 */
void wake_up_new_task(struct task_struct *p)
{
	list_del(&p->tasks);
	list_add_tail(&p->tasks, &task_list);
	p->state = TASK_RUNNING;
	activate_task_on(p, select_idlest_cpu(p));
}

/*
 * Linux: try_to_wake_up. A sleeper goes back on the queue of the CPU it
 * ran on. If it has not left that CPU yet (it is on its way into
 * schedule(), still queued), setting TASK_RUNNING is all it takes:
 * schedule() then keeps it.
 */
void wake_up_process(struct task_struct *p)
{
	struct rq *rq = task_rq_lock(p);

	if (p->state == TASK_INTERRUPTIBLE || p->state == TASK_UNINTERRUPTIBLE) {
		p->state = TASK_RUNNING;
		p->wait_chan = NULL;
		p->wake_time = 0;
		if (list_empty(&p->run_list)) {
			if (!cpu_allowed(p, rq->cpu)) {
				/* Its affinity changed while it ran here: in flight to an allowed CPU. */
				spin_unlock(&rq->lock);
				activate_task_on(p, select_idlest_cpu(p));
				return;
			}
			enqueue_task(rq, p);
			check_preempt(rq, p);
		}
	}
	spin_unlock(&rq->lock);
}

/* Linux: kick_process. p runs on another CPU: make it enter the kernel (a signal is pending). */
void kick_process(struct task_struct *p)
{
	int cpu = task_cpu(p);

	if (cpu != smp_processor_id() && __atomic_load_n(&p->on_cpu, __ATOMIC_ACQUIRE))
		smp_send_reschedule(cpu);
}

void wake_up(void *chan)
{
	struct task_struct *t;

	list_for_each_entry(t, &task_list, tasks)
		if (t->state == TASK_INTERRUPTIBLE && t->wait_chan == chan)
			wake_up_process(t);
}

static struct task_struct *pick_next_task(struct rq *rq)
{
	struct task_struct *next;

	if (list_empty(&rq->queue))
		return rq->idle;
	next = list_first_entry(&rq->queue, struct task_struct, run_list);
	/* Round robin: the chosen task goes to the back of the queue. */
	list_del(&next->run_list);
	list_add_tail(&next->run_list, &rq->queue);
	return next;
}

/*
 * An idle CPU takes a task queued on a busier one, not running there, that
 * may run here (Linux: newidle_balance, reduced to its purpose). Interrupts
 * off. True if this CPU's queue is no longer empty.
 */
static bool idle_balance(struct rq *this)
{
	int cpu;

	for_each_cpu_in(cpu, cpu_online_mask()) {
		struct rq *src = cpu_rq(cpu);
		struct task_struct *p, *found = NULL;

		if (src == this || __atomic_load_n(&src->nr_running, __ATOMIC_RELAXED) < 2)
			continue;
		double_rq_lock(this, src);
		list_for_each_entry(p, &src->queue, run_list) {
			if (p != src->curr && !p->on_cpu && cpu_allowed(p, this->cpu)) {
				found = p;
				break;
			}
		}
		if (found) {
			dequeue_task(src, found);
			__atomic_store_n(&found->cpu, this->cpu, __ATOMIC_RELAXED);
			enqueue_task(this, found);
		}
		double_rq_unlock(this, src);
		if (found)
			return true;
	}
	return false;
}

/* Interrupts off (schedule). The idle tasks and kernel threads run on init_mm. */
static void switch_mm(struct task_struct *prev, struct task_struct *next)
{
	struct mm_struct *mm = next->mm ? next->mm : &init_mm;

	if (!prev->mm || prev->mm != next->mm)
		switch_mm_irqs_off(mm);
}

/*
 * Now on the new task's stack, with the rq lock schedule() took: prev is
 * off this CPU. Then move a task that may no longer run here, and free a
 * task that exited with nobody to reap it.
 */
static void finish_task_switch(void)
{
	struct rq *rq = this_rq();
	struct task_struct *prev = rq->prev, *push = rq->push_task;
	struct task_struct *dead = this_cpu()->dead_task;

	rq->push_task = NULL;
	this_cpu()->dead_task = NULL;
	__atomic_store_n(&prev->on_cpu, 0, __ATOMIC_RELEASE);
	spin_unlock(&rq->lock);
	if (push)
		activate_task_on(push, select_idlest_cpu(push));
	if (dead)
		free_task(dead);
}

/* The address space, then the registers and stack (arch/x86_64/process.c). */
static void context_switch(struct rq *rq, struct task_struct *prev, struct task_struct *next)
{
	rq->curr = next;
	rq->prev = prev;
	next->on_cpu = 1;
	switch_mm(prev, next);
	switch_to(prev, next);
	finish_task_switch();
}

/*
 * Pick the next runnable task of this CPU and switch to it. A task that
 * is not TASK_RUNNING (it is going to sleep, or exiting) leaves the run
 * queue; so does one that may no longer run on this CPU (pushed to
 * another after the switch). The big kernel lock is dropped while the
 * task is away and taken again before schedule() returns to it.
 */
void schedule(void)
{
	unsigned long flags = local_irq_save();
	struct task_struct *prev = current, *next;
	struct rq *rq = this_rq();

	release_kernel_lock(prev);
	this_cpu()->need_resched = false;
	spin_lock(&rq->lock);
	if (prev != rq->idle && !list_empty(&prev->run_list)) {
		if (prev->state != TASK_RUNNING) {
			dequeue_task(rq, prev);
		} else if (!cpu_allowed(prev, rq->cpu)) {
			dequeue_task(rq, prev);
			rq->push_task = prev;
		}
	}
	next = pick_next_task(rq);
	rq->slice_left = TIMESLICE_TICKS;
	if (next != prev)
		context_switch(rq, prev, next);	/* releases rq->lock */
	else
		spin_unlock(&rq->lock);
	reacquire_kernel_lock(prev);
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

/*
 * Place p, whose mask now excludes its CPU, on an allowed one: a queued
 * task under both queues' locks; a sleeping one stays where it was until
 * its wake-up sends it to an allowed CPU (wake_up_process), so that
 * /proc/PID/stat shows its last CPU, as Linux's. False if it runs (or is
 * in flight between two queues): it moves at its next switch
 * (rq->push_task) or is placed by its mover, from the new mask.
 */
static bool move_off_cpu(struct task_struct *p, struct rq *rq)
{
	int dest = select_idlest_cpu(p);

	if (p == rq->curr || p->on_cpu) {
		spin_unlock(&rq->lock);
		return false;
	}
	if (!list_empty(&p->run_list)) {
		dequeue_task(rq, p);
		spin_unlock(&rq->lock);
		activate_task_on(p, dest);
		return true;
	}
	spin_unlock(&rq->lock);
	return p->state != TASK_RUNNING;
}

/*
 * sched_setaffinity's work (Linux: __set_cpus_allowed_ptr, which waits for
 * the stopper to move a running task): mask is already cut to the possible
 * CPUs and holds an online one. Returns once pid runs or is queued on an
 * allowed CPU, or sleeps, or is gone. A running task is sent a reschedule IPI and switches away at its
 * next return to user mode; meanwhile we schedule(), which lets go of the
 * big kernel lock it may need to get there. Looked up by pid after each
 * schedule(): it may have exited and been reaped meanwhile.
 */
static void set_cpus_allowed(pid_t pid, unsigned long mask)
{
	struct task_struct *p = pid ? find_task_by_pid(pid) : current;
	bool kicked = false;

	if (!p)
		return;
	p->cpus_mask = mask;
	for (;;) {
		struct rq *rq = task_rq_lock(p);

		if (cpu_allowed(p, rq->cpu) || (p->state & (EXIT_ZOMBIE | EXIT_DEAD))) {
			spin_unlock(&rq->lock);
			return;
		}
		if (move_off_cpu(p, rq))
			return;
		if (p != current && !kicked) {
			smp_send_reschedule(task_cpu(p));
			kicked = true;
		}
		schedule();
		p = pid ? find_task_by_pid(pid) : current;
		if (!p)
			return;
	}
}

/* 0, -ESRCH, or -EINVAL when mask allows no online CPU (Linux 6.1). */
long sched_setaffinity(pid_t pid, unsigned long mask)
{
	struct task_struct *p = pid ? find_task_by_pid(pid) : current;

	if (!p || (p->state & (EXIT_ZOMBIE | EXIT_DEAD)))
		return -ESRCH;
	mask &= __cpu_possible_mask;
	if (!(mask & cpu_online_mask()))
		return -EINVAL;
	set_cpus_allowed(pid, mask);
	return 0;
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

/*
 * Called from each CPU's timer interrupt: account time, end slices. CPU 0
 * also keeps jiffies and runs the timers (Linux: tick_do_timer_cpu). The
 * timers walk the task list and send signals, which is the big kernel
 * lock's: they run when it is free, else at a later tick.
 */
void scheduler_tick(void)
{
	struct rq *rq = this_rq();
	struct task_struct *t = current;

	if (smp_processor_id() == 0) {
		jiffies++;
		if (kernel_lock_trylock_irq()) {
			run_timers();
			kernel_lock_unlock_irq();
		}
	}
	if (t != rq->idle)
		t->utime_ns += NSEC_PER_SEC / HZ;
	if (--rq->slice_left <= 0 || t == rq->idle)
		this_cpu()->need_resched = true;
}

void timer_interrupt(void)
{
	scheduler_tick();
}

/* Every CPU ends here: run what is queued, else pull work, else halt. */
__attribute__((noreturn)) void cpu_idle(void)
{
	struct rq *rq = this_rq();

	for (;;) {
		local_irq_disable();
		if (!list_empty(&rq->queue) || idle_balance(rq)) {
			schedule();
			continue;
		}
		safe_halt();	/* the interrupt that ends the wait cannot slip in before it */
	}
}
