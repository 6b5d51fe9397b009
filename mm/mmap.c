/*
 * mm/mmap.c: the VMAs of an address space and the system calls that make
 * and remove them: mmap, munmap, brk (mprotect and madvise have their own
 * files, as in Linux).
 *
 *   mm->mm_rb:  tree of vma [vm_start, vm_end - 1]   find_vma in O(log n)
 *   mm->mmap:   vma <-> vma <-> vma ...                the same VMAs, in order
 *
 * Every VMA is in both; vma_rb_insert/vma_rb_erase keep the tree's keys in
 * step when a split or a merge moves vm_start or vm_end. Linux 6.1 keeps a
 * maple tree; Linux 2.6 to 6.0 kept exactly this pair, an rb-tree and a list.
 *
 * Lock order: mm->mmap_lock first (a sleeping rw-semaphore: the system
 * calls here take it for writing, and every function that changes the
 * VMAs asserts that with mmap_assert_write_locked; find_vma asserts it is
 * held at all), then the page-table lock inside zap_page_range and the
 * fault path, then the anon_vma lock (mm/rmap.c's order). No uaccess to
 * the mm's own memory happens under mmap_lock: MAP_POPULATE faults the
 * pages in after the write lock is dropped, under the read lock (Linux:
 * vm_mmap_pgoff then mm_populate).
 */
#include <mm/mm.h>
#include <mm/rmap.h>
#include <mm/internal.h>
#include <mm/shmem.h>
#include <mm/hugetlb.h>
#include <mm/slab.h>
#include <mm/mempolicy.h>
#include <kernel/kernel.h>
#include <kernel/errno.h>
#include <lib/string.h>
#include <kernel/sched.h>
#include <kernel/mman.h>

struct mm_struct init_mm = {
	.mmap_lock = __RWSEM_INITIALIZER(init_mm.mmap_lock),
	.mmap = LIST_HEAD_INIT(init_mm.mmap),
	.mm_users = { 2 },
};

static struct kmem_cache *vm_area_cachep, *mm_cachep;

/* Boot, before the first mm_alloc(): the vm_area_struct and mm_struct caches. */
void mmap_init(void)
{
	vm_area_cachep = kmem_cache_create("vm_area_struct", sizeof(struct vm_area_struct), 8);
	mm_cachep = kmem_cache_create("mm_struct", sizeof(struct mm_struct), 8);
}

/* No ASLR: addresses are Linux's with randomization off, so runs repeat. */
#define MMAP_BASE	(TASK_SIZE - 128 * 1024 * 1024)	/* 0x7ffff7fff000 */

/* A new, empty address space with its PGD and one user; NULL if out of memory. */
struct mm_struct *mm_alloc(void)
{
	struct mm_struct *mm = kmem_cache_zalloc(mm_cachep, GFP_KERNEL);

	if (!mm)
		return NULL;
	INIT_LIST_HEAD(&mm->mmap);
	__init_rwsem(&mm->mmap_lock, "mm->mmap_lock");
	spin_lock_init(&mm->page_table_lock);
	spin_lock_set_order(&mm->page_table_lock, LOCK_ORDER_PTL);
	atomic_set(&mm->mm_users, 1);
	mm->mmap_base = MMAP_BASE;
	mm->pgd = pgd_alloc(mm);
	if (!mm->pgd) {
		kmem_cache_free(mm_cachep, mm);
		return NULL;
	}
	return mm;
}

/*
 * Drop one user of mm; the last one unmaps every VMA (exit_mmap) and frees
 * the page tables and mm. Called with no lock held. Also the cleanup for a
 * half-built mm: a fork whose copy failed, an exec whose load failed.
 */
void mmput(struct mm_struct *mm)
{
	if (!atomic_dec_and_test(&mm->mm_users))
		return;
	exit_mmap(mm);
	pgd_free(mm);
	VM_BUG_ON(mm->pgtables_bytes != 0, "mm %p leaks %lu bytes of page tables",
		  mm, mm->pgtables_bytes);
	kmem_cache_free(mm_cachep, mm);
}

/*
 * t's mm with a reference on it (Linux: get_task_mm), or NULL for a task
 * without one (a zombie). The caller is a system call, so it holds the big
 * kernel lock, which exit holds too while it clears t->mm and drops its
 * reference (Linux: task_lock). Release with mmput, without mmap_lock held.
 */
struct mm_struct *get_task_mm(struct task_struct *t)
{
	struct mm_struct *mm = t->mm;

	if (mm)
		atomic_inc(&mm->mm_users);
	return mm;
}

/* A zeroed VMA of mm, on no list or tree; NULL if out of memory. */
struct vm_area_struct *vm_area_alloc(struct mm_struct *mm)
{
	struct vm_area_struct *vma = kmem_cache_zalloc(vm_area_cachep, GFP_KERNEL);

	if (!vma)
		return NULL;
	vma->vm_mm = mm;
	INIT_LIST_HEAD(&vma->vm_list);
	INIT_LIST_HEAD(&vma->anon_vma_chain);
	return vma;
}

