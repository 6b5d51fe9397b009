/*
 * execve(path, NULL, NULL): Linux 6.1 takes the NULL vectors as empty and
 * starts the program with argc 1 and argv[0] "" (never argc 0). The test
 * runs itself that way; the second copy sees argc 1, argv[0] "", no
 * environment, and exits 7.
 */
#include "tap.h"

extern char **environ;

int main(int argc, char **argv)
{
	int st = 0;
	long pid;

	if (argc == 1 && argv[0][0] == '\0')
		sys_exit_group(environ && environ[0] ? 8 : 7);
	pid = sys_fork();
	if (pid == 0) {
		long r = sys_execve(argv[0], NULL, NULL);

		sys_exit_group((int)(100 - r));
	}
	tap_is_long(sys_wait4((int)pid, &st, 0, NULL), pid, "wait4 reaps the child");
	tap_is_long(st >> 8, 7, "execve(path, NULL, NULL) runs the program with argv[0] \"\" and no environment");
	return tap_done();
}
