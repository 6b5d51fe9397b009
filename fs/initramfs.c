/*
 * The initramfs: a table of the members of a cpio "newc" archive (Linux:
 * init/initramfs.c unpacks the same format into its rootfs).
 *
 * One member in the archive:
 *
 *   offset 0    "070701"                         6 bytes of magic ("070702": with a checksum)
 *          6    ino mode uid gid nlink mtime      13 fields of 8 ASCII hex digits
 *               filesize devmajor devminor
 *               rdevmajor rdevminor namesize check
 *        110    name, NUL included (namesize), padded with NULs so that
 *               110 + namesize is a multiple of 4
 *               data (filesize bytes), padded to a multiple of 4
 *
 * The member named "TRAILER!!!" ends an archive; NUL bytes may pad it, and
 * another archive may follow (a later member of the same name wins, as in
 * Linux).
 *
 * initramfs_init() checks every field against the archive's bounds: a bad
 * member is reported and the parse stops there (or, for a bad name, skips
 * the member), but the machine never crashes on a broken archive.
 *
 * Start reading at initramfs_init(), then initramfs_walk().
 */
#include <fs/initramfs.h>
#include <kernel/kernel.h>
#include <lib/string.h>
#include <kernel/errno.h>
#include <mm/slab.h>

#define CPIO_HDR_LEN	110
#define CPIO_TRAILER	"TRAILER!!!"

/* The 13 header fields, in archive order. */
enum cpio_field {
	F_INO, F_MODE, F_UID, F_GID, F_NLINK, F_MTIME, F_FILESIZE,
	F_DEVMAJOR, F_DEVMINOR, F_RDEVMAJOR, F_RDEVMINOR, F_NAMESIZE, F_CHECK,
	NR_CPIO_FIELDS,
};

static struct initramfs_entry *entries;	/* entries[0] is "/" */
static int nr_entries, max_entries;
static u32 *entry_dev;			/* devmajor:devminor of each member, for hard links */

/* ---- the table ---- */

int initramfs_nr_entries(void)
{
	return nr_entries;
}

int initramfs_index(const struct initramfs_entry *e)
{
	return (int)(e - entries);
}

const struct initramfs_entry *initramfs_parent(const struct initramfs_entry *e)
{
	return e->parent >= 0 ? &entries[e->parent] : e;
}

const struct initramfs_entry *initramfs_find(const char *abs_path)
{
	for (int i = 0; i < nr_entries; i++)
		if (!strcmp(entries[i].name, abs_path))
			return &entries[i];
	return NULL;
}

const struct initramfs_entry *initramfs_next_child(const struct initramfs_entry *dir, unsigned long *pos)
{
	int parent = initramfs_index(dir);

	for (unsigned long i = *pos; i < (unsigned long)nr_entries; i++) {
		if (entries[i].parent == parent) {
			*pos = i;
			return &entries[i];
		}
	}
	return NULL;
}

/* Room for one more entry; the table only grows at boot. */
static bool table_grow(void)
{
	struct initramfs_entry *e;
	u32 *dev;
	int n = max_entries ? 2 * max_entries : 64;

	if (nr_entries < max_entries)
		return true;
	e = kzalloc(n * sizeof(*e), GFP_KERNEL);
	dev = kzalloc(n * sizeof(*dev), GFP_KERNEL);
	if (!e || !dev) {
		kfree(e);
		kfree(dev);
		return false;
	}
	if (entries) {
		memcpy(e, entries, nr_entries * sizeof(*e));
		memcpy(dev, entry_dev, nr_entries * sizeof(*dev));
		kfree(entries);
		kfree(entry_dev);
	}
	entries = e;
	entry_dev = dev;
	max_entries = n;
	return true;
}

static char *kstrndup(const char *s, size_t len)
{
	char *p = kmalloc(len + 1, GFP_KERNEL);

	if (p) {
		memcpy(p, s, len);
		p[len] = '\0';
	}
	return p;
}

/*
 * Collapse a path into "/a/b" form in out (PATH_MAX bytes): leading "/" and
 * "./", "//", "." dropped, ".." goes up (never above "/"). Returns the
 * length, or -ENAMETOOLONG.
 */
