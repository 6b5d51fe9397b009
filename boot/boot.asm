; Multiboot2 header and the 32-bit entry: GRUB leaves us in protected mode
; with paging off (eax = 0x36d76289, ebx = physical address of the
; multiboot2 information). We build boot page tables, enter long mode and
; jump to the higher half (head64.asm). None of this runs after
; x86_64_start_kernel().
;
; Boot page tables (2 MB pages everywhere):
;   PML4[0]   -> boot_pdpt_low  : identity map of 0..4 GB (needed while we
;                                 still execute at low addresses)
;   PML4[273] -> boot_pdpt_low  : the direct map, 0xffff888000000000 + pa
;   PML4[511] -> boot_pdpt_high : PDPT[510] maps 0xffffffff80000000 -> pa 0..1 GB

MB2_MAGIC       equ 0xe85250d6
MB2_ARCH_I386   equ 0
KERNEL_VMA      equ 0xffffffff80000000

PTE_P   equ 1 << 0
PTE_W   equ 1 << 1
PTE_PS  equ 1 << 7

%include "arch/x86_64/linkage.inc"

section .multiboot2
align 8
mb2_header:
	dd MB2_MAGIC
	dd MB2_ARCH_I386
	dd mb2_header_end - mb2_header
	dd -(MB2_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
	; end tag
	align 8
	dw 0, 0
	dd 8
mb2_header_end:

section .boot.bss nobits alloc write
align 4096
global boot_pml4, boot_pdpt_low, boot_pdpt_high, boot_pd
boot_pml4:	resb 4096
boot_pdpt_low:	resb 4096
boot_pdpt_high:	resb 4096
boot_pd:	resb 4096 * 4		; four PDs: 0..4 GB
boot_stack32:	resb 4096
boot_stack32_top:

section .boot.data progbits alloc write
align 16
boot_gdt:
	dq 0
	dq 0x00af9a000000ffff		; 64-bit code, ring 0
	dq 0x00cf92000000ffff		; data, ring 0
boot_gdt_end:
boot_gdt_ptr:
	dw boot_gdt_end - boot_gdt - 1
	dq boot_gdt
mb2_info_phys:	dd 0

section .boot.text progbits alloc exec
bits 32
SYM_FUNC_START _start
	cli
	mov esp, boot_stack32_top
	cmp eax, 0x36d76289
	jne .no_multiboot
	mov [mb2_info_phys], ebx

	call check_long_mode
	call build_boot_page_tables

	mov eax, cr4
	or eax, 1 << 5			; PAE
	mov cr4, eax
	mov eax, boot_pml4
	mov cr3, eax

	mov eax, 0x80000001
	cpuid
	mov ebx, edx			; ebx: extended features (mb2 info already saved)
	mov ecx, 0xc0000080		; EFER
	rdmsr
	or eax, 1 << 8			; LME
	test ebx, 1 << 20		; NX supported?
	jz .no_nx
	or eax, 1 << 11			; NXE: needed before any PTE carries NX
.no_nx:
	wrmsr

	mov eax, cr0
	or eax, (1 << 31) | (1 << 16) | 1	; PG, WP, PE
	mov cr0, eax

	lgdt [boot_gdt_ptr]
	jmp 0x08:long_mode_entry

.no_multiboot:
	mov esi, msg_no_mb
	jmp boot_fail
SYM_FUNC_END _start

; Long mode needs CPUID leaf 0x80000001 with the LM bit.
SYM_FUNC_START check_long_mode
	mov eax, 0x80000000
	cpuid
	cmp eax, 0x80000001
	jb .no_lm
	mov eax, 0x80000001
	cpuid
	test edx, 1 << 29
	jz .no_lm
	ret
.no_lm:
	mov esi, msg_no_lm
	jmp boot_fail
SYM_FUNC_END check_long_mode

SYM_FUNC_START build_boot_page_tables
	; four PDs of 512 x 2 MB = 0..4 GB
	mov edi, boot_pd
	mov eax, PTE_P | PTE_W | PTE_PS
	xor edx, edx			; high dword of the physical address
	mov ecx, 2048
.fill_pd:
	mov [edi], eax
	mov [edi + 4], edx
	add eax, 0x200000
	adc edx, 0
	add edi, 8
	loop .fill_pd

	; PDPT low: entries 0..3 -> the four PDs
	mov edi, boot_pdpt_low
	mov eax, boot_pd + (PTE_P | PTE_W)
	mov ecx, 4
.fill_pdpt:
	mov [edi], eax
	add eax, 4096
	add edi, 8
	loop .fill_pdpt

	; PDPT high: entry 510 -> first PD (kernel image at -2 GB)
	mov dword [boot_pdpt_high + 510 * 8], boot_pd + (PTE_P | PTE_W)

	mov dword [boot_pml4 + 0 * 8], boot_pdpt_low + (PTE_P | PTE_W)
	mov dword [boot_pml4 + 273 * 8], boot_pdpt_low + (PTE_P | PTE_W)
	mov dword [boot_pml4 + 511 * 8], boot_pdpt_high + (PTE_P | PTE_W)
	ret
SYM_FUNC_END build_boot_page_tables

; Print esi to COM1 and stop: we cannot do better this early.
SYM_FUNC_START boot_fail
	mov dx, 0x3f8
.next:
	lodsb
	test al, al
	jz .halt
	out dx, al
	jmp .next
.halt:
	hlt
	jmp .halt
SYM_FUNC_END boot_fail

msg_no_mb: db "Pagoda: not loaded by a multiboot2 loader", 13, 10, 0
msg_no_lm: db "Pagoda: this CPU has no long mode (x86-64)", 13, 10, 0

; Still at the low (identity-mapped) address: jump to start64 (head64.asm)
; in the higher half.
bits 64
extern start64
SYM_FUNC_START long_mode_entry
	mov ax, 0x10
	mov ds, ax
	mov es, ax
	mov ss, ax
	xor ax, ax
	mov fs, ax
	mov gs, ax
	mov edi, [mb2_info_phys]
	mov rax, start64
	jmp rax
SYM_FUNC_END long_mode_entry