/*
 * A copy of orig, on no list or tree and with no AVCs (the caller adds them:
 * anon_vma_clone or anon_vma_fork); it takes a reference on orig's shmem
 * object and on its file. NULL if out of memory.
 */
struct vm_area_struct *vm_area_dup(struct vm_area_struct *orig)
{
	struct vm_area_struct *vma = kmem_cache_alloc(vm_area_cachep, GFP_KERNEL);

	if (!vma)
		return NULL;
	*vma = *orig;
	INIT_LIST_HEAD(&vma->vm_list);
	INIT_LIST_HEAD(&vma->anon_vma_chain);
	if (vma->vm_shm)
		shmem_object_get(vma->vm_shm);
	if (vma->vm_file)
		get_file(vma->vm_file);
	mpol_get(vma->vm_policy);	/* shared: a policy never changes once made */
	return vma;
}

/* Free a VMA that is on no list or tree and has no AVCs; drops its shmem and file references. */
void vm_area_free(struct vm_area_struct *vma)
{
	if (vma->vm_shm)
		shmem_object_put(vma->vm_shm);
	if (vma->vm_file)
		fput(vma->vm_file);
	mpol_put(vma->vm_policy);
	kmem_cache_free(vm_area_cachep, vma);
}

/*
 * A file VMA joins its file's i_mmap tree, keyed by the page offsets it
 * maps (Linux: __vma_link_file). The caller holds i_mmap_lock_write.
 */
static void __vma_link_file(struct vm_area_struct *vma)
{
	if (!vma->vm_file)
		return;
	lockdep_assert_held_write(&vma->vm_file->f_mapping->i_mmap_rwsem);
	vma->shared_rb.start = vma->vm_pgoff;
	vma->shared_rb.last = vma->vm_pgoff + vma_pages(vma) - 1;
	interval_tree_insert(&vma->shared_rb, &vma->vm_file->f_mapping->i_mmap);
}

/* Linux: __remove_shared_vm_struct. The caller holds i_mmap_lock_write. */
static void __vma_unlink_file(struct vm_area_struct *vma)
{
	if (!vma->vm_file)
		return;
	lockdep_assert_held_write(&vma->vm_file->f_mapping->i_mmap_rwsem);
	interval_tree_remove(&vma->shared_rb, &vma->vm_file->f_mapping->i_mmap);
}

/* The file's i_mmap lock, for writing, if vma maps a file (Linux: vma_link, unlink_file_vma). */
static void vma_i_mmap_lock_write(struct vm_area_struct *vma)
{
	if (vma->vm_file)
		i_mmap_lock_write(vma->vm_file->f_mapping);
}

static void vma_i_mmap_unlock_write(struct vm_area_struct *vma)
{
	if (vma->vm_file)
		i_mmap_unlock_write(vma->vm_file->f_mapping);
}

static void vma_link_file(struct vm_area_struct *vma)
{
	vma_i_mmap_lock_write(vma);
	__vma_link_file(vma);
	vma_i_mmap_unlock_write(vma);
}

static void vma_unlink_file(struct vm_area_struct *vma)
{
	vma_i_mmap_lock_write(vma);
	__vma_unlink_file(vma);
	vma_i_mmap_unlock_write(vma);
}

static void vma_rb_insert(struct mm_struct *mm, struct vm_area_struct *vma)
{
	vma->vm_rb.start = vma->vm_start;
	vma->vm_rb.last = vma->vm_end - 1;
	interval_tree_insert(&vma->vm_rb, &mm->mm_rb);
}

static void vma_rb_erase(struct mm_struct *mm, struct vm_area_struct *vma)
{
	interval_tree_remove(&vma->vm_rb, &mm->mm_rb);
}

/* The first VMA that ends above addr (it may start above addr too), or NULL. mmap_lock held. */
struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr)
{
	struct interval_node *n;

	mmap_assert_locked(mm);
	n = interval_tree_iter_first(&mm->mm_rb, addr, ~0UL);

	return n ? container_of(n, struct vm_area_struct, vm_rb) : NULL;
}

/* fork: link vma after every VMA of mm (the copies arrive in address order). */
void vma_link_tail(struct mm_struct *mm, struct vm_area_struct *vma)
{
	mmap_assert_write_locked(mm);
	list_add_tail(&vma->vm_list, &mm->mmap);
	vma_rb_insert(mm, vma);
	vma_link_file(vma);
	mm->map_count++;
}

static struct vm_area_struct *find_vma_intersection(struct mm_struct *mm,
						    unsigned long start, unsigned long end)
{
	struct vm_area_struct *vma = find_vma(mm, start);

	return vma && vma->vm_start < end ? vma : NULL;
}

static struct vm_area_struct *vma_prev(struct vm_area_struct *vma)
{
	return vma->vm_list.prev == &vma->vm_mm->mmap ? NULL :
	       list_entry(vma->vm_list.prev, struct vm_area_struct, vm_list);
}

