/*
 * Address spaces: struct mm_struct (one per process) and struct
 * vm_area_struct (one per mapped range), as include/linux/mm_types.h.
 *
 *   task->mm --> mm_struct { pgd, mm_rb tree and mmap list of VMAs, ... }
 *                   |
 *                   +--> vma [vm_start, vm_end) vm_flags vm_pgoff anon_vma
 *                   +--> vma ...
 *
 * The VMAs are in a balanced tree keyed by address (the interval tree of
 * lib/interval_tree.c: VMAs never overlap, so the first interval that
 * reaches addr is find_vma's answer) and, for walking in order, in a list.
 * Linux 6.1 keeps them in a maple tree; before it, in an rb-tree and a list.
 *
 * What guards each field of mm_struct and vm_area_struct (tagged as
 * FreeBSD's vm_map.h tags its fields; mm/rmap.h and mm/mm_types.h use the
 * same letters):
 *
 *   (c)  constant after creation: set before the object is visible to any
 *        other path (linked into a tree or list, or its task started)
 *   (m)  mm->mmap_lock, a sleeping rw-semaphore (kernel/rwsem.h):
 *        held for writing to change the VMAs (mmap, munmap, mprotect, brk,
 *        madvise that changes flags, fork's copy, exec's new mm, exit),
 *        for reading to look them up and walk them (the fault path, /proc,
 *        the debug files, MADV_DONTNEED). See mmap_read_lock() below and
 *        docs/smp.md, "mmap_lock and the page-table lock".
 *   (p)  mm->page_table_lock
 *   (a)  the anon_vma root's lock (anon_vma->root->lock), mm/rmap.c
 *   (A)  atomic operations only
 */
#ifndef _MM_MM_H
#define _MM_MM_H

#include <mm/gfp.h>
#include <lib/list.h>
#include <kernel/spinlock.h>
#include <kernel/rwsem.h>
#include <lib/interval_tree.h>
#include <arch/x86_64/pgtable.h>

struct anon_vma;
struct shmem_object;
struct initramfs_entry;
struct file;
struct vm_operations_struct;
struct mempolicy;

/* vm_flags: Linux's values (include/linux/mm.h). */
#define VM_NONE		0x00000000UL
#define VM_READ		0x00000001UL
#define VM_WRITE	0x00000002UL
#define VM_EXEC		0x00000004UL
#define VM_SHARED	0x00000008UL
#define VM_MAYREAD	0x00000010UL
#define VM_MAYWRITE	0x00000020UL
#define VM_MAYEXEC	0x00000040UL
#define VM_MAYSHARE	0x00000080UL
#define VM_GROWSDOWN	0x00000100UL
#define VM_LOCKED	0x00002000UL
#define VM_DONTCOPY	0x00020000UL	/* MADV_DONTFORK */
#define VM_DONTEXPAND	0x00040000UL	/* mremap may not grow it (hugetlb) */
#define VM_WIPEONFORK	0x02000000UL	/* MADV_WIPEONFORK: the child starts with zeroes */
#define VM_NORESERVE	0x00200000UL
#define VM_HUGETLB	0x00400000UL
#define VM_HUGEPAGE	0x20000000UL	/* MADV_HUGEPAGE */
#define VM_NOHUGEPAGE	0x40000000UL	/* MADV_NOHUGEPAGE */
#define VM_STACK	VM_GROWSDOWN
#define VM_ACCESS_FLAGS	(VM_READ | VM_WRITE | VM_EXEC)
/* brk, bss and stack memory (Linux: VM_DATA_DEFAULT_FLAGS, VM_STACK_FLAGS). */
#define VM_DATA_DEFAULT_FLAGS	(VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC)
#define VM_STACK_FLAGS		(VM_STACK | VM_DATA_DEFAULT_FLAGS)

#define _STK_LIM	(8UL << 20)		/* RLIMIT_STACK: fixed in Pagoda (kernel/sys.c) */
#define STACK_GUARD_GAP	(256UL << PAGE_SHIFT)	/* Linux's stack_guard_gap default */

/*
 * vm_start, vm_end and vm_pgoff are (m), and in Linux (a) as well: they key
 * the VMA's AVCs in the anon_vma trees that rmap_walk reads under the root
 * lock, so Linux's vma_adjust holds that lock while they change. Pagoda's
 * vma_adjust does not take it yet: SMP must.
 */
