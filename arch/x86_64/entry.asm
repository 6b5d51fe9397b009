; Every way into the kernel: exceptions, interrupts, the syscall
; instruction; and the way back out. Each builds a struct pt_regs
; (arch/x86_64/ptrace.h) on the kernel stack and calls C:
;   exceptions and IRQs -> do_trap(regs)          (arch/x86_64/traps.c)
;   syscall             -> do_syscall_64(regs)    (kernel/syscall.c)
; On the way out to user mode, exit_to_user_mode(regs) runs first: it
; reschedules and delivers signals.

bits 64
%include "arch/x86_64/linkage.inc"

section .text

extern do_trap, do_syscall_64, exit_to_user_mode, fixup_bad_iret

PERCPU_USER_RSP     equ 8
PERCPU_KERNEL_STACK equ 16
USER_DS equ 0x2b
USER_CS equ 0x33

; Offsets in struct pt_regs
PT_RCX    equ 11 * 8
PT_R11    equ 6 * 8
PT_RIP    equ 17 * 8
PT_CS     equ 18 * 8
PT_RFLAGS equ 19 * 8
PT_RSP    equ 20 * 8
PT_SS     equ 21 * 8

%macro PUSH_REGS 0
	push rdi
	push rsi
	push rdx
	push rcx
	push rax
	push r8
	push r9
	push r10
	push r11
	push rbx
	push rbp
	push r12
	push r13
	push r14
	push r15
%endmacro

%macro POP_REGS 0
	pop r15
	pop r14
	pop r13
	pop r12
	pop rbp
	pop rbx
	pop r11
	pop r10
	pop r9
	pop r8
	pop rax
	pop rcx
	pop rdx
	pop rsi
	pop rdi
%endmacro

; Vectors where the CPU pushes no error code get a 0 so that the frame
; always has the same shape.
%macro ISR_NOERR 1
SYM_FUNC_START isr%1
	push 0
	push %1
	jmp interrupt_entry
SYM_FUNC_END isr%1
%endmacro
%macro ISR_ERR 1
SYM_FUNC_START isr%1
	push %1
	jmp interrupt_entry
SYM_FUNC_END isr%1
%endmacro

%assign i 0
%rep 256
%if i == 8 || (i >= 10 && i <= 14) || i == 17 || i == 21 || i == 29 || i == 30
	ISR_ERR i
%else
	ISR_NOERR i
%endif
%assign i i + 1
%endrep

section .rodata
global isr_table:data (256 * 8)
isr_table:
%assign i 0
%rep 256
	dq isr %+ i
%assign i i + 1
%endrep

section .text
; Stack here: trapnr, error code, then the CPU's frame. The vector and error
; code were pushed in the order that makes them trapnr/orig_rax of pt_regs
; (trapnr on top, orig_rax above it in memory). The CS the CPU saved says
; where we came from; each side has its own path, so that a backtrace names
; the one it took.
SYM_FUNC_START interrupt_entry
	test qword [rsp + 24], 3	; CS of the interrupted context
	jz interrupt_from_kernel
	jmp interrupt_from_user
SYM_FUNC_END interrupt_entry

; From user mode: GS holds the user's base until swapgs.
SYM_FUNC_START interrupt_from_user
	swapgs
	cld
	PUSH_REGS
	mov rdi, rsp
	xor ebp, ebp			; backtraces stop at the entry
	call do_trap
	jmp return_to_user
SYM_FUNC_END interrupt_from_user

