/*
 * The stack VMA grows down on faults, as in Linux (mm/mmap.c
 * expand_downwards, fs/exec.c setup_arg_pages):
 *
 * - after execve, [stack] covers the argument pages plus 128 KB: at least
 *   132 KB, far less than RLIMIT_STACK; VmStk in /proc/self/status is its
 *   size;
 * - a write 1 MB below it grows it down to that page, and VmStk follows;
 * - a mapping below the stack blocks the growth when it ends less than the
 *   stack guard gap (256 pages) below the faulting page: at 255 pages the
 *   write gets SIGSEGV, at exactly 256 pages it succeeds; a PROT_NONE
 *   mapping in the gap blocks nothing;
 * - the stack grows to RLIMIT_STACK (8 MB) and not one page further.
 *
 * Each fault that must fail runs in its own child.
 */
#include "procmaps.h"

#define __NR_getrlimit	97
#define RLIMIT_STACK	3
#define KB		1024UL
#define MB		(1024 * KB)
#define GAP		(256 * PAGE_SIZE)	/* Linux's stack_guard_gap */

struct rlimit64 { unsigned long cur, max; };

static struct maps_entry stack;		/* [stack] after the parent grew it */

static int stack_lookup(struct maps_entry *e)
{
	volatile int here = 0;

	return maps_lookup((unsigned long)&here, e) && !strcmp(e->name, "[stack]");
}

static void touch(unsigned long addr)
{
	*(volatile char *)addr = 1;
}

/* arg: where the blocking mapping ends, below the page under the stack. */
static void write_below_with_mapping(void *arg)
{
	unsigned long target = stack.start - PAGE_SIZE, map_end = (unsigned long)arg;
	int prot = map_end & 1 ? PROT_NONE : PROT_READ;	/* low bit: PROT_NONE */
	void *m;

	map_end &= ~1UL;
	m = mmap((void *)(map_end - PAGE_SIZE), PAGE_SIZE, prot,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (m != (void *)(map_end - PAGE_SIZE))
		sys_exit(3);
	touch(target);
}

static void write_at(void *arg)
{
	touch((unsigned long)arg);
}

static void check_initial(void)
{
	struct maps_entry e;
	unsigned long size;

	if (!tap_ok(stack_lookup(&e), "a [stack] VMA holds a local variable"))
		return;
	size = e.end - e.start;
	tap_ok(size >= 132 * KB && size < 1 * MB,
	       "after execve it is the argument pages + 128 KB, not 8 MB: %lu kB", size / KB);
	tap_is_str(e.perms, "rw-p", "it is rw-p");
	tap_is_long(status_kb("VmStk"), (long)(size / KB), "VmStk is its size in kB");
}

static void check_growth(void)
{
	struct maps_entry before, after;
	unsigned long addr;

	if (!stack_lookup(&before))
		return;
	addr = before.start - 1 * MB;
	touch(addr);
	if (!tap_ok(stack_lookup(&after), "after a write 1 MB below it, [stack] is still one VMA"))
		return;
	tap_is_ulong(after.start, addr, "it starts at the written page");
	tap_is_ulong(after.end, before.end, "its top did not move");
	tap_is_long(status_kb("VmStk"), (long)((after.end - after.start) / KB), "VmStk grew with it");
	stack = after;
}

static void check_guard_gap(void)
{
	unsigned long target = stack.start - PAGE_SIZE;

	if (!stack.end)
		return;
	tap_child_signal(write_below_with_mapping, (void *)(target - 255 * PAGE_SIZE), SIGSEGV,
			 "a readable mapping 255 pages below the page blocks the growth: SIGSEGV");
	tap_child_exit(write_below_with_mapping, (void *)(target - GAP), 0,
		       "one exactly 256 pages (the guard gap) below does not");
	tap_child_exit(write_below_with_mapping, (void *)((target - 255 * PAGE_SIZE) | 1), 0,
		       "a PROT_NONE mapping 255 pages below does not");
}

static void check_rlimit(void)
{
	struct rlimit64 rl;

	if (!stack.end)
		return;
	if (syscall2(__NR_getrlimit, RLIMIT_STACK, &rl) || rl.cur != 8 * MB) {
		tap_diag("RLIMIT_STACK is not 8 MB here: the limit checks are skipped");
		return;
	}
	tap_child_exit(write_at, (void *)(stack.end - 8 * MB), 0,
		       "a write that makes the stack exactly 8 MB (RLIMIT_STACK) works");
	tap_child_signal(write_at, (void *)(stack.end - 8 * MB - PAGE_SIZE), SIGSEGV,
			 "one page more gets SIGSEGV");
}

int main(void)
{
	check_initial();
	check_growth();
	check_guard_gap();
	check_rlimit();
	return tap_done();
}
