/*
 * NUMA memory policies, and the system calls that move pages between nodes
 * by policy (Linux mm/mempolicy.c; seed 002 starts here).
 *
 * Two parts, in this order:
 *   1. policies: struct mempolicy, set_mempolicy / get_mempolicy / mbind,
 *      and the allocation of user pages by policy
 *   2. migration by node: queue_pages_range, migrate_pages(2) ->
 *      do_migrate_pages -> migrate_to_node -> migrate_pages (mm/migrate.c)
 *
 * Part 1:
 *
 *   task->mempolicy ---\                 NULL: default_policy (MPOL_LOCAL)
 *   vma->vm_policy -----+--> struct mempolicy (refcounted, never changed once made)
 *
 *   sys_set_mempolicy -> do_set_mempolicy -> mpol_new, mpol_set_nodemask
 *   sys_get_mempolicy -> do_get_mempolicy (-> lookup_node for NODE|ADDR)
 *   sys_mbind -> do_mbind -> queue_pages_range (part 2), mbind_range
 *                           (split, vma_replace_policy, merge), migrate_pages(new_page)
 *   a fault   -> alloc_pages_vma -> get_vma_policy -> __alloc_pages(nid, nodemask)
 *                                   or alloc_page_interleave (interleave_nid)
 *
 * Locks: every system call here runs under the big kernel lock. A task's
 * own policy is changed only by itself (set_mempolicy), read by itself
 * (faults, alloc_pages_task) and by /proc readers under the big kernel
 * lock, which take a reference. VMA policies change under mmap_lock held
 * for writing (mbind) and are read under it held for reading (the fault
 * path, get_mempolicy); hugetlb's dequeue reads them under hugetlb_lock
 * too. mpol_put never runs with a spinlock held unless another reference
 * (the VMA's) outlives it.
 *
 * Start reading at do_mbind and alloc_pages_vma.
 */

#include <mm/mempolicy.h>
#include <mm/mm.h>
#include <mm/mmzone.h>
#include <mm/numa.h>
#include <mm/internal.h>
#include <mm/slab.h>
#include <mm/hugetlb.h>
#include <mm/swapops.h>
#include <mm/migrate.h>
#include <mm/rmap.h>
#include <kernel/kernel.h>
#include <kernel/errno.h>
#include <kernel/sched.h>
#include <kernel/syscalls.h>
#include <kernel/smp.h>
#include <kernel/uaccess.h>
#include <lib/string.h>

/* ---- 1. policies ---- */

#define BITS_PER_BYTE		8

static struct kmem_cache *policy_cache;

/* What a NULL task or VMA policy means (Linux 6.1: MPOL_LOCAL, never freed). */
struct mempolicy default_policy = {
	.refcnt = { 1 },
	.mode = MPOL_LOCAL,
};

void mempolicy_init(void)
{
	policy_cache = kmem_cache_create("numa_policy", sizeof(struct mempolicy), 8);
}

nodemask_t node_states_memory(void)
{
	nodemask_t mask;

	nodes_clear(mask);
	for (int nid = 0; nid < nr_node_ids; nid++)
		if (NODE_DATA(nid)->node_present_pages)
			node_set(nid, &mask);
	return mask;
}

/* With no cpusets every task may use every node with memory (Linux: cpuset_current_mems_allowed). */
#define cpuset_current_mems_allowed	node_states_memory()

/* ---- 1a. the policy object ---- */

void mpol_get(struct mempolicy *pol)
{
	if (pol)
		atomic_inc(&pol->refcnt);
}

void mpol_put(struct mempolicy *pol)
{
	if (!pol || pol == &default_policy)
		return;
	if (atomic_dec_and_test(&pol->refcnt))
		kmem_cache_free(policy_cache, pol);
}

/* Drop the reference get_vma_policy took (the default policy has none to drop). */
void mpol_cond_put(struct mempolicy *pol)
{
	mpol_put(pol);
}

static bool mpol_store_user_nodemask(const struct mempolicy *pol)
{
	return pol->flags & (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES);
}

/* Same mode, flags and nodes (Linux: __mpol_equal); NULL is the default policy. */
bool mpol_equal(const struct mempolicy *a, const struct mempolicy *b)
{
	if (a == b)
		return true;
	if (!a || !b)
		return false;
	if (a->mode != b->mode || a->flags != b->flags)
		return false;
	if (mpol_store_user_nodemask(a) && !nodes_equal(a->w.user_nodemask, b->w.user_nodemask))
		return false;
	return a->mode == MPOL_LOCAL || nodes_equal(a->nodes, b->nodes);
}

/*
 * A new policy of mode with flags for the nodes the user gave (Linux:
 * mpol_new): *out is NULL for MPOL_DEFAULT. PREFERRED with no node becomes
 * LOCAL. Returns 0, -EINVAL for a mask the mode does not take, -ENOMEM.
 */
static int mpol_new(unsigned short mode, unsigned short flags, const nodemask_t *nodes,
		    struct mempolicy **out)
{
	struct mempolicy *pol;
	bool relative_or_static = flags & (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES);

	*out = NULL;
	if (mode == MPOL_DEFAULT)
		return nodes_empty(*nodes) ? 0 : -EINVAL;
	if (mode == MPOL_PREFERRED) {
		if (nodes_empty(*nodes)) {
			if (relative_or_static)
				return -EINVAL;
			mode = MPOL_LOCAL;
		}
	} else if (mode == MPOL_LOCAL) {
		if (!nodes_empty(*nodes) || relative_or_static)
			return -EINVAL;
	} else if (nodes_empty(*nodes)) {
		return -EINVAL;
	}
	pol = kmem_cache_zalloc(policy_cache, GFP_KERNEL);
	if (!pol)
		return -ENOMEM;
	atomic_set(&pol->refcnt, 1);
	pol->mode = mode;
	pol->flags = flags;
	*out = pol;
	return 0;
}

/* Bit n of orig becomes the (n % weight)-th node of rel (Linux: mpol_relative_nodemask: fold, then onto). */
static void mpol_relative_nodemask(nodemask_t *ret, const nodemask_t *orig, const nodemask_t *rel)
{
	int weight = nodes_weight(*rel), node;

	nodes_clear(*ret);
	if (!weight)
		return;
	for_each_node_mask(node, *orig) {
		int n = node % weight, target = first_node(*rel);

		while (n--)
			target = next_node(target, *rel);
		node_set(target, ret);
	}
}

