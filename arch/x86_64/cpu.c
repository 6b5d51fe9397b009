/*
 * CPU setup: feature bits (NX, SMEP, SMAP, 1 GB pages), the FPU/SSE state
 * user programs need, the per-CPU area behind GS, and the syscall MSRs.
 */
#include <arch/x86_64/setup.h>
#include <arch/x86_64/processor.h>
#include <arch/x86_64/pgtable.h>
#include <arch/x86_64/percpu.h>
#include <arch/x86_64/ptrace.h>
#include <arch/x86_64/archrandom.h>
#include <arch/x86_64/desc.h>
#include <kernel/kernel.h>
#include <kernel/smp.h>

bool cpu_has_smep, cpu_has_smap, cpu_has_nx, cpu_has_pdpe1gb, cpu_has_rdrand;
u32 elf_hwcap;		/* AT_HWCAP for new programs: CPUID 1 EDX, as Linux's ELF_HWCAP */
u64 __supported_pte_mask = ~_PAGE_NX;	/* NX allowed once we know the CPU has it */
struct cpu_info cpu_info[NR_CPUS];

extern void entry_SYSCALL_64(void);

static void detect_features(void)
{
	u32 a, b, c, d;

	cpuid(1, 0, &a, &b, &c, &d);
	elf_hwcap = d;
	cpu_has_rdrand = c & (1u << 30);
	cpuid(0x80000001, 0, &a, &b, &c, &d);
	cpu_has_nx = d & (1u << 20);
	cpu_has_pdpe1gb = d & (1u << 26);
	cpuid(7, 0, &a, &b, &c, &d);
	cpu_has_smep = b & (1u << 7);
	cpu_has_smap = b & (1u << 20);
	if (cpu_has_nx)
		__supported_pte_mask = ~0UL;
	printk("CPU: NX %s, SMEP %s, SMAP %s, 1GB pages %s\n",
	       cpu_has_nx ? "on" : "absent", cpu_has_smep ? "on" : "absent",
	       cpu_has_smap ? "on" : "absent", cpu_has_pdpe1gb ? "yes" : "no");
}

/* User programs use SSE (gcc and musl do): let them, and save it per task. */
static void fpu_init(void)
{
	write_cr0((read_cr0() & ~(1UL << 2)) | (1UL << 1));	/* EM off, MP on */
	write_cr4(read_cr4() | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT);
	__asm__ __volatile__("fninit");
}

/*
 * syscall enters at entry_SYSCALL_64 with these RFLAGS bits cleared, the
 * mask Linux uses. NT matters most: user code may set it (popfq), and the
 * kernel must not keep it, since iretq with NT set faults (#GP: no task
 * switch in long mode). The user's own flags, NT included, are in r11 and
 * come back on the return to user mode.
 */
#define SYSCALL_RFLAGS_MASK \
	(X86_EFLAGS_TF | X86_EFLAGS_DF | X86_EFLAGS_IF | X86_EFLAGS_IOPL | X86_EFLAGS_AC | X86_EFLAGS_NT)

static void syscall_init(void)
{
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
	wrmsr(MSR_STAR, ((u64)(__USER32_CS) << 48) | ((u64)__KERNEL_CS << 32));
	wrmsr(MSR_LSTAR, (u64)entry_SYSCALL_64);
	wrmsr(MSR_SYSCALL_MASK, SYSCALL_RFLAGS_MASK);
}

static void percpu_init(int cpu)
{
	struct cpu_info *ci = &cpu_info[cpu];

	ci->self = ci;
	ci->cpu = cpu;
	wrmsr(MSR_GS_BASE, (u64)ci);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
}

/* The control-register bits every CPU runs with (the boot CPU found the features). */
static void cr4_init(void)
{
	write_cr4(read_cr4() | X86_CR4_PGE);
	if (cpu_has_smep)
		write_cr4(read_cr4() | X86_CR4_SMEP);
	if (cpu_has_smap)
		write_cr4(read_cr4() | X86_CR4_SMAP);
	write_cr0(read_cr0() | X86_CR0_WP);
}

void cpu_features_init(void)
{
	detect_features();
	cr4_init();
	fpu_init();
	percpu_init(0);
	syscall_init();
}

/*
 * A secondary CPU's own state, on that CPU (Linux: cpu_init() from
 * start_secondary): its GDT, TSS and the IDT, the CR4 features the boot
 * CPU found (all CPUs of a machine are assumed alike, as Linux mostly
 * does), the FPU, GS pointing at cpu_info[cpu], and the syscall MSRs.
 * Prints nothing: the boot CPU is printing while this runs.
 */
void cpu_init_secondary(int cpu)
{
	cpu_load_descriptors(cpu);
	cr4_init();
	fpu_init();
	percpu_init(cpu);
	syscall_init();
}
