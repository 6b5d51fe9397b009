/*
 * Host test of the page-table entry helpers of arch/x86_64/pgtable.h, in
 * the style of Linux's mm/debug_vm_pgtable.c: every make/test/clear pair
 * at the PTE and at the PMD level, round trips, and "each helper changes
 * its own bit and leaves every other bit alone".
 *
 *   pte_wrprotect(pte_mkwrite(p)) is not writable, pte_write(pte_mkwrite(p))
 *   pte_pfn(pfn_pte(pfn, prot)) == pfn up to the 52-bit physical limit
 *   pte_val(pte_mkdirty(p)) ^ pte_val(p) has no bit but _PAGE_DIRTY
 *
 * The helpers are pure functions of a u64, so pgtable.h compiles here
 * unchanged (built with -fsanitize=address,undefined by tests/run-host.sh).
 * The only kernel symbol it needs is __supported_pte_mask, defined below.
 * Each helper family prints one TAP line, "ok N - host/pgtable/NAME";
 * a failed check prints the entry it failed on as a "#" line.
 *
 * Start reading at main().
 */
#include <arch/x86_64/pgtable.h>
#include <mm/swapops.h>

#include <stdio.h>

u64 __supported_pte_mask = ~0ULL;	/* the CPU has NX: pgprot_val() keeps every bit */

#define MAX_PHYS_BITS	52			/* x86-64's architectural limit */
#define MAX_PFN		((1UL << (MAX_PHYS_BITS - PAGE_SHIFT)) - 1)
#define NR_SAMPLES	4096

static int tap_nr, nr_failed_tests;
static int group_failures;		/* failed checks in the current TAP line */

#define check(cond, fmt, ...) do {						\
	if (!(cond)) {								\
		if (group_failures++ < 5)					\
			printf("#   %s:%d: %s: " fmt "\n", __FILE__, __LINE__,	\
			       #cond, ##__VA_ARGS__);				\
	}									\
} while (0)

static void group_end(const char *name)
{
	tap_nr++;
	if (group_failures) {
		nr_failed_tests++;
		printf("not ok %d - host/pgtable/%s # %d checks failed\n", tap_nr, name, group_failures);
	} else {
		printf("ok %d - host/pgtable/%s\n", tap_nr, name);
	}
	group_failures = 0;
}

/* ---- sample entries: fixed corner cases, then a reproducible random stream ---- */

static u64 xorshift_state = 0x9e3779b97f4a7c15ULL;

static u64 xorshift64(void)
{
	u64 x = xorshift_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return xorshift_state = x;
}

static const u64 corner_values[] = {
	0, ~0ULL, _PAGE_PRESENT, _PAGE_RW, _PAGE_DIRTY, _PAGE_ACCESSED, _PAGE_PSE, _PAGE_SPECIAL,
	_PAGE_NX, PTE_PFN_MASK, ~PTE_PFN_MASK, _PAGE_PRESENT | _PAGE_RW | _PAGE_USER | 0x1234000,
	_PAGE_PROTNONE | _PAGE_ACCESSED | 0x5000,
};

/* Sample i: the corner values first, then random entries. */
static u64 sample(int i)
{
	if (i < (int)ARRAY_SIZE(corner_values))
		return corner_values[i];
	return xorshift64();
}

/* pfns to round-trip: small, every bit alone, the 52-bit limit. */
static unsigned long sample_pfn(int i)
{
	if (i == 0)
		return 0;
	if (i <= MAX_PHYS_BITS - PAGE_SHIFT)
		return 1UL << (i - 1);
	if (i == MAX_PHYS_BITS - PAGE_SHIFT + 1)
		return MAX_PFN;
	return xorshift64() & MAX_PFN;
}

/* ---- PTE ---- */

/*
 * One set/clear/test family: mk sets bit, clear clears it, test reads it,
 * and neither changes any other bit.
 */
