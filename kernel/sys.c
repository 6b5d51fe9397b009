/* Small system calls: identity, time, sleeping, uname, getrandom, reboot (arch_prctl: arch/x86_64/process.c). */
#include <kernel/sched.h>
#include <kernel/kernel.h>
#include <lib/string.h>
#include <kernel/errno.h>
#include <kernel/power.h>
#include <arch/x86_64/uaccess.h>
#include <arch/x86_64/processor.h>
#include <arch/x86_64/archrandom.h>
#include <arch/x86_64/time.h>
#include <mm/mm.h>
#include <kernel/smp.h>

/* The process id is the thread group's (tgid); gettid is this thread's own. */
long sys_getpid(void) { return current->tgid; }
long sys_gettid(void) { return current->pid; }
long sys_getppid(void) { return current->parent ? current->parent->tgid : 0; }
long sys_getuid(void) { return 0; }

/* Process groups and sessions (Linux: kernel/sys.c). */
long sys_setpgid(pid_t pid, pid_t pgid)
{
	struct task_struct *p = pid ? find_task_by_pid(pid) : current, *t;

	if (pgid < 0)
		return -EINVAL;
	if (!p || (p->signal != current->signal && p->parent->signal != current->signal))
		return -ESRCH;
	if (p->sid == p->tgid)
		return -EPERM;			/* a session leader cannot move */
	if (!pgid)
		pgid = p->tgid;
	if (pgid != p->tgid) {
		bool exists = false;

		list_for_each_entry(t, &task_list, tasks)
			exists |= t->pgid == pgid && t->sid == p->sid;
		if (!exists)
			return -EPERM;
	}
	/* The group is the process's: every thread moves (Linux keeps it in signal_struct). */
	for_each_thread(p, t)
		t->pgid = pgid;
	return 0;
}

long sys_getpgid(pid_t pid)
{
	struct task_struct *p = pid ? find_task_by_pid(pid) : current;

	return p ? p->pgid : -ESRCH;
}

long sys_getpgrp(void) { return current->pgid; }

long sys_setsid(void)
{
	struct task_struct *t;

	/* A group leader cannot start a session: its group would be split. */
	list_for_each_entry(t, &task_list, tasks)
		if (t->pgid == current->tgid)
			return -EPERM;
	for_each_thread(current, t)
		t->sid = t->pgid = current->tgid;
	return current->sid;
}

long sys_getsid(pid_t pid)
{
	struct task_struct *p = pid ? find_task_by_pid(pid) : current;

	return p ? p->sid : -ESRCH;
}
long sys_sched_yield(void)
{
	schedule();
	return 0;
}

long sys_set_tid_address(int *tidptr)
{
	current->clear_child_tid = (unsigned long *)tidptr;
	return current->pid;
}

struct new_utsname {
	char sysname[65], nodename[65], release[65], version[65], machine[65], domainname[65];
};

long sys_uname(struct new_utsname *name)
{
	struct new_utsname u;

	memset(&u, 0, sizeof(u));
	strlcpy(u.sysname, "Pagoda", sizeof(u.sysname));
	strlcpy(u.nodename, "pagoda", sizeof(u.nodename));
	/* The Linux ABI Pagoda follows; C libraries that look at it see 6.1. */
	strlcpy(u.release, "6.1.0-pagoda", sizeof(u.release));
	strlcpy(u.version, "#1 SMP PREEMPT_DYNAMIC Pagoda", sizeof(u.version));
	strlcpy(u.machine, "x86_64", sizeof(u.machine));
	strlcpy(u.domainname, "(none)", sizeof(u.domainname));
	return copy_to_user(name, &u, sizeof(u)) ? -EFAULT : 0;
}

struct timespec {
	long tv_sec, tv_nsec;
};

#define CLOCK_REALTIME		0
#define CLOCK_MONOTONIC		1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID	3
#define CLOCK_MONOTONIC_RAW	4
#define CLOCK_REALTIME_COARSE	5
#define CLOCK_MONOTONIC_COARSE	6
#define CLOCK_BOOTTIME		7

static long nanosleep_restart(struct restart_block *restart);

