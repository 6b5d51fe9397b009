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
/* Allocate zeroed boot memory on a node (NUMA_NO_NODE: any); panics on failure. */
phys_addr_t memblock_phys_alloc_node(phys_addr_t size, phys_addr_t align, int nid);
phys_addr_t memblock_end_of_ram(void);
bool memblock_is_reserved(phys_addr_t addr);

#endif
