/*
 * ulib.h - Pagoda's tiny freestanding C library, one header for all of it.
 *
 *   crt0.S / start.c  _start -> __libc_start(sp) -> main(argc, argv, envp) -> exit_group
 *   syscall.h         sys_xxx(): raw calls returning -errno
 *   syscalls.c        xxx(): libc-style wrappers, set errno, return -1 / MAP_FAILED
 *   string.c          mem*, str*
 *   printf.c          printf / dprintf / snprintf / vsnprintf (unbuffered: one
 *                     write() per call, so output never doubles across fork)
 *   malloc.c          first-fit free list on top of brk
 *   util.c            /proc/meminfo reader, uname helper, errno names, paths
 *
 * Single-threaded: errno is a plain global.
 */
#ifndef ULIB_H
#define ULIB_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include "uapi.h"
#include "syscall.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a) (((x) + (a) - 1) & ~((a) - 1))

/* ---- process start-up state (start.c) ---- */
extern int errno;
extern char **environ;
extern unsigned long *__auxv;           /* first AT_* pair on the initial stack */
extern unsigned long __start_sp;        /* %rsp as the kernel handed it to _start */
unsigned long getauxval(unsigned long type);   /* 0 if absent */

/* ---- libc-style wrappers (syscalls.c): -1 and errno on failure ---- */
ssize_t read(int fd, void *buf, size_t n);
ssize_t write(int fd, const void *buf, size_t n);
ssize_t writev(int fd, const struct iovec *iov, int cnt);
int open(const char *path, int flags, ...);
int close(int fd);
void *mmap(void *addr, size_t len, int prot, int flags, int fd, long off);
int munmap(void *addr, size_t len);
int mprotect(void *addr, size_t len, int prot);
int madvise(void *addr, size_t len, int advice);
void *sbrk(long incr);
pid_t getpid(void);
pid_t getppid(void);
pid_t fork(void);
int execve(const char *path, char *const *argv, char *const *envp);
pid_t wait4(pid_t pid, int *status, int options, struct rusage *ru);
pid_t waitpid(pid_t pid, int *status, int options);
int kill(pid_t pid, int sig);
int uname(struct utsname *u);
int clock_gettime(int clk, struct timespec *ts);
int nanosleep(const struct timespec *req, struct timespec *rem);
int sched_yield(void);
int getrusage(int who, struct rusage *ru);
__attribute__((noreturn)) void exit(int code);
__attribute__((noreturn)) void _exit(int code);

/* ---- string.c ---- */
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strcpy(char *d, const char *s);
size_t strlcpy(char *d, const char *s, size_t size);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
char *strstr(const char *hay, const char *needle);
long strtol(const char *s, char **end, int base);
unsigned long strtoul(const char *s, char **end, int base);

/* ---- printf.c ---- */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int vdprintf(int fd, const char *fmt, va_list ap);
int dprintf(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int puts(const char *s);        /* s and "\n" to fd 1 */

/* ---- malloc.c ---- */
void *malloc(size_t n);
void *calloc(size_t nmemb, size_t size);
void *realloc(void *p, size_t n);
void free(void *p);

/* ---- util.c ---- */
const char *errno_name(int e);               /* "EFAULT", or "E?" */
long meminfo_kb(const char *field);          /* e.g. "MemFree"; -1 if absent */
long read_file(const char *path, char *buf, size_t size);   /* NUL-terminated; bytes or -errno */
long vmstat_get(const char *name);           /* a /proc/vmstat counter; -1 if absent */
long knob_write(const char *path, const char *val);   /* bytes written or -errno */
int is_pagoda(void);                         /* uname().sysname == "Pagoda" */
long now_ns(void);                           /* CLOCK_MONOTONIC in ns */
void prefault_image(void);                   /* read every page of the program's file image */
/* "<dir of argv0>/../<sub>" written textually (no ".." for the kernel to resolve). */
void sibling_path(char *out, size_t size, const char *argv0, const char *sub);
/* "exit status N" / "killed by signal N" for a wait status. */
void wstatus_str(int status, char *buf, size_t size);

#endif /* ULIB_H */