/*
 * Give pol its nodes: the user's mask ANDed with the nodes the task may
 * use, or remapped onto them (RELATIVE). Linux: mpol_set_nodemask and the
 * mode's create op (mpol_new_nodemask, mpol_new_preferred). -EINVAL if no
 * node is left.
 */
static int mpol_set_nodemask(struct mempolicy *pol, const nodemask_t *nodes)
{
	nodemask_t allowed = cpuset_current_mems_allowed, mask;

	if (!pol || pol->mode == MPOL_LOCAL)
		return 0;
	if (pol->flags & MPOL_F_RELATIVE_NODES)
		mpol_relative_nodemask(&mask, nodes, &allowed);
	else
		nodes_and(mask, *nodes, allowed);
	if (mpol_store_user_nodemask(pol))
		pol->w.user_nodemask = *nodes;
	else
		pol->w.cpuset_mems_allowed = allowed;
	if (nodes_empty(mask))
		return -EINVAL;
	if (pol->mode == MPOL_PREFERRED) {
		nodes_clear(pol->nodes);
		node_set(first_node(mask), &pol->nodes);
	} else {
		pol->nodes = mask;
	}
	return 0;
}

/* The nodes get_mempolicy reports for pol (Linux: get_policy_nodemask). */
static void get_policy_nodemask(const struct mempolicy *pol, nodemask_t *nodes)
{
	nodes_clear(*nodes);
	if (pol == &default_policy || pol->mode == MPOL_LOCAL)
		return;
	*nodes = pol->nodes;
}

/* The child shares the parent's task policy, and its interleave position (Linux: copy_process's mpol_dup). */
int mpol_fork(struct task_struct *child, struct task_struct *parent)
{
	child->mempolicy = parent->mempolicy;
	mpol_get(child->mempolicy);
	child->il_prev = parent->il_prev;
	return 0;
}

/* At exit (and when a fork fails): the task's policy goes (Linux: mpol_put_task_policy). */
void mpol_put_task_policy(struct task_struct *task)
{
	struct mempolicy *pol = task->mempolicy;

	task->mempolicy = NULL;
	mpol_put(pol);
}

/* ---- 1b. user node masks ---- */

/* Read maxnode bits of a user bitmap, the bits above maxnode cleared (Linux: get_bitmap). */
static int get_bitmap(unsigned long *mask, const unsigned long *nmask, unsigned long maxnode)
{
	unsigned long nlongs = BITS_TO_LONGS(maxnode);

	if (copy_from_user(mask, nmask, nlongs * sizeof(unsigned long)))
		return -EFAULT;
	if (maxnode % BITS_PER_LONG)
		mask[nlongs - 1] &= (1UL << (maxnode % BITS_PER_LONG)) - 1;
	return 0;
}

/*
 * Copy a node mask from user space (Linux 6.1: get_nodes). maxnode counts
 * one bit more than the kernel reads (the historical off-by-one): maxnode
 * 1, or a NULL mask, is the empty mask (maxnode 0 with a mask is not: it
 * wraps to a huge count); more than PAGE_SIZE * 8 bits is -EINVAL; a set
 * bit at or above NODE_MASK_BITS (Linux's 1024) is -EINVAL, checked a word
 * at a time from the top as Linux; -EFAULT if the words cannot be read.
 * Bits of nodes that do not exist are kept: the callers AND them away.
 */
static int get_nodes(nodemask_t *nodes, const unsigned long *nmask, unsigned long maxnode)
{
	--maxnode;
	nodes_clear(*nodes);
	if (maxnode == 0 || !nmask)
		return 0;
	if (maxnode > PAGE_SIZE * BITS_PER_BYTE)
		return -EINVAL;
	while (maxnode > NODE_MASK_BITS) {
		unsigned long nbits = min(maxnode, (unsigned long)BITS_PER_LONG);
		unsigned long t;

		if (get_bitmap(&t, &nmask[(maxnode - 1) / BITS_PER_LONG], nbits))
			return -EFAULT;
		if (maxnode - nbits >= NODE_MASK_BITS) {
			maxnode -= nbits;
		} else {
			maxnode = NODE_MASK_BITS;
			t &= ~((1UL << (NODE_MASK_BITS % BITS_PER_LONG)) - 1);
		}
		if (t)
			return -EINVAL;
	}
	return get_bitmap(nodes_addr(*nodes), nmask, maxnode);
}

/*
 * Copy nodes to a user mask of maxnode bits (Linux: copy_nodes_to_user):
 * words beyond nr_node_ids' are cleared; more than a page is -EINVAL.
 */
static int copy_nodes_to_user(unsigned long *mask, unsigned long maxnode, const nodemask_t *nodes)
{
	unsigned long copy = ALIGN(maxnode - 1, 64) / 8;
	unsigned int nbytes = BITS_TO_LONGS(nr_node_ids) * sizeof(long);

	if (copy > nbytes) {
		if (copy > PAGE_SIZE)
			return -EINVAL;
		if (clear_user((char *)mask + nbytes, copy - nbytes))
			return -EFAULT;
		copy = nbytes;
	}
	return copy_to_user(mask, nodes_addr(*nodes), copy) ? -EFAULT : 0;
}

/* Split the mode argument into mode and mode flags, and check them (Linux: sanitize_mpol_flags). */
static int sanitize_mpol_flags(int *mode, unsigned short *flags)
{
	*flags = *mode & MPOL_MODE_FLAGS;
	*mode &= ~MPOL_MODE_FLAGS;
	if ((unsigned int)*mode >= MPOL_MAX)
		return -EINVAL;
	if ((*flags & MPOL_F_STATIC_NODES) && (*flags & MPOL_F_RELATIVE_NODES))
		return -EINVAL;
	if (*flags & MPOL_F_NUMA_BALANCING) {
		if (*mode != MPOL_BIND)
			return -EINVAL;
		*flags |= MPOL_F_MOF | MPOL_F_MORON;
	}
	return 0;
}

/* ---- 1c. set_mempolicy ---- */

/*
 * Replace current's task policy (Linux: do_set_mempolicy). An INTERLEAVE
 * policy starts its per-allocation walk at the first node. Under the big
 * kernel lock; the fault path of this task's other threads reads
 * current->mempolicy only for its own task, so no lock is needed (Linux:
 * task_lock for cpuset rebinding, which Pagoda has not).
 */
