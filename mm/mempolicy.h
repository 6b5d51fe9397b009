/*
 * NUMA memory policies: node masks, struct mempolicy and the policy API
 * (Linux: include/linux/nodemask.h, include/linux/mempolicy.h and
 * include/uapi/linux/mempolicy.h). The code is mm/mempolicy.c.
 *
 *   task_struct.mempolicy ----\            (NULL: the default policy, MPOL_LOCAL)
 *   vm_area_struct.vm_policy --+--> struct mempolicy { refcnt, mode, flags, nodes, w.user_nodemask }
 *                                   shared (refcounted) by the VMAs a split or a fork made from
 *                                   one, never changed once set: a new policy is a new object
 *
 * A fault asks get_vma_policy(vma, addr) (the VMA's policy, else the
 * task's, else the default one) and allocates with alloc_pages_vma().
 */
#ifndef _MM_MEMPOLICY_H
#define _MM_MEMPOLICY_H

#include <kernel/types.h>
#include <kernel/numa.h>
#include <mm/mm_types.h>
#include <mm/nodemask.h>

/* ---- the ABI (Linux: include/uapi/linux/mempolicy.h, 6.1) ---- */

enum {
	MPOL_DEFAULT,
	MPOL_PREFERRED,
	MPOL_BIND,
	MPOL_INTERLEAVE,
	MPOL_LOCAL,
	MPOL_PREFERRED_MANY,
	MPOL_MAX,
};

/* Mode flags, ORed into the mode of set_mempolicy / mbind. */
#define MPOL_F_STATIC_NODES	(1 << 15)
#define MPOL_F_RELATIVE_NODES	(1 << 14)
#define MPOL_F_NUMA_BALANCING	(1 << 13)	/* only with MPOL_BIND; Pagoda has no NUMA balancing */
#define MPOL_MODE_FLAGS		(MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES | MPOL_F_NUMA_BALANCING)

/* get_mempolicy flags */
#define MPOL_F_NODE		(1 << 0)	/* the node of addr's page, or the next interleave node */
#define MPOL_F_ADDR		(1 << 1)	/* the policy of the VMA at addr */
#define MPOL_F_MEMS_ALLOWED	(1 << 2)	/* the nodes the task may use */

/* mbind flags */
#define MPOL_MF_STRICT		(1 << 0)	/* misplaced pages left behind: EIO */
#define MPOL_MF_MOVE		(1 << 1)	/* move the pages only this process maps */
#define MPOL_MF_MOVE_ALL	(1 << 2)	/* move shared pages too */
#define MPOL_MF_LAZY		(1 << 3)	/* internal (NUMA balancing) */
#define MPOL_MF_INTERNAL	(1 << 4)	/* first internal flag */
#define MPOL_MF_VALID		(MPOL_MF_STRICT | MPOL_MF_MOVE | MPOL_MF_MOVE_ALL)
/* Internal flags of queue_pages_range (Linux: mm/mempolicy.c). */
#define MPOL_MF_DISCONTIG_OK	(MPOL_MF_INTERNAL << 0)	/* holes in the range are fine */
#define MPOL_MF_INVERT		(MPOL_MF_INTERNAL << 1)	/* queue the pages NOT on the nodes */

/* Internal policy->flags, above the mode flags' bits as Linux's */
#define MPOL_F_MOF		(1 << 3)	/* migrate on fault (NUMA balancing) */
#define MPOL_F_MORON		(1 << 4)	/* migrate on protnone reference */

/* ---- struct mempolicy ---- */

/*
 * One policy (Linux: struct mempolicy). Never changed after
 * do_set_mempolicy or mbind made it (Pagoda has no cpuset rebinding), so
 * tasks and VMAs share it by reference: refcnt counts task_struct.mempolicy
 * and vm_area_struct.vm_policy pointers and the temporary holds of
 * get_vma_policy's callers.
 */
struct mempolicy {
	atomic_t refcnt;
	unsigned short mode;		/* MPOL_PREFERRED .. MPOL_PREFERRED_MANY; never DEFAULT (that is NULL) */
	unsigned short flags;		/* MPOL_F_STATIC_NODES | RELATIVE_NODES | MOF | MORON */
	nodemask_t nodes;		/* the nodes it uses (PREFERRED: one; LOCAL: empty) */
	union {
		nodemask_t cpuset_mems_allowed;	/* the mems_allowed it was made against */
		nodemask_t user_nodemask;	/* STATIC / RELATIVE: the mask as given */
	} w;
};

extern struct mempolicy default_policy;		/* MPOL_LOCAL: what a NULL policy means */

void mpol_get(struct mempolicy *pol);		/* NULL is fine */
void mpol_put(struct mempolicy *pol);		/* NULL is fine; the last put frees it */
bool mpol_equal(const struct mempolicy *a, const struct mempolicy *b);	/* NULL = default */
void mempolicy_init(void);			/* boot: the policy cache */

struct task_struct;
struct vm_area_struct;
struct seq_file;

/* fork copies the parent's task policy (a reference); exit puts it. */
int mpol_fork(struct task_struct *child, struct task_struct *parent);
void mpol_put_task_policy(struct task_struct *task);

/*
 * The policy that governs addr in vma: the VMA's, else the task's, else
 * default_policy. Taken with a reference (mpol_cond_put drops it; the
 * static default one is never freed). vma may be NULL.
 */
struct mempolicy *get_vma_policy(struct vm_area_struct *vma, unsigned long addr);
void mpol_cond_put(struct mempolicy *pol);

/*
 * Allocate a user page of 2^order frames for addr in vma by its policy
 * (Linux 6.1: alloc_pages_vma / vma_alloc_folio). hugepage: a THP, which
 * Linux tries on the preferred node only first. NULL when the policy
 * allows no node that has it (BIND) or memory is out.
 */
struct page *alloc_pages_vma(gfp_t gfp, int order, struct vm_area_struct *vma,
			     unsigned long addr, bool hugepage);
#define alloc_page_vma(gfp, vma, addr)	alloc_pages_vma(gfp, 0, vma, addr, false)

/*
 * hugetlb: the node to dequeue from and the nodes allowed (Linux:
 * huge_node): *nodemask NULL means any node; *mpol to mpol_cond_put.
 */
int huge_node(struct vm_area_struct *vma, unsigned long addr, unsigned int huge_shift,
	      struct mempolicy **mpol, const nodemask_t **nodemask);
const nodemask_t *policy_mbind_nodemask(void);	/* the task's BIND nodes (hugetlb reservations) */

/* "default", "bind=static:0-1", ... as Linux's mpol_to_str (/proc/PID/numa_maps). */
void mpol_to_str(char *buf, int maxlen, const struct mempolicy *pol);

/*
 * mm/mempolicy.c part 2 (migration by node): collect the pages of
 * [start, end) to move, for migrate_pages(2) and mbind's MPOL_MF_MOVE*
 * (Linux 6.1: queue_pages_range, with the MPOL_MF_* flags above); the
 * contract is at its definition.
 */
struct mm_struct;
struct list_head;
int queue_pages_range(struct mm_struct *mm, unsigned long start, unsigned long end,
		      const nodemask_t *nodes, unsigned long flags, struct list_head *pagelist);
int do_migrate_pages(struct mm_struct *mm, const nodemask_t *from, const nodemask_t *to, int flags);

#endif
