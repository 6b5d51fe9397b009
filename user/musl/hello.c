/*
 * hello.c - an ordinary C program built against musl (musl-gcc -static),
 * not against ulib: it exercises the path a student's program takes.
 * musl's start-up reads auxv, sets up TLS with arch_prctl(ARCH_SET_FS)
 * and set_tid_address; its malloc uses brk and mmap; its stdio uses
 * ioctl(TIOCGWINSZ) and writev.
 *
 * Prints TAP comment lines (so /init's output stays valid TAP) with a
 * checksum over heap memory, and exits 0 only if the checksum is right.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N 100000                        /* 400 KB of ints: above musl's mmap threshold */
#define EXPECTED 4999950000ULL          /* 0 + 1 + ... + (N - 1) */

int main(void)
{
	unsigned long long sum = 0;
	int *big = malloc(N * sizeof(*big));
	char *small = malloc(32);               /* from brk */

	if (!big || !small) {
		printf("# musl_hello: malloc failed\n");
		return 1;
	}
	for (int i = 0; i < N; i++)
		big[i] = i;
	for (int i = 0; i < N; i++)
		sum += big[i];
	strcpy(small, "hello from musl");
	printf("# musl_hello: %s, checksum %llu\n", small, sum);
	free(small);
	free(big);
	if (sum != EXPECTED) {
		printf("# musl_hello: checksum wrong, expected %llu\n", EXPECTED);
		return 1;
	}
	return 0;
}
