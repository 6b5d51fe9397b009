/*
 * Swap entries and migration entries (Linux include/linux/swapops.h).
 *
 * A swap entry is a (type, offset) pair kept in a non-present page-table
 * entry. Pagoda has no swap device; it uses the format for the one kind of
 * entry seed 002 needs, the migration entry. While a page migrates, each
 * PTE that mapped it is replaced by one that names the page's frame and
 * says whether the mapping was writable:
 *
 *   type SWP_MIGRATION_READ    the mapping was read-only
 *   type SWP_MIGRATION_WRITE   the mapping was writable
 *   offset                     the old page's PFN, and the PTE's young and
 *                              dirty bits above it (SWP_MIG_YOUNG_BIT, ...)
 *
 * A fault on such an entry waits for the migration to end
 * (migration_entry_wait), and remove_migration_pte turns it back into a
 * present PTE, to the new page if the copy succeeded, else to the old one.
 * The type numbers are Linux 6.1's on x86-64 (MAX_SWAPFILES = 23).
 */
#ifndef _MM_SWAPOPS_H
#define _MM_SWAPOPS_H

#include <arch/x86_64/pgtable.h>
#include <mm/mm_types.h>

typedef struct { unsigned long val; } swp_entry_t;

#define SWP_MIGRATION_NUM	3
#define SWP_HWPOISON_NUM	1
#define SWP_DEVICE_NUM		4
#define SWP_PTE_MARKER_NUM	1
#define MAX_SWAPFILES \
	((1 << MAX_SWAPFILES_SHIFT) - SWP_DEVICE_NUM - SWP_MIGRATION_NUM - \
	 SWP_HWPOISON_NUM - SWP_PTE_MARKER_NUM)
#define SWP_MIGRATION_READ		(MAX_SWAPFILES + SWP_HWPOISON_NUM)
#define SWP_MIGRATION_READ_EXCLUSIVE	(MAX_SWAPFILES + SWP_HWPOISON_NUM + 1)
#define SWP_MIGRATION_WRITE		(MAX_SWAPFILES + SWP_HWPOISON_NUM + 2)

/* The generic form: type in the top bits, offset below (swapops.h's SWP_TYPE_SHIFT). */
#define SWP_TYPE_SHIFT		(64 - MAX_SWAPFILES_SHIFT)
#define SWP_OFFSET_MASK		((1UL << SWP_TYPE_SHIFT) - 1)
/* The offset of a migration entry: the PFN, then the old PTE's young and dirty bits. */
#define SWP_PFN_BITS		40		/* MAX_PHYSMEM_BITS 52 - PAGE_SHIFT */
#define SWP_PFN_MASK		((1UL << SWP_PFN_BITS) - 1)
#define SWP_MIG_YOUNG_BIT	SWP_PFN_BITS
#define SWP_MIG_DIRTY_BIT	(SWP_PFN_BITS + 1)

static inline swp_entry_t swp_entry(unsigned long type, unsigned long offset)
{
	return (swp_entry_t){ (type << SWP_TYPE_SHIFT) | (offset & SWP_OFFSET_MASK) };
}
static inline unsigned long swp_type(swp_entry_t e) { return e.val >> SWP_TYPE_SHIFT; }
static inline unsigned long swp_offset(swp_entry_t e) { return e.val & SWP_OFFSET_MASK; }
static inline unsigned long swp_offset_pfn(swp_entry_t e) { return swp_offset(e) & SWP_PFN_MASK; }

/* Only for an entry with is_swap_pte() true. */
static inline swp_entry_t pte_to_swp_entry(pte_t pte)
{
	return swp_entry(__swp_type(pte_val(pte)), __swp_offset(pte_val(pte)));
}
static inline pte_t swp_entry_to_pte(swp_entry_t e)
{
	return __pte(__swp_entry(swp_type(e), swp_offset(e)));
}
/* Only for an entry with is_swap_pmd() true: a THP's PMD migration entry. */
static inline swp_entry_t pmd_to_swp_entry(pmd_t pmd)
{
	return swp_entry(__swp_type(pmd_val(pmd)), __swp_offset(pmd_val(pmd)));
}
static inline pmd_t swp_entry_to_pmd(swp_entry_t e)
{
	return __pmd(__swp_entry(swp_type(e), swp_offset(e)));
}

static inline swp_entry_t make_readable_migration_entry(unsigned long pfn)
{
	return swp_entry(SWP_MIGRATION_READ, pfn);
}
static inline swp_entry_t make_readable_exclusive_migration_entry(unsigned long pfn)
{
	return swp_entry(SWP_MIGRATION_READ_EXCLUSIVE, pfn);
}
static inline swp_entry_t make_writable_migration_entry(unsigned long pfn)
{
	return swp_entry(SWP_MIGRATION_WRITE, pfn);
}
static inline bool is_migration_entry(swp_entry_t e)
{
	unsigned long t = swp_type(e);

	return t == SWP_MIGRATION_READ || t == SWP_MIGRATION_READ_EXCLUSIVE ||
	       t == SWP_MIGRATION_WRITE;
}
static inline bool is_writable_migration_entry(swp_entry_t e)
{
	return swp_type(e) == SWP_MIGRATION_WRITE;
}
static inline bool is_readable_exclusive_migration_entry(swp_entry_t e)
{
	return swp_type(e) == SWP_MIGRATION_READ_EXCLUSIVE;
}
/* Read-only and maybe shared: fork makes every entry of a private mapping so (Linux). */
static inline bool is_readable_migration_entry(swp_entry_t e)
{
	return swp_type(e) == SWP_MIGRATION_READ;
}
static inline swp_entry_t make_migration_entry_young(swp_entry_t e)
{
	return swp_entry(swp_type(e), swp_offset(e) | (1UL << SWP_MIG_YOUNG_BIT));
}
static inline bool is_migration_entry_young(swp_entry_t e)
{
	return swp_offset(e) & (1UL << SWP_MIG_YOUNG_BIT);
}
static inline swp_entry_t make_migration_entry_dirty(swp_entry_t e)
{
	return swp_entry(swp_type(e), swp_offset(e) | (1UL << SWP_MIG_DIRTY_BIT));
}
static inline bool is_migration_entry_dirty(swp_entry_t e)
{
	return swp_offset(e) & (1UL << SWP_MIG_DIRTY_BIT);
}

/* The page a migration entry names (Linux: pfn_swap_entry_to_page). */
static inline struct page *pfn_swap_entry_to_page(swp_entry_t e)
{
	return pfn_to_page(swp_offset_pfn(e));
}

/* A PTE that is a migration entry (is_swap_pte and of a migration type). */
static inline bool is_migration_pte(pte_t pte)
{
	return is_swap_pte(pte) && is_migration_entry(pte_to_swp_entry(pte));
}
/* A THP's PMD migration entry (Linux: is_pmd_migration_entry). */
static inline bool is_pmd_migration_entry(pmd_t pmd)
{
	return is_swap_pmd(pmd) && is_migration_entry(pmd_to_swp_entry(pmd));
}

#endif