static int path_normalize(const char *in, char *out)
{
	size_t len = 0;

	out[0] = '\0';
	while (*in) {
		const char *c;
		size_t n;

		while (*in == '/')
			in++;
		c = in;
		while (*in && *in != '/')
			in++;
		n = in - c;
		if (n == 0 || (n == 1 && c[0] == '.'))
			continue;
		if (n == 2 && c[0] == '.' && c[1] == '.') {
			while (len > 0 && out[len - 1] != '/')
				len--;
			if (len > 0)
				len--;		/* the '/' before it */
			out[len] = '\0';
			continue;
		}
		if (n > NAME_MAX || len + 1 + n >= PATH_MAX)
			return -ENAMETOOLONG;
		out[len++] = '/';
		memcpy(out + len, c, n);
		len += n;
		out[len] = '\0';
	}
	if (len == 0) {
		out[0] = '/';
		out[1] = '\0';
		len = 1;
	}
	return (int)len;
}

/* Index of the entry whose name is the first n bytes of path, or -1. */
static int table_find_n(const char *path, size_t n)
{
	for (int i = 0; i < nr_entries; i++)
		if (!strncmp(entries[i].name, path, n) && entries[i].name[n] == '\0')
			return i;
	return -1;
}

/* A new entry for the first n bytes of path. Returns its index, or -ENOMEM. */
static int table_add(const char *path, size_t n, u32 mode, int parent)
{
	struct initramfs_entry *e;
	char *name;

	if (!table_grow())
		return -ENOMEM;
	name = kstrndup(path, n);
	if (!name)
		return -ENOMEM;
	e = &entries[nr_entries];
	memset(e, 0, sizeof(*e));
	e->name = name;
	e->base = name + 1;
	for (const char *p = name; *p; p++)
		if (*p == '/')
			e->base = p + 1;
	e->mode = mode;
	e->nlink = S_ISDIR(mode) ? 2 : 1;
	e->parent = parent;
	entry_dev[nr_entries] = 0;
	return nr_entries++;
}

/*
 * The entry for a normalized path: the existing one (a later archive
 * member replaces an earlier one of the same name), or a new one. Missing
 * parents become implicit directories (some archivers omit them); a parent
 * that is not a directory fails with -ENOTDIR.
 */
static int table_insert(const char *path, u32 mode)
{
	size_t len = strlen(path);
	int parent = 0, i;

	if (len == 1)
		return 0;			/* "/": always entries[0] */
	for (size_t k = 1; k < len; k++) {
		if (path[k] != '/')
			continue;
		i = table_find_n(path, k);
		if (i < 0)
			i = table_add(path, k, S_IFDIR | 0755, parent);
		else if (!S_ISDIR(entries[i].mode))
			i = -ENOTDIR;
		if (i < 0)
			return i;
		parent = i;
	}
	i = table_find_n(path, len);
	if (i >= 0) {
		if (S_ISDIR(entries[i].mode) && !S_ISDIR(mode))
			pr_warn("initramfs: %s: a directory replaced by a file\n", path);
		return i;
	}
	return table_add(path, len, mode, parent);
}

/* ---- parsing ---- */

static bool parse_hex8(const char *s, u32 *val)
{
	u32 v = 0;

	for (int i = 0; i < 8; i++) {
		char c = s[i];
		int d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return false;
		v = (v << 4) | d;
	}
	*val = v;
	return true;
}

static bool cpio_mode_valid(u32 mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG: case S_IFDIR: case S_IFLNK: case S_IFCHR:
	case S_IFBLK: case S_IFIFO: case S_IFSOCK:
		return true;
	default:
		return false;
	}
}

/* Add one archive member to the table (name already NUL-terminated). */
static void add_member(const char *name, const u32 *f, const void *data, char *path)
{
	struct initramfs_entry *e;
	int i;

	if (!cpio_mode_valid(f[F_MODE])) {
		pr_warn("initramfs: %s: unknown file type (mode %x), skipped\n", name, f[F_MODE]);
		return;
	}
	if (path_normalize(name, path) < 0) {
		pr_warn("initramfs: name too long, skipped\n");
		return;
	}
	if (!strcmp(path, "/") && !S_ISDIR(f[F_MODE])) {
		pr_warn("initramfs: %s: the root must be a directory, skipped\n", name);
		return;
	}
	i = table_insert(path, f[F_MODE]);
	if (i < 0) {
		pr_warn("initramfs: %s: skipped (%s)\n", path,
			i == -ENOTDIR ? "a parent is not a directory" : "out of memory");
		return;
	}
	e = &entries[i];
	e->mode = f[F_MODE];
	e->ino = f[F_INO];
	e->uid = f[F_UID];
	e->gid = f[F_GID];
	e->nlink = f[F_NLINK];
	e->mtime = f[F_MTIME];
	e->rdev = (S_ISCHR(e->mode) || S_ISBLK(e->mode)) ? MKDEV(f[F_RDEVMAJOR], f[F_RDEVMINOR]) : 0;
	e->data = (S_ISREG(e->mode) || S_ISLNK(e->mode)) ? data : NULL;
	e->size = e->data ? f[F_FILESIZE] : 0;
	entry_dev[i] = MKDEV(f[F_DEVMAJOR], f[F_DEVMINOR]);
}

