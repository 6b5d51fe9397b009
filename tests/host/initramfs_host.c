/*
 * Host unit test of the initramfs parser and path walk (fs/initramfs.c),
 * run as an ordinary Linux process:
 *
 *   gcc -g -fsanitize=address,undefined -I. tests/host/initramfs_host.c -o /tmp/initramfs_host
 *   /tmp/initramfs_host            # from the top of the tree: it runs tools/mkcpio.py
 *
 * It includes the kernel file itself (so that each case can reset its
 * table) and stubs the four things it needs from the kernel: printk, panic,
 * kmalloc/kzalloc/kfree. Archives come from GNU cpio (`cpio -o -H newc`)
 * and from tools/mkcpio.py, built from a temporary directory; then broken
 * copies of them (truncated at every offset, bad magic, bad hex, huge
 * sizes...) must be refused with a warning, never read out of bounds:
 * AddressSanitizer checks that every archive is an exact-size allocation.
 *
 * Prints "initramfs_host: N checks, F failed"; exits 1 on any failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdarg.h>
#include <unistd.h>

#include <fs/initramfs.c>

/* ---- stubs ---- */

static int warnings;		/* printk lines that start with "WARNING: " */
static int quiet = 1;

void printk(const char *fmt, ...)
{
	va_list ap;

	if (fmt[0] == KERN_SOH[0] && fmt[1])	/* pr_warn's KERN_WARNING level */
		fmt += 2;
	if (!strncmp(fmt, "WARNING: ", 9))
		warnings++;
	if (quiet)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	abort();
}

void *kmalloc(size_t size, gfp_t gfp) { (void)gfp; return malloc(size ? size : 1); }
void *kzalloc(size_t size, gfp_t gfp) { (void)gfp; return calloc(1, size ? size : 1); }
void kfree(const void *p) { free((void *)p); }

/* ---- helpers ---- */

static int checks, failed;

#define CHECK(cond, ...) do { \
	checks++; \
	if (!(cond)) { \
		failed++; \
		printf("FAIL %s:%d: ", __FILE__, __LINE__); \
		printf(__VA_ARGS__); \
		printf("\n"); \
	} \
} while (0)

/* Forget the table, as if the machine had just booted. */
static void table_reset(void)
{
	for (int i = 0; i < nr_entries; i++)
		free((void *)entries[i].name);
	free(entries);
	free(entry_dev);
	entries = NULL;
	entry_dev = NULL;
	nr_entries = max_entries = 0;
}

static void *archive;
static size_t archive_size;

/* Parse size bytes of buf from an exact-size copy (ASan sees any overread). */
static void parse(const void *buf, size_t size)
{
	void *copy = malloc(size ? size : 1);

	table_reset();
	memcpy(copy, buf, size);
	free(archive);
	archive = copy;
	archive_size = size;
	warnings = 0;
	initramfs_init(copy, size);
}

static void *read_whole(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, 2);
	n = ftell(f);
	fseek(f, 0, 0);
	buf = malloc(n ? n : 1);
	if (fread(buf, 1, n, f) != (size_t)n) {
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	*size = n;
	return buf;
}

static void write_file(const char *dir, const char *name, const char *text, int mode)
{
	char cmd[512];
	FILE *f;

	snprintf(cmd, sizeof(cmd), "%s/%s", dir, name);
	f = fopen(cmd, "w");
	if (!f) {
		perror(cmd);
		exit(2);
	}
	fputs(text, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "chmod %o '%s/%s'", mode, dir, name);
	if (system(cmd))
		exit(2);
}

static void run(const char *cmd)
{
	if (system(cmd)) {
		fprintf(stderr, "initramfs_host: failed: %s\n", cmd);
		exit(2);
	}
}

static const struct initramfs_entry *L(const char *path)
{
	return initramfs_lookup(path);
}

static bool data_is(const struct initramfs_entry *e, const char *text)
{
	return e && e->size == strlen(text) && !memcmp(e->data, text, e->size);
}

/* The names of dir's children, sorted and space-separated, in out. */
static void children(const char *dir, char *out, size_t size)
{
	const struct initramfs_entry *d = initramfs_find(dir), *e;
	const char *names[64];
	int n = 0;
	size_t len = 0;

	out[0] = '\0';
	if (!d)
		return;
	for (unsigned long pos = 0; (e = initramfs_next_child(d, &pos)) && n < 64; pos++)
		names[n++] = e->base;
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
			const char *t = names[j];

			names[j] = names[j - 1];
			names[j - 1] = t;
		}
	for (int i = 0; i < n; i++)
		len += snprintf(out + len, size - len, "%s%s", i ? " " : "", names[i]);
}

