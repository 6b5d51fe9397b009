/*
 * The kernel's page tables (Linux: arch/x86/mm/init_64.c):
 *
 *   PGD[273] direct map: 0xffff888000000000 + pa, all RAM and the 4 GB
 *            below it, 2 MB pages, NX; 3..4 GB (MMIO: APIC) uncached
 *   PGD[511] kernel image: 0xffffffff80000000 + pa, 4 KB pages, text
 *            read-only+exec, rodata read-only, data and bss read-write NX
 *
 * User page tables share these PGD entries (pgd_alloc copies slots 256..511),
 * so they never change after boot. Page-table pages come from memblock.
 */
#include <arch/x86_64/setup.h>
#include <arch/x86_64/pgtable.h>
#include <kernel/kernel.h>
#include <lib/string.h>
#include <mm/memblock.h>
#include <mm/gfp.h>
#include <mm/mm.h>

extern char _text[], _etext[], _rodata[], _erodata[], _data[], _end[];

static void *early_table(void)
{
	return __va(memblock_phys_alloc_node(PAGE_SIZE, PAGE_SIZE, NUMA_NO_NODE));
}

static pud_t *early_pud(pgd_t *pgd, unsigned long va)
{
	pgd_t *e = pgd + pgd_index(va);

	if (pgd_none(*e))
		set_pgd(e, (pgd_t){ __pa(early_table()) | _KERNPG_TABLE });
	return pud_offset(e, va);
}

static pmd_t *early_pmd(pgd_t *pgd, unsigned long va)
{
	pud_t *pud = early_pud(pgd, va);

	if (pud_none(*pud))
		set_pud(pud, (pud_t){ __pa(early_table()) | _KERNPG_TABLE });
	return pmd_offset(pud, va);
}

static pte_t *early_pte(pgd_t *pgd, unsigned long va)
{
	pmd_t *pmd = early_pmd(pgd, va);

	if (pmd_none(*pmd))
		set_pmd(pmd, __pmd(__pa(early_table()) | _KERNPG_TABLE));
	return pte_offset_kernel(pmd, va);
}

static void map_direct(pgd_t *pgd, phys_addr_t end)
{
	for (phys_addr_t pa = 0; pa < end; pa += PMD_SIZE) {
		u64 prot = pgprot_val(PAGE_KERNEL) | _PAGE_PSE;

		if (pa >= 0xc0000000UL && pa < 0x100000000UL)
			prot |= _PAGE_PCD | _PAGE_PWT;
		set_pmd(early_pmd(pgd, (unsigned long)__va(pa)), __pmd(pa | prot));
	}
}

static pgprot_t kernel_image_prot(unsigned long va)
{
	if (va < (unsigned long)_etext)
		return __pgprot(_PAGE_PRESENT | _PAGE_ACCESSED | _PAGE_GLOBAL);
	if (va < (unsigned long)_erodata)
		return __pgprot(_PAGE_PRESENT | _PAGE_ACCESSED | _PAGE_GLOBAL | _PAGE_NX);
	return PAGE_KERNEL;
}

static void map_kernel_image(pgd_t *pgd)
{
	for (unsigned long va = (unsigned long)_text; va < (unsigned long)_end; va += PAGE_SIZE)
		set_pte(early_pte(pgd, va), pfn_pte(__pa(va) >> PAGE_SHIFT, kernel_image_prot(va)));
}

void paging_init(void)
{
	pgd_t *pgd = early_table();
	phys_addr_t end = max(memblock_end_of_ram(), (phys_addr_t)0x100000000UL);

	end = ALIGN(end, PUD_SIZE);
	map_direct(pgd, end);
	map_kernel_image(pgd);
	init_mm.pgd = pgd;
	switch_mm_irqs_off(&init_mm);
	printk("paging: direct map of %lu MB at %lx, kernel text %lx-%lx\n",
	       (unsigned long)(end >> 20), PAGE_OFFSET, (unsigned long)_text, (unsigned long)_etext);
}