static void check_pte_pair(u64 bit, pte_t (*mk)(pte_t), pte_t (*clear)(pte_t), bool (*test)(pte_t))
{
	for (int i = 0; i < NR_SAMPLES; i++) {
		pte_t p = __pte(sample(i));
		pte_t set = mk(p);

		check(pte_val(set) == (pte_val(p) | bit), "p 0x%llx -> 0x%llx", (unsigned long long)pte_val(p),
		      (unsigned long long)pte_val(set));
		check(test(set), "p 0x%llx", (unsigned long long)pte_val(set));
		if (!clear)
			continue;
		pte_t cleared = clear(p);

		check(pte_val(cleared) == (pte_val(p) & ~bit), "p 0x%llx -> 0x%llx",
		      (unsigned long long)pte_val(p), (unsigned long long)pte_val(cleared));
		check(!test(cleared), "p 0x%llx", (unsigned long long)pte_val(cleared));
		/* The round trips of debug_vm_pgtable.c's pte_basic_tests(). */
		check(!test(clear(mk(p))) && test(mk(clear(p))), "p 0x%llx", (unsigned long long)pte_val(p));
		check(pte_val(mk(clear(mk(p)))) == pte_val(mk(p)), "p 0x%llx", (unsigned long long)pte_val(p));
	}
}

static void test_pte_write(void)
{
	check_pte_pair(_PAGE_RW, pte_mkwrite, pte_wrprotect, pte_write);
	check(!pte_write(pte_wrprotect(pte_mkwrite(pfn_pte(1, PAGE_KERNEL)))), "wrprotect after mkwrite");
	check(pte_write(pte_mkwrite(pfn_pte(1, PAGE_NONE))), "mkwrite of a PAGE_NONE entry");
	group_end("pte_mkwrite_wrprotect_write");
}

static void test_pte_dirty(void)
{
	check_pte_pair(_PAGE_DIRTY, pte_mkdirty, pte_mkclean, pte_dirty);
	group_end("pte_mkdirty_mkclean_dirty");
}

static void test_pte_young(void)
{
	check_pte_pair(_PAGE_ACCESSED, pte_mkyoung, pte_mkold, pte_young);
	group_end("pte_mkyoung_mkold_young");
}

/* Linux has no pte_mkspecial's inverse either: a special entry is made, never unmade. */
static void test_pte_special(void)
{
	check_pte_pair(_PAGE_SPECIAL, pte_mkspecial, NULL, pte_special);
	check(_PAGE_SPECIAL == (1UL << 9), "_PAGE_SPECIAL is 0x%lx, Linux x86's is bit 9", _PAGE_SPECIAL);
	check(!pte_special(pfn_pte(MAX_PFN, PAGE_KERNEL)), "a kernel entry is not special");
	check(!pte_special(__pte(~_PAGE_SPECIAL)), "every other bit set is not special");
	group_end("pte_mkspecial_special");
}

static void test_pte_present_none(void)
{
	check(pte_none(__pte(0)) && !pte_present(__pte(0)), "the zero entry");
	for (int i = 0; i < NR_SAMPLES; i++) {
		u64 v = sample(i);

		check(pte_none(__pte(v)) == (v == 0), "v 0x%llx", (unsigned long long)v);
		check(pte_present(__pte(v)) == !!(v & (_PAGE_PRESENT | _PAGE_PROTNONE)), "v 0x%llx",
		      (unsigned long long)v);
	}
	check(pte_present(pfn_pte(7, PAGE_KERNEL)), "a PAGE_KERNEL entry is present");
	/* PROT_NONE: not present to the CPU, still present to mm/ (it keeps its frame). */
	check(pte_present(pfn_pte(7, PAGE_NONE)) && !(pte_val(pfn_pte(7, PAGE_NONE)) & _PAGE_PRESENT),
	      "a PAGE_NONE entry is present to mm/, not to the MMU");
	check(!pte_present(__pte(7UL << PAGE_SHIFT)) && !pte_none(__pte(7UL << PAGE_SHIFT)),
	      "a pfn with no present bit is neither none nor present");
	check(pte_user(__pte(_PAGE_USER)) && !pte_user(__pte(~_PAGE_USER)), "pte_user reads _PAGE_USER alone");
	group_end("pte_present_none_user");
}

