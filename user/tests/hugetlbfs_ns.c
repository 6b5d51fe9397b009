/*
 * hugetlbfs_ns: the name-space side of hugetlbfs and the calls around it,
 * as Linux 6.1 answers them (portable: the same checks on both kernels).
 *
 *   /proc/mounts      /dev/hugepages is a hugetlbfs mount ("rw,relatime,pagesize=2M";
 *                     /init mounts it on Linux, as systemd would), /proc/self/mounts
 *                     is the same text
 *   mount(2)          type "hugetlbfs" on /mnt with MS_NOSUID|MS_NODEV and
 *                     "pagesize=2M": its /proc/mounts line, a new st_dev;
 *                     ENODEV (type), ENOENT, ENOTDIR (target), EINVAL (options);
 *                     a second mount stacks on the first (mode=, nr_inodes= shown)
 *                     and umount2 uncovers it
 *   names             open(O_CREAT|O_EXCL) and its stat (S_IFREG, mode, nlink 1,
 *                     st_blksize 2 MB), EEXIST, getdents64 (".", "..", DT_REG names),
 *                     unlink (ENOENT after, nlink 0 on the open fd), EISDIR,
 *                     rmdir of the mount point EBUSY, nr_inodes= full (the root
 *                     counts): ENOSPC
 *   sizes             ftruncate/truncate: EINVAL unaligned or negative, EISDIR,
 *                     2 MB ok, O_TRUNC back to 0; write EINVAL; read of a hole: zeros
 *   fallocate         EINVAL (offset, len), EOPNOTSUPP (PUNCH_HOLE alone, unknown
 *                     mode), EBADF (read-only fd), ESPIPE (pipe), ENODEV (the console);
 *                     2 MB allocated (st_blocks 4096), then punched (0)
 *   umount2           EBUSY while a file is open, EINVAL for a bad flag or a path
 *                     that is not a mount point, ENOENT; MNT_DETACH of a busy mount
 *   statfs            f_type HUGETLBFS_MAGIC, f_bsize 2 MB, f_flags from the mount,
 *                     f_files/f_ffree 0 (Linux fills them only with size=); a memfd's fstatfs;
 *                     /proc and /sys's magic numbers; ENOENT, EBADF
 *   memfd_create      MFD_HUGETLB (+MFD_HUGE_2MB, MFD_CLOEXEC, MFD_ALLOW_SEALING):
 *                     st_size from ftruncate, "/memfd:NAME (deleted)" in maps;
 *                     EINVAL for unknown flags or a 250-byte name, ENODEV for a
 *                     huge page size the machine lacks
 *
 * The pool needs one free 2 MB page for the fallocate and memfd checks; the
 * test adds it to nr_hugepages if needed and puts the old value back.
 */
#include "tap.h"

#define __NR_fstat		5
#define __NR_pipe		22
#define __NR_fcntl		72
#define __NR_statfs		137
#define __NR_fstatfs		138
#define __NR_truncate		76
#define __NR_ftruncate		77
#define __NR_umount2		166
#define __NR_unlinkat		263
#define __NR_newfstatat		262
#define __NR_fallocate		285
#define __NR_memfd_create	319

#ifndef EFBIG
#define EFBIG			27
#endif
#define F_GETFD			1
#define FD_CLOEXEC		1
#define AT_REMOVEDIR		0x200
#define MNT_DETACH		2
#define MS_RDONLY_		1
#define FALLOC_FL_KEEP_SIZE	0x01
#define FALLOC_FL_PUNCH_HOLE	0x02
#define MFD_CLOEXEC		0x0001U
#define MFD_ALLOW_SEALING	0x0002U
#define MFD_HUGETLB		0x0004U
#define MFD_HUGE_2MB		(21U << 26)
#define MFD_HUGE_4MB		(22U << 26)
#define HUGETLBFS_MAGIC		0x958458f6
#define PROC_SUPER_MAGIC	0x9fa0
#define SYSFS_MAGIC		0x62656572
#define ST_NOSUID		0x0002
#define ST_NODEV		0x0004
#define ST_NOEXEC		0x0008
#define ST_VALID		0x0020
#define ST_RELATIME		0x1000
#define S_IFMT_			0170000
#define S_IFDIR_		0040000
#define S_IFREG_		0100000
#define S_ISDIR_(m)		(((m) & S_IFMT_) == S_IFDIR_)