static long do_set_mempolicy(unsigned short mode, unsigned short flags, const nodemask_t *nodes)
{
	struct mempolicy *new, *old;
	int err;

	err = mpol_new(mode, flags, nodes, &new);
	if (err)
		return err;
	err = mpol_set_nodemask(new, nodes);
	if (err) {
		mpol_put(new);
		return err;
	}
	old = current->mempolicy;
	current->mempolicy = new;
	if (new && new->mode == MPOL_INTERLEAVE)
		current->il_prev = NODE_MASK_BITS - 1;
	mpol_put(old);
	return 0;
}

long sys_set_mempolicy(int mode, const unsigned long *nmask, unsigned long maxnode)
{
	unsigned short mode_flags;
	nodemask_t nodes;
	int err;

	err = sanitize_mpol_flags(&mode, &mode_flags);
	if (err)
		return err;
	err = get_nodes(&nodes, nmask, maxnode);
	if (err)
		return err;
	return do_set_mempolicy(mode, mode_flags, &nodes);
}

/* ---- 1d. get_mempolicy ---- */

/*
 * The VMA's own policy (Linux: __get_vma_policy; a shmem VMA's shared
 * policy is its VMA policy in Pagoda), with a reference; NULL if none.
 */
static struct mempolicy *__get_vma_policy(struct vm_area_struct *vma)
{
	struct mempolicy *pol = vma ? vma->vm_policy : NULL;

	mpol_get(pol);
	return pol;
}

struct mempolicy *get_vma_policy(struct vm_area_struct *vma, unsigned long addr)
{
	struct mempolicy *pol = __get_vma_policy(vma);

	(void)addr;
	if (!pol) {
		pol = current->mempolicy;
		mpol_get(pol);
	}
	return pol ? pol : &default_policy;
}

/*
 * The page mapped at addr in vma (a 4 KB page, a THP's subpage, a hugetlb
 * page's, the zero page), or NULL: what GUP's follow_page finds. Under
 * mmap_lock; no reference is taken, the answer is a snapshot.
 */
static struct page *follow_user_page(struct vm_area_struct *vma, unsigned long addr)
{
	struct mm_struct *mm = vma->vm_mm;
	pmd_t *pmd;
	pte_t *ptep;

	if (is_vm_hugetlb_page(vma))
		return follow_huge_pmd_page(mm, addr);
	pmd = mm_find_pmd(mm, addr);
	if (pmd) {
		pmd_t pmdval = READ_ONCE(*pmd);

		if (pmd_present(pmdval) && pmd_trans_huge(pmdval))
			return pfn_to_page(pmd_pfn(pmdval) + pte_index(addr));
	}
	ptep = follow_pte(mm, addr);
	if (ptep && pte_present(*ptep))
		return pfn_to_page(pte_pfn(*ptep));
	return NULL;
}

/*
 * The node of the page at addr, read-faulting it in first as GUP would
 * (Linux: lookup_node -> get_user_pages_fast). An untouched anonymous
 * page is the zero page's node. -EFAULT where GUP gives it (no VMA, no
 * read permission, a fault that fails).
 */
static int lookup_node(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;
	int nid = -EFAULT;

	addr &= PAGE_MASK;
	mmap_read_lock(mm);
	vma = find_vma(mm, addr);
	if (!vma || vma->vm_start > addr || !(vma->vm_flags & VM_READ))
		goto out;
	for (int tries = 0; tries < 3; tries++) {
		struct page *page = follow_user_page(vma, addr);

		if (page) {
			nid = page_to_nid(page);
			break;
		}
		if (handle_mm_fault(vma, addr, 0) & (VM_FAULT_OOM | VM_FAULT_SIGBUS | VM_FAULT_SIGSEGV)) {
			nid = -EFAULT;
			break;
		}
	}
out:
	mmap_read_unlock(mm);
	return nid;
}

/*
 * get_mempolicy's work (Linux: do_get_mempolicy): the policy, or with
 * MPOL_F_NODE a node, in *policy; the nodes in *nmask.
 */
static long do_get_mempolicy(int *policy, nodemask_t *nmask, unsigned long addr, unsigned long flags)
{
	struct mm_struct *mm = current->mm;
	struct mempolicy *pol = current->mempolicy;
	bool vma_pol = false;
	long err = 0;

	if (flags & ~(unsigned long)(MPOL_F_NODE | MPOL_F_ADDR | MPOL_F_MEMS_ALLOWED))
		return -EINVAL;
	if (flags & MPOL_F_MEMS_ALLOWED) {
		if (flags & (MPOL_F_NODE | MPOL_F_ADDR))
			return -EINVAL;
		*policy = 0;
		*nmask = cpuset_current_mems_allowed;
		return 0;
	}
	if (flags & MPOL_F_ADDR) {
		struct vm_area_struct *vma;

		/* No fallback to the task policy: a VMA without one reads as MPOL_DEFAULT. */
		mmap_read_lock(mm);
		vma = find_vma(mm, addr);
		if (!vma || vma->vm_start > addr) {
			mmap_read_unlock(mm);
			return -EFAULT;
		}
		pol = __get_vma_policy(vma);
		vma_pol = true;
		mmap_read_unlock(mm);
	} else if (addr) {
		return -EINVAL;
	}
	if (!pol)
		pol = &default_policy;

	if (flags & MPOL_F_NODE) {
		if (flags & MPOL_F_ADDR) {
			err = lookup_node(mm, addr);
			if (err < 0)
				goto out;
			*policy = err;
			err = 0;
		} else if (pol == current->mempolicy && pol->mode == MPOL_INTERLEAVE) {
			*policy = next_node_in(current->il_prev, pol->nodes);
		} else {
			err = -EINVAL;
			goto out;
		}
	} else {
		*policy = pol == &default_policy ? MPOL_DEFAULT : pol->mode;
		*policy |= pol->flags & MPOL_MODE_FLAGS;
	}
	if (mpol_store_user_nodemask(pol))
		*nmask = pol->w.user_nodemask;
	else
		get_policy_nodemask(pol, nmask);
out:
	if (vma_pol)
		mpol_cond_put(pol);
	return err;
}