static void test_pte_pfn(void)
{
	const pgprot_t prots[] = { PAGE_KERNEL, PAGE_KERNEL_EXEC, PAGE_KERNEL_NOCACHE, PAGE_NONE,
				   __pgprot(_PAGE_PRESENT | _PAGE_USER | _PAGE_NX), __pgprot(0) };

	for (int i = 0; i < NR_SAMPLES; i++) {
		unsigned long pfn = sample_pfn(i);

		for (unsigned int k = 0; k < ARRAY_SIZE(prots); k++) {
			pte_t p = pfn_pte(pfn, prots[k]);

			check(pte_pfn(p) == pfn, "pfn 0x%lx prot 0x%llx -> 0x%lx", pfn,
			      (unsigned long long)pgprot_val(prots[k]), pte_pfn(p));
			check((pte_val(p) & ~PTE_PFN_MASK) == pgprot_val(prots[k]), "pfn 0x%lx prot 0x%llx: 0x%llx",
			      pfn, (unsigned long long)pgprot_val(prots[k]), (unsigned long long)pte_val(p));
		}
	}
	/* pte_pfn reads bits 12..51 only: the flags around them do not leak in. */
	check(pte_pfn(__pte(~0ULL)) == MAX_PFN, "all ones -> pfn 0x%lx", pte_pfn(__pte(~0ULL)));
	check(pte_pfn(__pte(~PTE_PFN_MASK)) == 0, "all flags, no pfn");
	group_end("pfn_pte_pte_pfn");
}

static void test_pte_modify(void)
{
	const u64 kept = PTE_PFN_MASK | _PAGE_DIRTY | _PAGE_ACCESSED | _PAGE_SPECIAL;
	const pgprot_t ro = __pgprot(_PAGE_PRESENT | _PAGE_USER | _PAGE_NX);

	for (int i = 0; i < NR_SAMPLES; i++) {
		pte_t p = __pte(sample(i));
		pte_t m = pte_modify(p, ro);

		check(pte_val(m) == ((pte_val(p) & kept) | pgprot_val(ro)), "p 0x%llx -> 0x%llx",
		      (unsigned long long)pte_val(p), (unsigned long long)pte_val(m));
		check(pte_pfn(m) == pte_pfn(p) && !pte_write(m), "p 0x%llx", (unsigned long long)pte_val(p));
		/* mprotect(PROT_NONE): the frame stays, the MMU no longer sees the entry. */
		check(pte_present(pte_modify(p, PAGE_NONE)) && !(pte_val(pte_modify(p, PAGE_NONE)) & _PAGE_PRESENT) &&
		      pte_pfn(pte_modify(p, PAGE_NONE)) == pte_pfn(p), "p 0x%llx", (unsigned long long)pte_val(p));
	}
	/* mprotect's round trip: read-only then read-write gives back a writable entry. */
	pte_t rw = pfn_pte(0x1234, __pgprot(_PAGE_PRESENT | _PAGE_RW | _PAGE_USER));

	check(pte_write(pte_modify(pte_modify(rw, ro), __pgprot(_PAGE_PRESENT | _PAGE_RW | _PAGE_USER))),
	      "read-only then read-write");
	check(pte_dirty(pte_modify(pte_mkdirty(rw), ro)) && pte_young(pte_modify(pte_mkyoung(rw), ro)),
	      "dirty and young survive");
	check(pte_special(pte_modify(pte_mkspecial(rw), ro)), "special survives");
	group_end("pte_modify");
}

static void test_pte_same(void)
{
	for (int i = 0; i < NR_SAMPLES; i++) {
		u64 v = sample(i);

		check(pte_same(__pte(v), __pte(v)), "v 0x%llx", (unsigned long long)v);
		check(!pte_same(__pte(v), __pte(v ^ (1ULL << (i % 64)))), "v 0x%llx bit %d",
		      (unsigned long long)v, i % 64);
	}
	group_end("pte_same");
}

