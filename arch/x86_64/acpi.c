/*
 * ACPI tables: find them from the RSDP that GRUB copied into the multiboot2
 * information, check them, log them as Linux does, and read the MADT
 * (Linux: drivers/acpi/acpica/tbutils.c, tbprint.c; arch/x86/kernel/acpi/boot.c).
 *
 *   RSDP (tag 14: ACPI 1.0, tag 15: 2.0+)
 *     |-- RsdtAddress (u32) --> RSDT: header + u32 table addresses
 *     '-- XsdtAddress (u64) --> XSDT: header + u64 table addresses (preferred)
 *                                 |--> FACP --> DSDT, FACS
 *                                 |--> APIC (MADT): local APIC / x2APIC per CPU
 *                                 |--> SRAT, SLIT: read by mm/numa.c
 *                                 '--> HPET, MCFG, WAET ...
 *
 * Tables are read through the direct map (__va): the boot page tables map
 * the first 4 GB, where firmware puts them. Every table is reserved in
 * memblock so that it survives memblock_free_all().
 *
 * Lock order: none; written once at boot, read-only afterwards.
 *
 * Start reading at acpi_table_init().
 */
#include <arch/x86_64/acpi.h>
#include <arch/x86_64/pgtable.h>
#include <kernel/kernel.h>
#include <lib/string.h>
#include <mm/memblock.h>

#define ACPI_MAX_TABLES		64
#define ACPI_REACHABLE_LIMIT	0x100000000UL	/* what the boot page tables map */

struct acpi_table_rsdp {
	char signature[8];		/* "RSD PTR " */
	u8 checksum;			/* bytes 0..19 sum to 0 */
	char oem_id[6];
	u8 revision;			/* 0: ACPI 1.0, 2: ACPI 2.0+ */
	u32 rsdt_physical_address;
	u32 length;			/* ACPI 2.0+: the fields below exist */
	u64 xsdt_physical_address;
	u8 extended_checksum;		/* all length bytes sum to 0 */
	u8 reserved[3];
} __attribute__((packed));

#define ACPI_RSDP_REV0_SIZE	20

/* FADT offsets of the DSDT and FACS pointers (32-bit, then the 64-bit X_ forms). */
#define FADT_FACS	36
#define FADT_DSDT	40
#define FADT_X_FACS	132
#define FADT_X_DSDT	140

struct acpi_table_desc {
	phys_addr_t address;
	const struct acpi_table_header *header;
	bool valid;			/* checksum right (FACS: has none) */
};

static struct acpi_table_desc acpi_tables[ACPI_MAX_TABLES];
static int acpi_nr_tables;

int acpi_nr_cpus;
u32 acpi_cpu_apicid[NR_CPUS];

/* ---- logging, in Linux's format ---- */

/* Up to n characters of s, stopping at NUL, padded with spaces (printf "%-n.ns"). */
static char *acpi_fixed_str(char *out, const char *s, int n)
{
	int i;

	for (i = 0; i < n && s[i]; i++)
		out[i] = (s[i] >= ' ' && s[i] < 0x7f) ? s[i] : '?';
	for (; i < n; i++)
		out[i] = ' ';
	out[n] = '\0';
	return out;
}

/* Uppercase hex with a fixed number of digits ("%0nX": the kernel printk has no %X). */
static char *acpi_hex(char *out, u64 v, int digits)
{
	for (int i = digits - 1; i >= 0; i--, v >>= 4)
		out[i] = "0123456789ABCDEF"[v & 0xf];
	out[digits] = '\0';
	return out;
}

/* "ACPI: SRAT 0x000000003FFE2345 0000D0 (v01 BOCHS  BXPC     00000001 BXPC 00000001)" */
static void acpi_tb_print_table_header(phys_addr_t address, const struct acpi_table_header *h)
{
	char sig[5], addr[17], len[7], oem[7], oem_table[9], oem_rev[9], creator[5], creator_rev[9];

	acpi_fixed_str(sig, h->signature, 4);
	acpi_hex(addr, address, 16);
	acpi_hex(len, h->length, 6);
	if (!memcmp(h->signature, "FACS", 4)) {
		printk("ACPI: %s 0x%s %s\n", sig, addr, len);
		return;
	}
	printk("ACPI: %s 0x%s %s (v%02u %s %s %s %s %s)\n", sig, addr, len, h->revision,
	       acpi_fixed_str(oem, h->oem_id, 6), acpi_fixed_str(oem_table, h->oem_table_id, 8),
	       acpi_hex(oem_rev, h->oem_revision, 8), acpi_fixed_str(creator, (const char *)&h->asl_compiler_id, 4),
	       acpi_hex(creator_rev, h->asl_compiler_revision, 8));
}

