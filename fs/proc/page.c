/*
 * /proc/kpagecount (Linux: fs/proc/page.c), in Linux's binary format:
 * one u64 per frame, how many PTEs map it.
 */
#include <fs/proc_fs.h>
#include <kernel/kernel.h>
#include <kernel/errno.h>
#include <kernel/sched.h>
#include <lib/string.h>
#include <arch/x86_64/uaccess.h>
#include <mm/mm.h>

static ssize_t kpagecount_read(u64 pos, char *ubuf, size_t count)
{
	size_t done = 0;

	if ((pos % 8) || (count % 8))
		return -EINVAL;
	while (done < count) {
		unsigned long pfn = pos / 8;
		u64 n;

		if (!pfn_valid(pfn))
			break;
		n = PageSlab(pfn_to_page(pfn)) ? 0 : page_mapcount(pfn_to_page(pfn));
		if (copy_to_user(ubuf + done, &n, sizeof(n)))
			return done ? (ssize_t)done : -EFAULT;
		done += 8;
		pos += 8;
	}
	return done;
}

ssize_t kpagecount_bin_read(struct proc_file *pf, char *ubuf, size_t count, loff_t pos)
{
	return kpagecount_read(pos, ubuf, count);
}
