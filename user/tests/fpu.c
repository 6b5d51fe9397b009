/*
 * fpu: SSE registers belong to the process.  Parent and child each load
 * xmm0-15 with their own pattern, spin (so the timer can preempt them)
 * and make a syscall, then read the registers back: every bit must
 * survive syscalls and context switches between the two.
 */
#include "tap.h"

#define ROUNDS 40

/* Load xmm0-15 from in, spin, sched_yield, store them to out. */
static void xmm_roundtrip(const unsigned char *in, unsigned char *out, long spin)
{
	__asm__ volatile(
		"movdqu 0x00(%0), %%xmm0\n\t"  "movdqu 0x10(%0), %%xmm1\n\t"
		"movdqu 0x20(%0), %%xmm2\n\t"  "movdqu 0x30(%0), %%xmm3\n\t"
		"movdqu 0x40(%0), %%xmm4\n\t"  "movdqu 0x50(%0), %%xmm5\n\t"
		"movdqu 0x60(%0), %%xmm6\n\t"  "movdqu 0x70(%0), %%xmm7\n\t"
		"movdqu 0x80(%0), %%xmm8\n\t"  "movdqu 0x90(%0), %%xmm9\n\t"
		"movdqu 0xa0(%0), %%xmm10\n\t" "movdqu 0xb0(%0), %%xmm11\n\t"
		"movdqu 0xc0(%0), %%xmm12\n\t" "movdqu 0xd0(%0), %%xmm13\n\t"
		"movdqu 0xe0(%0), %%xmm14\n\t" "movdqu 0xf0(%0), %%xmm15\n\t"
		"1: dec %2\n\t"
		"jnz 1b\n\t"
		"mov $24, %%eax\n\t"            /* sched_yield */
		"syscall\n\t"
		"movdqu %%xmm0, 0x00(%1)\n\t"  "movdqu %%xmm1, 0x10(%1)\n\t"
		"movdqu %%xmm2, 0x20(%1)\n\t"  "movdqu %%xmm3, 0x30(%1)\n\t"
		"movdqu %%xmm4, 0x40(%1)\n\t"  "movdqu %%xmm5, 0x50(%1)\n\t"
		"movdqu %%xmm6, 0x60(%1)\n\t"  "movdqu %%xmm7, 0x70(%1)\n\t"
		"movdqu %%xmm8, 0x80(%1)\n\t"  "movdqu %%xmm9, 0x90(%1)\n\t"
		"movdqu %%xmm10, 0xa0(%1)\n\t" "movdqu %%xmm11, 0xb0(%1)\n\t"
		"movdqu %%xmm12, 0xc0(%1)\n\t" "movdqu %%xmm13, 0xd0(%1)\n\t"
		"movdqu %%xmm14, 0xe0(%1)\n\t" "movdqu %%xmm15, 0xf0(%1)\n\t"
		: "+r"(in), "+r"(out), "+r"(spin)
		:
		: "rax", "rcx", "r11", "memory",
		  "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7",
		  "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");
}

/* Returns the number of rounds in which some register came back wrong. */
static int rounds_with_errors(unsigned char seed)
{
	unsigned char in[256], out[256];
	int bad = 0;

	for (int r = 0; r < ROUNDS; r++) {
		for (int i = 0; i < 256; i++)
			in[i] = (unsigned char)(seed + i * 13 + r);
		memset(out, 0, sizeof(out));
		xmm_roundtrip(in, out, 200000);
		if (memcmp(in, out, sizeof(in)))
			bad++;
	}
	return bad;
}

int main(void)
{
	int status = -1;
	long pid;

	tap_is_long(rounds_with_errors(0x11), 0, "xmm0-15 survive syscalls alone");
	pid = sys_fork();
	if (pid == 0)
		sys_exit_group(rounds_with_errors(0xa5) ? 1 : 0);
	tap_is_long(rounds_with_errors(0x3c), 0, "parent's xmm0-15 survive switches to a child");
	sys_wait4((int)pid, &status, 0, NULL);
	tap_is_long(status, 0, "child's xmm0-15 survive switches to the parent");
	return tap_done();
}
