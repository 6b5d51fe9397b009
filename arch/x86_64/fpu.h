/*
 * The user's x87/SSE registers (Linux: arch/x86/include/asm/fpu/). The
 * kernel never uses them itself (-mgeneral-regs-only), so they stay in the
 * CPU while the kernel runs and are saved to, or loaded from, the task's
 * 512-byte fxsave area (task_struct.fpu_state, 16-byte aligned) only when
 * another user context takes over: a context switch, a signal frame and
 * its rt_sigreturn, fork, exec.
 */
#ifndef _ARCH_FPU_H
#define _ARCH_FPU_H

#include <kernel/types.h>

#define FPU_STATE_SIZE	512

/* The CPU's user FPU/SSE registers -> fxstate. */
static inline void fpu_save(u8 *fxstate)
{
	__asm__ __volatile__("fxsave64 (%0)" :: "r"(fxstate) : "memory");
}

/* fxstate -> the CPU's registers. A reserved MXCSR bit set makes it fault (#GP). */
static inline void fpu_restore(const u8 *fxstate)
{
	__asm__ __volatile__("fxrstor64 (%0)" :: "r"(fxstate) : "memory");
}

/* The state a new program starts with (fninit's defaults), written to fxstate. */
static inline void fpu_init_state(u8 *fxstate)
{
	__asm__ __volatile__("fninit; fxsave64 (%0)" :: "r"(fxstate) : "memory");
}

#endif