struct vm_area_struct {
	unsigned long vm_start;		/* (m) first byte */
	unsigned long vm_end;		/* (m) first byte after */
	struct mm_struct *vm_mm;	/* (c) */
	unsigned long vm_flags;		/* (m) */
	pgprot_t vm_page_prot;		/* (m) PTE bits for this VMA's pages, from vm_flags */
	unsigned long vm_pgoff;		/* (m) page offset of vm_start: addr >> PAGE_SHIFT at mmap */
	struct list_head vm_list;	/* (m) in mm->mmap, sorted by address */
	struct interval_node vm_rb;	/* (m) in mm->mm_rb: [vm_start, vm_end - 1] */
	/*
	 * (m) and (p): set on the first anonymous fault (anon_vma_prepare)
	 * under the page-table lock, since two threads may fault at once under
	 * the read lock (Linux too); cleared by unlink_anon_vmas under the
	 * write lock.
	 */
	struct anon_vma *anon_vma;
	struct list_head anon_vma_chain; /* (m) AVCs of this VMA (mm/rmap.c) */
	unsigned long vm_private_data;	/* (m) hugetlb: HPAGE_RESV_OWNER / HPAGE_RESV_UNMAPPED */
	struct shmem_object *vm_shm;	/* (c) MAP_SHARED|MAP_ANONYMOUS: the pages all sharers see (mm/shmem.c) */
	/*
	 * (c) A program segment loaded by execve: the archive file it came
	 * from, with vm_pgoff its offset in pages (Linux: a vm_file of the
	 * rootfs). Its pages are filled from the file on fault (mm/filemap.c);
	 * /proc/PID/maps names it.
	 */
	const struct initramfs_entry *vm_image;
	/*
	 * (c) A mapped file with a page cache: a hugetlbfs file, or the
	 * internal one behind MAP_HUGETLB (Linux: vm_file). The VMA holds a
	 * reference on it and is in its mapping's i_mmap tree through
	 * shared_rb, keyed by [vm_pgoff, vm_pgoff + pages - 1], so that
	 * unmap_ref_private and truncation find every VMA mapping an offset.
	 */
	struct file *vm_file;
	struct interval_node shared_rb;	/* (m) in vm_file->f_mapping->i_mmap (Linux: shared.rb) */
	const struct vm_operations_struct *vm_ops;	/* (c) open, close, may_split: hugetlb_vm_ops */
	/*
	 * (m) mbind's policy for this range (NULL: the task's), one
	 * reference; shared with the VMAs a split or fork copies from it
	 * (mm/mempolicy.h).
	 */
	struct mempolicy *vm_policy;
};

/*
 * What a VMA's file does when the VMA is copied, removed or split (Linux:
 * struct vm_operations_struct; only the members Pagoda's mappings use).
 */
struct vm_operations_struct {
	void (*open)(struct vm_area_struct *vma);	/* a new VMA shares the mapping: split */
	void (*close)(struct vm_area_struct *vma);	/* the VMA goes: munmap, exit */
	int (*may_split)(struct vm_area_struct *vma, unsigned long addr);	/* 0 or -EINVAL */
	unsigned long (*pagesize)(struct vm_area_struct *vma);	/* smaps KernelPageSize */
};

/* The kinds of page an mm's RSS counts (Linux's order): RssFile, RssAnon, RssShmem. */
enum { MM_FILEPAGES, MM_ANONPAGES, MM_SHMEMPAGES, NR_MM_COUNTERS };

