/* ACPI table lookup from the RSDP that GRUB hands over (multiboot2 tag 14 or 15). */
#ifndef _ARCH_ACPI_H
#define _ARCH_ACPI_H

#include <kernel/types.h>

struct acpi_table_header {
	char signature[4];
	u32 length;
	u8 revision;
	u8 checksum;
	char oem_id[6];
	char oem_table_id[8];
	u32 oem_revision;
	u32 asl_compiler_id;
	u32 asl_compiler_revision;
} __attribute__((packed));

/* rsdp: the copy inside the multiboot2 tag. Logs the tables found. */
void acpi_table_init(const void *rsdp, size_t len);
/* First table with this signature whose checksum is right, or NULL. */
const struct acpi_table_header *acpi_get_table(const char *sig);

/* From the MADT: the processors' local APIC ids. */
#define NR_CPUS 8
extern int acpi_nr_cpus;
extern u32 acpi_cpu_apicid[NR_CPUS];
void acpi_parse_madt(void);

#endif
