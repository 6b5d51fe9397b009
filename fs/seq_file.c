/*
 * fs/seq_file.c: text generated into a kmalloc'd buffer. The /proc and
 * /sys handlers print with seq_printf; a full buffer is retried bigger
 * (fs/proc/generic.c, proc_generate).
 */
#include <fs/fs.h>
#include <kernel/kernel.h>
#include <lib/string.h>

void seq_printf(struct seq_file *m, const char *fmt, ...)
{
	va_list ap;
	int len;

	if (m->count >= m->size)
		return;
	va_start(ap, fmt);
	len = vsnprintf(m->buf + m->count, m->size - m->count, fmt, ap);
	va_end(ap);
	if (m->count + len < m->size)
		m->count += len;
	else
		m->count = m->size;		/* overflow: the caller retries bigger */
}

void seq_puts(struct seq_file *m, const char *s)
{
	seq_printf(m, "%s", s);
}

void seq_putc(struct seq_file *m, char c)
{
	if (m->count + 1 < m->size)
		m->buf[m->count++] = c;
	else
		m->count = m->size;
}

/* A bitmap as Linux's "%*pbl": "0-1", "0,2-3", "" when empty. */
void seq_bitmap_list(struct seq_file *m, u64 bits, int nbits)
{
	const char *sep = "";

	for (int i = 0; i < nbits; i++) {
		int j = i;

		if (!(bits & (1ULL << i)))
			continue;
		while (j + 1 < nbits && (bits & (1ULL << (j + 1))))
			j++;
		if (j == i)
			seq_printf(m, "%s%d", sep, i);
		else
			seq_printf(m, "%s%d-%d", sep, i, j);
		sep = ",";
		i = j;
	}
}
