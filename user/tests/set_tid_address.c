/*
 * set_tid_address: returns the caller's tid, which for a single-threaded
 * process is its pid, in the parent and in a forked child.
 */
#include "tap.h"

static int tid_slot;

static void child_check(void *arg)
{
	(void)arg;
	sys_exit_group(sys_set_tid_address(&tid_slot) == sys_getpid() ? 0 : 1);
}

int main(void)
{
	tap_is_long(sys_set_tid_address(&tid_slot), sys_getpid(), "returns getpid()");
	tap_is_long(sys_set_tid_address(NULL), sys_getpid(), "NULL is allowed and returns getpid()");
	tap_child_exit(child_check, NULL, 0, "in a forked child it returns the child's pid");
	return tap_done();
}
