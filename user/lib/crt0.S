/*
 * crt0.S - process entry point.
 *
 * The kernel enters _start with %rsp pointing at argc, as the SysV x86-64
 * ABI (section 3.4.1) lays out the initial stack:
 *
 *   %rsp ->  argc
 *            argv[0] .. argv[argc-1], NULL
 *            envp[0] .. , NULL
 *            auxv: (type, value) pairs .. (AT_NULL, 0)
 *            ... strings, AT_RANDOM bytes ...
 *
 * %rsp is 16-byte aligned here, and %rbp is cleared to end gdb's backtrace.
 * The rest is done in C (start.c).
 */
	.text
	.globl _start
	.type _start, @function
_start:
	xor	%ebp, %ebp
	mov	%rsp, __start_sp(%rip)	/* kept for the start-up test */
	mov	%rsp, %rdi		/* __libc_start(sp) */
	and	$-16, %rsp		/* in case the kernel got it wrong */
	call	__libc_start
	hlt				/* not reached: __libc_start exits */
	.size _start, . - _start

	.section .note.GNU-stack, "", @progbits
