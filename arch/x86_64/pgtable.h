/*
 * x86-64 4-level page tables: the bits, and the small interface mm/ uses.
 *
 *   CR3 -> PGD (PML4) -> PUD (PDPT) -> PMD (PD) -> PTE (PT) -> 4 KB frame
 *                                       \-> PSE set: a 2 MB leaf
 *
 * mm/ never tests or sets a raw _PAGE_ bit: it calls pte_present(),
 * pmd_leaf(), pmd_populate(), vm_get_page_prot() and so on. The bits stay
 * in arch/x86_64/; tests/host/layering.sh fails if a _PAGE_ name appears
 * anywhere under mm/.
 * Names and roles as in Linux arch/x86/include/asm/pgtable.h.
 */
#ifndef _ARCH_PGTABLE_H
#define _ARCH_PGTABLE_H

#include <kernel/types.h>
#include <kernel/kernel.h>
#include <arch/x86_64/processor.h>

#define PAGE_SHIFT	12
#define PAGE_SIZE	(1UL << PAGE_SHIFT)
#define PAGE_MASK	(~(PAGE_SIZE - 1))
#define PMD_SHIFT	21
#define PMD_SIZE	(1UL << PMD_SHIFT)
#define PMD_MASK	(~(PMD_SIZE - 1))
#define PUD_SHIFT	30
#define PUD_SIZE	(1UL << PUD_SHIFT)
#define PUD_MASK	(~(PUD_SIZE - 1))
#define PGDIR_SHIFT	39
#define PGDIR_SIZE	(1UL << PGDIR_SHIFT)
#define PTRS_PER_TABLE	512
#define HPAGE_PMD_ORDER	(PMD_SHIFT - PAGE_SHIFT)
#define HPAGE_PMD_NR	(1UL << HPAGE_PMD_ORDER)

/* The virtual layout: Linux's, so that addresses in gdb look familiar. */
#define PAGE_OFFSET	0xffff888000000000UL	/* direct map of all RAM */
#define KERNEL_BASE	0xffffffff80000000UL	/* kernel image */
#define TASK_SIZE	0x00007ffffffff000UL	/* top of user space (last page excluded, as Linux) */
#define USER_PGD_ENTRIES 256			/* PGD slots 0..255 belong to user space */

#define __va(pa)	((void *)((unsigned long)(pa) + PAGE_OFFSET))
#define __pa(va)	__pa_symbol_or_direct((unsigned long)(va))
static inline phys_addr_t __pa_symbol_or_direct(unsigned long va)
{
	return va >= KERNEL_BASE ? va - KERNEL_BASE : va - PAGE_OFFSET;
}

#define _PAGE_PRESENT	(1UL << 0)
#define _PAGE_RW	(1UL << 1)
#define _PAGE_USER	(1UL << 2)
#define _PAGE_PWT	(1UL << 3)
#define _PAGE_PCD	(1UL << 4)
#define _PAGE_ACCESSED	(1UL << 5)
#define _PAGE_DIRTY	(1UL << 6)
#define _PAGE_PSE	(1UL << 7)	/* in a PMD or PUD: this entry is a leaf */
#define _PAGE_GLOBAL	(1UL << 8)
#define _PAGE_SOFTW1	(1UL << 9)	/* software bit, ignored by the MMU */
#define _PAGE_SPECIAL	_PAGE_SOFTW1	/* a mapping with no page to count (the zero page), as Linux x86 */
#define _PAGE_NX	(1UL << 63)
/*
 * PROT_NONE: a user PTE keeps its frame but is not present to the CPU.
 * Linux marks it with the global bit, which no user PTE otherwise carries.
 */
#define _PAGE_PROTNONE	_PAGE_GLOBAL
#define PTE_PFN_MASK	0x000ffffffffff000UL

/* Page-fault error code bits (arch/x86/include/asm/trap_pf.h). */
#define X86_PF_PROT	(1UL << 0)	/* 0: not present, 1: protection violation */
#define X86_PF_WRITE	(1UL << 1)
#define X86_PF_USER	(1UL << 2)
#define X86_PF_RSVD	(1UL << 3)
#define X86_PF_INSTR	(1UL << 4)
#define X86_PF_PK	(1UL << 5)

typedef struct { u64 pte; } pte_t;
typedef struct { u64 pmd; } pmd_t;
typedef struct { u64 pud; } pud_t;
typedef struct { u64 pgd; } pgd_t;
typedef struct { u64 pgprot; } pgprot_t;

extern u64 __supported_pte_mask;	/* clears _PAGE_NX when the CPU lacks NX */

