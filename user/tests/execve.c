/*
 * execve: a child execs /bin/exec_helper with arguments and an
 * environment and exits with the code it was given (the helper checks
 * argv, envp, .data, .bss and that the pid survived the exec); a missing
 * file gives ENOENT and bad pointers EFAULT.
 *
 * The helper is found next to this test: /tests/execve -> /bin/exec_helper.
 */
#include "tap.h"

static char helper[256];
static char *envp[] = { "PAGODA_EXEC=1", NULL };

/* Child body: exec the helper with "CODE PID"; 127 if the exec failed. */
static void exec_child(void *code)
{
	char pid[24];
	char *argv[] = { helper, code, pid, NULL };

	snprintf(pid, sizeof(pid), "%ld", sys_getpid());
	sys_execve(helper, argv, envp);
	sys_exit_group(127);
}

/* Bad-input calls run in a child, in case a kernel tears the image down first. */
static long errno_in_child(int which)
{
	char *argv[] = { helper, "0", NULL };
	int status = 0;
	long pid = sys_fork(), r = 0;

	if (pid == 0) {
		switch (which) {
		case 0: r = sys_execve("/nonexistent-pagoda-file", argv, envp); break;
		case 1: r = sys_execve((char *)0x10, argv, envp); break;
		case 2: r = sys_execve((char *)0xffffffff80000000UL, argv, envp); break;
		case 3: r = sys_execve(helper, (char **)0x10, envp); break;
		case 4: r = sys_execve(helper, argv, (char **)0x10); break;
		}
		sys_exit_group(r < 0 ? (int)-r : 200);
	}
	if (sys_wait4((int)pid, &status, 0, NULL) != pid)
		return -2000;
	return WIFEXITED(status) ? -WEXITSTATUS(status) : -1000 - status;
}

int main(int argc, char **argv)
{
	sibling_path(helper, sizeof(helper), argc > 0 ? argv[0] : NULL, "bin/exec_helper");
	tap_diag("helper: %s", helper);

	tap_child_exit(exec_child, "42", 42, "exec'd helper exits 42");
	tap_child_exit(exec_child, "0", 0, "exec'd helper exits 0");
	tap_is_err(errno_in_child(0), ENOENT, "missing file gives ENOENT");
	tap_is_err(errno_in_child(1), EFAULT, "path at 0x10 gives EFAULT");
	tap_is_err(errno_in_child(2), EFAULT, "kernel path pointer gives EFAULT");
	tap_is_err(errno_in_child(3), EFAULT, "argv at 0x10 gives EFAULT");
	tap_is_err(errno_in_child(4), EFAULT, "envp at 0x10 gives EFAULT");
	return tap_done();
}
