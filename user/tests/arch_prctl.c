/*
 * arch_prctl: ARCH_SET_FS moves the %fs base (what TLS uses): %fs:0 then
 * reads our block, ARCH_GET_FS returns the address, and the value
 * survives a syscall, a context switch and fork.  A bad code gives
 * EINVAL, a kernel address EPERM, a bad GET pointer EFAULT.
 * (ulib uses no TLS, so moving %fs is harmless here.)
 */
#include "tap.h"

static unsigned long tls_block[2] = { 0x1122334455667788UL, 0x99aabbccddeeff00UL };

static unsigned long fs_word(int i)
{
	unsigned long v;

	if (i == 0)
		__asm__ volatile("mov %%fs:0, %0" : "=r"(v));
	else
		__asm__ volatile("mov %%fs:8, %0" : "=r"(v));
	return v;
}

static void child_check_fs(void *arg)
{
	(void)arg;
	sys_exit_group(fs_word(0) == tls_block[0] ? 0 : 1);
}

int main(void)
{
	unsigned long got = 0;

	tap_is_long(sys_arch_prctl(ARCH_SET_FS, (unsigned long)tls_block), 0, "ARCH_SET_FS returns 0");
	tap_is_ulong(fs_word(0), tls_block[0], "%%fs:0 reads the first word");
	tap_is_ulong(fs_word(1), tls_block[1], "%%fs:8 reads the second word");
	tap_is_long(sys_arch_prctl(ARCH_GET_FS, (unsigned long)&got), 0, "ARCH_GET_FS returns 0");
	tap_is_ulong(got, (unsigned long)tls_block, "ARCH_GET_FS gives the address set");
	for (int i = 0; i < 10; i++)
		sys_sched_yield();
	tap_is_ulong(fs_word(0), tls_block[0], "%%fs survives syscalls and yields");
	tap_child_exit(child_check_fs, NULL, 0, "a forked child inherits %%fs");

	tap_is_err(sys_arch_prctl(0x9999, 0), EINVAL, "code 0x9999 gives EINVAL");
	tap_is_err(sys_arch_prctl(ARCH_SET_FS, 0xffff888000000000UL), EPERM, "a kernel address gives EPERM");
	tap_is_ulong(fs_word(0), tls_block[0], "and %%fs is unchanged");
	tap_is_err(sys_arch_prctl(ARCH_GET_FS, 0x10), EFAULT, "ARCH_GET_FS to 0x10 gives EFAULT");
	return tap_done();
}