static struct timespec ns_to_timespec(u64 ns)
{
	return (struct timespec){ (long)(ns / NSEC_PER_SEC), (long)(ns % NSEC_PER_SEC) };
}

long sys_clock_gettime(int which, struct timespec *tp)
{
	struct timespec ts;

	switch (which) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
		/* No RTC is read: the wall clock starts at the epoch at boot. */
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
		ts = ns_to_timespec(ktime_get_ns());
		break;
	case CLOCK_PROCESS_CPUTIME_ID:
		ts = ns_to_timespec(thread_group_cputime_ns(current));	/* every thread's */
		break;
	case CLOCK_THREAD_CPUTIME_ID:
		ts = ns_to_timespec(current->utime_ns + current->stime_ns);
		break;
	default:
		return -EINVAL;
	}
	return copy_to_user(tp, &ts, sizeof(ts)) ? -EFAULT : 0;
}

long sys_clock_getres(int which, struct timespec *tp)
{
	struct timespec ts = { 0, 1 };

	if (which < 0 || which > CLOCK_BOOTTIME)
		return -EINVAL;
	if (tp && copy_to_user(tp, &ts, sizeof(ts)))
		return -EFAULT;
	return 0;
}

/*
 * Sleep until the CLOCK_MONOTONIC deadline expires (Linux: do_nanosleep).
 * A signal ends the sleep early: the time left goes to rmtp, and the call
 * returns -ERESTART_RESTARTBLOCK. A handler then sees EINTR, whatever its
 * SA_RESTART; with no handler, restart_syscall goes on to the same deadline
 * (nanosleep_restart), so the sleep does not start over.
 */
static long do_nanosleep(u64 expires, struct timespec *rmtp)
{
	struct restart_block *restart = &current->restart_block;
	u64 now;

	while ((now = ktime_get_ns()) < expires) {
		/* The timer tick wakes us; its resolution is 1/HZ, as a tickful Linux. */
		if (!sleep_on(&current->wake_time, expires - now))
			continue;
		if (rmtp) {
			struct timespec rem = ns_to_timespec(expires - min(expires, ktime_get_ns()));

			if (copy_to_user(rmtp, &rem, sizeof(rem)))
				return -EFAULT;
		}
		restart->fn = nanosleep_restart;
		restart->expires = expires;
		restart->rmtp = rmtp;
		return -ERESTART_RESTARTBLOCK;
	}
	return 0;
}

static long nanosleep_restart(struct restart_block *restart)
{
	return do_nanosleep(restart->expires, restart->rmtp);
}