struct st64 {				/* x86-64 struct stat, 144 bytes */
	unsigned long st_dev, st_ino, st_nlink;
	unsigned int st_mode, st_uid, st_gid, pad0;
	unsigned long st_rdev;
	long st_size, st_blksize, st_blocks;
	unsigned long times[6];
	long unused[3];
};

static long do_fstat(long fd, struct st64 *st) { return syscall2(__NR_fstat, fd, st); }
static long do_stat(const char *p, struct st64 *st) { return syscall4(__NR_newfstatat, AT_FDCWD, p, st, 0); }
static long do_ftruncate(long fd, long len) { return syscall2(__NR_ftruncate, fd, len); }
static long do_truncate(const char *p, long len) { return syscall2(__NR_truncate, p, len); }
static long do_unlink(const char *p) { return syscall3(__NR_unlinkat, AT_FDCWD, p, 0); }
static long do_umount(const char *p, int flags) { return syscall2(__NR_umount2, p, flags); }
static long do_fallocate(long fd, int mode, long off, long len)
{
	return syscall4(__NR_fallocate, fd, mode, off, len);
}
static long do_memfd(const char *name, unsigned int flags) { return syscall2(__NR_memfd_create, name, flags); }

struct statfs64_ {			/* x86-64 struct statfs, 120 bytes */
	long f_type, f_bsize;
	unsigned long f_blocks, f_bfree, f_bavail, f_files, f_ffree;
	int f_fsid[2];
	long f_namelen, f_frsize, f_flags, f_spare[4];
};
static long do_statfs(const char *p, struct statfs64_ *b) { return syscall2(__NR_statfs, p, b); }
static long do_fstatfs(long fd, struct statfs64_ *b) { return syscall2(__NR_fstatfs, fd, b); }

/* Does /proc/mounts (or path) have a line whose fields 2-4 are "dir type opts"? */
static int mounts_has(const char *path, const char *dir_type_opts)
{
	static char buf[8192];
	char *line;

	if (read_file(path, buf, sizeof(buf)) <= 0)
		return 0;
	for (line = buf; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		char *rest = strchr(line, ' ');
		size_t n = strlen(dir_type_opts);

		if (rest && !strncmp(rest + 1, dir_type_opts, n) && !strncmp(rest + 1 + n, " 0 0\n", 5))
			return 1;
	}
	return 0;
}

/* /proc/mounts as diagnostics, a line each (tap_diag's lines are short). */
static void diag_mounts(void)
{
	static char buf[8192];
	char *line, *nl;

	if (read_file("/proc/mounts", buf, sizeof(buf)) <= 0)
		return;
	for (line = buf; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (!nl)
			break;
		*nl = '\0';
		tap_diag("mounts: %s", line);
	}
}

static long read_long(const char *path)
{
	char buf[64];

	return read_file(path, buf, sizeof(buf)) > 0 ? strtol(buf, NULL, 10) : -1;
}

static long write_long(const char *path, long v)
{
	char buf[32];
	long fd = sys_openat(AT_FDCWD, path, O_WRONLY, 0), r;

	if (fd < 0)
		return fd;
	snprintf(buf, sizeof(buf), "%ld", v);
	r = sys_write((int)fd, buf, strlen(buf));
	sys_close((int)fd);
	return r;
}

/* Is name (type type) in the directory at path? */
static int dir_has(const char *path, const char *name, int type)
{
	static char buf[4096];
	long fd = sys_openat(AT_FDCWD, path, O_RDONLY | O_DIRECTORY, 0), n;
	int found = 0;

	if (fd < 0)
		return 0;
	while ((n = sys_getdents64((int)fd, buf, sizeof(buf))) > 0) {
		for (long off = 0; off < n;) {
			unsigned short reclen = *(unsigned short *)(buf + off + 16);
			unsigned char t = *(unsigned char *)(buf + off + 18);

			if (!strcmp(buf + off + 19, name) && t == type)
				found = 1;
			off += reclen;
		}
	}
	sys_close((int)fd);
	return found;
}

