/*
 * fork: the child gets its own copy of every kind of memory (data, bss,
 * stack, brk heap, anonymous mmap); writes on either side after fork are
 * invisible to the other.  Several children, and a grandchild, too.
 */
#include "tap.h"

#define BIG (1UL << 20)                 /* 1 MB of mmap, 256 pages */

static long data_var = 1;
static long bss_var;
static char *heap;
static unsigned char *big;

/*
 * In the child: all values must still be the pre-fork ones even though
 * the parent overwrites them right after fork; then scribble on them.
 * Exit code = number of the first wrong check.
 */
static int child_body(volatile long *stack_var)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };

	sys_nanosleep(&ts, NULL);       /* let the parent write first */
	if (data_var != 1)
		return 1;
	if (bss_var != 1)
		return 2;
	if (*stack_var != 1)
		return 3;
	if (heap[0] != 'h' || heap[4095] != 'H')
		return 4;
	for (unsigned long i = 0; i < BIG; i += PAGE_SIZE)
		if (big[i] != (unsigned char)(i >> 12))
			return 5;
	data_var = bss_var = *stack_var = 99;
	heap[0] = 'X';
	memset(big, 0xee, BIG);
	return 0;
}

static int parent_values_intact(volatile long *stack_var)
{
	if (data_var != 2 || bss_var != 2 || *stack_var != 2 || heap[0] != 'P')
		return 0;
	for (unsigned long i = 0; i < BIG; i += PAGE_SIZE)
		if (big[i] != 0x11)
			return 0;
	return 1;
}

int main(void)
{
	volatile long stack_var = 1;
	int status = -1;
	long pid, r;

	bss_var = 1;
	heap = sbrk(2 * PAGE_SIZE);
	big = (unsigned char *)sys_mmap(NULL, BIG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!tap_ok(heap != (void *)-1 && (long)big > 0, "set up heap and mmap"))
		return tap_done();
	heap[0] = 'h';
	heap[4095] = 'H';
	for (unsigned long i = 0; i < BIG; i += PAGE_SIZE)
		big[i] = (unsigned char)(i >> 12);

	pid = sys_fork();
	if (pid == 0)
		sys_exit_group(child_body(&stack_var));
	tap_ok(pid > 0, "fork returns the child's pid in the parent (%ld)", pid);
	data_var = bss_var = stack_var = 2;
	heap[0] = 'P';
	memset(big, 0x11, BIG);
	r = sys_wait4((int)pid, &status, 0, NULL);
	tap_is_long(r, pid, "wait4 reaps the child");
	tap_is_long(status, 0, "child saw pre-fork values despite the parent's writes (exit code = first bad check)");
	tap_ok(parent_values_intact(&stack_var), "parent does not see the child's writes");

	/* Five children at once, each with its own exit code. */
	long pids[5];
	int all_ok = 1;

	for (int i = 0; i < 5; i++) {
		pids[i] = sys_fork();
		if (pids[i] == 0)
			sys_exit_group(10 + i);
	}
	for (int i = 0; i < 5; i++) {
		r = sys_wait4((int)pids[i], &status, 0, NULL);
		if (r != pids[i] || status != (10 + i) << 8)
			all_ok = 0;
	}
	tap_ok(all_ok, "five concurrent children exit with their own codes");

	/* A grandchild: the child waits for it and passes its code on. */
	pid = sys_fork();
	if (pid == 0) {
		long g = sys_fork();

		if (g == 0)
			sys_exit_group(7);
		if (sys_wait4((int)g, &status, 0, NULL) != g)
			sys_exit_group(1);
		sys_exit_group(WEXITSTATUS(status) + 1);
	}
	status = -1;
	tap_is_long(sys_wait4((int)pid, &status, 0, NULL), pid, "wait4 reaps the child");
	tap_is_long(status, 8 << 8, "child reaps a grandchild (7) and exits 7 + 1");
	return tap_done();
}
