/*
 * enosys: syscall numbers that do not exist give ENOSYS (and no panic):
 * 1000, 400 (in the gap before 424 in the x86-64 table; newer kernels
 * took 335 and 336 for uretprobe and uprobe, and uretprobe sends SIGILL),
 * 0x7fffffff and -1.
 */
#include "tap.h"

int main(void)
{
	tap_is_err(syscall6(1000, 1, 2, 3, 4, 5, 6), ENOSYS, "syscall 1000 gives ENOSYS");
	tap_is_err(syscall6(400, 0, 0, 0, 0, 0, 0), ENOSYS, "syscall 400 gives ENOSYS");
	tap_is_err(syscall6(0x7fffffff, 0, 0, 0, 0, 0, 0), ENOSYS, "syscall 0x7fffffff gives ENOSYS");
	tap_is_err(syscall6(-1, 0, 0, 0, 0, 0, 0), ENOSYS, "syscall -1 gives ENOSYS");
	tap_is_long(sys_getpid() > 0, 1, "the next real syscall still works");
	return tap_done();
}