/* ---- the cases ---- */

static char tmpdir[] = "/tmp/initramfs_hostXXXXXX";

static void make_tree(void)
{
	char cmd[1024];

	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		exit(2);
	}
	snprintf(cmd, sizeof(cmd), "mkdir -p %s/t/tests %s/t/d1/d2 %s/t/dev", tmpdir, tmpdir, tmpdir);
	run(cmd);
	snprintf(cmd, sizeof(cmd), "%s/t", tmpdir);
	write_file(cmd, "init", "#!init program\n", 0755);
	write_file(cmd, "tests/alpha", "alpha data", 0755);
	write_file(cmd, "tests/beta", "beta: a longer file, not a multiple of four", 0644);
	write_file(cmd, "tests/empty", "", 0644);
	write_file(cmd, "d1/d2/deep", "deep", 0600);
	snprintf(cmd, sizeof(cmd), "cd %s/t && ln -s tests/alpha lnk && ln -s /d1/d2 abs && ln -s loop2 loop1 "
		 "&& ln -s loop1 loop2 && ln -s ../init tests/up && ln -s / root", tmpdir);
	run(cmd);
}

static void check_tree(bool hard_links)
{
	const struct initramfs_entry *e;
	char list[512];

	e = L("/init");
	CHECK(data_is(e, "#!init program\n"), "/init has its data");
	CHECK(e && S_ISREG(e->mode) && initramfs_is_exec(e), "/init is an executable file");
	CHECK(e && e->parent == 0, "/init's parent is the root");
	e = L("/");
	CHECK(e && initramfs_is_dir(e) && e == &entries[0], "/ is entries[0], a directory");
	CHECK(L("/tests") && initramfs_is_dir(L("/tests")), "/tests is a directory");
	CHECK(data_is(L("/tests/alpha"), "alpha data"), "/tests/alpha");
	CHECK(data_is(L("/tests/beta"), "beta: a longer file, not a multiple of four"), "/tests/beta");
	CHECK(L("/tests/beta") && !initramfs_is_exec(L("/tests/beta")), "/tests/beta is not executable");
	CHECK(L("/tests/empty") && L("/tests/empty")->size == 0, "/tests/empty is empty");
	CHECK(data_is(L("/d1/d2/deep"), "deep"), "/d1/d2/deep");
	CHECK(L("/d1/d2/deep") && (L("/d1/d2/deep")->mode & 0777) == 0600, "/d1/d2/deep mode 0600");

	/* spellings of one path */
	CHECK(L("tests/alpha") == L("/tests/alpha"), "relative path");
	CHECK(L("//tests///alpha") == L("/tests/alpha"), "repeated slashes");
	CHECK(L("/./tests/./alpha") == L("/tests/alpha"), "dot components");
	CHECK(L("/tests/../init") == L("/init"), "dotdot");
	CHECK(L("/../../init") == L("/init"), "dotdot above the root");
	CHECK(L("/tests/") == L("/tests"), "trailing slash on a directory");
	CHECK(!L("/init/"), "trailing slash on a file");
	CHECK(!L("/init/.") && !L("/init/.."), "a file is not a directory, even for . and ..");
	CHECK(L("/root") == L("/") && L("/root/init") == L("/init"), "a symlink to /");
	CHECK(!L("/init/x"), "a file as a directory");
	CHECK(!L("/nope") && !L("/tests/nope") && !L("/nope/x") && !L(""), "missing names");

	/* symlinks */
	e = initramfs_find("/lnk");
	CHECK(e && initramfs_is_symlink(e) && e->size == strlen("tests/alpha"), "/lnk is a symlink");
	CHECK(L("/lnk") == L("/tests/alpha"), "relative symlink followed");
	CHECK(L("/abs/deep") == L("/d1/d2/deep"), "absolute symlink in the middle");
	CHECK(L("/tests/up") == L("/init"), "symlink with ..");
	CHECK(!L("/loop1"), "symlink loop");

	/* directory listing */
	children("/", list, sizeof(list));
	CHECK(!strcmp(list, "abs d1 dev init lnk loop1 loop2 root tests"), "children of /: %s", list);
	children("/tests", list, sizeof(list));
	CHECK(!strcmp(list, hard_links ? "alpha beta empty hard up" : "alpha beta empty up"),
	      "children of /tests: %s", list);
	children("/d1", list, sizeof(list));
	CHECK(!strcmp(list, "d2"), "children of /d1: %s", list);
	if (hard_links)
		CHECK(data_is(L("/tests/hard"), "alpha data") && L("/tests/hard")->data == L("/tests/alpha")->data,
		      "both names of a hard link have the data");
	CHECK(warnings == 0, "a good archive gives no warning (%d)", warnings);
}