long sys_get_mempolicy(int *policy, unsigned long *nmask, unsigned long maxnode,
		       unsigned long addr, unsigned long flags)
{
	nodemask_t nodes;
	int pval;
	long err;

	if (nmask && maxnode < (unsigned long)nr_node_ids)
		return -EINVAL;
	err = do_get_mempolicy(&pval, &nodes, addr, flags);
	if (err)
		return err;
	if (policy && put_user(pval, policy))
		return -EFAULT;
	if (nmask)
		err = copy_nodes_to_user(nmask, maxnode, &nodes);
	return err;
}

/* ---- 1e. mbind ---- */

/* Give vma the policy new (a reference of its own); the old one is put (Linux: vma_replace_policy). */
static void vma_replace_policy(struct vm_area_struct *vma, struct mempolicy *new)
{
	struct mempolicy *old = vma->vm_policy;

	mpol_get(new);
	vma->vm_policy = new;
	mpol_put(old);
}

/*
 * Give every VMA in [start, end) the policy new, splitting the VMAs at
 * start and end and merging neighbours whose policies become equal
 * (Linux: mbind_range). mmap_lock held for writing. 0, -ENOMEM, or the
 * -EINVAL of a hugetlb VMA split off a huge-page boundary.
 */
static int mbind_range(struct mm_struct *mm, unsigned long start, unsigned long end,
		       struct mempolicy *new)
{
	struct vm_area_struct *vma = find_vma(mm, start);
	int err;

	while (vma && vma->vm_start < end) {
		unsigned long vmstart = max(start, vma->vm_start), vmend = min(end, vma->vm_end);

		if (!mpol_equal(vma->vm_policy, new)) {
			err = split_at_boundaries(mm, vmstart, vmend);
			if (err)
				return err;
			vma = find_vma(mm, vmstart);	/* the split may have moved vma's range */
			vma_replace_policy(vma, new);
			vma = vma_merge_neighbours(vma);
		}
		if (vma->vm_end >= end)
			break;
		vma = vma_next(vma);
	}
	return 0;
}

/*
 * Where page is mapped in vma, or -EFAULT if vma cannot map it (Linux:
 * page_address_in_vma, for an anonymous page: same anon_vma family, and
 * its index inside vma's range).
 */
static unsigned long mbind_page_address(struct page *page, struct vm_area_struct *vma)
{
	struct anon_vma *anon_vma = page_anon_vma(page);

	if (!anon_vma || !vma->anon_vma || vma->anon_vma->root != anon_vma->root)
		return -EFAULT;
	return vma_address(page, vma);
}

/*
 * The target of a page mbind moves (Linux 6.1: new_page): allocated by the
 * policy of the VMA that maps it, at its address there. mbind_range has
 * already given the range the new policy, so the page goes where the new
 * policy says (INTERLEAVE: by its offset). A THP gets a THP. start: the
 * range's start, where the search for the VMA begins. mmap_lock held.
 */
static struct page *new_page(struct page *page, unsigned long start)
{
	struct vm_area_struct *vma;
	unsigned long address = 0;

	for (vma = find_vma(current->mm, start); vma; vma = vma_next(vma)) {
		address = mbind_page_address(page, vma);
		if (address != (unsigned long)-EFAULT)
			break;
	}
	if (PageHugeTLB(page))
		return alloc_huge_page_vma(hstate_vma(vma), vma, address);
	if (PageCompound(page))
		return alloc_pages_vma(GFP_TRANSHUGE, compound_order(page), vma, address, true);
	return alloc_pages_vma(GFP_HIGHUSER_MOVABLE, 0, vma, address, false);
}

/*
 * mbind's work (Linux 6.1: do_mbind), in Linux's order of checks: the
 * flags, the start, the length, the policy; then, under mmap_lock for
 * writing, queue_pages_range (part 2) checks the range for holes and,
 * for MPOL_MF_MOVE / MOVE_ALL, isolates the pages that are not on the
 * given nodes (shared ones only for MOVE_ALL); mbind_range gives the VMAs
 * the policy; migrate_pages moves the queued pages to pages new_page
 * allocates by it. -EIO with MPOL_MF_STRICT when a misplaced page is left
 * behind (queue_pages_range: found and not movable, or -EIO without
 * MOVE: then the policy is not set), or some page did not move.
 */
static long do_mbind(unsigned long start, unsigned long len, unsigned short mode,
		     unsigned short mode_flags, const nodemask_t *nmask, unsigned long flags)
{
	struct mm_struct *mm = current->mm;
	struct mempolicy *new;
	LIST_HEAD(pagelist);
	unsigned long end;
	long err;
	int ret;

	if (flags & ~(unsigned long)MPOL_MF_VALID)
		return -EINVAL;
	/* MPOL_MF_MOVE_ALL needs CAP_SYS_NICE: Pagoda's only user is root. */
	if (start & ~PAGE_MASK)
		return -EINVAL;
	if (mode == MPOL_DEFAULT)
		flags &= ~MPOL_MF_STRICT;
	len = (len + PAGE_SIZE - 1) & PAGE_MASK;
	end = start + len;
	if (end < start)
		return -EINVAL;
	if (end == start)
		return 0;
	err = mpol_new(mode, mode_flags, nmask, &new);
	if (err)
		return err;
	if (!new)
		flags |= MPOL_MF_DISCONTIG_OK;

	mmap_write_lock(mm);
	err = mpol_set_nodemask(new, nmask);
	if (err)
		goto out_unlock;
	/* The user's mask, not the policy's nodes, as Linux: a RELATIVE mask queues by its own bits. */
	ret = queue_pages_range(mm, start, end, nmask, flags | MPOL_MF_INVERT, &pagelist);
	if (ret < 0) {
		err = ret;
		goto out_putback;
	}
	err = mbind_range(mm, start, end, new);
	if (err)
		goto out_putback;
	if (!list_empty(&pagelist)) {
		int nr_failed = migrate_pages(&pagelist, new_page, NULL, start, MIGRATE_SYNC,
					      MR_MEMPOLICY_MBIND, NULL);

		if (nr_failed)
			putback_movable_pages(&pagelist);
		if (nr_failed && (flags & MPOL_MF_STRICT))
			err = -EIO;
	}
	if (ret > 0)
		err = -EIO;
	goto out_unlock;
out_putback:
	if (!list_empty(&pagelist))
		putback_movable_pages(&pagelist);
out_unlock:
	mmap_write_unlock(mm);
	mpol_put(new);
	return err;
}

