/*
 * startup: the initial stack is what the SysV x86-64 ABI and Linux's ELF
 * loader give a static program, the contract crt0 (and musl, glibc)
 * rely on: %rsp 16-byte aligned and pointing at argc, NULL-terminated
 * argv and envp, and auxv with AT_PAGESZ, AT_ENTRY, AT_PHDR/PHENT/PHNUM
 * and AT_RANDOM (16 random bytes; static glibc reads them first thing).
 */
#include "tap.h"

#define PT_LOAD 1

struct elf64_phdr {
	uint32_t p_type, p_flags;
	uint64_t p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align;
};

extern char _start[];

static int has_pt_load(void)
{
	struct elf64_phdr *ph = (struct elf64_phdr *)getauxval(AT_PHDR);
	unsigned long n = getauxval(AT_PHNUM);

	for (unsigned long i = 0; ph && i < n; i++)
		if (ph[i].p_type == PT_LOAD)
			return 1;
	return 0;
}

int main(int argc, char **argv, char **envp)
{
	unsigned long *sp = (unsigned long *)__start_sp;
	unsigned char *rnd;
	int env_ok = 1;

	tap_is_long(__start_sp & 15, 0, "%%rsp at _start is 16-byte aligned");
	tap_is_long((long)sp[0], argc, "%%rsp points at argc");
	tap_ok(argv == (char **)(sp + 1), "argv follows argc");
	tap_ok(argc >= 1 && argv[0] && argv[0][0], "argv[0] is set (%s)", argc >= 1 ? argv[0] : "-");
	tap_ok(argv[argc] == NULL, "argv[argc] is NULL");
	tap_ok(envp == argv + argc + 1, "envp follows argv's NULL");
	for (char **e = envp; *e; e++)
		if (!strchr(*e, '='))
			env_ok = 0;
	tap_ok(env_ok, "every envp entry has an '='");

	tap_is_long(getauxval(AT_PAGESZ), 4096, "AT_PAGESZ is 4096");
	tap_is_ulong(getauxval(AT_ENTRY), (unsigned long)_start, "AT_ENTRY is _start");
	tap_is_long(getauxval(AT_PHENT), 56, "AT_PHENT is 56");
	tap_ok(getauxval(AT_PHNUM) > 0 && has_pt_load(), "AT_PHDR/AT_PHNUM list a PT_LOAD");
	rnd = (unsigned char *)getauxval(AT_RANDOM);
	if (tap_ok(rnd != NULL, "AT_RANDOM is present")) {
		int nonzero = 0;

		for (int i = 0; i < 16; i++)
			nonzero |= rnd[i];
		tap_ok(nonzero, "its 16 bytes are readable and not all zero");
	}
	return tap_done();
}