/* pgprot_val drops NX when the CPU has none (__supported_pte_mask), as Linux's massage_pgprot. */
static void test_pgprot_nx(void)
{
	check(pgprot_val(PAGE_KERNEL) & _PAGE_NX, "NX kept when supported");
	__supported_pte_mask = ~_PAGE_NX;
	check(!(pgprot_val(PAGE_KERNEL) & _PAGE_NX), "NX dropped when unsupported");
	check(!(pte_val(pfn_pte(5, PAGE_KERNEL)) & _PAGE_NX) && pte_pfn(pfn_pte(5, PAGE_KERNEL)) == 5,
	      "pfn_pte without NX");
	check(pgprot_val(PAGE_KERNEL) == (PAGE_KERNEL.pgprot & ~_PAGE_NX), "only NX dropped");
	__supported_pte_mask = ~0ULL;
	group_end("pgprot_val_nx");
}

/* The atomic updates, on an entry in memory. */
static void test_pte_memory_ops(void)
{
	for (int i = 0; i < NR_SAMPLES; i++) {
		u64 v = sample(i);
		pte_t entry;
		pmd_t pmd_entry;

		set_pte(&entry, __pte(v));
		check(pte_val(entry) == v, "set_pte 0x%llx", (unsigned long long)v);
		ptep_set_wrprotect(&entry);
		check(pte_val(entry) == (v & ~_PAGE_RW), "ptep_set_wrprotect 0x%llx -> 0x%llx",
		      (unsigned long long)v, (unsigned long long)pte_val(entry));
		set_pte(&entry, __pte(v));
		check(pte_val(ptep_get_and_clear(&entry)) == v && pte_none(entry), "ptep_get_and_clear 0x%llx",
		      (unsigned long long)v);
		set_pmd(&pmd_entry, __pmd(v));
		check(pmd_val(pmdp_get_and_clear(&pmd_entry)) == v && pmd_none(pmd_entry), "pmdp_get_and_clear 0x%llx",
		      (unsigned long long)v);
	}
	group_end("set_pte_ptep_get_and_clear_set_wrprotect");
}

/* ---- PMD ---- */

static void check_pmd_pair(u64 bit, pmd_t (*mk)(pmd_t), pmd_t (*clear)(pmd_t), bool (*test)(pmd_t))
{
	for (int i = 0; i < NR_SAMPLES; i++) {
		pmd_t p = __pmd(sample(i));
		pmd_t set = mk(p);

		check(pmd_val(set) == (pmd_val(p) | bit), "p 0x%llx -> 0x%llx", (unsigned long long)pmd_val(p),
		      (unsigned long long)pmd_val(set));
		check(test(set), "p 0x%llx", (unsigned long long)pmd_val(set));
		if (!clear)
			continue;
		pmd_t cleared = clear(p);

		check(pmd_val(cleared) == (pmd_val(p) & ~bit), "p 0x%llx -> 0x%llx",
		      (unsigned long long)pmd_val(p), (unsigned long long)pmd_val(cleared));
		check(!test(cleared), "p 0x%llx", (unsigned long long)pmd_val(cleared));
		check(!test(clear(mk(p))) && test(mk(clear(p))), "p 0x%llx", (unsigned long long)pmd_val(p));
	}
}

/* A 2 MB leaf as the THP fault makes it: pfn_pmd, then pmd_mkhuge. */
static pmd_t huge_pmd(unsigned long pfn)
{
	return pmd_mkhuge(pfn_pmd(pfn, __pgprot(_PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED)));
}

static void test_pmd_write(void)
{
	check_pmd_pair(_PAGE_RW, pmd_mkwrite, pmd_wrprotect, pmd_write);
	check(!pmd_write(pmd_wrprotect(pmd_mkwrite(huge_pmd(512)))), "wrprotect after mkwrite");
	check(pmd_write(pmd_mkwrite(huge_pmd(512))), "mkwrite");
	group_end("pmd_mkwrite_wrprotect_write");
}

static void test_pmd_dirty(void)
{
	check_pmd_pair(_PAGE_DIRTY, pmd_mkdirty, pmd_mkclean, pmd_dirty);
	group_end("pmd_mkdirty_mkclean_dirty");
}