long sys_mbind(unsigned long start, unsigned long len, unsigned long mode,
	       const unsigned long *nmask, unsigned long maxnode, unsigned int flags)
{
	unsigned short mode_flags;
	nodemask_t nodes;
	int lmode = mode;
	int err;

	err = sanitize_mpol_flags(&lmode, &mode_flags);
	if (err)
		return err;
	err = get_nodes(&nodes, nmask, maxnode);
	if (err)
		return err;
	return do_mbind(start, len, lmode, mode_flags, &nodes, flags);
}

/* ---- 1f. allocation by policy ---- */

/*
 * The nodes an allocation under pol may use (Linux: policy_nodemask): a
 * BIND policy's, or a PREFERRED_MANY one's (tried first); NULL: any node.
 */
static const nodemask_t *policy_nodemask(gfp_t gfp, const struct mempolicy *pol)
{
	(void)gfp;	/* Linux applies BIND only from policy_zone up: Pagoda's one zone a node is it */
	if (pol->mode == MPOL_BIND || pol->mode == MPOL_PREFERRED_MANY)
		return &pol->nodes;
	return NULL;
}

/* The node to start from (Linux: policy_node): PREFERRED's node, else nid (this CPU's). */
static int policy_node(gfp_t gfp, const struct mempolicy *pol, int nid)
{
	(void)gfp;
	if (pol->mode == MPOL_PREFERRED)
		return first_node(pol->nodes);
	return nid;
}

/* The task policy's next interleave node, one step on per allocation (Linux: interleave_nodes). */
static int interleave_nodes(struct mempolicy *pol)
{
	int next = next_node_in(current->il_prev, pol->nodes);

	if (next < NODE_MASK_BITS)
		current->il_prev = next;
	return next;
}

/* The n-th node of the policy's nodes, round robin (Linux: offset_il_node). */
static int offset_il_node(const struct mempolicy *pol, unsigned long n)
{
	int nnodes = nodes_weight(pol->nodes), nid;
	unsigned int target;

	if (!nnodes)
		return numa_node_id();
	target = (unsigned int)n % nnodes;
	nid = first_node(pol->nodes);
	for (unsigned int i = 0; i < target; i++)
		nid = next_node(nid, pol->nodes);
	return nid;
}

/*
 * The interleave node for a page of 1 << shift bytes at addr (Linux:
 * interleave_nid): by its offset in the mapping when there is a VMA, the
 * task's or the VMA's policy alike (vm_pgoff is addr >> 12 for anonymous
 * memory: the same address gives the same node in every process), else one
 * step of the task's walk.
 */
static int interleave_nid(struct mempolicy *pol, struct vm_area_struct *vma, unsigned long addr,
			  int shift)
{
	unsigned long off;

	if (!vma)
		return interleave_nodes(pol);
	off = vma->vm_pgoff >> (shift - PAGE_SHIFT);
	off += (addr - vma->vm_start) >> shift;
	return offset_il_node(pol, off);
}

/* One interleaved allocation: nid first, then its fallback list; interleave_hit if nid gave it (Linux: alloc_page_interleave). */
static struct page *alloc_page_interleave(gfp_t gfp, unsigned int order, int nid)
{
	struct page *page = __alloc_pages(gfp, order, nid, NULL);

	if (page && page_to_nid(page) == nid)
		numa_stat_inc(&NODE_DATA(nid)->stat.interleave_hit);
	return page;
}

/* PREFERRED_MANY: its nodes first, quietly, then any node (Linux: alloc_pages_preferred_many). */
static struct page *alloc_pages_preferred_many(gfp_t gfp, unsigned int order, int nid,
					       const struct mempolicy *pol)
{
	struct page *page = __alloc_pages(gfp | __GFP_NOWARN, order, nid, &pol->nodes);

	return page ? page : __alloc_pages(gfp, order, nid, NULL);
}

/*
 * A THP for a non-interleave policy (Linux: the hugepage branch of
 * vma_alloc_folio): only the local node (PREFERRED's node) first, as
 * remote huge pages would cost more than they save, when the policy
 * allows that node; then, as Linux does when the VMA may reclaim for a THP,
 * the policy's nodes with fallback. NULL: the fault falls back to 4 KB.
 */
static struct page *alloc_hugepage_policy(gfp_t gfp, unsigned int order, struct mempolicy *pol)
{
	int hpage_node = pol->mode == MPOL_PREFERRED ? first_node(pol->nodes) : numa_node_id();
	const nodemask_t *nmask = policy_nodemask(gfp, pol);
	struct page *page;

	if (nmask && !node_isset(hpage_node, *nmask))
		return __alloc_pages(gfp, order, policy_node(gfp, pol, numa_node_id()), nmask);
	page = __alloc_pages(gfp | __GFP_THISNODE | __GFP_NOWARN, order, hpage_node, NULL);
	return page ? page : __alloc_pages(gfp, order, hpage_node, nmask);
}

struct page *alloc_pages_vma(gfp_t gfp, int order, struct vm_area_struct *vma,
			     unsigned long addr, bool hugepage)
{
	struct mempolicy *pol = get_vma_policy(vma, addr);
	struct page *page;

	switch (pol->mode) {
	case MPOL_INTERLEAVE:
		page = alloc_page_interleave(gfp, order, interleave_nid(pol, vma, addr, PAGE_SHIFT + order));
		break;
	case MPOL_PREFERRED_MANY:
		page = alloc_pages_preferred_many(gfp, order, policy_node(gfp, pol, numa_node_id()), pol);
		break;
	default:
		if (hugepage)
			page = alloc_hugepage_policy(gfp, order, pol);
		else
			page = __alloc_pages(gfp, order, policy_node(gfp, pol, numa_node_id()),
					     policy_nodemask(gfp, pol));
		break;
	}
	mpol_cond_put(pol);
	return page;
}

/*
 * A kernel allocation for the running task (Linux: alloc_pages): its
 * policy, per allocation for INTERLEAVE; the default one before the first
 * task runs and for __GFP_THISNODE requests.
 */
struct page *alloc_pages_task(gfp_t gfp, unsigned int order)
{
	struct task_struct *task = this_cpu()->curr;
	struct mempolicy *pol = &default_policy;