long sys_nanosleep(const struct timespec *rqtp, struct timespec *rmtp)
{
	struct timespec ts;

	if (copy_from_user(&ts, rqtp, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (long)NSEC_PER_SEC)
		return -EINVAL;
	return do_nanosleep(ktime_get_ns() + (u64)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec, rmtp);
}

/* No restart is pending: a stray restart_syscall gives EINTR (Linux: do_no_restart_syscall). */
long do_no_restart_syscall(struct restart_block *restart)
{
	(void)restart;
	return -EINTR;
}

/*
 * restart_syscall(2): what the signal code runs instead of a call that
 * returned -ERESTART_RESTARTBLOCK when no handler ran. One use only.
 */
long sys_restart_syscall(void)
{
	struct restart_block *restart = &current->restart_block;
	long (*fn)(struct restart_block *) = restart->fn ? restart->fn : do_no_restart_syscall;

	restart->fn = do_no_restart_syscall;
	return fn(restart);
}

struct timeval {
	long tv_sec, tv_usec;
};

long sys_gettimeofday(struct timeval *tv, void *tz)
{
	u64 ns = ktime_get_ns();
	struct timeval t = { (long)(ns / NSEC_PER_SEC), (long)(ns % NSEC_PER_SEC) / 1000 };
	static const int zero_tz[2];

	if (tv && copy_to_user(tv, &t, sizeof(t)))
		return -EFAULT;
	if (tz && copy_to_user(tz, zero_tz, sizeof(zero_tz)))
		return -EFAULT;
	return 0;
}

long sys_time(long *tloc)
{
	long now = (long)(ktime_get_ns() / NSEC_PER_SEC);

	if (tloc && put_user(now, tloc))
		return -EFAULT;
	return now;
}

/*
 * alarm: SIGALRM after seconds (0 cancels). Returns the seconds the old
 * alarm had left, rounded to the nearest and at least 1 (Linux's rule).
 */
long sys_alarm(unsigned int seconds)
{
	struct signal_struct *sig = current->signal;	/* one alarm per process (Linux: real_timer) */
	u64 now = ktime_get_ns();
	long left = 0;

	if (sig->alarm_ns > now) {
		u64 rem = sig->alarm_ns - now;

		left = (long)((rem + NSEC_PER_SEC / 2) / NSEC_PER_SEC);
		if (!left)
			left = 1;
	}
	sig->alarm_ns = seconds ? now + (u64)seconds * NSEC_PER_SEC : 0;
	return left;
}

/* getcpu: the CPU this runs on and its NUMA node. */
long sys_getcpu(unsigned int *cpu, unsigned int *node, void *unused)
{
	unsigned int c = smp_processor_id(), n = this_cpu()->node;

	(void)unused;
	if (cpu && put_user(c, cpu))
		return -EFAULT;
	if (node && put_user(n, node))
		return -EFAULT;
	return 0;
}

/*
 * sched_getaffinity: the CPUs pid may run on, as Linux reports them: its
 * allowed mask and'ed with the active (online) CPUs. Returns the bytes
 * written: one long, the size of Pagoda's cpumask (NR_CPUS <= 64).
 */
long sys_sched_getaffinity(pid_t pid, unsigned int len, unsigned long *user_mask_ptr)
{
	struct task_struct *p = pid ? find_task_by_pid(pid) : current;
	unsigned long mask;

	if (len * 8UL < (unsigned long)nr_cpu_ids() || (len & (sizeof(unsigned long) - 1)))
		return -EINVAL;
	if (!p)
		return -ESRCH;
	mask = p->cpus_mask & cpu_online_mask();
	if (copy_to_user(user_mask_ptr, &mask, sizeof(mask)))
		return -EFAULT;
	return sizeof(mask);
}

/*
 * sched_setaffinity (Linux: get_user_cpu_mask, then sched_setaffinity):
 * a shorter mask is zero-extended, a longer one cut to the cpumask; bits
 * of CPUs that do not exist are dropped. EFAULT, then ESRCH, then EINVAL
 * if no online CPU is left. The caller itself is on an allowed CPU when
 * this returns; another running task moves at its next switch.
 */
long sys_sched_setaffinity(pid_t pid, unsigned int len, const unsigned long *user_mask_ptr)
{
	unsigned long mask = 0;

	if (copy_from_user(&mask, user_mask_ptr, len < sizeof(mask) ? len : sizeof(mask)))
		return -EFAULT;
	return sched_setaffinity(pid, mask);
}

/* set_robust_list: glibc registers its list at startup; Linux checks the size. */
long sys_set_robust_list(void *head, size_t len)
{
	if (len != 24)		/* sizeof(struct robust_list_head) */
		return -EINVAL;
	current->robust_list = head;
	return 0;
}

/*
 * getrandom: bytes from RDRAND when the CPU has it, else from a xorshift
 * generator seeded by the TSC. Good enough for C libraries' hash seeds and
 * stack canaries; Pagoda has no entropy pool.
 */
#define GRND_NONBLOCK	0x0001
#define GRND_RANDOM	0x0002
#define GRND_INSECURE	0x0004

static u64 random_u64(void)
{
	static u64 state;
	unsigned long v;

	if (rdrand_long(&v))
		return v;
	if (!state)
		state = get_cycles() | 1;
	state ^= state << 13;
	state ^= state >> 7;
	state ^= state << 17;
	return state ^ get_cycles();
}

long sys_getrandom(char *ubuf, size_t count, unsigned int flags)
{
	size_t done = 0;

	if (flags & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE) ||
	    (flags & (GRND_RANDOM | GRND_INSECURE)) == (GRND_RANDOM | GRND_INSECURE))
		return -EINVAL;
	if (count > 0x1ffffff)
		count = 0x1ffffff;		/* Linux: at most MAX_RW_COUNT-ish per call */
	while (done < count) {
		u64 v = random_u64();
		size_t n = min(count - done, sizeof(v));

		if (copy_to_user(ubuf + done, &v, n))
			return done ? (long)done : -EFAULT;
		done += n;
	}
	return done;
}

