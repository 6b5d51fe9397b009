/*
 * From the boot stub to start_kernel(): read what GRUB handed over in the
 * multiboot2 information (memory map, command line, initramfs module, ACPI
 * RSDP), describe RAM to memblock, find the NUMA nodes, and build the
 * kernel's own page tables (Linux: arch/x86/kernel/setup.c setup_arch()).
 */
#include <arch/x86_64/setup.h>
#include <arch/x86_64/serial.h>
#include <arch/x86_64/desc.h>
#include <arch/x86_64/acpi.h>
#include <arch/x86_64/time.h>
#include <arch/x86_64/pgtable.h>
#include <arch/x86_64/processor.h>
#include <arch/x86_64/smpboot.h>
#include <kernel/kernel.h>
#include <lib/string.h>
#include <mm/memblock.h>
#include <mm/numa.h>

#define MB2_TAG_END		0
#define MB2_TAG_CMDLINE		1
#define MB2_TAG_MODULE		3
#define MB2_TAG_MMAP		6
#define MB2_TAG_ACPI_OLD	14
#define MB2_TAG_ACPI_NEW	15
#define MB2_MEMORY_AVAILABLE	1

struct mb2_tag {
	u32 type;
	u32 size;
};
struct mb2_tag_module {
	u32 type, size;
	u32 mod_start, mod_end;
	char cmdline[];
};
struct mb2_tag_mmap {
	u32 type, size;
	u32 entry_size, entry_version;
	struct { u64 addr, len; u32 type, zero; } entries[];
};

struct boot_params boot_params;
char boot_command_line[COMMAND_LINE_SIZE];
const char *saved_command_line = boot_command_line;

extern char _text[], _end[], __boot_start[];

static const char *e820_type_name(u32 type)
{
	switch (type) {
	case 1: return "usable";
	case 2: return "reserved";
	case 3: return "ACPI data";
	case 4: return "ACPI NVS";
	case 5: return "unusable";
	default: return "unknown";
	}
}

static void parse_mmap(const struct mb2_tag_mmap *t)
{
	unsigned int n = (t->size - sizeof(*t)) / t->entry_size;

	for (unsigned int i = 0; i < n; i++) {
		const u8 *raw = (const u8 *)t->entries + i * t->entry_size;
		u64 addr = *(const u64 *)raw, len = *(const u64 *)(raw + 8);
		u32 type = *(const u32 *)(raw + 16);

		printk("BIOS-e820: [mem 0x%016lx-0x%016lx] %s\n",
		       (unsigned long)addr, (unsigned long)(addr + len - 1), e820_type_name(type));
		if (type == MB2_MEMORY_AVAILABLE)
			memblock_add(addr, len);
	}
}

static void parse_multiboot2(unsigned long mbi_phys)
{
	const u8 *mbi = __va(mbi_phys);
	u32 total = *(const u32 *)mbi;

	boot_params.mbi_phys = mbi_phys;
	boot_params.mbi_size = total;
	for (const u8 *p = mbi + 8; p < mbi + total;) {
		const struct mb2_tag *tag = (const void *)p;

		if (tag->type == MB2_TAG_END)
			break;
		switch (tag->type) {
		case MB2_TAG_CMDLINE:
			strlcpy(boot_command_line, (const char *)(tag + 1), sizeof(boot_command_line));
			break;
		case MB2_TAG_MODULE: {
			const struct mb2_tag_module *m = (const void *)tag;
			if (!boot_params.initrd_size) {
				boot_params.initrd_start = m->mod_start;
				boot_params.initrd_size = m->mod_end - m->mod_start;
			}
			break;
		}
		case MB2_TAG_MMAP:
			parse_mmap((const void *)tag);
			break;
		case MB2_TAG_ACPI_OLD:
		case MB2_TAG_ACPI_NEW:
			/* Prefer the ACPI 2.0 RSDP (XSDT) when GRUB gives both. */
			if (!boot_params.rsdp || tag->type == MB2_TAG_ACPI_NEW) {
				boot_params.rsdp = (const void *)(tag + 1);
				boot_params.rsdp_len = tag->size - sizeof(*tag);
			}
			break;
		}
		p += ALIGN(tag->size, 8);
	}
}

static void reserve_boot_memory(void)
{
	memblock_reserve(0, 0x100000);	/* real-mode IVT, BIOS data, VGA, option ROMs */
	memblock_reserve((phys_addr_t)__boot_start, __pa(_end) - (phys_addr_t)__boot_start);
	memblock_reserve(boot_params.mbi_phys, boot_params.mbi_size);
	if (boot_params.initrd_size)
		memblock_reserve(boot_params.initrd_start, boot_params.initrd_size);
	/* Inside the first MB already, but the trampoline's page must stay ours whatever that becomes. */
	reserve_real_mode();
}

bool cmdline_has(const char *word)
{
	size_t len = strlen(word);

	for (const char *p = boot_command_line; *p;) {
		while (*p == ' ')
			p++;
		if (!strncmp(p, word, len) && (p[len] == ' ' || p[len] == '\0' || p[len] == '='))
			return true;
		while (*p && *p != ' ')
			p++;
	}
	return false;
}

/* The value of "key=value" on the command line, or NULL. Copies into buf. */
const char *cmdline_get(const char *key, char *buf, size_t size)
{
	size_t len = strlen(key);

	for (const char *p = boot_command_line; *p;) {
		while (*p == ' ')
			p++;
		if (!strncmp(p, key, len) && p[len] == '=') {
			size_t n = 0;
			p += len + 1;
			while (p[n] && p[n] != ' ')
				n++;
			if (n >= size)
				n = size - 1;
			memcpy(buf, p, n);
			buf[n] = '\0';
			return buf;
		}
		while (*p && *p != ' ')
			p++;
	}
	return NULL;
}

/* The firmware's NUMA description, read from ACPI and handed to mm/numa.c. */
static struct numa_firmware numa_firmware;

void x86_64_start_kernel(unsigned long mbi_phys)
{
	serial_init();
	tsc_calibrate();
	printk("Pagoda: booting (multiboot2 info at %lx)\n", mbi_phys);
	gdt_idt_init();
	parse_multiboot2(mbi_phys);
	printk("Command line: %s\n", boot_command_line);
	reserve_boot_memory();
	cpu_features_init();
	if (boot_params.rsdp)
		acpi_table_init(boot_params.rsdp, boot_params.rsdp_len);
	else
		printk("ACPI: no RSDP from the boot loader\n");
	acpi_parse_madt();
	prefill_possible_map();
	acpi_numa_init(&numa_firmware);
	numa_init(&numa_firmware);
	paging_init();
	start_kernel();
}
