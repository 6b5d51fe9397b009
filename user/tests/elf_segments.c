/*
 * What execve maps for a static program, as Linux's ELF loader does
 * (fs/binfmt_elf.c: elf_map, set_brk, padzero):
 *
 * - the text is a private file mapping ("r-xp", a non-zero inode, the
 *   program's path), and its pages are file pages (pagemap bit 61);
 * - the data segment's file pages are a file mapping that ends at the page
 *   holding the last file byte (_edata); the bss beyond that page is a
 *   separate anonymous VMA (inode 0, offset 0);
 * - the bss bytes that share the last file page are zero (padzero), though
 *   the file holds other bytes there, and that page is then an anonymous
 *   copy (bit 61 clear);
 * - on Pagoda, the never-written text VMA has no anon_vma (Linux attaches
 *   one only on the first anonymous fault), while the data VMA has one.
 */
#include "procmaps.h"

extern char _edata[], _end[];
int main(void);

static char data_word[16] = "pagoda data";
/* Never written: the first bss bytes, most likely in the last file page. */
static char bss_probe[512];
/* Makes the bss reach well past the data segment's last file page. */
static char bss_big[8 * PAGE_SIZE];

#define PAGE_UP(a)	(((unsigned long)(a) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1))

static int all_zero(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && !strcmp(s + a - b, suffix);
}

static void check_text(void)
{
	struct maps_entry e;
	uint64_t pm = 0;

	if (!tap_ok(maps_lookup((unsigned long)main, &e), "a VMA holds main()"))
		return;
	tap_is_str(e.perms, "r-xp", "the text VMA is r-xp");
	tap_ok(e.inode != 0 && strcmp(e.dev, "00:00"), "it is file-backed (dev %s inode %lu)",
	       e.dev, e.inode);
	tap_ok(ends_with(e.name, "/elf_segments"), "it is named after the program: \"%s\"", e.name);
	tap_ok(e.offset != 0 && !(e.offset & (PAGE_SIZE - 1)), "its file offset 0x%lx is a page multiple",
	       e.offset);
	tap_ok(pagemap_get(0, (void *)main, &pm) == 0 && (pm & PM_PRESENT), "main's page is present");
	tap_ok((pm & PM_FILE) != 0, "and it is a file page (pagemap bit 61)");
}

static void check_data_and_bss(void)
{
	unsigned long data_end = PAGE_UP(_edata), bss_end = PAGE_UP(_end);
	struct maps_entry e;
	uint64_t pm = 0;

	tap_ok(bss_end > data_end, "the bss reaches past the last file page (%lx > %lx)", bss_end, data_end);
	if (tap_ok(maps_lookup((unsigned long)_edata - 1, &e), "a VMA holds the last data byte")) {
		tap_is_str(e.perms, "rw-p", "the data VMA is rw-p");
		tap_ok(e.inode != 0 && ends_with(e.name, "/elf_segments"),
		       "it is a mapping of the program file (inode %lu, \"%s\")", e.inode, e.name);
		tap_is_ulong(e.end, data_end, "it ends at the page after _edata");
	}
	if (tap_ok(maps_lookup(data_end, &e), "a VMA holds the bss past that page")) {
		tap_is_ulong(e.start, data_end, "the bss VMA starts where the data VMA ends");
		tap_ok(e.end >= bss_end, "it covers the bss up to _end (%lx >= %lx)", e.end, bss_end);
		tap_is_str(e.perms, "rw-p", "the bss VMA is rw-p");
		/* Anonymous: no file. Its name is empty, or [heap] when brk starts at its end. */
		tap_ok(e.inode == 0 && e.offset == 0 && !strcmp(e.dev, "00:00"),
		       "it is anonymous (offset 0x%lx dev %s inode %lu)", e.offset, e.dev, e.inode);
		tap_ok(!e.name[0] || !strcmp(e.name, "[heap]"), "it has no file name: \"%s\"", e.name);
	}
	tap_ok(all_zero(bss_probe, sizeof(bss_probe)), "the bss reads zero");
	tap_ok(all_zero(bss_big, sizeof(bss_big)), "the large bss array reads zero");
	if ((unsigned long)bss_probe < data_end)
		tap_diag("bss_probe shares the last file page: padzero cleared the file's bytes there");
	tap_is_str(data_word, "pagoda data", "initialized data has the file's contents");
	tap_ok(pagemap_get(0, (void *)((unsigned long)_edata - 1), &pm) == 0 && (pm & PM_PRESENT),
	       "the last data page is present");
	tap_ok(!(pm & PM_FILE), "and anonymous: padzero's write copied it (bit 61 clear)");
}

/* Pagoda: which VMAs have an anon_vma ("vma START-END ..." lines of the report). */
static void check_anon_vmas(void)
{
	static char report[16384];
	char pid[16], want[40];
	struct maps_entry text;

	if (!is_pagoda()) {
		tap_diag("not Pagoda: the anon_vma debug file is Pagoda's");
		return;
	}
	data_word[0] = 'P';	/* written now, if padzero did not write the data VMA already */
	snprintf(pid, sizeof(pid), "%d\n", getpid());
	if (!tap_ok(debug_query(PAGODA_DEBUG "anon_vma", pid, report, sizeof(report)) > 0, "read the anon_vma report"))
		return;
	if (tap_ok(maps_lookup((unsigned long)main, &text), "the text VMA is in maps")) {
		snprintf(want, sizeof(want), "vma 0x%lx-", text.start);
		tap_ok(!strstr(report, want), "the never-written text VMA has no anon_vma");
	}
	if (tap_ok(maps_lookup((unsigned long)data_word, &text), "the data VMA is in maps")) {
		snprintf(want, sizeof(want), "vma 0x%lx-", text.start);
		tap_ok(strstr(report, want) != NULL, "the written data VMA has one");
	}
}

int main(void)
{
	check_text();
	check_data_and_bss();
	check_anon_vmas();
	return tap_done();
}
