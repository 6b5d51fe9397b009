/* ACPI table lookup from the RSDP that GRUB hands over (multiboot2 tag 14 or 15). */
#ifndef _ARCH_ACPI_H
#define _ARCH_ACPI_H

#include <kernel/types.h>
#include <kernel/threads.h>	/* NR_CPUS */

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
extern int acpi_nr_cpus;
extern u32 acpi_cpu_apicid[NR_CPUS];
void acpi_parse_madt(void);

/* SRAT and SLIT, read into the table mm/numa.c takes (arch/x86_64/srat.c). */
struct numa_firmware;
void acpi_numa_init(struct numa_firmware *fw);

/* Table layouts (Linux: include/acpi/actbl*.h). All packed, little-endian. */
struct acpi_subtable_header {
	u8 type;
	u8 length;
} __attribute__((packed));

/* SRAT: header, then subtables from offset 48. */
struct acpi_table_srat {
	struct acpi_table_header header;
	u32 table_revision;
	u64 reserved;
} __attribute__((packed));

#define ACPI_SRAT_TYPE_CPU_AFFINITY		0
#define ACPI_SRAT_TYPE_MEMORY_AFFINITY		1
#define ACPI_SRAT_TYPE_X2APIC_CPU_AFFINITY	2
#define ACPI_SRAT_CPU_ENABLED		(1u << 0)
#define ACPI_SRAT_MEM_ENABLED		(1u << 0)
#define ACPI_SRAT_MEM_HOT_PLUGGABLE	(1u << 1)
#define ACPI_SRAT_MEM_NON_VOLATILE	(1u << 2)

struct acpi_srat_cpu_affinity {		/* type 0, length 16 */
	struct acpi_subtable_header header;
	u8 proximity_domain_lo;
	u8 apic_id;
	u32 flags;
	u8 local_sapic_eid;
	u8 proximity_domain_hi[3];
	u32 clock_domain;
} __attribute__((packed));

struct acpi_srat_mem_affinity {		/* type 1, length 40 */
	struct acpi_subtable_header header;
	u32 proximity_domain;
	u16 reserved;
	u64 base_address;
	u64 length;
	u32 reserved1;
	u32 flags;
	u64 reserved2;
} __attribute__((packed));

struct acpi_srat_x2apic_cpu_affinity {	/* type 2, length 24 */
	struct acpi_subtable_header header;
	u16 reserved;
	u32 proximity_domain;
	u32 apic_id;
	u32 flags;
	u32 clock_domain;
	u32 reserved2;
} __attribute__((packed));

/* SLIT: entry[i * locality_count + j] is the distance from PXM i to PXM j. */
struct acpi_table_slit {
	struct acpi_table_header header;
	u64 locality_count;
	u8 entry[];
} __attribute__((packed));

/* MADT ("APIC"): header, local APIC address, flags, then subtables from offset 44. */
struct acpi_table_madt {
	struct acpi_table_header header;
	u32 address;
	u32 flags;
} __attribute__((packed));

#define ACPI_MADT_TYPE_LOCAL_APIC	0
#define ACPI_MADT_TYPE_LOCAL_X2APIC	9
#define ACPI_MADT_ENABLED		(1u << 0)

struct acpi_madt_local_apic {		/* type 0, length 8 */
	struct acpi_subtable_header header;
	u8 processor_id;
	u8 id;
	u32 lapic_flags;
} __attribute__((packed));

struct acpi_madt_local_x2apic {		/* type 9, length 16 */
	struct acpi_subtable_header header;
	u16 reserved;
	u32 local_apic_id;
	u32 lapic_flags;
	u32 uid;
} __attribute__((packed));

_Static_assert(sizeof(struct acpi_table_srat) == 48, "SRAT subtables start at offset 48");
_Static_assert(sizeof(struct acpi_srat_cpu_affinity) == 16, "SRAT type 0 is 16 bytes");
_Static_assert(sizeof(struct acpi_srat_mem_affinity) == 40, "SRAT type 1 is 40 bytes");
_Static_assert(sizeof(struct acpi_srat_x2apic_cpu_affinity) == 24, "SRAT type 2 is 24 bytes");
_Static_assert(sizeof(struct acpi_table_slit) == 44, "SLIT entries start at offset 44");
_Static_assert(sizeof(struct acpi_table_madt) == 44, "MADT subtables start at offset 44");

#endif