/* The next VMA in address order, or NULL. */
struct vm_area_struct *vma_next(struct vm_area_struct *vma)
{
	return vma->vm_list.next == &vma->vm_mm->mmap ? NULL :
	       list_entry(vma->vm_list.next, struct vm_area_struct, vm_list);
}

/* Link vma into mm's list and tree: 0, or -ENOMEM if it overlaps a VMA (nothing changed). */
int insert_vm_struct(struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct vm_area_struct *next = find_vma(mm, vma->vm_start);

	mmap_assert_write_locked(mm);
	if (next && next->vm_start < vma->vm_end)
		return -ENOMEM;
	list_add_tail(&vma->vm_list, next ? &next->vm_list : &mm->mmap);
	vma_rb_insert(mm, vma);
	vma_link_file(vma);
	mm->map_count++;
	return 0;
}

/* Take vma out of mm and its file, let its file know (vm_ops->close), and free it. */
static void remove_vma(struct vm_area_struct *vma)
{
	mmap_assert_write_locked(vma->vm_mm);
	list_del(&vma->vm_list);
	vma_rb_erase(vma->vm_mm, vma);
	vma_unlink_file(vma);
	vma->vm_mm->map_count--;
	if (vma->vm_ops && vma->vm_ops->close)
		vma->vm_ops->close(vma);
	unlink_anon_vmas(vma);
	vm_area_free(vma);
}

/*
 * Change a VMA's range or page offset (Linux: vma_adjust). They are its key
 * in mm_rb, in its file's i_mmap and its AVCs' key in the anon_vma trees:
 * out, change, back in. mmap_lock held for writing: no fault or walk of
 * this mm reads them meanwhile; i_mmap_lock_write and the anon_vma lock
 * keep other processes' walks (truncation, unmap_ref_private, rmap_walk)
 * from finding it missing, as Linux's vma_adjust.
 */
static void vma_adjust(struct vm_area_struct *vma, unsigned long start, unsigned long end,
		       unsigned long pgoff)
{
	mmap_assert_write_locked(vma->vm_mm);
	vma_i_mmap_lock_write(vma);
	vma_rb_erase(vma->vm_mm, vma);
	__vma_unlink_file(vma);
	if (vma->anon_vma)
		anon_vma_lock_write(vma->anon_vma);
	anon_vma_interval_tree_pre_update_vma(vma);
	vma->vm_start = start;
	vma->vm_end = end;
	vma->vm_pgoff = pgoff;
	anon_vma_interval_tree_post_update_vma(vma);
	if (vma->anon_vma)
		anon_vma_unlock_write(vma->anon_vma);
	__vma_link_file(vma);
	vma_rb_insert(vma->vm_mm, vma);
	vma_i_mmap_unlock_write(vma);
}

/*
 * Split vma at addr, which must lie strictly inside it (Linux: __split_vma).
 * The new VMA takes the part new_part names and joins vma's anon_vmas and
 * file. Returns 0; -EINVAL if vma's file cannot split there (a hugetlb VMA
 * off a huge-page boundary); -ENOMEM. On error vma is unchanged and
 * nothing is allocated.
 */
int __split_vma(struct mm_struct *mm, struct vm_area_struct *vma, unsigned long addr,
		enum split_new new_part)
{
	struct vm_area_struct *new;

	mmap_assert_write_locked(mm);
	if (vma->vm_ops && vma->vm_ops->may_split) {
		int err = vma->vm_ops->may_split(vma, addr);

		if (err)
			return err;
	}
	new = vm_area_dup(vma);
	if (!new)
		return -ENOMEM;
	/* A huge PMD across addr would straddle two VMAs: make it 512 PTEs (Linux: vma_adjust_trans_huge). */
	split_huge_pmd_address(vma, addr);
	if (new_part == SPLIT_NEW_BELOW) {
		new->vm_end = addr;
	} else {
		new->vm_start = addr;
		new->vm_pgoff += (addr - vma->vm_start) >> PAGE_SHIFT;
	}
	if (anon_vma_clone(new, vma)) {
		vm_area_free(new);
		return -ENOMEM;
	}
	if (new->vm_ops && new->vm_ops->open)
		new->vm_ops->open(new);
	if (new_part == SPLIT_NEW_BELOW) {
		vma_adjust(vma, addr, vma->vm_end, vma->vm_pgoff + ((addr - vma->vm_start) >> PAGE_SHIFT));
		list_add_tail(&new->vm_list, &vma->vm_list);
	} else {
		vma_adjust(vma, vma->vm_start, addr, vma->vm_pgoff);
		list_add(&new->vm_list, &vma->vm_list);
	}
	vma_rb_insert(mm, new);
	vma_link_file(new);
	mm->map_count++;
	return 0;
}

