/*
 * Fake ACPI firmware for the host tests: RSDP, XSDT or RSDT, FACP -> DSDT and
 * FACS, MADT, SRAT, SLIT and an HPET, laid out as QEMU's q35 does, with
 * the variations the tests ask for (struct fw_config).
 */
#include <arch/x86_64/acpi.h>
#include <lib/string.h>
#include "host.h"

struct table_buf {
	u8 data[4096];
	size_t len;
};

static phys_addr_t fw_next;

static u8 checksum_of(const void *p, size_t len)
{
	const u8 *b = p;
	u8 sum = 0;

	while (len--)
		sum += *b++;
	return sum;
}

static void tb_init(struct table_buf *t, size_t header_len)
{
	memset(t, 0, sizeof(*t));
	t->len = header_len;
}

static void tb_add(struct table_buf *t, const void *entry, size_t len)
{
	memcpy(t->data + t->len, entry, len);
	t->len += len;
}

/* Fill the header as QEMU does, checksum, copy into the arena; returns the physical address. */
static phys_addr_t tb_install(struct table_buf *t, const char *sig, u8 revision)
{
	struct acpi_table_header *h = (void *)t->data;
	phys_addr_t pa = fw_next;

	memcpy(h->signature, sig, 4);
	h->length = t->len;
	h->revision = revision;
	memcpy(h->oem_id, "BOCHS ", 6);
	memcpy(h->oem_table_id, "BXPC    ", 8);
	h->oem_revision = 1;
	memcpy(&h->asl_compiler_id, "BXPC", 4);
	h->asl_compiler_revision = 1;
	h->checksum = 0;
	h->checksum = -checksum_of(h, t->len);
	memcpy(__va(pa), t->data, t->len);
	fw_next = ALIGN(pa + t->len, 16);
	return pa;
}

static phys_addr_t build_facs(void)
{
	phys_addr_t pa = fw_next;
	u8 facs[64] = { 'F', 'A', 'C', 'S', 64 };

	memcpy(__va(pa), facs, sizeof(facs));
	fw_next = ALIGN(pa + sizeof(facs), 64);
	return pa;
}

static phys_addr_t build_fadt(phys_addr_t dsdt, phys_addr_t facs)
{
	struct table_buf t;
	u32 facs32 = facs, dsdt32 = dsdt;

	tb_init(&t, 244);
	memcpy(t.data + 36, &facs32, 4);
	memcpy(t.data + 40, &dsdt32, 4);
	memcpy(t.data + 140, &dsdt, 8);		/* X_DSDT; X_FIRMWARE_CTRL left 0 as QEMU */
	return tb_install(&t, "FACP", 3);
}

static phys_addr_t build_madt(const struct fw_config *cfg)
{
	struct table_buf t;
	u8 ioapic[12] = { 1, 12, 0, 0, 0, 0, 0xc0, 0xfe };

	tb_init(&t, sizeof(struct acpi_table_madt));
	for (int i = 0; i < cfg->nr_cpus; i++) {
		const struct fw_cpu *c = &cfg->cpus[i];
		u32 flags = c->disabled ? 0 : ACPI_MADT_ENABLED;

		if (c->x2apic) {
			struct acpi_madt_local_x2apic e = { { ACPI_MADT_TYPE_LOCAL_X2APIC, sizeof(e) }, 0,
							    c->apicid, flags, i };
			tb_add(&t, &e, sizeof(e));
		} else {
			struct acpi_madt_local_apic e = { { ACPI_MADT_TYPE_LOCAL_APIC, sizeof(e) }, i,
							  c->apicid, flags };
			tb_add(&t, &e, sizeof(e));
		}
	}
	tb_add(&t, ioapic, sizeof(ioapic));	/* an I/O APIC entry, to be skipped */
	return tb_install(&t, "APIC", 3);
}

static void srat_add_cpu(struct table_buf *t, const struct fw_cpu *c, int revision)
{
	u32 flags = c->disabled ? 0 : ACPI_SRAT_CPU_ENABLED;

	if (c->x2apic) {
		struct acpi_srat_x2apic_cpu_affinity e = { { ACPI_SRAT_TYPE_X2APIC_CPU_AFFINITY, sizeof(e) },
							   0, c->pxm, c->apicid, flags, 0, 0 };
		tb_add(t, &e, sizeof(e));
	} else {
		struct acpi_srat_cpu_affinity e = { { ACPI_SRAT_TYPE_CPU_AFFINITY, sizeof(e) },
						    c->pxm & 0xff, c->apicid, flags, 0, { 0 }, 0 };

		if (revision >= 2) {
			e.proximity_domain_hi[0] = c->pxm >> 8;
			e.proximity_domain_hi[1] = c->pxm >> 16;
			e.proximity_domain_hi[2] = c->pxm >> 24;
		}
		tb_add(t, &e, sizeof(e));
	}
}