	if (task && task->mempolicy && !(gfp & __GFP_THISNODE))
		pol = task->mempolicy;
	if (pol->mode == MPOL_INTERLEAVE)
		return alloc_page_interleave(gfp, order, interleave_nodes(pol));
	if (pol->mode == MPOL_PREFERRED_MANY)
		return alloc_pages_preferred_many(gfp, order, policy_node(gfp, pol, numa_node_id()), pol);
	return __alloc_pages(gfp, order, policy_node(gfp, pol, numa_node_id()), policy_nodemask(gfp, pol));
}

/*
 * hugetlb's node and nodes for addr in vma (Linux: huge_node): an
 * interleave policy's node by the huge page's offset; else the policy's
 * node (this CPU's for BIND, PREFERRED_MANY, LOCAL), with BIND's and
 * PREFERRED_MANY's nodes in *nodemask. *mpol holds a reference for the
 * caller's mpol_cond_put.
 */
int huge_node(struct vm_area_struct *vma, unsigned long addr, unsigned int huge_shift,
	      struct mempolicy **mpol, const nodemask_t **nodemask)
{
	*mpol = get_vma_policy(vma, addr);
	*nodemask = NULL;
	if ((*mpol)->mode == MPOL_INTERLEAVE)
		return interleave_nid(*mpol, vma, addr, huge_shift);
	if ((*mpol)->mode == MPOL_BIND || (*mpol)->mode == MPOL_PREFERRED_MANY)
		*nodemask = &(*mpol)->nodes;
	return policy_node(0, *mpol, numa_node_id());
}

/*
 * The task's BIND nodes, which hugetlb's reservation counts free pages on
 * (Linux: policy_mbind_nodemask); NULL for any other policy.
 */
const nodemask_t *policy_mbind_nodemask(void)
{
	struct mempolicy *pol = current->mempolicy;

	return pol && pol->mode == MPOL_BIND ? &pol->nodes : NULL;
}

/* ---- 1g. /proc/PID/numa_maps ---- */

static const char *const policy_modes[MPOL_MAX] = {
	[MPOL_DEFAULT] = "default",
	[MPOL_PREFERRED] = "prefer",
	[MPOL_BIND] = "bind",
	[MPOL_INTERLEAVE] = "interleave",
	[MPOL_LOCAL] = "local",
	[MPOL_PREFERRED_MANY] = "prefer (many)",
};

/* "0-1,3": the nodes as Linux's %*pbl prints a bitmap list. */
static int nodelist_to_str(char *buf, int maxlen, const nodemask_t *nodes)
{
	int len = 0, node = first_node(*nodes);

	while (node < NODE_MASK_BITS && len < maxlen) {
		int last = node;

		while (node_isset(last + 1, *nodes))
			last++;
		len += snprintf(buf + len, maxlen - len, len ? ",%d" : "%d", node);
		if (last > node && len < maxlen)
			len += snprintf(buf + len, maxlen - len, "-%d", last);
		node = next_node(last, *nodes);
	}
	return len;
}

/*
 * pol as numa_maps shows it (Linux: mpol_to_str, as Debian's 6.1 has it
 * with the stable fix "teach mpol_to_str about the balancing mode"): the
 * mode, then "=static", "=relative", "=balancing" or "=static|balancing",
 * then ":" and the nodes it uses. NULL and the default policy read
 * "default" (Linux: also the per-node policies of tasks with none).
 */
void mpol_to_str(char *buf, int maxlen, const struct mempolicy *pol)
{
	unsigned short mode = MPOL_DEFAULT, flags = 0;
	nodemask_t nodes;
	int len;

	nodes_clear(nodes);
	if (pol && pol != &default_policy) {
		mode = pol->mode;
		flags = pol->flags & MPOL_MODE_FLAGS;
	}
	if (mode != MPOL_DEFAULT && mode != MPOL_LOCAL)
		nodes = pol->nodes;
	len = snprintf(buf, maxlen, "%s", policy_modes[mode]);
	if (flags && len < maxlen) {
		len += snprintf(buf + len, maxlen - len, "=");
		if (flags & MPOL_F_STATIC_NODES)
			len += snprintf(buf + len, maxlen - len, "static");
		else if (flags & MPOL_F_RELATIVE_NODES)
			len += snprintf(buf + len, maxlen - len, "relative");
		if ((flags & MPOL_F_NUMA_BALANCING) && len < maxlen)
			len += snprintf(buf + len, maxlen - len, "%sbalancing",
					flags != MPOL_F_NUMA_BALANCING ? "|" : "");
	}
	if (!nodes_empty(nodes) && len + 1 < maxlen) {
		buf[len++] = ':';
		nodelist_to_str(buf + len, maxlen - len, &nodes);
	}
}

/* ---- 2. migration by node ---- */

/*
 * What queue_pages_range's walk carries (Linux: struct queue_pages):
 * pages on a node of nmask (not on one, with MPOL_MF_INVERT) are queued
 * on pagelist when flags ask to move them.
 */
struct queue_pages {
	struct list_head *pagelist;
	unsigned long flags;
	const nodemask_t *nmask;
	unsigned long start, end;
	struct vm_area_struct *first;	/* the first VMA met: NULL means the range is a hole */
};

/* The page is one the walk wants (Linux: queue_pages_required). */
static bool queue_pages_required(struct page *page, struct queue_pages *qp)
{
	return node_isset(page_to_nid(page), *qp->nmask) == !(qp->flags & MPOL_MF_INVERT);
}

/*
 * Isolate page's head onto pagelist if this process may move it (Linux:
 * migrate_page_add): MOVE_ALL, or only this mapping maps it; a THP's head
 * (the THP moves whole). A page that cannot be isolated (another
 * migration has it; shmem and file pages) is -EIO with MPOL_MF_STRICT,
 * else left where it is. Page-table lock held.
 */
static int migrate_page_add(struct page *page, struct list_head *pagelist, unsigned long flags)
{
	struct page *head = compound_head(page);

	if (!(flags & MPOL_MF_MOVE_ALL) && page_mapcount(head) != 1)
		return 0;	/* shared: not ours alone to move, and not a failure */
	if (PageAnon(head) && !isolate_lru_page(head)) {
		list_add_tail(&head->lru, pagelist);
		return 0;
	}
	return (flags & MPOL_MF_STRICT) ? -EIO : 0;
}

/*
 * A huge PMD in the walk (Linux: queue_pages_pmd): 1 if the THP could not
 * be queued and STRICT asked (the walk stops), -EIO for a misplaced THP
 * with STRICT only, else 0. Page-table lock held.
 */
