/*
 * uapi.h - the Linux x86-64 user ABI that Pagoda speaks: syscall numbers,
 * flag values, errno values, signal numbers and struct layouts.
 *
 * Every value here is Linux's own (arch/x86/entry/syscalls/syscall_64.tbl,
 * include/uapi/...), so that one test binary runs on Pagoda and on Linux.
 * Nothing here is Pagoda-specific; do not "improve" a value.
 */
#ifndef ULIB_UAPI_H
#define ULIB_UAPI_H

#include <stddef.h>
#include <stdint.h>

/* ---- syscall numbers (x86-64 "64" ABI) ---- */
#define __NR_read               0
#define __NR_write              1
#define __NR_close              3
#define __NR_mmap               9
#define __NR_mprotect           10
#define __NR_munmap             11
#define __NR_brk                12
#define __NR_ioctl              16
#define __NR_writev             20
#define __NR_sched_yield        24
#define __NR_mremap             25
#define __NR_madvise            28
#define __NR_nanosleep          35
#define __NR_getpid             39
#define __NR_clone              56
#define __NR_fork               57
#define __NR_vfork              58
#define __NR_execve             59
#define __NR_exit               60
#define __NR_wait4              61
#define __NR_kill               62
#define __NR_uname              63
#define __NR_getrusage          98
#define __NR_getppid            110
#define __NR_arch_prctl         158
#define __NR_mount              165
#define __NR_reboot             169
#define __NR_gettid             186
#define __NR_getdents64         217
#define __NR_set_tid_address    218
#define __NR_clock_gettime      228
#define __NR_exit_group         231
#define __NR_mbind              237
#define __NR_set_mempolicy      238
#define __NR_get_mempolicy      239
#define __NR_migrate_pages      256
#define __NR_openat             257
#define __NR_mkdirat            258
#define __NR_mknodat            259
#define __NR_move_pages         279
#define __NR_getcpu             309

/* ---- errno ---- */
#define EPERM           1
#define ENOENT          2
#define ESRCH           3
#define EINTR           4
#define EIO             5
#define ENXIO           6
#define E2BIG           7
#define ENOEXEC         8
#define EBADF           9
#define ECHILD          10
#define EAGAIN          11
#define ENOMEM          12
#define EACCES          13
#define EFAULT          14
#define EBUSY           16
#define EEXIST          17
#define ENODEV          19
#define ENOTDIR         20
#define EISDIR          21
#define EINVAL          22
#define EMFILE          24
#define ENOTTY          25
#define ENOSPC          28
#define ESPIPE          29
#define EPIPE           32
#define ERANGE          34
#define ENOSYS          38
#define EOVERFLOW       75
#define EOPNOTSUPP      95

/* ---- signals (_NSIG = 64) ---- */
#define SIGHUP          1
#define SIGINT          2
#define SIGQUIT         3
#define SIGILL          4
#define SIGTRAP         5
#define SIGABRT         6
#define SIGBUS          7
#define SIGFPE          8
#define SIGKILL         9
#define SIGUSR1         10
#define SIGSEGV         11
#define SIGUSR2         12
#define SIGPIPE         13
#define SIGALRM         14
#define SIGTERM         15
#define SIGCHLD         17
#define SIGCONT         18
#define SIGSTOP         19
#define _NSIG           64

/* ---- mmap / mprotect / madvise ---- */
#define PROT_NONE       0x0
#define PROT_READ       0x1
#define PROT_WRITE      0x2
#define PROT_EXEC       0x4

#define MAP_SHARED              0x01
#define MAP_PRIVATE             0x02
#define MAP_SHARED_VALIDATE     0x03
#define MAP_TYPE                0x0f
#define MAP_FIXED               0x10
#define MAP_ANONYMOUS           0x20
#define MAP_GROWSDOWN           0x0100
#define MAP_NORESERVE           0x4000
#define MAP_POPULATE            0x8000
#define MAP_HUGETLB             0x40000
#define MAP_FIXED_NOREPLACE     0x100000
#define MAP_HUGE_SHIFT          26
#define MAP_HUGE_MASK           0x3f
#define MAP_HUGE_2MB            (21 << MAP_HUGE_SHIFT)
#define MAP_HUGE_1GB            (30 << MAP_HUGE_SHIFT)
#define MAP_FAILED              ((void *)-1)

#define MADV_NORMAL             0
#define MADV_DONTNEED           4
#define MADV_DONTFORK           10
#define MADV_DOFORK             11
#define MADV_WIPEONFORK         18
#define MADV_COLD               20
#define MADV_PAGEOUT            21
#define MADV_HUGEPAGE           14
#define MADV_NOHUGEPAGE         15
#define MADV_COLLAPSE           25

#define PAGE_SIZE       4096UL
#define HPAGE_SIZE      (2UL << 20)

/* ---- mempolicy (for the NUMA tests) ---- */
#define MPOL_DEFAULT            0
#define MPOL_PREFERRED          1
#define MPOL_BIND               2
#define MPOL_INTERLEAVE         3
#define MPOL_LOCAL              4
#define MPOL_F_NODE             1
#define MPOL_F_ADDR             2
#define MPOL_MF_STRICT          1
#define MPOL_MF_MOVE            2
#define MPOL_MF_MOVE_ALL        4