static void check_walk(void)
{
	struct path_walk w = { 0 };
	int err;

	w.path = malloc(PATH_MAX);
	w.rest = malloc(PATH_MAX);
	err = initramfs_walk(&w, NULL, "/tests/nope", WALK_FOLLOW);
	CHECK(err == -ENOENT && w.last_missing && !strcmp(w.path, "/tests/nope"), "missing last component");
	err = initramfs_walk(&w, NULL, "/nope/x", WALK_FOLLOW);
	CHECK(err == -ENOENT && !w.last_missing, "missing middle component");
	err = initramfs_walk(&w, NULL, "/init/x", WALK_FOLLOW);
	CHECK(err == -ENOTDIR, "file in the middle: ENOTDIR (%d)", err);
	err = initramfs_walk(&w, NULL, "/loop1", WALK_FOLLOW);
	CHECK(err == -ELOOP, "loop: ELOOP (%d)", err);
	err = initramfs_walk(&w, NULL, "/loop1", 0);
	CHECK(err == 0 && S_ISLNK(w.mode), "loop without follow: the link itself");
	err = initramfs_walk(&w, NULL, "/lnk", 0);
	CHECK(err == 0 && S_ISLNK(w.mode) && !strcmp(w.path, "/lnk"), "no follow of the last link");
	err = initramfs_walk(&w, "/d1", "d2/deep", WALK_FOLLOW);
	CHECK(err == 0 && !strcmp(w.path, "/d1/d2/deep"), "relative to a base (%d %s)", err, w.path);
	err = initramfs_walk(&w, "/d1/d2", "..", WALK_FOLLOW);
	CHECK(err == 0 && !strcmp(w.path, "/d1") && S_ISDIR(w.mode), "base and ..");
	err = initramfs_walk(&w, NULL, "/", WALK_FOLLOW);
	CHECK(err == 0 && !strcmp(w.path, "/") && w.entry == &entries[0], "the root");
	{
		char name[300];

		memset(name, 'x', sizeof(name));
		name[0] = '/';
		name[299] = '\0';
		err = initramfs_walk(&w, NULL, name, WALK_FOLLOW);
		CHECK(err == -ENAMETOOLONG, "a component of 298 bytes (%d)", err);
	}
	free(w.path);
	free(w.rest);
}

/* /proc as an overlay, as fs/namei.c sets it up. */
static int fake_overlay(const char *path)
{
	if (strncmp(path, "/proc", 5) || (path[5] && path[5] != '/'))
		return 0;
	if (!strcmp(path, "/proc") || !strcmp(path, "/proc/self"))
		return S_IFDIR;
	if (!strcmp(path, "/proc/meminfo") || !strcmp(path, "/proc/self/status"))
		return S_IFREG;
	return -ENOENT;
}

static void check_overlay(void)
{
	struct path_walk w = { .overlay = fake_overlay };
	int err;

	w.path = malloc(PATH_MAX);
	w.rest = malloc(PATH_MAX);
	err = initramfs_walk(&w, NULL, "/proc/meminfo", WALK_FOLLOW);
	CHECK(err == 0 && !w.entry && S_ISREG(w.mode), "overlay file");
	err = initramfs_walk(&w, NULL, "/proc/self/../meminfo", WALK_FOLLOW);
	CHECK(err == 0 && !w.entry && !strcmp(w.path, "/proc/meminfo"), "overlay with ..");
	err = initramfs_walk(&w, NULL, "/proc/nope", WALK_FOLLOW);
	CHECK(err == -ENOENT && w.last_missing, "overlay: missing");
	err = initramfs_walk(&w, NULL, "/proc/meminfo/x", WALK_FOLLOW);
	CHECK(err == -ENOTDIR, "overlay: file as a directory");
	err = initramfs_walk(&w, NULL, "/proc/..", WALK_FOLLOW);
	CHECK(err == 0 && w.entry == &entries[0], "overlay: back to the archive");
	free(w.path);
	free(w.rest);
}