struct mm_struct {
	pgd_t *pgd;			/* (c) from mm_alloc to the last mmput */
	/*
	 * The VMAs' lock (Linux: mmap_lock, include/linux/mmap_lock.h), the
	 * outermost lock of mm/rmap.c's order: it sleeps, so it is never
	 * taken under a spinlock, and never held across a uaccess to this
	 * mm's user memory (the fault would take it again).
	 */
	struct rw_semaphore mmap_lock;
	struct list_head mmap;		/* (m) VMAs, sorted by vm_start: for walking them in order */
	struct interval_root mm_rb;	/* (m) the same VMAs in a tree: find_vma in O(log n) */
	int map_count;			/* (m) */
	/*
	 * (p) guards the PTEs and huge PMDs (set, cleared, write-protected,
	 * aged), the upper levels' entries that point at a new table (filled
	 * under it: __pud_alloc, __pmd_alloc, pmd_install), the deposited
	 * tables and the rss counters below. Taken under mmap_lock (either
	 * mode). One per mm: Linux splits it per PTE table (split ptlocks).
	 */
	spinlock_t page_table_lock;
	atomic_t mm_users;		/* (A) */
	unsigned long mmap_base;	/* (c) top-down get_unmapped_area starts here */
	unsigned long start_code, end_code, start_data, end_data;	/* (c) execve or fork */
	unsigned long start_brk;	/* (c) execve or fork */
	unsigned long brk;		/* (m) sys_brk */
	unsigned long start_stack;	/* (c) execve or fork */
	unsigned long rss_stat[NR_MM_COUNTERS];	/* (p) pages mapped, by kind: use inc/dec_mm_counter */
	unsigned long hiwater_rss;	/* (p) the most get_mm_rss() has been (VmHWM, ru_maxrss) */
	unsigned long pgtables_bytes;	/* (A) page-table pages (Linux: an atomic_long_t): faults add them under the read lock */
	unsigned long hugetlb_usage;	/* (p) 4 KB pages mapped by hugetlb PMDs: HugetlbPages (not in RSS, as Linux) */
	/*
	 * (p) page tables deposited with huge PMDs, one per huge PMD, linked by
	 * page->lru (Linux: pmd_huge_pte, pgtable_trans_huge_deposit): a
	 * split takes one and so never fails for memory.
	 */
	struct page *pmd_huge_pte;
	bool huge_zero_page;		/* huge_zero_lock (mm/huge_memory.c): holds a reference on the huge zero page (Linux: MMF_HUGE_ZERO_PAGE) */
	/*
	 * (A) mm_cpumask: the CPUs that may hold TLB entries of this mm. A CPU
	 * sets its bit when it loads the mm's CR3 and clears it when it loads
	 * another (switch_mm_irqs_off, arch/x86_64/tlb.c); flush_tlb_mm_range
	 * sends its IPI to the others set here.
	 */
	unsigned long cpu_bitmap;
};

static inline unsigned long *mm_cpumask(struct mm_struct *mm) { return &mm->cpu_bitmap; }

/* arch/x86_64/tlb.c */
void switch_mm_irqs_off(struct mm_struct *next);	/* interrupts off: CR3 and mm_cpumask */
void flush_tlb_mm_range(struct mm_struct *mm, unsigned long start, unsigned long end);

extern struct mm_struct init_mm;	/* the kernel's page tables */

#define for_each_vma(mm, vma) list_for_each_entry(vma, &(mm)->mmap, vm_list)

/*
 * mmap_lock (Linux: include/linux/mmap_lock.h). Read: the fault path and
 * every walk of the VMAs; write: every change to them. Sleeps: never
 * under a spinlock. The order: mmap_lock, then everything in mm/rmap.c's
 * list. A task never holds it across a copy_to_user/copy_from_user/
 * get_user/put_user of the same mm's memory: the fault would take it again
 * (for writing, at once a deadlock; for reading, one when a writer queues
 * in between). Copy through a kernel buffer, as Linux does.
 */
static inline void mmap_init_lock(struct mm_struct *mm) { init_rwsem(&mm->mmap_lock); }
static inline void mmap_read_lock(struct mm_struct *mm) { down_read(&mm->mmap_lock); }
static inline bool mmap_read_trylock(struct mm_struct *mm) { return down_read_trylock(&mm->mmap_lock); }
static inline void mmap_read_unlock(struct mm_struct *mm) { up_read(&mm->mmap_lock); }
static inline void mmap_write_lock(struct mm_struct *mm) { down_write(&mm->mmap_lock); }
/* A second mm's lock, knowingly (fork: the child's under the parent's; Linux's lockdep annotation). */
static inline void mmap_write_lock_nested(struct mm_struct *mm, int subclass)
{
	(void)subclass;
	down_write(&mm->mmap_lock);
}
static inline void mmap_write_unlock(struct mm_struct *mm) { up_write(&mm->mmap_lock); }
/* The writer keeps the lock for reading, letting waiting readers (faults) in. */
static inline void mmap_write_downgrade(struct mm_struct *mm) { downgrade_write(&mm->mmap_lock); }
/* Held, in either mode (by someone: readers are not tracked per task). */
#define mmap_assert_locked(mm) rwsem_assert_held(&(mm)->mmap_lock)
/* Held for writing by this task. */
#define mmap_assert_write_locked(mm) lockdep_assert_held_write(&(mm)->mmap_lock)