static bool can_merge(struct vm_area_struct *a, struct vm_area_struct *b)
{
	/* a directly below b, same flags and file, contiguous page offsets, one anon_vma. */
	return a->vm_end == b->vm_start && a->vm_flags == b->vm_flags && a->vm_image == b->vm_image &&
	       a->vm_file == b->vm_file && !a->vm_ops &&	/* Linux: a VMA with vm_ops->close never merges */
	       a->vm_pgoff + vma_pages(a) == b->vm_pgoff &&
	       mpol_equal(a->vm_policy, b->vm_policy) &&
	       (!a->anon_vma || !b->anon_vma || a->anon_vma == b->anon_vma) &&
	       !(a->vm_flags & VM_SHARED);
}

/*
 * May gone's pages be found through keep's anon_vma once gone is folded
 * into keep (Linux: is_mergeable_anon_vma): gone has none, or the same as
 * keep (a split made them from one VMA, with the same AVCs).
 */
static bool anon_vma_foldable(const struct vm_area_struct *keep, const struct vm_area_struct *gone)
{
	return !gone->anon_vma || gone->anon_vma == keep->anon_vma;
}

/*
 * Merge vma with its neighbours where possible (Linux: vma_merge). Returns
 * the VMA that now covers vma's range.
 */
struct vm_area_struct *vma_merge_neighbours(struct vm_area_struct *vma)
{
	struct vm_area_struct *prev = vma_prev(vma), *next = vma_next(vma);

	if (prev && anon_vma_foldable(prev, vma) && can_merge(prev, vma)) {
		unsigned long end = vma->vm_end;

		remove_vma(vma);
		vma_adjust(prev, prev->vm_start, end, prev->vm_pgoff);
		vma = prev;
	}
	if (next && anon_vma_foldable(vma, next) && can_merge(vma, next)) {
		unsigned long end = next->vm_end;

		remove_vma(next);
		vma_adjust(vma, vma->vm_start, end, vma->vm_pgoff);
	}
	return vma;
}

/* Where vma's guard gap starts: STACK_GUARD_GAP below a stack (Linux: vm_start_gap). */
static unsigned long vm_start_gap(const struct vm_area_struct *vma)
{
	unsigned long start = vma->vm_start;

	if (!(vma->vm_flags & VM_GROWSDOWN))
		return start;
	return start > STACK_GUARD_GAP ? start - STACK_GUARD_GAP : 0;
}

/*
 * Grow a VM_GROWSDOWN VMA down to cover address (Linux: expand_downwards
 * and acct_stack_growth). Called from the fault path, with address below
 * vma->vm_start. Refused (-ENOMEM) when the stack would exceed
 * RLIMIT_STACK, or come within STACK_GUARD_GAP of an accessible mapping
 * below it. 0 on success, with vma's AVCs rekeyed to the new range.
 * mmap_lock held for writing: the VMA's range is its key in mm_rb, which
 * faults on other CPUs search under the read lock (Linux 6.1.37+:
 * expand_stack_locked, called from lock_mm_and_find_vma, which upgrades
 * the fault's lock to write for it, after the StackRot bug of a stack
 * growing under the read lock).
 */
int expand_stack(struct vm_area_struct *vma, unsigned long address)
{
	struct vm_area_struct *prev = vma_prev(vma);
	unsigned long grow;

	mmap_assert_write_locked(vma->vm_mm);

	address &= PAGE_MASK;
	if (address < PAGE_SIZE * 16)
		return -EPERM;		/* Linux: mmap_min_addr */
	/* A PROT_NONE mapping (or another stack) below does not stop the growth. */
	if (prev && !(prev->vm_flags & VM_GROWSDOWN) && (prev->vm_flags & VM_ACCESS_FLAGS) &&
	    address - prev->vm_end < STACK_GUARD_GAP)
		return -ENOMEM;
	if (anon_vma_prepare(vma))
		return -ENOMEM;
	if (address >= vma->vm_start)
		return 0;
	grow = (vma->vm_start - address) >> PAGE_SHIFT;
	if (grow > vma->vm_pgoff || vma->vm_end - address > _STK_LIM)
		return -ENOMEM;
	vma_adjust(vma, address, vma->vm_end, vma->vm_pgoff - grow);
	return 0;
}

/* Top-down search below mmap_base for a free range of len bytes starting on an align boundary. */
static unsigned long unmapped_area_topdown(struct mm_struct *mm, unsigned long len, unsigned long align)
{
	unsigned long high = mm->mmap_base, addr;
	struct vm_area_struct *vma;

	for (struct list_head *p = mm->mmap.prev; p != &mm->mmap; p = p->prev) {
		vma = list_entry(p, struct vm_area_struct, vm_list);
		if (vma->vm_start >= high)
			continue;
		addr = (high - len) & ~(align - 1);
		if (high >= len && addr >= vma->vm_end)
			return addr;
		high = vma->vm_start;
	}
	addr = (high - len) & ~(align - 1);
	return high >= len && addr >= PAGE_SIZE * 16 ? addr : (unsigned long)-ENOMEM;
}

/*
 * Where mmap should put len bytes in the caller's mm: addr itself for
 * MAP_FIXED, a free hint addr, else the highest free range below
 * mmap_base. -ENOMEM (as an unsigned long) if there is none.
 */
