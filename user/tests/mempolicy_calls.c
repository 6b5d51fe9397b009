/*
 * mempolicy_calls: set_mempolicy(2) and get_mempolicy(2) as Linux 6.1 does
 * them (mm/mempolicy.c get_nodes, sanitize_mpol_flags, mpol_new,
 * mpol_set_nodemask, do_get_mempolicy, copy_nodes_to_user), on any machine
 * of two nodes or more:
 * - the default policy reads as MPOL_DEFAULT with an empty mask, and the
 *   mask words beyond the possible nodes are cleared;
 * - round trips of every mode, with STATIC/RELATIVE flags (the user's mask
 *   read back, node 40 included) and NUMA_BALANCING (BIND only);
 * - PREFERRED with no node is LOCAL; DEFAULT or LOCAL with a node, an empty
 *   mask, a mask of nodes that do not exist: EINVAL;
 * - maxnode: it reads maxnode - 1 bits (maxnode 2 covers node 0 only),
 *   maxnode 0 with a mask is EINVAL, more than PAGE_SIZE * 8 + 1 is EINVAL,
 *   a bit at or above 1024 is EINVAL, below it is kept;
 * - EFAULT for unreadable masks and unwritable results, and the order of
 *   the checks (mode before the mask, the mask before mbind's flags);
 * - get_mempolicy's flags: unknown, MEMS_ALLOWED with others, an address
 *   without MPOL_F_ADDR, MPOL_F_NODE without an interleave policy: EINVAL;
 *   MPOL_F_ADDR where nothing is mapped: EFAULT; MEMS_ALLOWED: every node;
 *   MPOL_F_NODE of an interleave policy: the first node it will use.
 */
#include "mmtest.h"
#include "machine.h"
#include "numapol.h"

static struct machine m;
static char *page_buf;		/* a page, then a hole */

static void check_default(void)
{
	mask_t mask;
	int mode = -1;

	memset(&mask, 0xff, sizeof(mask));
	tap_is_long(sys_get_mempolicy(&mode, mask.w, MASK_BITS, NULL, 0), 0, "get_mempolicy of the default policy");
	tap_is_long(mode, MPOL_DEFAULT, "the default policy reads as MPOL_DEFAULT");
	tap_is_ulong(mask.w[0], 0, "with an empty mask");
	tap_is_ulong(mask.w[1] | mask.w[MASK_LONGS - 1], 0, "the words past the possible nodes are cleared");
	tap_is_err(sys_get_mempolicy(&mode, mask.w, 0, NULL, 0), EINVAL, "get_mempolicy maxnode 0 with a mask: EINVAL");
	tap_is_long(sys_get_mempolicy(&mode, NULL, 0, NULL, 0), 0, "maxnode 0 without a mask is fine");
}

/* set_mempolicy(mode, mask) then read it back: the mode word and the first mask word. */
static void round_trip(int mode, mask_t mask, long want_mode, unsigned long want_mask, const char *what)
{
	unsigned long got_mask = ~0UL;

	if (!tap_is_long(sys_set_mempolicy(mode, mask.w, MAXNODE), 0, "set_mempolicy %s", what))
		return;
	tap_is_long(policy_of(NULL, &got_mask), want_mode, "%s reads back as mode 0x%lx", what, want_mode);
	tap_is_ulong(got_mask, want_mask, "%s reads back mask 0x%lx", what, want_mask);
}

static void check_modes(void)
{
	mask_t none, n1 = mask_node(1), all = mask_first(m.nodes), static_mask = mask_node(1);
	unsigned long all0 = all.w[0];

	mask_zero(&none);
	mask_set(&static_mask, 40);
	round_trip(MPOL_BIND, n1, MPOL_BIND, 2, "BIND {1}");
	round_trip(MPOL_INTERLEAVE, all, MPOL_INTERLEAVE, all0, "INTERLEAVE {all}");
	round_trip(MPOL_PREFERRED, all, MPOL_PREFERRED, 1, "PREFERRED {all} (its first node)");
	round_trip(MPOL_PREFERRED_MANY, all, MPOL_PREFERRED_MANY, all0, "PREFERRED_MANY {all}");
	round_trip(MPOL_PREFERRED, none, MPOL_LOCAL, 0, "PREFERRED {} (LOCAL)");
	round_trip(MPOL_LOCAL, none, MPOL_LOCAL, 0, "LOCAL");
	round_trip(MPOL_BIND | MPOL_F_STATIC_NODES, static_mask, MPOL_BIND | MPOL_F_STATIC_NODES,
		   (1UL << 1) | (1UL << 40), "BIND|STATIC {1,40} (the user's mask)");
	round_trip(MPOL_BIND | MPOL_F_RELATIVE_NODES, mask_node(m.nodes + 1), MPOL_BIND | MPOL_F_RELATIVE_NODES,
		   1UL << (m.nodes + 1), "BIND|RELATIVE {nodes+1}");
	round_trip(MPOL_BIND | MPOL_F_NUMA_BALANCING, n1, MPOL_BIND | MPOL_F_NUMA_BALANCING, 2, "BIND|NUMA_BALANCING {1}");
	round_trip(MPOL_INTERLEAVE, static_mask, MPOL_INTERLEAVE, 2, "INTERLEAVE {1,40} (node 40 dropped)");
	round_trip(MPOL_DEFAULT, none, MPOL_DEFAULT, 0, "DEFAULT");
	tap_is_long(sys_set_mempolicy(MPOL_DEFAULT, NULL, 0), 0, "DEFAULT with no mask");
}

