; The first code in the higher half: long_mode_entry (boot.asm) jumps
; here with rdi = the multiboot2 information's physical address. Clear
; .bss, take the boot stack and call x86_64_start_kernel(), which never
; returns. The idle task keeps this stack after boot.
;
; A file of its own because NASM's debug information describes only a
; file's first code section: start64 in .text next to boot.asm's
; .boot.text had no line table gdb could use.

bits 64
%include "arch/x86_64/linkage.inc"

section .text
extern x86_64_start_kernel
extern __bss_start, __bss_end
SYM_FUNC_START start64
	mov r12, rdi			; the stack lives in .bss: keep mbi in a register
	; GRUB zeroes .bss when it loads the ELF; clear it anyway, the
	; multiboot2 specification does not promise it.
	mov rdi, __bss_start
	mov rcx, __bss_end
	sub rcx, rdi
	xor eax, eax
	rep stosb
	mov rdi, r12
	mov rsp, boot_stack_top
	xor ebp, ebp
	push 0				; a zero return address ends backtraces
	call x86_64_start_kernel
.hang:
	cli
	hlt
	jmp .hang
SYM_FUNC_END start64

; A secondary CPU, from the trampoline (trampoline_64.asm): long mode on
; trampoline_pgd, which maps the kernel as init_mm does, with the
; trampoline's GDT and data selectors (start_secondary loads the kernel's
; before it leaves trampoline_pgd, which maps that GDT). Take the stack
; smpboot.c prepared (initial_stack) and call start_secondary(), which
; never returns (Linux: secondary_startup_64 in head_64.S).
extern start_secondary, initial_stack
SYM_FUNC_START secondary_startup_64
	mov rax, initial_stack
	mov rsp, [rax]
	xor ebp, ebp
	push 0				; a zero return address ends backtraces
	mov rax, start_secondary
	call rax
.hang:
	cli
	hlt
	jmp .hang
SYM_FUNC_END secondary_startup_64

; The boot CPU's kernel stack: the idle task keeps it after boot.
section .bss
align 16
global boot_stack, boot_stack_top
boot_stack:	resb 16384
boot_stack_top:
