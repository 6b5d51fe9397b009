/*
 * printf: ulib's snprintf formats like C's: every conversion the tests
 * use, width, zero-padding, left-justification, and truncation with the
 * full length returned.  No syscalls beyond printing: a library check,
 * so that a failure elsewhere is never a formatting bug.
 */
#include "tap.h"

static char buf[128];

static const char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
static const char *fmt(const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	vsnprintf(buf, sizeof(buf), f, ap);
	va_end(ap);
	return buf;
}

int main(void)
{
	char small[8];

	tap_is_str(fmt("%d %i %d", 42, -7, 0), "42 -7 0", "%%d and %%i");
	tap_is_str(fmt("%u %x %X", 4000000000U, 0xbeefU, 0xbeefU), "4000000000 beef BEEF", "%%u %%x %%X");
	tap_is_str(fmt("%ld %lu %lx", -1L, ~0UL, 0xffff888000000000UL),
		   "-1 18446744073709551615 ffff888000000000", "%%ld %%lu %%lx");
	tap_is_str(fmt("%lld %llu", -9223372036854775807LL - 1, 18446744073709551615ULL),
		   "-9223372036854775808 18446744073709551615", "%%lld %%llu extremes");
	tap_is_str(fmt("%zu %p", (size_t)4096, (void *)0x1000), "4096 0x1000", "%%zu %%p");
	tap_is_str(fmt("%s|%c|%%", "pagoda", 'x'), "pagoda|x|%", "%%s %%c %%%%");
	tap_is_str(fmt("[%5d][%-5d][%05d][%05d]", 42, 42, 42, -42), "[   42][42   ][00042][-0042]", "width, '-' and '0'");
	tap_is_str(fmt("[%8s][%-8s][%.3s]", "ab", "ab", "abcdef"), "[      ab][ab      ][abc]", "%%s width and precision");
	tap_is_str(fmt("[%016lx]", 0xdeadUL), "[000000000000dead]", "zero-padded %%lx");
	tap_is_long(snprintf(small, sizeof(small), "%s", "0123456789"), 10, "snprintf returns the full length");
	tap_is_str(small, "0123456", "and truncates with a NUL");
	tap_is_long(strtol("-123", NULL, 10) + (long)strtoul("0x10", NULL, 0), -107, "strtol and strtoul");
	return tap_done();
}