/*
 * Another task's mm, for a reader that may sleep (/proc, the debug files):
 * a reference on mm_users keeps it, its VMAs and page tables alive until
 * mmput (Linux: get_task_mm, under task_lock; here under the big kernel
 * lock, which exit holds while it clears task->mm). NULL if t has none.
 */
struct task_struct;
struct mm_struct *get_task_mm(struct task_struct *t);	/* mm/mmap.c */

/*
 * RSS accounting (Linux: inc_mm_counter / dec_mm_counter, get_mm_rss). The
 * high-water mark moves with every increment; Linux updates it lazily
 * (update_hiwater_rss), with the same result at the points it is read.
 */
static inline unsigned long get_mm_counter(const struct mm_struct *mm, int member)
{
	return READ_ONCE(mm->rss_stat[member]);
}

static inline unsigned long get_mm_rss(const struct mm_struct *mm)
{
	return get_mm_counter(mm, MM_FILEPAGES) + get_mm_counter(mm, MM_ANONPAGES) +
	       get_mm_counter(mm, MM_SHMEMPAGES);
}

static inline void inc_mm_counter(struct mm_struct *mm, int member)
{
	mm->rss_stat[member]++;
	if (get_mm_rss(mm) > mm->hiwater_rss)
		mm->hiwater_rss = get_mm_rss(mm);
}

static inline void dec_mm_counter(struct mm_struct *mm, int member) { mm->rss_stat[member]--; }

static inline void add_mm_counter(struct mm_struct *mm, int member, long value)
{
	mm->rss_stat[member] += value;
	if (get_mm_rss(mm) > mm->hiwater_rss)
		mm->hiwater_rss = get_mm_rss(mm);
}

/*
 * Private anonymous memory, faulted in by do_anonymous_page (Linux:
 * vma_is_anonymous, !vma->vm_ops). Not a MAP_SHARED|MAP_ANONYMOUS VMA (its
 * pages belong to a shmem object, Linux's vma_is_shmem), nor an execve
 * segment (vm_image: its pages come from the file, do_fault), nor a
 * hugetlb mapping (vm_file: its pages come from the hugetlb pool).
 */
static inline bool vma_is_anonymous(const struct vm_area_struct *vma)
{
	return !vma->vm_shm && !vma->vm_image && !vma->vm_file;
}
static inline unsigned long vma_pages(const struct vm_area_struct *vma)
{
	return (vma->vm_end - vma->vm_start) >> PAGE_SHIFT;
}

/*
 * Each function's contract (what it returns, what it leaves behind on
 * failure, which locks the caller holds) is at its definition, as in
 * Linux; the declarations in mm/'s headers only group them.
 */

/* mm/mmap.c */
void mmap_init(void);
void zero_page_init(void);
struct mm_struct *mm_alloc(void);
void mmput(struct mm_struct *mm);
struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr);
struct vm_area_struct *vm_area_alloc(struct mm_struct *mm);
struct vm_area_struct *vm_area_dup(struct vm_area_struct *orig);
void vm_area_free(struct vm_area_struct *vma);
int insert_vm_struct(struct mm_struct *mm, struct vm_area_struct *vma);
void vma_link_tail(struct mm_struct *mm, struct vm_area_struct *vma);
struct vm_area_struct *vma_create(struct mm_struct *mm, unsigned long start, unsigned long end,
				  unsigned long vm_flags, unsigned long pgoff);
/* The PTE bits for a VMA's pages: protection_map[] in arch/x86_64/pgprot.c. */
pgprot_t vm_get_page_prot(unsigned long vm_flags);
unsigned long do_mmap(struct file *file, unsigned long addr, unsigned long len,
		      unsigned long prot, unsigned long flags, unsigned long pgoff,
		      unsigned long *populate);
