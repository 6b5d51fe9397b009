/*
 * Access to user memory for the machine-independent layers (Linux:
 * include/linux/uaccess.h over asm/uaccess.h): mm/ reads and writes the
 * arguments of its system calls (mbind's node mask, move_pages' arrays)
 * through this header, as it reaches the page tables only through
 * arch/x86_64/pgtable.h.
 */
#ifndef _KERNEL_UACCESS_H
#define _KERNEL_UACCESS_H

#include <arch/x86_64/uaccess.h>

#endif
