/*
 * mmap_prot: the kernel enforces a mapping's protection: writing a
 * PROT_READ mapping, reading a PROT_NONE mapping and executing a mapping
 * without PROT_EXEC (NX) give SIGSEGV; what is allowed works.
 */
#include "tap.h"

#define PA (MAP_PRIVATE | MAP_ANONYMOUS)

int main(void)
{
	unsigned char *ro, *none, *rw;

	ro = (unsigned char *)sys_mmap(NULL, PAGE_SIZE, PROT_READ, PA, -1, 0);
	none = (unsigned char *)sys_mmap(NULL, PAGE_SIZE, PROT_NONE, PA, -1, 0);
	rw = (unsigned char *)sys_mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, PA, -1, 0);
	if (!tap_ok((long)ro > 0 && (long)none > 0 && (long)rw > 0, "mmap read-only, none and read-write pages"))
		return tap_done();

	tap_is_long(ro[100], 0, "a PROT_READ page reads zero");
	tap_child_signal(touch_write, ro, SIGSEGV, "writing a PROT_READ page gives SIGSEGV");
	tap_child_signal(touch_read, none, SIGSEGV, "reading a PROT_NONE page gives SIGSEGV");
	tap_child_signal(touch_write, none, SIGSEGV, "writing a PROT_NONE page gives SIGSEGV");
	rw[0] = 0xc3;                   /* ret: harmless if NX is missing */
	tap_child_signal(touch_exec, rw, SIGSEGV, "executing a page without PROT_EXEC gives SIGSEGV");
	tap_is_long(rw[0], 0xc3, "a PROT_READ|PROT_WRITE page keeps what is written");
	return tap_done();
}