static void test_pmd_young(void)
{
	check_pmd_pair(_PAGE_ACCESSED, pmd_mkyoung, pmd_mkold, pmd_young);
	group_end("pmd_mkyoung_mkold_young");
}

/* pmd_mkhuge sets PS alone; a leaf (trans huge) is PS and present, a table pointer has no PS. */
static void test_pmd_huge(void)
{
	for (int i = 0; i < NR_SAMPLES; i++) {
		u64 v = sample(i);
		pmd_t p = __pmd(v);
		bool leaf = (v & _PAGE_PRESENT) && (v & _PAGE_PSE);

		check(pmd_val(pmd_mkhuge(p)) == (v | _PAGE_PSE), "v 0x%llx", (unsigned long long)v);
		check(pmd_leaf(p) == leaf && pmd_trans_huge(p) == leaf, "v 0x%llx: leaf %d trans_huge %d",
		      (unsigned long long)v, pmd_leaf(p), pmd_trans_huge(p));
		check(pmd_leaf(pmd_mkhuge(p)) == !!(v & _PAGE_PRESENT), "v 0x%llx", (unsigned long long)v);
	}
	check(pmd_trans_huge(huge_pmd(512)) && pmd_leaf(huge_pmd(512)), "a huge PMD");
	check(!pmd_leaf(__pmd(0x5000 | _KERNPG_TABLE)) && !pmd_trans_huge(__pmd(0x5000 | _PAGE_TABLE)),
	      "a PMD pointing to a PTE table");
	check(!pmd_leaf(__pmd(_PAGE_PSE | 0x200000)), "PS without present");
	group_end("pmd_mkhuge_leaf_trans_huge");
}

static void test_pmd_present_none(void)
{
	for (int i = 0; i < NR_SAMPLES; i++) {
		u64 v = sample(i);

		check(pmd_none(__pmd(v)) == (v == 0), "v 0x%llx", (unsigned long long)v);
		check(pmd_present(__pmd(v)) == !!(v & _PAGE_PRESENT), "v 0x%llx", (unsigned long long)v);
	}
	check(pmd_present(huge_pmd(512)) && !pmd_none(huge_pmd(512)), "a huge PMD");
	check(pmd_present(__pmd(0x5000 | _PAGE_TABLE)), "a table pointer");
	group_end("pmd_present_none");
}

static void test_pmd_pfn(void)
{
	for (int i = 0; i < NR_SAMPLES; i++) {
		unsigned long pfn = sample_pfn(i) & ~(HPAGE_PMD_NR - 1);	/* a 2 MB leaf is 2 MB aligned */
		pmd_t p = pfn_pmd(pfn, PAGE_KERNEL);

		check(pmd_pfn(p) == pfn && pmd_pfn(pmd_mkhuge(p)) == pfn, "pfn 0x%lx -> 0x%lx", pfn, pmd_pfn(p));
		check((pmd_val(p) & ~PTE_PFN_MASK) == pgprot_val(PAGE_KERNEL), "pfn 0x%lx: 0x%llx", pfn,
		      (unsigned long long)pmd_val(p));
		check(pmd_table_pa(__pmd((pfn << PAGE_SHIFT) | _PAGE_TABLE)) == pfn << PAGE_SHIFT, "pfn 0x%lx", pfn);
	}
	check(pmd_pfn(pfn_pmd(MAX_PFN & ~(HPAGE_PMD_NR - 1), __pgprot(0))) == (MAX_PFN & ~(HPAGE_PMD_NR - 1)),
	      "the last 2 MB frame below 2^52");
	check(pmd_pfn(__pmd(~0ULL)) == MAX_PFN, "all ones -> pfn 0x%lx", pmd_pfn(__pmd(~0ULL)));
	group_end("pfn_pmd_pmd_pfn");
}