static phys_addr_t build_srat(const struct fw_config *cfg)
{
	struct table_buf t;
	int revision = cfg->srat_revision ? cfg->srat_revision : 3;

	tb_init(&t, sizeof(struct acpi_table_srat));
	((struct acpi_table_srat *)t.data)->table_revision = 1;
	for (int i = 0; i < cfg->nr_cpus; i++)
		srat_add_cpu(&t, &cfg->cpus[i], revision);
	if (cfg->srat_short_cpu_entry) {
		u8 bad[15] = { ACPI_SRAT_TYPE_CPU_AFFINITY, 15, 0, 0x10, 1 };
		tb_add(&t, bad, sizeof(bad));
	}
	for (int i = 0; i < cfg->nr_mem; i++) {
		const struct fw_mem *m = &cfg->mem[i];
		struct acpi_srat_mem_affinity e = { { ACPI_SRAT_TYPE_MEMORY_AFFINITY, sizeof(e) },
						    m->pxm, 0, m->base, m->len, 0, m->flags, 0 };
		tb_add(&t, &e, sizeof(e));
	}
	return tb_install(&t, "SRAT", revision);
}

static phys_addr_t build_slit(const struct fw_config *cfg)
{
	struct table_buf t;
	u64 n = cfg->slit_n;

	tb_init(&t, sizeof(struct acpi_table_slit));
	memcpy(t.data + 36, &n, 8);
	tb_add(&t, cfg->slit, n * n);
	return tb_install(&t, "SLIT", 1);
}

static phys_addr_t build_hpet(bool bad_checksum)
{
	struct table_buf t;
	phys_addr_t pa;

	tb_init(&t, 56);
	pa = tb_install(&t, "HPET", 1);
	if (bad_checksum)
		((struct acpi_table_header *)__va(pa))->checksum += 1;
	return pa;
}

static phys_addr_t build_root(const phys_addr_t *tables, int n, bool rsdt)
{
	struct table_buf t;

	tb_init(&t, sizeof(struct acpi_table_header));
	for (int i = 0; i < n; i++) {
		if (rsdt) {
			u32 a = tables[i];
			tb_add(&t, &a, 4);
		} else {
			tb_add(&t, &tables[i], 8);
		}
	}
	return tb_install(&t, rsdt ? "RSDT" : "XSDT", 1);
}

size_t fw_build(const struct fw_config *cfg, phys_addr_t tables_pa, phys_addr_t rsdp_pa)
{
	phys_addr_t tables[8], dsdt, facs, rsdt, xsdt;
	struct table_buf d;
	u8 *rsdp = __va(rsdp_pa);
	int n = 0;

	fw_next = tables_pa;
	facs = build_facs();
	tb_init(&d, 100);
	dsdt = tb_install(&d, "DSDT", 1);
	tables[n++] = build_fadt(dsdt, facs);
	tables[n++] = build_madt(cfg);
	tables[n++] = build_hpet(cfg->bad_checksum_hpet);
	if (!cfg->no_srat)
		tables[n++] = build_srat(cfg);
	if (!cfg->no_slit && cfg->slit_n)
		tables[n++] = build_slit(cfg);
	rsdt = build_root(tables, n, true);
	xsdt = build_root(tables, n, false);

	memset(rsdp, 0, 36);
	memcpy(rsdp, "RSD PTR ", 8);
	memcpy(rsdp + 9, "BOCHS ", 6);
	rsdp[15] = cfg->rsdt_only ? 0 : 2;
	*(u32 *)(rsdp + 16) = rsdt;
	rsdp[8] = -checksum_of(rsdp, 20);
	if (cfg->rsdt_only)
		return 20;
	*(u32 *)(rsdp + 20) = 36;
	memcpy(rsdp + 24, &xsdt, 8);
	rsdp[32] = -checksum_of(rsdp, 36);
	return 36;
}