static int queue_pages_pmd(pmd_t pmd, struct vm_area_struct *vma, struct queue_pages *qp)
{
	struct page *page = pfn_to_page(pmd_pfn(pmd));

	if (PageZero(page) || !queue_pages_required(page, qp))
		return 0;
	if (!(qp->flags & (MPOL_MF_MOVE | MPOL_MF_MOVE_ALL)))
		return -EIO;
	return migrate_page_add(page, qp->pagelist, qp->flags) ? 1 : 0;
}

/*
 * The PTEs of [addr, end) in one table (Linux 6.1: queue_pages_pte_range):
 * queue every present page the walk wants. 1 if some could not be queued
 * under STRICT (the caller's walk stops there, as Linux 6.1's), -EIO if a
 * wanted page was found and only STRICT was asked, else 0. Takes the
 * page-table lock.
 */
static int queue_pages_pte_range(struct vm_area_struct *vma, pte_t *ptep, unsigned long addr,
				 unsigned long end, struct queue_pages *qp)
{
	spinlock_t *ptl = &vma->vm_mm->page_table_lock;
	bool has_unmovable = false;

	spin_lock(ptl);
	for (; addr != end; ptep++, addr += PAGE_SIZE) {
		struct page *page;

		if (!pte_present(*ptep))
			continue;	/* none, or a migration entry: another migration has it */
		page = vm_normal_page(*ptep);
		if (!page || PageReserved(page) || !queue_pages_required(page, qp))
			continue;
		if (!(qp->flags & (MPOL_MF_MOVE | MPOL_MF_MOVE_ALL)))
			break;
		if (migrate_page_add(page, qp->pagelist, qp->flags))
			has_unmovable = true;
	}
	spin_unlock(ptl);
	if (has_unmovable)
		return 1;
	return addr != end ? -EIO : 0;
}

/*
 * Should the walk visit vma (Linux: queue_pages_test_walk)? -EFAULT for a
 * hole at the head, in the middle or at the tail of the range unless
 * MPOL_MF_DISCONTIG_OK; 1 to skip the VMA (nothing to queue, only the range
 * was to be checked); 0 to walk it.
 */
static int queue_pages_test_walk(struct vm_area_struct *vma, struct queue_pages *qp)
{
	struct vm_area_struct *next = vma_next(vma);
	unsigned long flags = qp->flags;

	if (!qp->first) {
		qp->first = vma;
		if (!(flags & MPOL_MF_DISCONTIG_OK) && qp->start < vma->vm_start)
			return -EFAULT;		/* hole at the head of the range */
	}
	if (!(flags & MPOL_MF_DISCONTIG_OK) && vma->vm_end < qp->end &&
	    (!next || vma->vm_end < next->vm_start))
		return -EFAULT;			/* hole in the middle or at the tail */
	return (flags & MPOL_MF_VALID) ? 0 : 1;
}

/*
 * The huge PTEs of [start, end) of a hugetlb VMA (Linux 6.1:
 * queue_pages_hugetlb): a wanted page is isolated whole with MOVE_ALL, or
 * with MOVE when only this mapping maps it. 1 if one could not be, under
 * STRICT (another migration has it, or it is a hugetlbfs page-cache page,
 * which Pagoda does not migrate); -EIO for a wanted page with STRICT
 * alone; else 0. Takes the huge-PTE lock (the page-table lock).
 */
static int queue_pages_hugetlb(struct vm_area_struct *vma, unsigned long start, unsigned long end,
			       struct queue_pages *qp)
{
	struct mm_struct *mm = vma->vm_mm;
	unsigned long flags = qp->flags & MPOL_MF_VALID;
	int ret = 0;

	for (unsigned long addr = start & PMD_MASK; addr < end && !ret; addr += PMD_SIZE) {
		pmd_t *pmd = mm_find_pmd(mm, addr);
		struct page *page;

		if (!pmd)
			continue;
		spin_lock(&mm->page_table_lock);
		if (!pmd_huge(*pmd) || is_swap_pmd(*pmd))
			goto unlock;	/* none, or a migration entry: another migration has it */
		page = pfn_to_page(pmd_pfn(*pmd));
		if (!queue_pages_required(page, qp))
			goto unlock;
		if (flags == MPOL_MF_STRICT) {
			ret = -EIO;
			goto unlock;
		}
		if (!(flags & MPOL_MF_MOVE_ALL) && !((flags & MPOL_MF_MOVE) && page_mapcount(page) == 1))
			goto unlock;
		if (PageAnon(page) && !isolate_lru_page(page))
			list_add_tail(&page->lru, qp->pagelist);
		else if (flags & MPOL_MF_STRICT)
			ret = 1;
unlock:
		spin_unlock(&mm->page_table_lock);
	}
	return ret;
}

/* Walk [start, end) of one VMA, a PTE table or a huge PMD at a time. Same results as above. */
static int queue_pages_vma(struct vm_area_struct *vma, unsigned long start, unsigned long end,
			   struct queue_pages *qp)
{
	struct mm_struct *mm = vma->vm_mm;
	unsigned long addr, next;
	int err;

	if (is_vm_hugetlb_page(vma))
		return queue_pages_hugetlb(vma, start, end, qp);
	for (addr = start; addr < end; addr = next) {
		pmd_t *pmd = mm_find_pmd(mm, addr);
		pte_t *ptep;

		if (pmd && pmd_trans_huge(READ_ONCE(*pmd))) {
			next = min((addr & PMD_MASK) + PMD_SIZE, end);
			spin_lock(&mm->page_table_lock);
			err = pmd_trans_huge(*pmd) ? queue_pages_pmd(*pmd, vma, qp) : 0;
			spin_unlock(&mm->page_table_lock);
			if (err)
				return err;
			continue;
		}
		ptep = pte_table_range(mm, addr, end, &next);
		if (!ptep)
			continue;
		err = queue_pages_pte_range(vma, ptep, addr, next, qp);
		if (err)
			return err;
	}
	return 0;
}