static void check_mounts(void)
{
	struct st64 root, hp, mnt, mnt2;
	static char a[8192], b[8192];
	struct statfs64_ sf;
	long r;

	diag_mounts();
	tap_ok(mounts_has("/proc/mounts", "/dev/hugepages hugetlbfs rw,relatime,pagesize=2M"),
	       "/proc/mounts: /dev/hugepages hugetlbfs rw,relatime,pagesize=2M 0 0");
	tap_ok(read_file("/proc/mounts", a, sizeof(a)) > 0 && read_file("/proc/self/mounts", b, sizeof(b)) > 0 &&
	       !strcmp(a, b), "/proc/self/mounts is /proc/mounts");
	tap_is_long(do_stat("/", &root), 0, "stat /");
	tap_is_long(do_stat("/dev/hugepages", &hp), 0, "stat /dev/hugepages");
	tap_is_long(hp.st_mode, S_IFDIR_ | 0755, "/dev/hugepages is a directory, mode 0755");
	tap_ok(hp.st_dev != root.st_dev, "on its own device (%lx, / is %lx)", hp.st_dev, root.st_dev);
	tap_is_long(hp.st_blksize, HPAGE_SIZE, "st_blksize is the huge page size");

	tap_is_err(sys_mount("none", "/mnt", "nosuchfs", 0, NULL), ENODEV, "unknown type: ENODEV");
	tap_is_err(sys_mount("none", "/nonexistent-dir", "hugetlbfs", 0, NULL), ENOENT, "missing target: ENOENT");
	tap_is_err(sys_mount("none", "/init", "hugetlbfs", 0, NULL), ENOTDIR, "target a file: ENOTDIR");
	tap_is_err(sys_mount("none", "/mnt", "hugetlbfs", 0, "pagesize=4M"), EINVAL, "pagesize=4M: EINVAL");
	tap_is_err(sys_mount("none", "/mnt", "hugetlbfs", 0, "bogus=1"), EINVAL, "unknown option: EINVAL");
	tap_is_long(sys_mount("none", "/mnt", "hugetlbfs", MS_NOSUID | MS_NODEV, "pagesize=2M"), 0,
		    "mount hugetlbfs on /mnt");
	tap_ok(mounts_has("/proc/mounts", "/mnt hugetlbfs rw,nosuid,nodev,relatime,pagesize=2M"),
	       "its line: none /mnt hugetlbfs rw,nosuid,nodev,relatime,pagesize=2M 0 0");
	tap_is_long(do_stat("/mnt", &mnt), 0, "stat /mnt");
	tap_ok(S_ISDIR_(mnt.st_mode) && mnt.st_dev != root.st_dev && mnt.st_dev != hp.st_dev,
	       "/mnt is a directory on a third device");

	tap_is_long(sys_mount("hugetlbfs", "/mnt", "hugetlbfs", 0, "mode=0700,nr_inodes=4"), 0,
		    "a second mount on /mnt stacks");
	if (!tap_ok(mounts_has("/proc/mounts", "/mnt hugetlbfs rw,relatime,mode=700,nr_inodes=4,pagesize=2M"),
		    "its line shows mode=700,nr_inodes=4,pagesize=2M"))
		diag_mounts();
	tap_is_long(do_stat("/mnt", &mnt2), 0, "stat /mnt");
	tap_is_long(mnt2.st_mode, S_IFDIR_ | 0700, "the top mount's root has mode 0700");
	tap_ok(mnt2.st_dev != mnt.st_dev, "and its own device");
	for (int i = 0; i < 3; i++) {
		char name[32];
		long fd;

		snprintf(name, sizeof(name), "/mnt/f%d", i);
		fd = sys_openat(AT_FDCWD, name, O_CREAT | O_RDWR, 0600);
		tap_ok(fd >= 0, "create %s (%ld)", name, fd);
		if (fd >= 0)
			sys_close((int)fd);
	}
	tap_is_err(sys_openat(AT_FDCWD, "/mnt/f3", O_CREAT | O_RDWR, 0600), ENOSPC,
		   "nr_inodes=4 counts the root: the fourth file gives ENOSPC");
	memset(&sf, 0, sizeof(sf));
	r = do_statfs("/mnt", &sf);
	tap_ok(r == 0 && sf.f_files == 0 && sf.f_ffree == 0,
	       "statfs: f_files and f_ffree 0 (Linux counts them only with size=) (%ld: %lu, %lu)", r,
	       sf.f_files, sf.f_ffree);
	tap_is_long(do_umount("/mnt", 0), 0, "umount the top mount (its three files go with it)");
	tap_is_long(do_stat("/mnt", &mnt2), 0, "stat /mnt");
	tap_ok(mnt2.st_dev == mnt.st_dev && mnt2.st_mode == (S_IFDIR_ | 0755), "the first mount shows again");
	tap_is_err(do_stat("/mnt/f0", &mnt2), ENOENT, "without the top mount's files");
}

