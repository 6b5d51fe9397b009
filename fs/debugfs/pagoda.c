/*
 * /sys/kernel/debug/pagoda/: Pagoda-only debug files (docs/files.md).
 * Each parses the request written to it and prints a report made by
 * mm/debug_rmap.c.
 */
#include <fs/proc_fs.h>
#include <kernel/kernel.h>
#include <kernel/errno.h>
#include <kernel/sched.h>
#include <lib/string.h>
#include <mm/debug_rmap.h>

/* Parse up to max unsigned numbers (decimal or 0x hex) separated by blanks. */
static int parse_numbers(const char *s, unsigned long *out, int max)
{
	int n = 0;

	for (;;) {
		const char *end;

		while (*s == ' ' || *s == '\t' || *s == '\n')
			s++;
		if (!*s)
			return n;
		if (n == max || *s < '0' || *s > '9')
			return -EINVAL;
		out[n++] = simple_strtoul(s, &end, 0);
		if (*end && *end != ' ' && *end != '\t' && *end != '\n')
			return -EINVAL;
		s = end;
	}
}

/* Run a report function into the seq buffer; a full buffer means "retry bigger". */
static int seq_report(struct seq_file *m, int len)
{
	if (len < 0)
		return len;
	m->count = (size_t)len + 1 >= m->size ? m->size : (size_t)len;
	return 0;
}

int pagoda_check_show(struct seq_file *m, struct proc_file *pf)
{
	return seq_report(m, pagoda_mm_check(m->buf, m->size));
}

/* A query file's request: exactly n numbers ("PID" or "PID ADDR"), kept for the next read. */
static int query_write(struct proc_file *pf, const char *req, int n)
{
	if (parse_numbers(req, pf->req, n) != n)
		return -EINVAL;
	pf->nr_req = n;
	return 0;
}

/* rmap, unmap, referenced: write "PID ADDR", read the report of the page mapped there. */
int rmap_write(struct proc_file *pf, const char *req)
{
	return query_write(pf, req, 2);
}

/* Print the report for the "PID ADDRESS" written before, or how to ask for one. */
static int pid_addr_query(struct seq_file *m, struct proc_file *pf, const char *usage,
			  int (*report)(pid_t pid, unsigned long addr, char *buf, size_t size))
{
	if (pf->nr_req != 2) {
		seq_puts(m, usage);
		return 0;
	}
	return seq_report(m, report(pf->req[0], pf->req[1], m->buf, m->size));
}

int rmap_show(struct seq_file *m, struct proc_file *pf)
{
	return pid_addr_query(m, pf, "write \"PID ADDRESS\" to this file, then read the report\n",
			      pagoda_rmap_report);
}

/*
 * unmap and referenced: write "PID ADDR"; the read runs try_to_unmap or
 * page_referenced on the anonymous page mapped there and reports it.
 */
int unmap_show(struct seq_file *m, struct proc_file *pf)
{
	return pid_addr_query(m, pf,
			      "write \"PID ADDRESS\" to this file, then read: the page is unmapped everywhere\n",
			      pagoda_unmap_report);
}

int referenced_show(struct seq_file *m, struct proc_file *pf)
{
	return pid_addr_query(m, pf, "write \"PID ADDRESS\" to this file, then read the page_referenced count\n",
			      pagoda_referenced_report);
}

/* anon_vma: write "PID", read that process's VMAs, anon_vmas and AVC trees. */
int anon_vma_write(struct proc_file *pf, const char *req)
{
	return query_write(pf, req, 1);
}

int anon_vma_show(struct seq_file *m, struct proc_file *pf)
{
	if (pf->nr_req != 1) {
		seq_puts(m, "write \"PID\" to this file, then read the report\n");
		return 0;
	}
	return seq_report(m, pagoda_anon_vma_report(pf->req[0], m->buf, m->size));
}