#define __pgprot(x)	((pgprot_t){ (x) })
#define PAGE_NONE	__pgprot(_PAGE_PROTNONE | _PAGE_ACCESSED)
#define PAGE_KERNEL	__pgprot(_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY | _PAGE_GLOBAL | _PAGE_NX)
#define PAGE_KERNEL_EXEC __pgprot(_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY | _PAGE_GLOBAL)
#define PAGE_KERNEL_NOCACHE __pgprot(_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY | _PAGE_GLOBAL | _PAGE_NX | _PAGE_PCD | _PAGE_PWT)
/* The entry above a user leaf: permissive, the leaf decides. */
#define _PAGE_TABLE	(_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED | _PAGE_DIRTY)
#define _KERNPG_TABLE	(_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)

static inline u64 pgprot_val(pgprot_t p) { return p.pgprot & __supported_pte_mask; }

/* PTE level */
static inline pte_t __pte(u64 v) { return (pte_t){ v }; }
static inline u64 pte_val(pte_t p) { return p.pte; }
static inline bool pte_none(pte_t p) { return p.pte == 0; }
static inline bool pte_present(pte_t p) { return p.pte & (_PAGE_PRESENT | _PAGE_PROTNONE); }
static inline bool pte_write(pte_t p) { return p.pte & _PAGE_RW; }
static inline bool pte_user(pte_t p) { return p.pte & _PAGE_USER; }
static inline bool pte_dirty(pte_t p) { return p.pte & _PAGE_DIRTY; }
static inline bool pte_young(pte_t p) { return p.pte & _PAGE_ACCESSED; }
static inline bool pte_special(pte_t p) { return p.pte & _PAGE_SPECIAL; }
static inline unsigned long pte_pfn(pte_t p) { return (p.pte & PTE_PFN_MASK) >> PAGE_SHIFT; }
static inline pte_t pfn_pte(unsigned long pfn, pgprot_t prot) { return __pte((pfn << PAGE_SHIFT) | pgprot_val(prot)); }
static inline pte_t pte_mkwrite(pte_t p) { return __pte(p.pte | _PAGE_RW); }
static inline pte_t pte_wrprotect(pte_t p) { return __pte(p.pte & ~_PAGE_RW); }
static inline pte_t pte_mkdirty(pte_t p) { return __pte(p.pte | _PAGE_DIRTY); }
static inline pte_t pte_mkclean(pte_t p) { return __pte(p.pte & ~_PAGE_DIRTY); }
static inline pte_t pte_mkyoung(pte_t p) { return __pte(p.pte | _PAGE_ACCESSED); }
static inline pte_t pte_mkold(pte_t p) { return __pte(p.pte & ~_PAGE_ACCESSED); }
static inline pte_t pte_mkspecial(pte_t p) { return __pte(p.pte | _PAGE_SPECIAL); }
static inline pte_t pte_modify(pte_t p, pgprot_t prot)
{
	u64 keep = p.pte & (PTE_PFN_MASK | _PAGE_DIRTY | _PAGE_ACCESSED | _PAGE_SPECIAL);
	return __pte(keep | pgprot_val(prot));
}
static inline bool pte_same(pte_t a, pte_t b) { return a.pte == b.pte; }

/* PMD level: either a pointer to a PTE table or, with PSE, a 2 MB leaf. */
static inline pmd_t __pmd(u64 v) { return (pmd_t){ v }; }
static inline u64 pmd_val(pmd_t p) { return p.pmd; }
static inline bool pmd_none(pmd_t p) { return p.pmd == 0; }
static inline bool pmd_present(pmd_t p) { return p.pmd & _PAGE_PRESENT; }
static inline bool pmd_leaf(pmd_t p) { return (p.pmd & (_PAGE_PRESENT | _PAGE_PSE)) == (_PAGE_PRESENT | _PAGE_PSE); }
static inline bool pmd_trans_huge(pmd_t p) { return pmd_leaf(p); }
/* A 2 MB entry, present or not (a PROT_NONE hugetlb mapping keeps its frame): Linux's pmd_huge. */
static inline bool pmd_huge(pmd_t p) { return !pmd_none(p) && (p.pmd & (_PAGE_PRESENT | _PAGE_PSE)) != _PAGE_PRESENT; }
static inline bool pmd_write(pmd_t p) { return p.pmd & _PAGE_RW; }
static inline unsigned long pmd_pfn(pmd_t p) { return (p.pmd & PTE_PFN_MASK) >> PAGE_SHIFT; }
static inline pmd_t pmd_mkhuge(pmd_t p) { return __pmd(p.pmd | _PAGE_PSE); }
static inline pmd_t pmd_mkwrite(pmd_t p) { return __pmd(p.pmd | _PAGE_RW); }
static inline pmd_t pmd_wrprotect(pmd_t p) { return __pmd(p.pmd & ~_PAGE_RW); }
static inline pmd_t pmd_mkyoung(pmd_t p) { return __pmd(p.pmd | _PAGE_ACCESSED); }
static inline pmd_t pmd_mkdirty(pmd_t p) { return __pmd(p.pmd | _PAGE_DIRTY); }
static inline pmd_t pfn_pmd(unsigned long pfn, pgprot_t prot) { return __pmd((pfn << PAGE_SHIFT) | pgprot_val(prot)); }
static inline bool pmd_same(pmd_t a, pmd_t b) { return a.pmd == b.pmd; }
static inline phys_addr_t pmd_table_pa(pmd_t p) { return p.pmd & PTE_PFN_MASK; }

