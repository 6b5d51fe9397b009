/*
 * segv_kernel: a child that touches kernel or non-canonical addresses
 * dies with SIGSEGV: kernel pages never carry the U bit, and a
 * non-canonical access is a #GP that must become SIGSEGV, not a panic.
 */
#include "tap.h"

int main(void)
{
	tap_child_signal(touch_read, (void *)0xffffffff80000000UL, SIGSEGV, "reading the kernel image");
	tap_child_signal(touch_write, (void *)0xffffffff80000000UL, SIGSEGV, "writing the kernel image");
	tap_child_signal(touch_exec, (void *)0xffffffff80000000UL, SIGSEGV, "jumping into the kernel image");
	tap_child_signal(touch_read, (void *)0xffff888000000000UL, SIGSEGV, "reading the direct map");
	tap_child_signal(touch_write, (void *)0xffff888000100000UL, SIGSEGV, "writing the direct map");
	tap_child_signal(touch_read, (void *)0x0000800000000000UL, SIGSEGV, "reading a non-canonical address");
	tap_child_signal(touch_write, (void *)0xdead000000000000UL, SIGSEGV, "writing a non-canonical address");
	return tap_done();
}
