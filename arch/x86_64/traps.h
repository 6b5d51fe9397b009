#ifndef _ARCH_TRAPS_H
#define _ARCH_TRAPS_H
#include <arch/x86_64/ptrace.h>

#define PAGE_FAULT_VECTOR	14
#define LOCAL_TIMER_VECTOR	0xec	/* as Linux */
#define CALL_FUNCTION_VECTOR	0xfc	/* as Linux: smp_call_function_*, TLB shootdown */
#define RESCHEDULE_VECTOR	0xfd	/* as Linux */
#define SPURIOUS_APIC_VECTOR	0xff

void do_trap(struct pt_regs *regs);
struct pt_regs *fixup_bad_iret(struct pt_regs *bad_regs);
void do_page_fault(struct pt_regs *regs, unsigned long error_code);
bool fixup_exception(struct pt_regs *regs);
bool fixup_exception_possible(const struct pt_regs *regs);
void show_regs(const struct pt_regs *regs);
void show_page_fault_error(unsigned long error_code, unsigned long address);
__attribute__((noreturn)) void die(const char *what, struct pt_regs *regs, unsigned long error_code);
void timer_interrupt(void);
#endif