unsigned long get_unmapped_area(struct file *file, unsigned long addr, unsigned long len,
				unsigned long flags)
{
	struct mm_struct *mm = current->mm;
	/* A hugetlb file needs huge-page-aligned ranges (Linux: hugetlb_get_unmapped_area). */
	unsigned long align = is_file_hugepages(file) ? huge_page_size(&default_hstate) : PAGE_SIZE;

	if (len & (align - 1))
		return -EINVAL;
	if (len > TASK_SIZE)
		return -ENOMEM;
	if (flags & MAP_FIXED)
		return (addr & (align - 1)) ? (unsigned long)-EINVAL : addr;
	if (addr) {
		struct vm_area_struct *vma;

		addr = align == PAGE_SIZE ? ALIGN(addr, PAGE_SIZE) : addr & ~(align - 1);
		vma = find_vma(mm, addr);
		/* A hint inside a stack's guard gap is not honoured either. */
		if (addr <= TASK_SIZE - len && addr >= PAGE_SIZE * 16 &&
		    (!vma || addr + len <= vm_start_gap(vma)))
			return addr;
	}
	return unmapped_area_topdown(mm, len, align);
}

/* vm_flags for PROT_* and MAP_* bits (Linux: calc_vm_prot_bits | calc_vm_flag_bits), with every VM_MAY*. */
unsigned long calc_vm_flags(unsigned long prot, unsigned long flags)
{
	unsigned long vm_flags = VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;

	if (prot & PROT_READ)
		vm_flags |= VM_READ;
	if (prot & PROT_WRITE)
		vm_flags |= VM_WRITE;
	if (prot & PROT_EXEC)
		vm_flags |= VM_EXEC;
	if ((flags & MAP_TYPE) == MAP_SHARED)
		vm_flags |= VM_SHARED | VM_MAYSHARE;
	if (flags & MAP_NORESERVE)
		vm_flags |= VM_NORESERVE;
	if (flags & MAP_GROWSDOWN)
		vm_flags |= VM_GROWSDOWN;
	return vm_flags;
}

/*
 * Fault in every page of [start, end) of vma (MAP_POPULATE); errors are
 * ignored, as in Linux. mmap_lock held, for reading will do (Linux:
 * populate_vma_page_range).
 */
void populate_range(struct vm_area_struct *vma, unsigned long start, unsigned long end)
{
	unsigned int flags = (vma->vm_flags & VM_WRITE) ? FAULT_FLAG_WRITE : 0;

	mmap_assert_locked(vma->vm_mm);
	if (!(vma->vm_flags & VM_ACCESS_FLAGS))
		return;		/* PROT_NONE: GUP takes nothing there (Linux: populate_vma_page_range) */

	for (unsigned long addr = start; addr < end; addr += PAGE_SIZE) {
		pte_t *pte = follow_pte(vma->vm_mm, addr);

		if (pte && pte_present(*pte))
			continue;
		if (huge_pmd_covers(vma->vm_mm, addr, flags & FAULT_FLAG_WRITE)) {
			addr = (addr & PMD_MASK) + PMD_SIZE - PAGE_SIZE;	/* GUP follows a huge PMD whole */
			continue;
		}
		if (handle_mm_fault(vma, addr, flags) != VM_FAULT_OK)
			break;
		/* A migration entry: the fault only waited. Look again, as GUP does. */
		if (pte && is_swap_pte(*pte))
			addr -= PAGE_SIZE;
	}
}

/*
 * A new VMA [start, end) in mm, in the tree and the list (shared ones with
 * their shmem object). The range must be free. NULL if out of memory.
 */
struct vm_area_struct *vma_create(struct mm_struct *mm, unsigned long start, unsigned long end,
				  unsigned long vm_flags, unsigned long pgoff)
{
	struct vm_area_struct *vma;

	VM_BUG_ON(start >= end || end > TASK_SIZE || (start | end) & ~PAGE_MASK,
		  "bad VMA range %lx-%lx", start, end);
	vma = vm_area_alloc(mm);
	if (!vma)
		return NULL;
	vma->vm_start = start;
	vma->vm_end = end;
	vma->vm_flags = vm_flags;
	vma->vm_page_prot = vm_get_page_prot(vm_flags);
	vma->vm_pgoff = pgoff;
	if (vm_flags & VM_SHARED) {
		vma->vm_shm = shmem_object_create((end - start) >> PAGE_SHIFT);
		if (!vma->vm_shm)
			goto out_free;
	}
	if (insert_vm_struct(mm, vma))
		goto out_free;
	return vma;

out_free:
	vm_area_free(vma);
	return NULL;
}

/*
 * A VMA for a file mapping (Linux: the file half of mmap_region): the
 * file's mmap method sets it up (a hugetlb file: VM_HUGETLB, vm_ops, the
 * reservation) before the VMA is linked into mm and the file's i_mmap.
 */
