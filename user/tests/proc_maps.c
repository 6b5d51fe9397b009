/*
 * /proc/self/maps in Linux's format: one line per VMA,
 * "start-end perms offset dev inode [name]", and it follows mmap, a hole
 * punched by munmap (one VMA becomes two), mprotect (three VMAs, the middle
 * one read-only), shared anonymous memory ("s", /dev/zero (deleted)), the
 * heap and the stack.
 */
#include "mmtest.h"

static char maps[16384];

static long read_maps(void)
{
	long fd = sys_openat(AT_FDCWD, "/proc/self/maps", O_RDONLY, 0), n, len = 0;

	if (fd < 0)
		return fd;
	while ((n = sys_read((int)fd, maps + len, sizeof(maps) - 1 - len)) > 0)
		len += n;
	maps[len] = 0;
	sys_close((int)fd);
	return len;
}

/* The maps line that starts at addr, copied into line; 1 if found. */
static int find_line(unsigned long addr, char *line, size_t size)
{
	char prefix[32];
	size_t plen = snprintf(prefix, sizeof(prefix), "%08lx-", addr);

	for (char *l = maps; *l; ) {
		char *nl = strchr(l, '\n');
		size_t len = nl ? (size_t)(nl - l) : strlen(l);

		if (len >= plen && !strncmp(l, prefix, plen)) {
			if (len >= size)
				len = size - 1;
			memcpy(line, l, len);
			line[len] = 0;
			return 1;
		}
		if (!nl)
			break;
		l = nl + 1;
	}
	return 0;
}

static void expect_line(unsigned long start, unsigned long end, const char *perms, const char *what)
{
	char line[256], want[64];

	snprintf(want, sizeof(want), "%08lx-%08lx %s 00000000 00:00 0 ", start, end, perms);
	if (!tap_ok(find_line(start, line, sizeof(line)), "%s: a line starts at %lx", what, start))
		return;
	tap_ok(!strcmp(line, want), "%s: \"%s\"", what, want);
	if (strcmp(line, want))
		tap_diag("got \"%s\"", line);
}

int main(void)
{
	char *p = (char *)sys_mmap(NULL, 8 * PAGE_SIZE, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *s = (char *)sys_mmap(NULL, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE,
				   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	unsigned long a = (unsigned long)p;
	char line[256];
	int here = 0;

	tap_ok((long)p > 0 && (long)s > 0, "mmap 8 private and 2 shared pages");
	tap_ok(read_maps() > 0, "read /proc/self/maps");
	expect_line(a, a + 8 * PAGE_SIZE, "rw-p", "a private anonymous mapping");
	if (tap_ok(find_line((unsigned long)s, line, sizeof(line)), "the shared mapping has a line"))
		tap_ok(strstr(line, " rw-s ") && strstr(line, "/dev/zero (deleted)"),
		       "it is shared (s) and named /dev/zero (deleted): \"%s\"", line);

	sys_munmap(p + 3 * PAGE_SIZE, 2 * PAGE_SIZE);
	read_maps();
	expect_line(a, a + 3 * PAGE_SIZE, "rw-p", "munmap of pages 3-4: the part below");
	expect_line(a + 5 * PAGE_SIZE, a + 8 * PAGE_SIZE, "rw-p", "and the part above");

	sys_mprotect(p + 6 * PAGE_SIZE, PAGE_SIZE, PROT_READ);
	read_maps();
	expect_line(a + 5 * PAGE_SIZE, a + 6 * PAGE_SIZE, "rw-p", "mprotect of page 6: page 5");
	expect_line(a + 6 * PAGE_SIZE, a + 7 * PAGE_SIZE, "r--p", "page 6 read-only");
	expect_line(a + 7 * PAGE_SIZE, a + 8 * PAGE_SIZE, "rw-p", "page 7");

	tap_ok(strstr(maps, "[stack]\n") != NULL, "the stack is named [stack]");
	{
		unsigned long sp = (unsigned long)&here;
		int found = 0;

		for (char *l = maps; *l; ) {
			unsigned long lo = strtoul(l, NULL, 16), hi = strtoul(strchr(l, '-') + 1, NULL, 16);
			char *nl = strchr(l, '\n');

			if (lo <= sp && sp < hi && nl && !strncmp(nl - 7, "[stack]", 7))
				found = 1;
			if (!nl)
				break;
			l = nl + 1;
		}
		tap_ok(found, "the [stack] line covers a local variable");
	}
	sbrk(PAGE_SIZE * 4);
	read_maps();
	tap_ok(strstr(maps, "[heap]\n") != NULL, "after brk grows, the heap is named [heap]");
	return tap_done();
}
