/*
 * Descriptor tables: the GDT (Linux's selector layout), the TSS (the kernel
 * stack the CPU switches to on an interrupt from user mode, and a separate
 * IST stack for double faults) and the IDT (all 256 vectors go to entry.asm).
 *
 * The GDT, the TSS and the double-fault stack are per CPU (Linux:
 * gdt_page, cpu_tss_rw and the exception stacks are per-CPU variables): a
 * TSS descriptor is marked busy by ltr, so two CPUs cannot load the same
 * one, and each CPU's rsp0 is its own running task's stack. The IDT is
 * shared: every CPU loads the same table (load_current_idt).
 */
#include <arch/x86_64/desc.h>
#include <kernel/kernel.h>
#include <arch/x86_64/ptrace.h>
#include <arch/x86_64/processor.h>
#include <lib/string.h>
#include <kernel/smp.h>

struct tss {
	u32 reserved0;
	u64 rsp0, rsp1, rsp2;
	u64 reserved1;
	u64 ist[7];
	u64 reserved2;
	u16 reserved3;
	u16 iomap_base;
} __attribute__((packed));

struct idt_entry {
	u16 offset_low;
	u16 selector;
	u8 ist;
	u8 type_attr;
	u16 offset_mid;
	u32 offset_high;
	u32 zero;
} __attribute__((packed));

struct desc_ptr {
	u16 size;
	u64 address;
} __attribute__((packed));

#define GDT_ENTRIES	(GDT_ENTRY_TSS + 2)

static const u64 gdt_template[GDT_ENTRIES] = {
	[0] = 0,
	[1] = 0x00cf9b000000ffff,	/* __KERNEL32_CS */
	[2] = 0x00af9b000000ffff,	/* __KERNEL_CS: 64-bit, DPL 0 */
	[3] = 0x00cf93000000ffff,	/* __KERNEL_DS */
	[4] = 0x00cffb000000ffff,	/* __USER32_CS */
	[5] = 0x00cff3000000ffff,	/* __USER_DS: DPL 3 */
	[6] = 0x00affb000000ffff,	/* __USER_CS: 64-bit, DPL 3 */
};

static u64 gdt_page[NR_CPUS][GDT_ENTRIES] __aligned(16);
static struct tss cpu_tss[NR_CPUS] __aligned(16);
static struct idt_entry idt[256] __aligned(16);
/* IST1: a double fault gets a known-good stack, one per CPU. */
static u8 df_stack[NR_CPUS][4096] __aligned(16);
extern u64 isr_table[256];

static void set_tss_descriptor(u64 *gdt, const struct tss *tss)
{
	u64 base = (u64)tss;
	u64 limit = sizeof(*tss) - 1;

	gdt[GDT_ENTRY_TSS] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
			     (0x89UL << 40) | (((limit >> 16) & 0xf) << 48) |
			     (((base >> 24) & 0xff) << 56);
	gdt[GDT_ENTRY_TSS + 1] = base >> 32;
}

static void load_gdt_and_segments(const u64 *gdt)
{
	struct desc_ptr p = { sizeof(gdt_page[0]) - 1, (u64)gdt };

	__asm__ __volatile__(
		"lgdt %0\n\t"
		"pushq %1\n\t"
		"leaq 1f(%%rip), %%rax\n\t"
		"pushq %%rax\n\t"
		"lretq\n"
		"1:\n\t"
		"movl %2, %%eax\n\t"
		"movl %%eax, %%ds\n\t"
		"movl %%eax, %%es\n\t"
		"movl %%eax, %%ss\n\t"
		"xorl %%eax, %%eax\n\t"
		"movl %%eax, %%fs\n\t"
		"movl %%eax, %%gs\n\t"
		:: "m"(p), "i"(__KERNEL_CS), "i"(__KERNEL_DS) : "rax", "memory");
	__asm__ __volatile__("ltr %w0" :: "r"(GDT_ENTRY_TSS * 8));
}

static void set_idt_gate(int vec, u64 handler, u8 dpl, u8 ist)
{
	struct idt_entry *e = &idt[vec];

	e->offset_low = handler & 0xffff;
	e->selector = __KERNEL_CS;
	e->ist = ist;
	e->type_attr = 0x80 | (dpl << 5) | 0xe;	/* present, interrupt gate */
	e->offset_mid = (handler >> 16) & 0xffff;
	e->offset_high = handler >> 32;
	e->zero = 0;
}

static void load_current_idt(void)
{
	struct desc_ptr p = { sizeof(idt) - 1, (u64)idt };

	__asm__ __volatile__("lidt %0" :: "m"(p));
}

/*
 * CPU cpu's own GDT and TSS, loaded with the shared IDT (Linux: the
 * descriptor part of cpu_init(): switch_to_new_gdt, load_TR_desc,
 * load_current_idt). Runs on that CPU.
 */
void cpu_load_descriptors(int cpu)
{
	u64 *gdt = gdt_page[cpu];
	struct tss *tss = &cpu_tss[cpu];

	memcpy(gdt, gdt_template, sizeof(gdt_page[cpu]));
	tss->ist[0] = (u64)df_stack[cpu] + sizeof(df_stack[cpu]);
	tss->iomap_base = sizeof(*tss);
	set_tss_descriptor(gdt, tss);
	load_gdt_and_segments(gdt);
	load_current_idt();
}

/* The boot CPU: build the IDT every CPU shares, then load CPU 0's tables. */
void gdt_idt_init(void)
{
	for (int v = 0; v < 256; v++)
		set_idt_gate(v, isr_table[v], 0, v == 8 ? 1 : 0);
	/* int3 may be used from user mode; everything else is kernel-only. */
	set_idt_gate(3, isr_table[3], 3, 0);
	cpu_load_descriptors(0);
}

/* Called on a context switch, on the CPU that switches. */
void tss_set_kernel_stack(unsigned long top)
{
	cpu_tss[smp_processor_id()].rsp0 = top;
}
