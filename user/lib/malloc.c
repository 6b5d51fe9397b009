/*
 * malloc.c - the simplest allocator that frees: blocks carved from brk,
 * each with a 16-byte header; free() pushes a block on a singly linked
 * free list and malloc() takes the first block that is big enough.
 *
 *   brk area:  [hdr|data....][hdr|data..][hdr|data.......]  <- break
 *   free_list -> block -> block -> NULL   (no splitting, no coalescing)
 *
 * Good enough for tests and small programs; it never returns memory to
 * the kernel, which is also why it never surprises a leak check.
 */
#include "ulib.h"

struct block {
	size_t size;            /* usable bytes after the header */
	struct block *next;     /* valid only while on the free list */
};

static struct block *free_list;

void *malloc(size_t n)
{
	struct block **pp, *b;

	if (n == 0)
		n = 1;
	n = ALIGN_UP(n, 16);
	for (pp = &free_list; (b = *pp); pp = &b->next) {
		if (b->size >= n) {
			*pp = b->next;
			return b + 1;
		}
	}
	b = sbrk((long)(sizeof(*b) + n));
	if (b == (void *)-1)
		return NULL;
	b->size = n;
	return b + 1;
}

void free(void *p)
{
	struct block *b;

	if (!p)
		return;
	b = (struct block *)p - 1;
	b->next = free_list;
	free_list = b;
}

void *calloc(size_t nmemb, size_t size)
{
	size_t n = nmemb * size;
	void *p;

	if (size && n / size != nmemb)
		return NULL;
	p = malloc(n);
	if (p)
		memset(p, 0, n);        /* a reused block is not zero */
	return p;
}

void *realloc(void *p, size_t n)
{
	struct block *b;
	void *q;

	if (!p)
		return malloc(n);
	b = (struct block *)p - 1;
	if (b->size >= n)
		return p;
	q = malloc(n);
	if (q) {
		memcpy(q, p, b->size);
		free(p);
	}
	return q;
}