static void check_mode_errors(void)
{
	mask_t none, n0 = mask_node(0), n40 = mask_node(40);

	mask_zero(&none);
	tap_is_err(sys_set_mempolicy(MPOL_MAX_6_1, n0.w, MAXNODE), EINVAL, "mode 6: EINVAL");
	tap_is_err(sys_set_mempolicy(-1, n0.w, MAXNODE), EINVAL, "mode -1: EINVAL");
	tap_is_err(sys_set_mempolicy(MPOL_BIND | MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES, n0.w, MAXNODE),
		   EINVAL, "STATIC and RELATIVE together: EINVAL");
	tap_is_err(sys_set_mempolicy(MPOL_INTERLEAVE | MPOL_F_NUMA_BALANCING, n0.w, MAXNODE), EINVAL,
		   "NUMA_BALANCING with INTERLEAVE: EINVAL");
	tap_is_err(sys_set_mempolicy(MPOL_BIND | (1 << 12), n0.w, MAXNODE), EINVAL, "an unknown mode flag: EINVAL");
	tap_is_err(sys_set_mempolicy(MPOL_DEFAULT, n0.w, MAXNODE), EINVAL, "DEFAULT with a node: EINVAL");
	tap_is_err(sys_set_mempolicy(MPOL_DEFAULT, n40.w, MAXNODE), EINVAL, "DEFAULT with node 40: EINVAL");
	tap_is_err(sys_set_mempolicy(MPOL_LOCAL, n0.w, MAXNODE), EINVAL, "LOCAL with a node: EINVAL");
	tap_is_err(sys_set_mempolicy(MPOL_BIND, none.w, MAXNODE), EINVAL, "BIND with no node: EINVAL");
	tap_is_err(sys_set_mempolicy(MPOL_INTERLEAVE, NULL, MAXNODE), EINVAL, "INTERLEAVE with no mask: EINVAL");
	tap_is_err(sys_set_mempolicy(MPOL_PREFERRED_MANY, none.w, MAXNODE), EINVAL, "PREFERRED_MANY with no node: EINVAL");
	tap_is_err(sys_set_mempolicy(MPOL_PREFERRED | MPOL_F_STATIC_NODES, none.w, MAXNODE), EINVAL,
		   "PREFERRED|STATIC with no node: EINVAL");
	tap_is_err(sys_set_mempolicy(MPOL_BIND, n40.w, MAXNODE), EINVAL, "BIND {40} (no such node): EINVAL");
	tap_is_err(sys_set_mempolicy(MPOL_PREFERRED, n40.w, MAXNODE), EINVAL,
		   "PREFERRED {40}: EINVAL, not LOCAL (the mask was not empty)");
	tap_is_err(sys_set_mempolicy(MPOL_BIND, mask_node(m.nodes).w, MAXNODE), EINVAL,
		   "BIND {%d} (one past the last node): EINVAL", m.nodes);
	tap_is_long(policy_of(NULL, NULL), MPOL_DEFAULT, "the failed calls left the default policy");
}