static u8 acpi_checksum(const void *p, size_t len)
{
	const u8 *b = p;
	u8 sum = 0;

	while (len--)
		sum += *b++;
	return sum;
}

/* ---- the table list ---- */

/* Add the table at address to the list: check it, log it, keep it from the buddy allocator. */
static const struct acpi_table_header *acpi_tb_install_table(phys_addr_t address)
{
	const struct acpi_table_header *h;
	struct acpi_table_desc *desc;
	bool facs;

	if (!address || address + sizeof(*h) > ACPI_REACHABLE_LIMIT) {
		printk("ACPI: table at 0x%lx is not reachable, ignored\n", (unsigned long)address);
		return NULL;
	}
	h = __va(address);
	facs = !memcmp(h->signature, "FACS", 4);
	if (h->length < (facs ? 64 : sizeof(*h)) || address + h->length > ACPI_REACHABLE_LIMIT) {
		printk("ACPI: table at 0x%lx has a bad length %u, ignored\n", (unsigned long)address, h->length);
		return NULL;
	}
	if (acpi_nr_tables >= ACPI_MAX_TABLES) {
		printk("ACPI: more than %d tables, the rest ignored\n", ACPI_MAX_TABLES);
		return NULL;
	}
	desc = &acpi_tables[acpi_nr_tables++];
	desc->address = address;
	desc->header = h;
	desc->valid = facs || acpi_checksum(h, h->length) == 0;
	acpi_tb_print_table_header(address, h);
	if (!desc->valid) {
		char sig[5];

		printk("ACPI BIOS Warning (bug): Incorrect checksum in table [%s] - 0x%02x, should be 0x%02x\n",
		       acpi_fixed_str(sig, h->signature, 4), h->checksum,
		       (u8)(h->checksum - acpi_checksum(h, h->length)));
	}
	memblock_reserve(address, h->length);
	return h;
}

static u64 acpi_read_u64(const void *p)
{
	u64 v;

	memcpy(&v, p, sizeof(v));	/* XSDT entries are only 4-byte aligned */
	return v;
}

/* The FADT points at the DSDT and FACS; Linux lists them right after it. */
static void acpi_tb_parse_fadt(const struct acpi_table_header *fadt)
{
	const u8 *raw = (const u8 *)fadt;
	u64 facs = *(const u32 *)(raw + FADT_FACS), dsdt = *(const u32 *)(raw + FADT_DSDT);

	if (fadt->length >= FADT_X_DSDT + 8) {
		u64 x_facs = acpi_read_u64(raw + FADT_X_FACS), x_dsdt = acpi_read_u64(raw + FADT_X_DSDT);

		facs = x_facs ? x_facs : facs;
		dsdt = x_dsdt ? x_dsdt : dsdt;
	}
	if (dsdt)
		acpi_tb_install_table(dsdt);
	if (facs)
		acpi_tb_install_table(facs);
}

/* Each entry of the RSDT (u32 addresses) or XSDT (u64 addresses). */
static void acpi_tb_parse_root_table(const struct acpi_table_header *root, size_t entry_size)
{
	const u8 *entry = (const u8 *)(root + 1), *end = (const u8 *)root + root->length;

	for (; entry + entry_size <= end; entry += entry_size) {
		u64 address = entry_size == 8 ? acpi_read_u64(entry) : *(const u32 *)entry;
		const struct acpi_table_header *h = acpi_tb_install_table(address);

		if (h && !memcmp(h->signature, "FACP", 4))
			acpi_tb_parse_fadt(h);
	}
}

static bool acpi_rsdp_valid(const struct acpi_table_rsdp *rsdp, size_t len)
{
	if (len < ACPI_RSDP_REV0_SIZE || memcmp(rsdp->signature, "RSD PTR ", 8)) {
		printk("ACPI: no RSDP signature in the boot loader's copy\n");
		return false;
	}
	if (acpi_checksum(rsdp, ACPI_RSDP_REV0_SIZE)) {
		printk("ACPI: RSDP checksum is wrong\n");
		return false;
	}
	if (rsdp->revision >= 2 && len >= sizeof(*rsdp) && rsdp->length <= len &&
	    acpi_checksum(rsdp, rsdp->length)) {
		printk("ACPI: RSDP extended checksum is wrong\n");
		return false;
	}
	return true;
}

/*
 * rsdp: the RSDP copy in multiboot2 tag 14 or 15, len its size. Walks the
 * XSDT (ACPI 2.0+, if its address is set) or else the RSDT, and records
 * every table. Logs "ACPI: <sig> <address> <length> (<revision> <oem> ...)".
 */