; From kernel mode: GS is already the kernel's, with one exception. The
; iretq to user mode (iret_to_user) runs after swapgs, so when it faults
; (#GP for a bad CS or SS from rt_sigreturn, #NP, #SS) we are in ring 0 on
; the user's GS. Linux's error_entry checks for exactly that RIP
; (native_irq_return_iret); so do we.
SYM_FUNC_START interrupt_from_kernel
	cld
	PUSH_REGS
	lea rax, [rel iret_to_user]
	cmp [rsp + PT_RIP], rax
	je interrupt_bad_iret
	mov rdi, rsp
	xor ebp, ebp
	call do_trap
	jmp return_to_kernel
SYM_FUNC_END interrupt_from_kernel

; The iretq to user mode faulted: take the kernel's GS back, then let
; fixup_bad_iret (traps.c) rebuild the pt_regs as if the first user
; instruction had faulted, at the top of the stack, and handle the fault
; as one from user mode: the task gets a signal, the kernel lives on.
SYM_FUNC_START interrupt_bad_iret
	swapgs
	mov rdi, rsp
	call fixup_bad_iret
	mov rsp, rax
	mov rdi, rsp
	xor ebp, ebp
	call do_trap
	jmp return_to_user
SYM_FUNC_END interrupt_bad_iret

; syscall: rcx = user rip, r11 = user rflags, RFLAGS masked by SFMASK
; (cpu.c syscall_init: IF, TF, DF, IOPL, AC and NT cleared, as Linux).
SYM_FUNC_START entry_SYSCALL_64
	swapgs
	mov [gs:PERCPU_USER_RSP], rsp
	mov rsp, [gs:PERCPU_KERNEL_STACK]
	push USER_DS			; ss
	push qword [gs:PERCPU_USER_RSP]	; rsp
	push r11			; rflags
	push USER_CS			; cs
	push rcx			; rip
	push rax			; orig_rax: the syscall number
	push 0x80			; trapnr
	PUSH_REGS
	mov rdi, rsp
	xor ebp, ebp
	sti
	call do_syscall_64
	jmp return_to_user
SYM_FUNC_END entry_SYSCALL_64

; Leaving to user mode: reschedule and deliver signals first
; (exit_to_user_mode), with interrupts off from the last check to
; iretq/sysretq. rsp points at the task's user pt_regs.
SYM_FUNC_START return_to_user
	cli
	mov rdi, rsp
	call exit_to_user_mode
	cli
	; sysretq when the frame allows it (rcx = rip, r11 = rflags, canonical
	; rip below the user limit, the flat CS and SS that sysretq loads);
	; otherwise iretq, which loads what the frame says (rt_sigreturn
	; may have asked for another CS or SS).
	mov rcx, [rsp + PT_RIP]
	cmp rcx, [rsp + PT_RCX]
	jne .iret
	mov r11, [rsp + PT_RFLAGS]
	cmp r11, [rsp + PT_R11]
	jne .iret
	mov rax, 0x00007ffffffff000
	cmp rcx, rax
	jae .iret
	cmp qword [rsp + PT_CS], USER_CS
	jne .iret
	cmp qword [rsp + PT_SS], USER_DS
	jne .iret
	POP_REGS
	add rsp, 16			; trapnr, orig_rax
	mov rsp, [rsp + 24]		; the user rsp from the frame
	swapgs
	o64 sysret
.iret:
	POP_REGS
	add rsp, 16
	swapgs
	jmp iret_to_user
SYM_FUNC_END return_to_user

; The only instruction that runs in ring 0 with the user's GS: a fault
; here is recognised by interrupt_from_kernel (see above).
SYM_FUNC_START iret_to_user
	iretq
SYM_FUNC_END iret_to_user

; Back to the interrupted kernel code: GS stays the kernel's.
SYM_FUNC_START return_to_kernel
	POP_REGS
	add rsp, 16
	iretq
SYM_FUNC_END return_to_kernel

; switch_to(prev_rsp_slot, next_rsp): save callee-saved registers on the old
; task's kernel stack, switch stacks, restore the new task's.
SYM_FUNC_START __switch_to_asm
	push rbp
	push rbx
	push r12
	push r13
	push r14
	push r15
	mov [rdi], rsp
	mov rsp, rsi
	pop r15
	pop r14
	pop r13
	pop r12
	pop rbx
	pop rbp
	ret
SYM_FUNC_END __switch_to_asm

; A new task's first return: its kernel stack holds a pt_regs for the user
; context (a copy of the parent's, rax = 0, or the exec'd program's entry).
extern schedule_tail
SYM_FUNC_START ret_from_fork
	call schedule_tail
	jmp return_to_user
SYM_FUNC_END ret_from_fork

; A task created by the kernel (the first user process): rbx = function,
; r12 = its argument, set by copy_thread. The function prepares the user
; registers in pt_regs (kernel_execve) and we leave to user mode.
SYM_FUNC_START ret_from_kernel_thread
	call schedule_tail
	mov rdi, r12
	call rbx
	jmp return_to_user
SYM_FUNC_END ret_from_kernel_thread