/* Every prefix of a good archive: refused or parsed, never a crash or an overread. */
static void check_truncated(const void *good, size_t size)
{
	int warned = 0;

	for (size_t n = 0; n < size; n++) {
		parse(good, n);
		if (warnings)
			warned++;
		for (int i = 0; i < nr_entries; i++)
			CHECK(!entries[i].data || ((const char *)entries[i].data >= (const char *)archive &&
				(const char *)entries[i].data + entries[i].size <= (const char *)archive + n),
			      "entry %s inside the archive (cut at %zu)", entries[i].name, n);
	}
	CHECK(warned > 0, "truncated archives give warnings (%d of %zu)", warned, size);
}

/* One header of 110 bytes with the given fields, name, data; returns its length. */
static size_t member(char *out, const char *name, unsigned mode, const char *data, size_t dlen, unsigned nlink)
{
	size_t nlen = strlen(name) + 1, len;

	len = sprintf(out, "070701%08X%08X%08X%08X%08X%08X%08zX%08X%08X%08X%08X%08zX%08X",
		      1, mode, 0, 0, nlink, 0, dlen, 0, 0, 0, 0, nlen, 0);
	memcpy(out + len, name, nlen);
	len += nlen;
	while (len % 4)
		out[len++] = 0;
	memcpy(out + len, data, dlen);
	len += dlen;
	while (len % 4)
		out[len++] = 0;
	return len;
}

static void check_broken(void)
{
	static char buf[8192];
	size_t n;

	/* a good hand-made archive first */
	n = member(buf, "init", S_IFREG | 0755, "xyz", 3, 1);
	n += member(buf + n, "TRAILER!!!", 0, "", 0, 1);
	parse(buf, n);
	CHECK(data_is(L("/init"), "xyz") && warnings == 0, "hand-made archive");

	/* bad magic */
	memcpy(buf, "070707", 6);
	parse(buf, n);
	CHECK(warnings == 1 && !L("/init"), "old-format magic refused");
	memcpy(buf, "\x1f\x8b\x08\x00\x00\x00", 6);
	parse(buf, n);
	CHECK(warnings == 1 && !L("/init"), "gzip refused");
	memcpy(buf, "070701", 6);

	/* bad hex in the mode */
	buf[6 + 8 + 3] = 'g';
	parse(buf, n);
	CHECK(warnings == 1 && !L("/init"), "bad hex refused");
	buf[6 + 8 + 3] = '0';

	/* name size 0, and bigger than the archive */
	n = member(buf, "init", S_IFREG | 0755, "xyz", 3, 1);
	memcpy(buf + 6 + 11 * 8, "00000000", 8);
	parse(buf, n);
	CHECK(warnings == 1 && !L("/init"), "namesize 0 refused");
	memcpy(buf + 6 + 11 * 8, "7FFFFFFF", 8);
	parse(buf, n);
	CHECK(warnings == 1, "huge namesize refused");
	memcpy(buf + 6 + 11 * 8, "FFFFFFFF", 8);
	parse(buf, n);
	CHECK(warnings == 1, "namesize 0xffffffff refused");

	/* file size past the end, and 0xffffffff */
	n = member(buf, "init", S_IFREG | 0755, "xyz", 3, 1);
	memcpy(buf + 6 + 6 * 8, "00001000", 8);
	parse(buf, n);
	CHECK(warnings == 1 && !L("/init"), "filesize past the end refused");
	memcpy(buf + 6 + 6 * 8, "FFFFFFFF", 8);
	parse(buf, n);
	CHECK(warnings == 1 && !L("/init"), "filesize 0xffffffff refused");

	/* a name whose NUL is not where namesize says: skipped, the next member still read */
	n = member(buf, "init", S_IFREG | 0755, "xyz", 3, 1);
	buf[110 + 4] = 'X';			/* overwrite the NUL */
	n += member(buf + n, "other", S_IFREG | 0644, "ok", 2, 1);
	parse(buf, n);
	CHECK(warnings == 1 && !L("/init") && data_is(L("/other"), "ok"), "unterminated name skipped");

	/* unknown file type, and a file used as a directory */
	n = member(buf, "weird", 0170644, "", 0, 1);
	n += member(buf + n, "f", S_IFREG | 0644, "f", 1, 1);
	n += member(buf + n, "f/g", S_IFREG | 0644, "g", 1, 1);
	parse(buf, n);
	CHECK(warnings == 2 && !initramfs_find("/weird") && !initramfs_find("/f/g") && L("/f"),
	      "unknown type and file-as-directory skipped (%d warnings)", warnings);

	/* a "." member (GNU cpio's root) that is not a directory is refused */
	n = member(buf, ".", S_IFREG | 0644, "x", 1, 1);
	n += member(buf + n, "a", S_IFREG | 0644, "a", 1, 1);
	parse(buf, n);
	CHECK(initramfs_is_dir(&entries[0]) && data_is(L("/a"), "a"), "root stays a directory");

	/* implicit parents, later members win, two archives with zero padding between */
	n = member(buf, "x/y/z", S_IFREG | 0644, "one", 3, 1);
	n += member(buf + n, "TRAILER!!!", 0, "", 0, 1);
	memset(buf + n, 0, 512);
	n += 512;
	n += member(buf + n, "x/y/z", S_IFREG | 0644, "two", 3, 1);
	n += member(buf + n, "x", S_IFDIR | 0700, "", 0, 2);
	parse(buf, n);
	CHECK(data_is(L("/x/y/z"), "two") && initramfs_is_dir(L("/x/y")), "second archive wins, parents made");
	CHECK(L("/x") && (L("/x")->mode & 0777) == 0700 && warnings == 0, "explicit directory after its child");

	/* junk after the last archive */
	n = member(buf, "a", S_IFREG | 0644, "a", 1, 1);
	n += member(buf + n, "TRAILER!!!", 0, "", 0, 1);
	memcpy(buf + n, "\0\0junk", 6);
	parse(buf, n + 6);
	CHECK(data_is(L("/a"), "a") && warnings == 1, "junk after the trailer is reported");

	/* an empty archive still has a root */
	parse(buf, 0);
	CHECK(L("/") && initramfs_is_dir(L("/")) && nr_entries == 1, "empty archive: just /");
}

