/*
 * fd_high_bits: the kernel reads a file-descriptor argument as the low 32
 * bits of its register, as Linux does (fdget takes an unsigned int), so a
 * call with fd | 0x100000000 behaves exactly as with fd. Pagoda's mmap
 * once checked the fd as an int and indexed the table with all 64 bits,
 * and mmap(0, 4096, PROT_READ, MAP_PRIVATE, 0x100000000, 0) panicked.
 * On a real file (/init) and a directory (/), each call is made with the
 * plain fd and with the high bit set, and the results must match:
 *   read, readv, pread64, lseek, fstat, fcntl(F_GETFD), ioctl, dup, dup2,
 *   write and writev (EBADF on a read-only fd), getdents64, openat and newfstatat relative
 *   to the directory fd, mmap of the file and of fd 0, and close (after
 *   which the plain fd is EBADF)
 */
#include "tap.h"

#define HI		0x100000000L
#define __NR_readv	19
#define __NR_fstat	5
#define __NR_lseek	8
#define __NR_pread64	17
#define __NR_dup	32
#define __NR_dup2	33
#define __NR_fcntl	72
#define __NR_newfstatat	262
#define F_GETFD		1
#define TCGETS		0x5401
#define SEEK_SET	0
#define SEEK_CUR	1

/* struct stat (x86-64): st_ino is word 1, st_mode the low half of word 3, st_size word 6. */
struct kstat { unsigned long w[18]; };

static long mmap_first_byte(long fd, int *byte)
{
	long r = syscall6(__NR_mmap, 0, 4096, PROT_READ, MAP_PRIVATE, fd, 0);

	if (r < 0 && r > -4096)
		return r;
	*byte = *(volatile unsigned char *)r;
	sys_munmap((void *)r, 4096);
	return 0;
}

static void check_file(long fd)
{
	char a[8] = { 0 }, b[8] = { 0 };
	struct kstat sa, sb;
	struct iovec iov;
	int ba = -1, bb = -1;
	long ra, rb, nfd;

	tap_is_long(syscall3(__NR_read, fd | HI, a, 4), 4, "read(fd | 1<<32) reads 4 bytes");
	tap_ok(!memcmp(a, "\177ELF", 4), "and they are the ELF magic");
	tap_is_long(syscall3(__NR_lseek, fd | HI, 0, SEEK_CUR), 4, "lseek(fd | 1<<32, 0, SEEK_CUR) is 4");
	tap_is_long(syscall3(__NR_lseek, fd | HI, 1, SEEK_SET), 1, "lseek(fd | 1<<32, 1, SEEK_SET) is 1");
	tap_is_long(syscall3(__NR_read, fd, b, 3), 3, "read(fd) after it reads 3 bytes");
	tap_ok(!memcmp(b, "ELF", 3), "from the offset the high-bit lseek set");
	iov.iov_base = a;
	iov.iov_len = 2;
	memset(a, 0, sizeof(a));
	tap_is_long(syscall3(__NR_readv, fd | HI, &iov, 1), 2, "readv(fd | 1<<32) reads 2 bytes");
	tap_ok(a[0] == 2 && a[1] == 1, "bytes 4-5: ELFCLASS64, little-endian (%d %d)", a[0], a[1]);
	tap_is_long(syscall3(__NR_writev, fd | HI, &iov, 1), syscall3(__NR_writev, fd, &iov, 1),
		    "writev to the read-only fd gives the same error");
	memset(a, 0, sizeof(a));
	tap_is_long(syscall4(__NR_pread64, fd | HI, a, 3, 1), 3, "pread64(fd | 1<<32) reads 3 bytes");
	tap_ok(!memcmp(a, "ELF", 3), "at the offset it was given");

	tap_is_long(syscall2(__NR_fstat, fd | HI, &sa), 0, "fstat(fd | 1<<32) succeeds");
	tap_is_long(syscall2(__NR_fstat, fd, &sb), 0, "fstat(fd) succeeds");
	tap_ok(sa.w[1] == sb.w[1] && (unsigned)sa.w[3] == (unsigned)sb.w[3] && sa.w[6] == sb.w[6],
	       "same inode, mode and size (%lu, %lu bytes)", sa.w[1], sa.w[6]);
	tap_is_long(syscall2(__NR_fcntl, fd | HI, F_GETFD), syscall2(__NR_fcntl, fd, F_GETFD),
		    "fcntl(F_GETFD) gives the same flags");
	tap_is_long(syscall3(__NR_ioctl, fd | HI, TCGETS, a), syscall3(__NR_ioctl, fd, TCGETS, a),
		    "ioctl(TCGETS) on a file gives the same error");
	tap_is_long(syscall3(__NR_write, fd | HI, "x", 1), syscall3(__NR_write, fd, "x", 1),
		    "write to the read-only fd gives the same error");

	nfd = syscall1(__NR_dup, fd | HI);
	if (tap_ok(nfd >= 0 && nfd != fd, "dup(fd | 1<<32) gives a new fd (%ld)", nfd)) {
		tap_is_long(syscall2(__NR_dup2, fd | HI, nfd | HI), nfd, "dup2 with both fds | 1<<32 returns the new fd");
		tap_is_long(syscall1(__NR_close, nfd | HI), 0, "close(newfd | 1<<32) closes it");
		tap_is_err(syscall1(__NR_close, nfd), EBADF, "and the plain newfd is closed");
	}

	ra = mmap_first_byte(fd | HI, &ba);
	rb = mmap_first_byte(fd, &bb);
	tap_is_long(ra, rb, "mmap(fd | 1<<32) gives what mmap(fd) gives");
	tap_is_long(ba, bb, "and the same first byte when it maps");
	ra = mmap_first_byte(HI, &ba);
	rb = mmap_first_byte(0, &bb);
	tap_is_long(ra, rb, "mmap(fd 0x100000000) gives what mmap(fd 0) gives");
}

static void check_dir(long dfd)
{
	char buf[4096];
	struct kstat sa, sb;
	long n, fd;

	n = syscall3(__NR_getdents64, dfd | HI, buf, sizeof(buf));
	tap_ok(n > 0, "getdents64(dirfd | 1<<32) reads entries (%ld bytes)", n);
	fd = syscall4(__NR_openat, dfd | HI, "init", O_RDONLY, 0);
	tap_ok(fd >= 0, "openat(dirfd | 1<<32, \"init\") opens it (%ld)", fd);
	if (fd >= 0)
		sys_close((int)fd);
	tap_is_long(syscall4(__NR_newfstatat, dfd | HI, "init", &sa, 0), 0, "newfstatat(dirfd | 1<<32, \"init\") succeeds");
	tap_is_long(syscall4(__NR_newfstatat, dfd, "init", &sb, 0), 0, "newfstatat(dirfd, \"init\") succeeds");
	tap_ok(sa.w[1] == sb.w[1] && sa.w[6] == sb.w[6], "both see the same file");
}

int main(void)
{
	long fd = sys_openat(AT_FDCWD, "/init", O_RDONLY, 0);
	long dfd = sys_openat(AT_FDCWD, "/", O_RDONLY | O_DIRECTORY, 0);

	if (!tap_ok(fd >= 0, "open /init") || !tap_ok(dfd >= 0, "open / as a directory"))
		return tap_done();
	check_file(fd);
	check_dir(dfd);
	tap_is_long(syscall1(__NR_close, fd | HI), 0, "close(fd | 1<<32) returns 0");
	tap_is_err(syscall3(__NR_read, fd, &fd, 1), EBADF, "and the plain fd is closed");
	sys_close((int)dfd);
	return tap_done();
}
