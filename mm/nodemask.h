/*
 * Node masks (Linux: include/linux/nodemask.h): a bitmap of node ids, for
 * the NUMA policies (mm/mempolicy.h) and the allocator's nodemask argument.
 */
#ifndef _MM_NODEMASK_H
#define _MM_NODEMASK_H

#include <kernel/types.h>
#include <kernel/numa.h>

/*
 * A node mask is as wide as Linux's (MAX_NUMNODES = 1 << CONFIG_NODES_SHIFT,
 * 1024 in Debian's config), not as Pagoda's MAX_NUMNODES (8, the nodes it
 * can have): the user ABI passes masks of that width, and a mask that names
 * node 40 must behave as on Linux (non-empty for mpol_new, reported back by
 * get_mempolicy with MPOL_F_STATIC_NODES, folded by RELATIVE_NODES, dropped
 * only where it is ANDed with the nodes that have memory). Every set bit of
 * a mask the kernel allocates from is below nr_node_ids.
 */
#define NODE_MASK_BITS		1024
#define BITS_PER_LONG		64
#define BITS_TO_LONGS(n)	(((n) + BITS_PER_LONG - 1) / BITS_PER_LONG)
#define NODE_MASK_LONGS		BITS_TO_LONGS(NODE_MASK_BITS)

typedef struct {
	unsigned long bits[NODE_MASK_LONGS];
} nodemask_t;

#define nodes_addr(src)	((src).bits)

static inline void node_set(int node, nodemask_t *dst) { dst->bits[node / BITS_PER_LONG] |= 1UL << (node % BITS_PER_LONG); }
static inline void node_clear(int node, nodemask_t *dst) { dst->bits[node / BITS_PER_LONG] &= ~(1UL << (node % BITS_PER_LONG)); }

static inline bool __node_isset(int node, const nodemask_t *src)
{
	return node >= 0 && node < NODE_MASK_BITS && ((src->bits[node / BITS_PER_LONG] >> (node % BITS_PER_LONG)) & 1);
}
#define node_isset(node, mask)	__node_isset((node), &(mask))

static inline void __nodes_clear(nodemask_t *dst)
{
	for (int i = 0; i < NODE_MASK_LONGS; i++)
		dst->bits[i] = 0;
}
#define nodes_clear(mask)	__nodes_clear(&(mask))

static inline bool __nodes_empty(const nodemask_t *src)
{
	for (int i = 0; i < NODE_MASK_LONGS; i++)
		if (src->bits[i])
			return false;
	return true;
}
#define nodes_empty(mask)	__nodes_empty(&(mask))

static inline bool __nodes_equal(const nodemask_t *a, const nodemask_t *b)
{
	for (int i = 0; i < NODE_MASK_LONGS; i++)
		if (a->bits[i] != b->bits[i])
			return false;
	return true;
}
#define nodes_equal(a, b)	__nodes_equal(&(a), &(b))

/* Every node of a is in b. */
static inline bool __nodes_subset(const nodemask_t *a, const nodemask_t *b)
{
	for (int i = 0; i < NODE_MASK_LONGS; i++)
		if (a->bits[i] & ~b->bits[i])
			return false;
	return true;
}
#define nodes_subset(a, b)	__nodes_subset(&(a), &(b))

static inline void __nodes_and(nodemask_t *dst, const nodemask_t *a, const nodemask_t *b)
{
	for (int i = 0; i < NODE_MASK_LONGS; i++)
		dst->bits[i] = a->bits[i] & b->bits[i];
}
#define nodes_and(dst, a, b)	__nodes_and(&(dst), &(a), &(b))

static inline void __nodes_or(nodemask_t *dst, const nodemask_t *a, const nodemask_t *b)
{
	for (int i = 0; i < NODE_MASK_LONGS; i++)
		dst->bits[i] = a->bits[i] | b->bits[i];
}
#define nodes_or(dst, a, b)	__nodes_or(&(dst), &(a), &(b))

static inline int __nodes_weight(const nodemask_t *src)
{
	int n = 0;

	for (int i = 0; i < NODE_MASK_LONGS; i++)
		for (unsigned long w = src->bits[i]; w; w &= w - 1)
			n++;
	return n;
}
#define nodes_weight(mask)	__nodes_weight(&(mask))

/* The first set node after n, or NODE_MASK_BITS if none (n = -1: the first one). */
static inline int __next_node(int n, const nodemask_t *src)
{
	for (n++; n < NODE_MASK_BITS; n++) {
		unsigned long w = src->bits[n / BITS_PER_LONG] >> (n % BITS_PER_LONG);

		if (!w) {
			n |= BITS_PER_LONG - 1;		/* the rest of this word is clear */
			continue;
		}
		return n + __builtin_ctzl(w);
	}
	return NODE_MASK_BITS;
}
#define next_node(n, mask)	__next_node((n), &(mask))
#define first_node(mask)	__next_node(-1, &(mask))

/* As next_node, wrapping around to the first set node (Linux: next_node_in); NODE_MASK_BITS if empty. */
static inline int __next_node_in(int n, const nodemask_t *src)
{
	int next = __next_node(n, src);

	return next < NODE_MASK_BITS ? next : __next_node(-1, src);
}
#define next_node_in(n, mask)	__next_node_in((n), &(mask))

#define for_each_node_mask(node, mask) \
	for ((node) = first_node(mask); (node) < NODE_MASK_BITS; (node) = next_node((node), (mask)))

/* The nodes with memory (Linux: node_states[N_MEMORY]); also every task's mems_allowed, with no cpusets. */
nodemask_t node_states_memory(void);

#endif
