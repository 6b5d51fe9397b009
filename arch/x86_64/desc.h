#ifndef _ARCH_DESC_H
#define _ARCH_DESC_H
void gdt_idt_init(void);		/* boot CPU: the shared IDT, then CPU 0's GDT and TSS */
void cpu_load_descriptors(int cpu);	/* CPU cpu's GDT and TSS, the IDT: runs on cpu */
void tss_set_kernel_stack(unsigned long top);	/* rsp0: entry stack for user-mode interrupts */
#endif