/*
 * Walk the pages of [start, end) of mm and collect those to migrate
 * (Linux 6.1: queue_pages_range). A page on a node of nodes (or, with
 * MPOL_MF_INVERT, on a node not in nodes) is isolated onto pagelist when
 * flags has MPOL_MF_MOVE (pages only this process maps) or MOVE_ALL.
 * mmap_lock held (read: migrate_pages(2); write: mbind). Returns
 *   0        every wanted page queued (or only the range was checked)
 *   1        some page could not be queued, with MOVE* and STRICT
 *   -EIO     a wanted page was found, with STRICT and no MOVE*
 *   -EFAULT  a hole in the range without MPOL_MF_DISCONTIG_OK, or no VMA
 * The pages queued stay isolated on pagelist for the caller (migrate_pages,
 * or putback_movable_pages).
 */
int queue_pages_range(struct mm_struct *mm, unsigned long start, unsigned long end,
		      const nodemask_t *nodes, unsigned long flags, struct list_head *pagelist)
{
	struct queue_pages qp = {
		.pagelist = pagelist,
		.flags = flags,
		.nmask = nodes,
		.start = start,
		.end = end,
	};
	struct vm_area_struct *vma;
	int err = 0;

	mmap_assert_locked(mm);
	for (vma = find_vma(mm, start); vma && vma->vm_start < end; vma = vma_next(vma)) {
		err = queue_pages_test_walk(vma, &qp);
		if (err > 0) {
			err = 0;
			continue;
		}
		if (err)
			break;
		err = queue_pages_vma(vma, max(start, vma->vm_start), min(end, vma->vm_end), &qp);
		if (err)
			break;
	}
	if (!qp.first)
		err = -EFAULT;		/* the whole range is a hole */
	return err;
}

/*
 * Move mm's pages on node source to node dest (Linux 6.1:
 * migrate_to_node): queue them over the whole address space, then
 * migrate_pages to a target on dest only (__GFP_THISNODE). mmap_read_lock
 * held. Returns the number not moved, or -ENOMEM if dest ran out.
 */
static int migrate_to_node(struct mm_struct *mm, int source, int dest, int flags)
{
	struct migration_target_control mtc = {
		.nid = dest,
		.gfp_mask = GFP_HIGHUSER_MOVABLE | __GFP_THISNODE,
	};
	struct vm_area_struct *vma = find_vma(mm, 0);
	LIST_HEAD(pagelist);
	nodemask_t nmask;
	int err = 0;

	nodes_clear(nmask);
	node_set(source, &nmask);
	/* The whole address space with DISCONTIG_OK: this cannot fail, it only queues. */
	if (vma)
		queue_pages_range(mm, vma->vm_start, TASK_SIZE, &nmask, flags | MPOL_MF_DISCONTIG_OK,
				  &pagelist);
	if (!list_empty(&pagelist)) {
		err = migrate_pages(&pagelist, alloc_migration_target, NULL, (unsigned long)&mtc,
				    MIGRATE_SYNC, MR_SYSCALL, NULL);
		if (err)
			putback_movable_pages(&pagelist);
	}
	return err;
}

/*
 * Where bit oldbit of old goes in new (Linux: node_remap, bitmap_bitremap):
 * the n-th set bit of old maps to the (n mod weight(new))-th set bit of
 * new; a bit not in old, or an empty new, stays.
 */
static int node_remap(int oldbit, const nodemask_t *old, const nodemask_t *new)
{
	int n = 0, w = nodes_weight(*new), node;

	if (!node_isset(oldbit, *old) || w == 0)
		return oldbit;
	for_each_node_mask(node, *old) {
		if (node == oldbit)
			break;
		n++;
	}
	n %= w;
	for_each_node_mask(node, *new)
		if (n-- == 0)
			return node;
	return oldbit;
}

/*
 * Move the pages of mm from the nodes of from to those of to, keeping
 * their relative placement (Linux 6.1: do_migrate_pages; seed 002's
 * first step). One source node at a time: pick a source whose
 * destination (node_remap) is not itself a source still to do, so no page
 * moves twice (with from {0,1} to {1,2}: 1 -> 2 first, then 0 -> 1). When
 * the masks differ in weight, a source that is also a destination is left
 * alone. Returns the number of pages not moved, or -errno (-ENOMEM: a
 * destination node full).
 */
int do_migrate_pages(struct mm_struct *mm, const nodemask_t *from, const nodemask_t *to, int flags)
{
	nodemask_t tmp = *from;
	int busy = 0, err = 0;

	mmap_read_lock(mm);
	while (!nodes_empty(tmp)) {
		int s, d, source = NUMA_NO_NODE, dest = 0;

		for_each_node_mask(s, tmp) {
			if (nodes_weight(*from) != nodes_weight(*to) && node_isset(s, *to))
				continue;
			d = node_remap(s, from, to);
			if (s == d)
				continue;
			source = s;
			dest = d;
			if (!node_isset(dest, tmp))
				break;	/* dest is not a source still to do */
		}
		if (source == NUMA_NO_NODE)
			break;
		node_clear(source, &tmp);
		err = migrate_to_node(mm, source, dest, flags);
		if (err > 0)
			busy += err;
		if (err < 0)
			break;
	}
	mmap_read_unlock(mm);
	return err < 0 ? err : busy;
}

/*
 * migrate_pages(pid, maxnode, old_nodes, new_nodes) (Linux 6.1:
 * kernel_migrate_pages): move the pages of process pid (0: the caller)
 * from the nodes of old_nodes to those of new_nodes. ESRCH for no such
 * task, EINVAL if new_nodes has no node with memory or the task has no mm,
 * the errors of get_nodes, ENOMEM when a destination is full. Pagoda's
 * caller is root (CAP_SYS_NICE, no cpusets): the mems check passes and
 * shared pages move too (MPOL_MF_MOVE_ALL). Returns the number of pages
 * not moved.
 */
long sys_migrate_pages(pid_t pid, unsigned long maxnode, const unsigned long *old_nodes,
		       const unsigned long *new_nodes)
{
	nodemask_t old, new, task_nodes = node_states_memory();
	struct task_struct *task;
	struct mm_struct *mm;
	int err;

	err = get_nodes(&old, old_nodes, maxnode);
	if (err)
		return err;
	err = get_nodes(&new, new_nodes, maxnode);
	if (err)
		return err;
	task = pid ? find_task_by_pid(pid) : current;
	if (!task)
		return -ESRCH;
	nodes_and(new, new, task_nodes);
	if (nodes_empty(new))
		return -EINVAL;
	mm = get_task_mm(task);
	if (!mm)
		return -EINVAL;
	err = do_migrate_pages(mm, &old, &new, MPOL_MF_MOVE_ALL);
	mmput(mm);
	return err;
}
