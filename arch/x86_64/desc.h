#ifndef _ARCH_DESC_H
#define _ARCH_DESC_H
void gdt_idt_init(void);
void tss_set_kernel_stack(unsigned long top);	/* rsp0: entry stack for user-mode interrupts */
#endif
