/* Shared by the host test files: the fake machine (arena, firmware tables) and the log. */
#ifndef _HOST_HOST_H
#define _HOST_HOST_H

#include <kernel/types.h>

/* Physical memory of the fake machine: pa lives at host_arena + pa. */
extern unsigned char *host_arena;
extern size_t host_arena_size;

/* Everything printk() printed since the fake machine booted. */
extern char *host_log;
extern size_t host_log_len;
extern int host_verbose;

/* ---- fake ACPI firmware (fake_acpi.c) ---- */

struct fw_cpu {
	u32 apicid;
	u32 pxm;
	bool disabled;
	bool x2apic;		/* SRAT type 2 and MADT type 9 instead of 0 and 0 */
};

struct fw_mem {
	u64 base, len;
	u32 pxm;
	u32 flags;		/* ACPI_SRAT_MEM_*: 0 means a disabled padding entry */
};

struct fw_config {
	bool rsdt_only;		/* ACPI 1.0 RSDP (tag 14): RSDT with 32-bit addresses */
	bool no_srat, no_slit;
	int srat_revision;	/* 0: 3, as QEMU */
	int nr_cpus;
	struct fw_cpu cpus[8];
	int nr_mem;
	struct fw_mem mem[16];
	bool srat_short_cpu_entry;	/* a type 0 entry of length 15: a bad SRAT */
	int slit_n;
	u8 slit[128];
	bool bad_checksum_hpet;	/* an HPET whose checksum is wrong */
};

/* Build the tables in [tables_pa, ...) and the RSDP copy at rsdp_pa; returns the copy's length. */
size_t fw_build(const struct fw_config *cfg, phys_addr_t tables_pa, phys_addr_t rsdp_pa);

#endif