static void check_names(void)
{
	struct st64 st, st2, mnt;
	char buf[64];
	long fd, fd2, dfd;

	do_stat("/mnt", &mnt);
	fd = sys_openat(AT_FDCWD, "/mnt/f", O_CREAT | O_EXCL | O_RDWR, 0644);
	tap_ok(fd >= 0, "open(O_CREAT | O_EXCL) /mnt/f (%ld)", fd);
	tap_is_long(do_fstat(fd, &st), 0, "fstat it");
	tap_is_long(st.st_mode, S_IFREG_ | 0644, "a regular file, mode 0644");
	tap_ok(st.st_nlink == 1 && st.st_size == 0 && st.st_dev == mnt.st_dev,
	       "nlink 1, size 0, the mount's st_dev (%lu %ld %lx)", st.st_nlink, st.st_size, st.st_dev);
	tap_is_long(st.st_blksize, HPAGE_SIZE, "st_blksize 2 MB");
	tap_is_err(sys_openat(AT_FDCWD, "/mnt/f", O_CREAT | O_EXCL | O_RDWR, 0644), EEXIST,
		   "O_CREAT | O_EXCL again: EEXIST");
	tap_is_long(do_stat("/mnt/f", &st2), 0, "stat /mnt/f");
	tap_ok(st2.st_ino == st.st_ino && st2.st_dev == st.st_dev, "the same inode");
	tap_is_err(do_stat("/mnt/f/x", &st2), ENOTDIR, "/mnt/f/x: ENOTDIR");
	tap_is_err(sys_openat(AT_FDCWD, "/mnt/nodir/x", O_CREAT | O_RDWR, 0644), ENOENT,
		   "O_CREAT in a missing directory: ENOENT");
	tap_ok(dir_has("/mnt", "f", DT_REG) && dir_has("/mnt", ".", DT_DIR) && dir_has("/mnt", "..", DT_DIR),
	       "getdents64 of /mnt: ., .. and f (DT_REG)");

	/* sizes */
	tap_is_err(do_ftruncate(fd, 4096), EINVAL, "ftruncate to 4096: EINVAL (not a huge page multiple)");
	tap_is_err(do_ftruncate(fd, -1), EINVAL, "ftruncate to -1: EINVAL");
	tap_is_long(do_ftruncate(fd, HPAGE_SIZE), 0, "ftruncate to 2 MB");
	do_fstat(fd, &st);
	tap_is_long(st.st_size, HPAGE_SIZE, "st_size 2 MB");
	tap_is_long(st.st_blocks, 0, "and no blocks");
	memset(buf, 0x5a, sizeof(buf));
	tap_is_long(sys_read((int)fd, buf, sizeof(buf)), sizeof(buf), "read 64 bytes of the hole");
	tap_ok(buf[0] == 0 && buf[63] == 0, "they are zeros");
	tap_is_err(sys_write((int)fd, buf, 8), EINVAL, "write: EINVAL (hugetlbfs has no write)");
	tap_is_err(do_truncate("/mnt/f", 12345), EINVAL, "truncate to 12345: EINVAL");
	tap_is_err(do_truncate("/mnt", 0), EISDIR, "truncate of the directory: EISDIR");
	tap_is_err(do_truncate("/mnt/none", 0), ENOENT, "truncate of a missing name: ENOENT");
	fd2 = sys_openat(AT_FDCWD, "/mnt/f", O_RDWR | O_TRUNC, 0);
	tap_ok(fd2 >= 0, "open(O_TRUNC) /mnt/f");
	do_fstat(fd, &st);
	tap_is_long(st.st_size, 0, "O_TRUNC cut it to 0");
	tap_is_long(do_truncate("/mnt/f", 2 * HPAGE_SIZE), 0, "truncate(path) to 4 MB");
	do_fstat(fd2, &st);
	tap_is_long(st.st_size, 2 * HPAGE_SIZE, "st_size 4 MB");
	sys_close((int)fd2);
	tap_is_err(sys_openat(AT_FDCWD, "/mnt/f", O_RDONLY | O_DIRECTORY, 0), ENOTDIR, "O_DIRECTORY: ENOTDIR");

	/* mknod and *at() relative to the directory */
	tap_is_long(sys_mknodat(AT_FDCWD, "/mnt/n", S_IFREG_ | 0600, 0), 0, "mknod S_IFREG /mnt/n");
	tap_ok(do_stat("/mnt/n", &st2) == 0 && st2.st_mode == (S_IFREG_ | 0600), "a regular file, mode 0600");
	dfd = sys_openat(AT_FDCWD, "/mnt", O_RDONLY | O_DIRECTORY, 0);
	tap_ok(dfd >= 0, "open /mnt O_DIRECTORY (%ld)", dfd);
	tap_ok(do_fstat(dfd, &st2) == 0 && st2.st_ino == mnt.st_ino && st2.st_dev == mnt.st_dev,
	       "fstat of it is the mount's root");
	fd2 = sys_openat((int)dfd, "r", O_CREAT | O_RDWR, 0600);
	tap_ok(fd2 >= 0 && do_stat("/mnt/r", &st2) == 0, "openat(dirfd, \"r\", O_CREAT) makes /mnt/r");
	sys_close((int)fd2);
	tap_is_long(syscall3(__NR_unlinkat, dfd, "r", 0), 0, "unlinkat(dirfd, \"r\")");
	tap_is_long(do_unlink("/mnt/n"), 0, "unlink /mnt/n");
	tap_is_err(do_umount("/mnt", 0), EBUSY, "umount2 while the directory is open: EBUSY");
	sys_close((int)dfd);

	/* unlink */
	tap_is_err(do_unlink("/mnt"), EISDIR, "unlink of a directory: EISDIR");
	tap_is_err(syscall3(__NR_unlinkat, AT_FDCWD, "/mnt", AT_REMOVEDIR), EBUSY, "rmdir of the mount point: EBUSY");
	tap_is_err(syscall3(__NR_unlinkat, AT_FDCWD, "/mnt/f", 1), EINVAL, "unlinkat with flag 1: EINVAL");
	tap_is_err(syscall3(__NR_unlinkat, AT_FDCWD, "/mnt/f", AT_REMOVEDIR), ENOTDIR, "rmdir of a file: ENOTDIR");
	tap_is_err(do_umount("/mnt", 0), EBUSY, "umount2 while a file is open: EBUSY");
	tap_is_long(do_unlink("/mnt/f"), 0, "unlink /mnt/f");
	tap_is_err(do_stat("/mnt/f", &st2), ENOENT, "stat after: ENOENT");
	tap_is_err(do_unlink("/mnt/f"), ENOENT, "unlink again: ENOENT");
	tap_ok(!dir_has("/mnt", "f", DT_REG), "getdents64 no longer lists it");
	tap_is_long(do_fstat(fd, &st), 0, "the open fd still works");
	tap_ok(st.st_nlink == 0 && st.st_size == 2 * HPAGE_SIZE, "nlink 0, size kept (%lu, %ld)", st.st_nlink,
	       st.st_size);
	tap_is_err(do_umount("/mnt", 0), EBUSY, "umount2 with an unlinked file open: EBUSY");
	sys_close((int)fd);
}

