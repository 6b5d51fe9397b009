/*
 * mmap_anon: anonymous private mappings are page-aligned and demand-zero
 * (also after a read maps the zero page), keep their data, and MAP_FIXED
 * replaces what was there.  Errors: len 0, unaligned MAP_FIXED address,
 * unaligned offset and a missing map type give EINVAL; a huge len ENOMEM.
 */
#include "tap.h"

#define NPAGES 256
#define RW (PROT_READ | PROT_WRITE)
#define PA (MAP_PRIVATE | MAP_ANONYMOUS)

static int all_zero(const unsigned char *p, unsigned long n)
{
	for (unsigned long i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

int main(void)
{
	unsigned long len = NPAGES * PAGE_SIZE, sum = 0;
	unsigned char *p, *q, *big;
	long r;
	int ok = 1;

	p = (unsigned char *)sys_mmap(NULL, len, RW, PA, -1, 0);
	if (!tap_ok((long)p > 0 && (long)p < 0x800000000000L, "mmap 1 MB returns a user address (%p)", p))
		return tap_done();
	tap_is_long((unsigned long)p & (PAGE_SIZE - 1), 0, "the address is page-aligned");
	for (unsigned long i = 0; i < len; i += PAGE_SIZE)     /* read first: zero page */
		sum += p[i];
	tap_is_long(sum, 0, "first read of each page gives 0");
	tap_ok(all_zero(p, len), "every byte is zero");
	for (unsigned long i = 0; i < len; i++)
		p[i] = (unsigned char)(i / PAGE_SIZE + i);
	for (unsigned long i = 0; i < len; i++)
		ok &= p[i] == (unsigned char)(i / PAGE_SIZE + i);
	tap_ok(ok, "written data reads back after a read fault");

	q = (unsigned char *)sys_mmap(p + PAGE_SIZE, PAGE_SIZE, RW, PA | MAP_FIXED, -1, 0);
	tap_ok(q == p + PAGE_SIZE, "MAP_FIXED at an aligned address returns that address");
	tap_ok(all_zero(q, PAGE_SIZE), "MAP_FIXED replaced the old page with a zero page");
	tap_ok(p[0] == 0 && p[2 * PAGE_SIZE] == (unsigned char)(2 + 2 * PAGE_SIZE),
	       "neighbouring pages are untouched");
	tap_is_long(sys_munmap(p, len), 0, "munmap the whole range");

	r = sys_mmap((void *)0x10000000, PAGE_SIZE, RW, PA, -1, 0);
	tap_ok(r > 0 && (r & (PAGE_SIZE - 1)) == 0, "a hint address gives some aligned address");
	sys_munmap((void *)r, PAGE_SIZE);

	big = (unsigned char *)sys_mmap(NULL, 64UL << 20, RW, PA, -1, 0);
	if (tap_ok((long)big > 0, "mmap 64 MB")) {
		big[0] = 1;
		big[(64UL << 20) - 1] = 2;
		tap_ok(big[0] == 1 && big[(64UL << 20) - 1] == 2, "touch its first and last byte");
		sys_munmap(big, 64UL << 20);
	}

	tap_is_err(sys_mmap(NULL, 0, RW, PA, -1, 0), EINVAL, "len 0 gives EINVAL");
	tap_is_err(sys_mmap((void *)0x10000001, PAGE_SIZE, RW, PA | MAP_FIXED, -1, 0), EINVAL,
		   "unaligned MAP_FIXED address gives EINVAL");
	tap_is_err(sys_mmap(NULL, PAGE_SIZE, RW, MAP_ANONYMOUS, -1, 0), EINVAL,
		   "neither MAP_PRIVATE nor MAP_SHARED gives EINVAL");
	tap_is_err(sys_mmap(NULL, PAGE_SIZE, RW, PA, -1, 1), EINVAL, "unaligned offset gives EINVAL");
	tap_is_err(sys_mmap(NULL, -PAGE_SIZE, RW, PA, -1, 0), ENOMEM, "len 2^64 - 4096 gives ENOMEM");
	return tap_done();
}
