/*
 * Treap-balanced interval tree (see interval_tree.h). Insert and remove
 * are split/merge on the key (start, then node address to break ties);
 * every node on a changed path has its subtree_last recomputed.
 */
#include <lib/interval_tree.h>
#include <kernel/kernel.h>

static unsigned long node_key_less(const struct interval_node *a, const struct interval_node *b)
{
	return a->start < b->start || (a->start == b->start && a < b);
}

static void update(struct interval_node *n)
{
	unsigned long m = n->last;

	if (n->left && n->left->subtree_last > m)
		m = n->left->subtree_last;
	if (n->right && n->right->subtree_last > m)
		m = n->right->subtree_last;
	n->subtree_last = m;
}

/* Split t into the nodes ordered before `key` (*l) and the rest (*r). */
static void split(struct interval_node *t, const struct interval_node *key,
		  struct interval_node **l, struct interval_node **r)
{
	if (!t) {
		*l = *r = NULL;
		return;
	}
	if (node_key_less(t, key)) {
		split(t->right, key, &t->right, r);
		*l = t;
	} else {
		split(t->left, key, l, &t->left);
		*r = t;
	}
	update(t);
}

/* Join two treaps where every node of a is ordered before every node of b. */
static struct interval_node *merge(struct interval_node *a, struct interval_node *b)
{
	if (!a)
		return b;
	if (!b)
		return a;
	if (a->priority > b->priority) {
		a->right = merge(a->right, b);
		update(a);
		return a;
	}
	b->left = merge(a, b->left);
	update(b);
	return b;
}

static unsigned long hash_priority(const void *p)
{
	unsigned long x = (unsigned long)p;

	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdUL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53UL;
	return x ^ (x >> 33);
}

void interval_tree_insert(struct interval_node *node, struct interval_root *root)
{
	struct interval_node *l, *r;

	node->left = node->right = NULL;
	node->priority = hash_priority(node);
	node->subtree_last = node->last;
	split(root->root, node, &l, &r);
	root->root = merge(merge(l, node), r);
}

static struct interval_node *remove_from(struct interval_node *t, struct interval_node *node)
{
	BUG_ON(!t);	/* the node must be in this tree */
	if (t == node)
		return merge(t->left, t->right);
	if (node_key_less(node, t))
		t->left = remove_from(t->left, node);
	else
		t->right = remove_from(t->right, node);
	update(t);
	return t;
}

void interval_tree_remove(struct interval_node *node, struct interval_root *root)
{
	root->root = remove_from(root->root, node);
	node->left = node->right = NULL;
}

/* Leftmost node in subtree t that overlaps [start, last]. */
static struct interval_node *subtree_first(struct interval_node *t, unsigned long start,
					   unsigned long last)
{
	while (t) {
		if (t->left && t->left->subtree_last >= start) {
			t = t->left;	/* an overlap, if any, with the smallest start is on the left */
			continue;
		}
		if (t->start > last)
			return NULL;
		if (t->last >= start)
			return t;
		t = t->right && t->right->subtree_last >= start ? t->right : NULL;
	}
	return NULL;
}

struct interval_node *interval_tree_iter_first(struct interval_root *root,
					       unsigned long start, unsigned long last)
{
	if (!root->root || root->root->subtree_last < start)
		return NULL;
	return subtree_first(root->root, start, last);
}

/*
 * The next overlapping node after `node` in key order. Without parent
 * pointers we search from the root for the successor range: the smallest
 * key greater than node's that overlaps.
 */
static struct interval_node *next_after(struct interval_node *t, const struct interval_node *node,
					unsigned long start, unsigned long last)
{
	struct interval_node *found;

	if (!t || t->subtree_last < start)
		return NULL;
	if (node_key_less(node, t)) {
		found = next_after(t->left, node, start, last);
		if (found)
			return found;
		if (t->start > last)
			return NULL;
		if (t->last >= start)
			return t;
		return subtree_first(t->right, start, last);
	}
	return next_after(t->right, node, start, last);
}

struct interval_node *interval_tree_iter_next(struct interval_root *root, struct interval_node *node,
					      unsigned long start, unsigned long last)
{
	return next_after(root->root, node, start, last);
}