static void check_fallocate(void)
{
	struct st64 st;
	int pfd[2];
	long fd, ro, con;

	fd = sys_openat(AT_FDCWD, "/mnt/g", O_CREAT | O_RDWR, 0600);
	tap_ok(fd >= 0, "create /mnt/g (%ld)", fd);
	tap_is_err(do_fallocate(fd, 0, -1, HPAGE_SIZE), EINVAL, "fallocate offset -1: EINVAL");
	tap_is_err(do_fallocate(fd, 0, 0, 0), EINVAL, "fallocate len 0: EINVAL");
	tap_is_err(do_fallocate(fd, FALLOC_FL_PUNCH_HOLE, 0, HPAGE_SIZE), EOPNOTSUPP,
		   "PUNCH_HOLE without KEEP_SIZE: EOPNOTSUPP");
	tap_is_err(do_fallocate(fd, 0x100, 0, HPAGE_SIZE), EOPNOTSUPP, "unknown mode 0x100: EOPNOTSUPP");
	tap_is_err(do_fallocate(fd, 0, 0x7fffffffffffffffL, HPAGE_SIZE), EFBIG, "offset + len past the limit: EFBIG");
	tap_is_err(do_fallocate(99, 0, 0, HPAGE_SIZE), EBADF, "bad fd: EBADF");
	ro = sys_openat(AT_FDCWD, "/mnt/g", O_RDONLY, 0);
	tap_is_err(do_fallocate(ro, 0, 0, HPAGE_SIZE), EBADF, "read-only fd: EBADF");
	sys_close((int)ro);
	tap_is_long(syscall1(__NR_pipe, pfd), 0, "pipe");
	tap_is_err(do_fallocate(pfd[1], 0, 0, 4096), ESPIPE, "a pipe: ESPIPE");
	sys_close(pfd[0]);
	sys_close(pfd[1]);
	con = sys_openat(AT_FDCWD, "/dev/console", O_WRONLY, 0);
	tap_is_err(do_fallocate(con, 0, 0, 4096), ENODEV, "/dev/console (a character device): ENODEV");
	sys_close((int)con);

	tap_is_long(do_fallocate(fd, 0, 0, HPAGE_SIZE), 0, "fallocate 2 MB");
	do_fstat(fd, &st);
	tap_ok(st.st_size == HPAGE_SIZE && st.st_blocks == HPAGE_SIZE / 512, "size 2 MB, %ld blocks", st.st_blocks);
	tap_is_long(do_fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, HPAGE_SIZE), 0,
		    "punch it out (PUNCH_HOLE | KEEP_SIZE)");
	do_fstat(fd, &st);
	tap_ok(st.st_size == HPAGE_SIZE && st.st_blocks == 0, "size kept, 0 blocks (%ld)", st.st_blocks);
	sys_close((int)fd);
	tap_is_long(do_unlink("/mnt/g"), 0, "unlink /mnt/g");
}

