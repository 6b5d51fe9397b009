/*
 * struct pt_regs: the registers saved on the kernel stack at every entry
 * from an exception, an interrupt or a system call (entry.asm builds it).
 * Same order as Linux arch/x86/include/asm/ptrace.h, with the vector
 * number in front of orig_rax.
 */
#ifndef _ARCH_PTRACE_H
#define _ARCH_PTRACE_H

#include <kernel/types.h>

struct pt_regs {
	unsigned long r15, r14, r13, r12, rbp, rbx;
	unsigned long r11, r10, r9, r8, rax, rcx, rdx, rsi, rdi;
	unsigned long trapnr;		/* exception vector; 0x80 for a syscall */
	unsigned long orig_rax;		/* hardware error code, or the syscall number */
	/* the frame the CPU pushes (built by hand on syscall entry) */
	unsigned long rip, cs, rflags, rsp, ss;
};

static inline bool user_mode(const struct pt_regs *regs) { return (regs->cs & 3) == 3; }

/* Segment selectors, as Linux lays out its GDT. */
#define __KERNEL32_CS	0x08
#define __KERNEL_CS	0x10
#define __KERNEL_DS	0x18
#define __USER32_CS	0x23
#define __USER_DS	0x2b
#define __USER_CS	0x33
#define GDT_ENTRY_TSS	8

#endif