/* ---- open / openat (octal, as in asm-generic/fcntl.h) ---- */
#define O_RDONLY        00
#define O_WRONLY        01
#define O_RDWR          02
#define O_CREAT         0100
#define O_EXCL          0200
#define O_NOCTTY        0400
#define O_TRUNC         01000
#define O_APPEND        02000
#define O_NONBLOCK      04000
#define O_DIRECTORY     0200000
#define O_CLOEXEC       02000000
#define AT_FDCWD        (-100)

/* ---- mknod modes and device numbers ---- */
#define S_IFMT          0170000
#define S_IFDIR         0040000
#define S_IFCHR         0020000
#define S_IFREG         0100000
/* The old 8:8 encoding; the kernel's new_decode_dev() accepts it for small numbers. */
#define makedev(ma, mi) ((((ma) & 0xfffU) << 8) | ((mi) & 0xffU))

/* ---- getdents64 d_type ---- */
#define DT_UNKNOWN      0
#define DT_DIR          4
#define DT_REG          8

/* ---- wait4 ---- */
#define WNOHANG         0x00000001
#define WUNTRACED       0x00000002
#define WCONTINUED      0x00000008
#define __WNOTHREAD     0x20000000
#define __WALL          0x40000000
#define __WCLONE        0x80000000

/* Normal exit: code << 8.  Killed: signal in bits 0-6, 0x80 if it dumped core. */
#define WEXITSTATUS(s)  (((s) & 0xff00) >> 8)
#define WTERMSIG(s)     ((s) & 0x7f)
#define WIFEXITED(s)    (WTERMSIG(s) == 0)
#define WIFSIGNALED(s)  (((signed char)(((s) & 0x7f) + 1) >> 1) > 0)
#define WCOREDUMP(s)    ((s) & 0x80)

/* ---- reboot ---- */
#define LINUX_REBOOT_MAGIC1             0xfee1dead
#define LINUX_REBOOT_MAGIC2             672274793
#define LINUX_REBOOT_CMD_RESTART        0x01234567
#define LINUX_REBOOT_CMD_HALT           0xCDEF0123
#define LINUX_REBOOT_CMD_POWER_OFF      0x4321FEDC

/* ---- clocks ---- */
#define CLOCK_REALTIME          0
#define CLOCK_MONOTONIC         1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_BOOTTIME          7

/* ---- getrusage ---- */
#define RUSAGE_SELF             0
#define RUSAGE_CHILDREN         (-1)
#define RUSAGE_THREAD           1

/* ---- arch_prctl ---- */
#define ARCH_SET_GS     0x1001
#define ARCH_SET_FS     0x1002
#define ARCH_GET_FS     0x1003
#define ARCH_GET_GS     0x1004

/* ---- ioctl ---- */
#define TCGETS          0x5401
#define TIOCGWINSZ      0x5413

/* ---- mount ---- */
#define MS_NOSUID       2
#define MS_NODEV        4
#define MS_NOEXEC       8

/* ---- auxiliary vector (elf.h) ---- */
#define AT_NULL         0
#define AT_PHDR         3
#define AT_PHENT        4
#define AT_PHNUM        5
#define AT_PAGESZ       6
#define AT_ENTRY        9
#define AT_UID          11
#define AT_RANDOM       25
#define AT_EXECFN       31

/* ---- structs ---- */
struct timespec {
	long tv_sec;
	long tv_nsec;
};

struct timeval {
	long tv_sec;
	long tv_usec;
};

struct rusage {                         /* 144 bytes */
	struct timeval ru_utime;
	struct timeval ru_stime;
	long ru_maxrss;
	long ru_ixrss;
	long ru_idrss;
	long ru_isrss;
	long ru_minflt;
	long ru_majflt;
	long ru_nswap;
	long ru_inblock;
	long ru_oublock;
	long ru_msgsnd;
	long ru_msgrcv;
	long ru_nsignals;
	long ru_nvcsw;
	long ru_nivcsw;
};
_Static_assert(sizeof(struct rusage) == 144, "struct rusage: Linux's x86-64 layout");

#define UTSNAME_LEN 65
struct utsname {                        /* 390 bytes */
	char sysname[UTSNAME_LEN];
	char nodename[UTSNAME_LEN];
	char release[UTSNAME_LEN];
	char version[UTSNAME_LEN];
	char machine[UTSNAME_LEN];
	char domainname[UTSNAME_LEN];
};
_Static_assert(sizeof(struct utsname) == 6 * UTSNAME_LEN, "struct utsname: Linux's new_utsname");

struct iovec {
	void *iov_base;
	size_t iov_len;
};
#define UIO_MAXIOV 1024

struct winsize {
	unsigned short ws_row;
	unsigned short ws_col;
	unsigned short ws_xpixel;
	unsigned short ws_ypixel;
};

struct linux_dirent64 {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

typedef long ssize_t;
typedef int pid_t;

#endif /* ULIB_UAPI_H */