static struct vm_area_struct *mmap_file_vma(struct file *file, struct mm_struct *mm,
					    unsigned long addr, unsigned long len,
					    unsigned long vm_flags, unsigned long pgoff, long *err)
{
	struct vm_area_struct *vma = vm_area_alloc(mm);

	*err = -ENOMEM;
	if (!vma)
		return NULL;
	vma->vm_start = addr;
	vma->vm_end = addr + len;
	vma->vm_flags = vm_flags;
	vma->vm_page_prot = vm_get_page_prot(vm_flags);
	vma->vm_pgoff = pgoff;
	vma->vm_file = get_file(file);
	*err = file->f_op->mmap(file, vma);
	if (*err) {
		vm_area_free(vma);	/* no vm_ops->close: the file's mmap undid its own work (Linux too) */
		return NULL;
	}
	*err = insert_vm_struct(mm, vma);
	if (*err) {
		if (vma->vm_ops && vma->vm_ops->close)
			vma->vm_ops->close(vma);	/* give back what mmap reserved */
		vm_area_free(vma);
		return NULL;
	}
	vma->vm_page_prot = vm_get_page_prot(vma->vm_flags);
	return vma;
}

static unsigned long mmap_region(struct file *file, unsigned long addr, unsigned long len,
				 unsigned long vm_flags, unsigned long pgoff)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	long err = -ENOMEM;

	mmap_assert_write_locked(mm);
	if (find_vma_intersection(mm, addr, addr + len) && do_munmap(mm, addr, len))
		return -ENOMEM;
	if (mm->map_count >= MAX_MAP_COUNT)
		return -ENOMEM;
	if (file)
		vma = mmap_file_vma(file, mm, addr, len, vm_flags, pgoff, &err);
	else
		vma = vma_create(mm, addr, addr + len, vm_flags, pgoff);
	if (!vma)
		return err;
	vma_merge_neighbours(vma);
	return addr;
}

/*
 * The vm_flags of a file mapping from the file's open mode (Linux: the
 * file switch of do_mmap): MAP_SHARED_VALIDATE refuses flags it does not
 * know (-EOPNOTSUPP; no file of Pagoda's supports more than the legacy
 * ones); a shared writable mapping needs a writable file, every mapping a
 * readable one (-EACCES); a file never grows down (-EINVAL). The error as
 * an unsigned long.
 */
static unsigned long file_mmap_flags(struct file *file, unsigned long prot, unsigned long flags,
				     unsigned long vm_flags)
{
	unsigned long type = flags & MAP_TYPE;

	if (type == MAP_SHARED_VALIDATE && (flags & ~LEGACY_MAP_MASK))
		return -EOPNOTSUPP;
	if (type != MAP_PRIVATE && (prot & PROT_WRITE) && !(file->f_mode & FMODE_WRITE))
		return -EACCES;
	if (type != MAP_PRIVATE && !(file->f_mode & FMODE_WRITE))
		vm_flags &= ~(VM_MAYWRITE | VM_SHARED);
	if (!(file->f_mode & FMODE_READ))
		return -EACCES;
	if (vm_flags & VM_GROWSDOWN)
		return -EINVAL;		/* only anonymous memory grows down (a stack) */
	return vm_flags;
}

/*
 * mmap of anonymous memory or of a file (a hugetlb file: hugetlbfs, or the
 * one behind MAP_HUGETLB), with Linux's checks in Linux's order
 * (do_mmap). pgoff: the file offset in pages. Returns the address or
 * -errno. The caller holds current->mm's mmap_lock for writing; *populate
 * is set to the length to fault in (MAP_POPULATE) once it has dropped it
 * (mm_populate), else 0.
 */
unsigned long do_mmap(struct file *file, unsigned long addr, unsigned long len,
		      unsigned long prot, unsigned long flags, unsigned long pgoff,
		      unsigned long *populate)
{
	unsigned long type = flags & MAP_TYPE;
	unsigned long ret, vm_flags;

	*populate = 0;
	mmap_assert_write_locked(current->mm);
	if (!len)
		return -EINVAL;
	len = PAGE_ALIGN(len);
	if (!len || len > TASK_SIZE)
		return -ENOMEM;
	/* Anonymous memory is SHARED or PRIVATE; SHARED_VALIDATE is for files (Linux: EINVAL). */
	if (type != MAP_PRIVATE && type != MAP_SHARED && !(file && type == MAP_SHARED_VALIDATE))
		return -EINVAL;
	if (file && pgoff + (len >> PAGE_SHIFT) < pgoff)
		return -EOVERFLOW;
	if (flags & MAP_FIXED_NOREPLACE)
		flags |= MAP_FIXED;
	if ((flags & MAP_FIXED) && (addr & ~PAGE_MASK))
		return -EINVAL;
	if ((flags & MAP_FIXED) && (addr > TASK_SIZE - len))
		return -ENOMEM;
	addr = get_unmapped_area(file, addr, len, flags);
	if (IS_ERR_VALUE(addr))
		return addr;
	if ((flags & MAP_FIXED_NOREPLACE) && find_vma_intersection(current->mm, addr, addr + len))
		return -EEXIST;
	vm_flags = calc_vm_flags(prot, type == MAP_SHARED_VALIDATE ? (flags & ~MAP_TYPE) | MAP_SHARED : flags);
	if (file) {
		vm_flags = file_mmap_flags(file, prot, flags, vm_flags);
		if (IS_ERR_VALUE(vm_flags))
			return vm_flags;
	} else {
		/*
		 * Anonymous private memory: vm_pgoff is the address in pages
		 * (Linux does the same). Shared: the offset in its own object, from 0.
		 */
		pgoff = type == MAP_PRIVATE ? addr >> PAGE_SHIFT : 0;
	}
	ret = mmap_region(file, addr, len, vm_flags, pgoff);
	if (!IS_ERR_VALUE(ret) && (flags & MAP_POPULATE))
		*populate = len;
	return ret;
}

