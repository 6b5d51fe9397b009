#ifndef _ARCH_SETUP_H
#define _ARCH_SETUP_H
#include <kernel/types.h>

#define COMMAND_LINE_SIZE 2048

struct boot_params {
	unsigned long mbi_phys, mbi_size;
	phys_addr_t initrd_start;
	size_t initrd_size;
	const void *rsdp;		/* RSDP copy inside the multiboot2 tag */
	size_t rsdp_len;
};

extern struct boot_params boot_params;
extern char boot_command_line[COMMAND_LINE_SIZE];
extern const char *saved_command_line;

bool cmdline_has(const char *word);
const char *cmdline_get(const char *key, char *buf, size_t size);
void cpu_features_init(void);
void cpu_init_secondary(int cpu);	/* on an AP: descriptors, CR4, FPU, GS, syscall MSRs */
void paging_init(void);
void start_kernel(void);
extern bool cpu_has_smep, cpu_has_smap, cpu_has_nx, cpu_has_pdpe1gb;
extern u32 elf_hwcap;		/* AT_HWCAP: CPUID 1 EDX, as Linux's ELF_HWCAP */
#endif
