; The real-mode trampoline that a secondary CPU (AP) starts in (Linux:
; arch/x86/realmode/rm/trampoline_64.S). smpboot.c copies the bytes from
; trampoline_start to trampoline_end to a page below 1 MB and sends the AP
; a STARTUP IPI whose vector is that page's number: the AP wakes in real
; mode with CS = page << 8, IP = 0, i.e. at the copy's first byte.
;
;   16-bit real mode    find our physical base from CS, patch the GDT
;                       pointer and the two far jumps with it, lgdt, PE on
;   32-bit protected    PAE, CR3 = trampoline_pgd, EFER as on the boot CPU
;                       (LME, NXE), paging on
;   64-bit long mode    still at the low copy (identity-mapped by
;                       trampoline_pgd): jump to secondary_startup_64 in
;                       the kernel's text (head64.asm)
;
; The code runs at whatever page it was copied to, so it never uses an
; absolute low address: every reference is an offset from
; trampoline_start, added to the base it computes (ebx). smpboot.c fills
; the header (tr_cr3, tr_efer) before each STARTUP IPI.
;
; It is data to the kernel (.rodata, never executed in place).

%include "arch/x86_64/linkage.inc"

TR_CODE32	equ 0x08
TR_DATA32	equ 0x10
TR_CODE64	equ 0x18

X86_CR0_PE	equ 1 << 0
X86_CR0_WP	equ 1 << 16
X86_CR0_PG	equ 1 << 31
X86_CR4_PAE	equ 1 << 5
MSR_EFER	equ 0xc0000080

%define OFF(label) ((label) - trampoline_start)

section .rodata
align 16
global trampoline_start, trampoline_end, trampoline_header
trampoline_start:
bits 16
	cli
	cld
	mov ax, cs
	mov ds, ax
	mov es, ax
	mov ss, ax
	movzx ebx, ax
	shl ebx, 4			; ebx = physical address of this copy

	lea eax, [ebx + OFF(tr_gdt)]
	mov [OFF(tr_gdt_ptr) + 2], eax
	lea eax, [ebx + OFF(startup_32)]
	mov [OFF(tr_jmp32)], eax
	lea eax, [ebx + OFF(startup_64)]
	mov [OFF(tr_jmp64)], eax

	o32 lgdt [OFF(tr_gdt_ptr)]
	mov eax, cr0
	or eax, X86_CR0_PE
	mov cr0, eax
	jmp dword far [OFF(tr_jmp32)]

bits 32
startup_32:
	mov ax, TR_DATA32
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov fs, ax
	mov gs, ax

	mov eax, cr4
	or eax, X86_CR4_PAE
	mov cr4, eax
	mov eax, [ebx + OFF(tr_cr3)]
	mov cr3, eax

	mov ecx, MSR_EFER
	mov eax, [ebx + OFF(tr_efer)]	; LME, and NXE if the boot CPU has it
	xor edx, edx
	wrmsr

	mov eax, cr0
	or eax, X86_CR0_PG | X86_CR0_WP | X86_CR0_PE
	mov cr0, eax
	jmp far [ebx + OFF(tr_jmp64)]

bits 64
startup_64:
	; Long mode at the low copy: on to the kernel's own text.
	mov rax, secondary_startup_64
	jmp rax

extern secondary_startup_64

align 16
tr_gdt:
	dq 0
	dq 0x00cf9a000000ffff		; TR_CODE32: 32-bit code, 4 GB
	dq 0x00cf92000000ffff		; TR_DATA32: data, 4 GB
	dq 0x00af9a000000ffff		; TR_CODE64: 64-bit code
tr_gdt_end:
tr_gdt_ptr:
	dw tr_gdt_end - tr_gdt - 1
	dd 0				; the base, patched in real mode
tr_jmp32:
	dd 0				; startup_32's physical address, patched
	dw TR_CODE32
tr_jmp64:
	dd 0				; startup_64's physical address, patched
	dw TR_CODE64

; struct trampoline_header (smpboot.c): written by the boot CPU.
align 8
trampoline_header:
tr_cr3:		dd 0			; physical address of trampoline_pgd (< 4 GB)
tr_efer:	dd 0			; EFER's low word for the AP
trampoline_end:
