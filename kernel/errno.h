/* Linux's errno values (include/uapi/asm-generic/errno-base.h, errno.h). */
#ifndef _KERNEL_ERRNO_H
#define _KERNEL_ERRNO_H

#define EPERM		1
#define ENOENT		2
#define ESRCH		3
#define EINTR		4
#define EIO		5
#define ENXIO		6
#define E2BIG		7
#define ENOEXEC		8
#define EBADF		9
#define ECHILD		10
#define EAGAIN		11
#define ENOMEM		12
#define EACCES		13
#define EFAULT		14
#define EBUSY		16
#define EEXIST		17
#define ENODEV		19
#define ENOTDIR		20
#define EISDIR		21
#define EINVAL		22
#define ENFILE		23
#define EMFILE		24
#define ENOTTY		25
#define EFBIG		27
#define ENOSPC		28
#define ESPIPE		29
#define EPIPE		32
#define EROFS		30
#define ERANGE		34
#define ENAMETOOLONG	36
#define ENOSYS		38
#define EOVERFLOW	75
#define EOPNOTSUPP	95
#define ETIMEDOUT	110
/*
 * Kernel-internal, never seen by user space: a system call interrupted by a
 * signal returns one of these, and the signal code decides (do_signal):
 *   ERESTARTSYS     restart if no handler runs, or it has SA_RESTART; else EINTR
 *   ERESTARTNOINTR  always restart
 *   ERESTARTNOHAND  restart if no handler runs; else EINTR
 *   ERESTART_RESTARTBLOCK  if no handler runs, go on with restart_syscall
 *                   (current->restart_block, e.g. the rest of a nanosleep);
 *                   else EINTR
 */
#define ERESTARTSYS	512
#define ERESTARTNOINTR	513
#define ERESTARTNOHAND	514
#define ERESTART_RESTARTBLOCK	516

#define MAX_ERRNO	4095
#define IS_ERR_VALUE(x)	((unsigned long)(x) >= (unsigned long)-MAX_ERRNO)
static inline void *ERR_PTR(long error) { return (void *)error; }
static inline long PTR_ERR(const void *ptr) { return (long)ptr; }
static inline int IS_ERR(const void *ptr) { return IS_ERR_VALUE((unsigned long)ptr); }

#endif