static void check_statfs(void)
{
	struct statfs64_ sf;
	long fd;

	memset(&sf, 0, sizeof(sf));
	tap_is_long(do_statfs("/dev/hugepages", &sf), 0, "statfs /dev/hugepages");
	tap_is_long(sf.f_type, HUGETLBFS_MAGIC, "f_type HUGETLBFS_MAGIC");
	tap_is_long(sf.f_bsize, HPAGE_SIZE, "f_bsize 2 MB");
	tap_ok(sf.f_namelen == 255 && sf.f_blocks == 0 && sf.f_files == 0 && sf.f_ffree == 0,
	       "f_namelen 255, no blocks, no inode limit: f_files 0 (%ld %lu %lu %lu)", sf.f_namelen, sf.f_blocks,
	       sf.f_files, sf.f_ffree);
	tap_is_long(sf.f_flags, ST_VALID | ST_RELATIME, "f_flags ST_VALID | ST_RELATIME");
	tap_is_long(do_statfs("/mnt", &sf), 0, "statfs /mnt");
	tap_ok(sf.f_type == HUGETLBFS_MAGIC && sf.f_flags == (ST_VALID | ST_NOSUID | ST_NODEV | ST_RELATIME),
	       "hugetlbfs, f_flags ST_VALID | ST_NOSUID | ST_NODEV | ST_RELATIME (%lx)", sf.f_flags);
	fd = sys_openat(AT_FDCWD, "/mnt/s", O_CREAT | O_RDWR, 0600);
	tap_ok(do_fstatfs(fd, &sf) == 0 && sf.f_type == HUGETLBFS_MAGIC && sf.f_flags == (ST_VALID | ST_NOSUID | ST_NODEV | ST_RELATIME),
	       "fstatfs of a file of it: the same");
	sys_close((int)fd);
	do_unlink("/mnt/s");
	fd = do_memfd("sf", MFD_HUGETLB);
	tap_ok(do_fstatfs(fd, &sf) == 0 && sf.f_type == HUGETLBFS_MAGIC && sf.f_bsize == HPAGE_SIZE,
	       "fstatfs of a hugetlb memfd: hugetlbfs, 2 MB blocks (f_flags %lx)", sf.f_flags);
	sys_close((int)fd);
	tap_ok(do_statfs("/proc", &sf) == 0 && sf.f_type == PROC_SUPER_MAGIC &&
	       (sf.f_flags & (ST_NOSUID | ST_NODEV | ST_NOEXEC)) == (ST_NOSUID | ST_NODEV | ST_NOEXEC),
	       "statfs /proc: PROC_SUPER_MAGIC, nosuid, nodev, noexec");
	tap_ok(do_statfs("/sys/kernel", &sf) == 0 && sf.f_type == SYSFS_MAGIC, "statfs /sys/kernel: SYSFS_MAGIC");
	tap_is_err(do_statfs("/nonexistent-dir", &sf), ENOENT, "statfs of a missing path: ENOENT");
	tap_is_err(do_fstatfs(99, &sf), EBADF, "fstatfs of a bad fd: EBADF");
	if (do_statfs("/", &sf) == 0)
		tap_diag("statfs /: f_type %lx f_flags %lx (Linux: tmpfs; Pagoda: the read-only archive)",
			 sf.f_type, sf.f_flags);
}