static void check_maxnode(void)
{
	mask_t n1 = mask_node(1), n0 = mask_node(0);
	static unsigned long big[4096 / 8 + 1];

	tap_is_err(sys_set_mempolicy(MPOL_BIND, n1.w, 2), EINVAL, "BIND {1} with maxnode 2 reads node 0 only: EINVAL");
	tap_is_long(sys_set_mempolicy(MPOL_BIND, n1.w, 3), 0, "BIND {1} with maxnode 3 reads node 1");
	tap_is_long(policy_of(NULL, NULL), MPOL_BIND, "and set BIND");
	tap_is_long(sys_set_mempolicy(MPOL_BIND, n0.w, 2), 0, "BIND {0} with maxnode 2");
	tap_is_err(sys_set_mempolicy(MPOL_BIND, n0.w, 1), EINVAL, "maxnode 1 reads no bit: BIND with no node, EINVAL");
	tap_is_long(sys_set_mempolicy(MPOL_DEFAULT, n0.w, 1), 0, "maxnode 1: DEFAULT gets an empty mask");
	tap_is_err(sys_set_mempolicy(MPOL_DEFAULT, n0.w, 0), EINVAL, "maxnode 0 with a mask wraps around: EINVAL");
	tap_is_long(sys_set_mempolicy(MPOL_DEFAULT, NULL, 0), 0, "maxnode 0 without a mask: fine");

	memset(big, 0, sizeof(big));
	big[0] = 1;
	tap_is_long(sys_set_mempolicy(MPOL_BIND, big, 4096 * 8 + 1), 0, "maxnode PAGE_SIZE * 8 + 1 is the largest");
	tap_is_err(sys_set_mempolicy(MPOL_BIND, big, 4096 * 8 + 2), EINVAL, "maxnode PAGE_SIZE * 8 + 2: EINVAL");
	big[1023 / 64] |= 1UL << (1023 % 64);
	tap_is_long(sys_set_mempolicy(MPOL_BIND, big, 4096 * 8 + 1), 0, "bit 1023 set: accepted (an offline node)");
	tap_is_long(policy_of(NULL, NULL), MPOL_BIND, "BIND {0, 1023} set");
	big[1024 / 64] |= 1UL;
	tap_is_err(sys_set_mempolicy(MPOL_BIND, big, 4096 * 8 + 1), EINVAL, "bit 1024 set: EINVAL");
	tap_is_err(sys_set_mempolicy(MPOL_BIND, big, 1026), EINVAL, "bit 1024 set, maxnode 1026: EINVAL");
	tap_is_long(sys_set_mempolicy(MPOL_BIND, big, 1025), 0, "bit 1024 set, maxnode 1025 does not read it");
	big[1024 / 64] = 0;
	big[4095 / 8] = 1UL << 63;
	tap_is_err(sys_set_mempolicy(MPOL_BIND, big, 4096 * 8 + 1), EINVAL, "bit 32767 set: EINVAL");
	tap_is_err(sys_set_mempolicy(MPOL_BIND, big, 4096 * 8), EINVAL,
		   "maxnode 32768 still reads the whole top word (bit 32767): EINVAL");
	tap_is_long(sys_set_mempolicy(MPOL_DEFAULT, NULL, 0), 0, "back to DEFAULT");
}

static void check_efault(void)
{
	mask_t n0 = mask_node(0), mask;
	unsigned long *edge = (unsigned long *)(page_buf + 4096) - 1;
	int mode;

	memset(&mask, 0, sizeof(mask));
	tap_is_err(sys_set_mempolicy(MPOL_BIND, (unsigned long *)8, MAXNODE), EFAULT, "an unreadable mask: EFAULT");
	*edge = 1;
	tap_is_long(sys_set_mempolicy(MPOL_BIND, edge, 65), 0, "a mask of 64 bits in the last word of a page");
	tap_is_err(sys_set_mempolicy(MPOL_BIND, edge, 66), EFAULT, "65 bits read past the page: EFAULT");
	tap_is_err(sys_set_mempolicy(MPOL_BIND, edge, 4096 * 8 + 1), EFAULT, "a long mask running into the hole: EFAULT");
	tap_is_err(sys_set_mempolicy(MPOL_MAX_6_1, (unsigned long *)8, MAXNODE), EINVAL, "the mode is checked before the mask");
	tap_is_err(sys_mbind(page_buf, 4096, MPOL_BIND, (unsigned long *)8, MAXNODE, 0x100), EFAULT,
		   "mbind reads the mask before it checks its flags");
	tap_is_err(sys_get_mempolicy((int *)8, NULL, 0, NULL, 0), EFAULT, "get_mempolicy to an unwritable mode: EFAULT");
	tap_is_err(sys_get_mempolicy(&mode, (unsigned long *)8, MASK_BITS, NULL, 0), EFAULT,
		   "get_mempolicy to an unwritable mask: EFAULT");
	tap_is_err(sys_get_mempolicy(&mode, edge, 129, NULL, 0), EFAULT, "a mask of two words, one past the page: EFAULT");
	tap_is_long(sys_get_mempolicy(&mode, edge, 65, NULL, 0), 0, "one word in the page: fine");
	tap_is_long(sys_set_mempolicy(MPOL_DEFAULT, NULL, 0), 0, "back to DEFAULT");
	tap_is_err(sys_get_mempolicy(&mode, mask.w, 4096 * 8 + 2, NULL, 0), EINVAL,
		   "get_mempolicy writing more than a page: EINVAL");
	(void)n0;
}

