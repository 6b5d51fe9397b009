/*
 * tap.h - assertions for test programs.
 *
 * A test program prints its checks as TAP *comments*, and /init prints
 * the one real TAP line for the whole program:
 *
 *   #   ok 1 - mmap returns a page-aligned address      <- the test (tap_ok)
 *   #   not ok 2 - len 0 gives EINVAL
 *   #     got -22 (EINVAL), expected -14 (EFAULT)      <- tap_diag
 *   #   1..2                                           <- tap_done
 *   not ok 7 - mmap_anon # exit status 1               <- /init
 *
 * so the console stays valid TAP however deep the nesting.  Typical main:
 *
 *   int main(void) { tap_ok(x == 1, "x is one"); ...; return tap_done(); }
 *
 * tap_done() returns the exit status: 0 if every check passed, else 1.
 */
#ifndef ULIB_TAP_H
#define ULIB_TAP_H

#include "ulib.h"

void tap_plan(int n);                   /* optional: tap_done fails if the count differs */
int tap_ok(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int tap_is_long(long got, long expected, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int tap_is_ulong(unsigned long got, unsigned long expected, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int tap_is_str(const char *got, const char *expected, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* A raw syscall result must be -err (err > 0), e.g. tap_is_err(sys_close(-1), EBADF, ...). */
int tap_is_err(long ret, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void tap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int tap_done(void);
/*
 * The whole program does not apply here: print "# SKIP reason" and exit
 * with KSFT_SKIP, which /init reports as "ok N - name # SKIP".
 */
#define KSFT_SKIP	4	/* Linux's kselftest exit status for a skipped test */
__attribute__((noreturn)) void tap_skip_all(const char *reason);

/*
 * Run fn(arg) in a forked child, which then exits 0.  Returns the child's
 * wait status, or -errno if fork or wait4 failed.  For checks that expect
 * the child to die: tap_child_signal(child_fn, p, SIGSEGV, "...").
 */
int run_in_child(void (*fn)(void *), void *arg);
int tap_child_signal(void (*fn)(void *), void *arg, int sig, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
int tap_child_exit(void (*fn)(void *), void *arg, int code, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Child bodies for the calls above: access addr and (normally) die doing it. */
void touch_read(void *addr);
void touch_write(void *addr);
void touch_exec(void *addr);

#endif /* ULIB_TAP_H */