/*
 * Fault in [start, start + len) of current->mm, VMA by VMA, under the read
 * lock (Linux: mm_populate after vm_mmap_pgoff dropped the write lock).
 * The range may have changed since mmap returned (another thread's munmap):
 * whatever is mapped there now is populated, holes skipped, as in Linux.
 */
void mm_populate(unsigned long start, unsigned long len)
{
	struct mm_struct *mm = current->mm;
	unsigned long end = start + len, next;
	struct vm_area_struct *vma;

	mmap_read_lock(mm);
	for (; start < end; start = next) {
		vma = find_vma(mm, start);
		if (!vma || vma->vm_start >= end)
			break;
		start = max(start, vma->vm_start);
		next = min(end, vma->vm_end);
		populate_range(vma, start, next);
	}
	mmap_read_unlock(mm);
}

/*
 * Split VMAs so that [start, end) begins and ends on VMA boundaries. 0 or
 * -ENOMEM; when the second split fails the first stays, which is harmless
 * (two VMAs where there was one, with the same flags).
 */
int split_at_boundaries(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	struct vm_area_struct *vma = find_vma(mm, start);
	int err;

	if (vma && vma->vm_start < start && vma->vm_end > start) {
		err = __split_vma(mm, vma, start, SPLIT_NEW_BELOW);
		if (err)
			return err;
	}
	vma = find_vma(mm, end);
	if (vma && vma->vm_start < end && vma->vm_end > end)
		return __split_vma(mm, vma, end, SPLIT_NEW_BELOW);
	return 0;
}

/* The PTE tables of the hole [start, end) that no VMA around it shares (Linux: unmap_region). */
static void free_unmapped_pgtables(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	struct vm_area_struct *vma;
	unsigned long floor = 0, ceiling = TASK_SIZE;

	for_each_vma(mm, vma) {
		if (vma->vm_end <= start)
			floor = vma->vm_end;
		if (vma->vm_start >= end) {
			ceiling = vma->vm_start;
			break;
		}
	}
	free_pgd_range(mm, start, end, floor, ceiling);
}

/*
 * Unmap [start, start + len) of mm: split the VMAs at both ends, then zap
 * and remove the VMAs inside. 0, also when nothing was mapped; -EINVAL for
 * a bad range; -ENOMEM if a split failed, with nothing unmapped.
 * mmap_lock held for writing.
 */
int do_munmap(struct mm_struct *mm, unsigned long start, size_t len)
{
	unsigned long end;
	struct vm_area_struct *vma, *next;
	int err;

	mmap_assert_write_locked(mm);
	if ((start & ~PAGE_MASK) || start > TASK_SIZE || len > TASK_SIZE - start)
		return -EINVAL;
	len = PAGE_ALIGN(len);
	if (!len)
		return -EINVAL;
	end = start + len;
	if (!find_vma_intersection(mm, start, end))
		return 0;
	err = split_at_boundaries(mm, start, end);
	if (err)
		return err;
	list_for_each_entry_safe(vma, next, &mm->mmap, vm_list) {
		if (vma->vm_start >= end)
			break;
		if (vma->vm_end <= start)
			continue;
		zap_page_range(vma, vma->vm_start, vma->vm_end);
		remove_vma(vma);
	}
	free_unmapped_pgtables(mm, start, end);
	return 0;
}

/*
 * The last mmput(): every VMA zapped, then removed, then every page table
 * freed. As Linux 6.1's exit_mmap: the zap under the read lock, the
 * teardown under the write lock. Nobody else uses mm any more, but a
 * reader that found it just before (get_task_mm) may still hold the lock.
 */
void exit_mmap(struct mm_struct *mm)
{
	struct vm_area_struct *vma, *next;

	mmap_read_lock(mm);
	for_each_vma(mm, vma)
		zap_page_range(vma, vma->vm_start, vma->vm_end);
	mmap_read_unlock(mm);

	mmap_write_lock(mm);
	list_for_each_entry_safe(vma, next, &mm->mmap, vm_list)
		remove_vma(vma);
	mm_put_huge_zero_page(mm);
	free_pgtables(mm);
	mmap_write_unlock(mm);
}