unsigned long vm_mmap_pgoff(struct file *file, unsigned long addr, unsigned long len,
			    unsigned long prot, unsigned long flags, unsigned long pgoff);
void mm_populate(unsigned long start, unsigned long len);
int do_munmap(struct mm_struct *mm, unsigned long start, size_t len);
int do_brk_flags(unsigned long addr, unsigned long len, unsigned long flags);
void exit_mmap(struct mm_struct *mm);
int expand_stack(struct vm_area_struct *vma, unsigned long address);	/* the fault path grows a stack */
unsigned long get_unmapped_area(struct file *file, unsigned long addr, unsigned long len,
				unsigned long flags);

/* mm/filemap.c */
struct vm_area_struct *vm_mmap_file(struct mm_struct *mm, const struct initramfs_entry *file,
				    unsigned long start, unsigned long end,
				    unsigned long vm_flags, unsigned long pgoff);

/* mm/memory.c */
#define FAULT_FLAG_WRITE	0x01
#define FAULT_FLAG_USER		0x02
#define FAULT_FLAG_INSTRUCTION	0x04

typedef enum {
	VM_FAULT_OK = 0,
	VM_FAULT_OOM = 0x1,
	VM_FAULT_SIGBUS = 0x2,
	VM_FAULT_SIGSEGV = 0x4,
	VM_FAULT_FALLBACK = 0x8,	/* huge page not possible here: use 4 KB */
	VM_FAULT_RETRY = 0x10,
} vm_fault_t;

/* The fault context passed down the fault path, as Linux's struct vm_fault. */
struct vm_fault {
	struct vm_area_struct *vma;
	unsigned long address;		/* page-aligned faulting address */
	unsigned long real_address;
	unsigned int flags;		/* FAULT_FLAG_* */
	unsigned long pgoff;		/* page offset of address in the VMA's anon space */
	pmd_t *pmd;
	pmd_t orig_pmd;
	pte_t *pte;
	pte_t orig_pte;			/* the PTE as the fault path first read it */
};

vm_fault_t handle_mm_fault(struct vm_area_struct *vma, unsigned long address,
			   unsigned int flags);
struct vm_area_struct *lock_mm_and_find_vma(struct mm_struct *mm, unsigned long addr);
/* mm/huge_memory.c */
bool thp_vma_eligible(struct vm_area_struct *vma);
bool transparent_hugepage_active(struct vm_area_struct *vma, unsigned long addr);
vm_fault_t do_huge_pmd_anonymous_page(struct vm_fault *vmf);
vm_fault_t do_huge_pmd_wp_page(struct vm_fault *vmf);
void huge_pmd_set_accessed(struct vm_fault *vmf);
int copy_huge_pmd(struct mm_struct *dst_mm, struct mm_struct *src_mm, pmd_t *dst_pmd,
		  pmd_t *src_pmd, unsigned long addr, struct vm_area_struct *src_vma);
void zap_huge_pmd(struct vm_area_struct *vma, pmd_t *pmd, unsigned long addr);
void change_huge_pmd(struct vm_area_struct *vma, pmd_t *pmd, unsigned long addr);
void __split_huge_pmd_locked(struct vm_area_struct *vma, pmd_t *pmd, unsigned long address);
void split_huge_pmd(struct vm_area_struct *vma, pmd_t *pmd, unsigned long address);
void split_huge_pmd_address(struct vm_area_struct *vma, unsigned long address);
void thp_page_unmapped(struct page *page, struct page *pinned);
void mm_put_huge_zero_page(struct mm_struct *mm);
unsigned long nr_anon_thp_pages(int nid);
bool huge_pmd_covers(struct mm_struct *mm, unsigned long addr, bool write);
struct page *follow_trans_huge_pmd(struct mm_struct *mm, unsigned long addr, pmd_t *pmdval);
void setup_transparent_hugepage(const char *opt);
void setup_thp_cow_policy(const char *opt);
/* mm/huge_memory.c: THP migration, PMD migration entries (docs/migration.md) */
void set_pmd_migration_entry(struct vm_area_struct *vma, unsigned long address, pmd_t *pmd,
			     struct page *head);
