#ifndef _KERNEL_KALLSYMS_H
#define _KERNEL_KALLSYMS_H
#include <kernel/types.h>
/* "name+0xoff/0xsize" for a kernel text address, or the bare address. */
void kallsyms_sprint(char *buf, size_t size, unsigned long addr);
/* Walk the rbp chain (the kernel is built with frame pointers). */
void dump_backtrace(unsigned long rbp, unsigned long rip);
#endif