/* Grow the heap: a new anonymous VMA, merged into the brk VMA below it. mmap_lock held for writing. */
int do_brk_flags(unsigned long addr, unsigned long len, unsigned long flags)
{
	unsigned long ret = mmap_region(NULL, addr, len,
					VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC | flags,
					addr >> PAGE_SHIFT);

	return IS_ERR_VALUE(ret) ? (int)ret : 0;
}

/* brk's work, mmap_lock held for writing: the new break, or the old one. */
static unsigned long do_brk(struct mm_struct *mm, unsigned long brk)
{
	unsigned long newbrk, oldbrk;

	/* Linux: check_brk_limits; a break past user space would wrap PAGE_ALIGN. */
	if (brk < mm->start_brk || brk > TASK_SIZE)
		return mm->brk;
	newbrk = PAGE_ALIGN(brk);
	oldbrk = PAGE_ALIGN(mm->brk);
	if (newbrk == oldbrk) {
		mm->brk = brk;
		return brk;
	}
	if (brk <= mm->brk) {
		if (do_munmap(mm, newbrk, oldbrk - newbrk))
			return mm->brk;
		mm->brk = brk;
		return brk;
	}
	/* Leave a guard page below the next mapping, as Linux does for the stack gap. */
	if (newbrk > TASK_SIZE || find_vma_intersection(mm, oldbrk, newbrk + PAGE_SIZE))
		return mm->brk;
	if (do_brk_flags(oldbrk, newbrk - oldbrk, 0))
		return mm->brk;
	mm->brk = brk;
	return brk;
}

/* brk returns the new break, or the old one on failure: never -errno. */
unsigned long sys_brk(unsigned long brk)
{
	struct mm_struct *mm = current->mm;
	unsigned long ret;

	mmap_write_lock(mm);
	ret = do_brk(mm, brk);
	mmap_write_unlock(mm);
	return ret;
}

/*
 * MAP_HUGETLB without a file: a new file of the internal hugetlbfs mount,
 * as Linux makes one (hugetlb_file_setup), sized len after rounding up to
 * the huge page size MAP_HUGE_* names (0: the default). ERR_PTR(-EINVAL)
 * for a size Pagoda has no pool of.
 */
static struct file *map_hugetlb_file(unsigned long *len, unsigned long flags)
{
	unsigned long log = (flags >> MAP_HUGE_SHIFT) & MAP_HUGE_MASK;
	unsigned long size = huge_page_size(&default_hstate);

	if (log && (log >= 64 || !hugetlb_size_supported(1UL << log)))
		return ERR_PTR(-EINVAL);
	*len = ALIGN(*len, size);
	/* VM_NORESERVE: the file reserves nothing; the mmap reserves for its VMA (or not: MAP_NORESERVE). */
	return hugetlb_file_setup("anon_hugepage", *len, VM_NORESERVE);
}

/*
 * mmap(2): anonymous memory, or a hugetlb file (Linux: ksys_mmap_pgoff).
 * The address, or -errno. The fd is the register's low 32 bits, as
 * Linux's fget(unsigned int fd) takes it.
 */
long sys_mmap(unsigned long addr, unsigned long len, unsigned long prot,
	      unsigned long flags, unsigned long fd, unsigned long off)
{
	struct file *file = NULL;
	long ret;

	if (off & ~PAGE_MASK)
		return -EINVAL;
	if (!(flags & MAP_ANONYMOUS)) {
		file = fcheck((unsigned int)fd);
		if (!file)
			return -EBADF;
		if (is_file_hugepages(file))
			len = ALIGN(len, huge_page_size(&default_hstate));
		else if (flags & MAP_HUGETLB)
			return -EINVAL;
		else if (!file->f_op->mmap)
			return -ENODEV;		/* no other file can be mapped yet */
		get_file(file);
	} else if (flags & MAP_HUGETLB) {
		file = map_hugetlb_file(&len, flags);
		if (IS_ERR(file))
			return PTR_ERR(file);
	}
	ret = vm_mmap_pgoff(file, addr, len, prot, flags, off >> PAGE_SHIFT);
	if (file)
		fput(file);	/* the VMA holds its own reference */
	return ret;
}

/*
 * do_mmap under current->mm's mmap_lock, taken for writing, then
 * MAP_POPULATE's faults under the read lock (Linux: vm_mmap_pgoff).
 */
unsigned long vm_mmap_pgoff(struct file *file, unsigned long addr, unsigned long len,
			    unsigned long prot, unsigned long flags, unsigned long pgoff)
{
	struct mm_struct *mm = current->mm;
	unsigned long ret, populate;

	mmap_write_lock(mm);
	ret = do_mmap(file, addr, len, prot, flags, pgoff, &populate);
	mmap_write_unlock(mm);
	if (!IS_ERR_VALUE(ret) && populate)
		mm_populate(ret, populate);
	return ret;
}

/* munmap(2) in the caller's mm: 0 or -errno (Linux: __vm_munmap). */
long sys_munmap(unsigned long addr, size_t len)
{
	struct mm_struct *mm = current->mm;
	long ret;

	mmap_write_lock(mm);
	ret = do_munmap(mm, addr, len);
	mmap_write_unlock(mm);
	return ret;
}