void remove_migration_pmd(struct vm_area_struct *vma, unsigned long address, pmd_t *pmd,
			  struct page *new);
struct page *pmd_migration_entry_page(pmd_t *pmd, struct page *old);
void pmd_migration_entry_wait(struct mm_struct *mm, pmd_t *pmd);
bool thp_pte_mapped(struct page *head);
void thp_migrate_copy(struct page *newpage, struct page *page);
int split_huge_page_to_list(struct page *head, struct list_head *list);

int copy_page_range(struct vm_area_struct *dst_vma, struct vm_area_struct *src_vma);
void zap_page_range(struct vm_area_struct *vma, unsigned long start, unsigned long end);
void free_pgtables(struct mm_struct *mm);
void free_pgd_range(struct mm_struct *mm, unsigned long addr, unsigned long end,
		    unsigned long floor, unsigned long ceiling);
pgd_t *pgd_alloc(struct mm_struct *mm);
void pgd_free(struct mm_struct *mm);
struct page *pte_alloc_one(struct mm_struct *mm);
void pte_free(struct mm_struct *mm, struct page *pgtable);
pte_t *get_locked_pte(struct mm_struct *mm, unsigned long addr, spinlock_t **ptl);
pte_t *follow_pte(struct mm_struct *mm, unsigned long addr);
struct page *vm_normal_page(pte_t pte);

/* Release a PTE from get_locked_pte() (Linux: pte_unmap_unlock; no kmap to undo on x86-64). */
static inline void pte_unmap_unlock(pte_t *pte, spinlock_t *ptl)
{
	(void)pte;
	spin_unlock(ptl);
}

/* mm/vmstat.c: /proc/vmstat event counters (Linux's names; Pagoda-only ones documented). */
enum vm_event_item {
	PGFAULT,
	PGMAJFAULT,
	PGALLOC,
	PGFREE,
	PAGODA_COW_COPY,	/* do_wp_page copied a shared anonymous page */
	PAGODA_COW_REUSE,	/* do_wp_page reused an exclusive anonymous page */
	THP_FAULT_ALLOC,	/* a fault mapped a new THP */
	THP_FAULT_FALLBACK,	/* a fault wanted a THP, found no order-9 block: 4 KB instead */
	THP_SPLIT_PAGE,		/* split_huge_page: a THP became 512 pages */
	THP_SPLIT_PMD,		/* split_huge_pmd: a huge PMD became 512 PTEs */
	THP_ZERO_PAGE_ALLOC,	/* the huge zero page was allocated */
	PAGODA_THP_COW_COPY,	/* do_huge_pmd_wp_page copied a shared THP whole (policy "copy") */
	PAGODA_THP_COW_REUSE,	/* do_huge_pmd_wp_page reused an exclusive THP in place */
	PGMIGRATE_SUCCESS,	/* base pages migrated (mm/migrate.c) */
	PGMIGRATE_FAIL,		/* base pages not migrated */
	THP_MIGRATION_SUCCESS,	/* THPs migrated whole */
	THP_MIGRATION_FAIL,	/* THPs neither migrated nor split */
	THP_MIGRATION_SPLIT,	/* THPs split to be migrated as 4 KB pages */
	PAGODA_MIGRATION_ENTRY_WAIT,	/* a fault slept on a migration entry (migration_entry_wait) */
	HTLB_BUDDY_ALLOC_SUCCESS, /* a hugetlb page came fresh from the buddy allocator */
	HTLB_BUDDY_ALLOC_FAIL,	/* the buddy allocator had no 2 MB block for one */
	NR_VM_EVENT_ITEMS,
};
extern unsigned long vm_events[NR_VM_EVENT_ITEMS];
static inline void count_vm_event(enum vm_event_item item) { __atomic_add_fetch(&vm_events[item], 1, __ATOMIC_RELAXED); }
/* pgalloc_normal, pgfree, pgmigrate_* count pages, as Linux's. */
static inline void count_vm_events(enum vm_event_item item, unsigned long nr)
{
	__atomic_add_fetch(&vm_events[item], nr, __ATOMIC_RELAXED);
}

#endif
