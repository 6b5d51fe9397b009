/*
 * vfork(2), as Linux: the child runs in the parent's memory, and the
 * parent is suspended until the child execs or exits.
 *
 * - A store by the child is seen by the parent as vfork returns: the
 *   memory is shared (a fork would have copied it) and the child ran
 *   first (it yields first, so a parent that did not wait would, on
 *   either kernel, have every chance to see the old value).
 * - A child whose execve fails reports the errno through that memory,
 *   which is how posix_spawn returns ENOENT for a missing program.
 * - A child that execs lets the parent go on; its exit status comes
 *   back through wait4 as for any child.
 *
 * The child never returns from the function that called vfork: it
 * shares the parent's stack.
 */
#include "tap.h"

#define __NR_vfork	58

static volatile long shared_value;
static volatile long exec_errno;
static char helper[256];
static char *envp[] = { "PAGODA_EXEC=1", NULL };

static inline __attribute__((always_inline)) long raw_vfork(void)
{
	long ret;

	__asm__ volatile("syscall" : "=a"(ret) : "a"(__NR_vfork) : "rcx", "r11", "memory");
	return ret;
}

/* The child stores, yields, then exits 7. Returns the wait status. */
static __attribute__((noinline)) int vfork_store(long *seen)
{
	int status = -1;
	long pid = raw_vfork();

	if (pid == 0) {
		for (int i = 0; i < 3; i++)
			sys_sched_yield();
		shared_value = 42;
		sys_exit_group(7);
	}
	*seen = shared_value;
	if (pid < 0 || sys_wait4((int)pid, &status, 0, NULL) != pid)
		return -1;
	return status;
}

/* The child execs path; if that fails it stores -errno and exits 127. */
static __attribute__((noinline)) int vfork_exec(const char *path, char *code)
{
	int status = -1;
	long pid, r;
	char *argv[] = { (char *)path, code, NULL };

	exec_errno = 1;
	pid = raw_vfork();
	if (pid == 0) {
		r = sys_execve(path, argv, envp);
		exec_errno = r;
		sys_exit_group(127);
	}
	if (pid < 0 || sys_wait4((int)pid, &status, 0, NULL) != pid)
		return -1;
	return status;
}

int main(int argc, char **argv)
{
	long seen = 0;
	int status;

	sibling_path(helper, sizeof(helper), argc > 0 ? argv[0] : NULL, "bin/exec_helper");

	status = vfork_store(&seen);
	tap_is_long(seen, 42, "the child's store is in the parent's memory when vfork returns");
	tap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 7, "the child's exit status comes back (status 0x%x)", status);

	status = vfork_exec("/nonexistent-pagoda-file", "0");
	tap_is_err(exec_errno, ENOENT, "a failed execve's errno reaches the parent through shared memory");
	tap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 127, "that child exits 127 (status 0x%x)", status);

	status = vfork_exec(helper, "5");
	tap_is_long(exec_errno, 1, "an execve that works leaves the parent's memory alone");
	tap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 5, "the exec'd program's exit code comes back (status 0x%x)", status);
	return tap_done();
}
