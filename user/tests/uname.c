/*
 * uname: returns 0, writes the whole 390-byte struct and not a byte
 * past it: every field is NUL-terminated and NUL-padded to its 65 bytes,
 * as Linux's static init_uts_ns and sethostname() leave them. machine is
 * "x86_64", sysname is not empty; a bad pointer gives EFAULT.
 */
#include "tap.h"

/* The struct followed by a guard that the kernel must not write. */
static struct {
	struct utsname u;
	char guard[64];
} buf;

static int all_bytes(const char *p, size_t n, char c)
{
	while (n--)
		if (*p++ != c)
			return 0;
	return 1;
}

int main(void)
{
	struct utsname *u = &buf.u;
	const char *fields[] = { u->sysname, u->nodename, u->release, u->version, u->machine, u->domainname };
	int terminated = 1, padded = 1;

	memset(&buf, 'x', sizeof(buf));
	tap_is_long(sys_uname(u), 0, "uname returns 0");
	tap_ok(all_bytes(buf.guard, sizeof(buf.guard), 'x'), "nothing is written past the 390-byte struct");
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
		size_t len = strnlen(fields[i], UTSNAME_LEN);

		if (len == UTSNAME_LEN)
			terminated = 0;
		else if (!all_bytes(fields[i] + len, UTSNAME_LEN - len, 0))
			padded = 0;
	}
	tap_ok(terminated, "all six fields are NUL-terminated");
	tap_ok(padded, "all six fields are NUL-padded to 65 bytes: the whole struct is written");
	tap_is_str(u->machine, "x86_64", "machine is x86_64");
	tap_ok(u->sysname[0] != 0, "sysname is not empty");
	tap_diag("%s %s %s %s %s", u->sysname, u->release, u->version, u->machine, u->domainname);
	tap_is_err(sys_uname((void *)0x10), EFAULT, "pointer 0x10 gives EFAULT");
	tap_is_err(sys_uname((void *)0xffffffff80000000UL), EFAULT, "a kernel pointer gives EFAULT");
	return tap_done();
}
