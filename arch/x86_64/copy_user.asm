; The only instructions in Pagoda that touch user memory. Each may fault;
; the __ex_table entries send a fault to the fixup, which returns what is
; left (see fixup_exception() in traps.c). stac/clac open and close SMAP.

bits 64
%include "arch/x86_64/linkage.inc"

section .text

%macro EX_ENTRY 2
	section __ex_table
	dq %1, %2
	section .text
%endmacro

; unsigned long __copy_user(void *dst, const void *src, unsigned long n)
SYM_FUNC_START __copy_user
	mov rcx, rdx
	stac
.copy:
	rep movsb
	clac
	xor eax, eax
	ret
.copy_fault:
	clac
	mov rax, rcx			; bytes not copied
	ret
SYM_FUNC_END __copy_user
EX_ENTRY __copy_user.copy, __copy_user.copy_fault

; unsigned long __clear_user(void *dst, unsigned long n)
SYM_FUNC_START __clear_user
	mov rcx, rsi
	xor eax, eax
	stac
.clear:
	rep stosb
	clac
	xor eax, eax
	ret
.clear_fault:
	clac
	mov rax, rcx
	ret
SYM_FUNC_END __clear_user
EX_ENTRY __clear_user.clear, __clear_user.clear_fault

; long __strncpy_from_user(char *dst, const char *src, long n)
; Returns the length (without the NUL), n if none within n bytes, or -EFAULT.
SYM_FUNC_START __strncpy_from_user
	xor eax, eax
	stac
.loop:
	cmp rax, rdx
	jae .done
.load:
	mov cl, [rsi + rax]
	mov [rdi + rax], cl
	test cl, cl
	jz .done
	inc rax
	jmp .loop
.done:
	clac
	ret
.str_fault:
	clac
	mov rax, -14
	ret
SYM_FUNC_END __strncpy_from_user
EX_ENTRY __strncpy_from_user.load, __strncpy_from_user.str_fault

; int __futex_atomic_cmpxchg(u32 *uaddr, u32 old, u32 new, u32 *cur)
; One locked compare-and-exchange on a user word (Linux:
; futex_atomic_cmpxchg_inatomic): *cur gets the value found, which equals
; old if new was stored. 0, or -EFAULT.
SYM_FUNC_START __futex_atomic_cmpxchg
	mov eax, esi
	stac
.cmpxchg:
	lock cmpxchg [rdi], edx
	clac
	mov [rcx], eax
	xor eax, eax
	ret
.cmpxchg_fault:
	clac
	mov rax, -14
	ret
SYM_FUNC_END __futex_atomic_cmpxchg
EX_ENTRY __futex_atomic_cmpxchg.cmpxchg, __futex_atomic_cmpxchg.cmpxchg_fault
