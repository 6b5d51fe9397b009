/*
 * exit: exit(2) and exit_group(2) end the process with (code & 0xff) << 8
 * as the wait status.
 */
#include "tap.h"

static int wait_for(long pid)
{
	int status = -1;

	sys_wait4((int)pid, &status, 0, NULL);
	return status;
}

static int exit_status(int group, int code)
{
	long pid = sys_fork();

	if (pid == 0) {
		if (group)
			sys_exit_group(code);
		sys_exit(code);
	}
	return wait_for(pid);
}

int main(void)
{
	tap_is_long(exit_status(0, 3), 0x300, "exit(3) gives status 3 << 8");
	tap_is_long(exit_status(1, 5), 0x500, "exit_group(5) gives status 5 << 8");
	tap_is_long(exit_status(0, 0), 0, "exit(0) gives status 0");
	tap_is_long(exit_status(1, 256 + 7), 0x700, "exit_group(263) keeps the low 8 bits");
	tap_is_long(exit_status(0, -1), 0xff00, "exit(-1) gives 255 << 8");
	tap_is_long(exit_status(1, 255), 0xff00, "exit_group(255) gives 255 << 8");
	return tap_done();
}
