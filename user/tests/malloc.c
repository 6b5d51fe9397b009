/*
 * malloc: ulib's allocator on top of brk: blocks are 16-byte aligned and
 * do not overlap, free then malloc reuses memory, calloc zeroes a reused
 * block, realloc keeps the contents.
 */
#include "tap.h"

#define N 64

int main(void)
{
	unsigned char *p[N], *q, *r;
	int aligned = 1, intact = 1, zero = 1;
	void *brk0 = sbrk(0);

	for (int i = 0; i < N; i++) {
		p[i] = malloc(16 + i * 37);
		aligned &= p[i] && ((unsigned long)p[i] & 15) == 0;
		memset(p[i], i, 16 + i * 37);
	}
	tap_ok(aligned, "%d blocks, all 16-byte aligned", N);
	for (int i = 0; i < N; i++)
		for (int j = 0; j < 16 + i * 37; j++)
			intact &= p[i][j] == i;
	tap_ok(intact, "no block overwrote another");
	tap_ok(sbrk(0) > brk0, "the break moved up");

	free(p[10]);
	q = malloc(16 + 10 * 37);
	tap_ok(q == p[10], "free then malloc of the same size reuses the block");
	free(q);
	q = calloc(1, 16 + 10 * 37);
	for (int j = 0; j < 16 + 10 * 37; j++)
		zero &= q[j] == 0;
	tap_ok(zero, "calloc of a reused block is zeroed");

	memcpy(q, "pagoda", 7);
	r = realloc(q, 4000);
	tap_ok(r && !strcmp((char *)r, "pagoda"), "realloc keeps the contents");
	tap_ok(malloc(1UL << 47) == NULL, "a malloc larger than user space returns NULL");
	for (int i = 0; i < N; i++)
		if (i != 10)
			free(p[i]);
	free(r);
	return tap_done();
}
