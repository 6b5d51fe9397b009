/*
 * memblock: the boot-time memory map, before the buddy allocator exists.
 * Ranges of RAM from the multiboot2 memory map, minus reserved ranges
 * (kernel image, modules, multiboot info, boot page tables, mem_map).
 */
#ifndef _MM_MEMBLOCK_H
#define _MM_MEMBLOCK_H

#include <kernel/types.h>

struct memblock_region {
	phys_addr_t base;
	phys_addr_t size;
};

#define MEMBLOCK_MAX_REGIONS 128

struct memblock_type {
	unsigned int cnt;
	struct memblock_region regions[MEMBLOCK_MAX_REGIONS];
};

extern struct memblock_type memblock_memory, memblock_reserved;

void memblock_add(phys_addr_t base, phys_addr_t size);
void memblock_reserve(phys_addr_t base, phys_addr_t size);
phys_addr_t memblock_phys_alloc_node(phys_addr_t size, phys_addr_t align, int nid);
phys_addr_t memblock_phys_alloc_raw(phys_addr_t size, phys_addr_t align, int nid);
phys_addr_t memblock_end_of_ram(void);
bool memblock_is_reserved(phys_addr_t addr);
void memblock_set_current_limit(phys_addr_t limit);
void memblock_dump_all(void);

/* mm/page_alloc.c, for the hand-over (Linux: mm/internal.h). */
struct page;
void memblock_free_pages(struct page *page, unsigned long pfn, unsigned int order);
unsigned long node_run_end(unsigned long pfn, unsigned long end_pfn);

#endif
