/*
 * The initramfs: the cpio "newc" archive that GRUB loads as a multiboot2
 * module, the format Linux unpacks into its rootfs (init/initramfs.c,
 * Documentation/driver-api/early-userspace/buffer-format.rst).
 *
 * Pagoda does not unpack it: initramfs_init() builds a table with one entry
 * per archive member, and each entry points at its data inside the archive,
 * which stays reserved for the life of the machine. The tree is read-only.
 *
 *   entries[0]  "/"            dir   parent -1
 *   entries[1]  "/init"        file  parent 0   data --> archive bytes
 *   entries[2]  "/dev"         dir   parent 0
 *   entries[3]  "/dev/console" chr   parent 2   rdev 5:1
 *   entries[4]  "/tests"       dir   parent 0
 *   entries[5]  "/tests/fork"  file  parent 4   ...
 *
 * Nothing changes after boot, so lookups take no lock.
 */
#ifndef _KERNEL_INITRAMFS_H
#define _KERNEL_INITRAMFS_H

#include <kernel/types.h>
#include <fs/fs.h>

struct initramfs_entry {
	const char *name;	/* normalized absolute path: "/", "/init", "/tests/fork" */
	const char *base;	/* its last component, inside name ("" for "/") */
	u32 mode;		/* S_IFMT type and permission bits, from the archive */
	const void *data;	/* file contents, or a symlink's target (not NUL-terminated) */
	size_t size;		/* of data */
	u32 rdev;		/* device nodes: MKDEV(rdevmajor, rdevminor) */
	u32 ino, nlink, uid, gid, mtime;
	int parent;		/* index of the parent directory's entry; -1 for "/" */
};

/* Boot: parse the archive (a direct-map pointer). Logs "initramfs: N files, K kB". */
void initramfs_init(const void *start, size_t size);

/*
 * Resolve a path as execve and open do: absolute, or relative to "/";
 * "//", "." and ".." are collapsed and symlinks followed. NULL if it names
 * nothing.
 */
const struct initramfs_entry *initramfs_lookup(const char *path);
/* The entry of an already normalized absolute path ("/a/b"), symlinks not followed. */
const struct initramfs_entry *initramfs_find(const char *abs_path);

/*
 * The path walk behind initramfs_lookup() and the file system calls
 * (Linux: fs/namei.c link_path_walk). One component at a time: "." is
 * skipped, ".." goes up, a symlink is spliced into the rest of the path
 * (at most MAXSYMLINKS times: -ELOOP). overlay, if set, owns some paths
 * (procfs: /proc and /sys) and says what they are: 0 = not mine, else the
 * S_IFMT mode, or -ENOENT.
 *
 * Returns 0 with w->path the resolved path ("/" or "/a/b"), w->mode its
 * type and w->entry its archive entry (NULL for an overlay node); or
 * -ENOENT (w->last_missing: only the last component is missing, and
 * w->path names it), -ENOTDIR, -ENAMETOOLONG, -ELOOP.
 */
#define WALK_FOLLOW	0x1	/* follow a symlink in the last component */

struct path_walk {
	char *path;		/* PATH_MAX bytes: the result */
	char *rest;		/* PATH_MAX bytes of scratch: what is left to walk */
	int (*overlay)(const char *path);
	const struct initramfs_entry *entry;
	u32 mode;
	bool last_missing;
};
int initramfs_walk(struct path_walk *w, const char *base, const char *path, unsigned int flags);

/*
 * Directory iteration for getdents64: the first child of dir whose table
 * index is >= *pos, with *pos set to that index; NULL when there is none.
 * The next call passes *pos + 1.
 */
const struct initramfs_entry *initramfs_next_child(const struct initramfs_entry *dir, unsigned long *pos);
int initramfs_index(const struct initramfs_entry *e);
const struct initramfs_entry *initramfs_parent(const struct initramfs_entry *e);	/* "/" for "/" */
int initramfs_nr_entries(void);

static inline bool initramfs_is_dir(const struct initramfs_entry *e) { return S_ISDIR(e->mode); }
static inline bool initramfs_is_symlink(const struct initramfs_entry *e) { return S_ISLNK(e->mode); }
/* execve needs a regular file with an execute bit (root has no other check). */
static inline bool initramfs_is_exec(const struct initramfs_entry *e)
{
	return S_ISREG(e->mode) && (e->mode & S_IXUGO);
}

#endif