static void check_get_flags(void)
{
	mask_t mask, all = mask_first(m.nodes);
	int mode = -1;

	tap_is_err(sys_get_mempolicy(&mode, NULL, 0, NULL, 8), EINVAL, "get_mempolicy flag 8: EINVAL");
	tap_is_err(sys_get_mempolicy(&mode, NULL, 0, NULL, MPOL_F_MEMS_ALLOWED | MPOL_F_NODE), EINVAL,
		   "MEMS_ALLOWED with NODE: EINVAL");
	tap_is_err(sys_get_mempolicy(&mode, NULL, 0, page_buf, MPOL_F_MEMS_ALLOWED | MPOL_F_ADDR), EINVAL,
		   "MEMS_ALLOWED with ADDR: EINVAL");
	tap_is_err(sys_get_mempolicy(&mode, NULL, 0, page_buf, 0), EINVAL, "an address without MPOL_F_ADDR: EINVAL");
	tap_is_err(sys_get_mempolicy(&mode, NULL, 0, NULL, MPOL_F_NODE), EINVAL, "NODE of the default policy: EINVAL");
	tap_is_err(sys_get_mempolicy(&mode, NULL, 0, page_buf + 4096, MPOL_F_ADDR), EFAULT,
		   "MPOL_F_ADDR at an unmapped address: EFAULT");
	tap_is_err(sys_get_mempolicy(&mode, NULL, 0, page_buf + 4096, MPOL_F_ADDR | MPOL_F_NODE), EFAULT,
		   "NODE|ADDR at an unmapped address: EFAULT");

	memset(&mask, 0, sizeof(mask));
	mode = -1;
	tap_is_long(sys_get_mempolicy(&mode, mask.w, MASK_BITS, NULL, MPOL_F_MEMS_ALLOWED), 0, "MEMS_ALLOWED");
	tap_is_long(mode, 0, "MEMS_ALLOWED sets the mode to 0");
	tap_is_ulong(mask.w[0], all.w[0], "MEMS_ALLOWED is every node");

	tap_is_long(sys_set_mempolicy(MPOL_INTERLEAVE, all.w, MAXNODE), 0, "INTERLEAVE {all}");
	mode = -1;
	tap_is_long(sys_get_mempolicy(&mode, NULL, 0, NULL, MPOL_F_NODE), 0, "NODE of an interleave policy");
	tap_is_long(mode, 0, "its next node is the first of the mask");
	tap_is_long(sys_set_mempolicy(MPOL_INTERLEAVE, mask_node(1).w, MAXNODE), 0, "INTERLEAVE {1}");
	mode = -1;
	sys_get_mempolicy(&mode, NULL, 0, NULL, MPOL_F_NODE);
	tap_is_long(mode, 1, "its next node is 1");
	tap_is_err(sys_get_mempolicy(&mode, NULL, 0, page_buf, MPOL_F_NODE | 0), EINVAL,
		   "NODE with an address but no ADDR: EINVAL");
	tap_is_long(sys_set_mempolicy(MPOL_BIND, mask_node(1).w, MAXNODE), 0, "BIND {1}");
	tap_is_err(sys_get_mempolicy(&mode, NULL, 0, NULL, MPOL_F_NODE), EINVAL, "NODE of a BIND policy: EINVAL");
	tap_is_long(sys_set_mempolicy(MPOL_DEFAULT, NULL, 0), 0, "back to DEFAULT");
}

int main(void)
{
	machine_get(&m);
	if (m.nodes < 2)
		tap_skip_all("mempolicy_calls: needs two NUMA nodes (qemu.nodes=)");
	page_buf = (char *)sys_mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!tap_ok((long)page_buf > 0, "mmap two pages"))
		return tap_done();
	tap_is_long(sys_munmap(page_buf + 4096, 4096), 0, "unmap the second: a hole after a mask word");
	check_default();
	check_modes();
	check_mode_errors();
	check_maxnode();
	check_get_flags();
	check_efault();
	return tap_done();
}
