; Every way into the kernel: exceptions, interrupts, the syscall
; instruction; and the way back out. Each builds a struct pt_regs
; (arch/x86_64/ptrace.h) on the kernel stack and calls C:
;   exceptions and IRQs -> do_trap(regs)          (arch/x86_64/traps.c)
;   syscall             -> do_syscall_64(regs)    (kernel/syscall.c)
; On the way out to user mode, exit_to_user_mode(regs) runs first: it
; reschedules and delivers signals.

bits 64
section .text

extern do_trap, do_syscall_64, exit_to_user_mode

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
isr%1:
	push 0
	push %1
	jmp interrupt_common
%endmacro
%macro ISR_ERR 1
isr%1:
	push %1
	jmp interrupt_common
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
global isr_table
isr_table:
%assign i 0
%rep 256
	dq isr %+ i
%assign i i + 1
%endrep

section .text
; Stack here: trapnr, error code, then the CPU's frame. The vector and error
; code were pushed in the order that makes them trapnr/orig_rax of pt_regs.
interrupt_common:
	; trapnr was pushed last, so it is on top; pt_regs wants orig_rax above
	; trapnr in memory, which is exactly this order.
	test qword [rsp + 24], 3	; CS of the interrupted context
	jz .from_kernel
	swapgs
.from_kernel:
	cld
	PUSH_REGS
	mov rdi, rsp
	xor ebp, ebp			; backtraces stop at the entry
	call do_trap
	jmp return_from_trap

; syscall: rcx = user rip, r11 = user rflags, interrupts masked by SFMASK.
global entry_SYSCALL_64
entry_SYSCALL_64:
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
	; fall through

; Common exit. Leaving to user mode: reschedule and deliver signals first,
; with interrupts off from the last check to iretq/sysretq.
global return_from_trap
return_from_trap:
	cli
	test qword [rsp + PT_CS], 3
	jz .restore_kernel
	mov rdi, rsp
	call exit_to_user_mode
	cli
	; sysretq when the frame allows it (rcx = rip, r11 = rflags, canonical
	; rip below the user limit); otherwise iretq.
	mov rcx, [rsp + PT_RIP]
	cmp rcx, [rsp + PT_RCX]
	jne .iret_user
	mov r11, [rsp + PT_RFLAGS]
	cmp r11, [rsp + PT_R11]
	jne .iret_user
	mov rax, 0x00007ffffffff000
	cmp rcx, rax
	jae .iret_user
	cmp qword [rsp + PT_CS], USER_CS
	jne .iret_user
	POP_REGS
	add rsp, 16			; trapnr, orig_rax
	mov rsp, [rsp + 24]		; the user rsp from the frame
	swapgs
	o64 sysret
.iret_user:
	POP_REGS
	add rsp, 16
	swapgs
	iretq
.restore_kernel:
	POP_REGS
	add rsp, 16
	iretq

; switch_to(prev_rsp_slot, next_rsp): save callee-saved registers on the old
; task's kernel stack, switch stacks, restore the new task's.
global __switch_to_asm
__switch_to_asm:
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

; A new task's first return: its kernel stack holds a pt_regs for the user
; context (a copy of the parent's, rax = 0, or the exec'd program's entry).
extern schedule_tail
global ret_from_fork
ret_from_fork:
	call schedule_tail
	jmp return_from_trap

; A task created by the kernel (the first user process): rbx = function,
; r12 = its argument, set by copy_thread. The function prepares the user
; registers in pt_regs (kernel_execve) and we leave to user mode.
global ret_from_kernel_thread
ret_from_kernel_thread:
	call schedule_tail
	mov rdi, r12
	call rbx
	jmp return_from_trap
