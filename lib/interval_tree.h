/*
 * An interval tree: a balanced binary search tree of closed intervals
 * [start, last], keyed by start, where each node also keeps the largest
 * `last` in its subtree. A query for the intervals that overlap [a, b]
 * then skips every subtree whose largest `last` is below a, so it visits
 * only O(log n + hits) nodes. Linux builds the same thing on its red-black
 * tree (include/linux/interval_tree_generic.h); Pagoda balances it as a
 * treap (each node has a fixed pseudo-random priority, the tree is a heap
 * on it), which needs much less code for the same expected depth.
 */
#ifndef _KERNEL_INTERVAL_TREE_H
#define _KERNEL_INTERVAL_TREE_H

#include <kernel/types.h>

struct interval_node {
	struct interval_node *left, *right;
	unsigned long start, last;	/* the interval, inclusive */
	unsigned long subtree_last;	/* max `last` in this subtree */
	unsigned long priority;
};

struct interval_root {
	struct interval_node *root;
};

void interval_tree_insert(struct interval_node *node, struct interval_root *root);
void interval_tree_remove(struct interval_node *node, struct interval_root *root);
/* First/next node overlapping [start, last], in order of start. */
struct interval_node *interval_tree_iter_first(struct interval_root *root,
					       unsigned long start, unsigned long last);
struct interval_node *interval_tree_iter_next(struct interval_root *root, struct interval_node *node,
					      unsigned long start, unsigned long last);
static inline bool interval_tree_empty(const struct interval_root *root) { return !root->root; }

#endif