static void check_umount(void)
{
	struct st64 st;
	long fd;

	tap_is_err(do_umount("/mnt", 0x100), EINVAL, "umount2 flag 0x100: EINVAL");
	tap_is_err(do_umount("/nonexistent-dir", 0), ENOENT, "umount2 of a missing path: ENOENT");
	tap_is_err(do_umount("/mnt/none", 0), ENOENT, "umount2 of a missing name in the mount: ENOENT");
	tap_is_long(do_umount("/mnt", 0), 0, "umount2 /mnt");
	tap_ok(!mounts_has("/proc/mounts", "/mnt hugetlbfs rw,nosuid,nodev,relatime,pagesize=2M"),
	       "its line is gone");
	tap_is_err(do_umount("/mnt", 0), EINVAL, "umount2 /mnt again: EINVAL (not a mount point)");
	tap_is_err(do_umount("/tests", 0), EINVAL, "umount2 /tests: EINVAL");

	tap_is_long(sys_mount("none", "/mnt", "hugetlbfs", 0, NULL), 0, "mount again (no options)");
	tap_ok(mounts_has("/proc/mounts", "/mnt hugetlbfs rw,relatime,pagesize=2M"), "rw,relatime,pagesize=2M");
	fd = sys_openat(AT_FDCWD, "/mnt/h", O_CREAT | O_RDWR, 0600);
	tap_ok(fd >= 0, "create /mnt/h");
	tap_is_long(do_umount("/mnt", MNT_DETACH), 0, "umount2(MNT_DETACH) while it is open");
	tap_is_err(do_stat("/mnt/h", &st), ENOENT, "the name is gone from the tree");
	tap_is_long(do_fstat(fd, &st), 0, "the open file still answers fstat");
	tap_is_long(do_ftruncate(fd, HPAGE_SIZE), 0, "and ftruncate");
	sys_close((int)fd);
}

