/*
 * Host test of lib/interval_tree.c, the tree behind each anon_vma's
 * AVCs: random inserts and removes, and every query checked against a
 * brute-force scan (the hits, and that they come in order of start).
 * Prints TAP.
 */
#include <stdio.h>
#include <stdlib.h>
#include <stdarg.h>
#include <lib/interval_tree.h>

void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	abort();
}

#define N 3000
static struct interval_node nodes[N];
static int in_tree[N];

static int check_query(struct interval_root *root, unsigned long a, unsigned long b)
{
	int expect = 0, got = 0;
	unsigned long prev = 0;

	for (int j = 0; j < N; j++)
		if (in_tree[j] && nodes[j].start <= b && nodes[j].last >= a)
			expect++;
	for (struct interval_node *n = interval_tree_iter_first(root, a, b); n;
	     n = interval_tree_iter_next(root, n, a, b)) {
		if (n->start > b || n->last < a || n->start < prev)
			return 0;
		prev = n->start;
		got++;
	}
	return got == expect;
}

int main(void)
{
	struct interval_root root = { 0 };
	int queries = 0, bad = 0, t = 0;

	srand(1);
	for (int round = 0; round < 200000; round++) {
		int i = rand() % N;

		if (in_tree[i]) {
			interval_tree_remove(&nodes[i], &root);
			in_tree[i] = 0;
		} else {
			nodes[i].start = rand() % 10000;
			nodes[i].last = nodes[i].start + rand() % 500;
			interval_tree_insert(&nodes[i], &root);
			in_tree[i] = 1;
		}
		if (round % 499 == 0) {
			unsigned long a = rand() % 10000, b = a + rand() % 300;
			queries++;
			bad += !check_query(&root, a, b);
		}
	}
	printf("%s %d - host/interval_tree: %d random queries match a brute-force scan\n",
	       bad ? "not ok" : "ok", ++t, queries);
	for (int i = 0; i < N; i++)
		if (in_tree[i])
			interval_tree_remove(&nodes[i], &root);
	printf("%s %d - host/interval_tree: empty after removing everything\n",
	       interval_tree_empty(&root) ? "ok" : "not ok", ++t);
	printf("1..%d\n", t);
	return bad || !interval_tree_empty(&root);
}
