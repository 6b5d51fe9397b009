/*
 * brk: brk(0) queries the break; growing returns the new break and the
 * new memory reads zero and is writable; shrinking unmaps the pages above
 * the new break (a touch there is SIGSEGV, and growing again gives zero
 * pages); an impossible break returns the old one, never -errno.
 */
#include "tap.h"

#define GROW (64 * 1024 + 1)    /* 16 pages and one byte: an unaligned break */

static int all_zero(const unsigned char *p, unsigned long n)
{
	for (unsigned long i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

int main(void)
{
	unsigned long cur = (unsigned long)sys_brk(0), end, top;
	unsigned char *p;
	int ok = 1;

	tap_ok(cur > 0 && cur < 0x800000000000UL, "brk(0) returns the break (0x%lx)", cur);
	tap_is_ulong((unsigned long)sys_brk(0), cur, "brk(0) again returns the same");

	end = cur + GROW;
	tap_is_ulong((unsigned long)sys_brk((void *)end), end, "grow by 64 KB + 1 returns the new break");
	p = (unsigned char *)cur;
	tap_ok(all_zero(p, GROW), "new memory reads zero");
	for (unsigned long i = 0; i < GROW; i++)
		p[i] = (unsigned char)(i * 7);
	for (unsigned long i = 0; i < GROW; i++)
		ok &= p[i] == (unsigned char)(i * 7);
	tap_ok(ok, "new memory keeps what is written");

	tap_is_ulong((unsigned long)sys_brk((void *)cur), cur, "shrink back returns the old break");
	top = ALIGN_UP(cur, PAGE_SIZE);         /* first page wholly above the break */
	tap_child_signal(touch_read, (void *)(top + PAGE_SIZE), SIGSEGV, "touching above the shrunk break gives SIGSEGV");

	tap_is_ulong((unsigned long)sys_brk((void *)end), end, "grow again");
	tap_ok(all_zero((unsigned char *)top, end - top), "pages freed by the shrink come back zero");

	tap_is_ulong((unsigned long)sys_brk((void *)0xffff888000000000UL), end,
		     "a kernel address returns the old break");
	tap_is_ulong((unsigned long)sys_brk((void *)PAGE_SIZE), end,
		     "a break below the start returns the old break");
	tap_is_ulong((unsigned long)sys_brk(0), end, "and the break did not move");
	/* A break at the very top would wrap when rounded to a page: refused. */
	tap_is_ulong((unsigned long)sys_brk((void *)~0UL), end, "brk(~0) returns the old break");
	tap_is_ulong((unsigned long)sys_brk((void *)(~0UL - 100)), end, "brk(~0 - 100) returns the old break");
	tap_is_ulong((unsigned long)sys_brk((void *)0x800000000000UL), end,
		     "a break past user space returns the old break");
	tap_is_ulong((unsigned long)sys_brk(0), end, "and the break still did not move");
	return tap_done();
}
