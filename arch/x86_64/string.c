/*
 * memset and memcpy with the string instructions (Linux keeps these in
 * arch/x86/lib/memset_64.S and memcpy_64.S; the rest of the string
 * functions are generic, in lib/string.c). Eight bytes at a time, then the
 * tail: several times faster under QEMU's TCG than byte-wise rep stosb.
 */
#include <lib/string.h>

void *memset(void *s, int c, size_t n)
{
	void *d = s;
	unsigned long pattern = 0x0101010101010101UL * (unsigned char)c;
	size_t words = n / 8, tail = n % 8;

	__asm__ __volatile__("rep stosq" : "+D"(d), "+c"(words) : "a"(pattern) : "memory");
	__asm__ __volatile__("rep stosb" : "+D"(d), "+c"(tail) : "a"(pattern) : "memory");
	return s;
}

void *memcpy(void *dst, const void *src, size_t n)
{
	void *d = dst;
	size_t words = n / 8, tail = n % 8;

	__asm__ __volatile__("rep movsq" : "+D"(d), "+S"(src), "+c"(words) :: "memory");
	__asm__ __volatile__("rep movsb" : "+D"(d), "+S"(src), "+c"(tail) :: "memory");
	return dst;
}
