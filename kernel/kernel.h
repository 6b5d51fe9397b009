/* Helpers every kernel file uses: printk, panic, assertions, arithmetic. */
#ifndef _KERNEL_KERNEL_H
#define _KERNEL_KERNEL_H

#include <kernel/types.h>

#define __packed	__attribute__((packed))
#define __aligned(x)	__attribute__((aligned(x)))
#define __noreturn	__attribute__((noreturn))
#define __printf(a, b)	__attribute__((format(printf, a, b)))
#define __section(s)	__attribute__((section(s)))
#define __used		__attribute__((used))
#define __maybe_unused	__attribute__((unused))
#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
/* A compiler barrier (no CPU fence): memory accesses are not moved across it. */
#define barrier()	__atomic_signal_fence(__ATOMIC_SEQ_CST)
#define READ_ONCE(x)	(*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define ALIGN(x, a)	(((x) + ((a) - 1)) & ~((__typeof__(x))(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a) - 1)) == 0)
#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))
#define min(a, b)	((a) < (b) ? (a) : (b))
#define max(a, b)	((a) > (b) ? (a) : (b))
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

/* printk: a timestamped line on the serial console, as Linux's dmesg shows it. */
__printf(1, 2) void printk(const char *fmt, ...);
void vprintk(const char *fmt, va_list ap);
__printf(3, 4) int snprintf(char *buf, size_t size, const char *fmt, ...);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
/*
 * Log levels, as Linux's KERN_*: "\001" and a digit in front of the format.
 * printk takes the level for the kernel log's "<level>" (syslog(2)) and
 * does not print it; the console line is the same as without it.
 */
#define KERN_SOH	"\001"
#define KERN_ERR	KERN_SOH "3"
#define KERN_WARNING	KERN_SOH "4"
#define KERN_INFO	KERN_SOH "6"
#define pr_info(...)	printk(KERN_INFO __VA_ARGS__)
#define pr_warn(...)	printk(KERN_WARNING "WARNING: " __VA_ARGS__)
#define pr_err(...)	printk(KERN_ERR "ERROR: " __VA_ARGS__)

/* Linux's ratelimit: at most burst messages per interval, per call site. */
struct ratelimit_state {
	u64 interval_ns, begin;
	int burst, printed;
};
#define RATELIMIT_STATE_INIT_DEFAULT { 5000000000ULL, 0, 10, 0 }	/* 10 per 5 s */
int __ratelimit(struct ratelimit_state *rs);
#define printk_ratelimited(...) ({ \
	static struct ratelimit_state __rs = RATELIMIT_STATE_INIT_DEFAULT; \
	if (__ratelimit(&__rs)) \
		printk(__VA_ARGS__); })
#define pr_warn_ratelimited(...)	printk_ratelimited(KERN_WARNING "WARNING: " __VA_ARGS__)

__printf(1, 2) __noreturn void panic(const char *fmt, ...);

/* An assertion names the invariant and the values (as FreeBSD's KASSERT messages do). */
#define BUG_ON(cond) do { \
	if (unlikely(cond)) \
		panic("BUG at %s:%d (%s): %s", __FILE__, __LINE__, __func__, #cond); \
} while (0)
#define VM_BUG_ON(cond, fmt, ...) do { \
	if (unlikely(cond)) \
		panic("%s: %s: " fmt, __func__, #cond, ##__VA_ARGS__); \
} while (0)
#define WARN_ON(cond) ({ \
	bool __w = !!(cond); \
	if (unlikely(__w)) \
		printk("WARNING at %s:%d (%s): %s\n", __FILE__, __LINE__, __func__, #cond); \
	__w; })

#endif