int main(int argc, char **argv)
{
	const char *repo = argc > 1 ? argv[1] : ".";
	char cmd[1024], path[512];
	void *good;
	size_t size;

	if (getenv("VERBOSE"))
		quiet = 0;
	make_tree();

	/* GNU cpio, from `find .` (names "./init", a "." root member, hard link data with the last name) */
	snprintf(cmd, sizeof(cmd), "cd %s/t && ln tests/alpha tests/hard && find . | LC_ALL=C sort | "
		 "cpio -o -H newc --quiet > %s/gnu.cpio", tmpdir, tmpdir);
	run(cmd);
	snprintf(path, sizeof(path), "%s/gnu.cpio", tmpdir);
	good = read_whole(path, &size);
	CHECK(good != NULL, "read %s", path);
	parse(good, size);
	check_tree(true);
	check_walk();
	check_overlay();
	check_truncated(good, size);
	free(good);

	/* tools/mkcpio.py, the archive Pagoda boots (adds dev/console 5:1) */
	snprintf(cmd, sizeof(cmd), "rm %s/t/tests/hard && python3 %s/tools/mkcpio.py %s/t %s/mk.cpio",
		 tmpdir, repo, tmpdir, tmpdir);
	run(cmd);
	snprintf(path, sizeof(path), "%s/mk.cpio", tmpdir);
	good = read_whole(path, &size);
	CHECK(good != NULL, "read %s", path);
	parse(good, size);
	check_tree(false);
	{
		const struct initramfs_entry *c = initramfs_find("/dev/console");

		CHECK(c && S_ISCHR(c->mode) && c->rdev == MKDEV(5, 1) && MAJOR(c->rdev) == 5 && MINOR(c->rdev) == 1,
		      "/dev/console is char 5:1");
	}
	free(good);

	check_broken();

	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	run(cmd);
	table_reset();
	free(archive);
	printf("initramfs_host: %d checks, %d failed\n", checks, failed);
	return failed ? 1 : 0;
}
