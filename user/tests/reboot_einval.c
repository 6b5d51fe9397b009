/*
 * reboot_einval: reboot(2) with a bad magic number gives EINVAL and does
 * nothing.  Safety: both calls also pass a command that does not exist,
 * so even a kernel that skipped the magic check could not act on them.
 */
#include "tap.h"

#define NO_SUCH_CMD 0x11111111

int main(void)
{
	tap_is_err(sys_reboot(0x12345678, LINUX_REBOOT_MAGIC2, NO_SUCH_CMD, NULL), EINVAL,
		   "bad magic1 gives EINVAL");
	tap_is_err(sys_reboot(LINUX_REBOOT_MAGIC1, 0x12345, NO_SUCH_CMD, NULL), EINVAL,
		   "bad magic2 gives EINVAL");
	return tap_done();
}
