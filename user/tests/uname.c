/*
 * uname: returns 0, every field is NUL-terminated within its 65 bytes,
 * machine is "x86_64", sysname is not empty; a bad pointer gives EFAULT.
 */
#include "tap.h"

int main(void)
{
	struct utsname u;
	const char *fields[] = { u.sysname, u.nodename, u.release, u.version, u.machine, u.domainname };
	int terminated = 1;

	memset(&u, 'x', sizeof(u));
	tap_is_long(sizeof(u), 390, "struct utsname is 6 x 65 bytes");
	tap_is_long(sys_uname(&u), 0, "uname returns 0");
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++)
		if (strnlen(fields[i], UTSNAME_LEN) == UTSNAME_LEN)
			terminated = 0;
	tap_ok(terminated, "all six fields are NUL-terminated");
	tap_is_str(u.machine, "x86_64", "machine is x86_64");
	tap_ok(u.sysname[0] != 0, "sysname is not empty");
	tap_diag("%s %s %s %s", u.sysname, u.release, u.version, u.machine);
	tap_is_err(sys_uname((void *)0x10), EFAULT, "pointer 0x10 gives EFAULT");
	tap_is_err(sys_uname((void *)0xffffffff80000000UL), EFAULT, "a kernel pointer gives EFAULT");
	return tap_done();
}