void acpi_table_init(const void *rsdp_copy, size_t len)
{
	const struct acpi_table_rsdp *rsdp = rsdp_copy;
	char oem[7];
	bool xsdt;
	const struct acpi_table_header *root;

	acpi_nr_tables = 0;
	if (!acpi_rsdp_valid(rsdp, len))
		return;
	xsdt = rsdp->revision >= 2 && len >= sizeof(*rsdp) && rsdp->xsdt_physical_address;
	/* The copy's address: GRUB does not say where the firmware's RSDP was. */
	printk("ACPI: RSDP 0x%016lx %06x (v%02u %s)\n", (unsigned long)__pa(rsdp),
	       rsdp->revision >= 2 && len >= sizeof(*rsdp) ? rsdp->length : ACPI_RSDP_REV0_SIZE,
	       rsdp->revision, acpi_fixed_str(oem, rsdp->oem_id, 6));
	root = acpi_tb_install_table(xsdt ? rsdp->xsdt_physical_address : rsdp->rsdt_physical_address);
	if (!root || !acpi_tables[acpi_nr_tables - 1].valid) {
		printk("ACPI: no valid %s, no ACPI tables\n", xsdt ? "XSDT" : "RSDT");
		acpi_nr_tables = 0;
		return;
	}
	acpi_tb_parse_root_table(root, xsdt ? 8 : 4);
}

const struct acpi_table_header *acpi_get_table(const char *sig)
{
	for (int i = 0; i < acpi_nr_tables; i++) {
		const struct acpi_table_desc *desc = &acpi_tables[i];

		if (desc->valid && !memcmp(desc->header->signature, sig, 4))
			return desc->header;
	}
	return NULL;
}

/* ---- MADT: the CPUs ---- */

/* Record an enabled processor once; the MADT's order is the CPU numbering. */
static void acpi_register_lapic(u32 apicid, u32 acpi_id, bool enabled)
{
	if (!enabled || apicid == 0xffffffff)
		return;
	for (int cpu = 0; cpu < acpi_nr_cpus; cpu++)
		if (acpi_cpu_apicid[cpu] == apicid)
			return;
	if (acpi_nr_cpus >= NR_CPUS) {
		printk("ACPI: NR_CPUS/possible_cpus limit of %d reached. Processor %u/0x%x ignored.\n",
		       NR_CPUS, acpi_id, apicid);
		return;
	}
	acpi_cpu_apicid[acpi_nr_cpus++] = apicid;
}

/*
 * Fill acpi_nr_cpus and acpi_cpu_apicid[] from the MADT's local APIC (type
 * 0) and local x2APIC (type 9) entries with the enabled bit. Linux makes
 * the boot CPU number 0 whatever its MADT position; firmware lists it first.
 */
void acpi_parse_madt(void)
{
	const struct acpi_table_madt *madt = (const void *)acpi_get_table("APIC");
	const u8 *p, *end;

	acpi_nr_cpus = 0;
	if (!madt) {
		printk("ACPI: no MADT (APIC table): no CPU list\n");
		return;
	}
	printk("ACPI: Using ACPI (MADT) for SMP configuration information\n");
	p = (const u8 *)(madt + 1);
	end = (const u8 *)madt + madt->header.length;
	while (p + sizeof(struct acpi_subtable_header) <= end) {
		const struct acpi_subtable_header *entry = (const void *)p;

		if (entry->length < sizeof(*entry) || p + entry->length > end)
			break;
		if (entry->type == ACPI_MADT_TYPE_LOCAL_APIC && entry->length >= sizeof(struct acpi_madt_local_apic)) {
			const struct acpi_madt_local_apic *la = (const void *)entry;

			printk("ACPI: LAPIC (acpi_id[0x%02x] lapic_id[0x%02x] %s)\n", la->processor_id, la->id,
			       la->lapic_flags & ACPI_MADT_ENABLED ? "enabled" : "disabled");
			acpi_register_lapic(la->id, la->processor_id, la->lapic_flags & ACPI_MADT_ENABLED);
		} else if (entry->type == ACPI_MADT_TYPE_LOCAL_X2APIC &&
			   entry->length >= sizeof(struct acpi_madt_local_x2apic)) {
			const struct acpi_madt_local_x2apic *x2 = (const void *)entry;

			printk("ACPI: X2APIC (apic_id[0x%02x] uid[0x%02x] %s)\n", x2->local_apic_id, x2->uid,
			       x2->lapic_flags & ACPI_MADT_ENABLED ? "enabled" : "disabled");
			acpi_register_lapic(x2->local_apic_id, x2->uid, x2->lapic_flags & ACPI_MADT_ENABLED);
		}
		p += entry->length;
	}
	printk("smpboot: Allowing %d CPUs, 0 hotplug CPUs\n", acpi_nr_cpus);
}