/*
 * Resource limits: Pagoda's own, fixed ones (the stack is 8 MB, a process
 * has 64 descriptors, everything else is unlimited). Changing them is
 * refused: nothing would enforce a new value.
 */
#define RLIM_INFINITY	(~0UL)
#define RLIMIT_STACK	3
#define RLIMIT_CORE	4
#define RLIMIT_NOFILE	7
#define RLIM_NLIMITS	16

struct rlimit64 {
	unsigned long rlim_cur, rlim_max;
};

static struct rlimit64 pagoda_rlimit(int resource)
{
	switch (resource) {
	case RLIMIT_STACK:
		return (struct rlimit64){ _STK_LIM, RLIM_INFINITY };
	case RLIMIT_CORE:
		return (struct rlimit64){ 0, RLIM_INFINITY };	/* no core dumps */
	case RLIMIT_NOFILE:
		return (struct rlimit64){ NR_OPEN_DEFAULT, NR_OPEN_DEFAULT };
	default:
		return (struct rlimit64){ RLIM_INFINITY, RLIM_INFINITY };
	}
}

long sys_prlimit64(pid_t pid, unsigned int resource, const struct rlimit64 *new, struct rlimit64 *old)
{
	struct rlimit64 cur;

	if (resource >= RLIM_NLIMITS)
		return -EINVAL;
	if (pid && !find_task_by_pid(pid))
		return -ESRCH;
	cur = pagoda_rlimit(resource);
	if (new) {
		struct rlimit64 want;

		if (copy_from_user(&want, new, sizeof(want)))
			return -EFAULT;
		if (want.rlim_cur > want.rlim_max)
			return -EINVAL;
		if (want.rlim_cur != cur.rlim_cur || want.rlim_max != cur.rlim_max)
			return -EPERM;
	}
	if (old && copy_to_user(old, &cur, sizeof(cur)))
		return -EFAULT;
	return 0;
}

long sys_getrlimit(unsigned int resource, struct rlimit64 *rlim)
{
	return sys_prlimit64(0, resource, NULL, rlim);
}

long sys_setrlimit(unsigned int resource, const struct rlimit64 *rlim)
{
	return sys_prlimit64(0, resource, rlim, NULL);
}

#define LINUX_REBOOT_MAGIC1	0xfee1dead
#define LINUX_REBOOT_MAGIC2	672274793
#define LINUX_REBOOT_MAGIC2A	85072278
#define LINUX_REBOOT_MAGIC2B	369367448
#define LINUX_REBOOT_MAGIC2C	537993216
#define LINUX_REBOOT_CMD_RESTART	0x01234567
#define LINUX_REBOOT_CMD_HALT		0xCDEF0123
#define LINUX_REBOOT_CMD_POWER_OFF	0x4321FEDC
#define LINUX_REBOOT_CMD_CAD_ON		0x89ABCDEF
#define LINUX_REBOOT_CMD_CAD_OFF	0x00000000

long sys_reboot(int magic1, int magic2, unsigned int cmd, void *arg)
{
	if ((unsigned int)magic1 != LINUX_REBOOT_MAGIC1 ||
	    (magic2 != LINUX_REBOOT_MAGIC2 && magic2 != LINUX_REBOOT_MAGIC2A &&
	     magic2 != LINUX_REBOOT_MAGIC2B && magic2 != LINUX_REBOOT_MAGIC2C))
		return -EINVAL;
	switch (cmd) {
	case LINUX_REBOOT_CMD_CAD_ON:
	case LINUX_REBOOT_CMD_CAD_OFF:
		return 0;
	case LINUX_REBOOT_CMD_POWER_OFF:
	case LINUX_REBOOT_CMD_HALT:
	case LINUX_REBOOT_CMD_RESTART:	/* QEMU runs with -no-reboot: a restart ends it too */
		printk("reboot: Power down\n");
		machine_power_off(POWER_OFF_CLEAN);
	default:
		return -EINVAL;
	}
}
