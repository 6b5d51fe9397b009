/*
 * traps: CPU exceptions raised in user mode become the signals Linux
 * sends, never a kernel panic: privileged instructions (hlt, cli, a
 * CR3 read) #GP -> SIGSEGV, ud2 #UD -> SIGILL, int3 #BP -> SIGTRAP,
 * divide by zero #DE -> SIGFPE, the trap flag #DB -> SIGTRAP.
 */
#include "tap.h"

static void do_hlt(void *arg) { (void)arg; __asm__ volatile("hlt"); }
static void do_cli(void *arg) { (void)arg; __asm__ volatile("cli"); }
static void do_ud2(void *arg) { (void)arg; __asm__ volatile("ud2"); }
static void do_int3(void *arg) { (void)arg; __asm__ volatile("int3"); }

static void do_read_cr3(void *arg)
{
	unsigned long v;

	(void)arg;
	__asm__ volatile("mov %%cr3, %0" : "=r"(v));
}

static void do_div0(void *arg)
{
	volatile long zero = 0, x = 1;

	(void)arg;
	x /= zero;
	(void)x;	/* clang: "set but not used" */
}

/* Set TF: the next instruction ends in a single-step trap. */
static void do_single_step(void *arg)
{
	(void)arg;
	__asm__ volatile("pushf; orq $0x100, (%%rsp); popf; nop; nop" ::: "memory");
}

int main(void)
{
	tap_child_signal(do_hlt, NULL, SIGSEGV, "hlt gives SIGSEGV");
	tap_child_signal(do_cli, NULL, SIGSEGV, "cli gives SIGSEGV");
	tap_child_signal(do_read_cr3, NULL, SIGSEGV, "mov %%cr3 gives SIGSEGV");
	tap_child_signal(do_ud2, NULL, SIGILL, "ud2 gives SIGILL");
	tap_child_signal(do_int3, NULL, SIGTRAP, "int3 gives SIGTRAP");
	tap_child_signal(do_div0, NULL, SIGFPE, "divide by zero gives SIGFPE");
	tap_child_signal(do_single_step, NULL, SIGTRAP, "the trap flag gives SIGTRAP");
	return tap_done();
}
