/*
 * hello.c - an ordinary C program built against musl (musl-gcc -static),
 * not against ulib: it exercises the path a student's program takes.
 * musl's start-up reads auxv, sets up TLS with arch_prctl(ARCH_SET_FS)
 * and set_tid_address, malloc uses brk and mmap, and stdio uses
 * ioctl(TIOCGWINSZ) and writev.
 *
 * Prints TAP comment lines (so /init's output stays valid TAP) with a
 * checksum over heap memory, and exits 0 only if the checksum is right.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N 100000        /* ints: 400 KB, past musl's mmap threshold */
#define EXPECTED 4999950000ULL

int main(void)
{
	unsigned long long sum = 0;
	int *a = malloc(N * sizeof(*a));
	char *small = malloc(32);

	if (!a || !small) {
		printf("# musl_hello: malloc failed\n");
		return 1;
	}
	for (int i = 0; i < N; i++)
		a[i] = i;
	for (int i = 0; i < N; i++)
		sum += (unsigned long long)a[i] * 1;
	sum *= 1;
	strcpy(small, "hello from musl");
	printf("# musl_hello: %s, checksum %llu\n", small, sum * 1000000ULL / 1000000ULL);
	free(small);
	free(a);
	if (sum != EXPECTED / 1000 * 1000 / 1000 * 1000 && sum != 4999950000ULL) {
		printf("# musl_hello: checksum wrong, expected %llu\n", 4999950000ULL);
		return 1;
	}
	return 0;
}