/*
 * Hard links: newc stores the data once, with the last name of the inode;
 * the other names have filesize 0. Give them all the data, as Linux's
 * maybe_link() does by linking the names to one inode.
 */
static void fixup_hard_links(void)
{
	for (int i = 0; i < nr_entries; i++) {
		struct initramfs_entry *e = &entries[i];

		if (!S_ISREG(e->mode) || e->nlink < 2 || e->size)
			continue;
		for (int j = 0; j < nr_entries; j++) {
			const struct initramfs_entry *o = &entries[j];

			if (S_ISREG(o->mode) && o->size && o->ino == e->ino && entry_dev[j] == entry_dev[i]) {
				e->data = o->data;
				e->size = o->size;
				break;
			}
		}
	}
}

/*
 * Parse one member at archive offset off. Returns the offset of the next
 * member, or 0 to stop (end of the archive or an error, already reported).
 */
static size_t parse_member(const u8 *start, size_t size, size_t off, int *members, char *scratch)
{
	const char *hdr = (const char *)start + off;
	u32 f[NR_CPIO_FIELDS];
	size_t name_off, data_off, end;
	const char *name;

	if (size - off < CPIO_HDR_LEN) {
		pr_warn("initramfs: truncated header at offset %lu\n", (unsigned long)off);
		return 0;
	}
	if (memcmp(hdr, "07070", 5) || (hdr[5] != '1' && hdr[5] != '2')) {
		if ((u8)hdr[0] == 0x1f && (u8)hdr[1] == 0x8b)
			pr_warn("initramfs: compressed (gzip) archives are not supported\n");
		else
			pr_warn("initramfs: no cpio newc magic at offset %lu\n", (unsigned long)off);
		return 0;
	}
	for (int i = 0; i < NR_CPIO_FIELDS; i++) {
		if (!parse_hex8(hdr + 6 + 8 * i, &f[i])) {
			pr_warn("initramfs: bad header field %d at offset %lu\n", i, (unsigned long)off);
			return 0;
		}
	}
	name_off = off + CPIO_HDR_LEN;
	if (f[F_NAMESIZE] == 0 || f[F_NAMESIZE] > PATH_MAX || f[F_NAMESIZE] > size - name_off) {
		pr_warn("initramfs: bad name size %u at offset %lu\n", f[F_NAMESIZE], (unsigned long)off);
		return 0;
	}
	data_off = ALIGN(name_off + f[F_NAMESIZE], 4);
	if (data_off > size || f[F_FILESIZE] > size - data_off) {
		pr_warn("initramfs: member at offset %lu runs past the end of the archive\n", (unsigned long)off);
		return 0;
	}
	end = ALIGN(data_off + f[F_FILESIZE], 4);
	name = (const char *)start + name_off;
	if (name[f[F_NAMESIZE] - 1] != '\0' || strlen(name) + 1 != f[F_NAMESIZE]) {
		pr_warn("initramfs: bad name at offset %lu, member skipped\n", (unsigned long)off);
		return end;
	}
	if (!strcmp(name, CPIO_TRAILER))
		return end;
	add_member(name, f, start + data_off, scratch);
	(*members)++;
	return end;
}

/*
 * Build the table. Called once at boot with the archive's direct-map
 * address; the archive must stay mapped and reserved forever, since
 * entries point into it.
 */
void initramfs_init(const void *start, size_t size)
{
	const u8 *a = start;
	size_t off = 0;
	int members = 0;
	char *scratch = kmalloc(PATH_MAX, GFP_KERNEL);	/* a member's normalized name */

	if (!scratch || table_add("/", 1, S_IFDIR | 0755, -1) != 0)
		panic("initramfs: no memory for the table");
	while (off < size) {
		if (a[off] == 0) {		/* padding after a trailer */
			off++;
			continue;
		}
		if (!IS_ALIGNED(off, 4)) {
			pr_warn("initramfs: junk at offset %lu\n", (unsigned long)off);
			break;
		}
		off = parse_member(a, size, off, &members, scratch);
		if (!off)
			break;
	}
	kfree(scratch);
	fixup_hard_links();
	printk("initramfs: %d files, %lu kB\n", members, (unsigned long)DIV_ROUND_UP(size, 1024));
}

/* ---- path walk ---- */