static void test_pmd_modify(void)
{
	const u64 kept = PTE_PFN_MASK | _PAGE_DIRTY | _PAGE_ACCESSED | _PAGE_SPECIAL | _PAGE_PSE;
	const pgprot_t ro = __pgprot(_PAGE_PRESENT | _PAGE_USER | _PAGE_NX);

	for (int i = 0; i < NR_SAMPLES; i++) {
		pmd_t p = __pmd(sample(i));
		pmd_t m = pmd_modify(p, ro);

		check(pmd_val(m) == ((pmd_val(p) & kept) | pgprot_val(ro)), "p 0x%llx -> 0x%llx",
		      (unsigned long long)pmd_val(p), (unsigned long long)pmd_val(m));
	}
	pmd_t rw = pmd_mkwrite(huge_pmd(1024));
	pmd_t back = pmd_modify(pmd_modify(rw, ro), __pgprot(_PAGE_PRESENT | _PAGE_RW | _PAGE_USER));

	check(pmd_trans_huge(pmd_modify(rw, ro)) && !pmd_write(pmd_modify(rw, ro)), "read-only, still huge");
	check(pmd_write(back) && pmd_trans_huge(back) && pmd_pfn(back) == 1024, "read-only then read-write");
	check(pmd_dirty(pmd_modify(pmd_mkdirty(rw), ro)) && pmd_young(pmd_modify(rw, ro)), "dirty and young survive");
	group_end("pmd_modify");
}

static void test_pmd_same(void)
{
	for (int i = 0; i < NR_SAMPLES; i++) {
		u64 v = sample(i);

		check(pmd_same(__pmd(v), __pmd(v)), "v 0x%llx", (unsigned long long)v);
		check(!pmd_same(__pmd(v), __pmd(v ^ (1ULL << (i % 64)))), "v 0x%llx bit %d",
		      (unsigned long long)v, i % 64);
	}
	group_end("pmd_same");
}

/* ---- the upper levels and the indices ---- */

static void test_upper_levels(void)
{
	pud_t pud_leaf_entry = { (1UL << PUD_SHIFT) | _PAGE_PRESENT | _PAGE_PSE };
	pud_t pud_table = { 0x7000 | _PAGE_TABLE };
	pgd_t pgd = { 0x8000 | _PAGE_TABLE };

	check(pud_leaf(pud_leaf_entry) && !pud_leaf(pud_table), "pud_leaf");
	check(!pud_leaf((pud_t){ _PAGE_PSE }), "pud_leaf without present");
	check(pud_present(pud_table) && !pud_present((pud_t){ 0x7000 }) && pud_none((pud_t){ 0 }) &&
	      !pud_none(pud_table), "pud_present, pud_none");
	check(pud_table_pa(pud_table) == 0x7000 && pud_table_pa((pud_t){ ~0ULL }) == PTE_PFN_MASK, "pud_table_pa");
	check(pgd_present(pgd) && !pgd_present((pgd_t){ 0x8000 }) && pgd_none((pgd_t){ 0 }) && !pgd_none(pgd),
	      "pgd_present, pgd_none");
	check(pgd_table_pa(pgd) == 0x8000 && pgd_table_pa((pgd_t){ ~0ULL }) == PTE_PFN_MASK, "pgd_table_pa");
	group_end("pud_pgd");
}

/* *_populate: the entry points at the next table by its physical address, as a table, not a leaf. */
static void test_populate(void)
{
	pgd_t pgd = { 0 };
	pud_t pud = { 0 };
	pmd_t pmd = __pmd(0);

	pgd_populate(NULL, &pgd, (pud_t *)__va(0x9000));
	pud_populate(NULL, &pud, (pmd_t *)__va(0x7000));
	pmd_populate(NULL, &pmd, (pte_t *)__va(0x5000));
	check(pgd_present(pgd) && pgd_table_pa(pgd) == 0x9000, "pgd_populate points at the PUD table");
	check(pud_present(pud) && !pud_leaf(pud) && pud_table_pa(pud) == 0x7000, "pud_populate: a table, not a 1 GB leaf");
	check(pmd_present(pmd) && !pmd_leaf(pmd) && !pmd_trans_huge(pmd) && pmd_table_pa(pmd) == 0x5000,
	      "pmd_populate: a table, not a 2 MB leaf");
	check((pmd_val(pmd) & (_PAGE_RW | _PAGE_USER)) == (_PAGE_RW | _PAGE_USER),
	      "a populated PMD lets the PTEs decide (RW and USER set)");
	group_end("populate");
}