/* ---- PMD leaf helpers for THP: the pte_ ones, one level up (tests/host/pgtable_test.c) ---- */
static inline bool pmd_young(pmd_t p) { return p.pmd & _PAGE_ACCESSED; }
static inline bool pmd_dirty(pmd_t p) { return p.pmd & _PAGE_DIRTY; }
static inline pmd_t pmd_mkold(pmd_t p) { return __pmd(p.pmd & ~_PAGE_ACCESSED); }
static inline pmd_t pmd_mkclean(pmd_t p) { return __pmd(p.pmd & ~_PAGE_DIRTY); }
/* As pte_modify, and a huge PMD stays huge (Linux's _HPAGE_CHG_MASK adds _PAGE_PSE). */
static inline pmd_t pmd_modify(pmd_t p, pgprot_t prot)
{
	u64 keep = p.pmd & (PTE_PFN_MASK | _PAGE_DIRTY | _PAGE_ACCESSED | _PAGE_SPECIAL | _PAGE_PSE);
	return __pmd(keep | pgprot_val(prot));
}
/* ---- end of the PMD leaf helpers ---- */

static inline bool pud_none(pud_t p) { return p.pud == 0; }
static inline bool pud_present(pud_t p) { return p.pud & _PAGE_PRESENT; }
static inline bool pud_leaf(pud_t p) { return (p.pud & (_PAGE_PRESENT | _PAGE_PSE)) == (_PAGE_PRESENT | _PAGE_PSE); }
static inline phys_addr_t pud_table_pa(pud_t p) { return p.pud & PTE_PFN_MASK; }
static inline bool pgd_none(pgd_t p) { return p.pgd == 0; }
static inline bool pgd_present(pgd_t p) { return p.pgd & _PAGE_PRESENT; }
static inline phys_addr_t pgd_table_pa(pgd_t p) { return p.pgd & PTE_PFN_MASK; }

static inline unsigned long pgd_index(unsigned long va) { return (va >> PGDIR_SHIFT) & 511; }
static inline unsigned long pud_index(unsigned long va) { return (va >> PUD_SHIFT) & 511; }
static inline unsigned long pmd_index(unsigned long va) { return (va >> PMD_SHIFT) & 511; }
static inline unsigned long pte_index(unsigned long va) { return (va >> PAGE_SHIFT) & 511; }

static inline pud_t *pud_offset(pgd_t *pgd, unsigned long va) { return (pud_t *)__va(pgd_table_pa(*pgd)) + pud_index(va); }
static inline pmd_t *pmd_offset(pud_t *pud, unsigned long va) { return (pmd_t *)__va(pud_table_pa(*pud)) + pmd_index(va); }
static inline pte_t *pte_offset_kernel(pmd_t *pmd, unsigned long va) { return (pte_t *)__va(pmd_table_pa(*pmd)) + pte_index(va); }

static inline void set_pte(pte_t *ptep, pte_t pte) { WRITE_ONCE(ptep->pte, pte.pte); }
static inline void set_pmd(pmd_t *pmdp, pmd_t pmd) { WRITE_ONCE(pmdp->pmd, pmd.pmd); }
static inline void set_pud(pud_t *pudp, pud_t pud) { WRITE_ONCE(pudp->pud, pud.pud); }
static inline void set_pgd(pgd_t *pgdp, pgd_t pgd) { WRITE_ONCE(pgdp->pgd, pgd.pgd); }
static inline pte_t ptep_get_and_clear(pte_t *ptep) { return __pte(__atomic_exchange_n(&ptep->pte, 0, __ATOMIC_SEQ_CST)); }
static inline pmd_t pmdp_get_and_clear(pmd_t *pmdp) { return __pmd(__atomic_exchange_n(&pmdp->pmd, 0, __ATOMIC_SEQ_CST)); }

static inline void flush_tlb_page(unsigned long va) { __asm__ __volatile__("invlpg (%0)" :: "r"(va) : "memory"); }
static inline void flush_tlb_local(void) { load_cr3(read_cr3()); }