static void check_memfd(void)
{
	static char name[300], maps[16384];
	struct st64 st;
	long fd, fd2;
	char *p;

	fd = do_memfd("hns", MFD_HUGETLB | MFD_CLOEXEC);
	tap_ok(fd >= 0, "memfd_create(\"hns\", MFD_HUGETLB | MFD_CLOEXEC) (%ld)", fd);
	tap_is_long(syscall2(__NR_fcntl, fd, F_GETFD), FD_CLOEXEC, "close-on-exec is set");
	tap_is_long(do_fstat(fd, &st), 0, "fstat");
	tap_ok((st.st_mode & S_IFMT_) == S_IFREG_ && st.st_size == 0 && st.st_nlink == 0,
	       "a regular file, size 0, nlink 0 (%o %ld %lu)", st.st_mode, st.st_size, st.st_nlink);
	tap_is_long(st.st_blksize, HPAGE_SIZE, "st_blksize 2 MB");
	tap_is_err(do_ftruncate(fd, 4096), EINVAL, "ftruncate 4096: EINVAL");
	tap_is_long(do_ftruncate(fd, HPAGE_SIZE), 0, "ftruncate 2 MB");
	do_fstat(fd, &st);
	tap_is_long(st.st_size, HPAGE_SIZE, "st_size 2 MB");
	p = (char *)sys_mmap(NULL, HPAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, (int)fd, 0);
	tap_ok((long)p > 0 || (long)p < -4096, "mmap it shared (%p)", p);
	if ((long)p > 0 || (long)p < -4096) {
		p[0] = 'm';
		tap_ok(read_file("/proc/self/maps", maps, sizeof(maps)) > 0 && strstr(maps, "/memfd:hns (deleted)"),
		       "/proc/self/maps names it /memfd:hns (deleted)");
		sys_munmap(p, HPAGE_SIZE);
	}
	sys_close((int)fd);

	fd = do_memfd("", MFD_HUGETLB | MFD_HUGE_2MB | MFD_ALLOW_SEALING);
	tap_ok(fd >= 0, "MFD_HUGETLB | MFD_HUGE_2MB | MFD_ALLOW_SEALING, empty name (%ld)", fd);
	tap_is_long(syscall2(__NR_fcntl, fd, F_GETFD), 0, "no close-on-exec");
	sys_close((int)fd);
	tap_is_err(do_memfd("x", MFD_HUGETLB | MFD_HUGE_4MB), ENODEV, "MFD_HUGE_4MB: ENODEV (no such pool)");
	tap_is_err(do_memfd("x", MFD_HUGE_2MB), EINVAL, "MFD_HUGE_2MB without MFD_HUGETLB: EINVAL");
	tap_is_err(do_memfd("x", MFD_HUGETLB | 0x100), EINVAL, "unknown flag 0x100: EINVAL");
	tap_is_err(do_memfd(NULL, MFD_HUGETLB), EFAULT, "NULL name: EFAULT");
	memset(name, 'n', 249);
	name[249] = '\0';
	fd = do_memfd(name, MFD_HUGETLB);
	tap_ok(fd >= 0, "a 249-byte name is accepted (%ld)", fd);
	if (fd >= 0)
		sys_close((int)fd);
	name[249] = 'n';
	name[250] = '\0';
	tap_is_err(do_memfd(name, MFD_HUGETLB), EINVAL, "a 250-byte name: EINVAL");
	fd2 = do_memfd("plain", 0);
	tap_diag("memfd_create without MFD_HUGETLB: %ld (Pagoda: -ENOSYS, no shmem files; Linux: an fd)", fd2);
	if (fd2 >= 0)
		sys_close((int)fd2);
}

int main(void)
{
	long nr = read_long("/proc/sys/vm/nr_hugepages");
	long free = read_long("/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages");
	int grown = 0;

	if (nr < 0)
		tap_skip_all("no hugetlb pool (/proc/sys/vm/nr_hugepages)");
	if (free < 1) {
		grown = write_long("/proc/sys/vm/nr_hugepages", nr + 1) > 0;
		free = read_long("/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages");
	}
	tap_ok(free >= 1, "a free huge page for the test (%ld)", free);

	check_mounts();
	check_names();
	check_fallocate();
	check_statfs();
	check_umount();
	check_memfd();

	if (grown)
		write_long("/proc/sys/vm/nr_hugepages", nr);
	tap_is_long(read_long("/proc/sys/vm/nr_hugepages"), nr, "nr_hugepages back to %ld", nr);
	tap_is_long(read_long("/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages"),
		    read_long("/proc/sys/vm/nr_hugepages"), "every pool page free again");
	tap_is_long(read_long("/sys/kernel/mm/hugepages/hugepages-2048kB/resv_hugepages"), 0, "nothing reserved");
	return tap_done();
}
