/*
 * Symbol lookup for backtraces. tools/kallsyms.py writes the table from
 * the first link's `nm` into a fixed-size .kallsyms blob; the second link
 * places it at the same address, so no symbol moves between the links.
 *
 * Blob layout: u64 count; u64 addr[count] (sorted); u32 name_off[count];
 * then the NUL-terminated names.
 */
#include <kernel/kallsyms.h>
#include <kernel/kernel.h>
#include <arch/x86_64/pgtable.h>

extern const u8 kallsyms_blob[];
extern char _text[], _etext[];

static const char *sym_name(u64 count, unsigned long i)
{
	const u64 *addr = (const u64 *)(kallsyms_blob + 8);
	const u32 *off = (const u32 *)(addr + count);
	const char *names = (const char *)(off + count);

	return names + off[i];
}

static bool kallsyms_lookup(unsigned long a, const char **name, unsigned long *offset,
			    unsigned long *size)
{
	u64 count = *(const u64 *)kallsyms_blob;
	const u64 *addr = (const u64 *)(kallsyms_blob + 8);
	unsigned long lo = 0, hi = count;

	if (!count || a < (unsigned long)_text || a >= (unsigned long)_etext || a < addr[0])
		return false;
	while (hi - lo > 1) {
		unsigned long mid = (lo + hi) / 2;
		if (addr[mid] <= a)
			lo = mid;
		else
			hi = mid;
	}
	*name = sym_name(count, lo);
	*offset = a - addr[lo];
	*size = (lo + 1 < count ? addr[lo + 1] : (unsigned long)_etext) - addr[lo];
	return true;
}

void kallsyms_sprint(char *buf, size_t size, unsigned long addr)
{
	const char *name;
	unsigned long off, len;

	if (kallsyms_lookup(addr, &name, &off, &len))
		snprintf(buf, size, "%s+0x%lx/0x%lx", name, off, len);
	else
		snprintf(buf, size, "0x%016lx", addr);
}

void dump_backtrace(unsigned long rbp, unsigned long rip)
{
	char sym[96];

	printk("Call Trace:\n");
	kallsyms_sprint(sym, sizeof(sym), rip);
	printk(" [<%016lx>] %s\n", rip, sym);
	for (int depth = 0; depth < 32; depth++) {
		/* Frames live on kernel stacks in the direct map or in .bss. */
		if (rbp < PAGE_OFFSET || (rbp & 7))
			break;
		unsigned long ret = ((unsigned long *)rbp)[1];
		if (!ret)
			break;
		kallsyms_sprint(sym, sizeof(sym), ret);
		printk(" [<%016lx>] %s\n", ret, sym);
		rbp = ((unsigned long *)rbp)[0];
	}
}