static inline pte_t ptep_clear_flush(pte_t *ptep, unsigned long va)
{
	pte_t old = ptep_get_and_clear(ptep);
	flush_tlb_page(va);
	return old;
}
static inline void ptep_set_wrprotect(pte_t *ptep)
{
	__atomic_and_fetch(&ptep->pte, ~_PAGE_RW, __ATOMIC_SEQ_CST);
}

/* ---- begin: what mm/ needs so that it names no _PAGE_* bit (issue 6, layering) ---- */

/*
 * The user protections, as Linux's pgtable_types.h. x86 has no write-only
 * and no "execute but not read" PTE: PROT_WRITE alone is readable and
 * PROT_EXEC alone is readable too. A private writable mapping gets
 * PAGE_COPY, read-only: the first write faults and do_wp_page() makes the
 * entry writable (reuse) or copies the page.
 */
#define _PAGE_USER_BASE		(_PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED)
#define PAGE_SHARED		__pgprot(_PAGE_USER_BASE | _PAGE_RW | _PAGE_NX)
#define PAGE_SHARED_EXEC	__pgprot(_PAGE_USER_BASE | _PAGE_RW)
#define PAGE_COPY		__pgprot(_PAGE_USER_BASE | _PAGE_NX)
#define PAGE_COPY_EXEC		__pgprot(_PAGE_USER_BASE)
#define PAGE_READONLY		__pgprot(_PAGE_USER_BASE | _PAGE_NX)
#define PAGE_READONLY_EXEC	__pgprot(_PAGE_USER_BASE)
/* vm_get_page_prot() (arch/x86_64/pgprot.c) picks one of these, or PAGE_NONE. */

struct mm_struct;

/*
 * Link a new, zeroed lower-level table into an empty entry (Linux:
 * arch/x86/include/asm/pgalloc.h). _PAGE_TABLE is permissive, user and
 * writable: the leaf below decides. The caller holds what makes the entry
 * its own (mm->page_table_lock, or a page table nobody else sees yet);
 * mm is unused on x86, as in Linux without paravirt.
 */
static inline void pgd_populate(struct mm_struct *mm __maybe_unused, pgd_t *pgd, pud_t *pud)
{
	set_pgd(pgd, (pgd_t){ __pa(pud) | _PAGE_TABLE });
}
static inline void pud_populate(struct mm_struct *mm __maybe_unused, pud_t *pud, pmd_t *pmd)
{
	set_pud(pud, (pud_t){ __pa(pmd) | _PAGE_TABLE });
}
static inline void pmd_populate(struct mm_struct *mm __maybe_unused, pmd_t *pmd, pte_t *pte)
{
	set_pmd(pmd, __pmd(__pa(pte) | _PAGE_TABLE));
}

/*
 * ---- Swap-format entries: a non-present, non-none PTE or PMD that carries
 * a value (Linux arch/x86/include/asm/pgtable_64.h). Pagoda has no swap;
 * the only such entries are migration entries (mm/swapops.h). Layout:
 *
 *   63..59  type (5 bits)   58..9  ~offset (50 bits)   8..0  zero
 *
 * Bits 0 (present) and 8 (PROT_NONE) stay clear, so pte_present() is false;
 * the offset is stored inverted, as Linux does (L1TF), so an entry is never
 * pte_none() even for offset 0. A PMD entry has the same layout with PSE
 * clear.
 */
#define SWP_TYPE_BITS		5
#define SWP_OFFSET_FIRST_BIT	9
#define SWP_OFFSET_SHIFT	(SWP_OFFSET_FIRST_BIT + SWP_TYPE_BITS)
#define MAX_SWAPFILES_SHIFT	SWP_TYPE_BITS

static inline unsigned long __swp_type(u64 val) { return val >> (64 - SWP_TYPE_BITS); }
static inline unsigned long __swp_offset(u64 val) { return ~val << SWP_TYPE_BITS >> SWP_OFFSET_SHIFT; }
static inline u64 __swp_entry(unsigned long type, unsigned long offset)
{
	return (~offset << SWP_OFFSET_SHIFT >> SWP_TYPE_BITS) | ((u64)type << (64 - SWP_TYPE_BITS));
}
/* Not present and not none: a swap-format entry (Linux: is_swap_pte, is_swap_pmd). */
static inline bool is_swap_pte(pte_t p) { return !pte_none(p) && !pte_present(p); }
static inline bool is_swap_pmd(pmd_t p) { return !pmd_none(p) && !(p.pmd & (_PAGE_PRESENT | _PAGE_PROTNONE | _PAGE_PSE)); }

/* ---- end: layering block ---- */

#endif
