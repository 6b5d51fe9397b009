/*
 * start.c - from the initial stack to main() and back to exit_group.
 */
#include "ulib.h"

int errno;
char **environ;
unsigned long *__auxv;
unsigned long __start_sp;

int main(int argc, char **argv, char **envp);

/* Called by _start with the kernel's stack pointer; never returns. */
__attribute__((noreturn, used)) void __libc_start(unsigned long *sp)
{
	int argc = (int)sp[0];
	char **argv = (char **)(sp + 1);
	char **envp = argv + argc + 1;
	char **p = envp;

	while (*p)
		p++;
	environ = envp;
	__auxv = (unsigned long *)(p + 1);
	exit(main(argc, argv, envp));
}

unsigned long getauxval(unsigned long type)
{
	for (unsigned long *a = __auxv; a && a[0] != AT_NULL; a += 2)
		if (a[0] == type)
			return a[1];
	return 0;
}

void exit(int code)
{
	sys_exit_group(code);
}

void _exit(int code)
{
	sys_exit_group(code);
}