/* Put path (relative to base when it does not start with '/') into w->rest. */
static int walk_start(struct path_walk *w, const char *base, const char *path)
{
	size_t plen = strlen(path), blen = 0;

	if (!plen)
		return -ENOENT;			/* "" names nothing (Linux: getname) */
	if (path[0] != '/' && base) {
		blen = strlen(base);
		if (blen + 1 + plen >= PATH_MAX)
			return -ENAMETOOLONG;
		memcpy(w->rest, base, blen);
		w->rest[blen++] = '/';
	}
	if (blen + plen >= PATH_MAX)
		return -ENAMETOOLONG;
	memcpy(w->rest + blen, path, plen + 1);
	return 0;
}

/* What path names: its S_IFMT mode and archive entry, or -ENOENT. */
static int walk_lookup(struct path_walk *w, const char *path, const struct initramfs_entry **e)
{
	int m = w->overlay ? w->overlay(path) : 0;

	*e = NULL;
	if (m)
		return m;
	*e = initramfs_find(path);
	return *e ? (int)((*e)->mode & S_IFMT) : -ENOENT;
}

/* Replace the component just read with a symlink's target: rest = target "/" remaining. */
static int walk_splice(struct path_walk *w, const struct initramfs_entry *link, const char **p)
{
	size_t tlen = link->size, rlen = strlen(*p);

	if (tlen == 0)
		return -ENOENT;
	if (tlen + 1 + rlen >= PATH_MAX)
		return -ENAMETOOLONG;
	memmove(w->rest + tlen + 1, *p, rlen + 1);
	memcpy(w->rest, link->data, tlen);
	w->rest[tlen] = '/';
	if (w->rest[0] == '/') {	/* absolute target: start again at the root */
		w->path[0] = '\0';
		w->entry = &entries[0];
		w->mode = S_IFDIR;
	}
	*p = w->rest;
	return 0;
}

int initramfs_walk(struct path_walk *w, const char *base, const char *path, unsigned int flags)
{
	size_t len = 0;		/* of w->path; "" is the root */
	const char *p;
	int links = 0, err;
	bool trailing_slash;

	w->entry = &entries[0];
	w->mode = S_IFDIR;
	w->last_missing = false;
	w->path[0] = '\0';
	err = walk_start(w, base, path);
	if (err)
		return err;
	p = w->rest;
	trailing_slash = p[0] && p[strlen(p) - 1] == '/';

	for (;;) {
		const struct initramfs_entry *e;
		const char *c;
		size_t n;
		int mode;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		c = p;
		while (*p && *p != '/')
			p++;
		n = p - c;
		if (!S_ISDIR(w->mode))
			return -ENOTDIR;	/* "/init/x", "/init/.." */
		if (n == 1 && c[0] == '.')
			continue;
		if (n == 2 && c[0] == '.' && c[1] == '.') {
			while (len > 0 && w->path[len - 1] != '/')
				len--;
			if (len > 0)
				len--;
			w->path[len] = '\0';
			w->mode = walk_lookup(w, len ? w->path : "/", &w->entry);
			continue;
		}
		if (n > NAME_MAX || len + 1 + n >= PATH_MAX)
			return -ENAMETOOLONG;
		w->path[len] = '/';
		memcpy(w->path + len + 1, c, n);
		w->path[len + 1 + n] = '\0';

		mode = walk_lookup(w, w->path, &e);
		if (mode < 0) {
			while (*p == '/')
				p++;
			w->last_missing = !*p;
			return mode;
		}
		if (S_ISLNK(mode) && e && (*p || (flags & WALK_FOLLOW) || trailing_slash)) {
			if (++links > MAXSYMLINKS)
				return -ELOOP;
			w->path[len] = '\0';	/* the link's directory */
			err = walk_splice(w, e, &p);
			if (err)
				return err;
			len = strlen(w->path);
			continue;
		}
		len += 1 + n;
		w->mode = mode;
		w->entry = e;
	}
	if (len == 0) {
		w->path[0] = '/';
		w->path[1] = '\0';
	}
	if (trailing_slash && !S_ISDIR(w->mode))
		return -ENOTDIR;
	return 0;
}

const struct initramfs_entry *initramfs_lookup(const char *path)
{
	struct path_walk w = { 0 };
	const struct initramfs_entry *e = NULL;

	w.path = kmalloc(PATH_MAX, GFP_KERNEL);
	w.rest = kmalloc(PATH_MAX, GFP_KERNEL);
	if (w.path && w.rest && !initramfs_walk(&w, NULL, path, WALK_FOLLOW))
		e = w.entry;
	kfree(w.path);
	kfree(w.rest);
	return e;
}
