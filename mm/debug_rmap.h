#ifndef _MM_DEBUG_RMAP_H
#define _MM_DEBUG_RMAP_H
#include <kernel/types.h>
/* Text reports for /sys/kernel/debug/pagoda/; each returns its length or -errno. */
int pagoda_rmap_report(pid_t pid, unsigned long addr, char *buf, size_t size);
int pagoda_anon_vma_report(pid_t pid, char *buf, size_t size);
int pagoda_mm_check(char *buf, size_t size);
int pagoda_unmap_report(pid_t pid, unsigned long addr, char *buf, size_t size);
int pagoda_referenced_report(pid_t pid, unsigned long addr, char *buf, size_t size);
#endif