static void test_indices(void)
{
	for (int i = 0; i < NR_SAMPLES; i++) {
		unsigned long va = xorshift64() & ((1UL << 48) - 1);
		unsigned long rebuilt = (pgd_index(va) << PGDIR_SHIFT) | (pud_index(va) << PUD_SHIFT) |
					(pmd_index(va) << PMD_SHIFT) | (pte_index(va) << PAGE_SHIFT) |
					(va & ~PAGE_MASK);

		check(rebuilt == va, "va 0x%lx -> 0x%lx", va, rebuilt);
	}
	check(pgd_index(TASK_SIZE) == USER_PGD_ENTRIES - 1, "TASK_SIZE in the last user PGD slot");
	check(pgd_index(PAGE_OFFSET) == 273 && pgd_index(KERNEL_BASE) == 511, "the kernel's PGD slots");
	check(pud_index(KERNEL_BASE) == 510 && pmd_index(KERNEL_BASE) == 0, "the kernel image at -2 GB");
	group_end("pgd_pud_pmd_pte_index");
}

/*
 * Migration entries (mm/swapops.h): type, PFN, young and dirty survive the
 * trip through a PTE and a PMD; the entry is neither present nor none, and
 * the PMD form is no huge leaf.
 */
static void test_migration_entries(void)
{
	for (int i = 0; i < NR_SAMPLES; i++) {
		unsigned long pfn = xorshift64() & SWP_PFN_MASK;
		bool write = i & 1, young = i & 2, dirty = i & 4;
		swp_entry_t e = write ? make_writable_migration_entry(pfn) :
					make_readable_migration_entry(pfn);
		swp_entry_t back;
		pte_t pte;
		pmd_t pmd;

		if (young)
			e = make_migration_entry_young(e);
		if (dirty)
			e = make_migration_entry_dirty(e);
		pte = swp_entry_to_pte(e);
		pmd = swp_entry_to_pmd(e);
		check(!pte_present(pte) && !pte_none(pte) && is_swap_pte(pte), "pte %#llx", (unsigned long long)pte_val(pte));
		check(is_migration_pte(pte), "pte %#llx", (unsigned long long)pte_val(pte));
		check(!pmd_present(pmd) && !pmd_leaf(pmd) && is_swap_pmd(pmd), "pmd %#llx", (unsigned long long)pmd_val(pmd));
		check(is_pmd_migration_entry(pmd), "pmd %#llx", (unsigned long long)pmd_val(pmd));
		back = pte_to_swp_entry(pte);
		check(back.val == e.val, "%#lx != %#lx", back.val, e.val);
		check(pmd_to_swp_entry(pmd).val == e.val, "pmd %#llx", (unsigned long long)pmd_val(pmd));
		check(swp_offset_pfn(back) == pfn, "pfn %#lx", pfn);
		check(is_writable_migration_entry(back) == write, "pfn %#lx", pfn);
		check(is_migration_entry_young(back) == young, "pfn %#lx", pfn);
		check(is_migration_entry_dirty(back) == dirty, "pfn %#lx", pfn);
	}
	check(SWP_MIGRATION_READ == 24 && SWP_MIGRATION_WRITE == 26, "Linux 6.1's x86-64 types");
	check(!is_swap_pte(__pte(0)) && !is_swap_pmd(__pmd(0)), "none is no swap entry");
	group_end("migration_entry");
}

int main(void)
{
	test_pte_write();
	test_pte_dirty();
	test_pte_young();
	test_pte_special();
	test_pte_present_none();
	test_pte_pfn();
	test_pte_modify();
	test_pte_same();
	test_pgprot_nx();
	test_pte_memory_ops();
	test_pmd_write();
	test_pmd_dirty();
	test_pmd_young();
	test_pmd_huge();
	test_pmd_present_none();
	test_pmd_pfn();
	test_pmd_modify();
	test_pmd_same();
	test_upper_levels();
	test_populate();
	test_indices();
	test_migration_entries();
	printf("1..%d\n", tap_nr);
	return nr_failed_tests ? 1 : 0;
}
