/*
 * printf.c - a small printf family.
 *
 * Conversions: %d %i %u %x %X %o %p %s %c %%, length l / ll / z, flags
 * '-' (left-justify) and '0' (zero-pad), a width, and a precision for %s
 * (also as '*').  Everything formats through one sink (struct out):
 * vsnprintf's sink fills a buffer; vdprintf's fills a 512-byte stack
 * buffer and writes it when full and at the end.
 *
 * No stdio buffering: a line reaches the fd during the printf call, so
 * nothing is printed twice after fork and nothing is lost at exit.
 */
#include "ulib.h"

struct out {
	char *buf;
	size_t size;    /* capacity of buf */
	size_t pos;     /* bytes in buf */
	size_t total;   /* bytes produced, the return value */
	int fd;         /* -1: string sink, else flush to this fd */
};

static void out_flush(struct out *o)
{
	size_t done = 0;

	while (o->fd >= 0 && done < o->pos) {
		long r = sys_write(o->fd, o->buf + done, o->pos - done);

		if (r <= 0)
			break;          /* nothing sensible to do with an error here */
		done += r;
	}
	o->pos = 0;
}

static void out_char(struct out *o, char c)
{
	o->total++;
	if (o->fd >= 0) {
		if (o->pos == o->size)
			out_flush(o);
		o->buf[o->pos++] = c;
	} else if (o->pos + 1 < o->size) {      /* keep room for the NUL */
		o->buf[o->pos++] = c;
	}
}

static void out_pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		out_char(o, c);
}

/* Emit s (len bytes) within width, honouring '-' and '0'. */
static void out_field(struct out *o, const char *s, int len, int width, int left, char pad)
{
	if (!left) {
		/* Zero padding goes after a sign: -0042, not 00-42. */
		if (pad == '0' && len > 0 && s[0] == '-') {
			out_char(o, '-');
			s++, len--, width--;
		}
		out_pad(o, pad, width - len);
	}
	for (int i = 0; i < len; i++)
		out_char(o, s[i]);
	if (left)
		out_pad(o, ' ', width - len);
}

/* Digits of v in base, into the end of tmp; returns the start. */
static char *fmt_ulong(char *end, unsigned long long v, int base, int upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";

	*--end = 0;
	do {
		*--end = digits[v % base];
		v /= base;
	} while (v);
	return end;
}

static void out_format(struct out *o, const char *fmt, va_list ap)
{
	char tmp[32];

	for (; *fmt; fmt++) {
		int left = 0, width = 0, prec = -1, lng = 0;
		char pad = ' ';

		if (*fmt != '%') {
			out_char(o, *fmt);
			continue;
		}
		fmt++;
		for (;; fmt++) {                /* flags */
			if (*fmt == '-')
				left = 1;
			else if (*fmt == '0')
				pad = '0';
			else
				break;
		}
		if (*fmt == '*') {
			width = va_arg(ap, int);
			fmt++;
		}
		for (; *fmt >= '0' && *fmt <= '9'; fmt++)
			width = width * 10 + (*fmt - '0');
		if (*fmt == '.') {
			fmt++;
			prec = 0;
			if (*fmt == '*') {
				prec = va_arg(ap, int);
				fmt++;
			}
			for (; *fmt >= '0' && *fmt <= '9'; fmt++)
				prec = prec * 10 + (*fmt - '0');
		}
		for (; *fmt == 'l' || *fmt == 'z'; fmt++)
			lng++;          /* l, ll and z are all 64-bit here */
		if (left)
			pad = ' ';

		switch (*fmt) {
		case 'd':
		case 'i': {
			long long v = lng ? va_arg(ap, long) : va_arg(ap, int);
			unsigned long long mag = v < 0 ? -(unsigned long long)v : (unsigned long long)v;
			char *s = fmt_ulong(tmp + sizeof(tmp), mag, 10, 0);

			if (v < 0)
				*--s = '-';
			out_field(o, s, (int)strlen(s), width, left, pad);
			break;
		}
		case 'u':
		case 'x':
		case 'X':
		case 'o': {
			unsigned long long v = lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int);
			int base = *fmt == 'u' ? 10 : *fmt == 'o' ? 8 : 16;
			char *s = fmt_ulong(tmp + sizeof(tmp), v, base, *fmt == 'X');

			out_field(o, s, (int)strlen(s), width, left, pad);
			break;
		}
		case 'p': {
			char *s = fmt_ulong(tmp + sizeof(tmp), (unsigned long)va_arg(ap, void *), 16, 0);

			*--s = 'x';
			*--s = '0';
			out_field(o, s, (int)strlen(s), width, left, ' ');
			break;
		}
		case 's': {
			const char *s = va_arg(ap, const char *);

			if (!s)
				s = "(null)";
			out_field(o, s, (int)(prec >= 0 ? strnlen(s, prec) : strlen(s)), width, left, ' ');
			break;
		}
		case 'c':
			tmp[0] = (char)va_arg(ap, int);
			out_field(o, tmp, 1, width, left, ' ');
			break;
		case '%':
			out_char(o, '%');
			break;
		case 0:
			return;         /* lone '%' at the end */
		default:                /* unknown: print it as written */
			out_char(o, '%');
			out_char(o, *fmt);
			break;
		}
	}
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { .buf = buf, .size = size, .fd = -1 };

	out_format(&o, fmt, ap);
	if (size)
		buf[o.pos] = 0;
	return (int)o.total;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int vdprintf(int fd, const char *fmt, va_list ap)
{
	char buf[512];
	struct out o = { .buf = buf, .size = sizeof(buf), .fd = fd };

	out_format(&o, fmt, ap);
	out_flush(&o);
	return (int)o.total;
}

int dprintf(int fd, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vdprintf(fd, fmt, ap);
	va_end(ap);
	return n;
}

int printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vdprintf(1, fmt, ap);
	va_end(ap);
	return n;
}

int puts(const char *s)
{
	return dprintf(1, "%s\n", s);
}
