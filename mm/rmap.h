/*
 * The reverse map (seed 003): from a page to every PTE that maps it.
 *
 *   page->mapping ---> anon_vma (AV) --rb_root--> interval tree of AVCs
 *                        |  root, parent                 |
 *                        v                               v
 *   vma->anon_vma_chain: AVC <-> AVC <-> ...   each AVC: { vma, anon_vma }
 *
 * An AVC links one VMA with one anon_vma: it sits on the VMA's list (all the
 * anon_vmas whose pages the VMA may map) and in the anon_vma's tree (all the
 * VMAs that may map the anon_vma's pages), keyed by the VMA's page-offset
 * range so a walk visits only the VMAs that cover the page.
 *
 * What guards each field, in mm/mm.h's letters: (c) constant after
 * creation, (m) the mmap lock (mmap_write_lock to change), (a) the root
 * anon_vma's lock, (A) atomic operations only.
 *
 * Every change of (a) holds the root lock, as Linux's anon_vma rwsem
 * (taken for writing there): anon_vma_prepare (with mm->page_table_lock,
 * so that two threads faulting in one VMA set vma->anon_vma once),
 * anon_vma_clone and unlink_anon_vmas (once for the whole chain:
 * lock_anon_vma_root), anon_vma_fork, and vma_adjust around
 * anon_vma_interval_tree_pre/post_update_vma.
 */
#ifndef _MM_RMAP_H
#define _MM_RMAP_H

#include <mm/mm.h>
#include <lib/interval_tree.h>

struct anon_vma {
	struct anon_vma *root;		/* (c) the oldest ancestor: its lock guards the whole family */
	spinlock_t lock;		/* used in the root only */
	atomic_t refcount;		/* (A) 1 while the tree is non-empty, +1 per child anon_vma (on the root), +temporary */
	/*
	 * Linux 6.1's reuse rule (anon_vma_clone): an anon_vma with fewer than
	 * two children and no VMA of its own may be adopted by a new VMA.
	 */
	unsigned long num_children;	/* (a) child anon_vmas, plus 1 for a root's self link */
	unsigned long num_active_vmas;	/* (a) VMAs whose vma->anon_vma is this */
	struct anon_vma *parent;	/* (c) the anon_vma of the VMA this one was forked from */
	struct interval_root rb_root;	/* (a) AVCs by VMA page-offset range */
	unsigned int id;		/* (c) for the debug files only */
};

struct anon_vma_chain {
	struct vm_area_struct *vma;	/* (c) */
	struct anon_vma *anon_vma;	/* (c) */
	struct list_head same_vma;	/* (m) in vma->anon_vma_chain */
	struct interval_node rb;	/* (a) in anon_vma->rb_root: [vm_pgoff, vm_pgoff + pages - 1] */
};

/*
 * rmap_walk's control structure (Linux: struct rmap_walk_control). rmap_one
 * is called for each VMA that may map the page, with the page's address in
 * it; returning false stops the walk, as does done() returning true.
 */
struct rmap_walk_control {
	void *arg;
	bool (*rmap_one)(struct page *page, struct vm_area_struct *vma, unsigned long address, void *arg);
	bool (*done)(struct page *page);
	bool (*invalid_vma)(struct vm_area_struct *vma, void *arg);
	unsigned long nr_visited;	/* Pagoda: VMAs the walk looked at */
};

void anon_vma_init(void);
int anon_vma_prepare(struct vm_area_struct *vma);
int anon_vma_clone(struct vm_area_struct *dst, struct vm_area_struct *src);
int anon_vma_fork(struct vm_area_struct *vma, struct vm_area_struct *pvma);
void unlink_anon_vmas(struct vm_area_struct *vma);
void anon_vma_lock_write(struct anon_vma *anon_vma);	/* the root's lock */
void anon_vma_unlock_write(struct anon_vma *anon_vma);
void anon_vma_interval_tree_pre_update_vma(struct vm_area_struct *vma);
void anon_vma_interval_tree_post_update_vma(struct vm_area_struct *vma);
void put_anon_vma(struct anon_vma *anon_vma);
void get_anon_vma(struct anon_vma *anon_vma);
struct anon_vma *page_anon_vma(const struct page *page);

/* How a page joins the reverse map (Linux 6.1's rmap_t flags). */
typedef enum {
	RMAP_NONE = 0,			/* may be shared in the family: file it under the root anon_vma */
	RMAP_EXCLUSIVE = 1 << 0,	/* this VMA's alone: its own anon_vma */
} rmap_t;

void page_add_new_anon_rmap(struct page *page, struct vm_area_struct *vma, unsigned long address);
void page_add_anon_rmap(struct page *page, struct vm_area_struct *vma, unsigned long address,
			rmap_t flags);
void page_add_file_rmap(struct page *page, struct vm_area_struct *vma);
void page_dup_rmap(struct page *page);
void hugepage_add_new_anon_rmap(struct page *page, struct vm_area_struct *vma, unsigned long address);
void page_dup_compound_rmap(struct page *head);
void page_remove_compound_rmap(struct page *head);
void page_remove_rmap(struct page *page, struct vm_area_struct *vma);
void page_move_anon_rmap(struct page *page, struct vm_area_struct *vma);

unsigned long vma_address(const struct page *page, const struct vm_area_struct *vma);
void rmap_walk(struct page *page, struct rmap_walk_control *rwc);
bool try_to_unmap(struct page *page);
int page_referenced(struct page *page, unsigned long *vm_flags);

#endif
