#ifndef _KERNEL_PROC_PAGE_H
#define _KERNEL_PROC_PAGE_H
#include <kernel/types.h>
/* Binary /proc files; each returns bytes copied to ubuf or -errno. */
ssize_t pagemap_read(pid_t pid, u64 pos, char *ubuf, size_t count);
ssize_t kpagecount_read(u64 pos, char *ubuf, size_t count);
#endif
