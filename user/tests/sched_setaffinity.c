/*
 * sched_setaffinity of another process that is running, as Linux: the
 * call returns once the task is on a CPU of the new mask (Linux waits for
 * the stopper to move it). A child spins in user mode, counting in a
 * shared page; the parent moves it between CPUs and, right after each
 * call, reads the CPU from /proc/CHILD/stat (field 39) and the mask back
 * from sched_getaffinity; then checks that the child still counts there.
 */
#include "smptest.h"

#define MOVES	6

struct shared {
	volatile long count;
};

static struct shared *sh;

static __attribute__((noreturn)) void spin(void)
{
	for (;;)
		sh->count++;
}

/* Wait until the child's count moves past what it was (it runs); 1 if it did. */
static int counting(void)
{
	long start = sh->count, deadline = now_ns() + 60L * 1000 * 1000 * 1000;

	while (sh->count == start)
		if (now_ns() > deadline)
			return 0;
	return 1;
}

int main(void)
{
	char path[64];
	long child;
	int status;

	smp_require_two_cpus("sched_setaffinity");
	sh = mailbox_new(sizeof(*sh));
	if (!tap_ok(sh != NULL, "a MAP_SHARED page for the child's count"))
		return tap_done();
	child = sys_fork();
	if (child == 0)
		spin();
	if (!tap_ok(child > 0 && counting(), "the child runs (it counts)"))
		return tap_done();
	snprintf(path, sizeof(path), "/proc/%ld/stat", child);
	for (int i = 0; i < MOVES; i++) {
		int cpu = i % 2 ? 0 : 1;
		unsigned long mask = 1UL << cpu, got = 0;

		tap_is_long(sys_sched_setaffinity((int)child, sizeof(mask), &mask), 0,
			    "move %d: sched_setaffinity(child, {%d})", i, cpu);
		tap_is_long(proc_stat_processor(path), cpu, "move %d: right after it, /proc/child/stat says CPU %d", i, cpu);
		tap_is_long(sys_sched_getaffinity((int)child, sizeof(got), &got), sizeof(got),
			    "move %d: sched_getaffinity(child)", i);
		tap_is_ulong(got, mask, "move %d: the mask reads back", i);
		tap_ok(counting(), "move %d: the child goes on counting there", i);
	}
	sys_kill((int)child, SIGKILL);
	tap_is_long(sys_wait4((int)child, &status, 0, NULL), child, "reap the child");
	return tap_done();
}
