/* vsnprintf: the subset of printf formats the kernel uses (%d %u %x %p %s %c, l/ll/z, width, 0, -). */
#include <kernel/kernel.h>
#include <lib/string.h>

struct outbuf {
	char *buf;
	size_t size, len;
};

static void put(struct outbuf *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void put_number(struct outbuf *o, unsigned long long v, bool negative,
		       unsigned int base, int width, bool zero, bool left)
{
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	if (negative)
		width--;
	if (!left && !zero)
		for (int i = n; i < width; i++)
			put(o, ' ');
	if (negative)
		put(o, '-');
	if (!left && zero)
		for (int i = n; i < width; i++)
			put(o, '0');
	while (n)
		put(o, tmp[--n]);
	if (left)
		for (int i = n; i < width; i++)
			put(o, ' ');
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct outbuf o = { buf, size, 0 };

	for (; *fmt; fmt++) {
		bool zero = false, left = false;
		int width = 0, lng = 0;

		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		fmt++;
		for (;; fmt++) {
			if (*fmt == '0')
				zero = true;
			else if (*fmt == '-')
				left = true;
			else
				break;
		}
		if (*fmt == '*') {
			width = va_arg(ap, int);
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		while (*fmt == 'l' || *fmt == 'z') {
			lng++;
			fmt++;
		}
		switch (*fmt) {
		case 'd':
		case 'i': {
			long long v = lng ? va_arg(ap, long) : va_arg(ap, int);
			put_number(&o, v < 0 ? -(unsigned long long)v : (unsigned long long)v,
				   v < 0, 10, width, zero, left);
			break;
		}
		case 'u':
			put_number(&o, lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int),
				   false, 10, width, zero, left);
			break;
		case 'x':
			put_number(&o, lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int),
				   false, 16, width, zero, left);
			break;
		case 'p':
			put(&o, '0');
			put(&o, 'x');
			put_number(&o, (unsigned long)va_arg(ap, void *), false, 16, 16, true, false);
			break;
		case 'c':
			put(&o, (char)va_arg(ap, int));
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			int len;

			if (!s)
				s = "(null)";
			len = strlen(s);
			if (!left)
				for (int i = len; i < width; i++)
					put(&o, ' ');
			while (*s)
				put(&o, *s++);
			if (left)
				for (int i = len; i < width; i++)
					put(&o, ' ');
			break;
		}
		case '%':
			put(&o, '%');
			break;
		default:
			put(&o, '%');
			put(&o, *fmt);
			break;
		}
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
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
