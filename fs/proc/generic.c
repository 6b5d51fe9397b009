/*
 * fs/proc/generic.c: looking up, opening, reading and listing the
 * /proc and /sys files of proc_entries[] (fs/proc/root.c).
 *
 * Three kinds of handler:
 *   show   text. The first read after open (or after a seek to 0) prints
 *          the whole file into a kmalloc'd seq_file buffer, doubled until
 *          the text fits (Linux: seq_read); reads copy from it; the last
 *          close frees it. Nothing stays allocated after close: /init's
 *          leak check reads MemFree through this very code.
 *   read   binary and offset-addressed (pagemap: 8 bytes per virtual
 *          page), called for every read.
 *   write  optional: a request, parsed from the written text. Writing drops
 *          the text and rewinds, so the next read prints the answer.
 *          Without a write handler, a /proc file opens for writing and
 *          write() gives EIO, while a /sys file refuses to open for writing
 *          (EACCES), as Linux does for root.
 *
 * The counters are read from mm/ without locks, each word once, as
 * Linux's global_node_page_state() does: a report is a snapshot.
 * The task list is walked under the big kernel lock, as every change of it
 * is made (kernel/smp_lock.h).
 *
 * Start reading at procfs_lookup() and procfs_open().
 */
#include <fs/proc_fs.h>
#include <kernel/kernel.h>
#include <kernel/errno.h>
#include <kernel/sched.h>
#include <lib/string.h>
#include <arch/x86_64/uaccess.h>
#include <mm/mm.h>
#include <mm/slab.h>
#include <mm/numa.h>
#include <kernel/smp.h>

enum match { MATCH_NONE, MATCH_DIR, MATCH_FILE };

/* The next '/'-separated component at *p: its start and length; *p moves past it. */
static const char *next_component(const char **p, size_t *len)
{
	const char *c;

	while (**p == '/')
		(*p)++;
	c = *p;
	while (**p && **p != '/')
		(*p)++;
	*len = *p - c;
	return c;
}

/* A decimal number without a leading zero (Linux: name_to_int), or -1. */
static long parse_decimal(const char *s, size_t len)
{
	long v = 0;

	if (!len || len > 9 || (len > 1 && s[0] == '0'))
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* One path component c against one pattern component pat; records <pid>, <nid> or <cpu> in n. */
static bool component_match(const char *pat, size_t plen, const char *c, size_t clen, struct procfs_node *n)
{
	const char *tok = NULL;
	size_t pre, post;
	long v;

	for (size_t i = 0; i < plen; i++)
		if (pat[i] == '<')
			tok = pat + i;
	if (!tok)
		return plen == clen && !memcmp(pat, c, clen);
	pre = tok - pat;
	post = plen - pre - 5;			/* the token is "<pid>", "<nid>" or "<cpu>" */
	if (clen < pre + post || memcmp(c, pat, pre) || memcmp(c + clen - post, tok + 5, post))
		return false;
	c += pre;
	clen -= pre + post;
	if (!memcmp(tok, "<pid>", 5)) {
		if (clen == 4 && !memcmp(c, "self", 4))
			v = current->tgid;
		else if ((v = parse_decimal(c, clen)) < 0 || !find_task_by_pid(v))
			return false;
		n->pid = v;
		return true;
	}
	if (!memcmp(tok, "<tid>", 5)) {
		/* A thread of <pid>'s group; the files below it show that thread. */
		struct task_struct *g = find_task_by_pid(n->pid), *t;

		if (!g || (v = parse_decimal(c, clen)) < 0 || !(t = find_task_by_pid(v)) || t->signal != g->signal)
			return false;
		n->pid = v;
		return true;
	}
	v = parse_decimal(c, clen);
	if (!memcmp(tok, "<cpu>", 5)) {
		if (v < 0 || v >= NR_CPUS || !cpu_possible(v))
			return false;
		n->cpu = v;
		return true;
	}
	if (v < 0 || v >= nr_node_ids)
		return false;
	n->nid = v;
	return true;
}

/* A file the pattern matched may still be hidden for this <pid>/<nid>/<cpu>. */
static bool entry_visible(const struct proc_entry *pe, const struct procfs_node *n)
{
	return !pe->is_visible || pe->is_visible(n);
}

/* Is path the file pattern names, a directory above it, or neither? */
static enum match match_path(const char *pattern, const char *path, struct procfs_node *n)
{
	const char *p = pattern, *q = path;

	n->pid = n->nid = n->cpu = -1;
	for (;;) {
		size_t plen, qlen;
		const char *pc = next_component(&p, &plen), *qc = next_component(&q, &qlen);

		if (!qlen)
			return plen ? MATCH_DIR : MATCH_FILE;
		if (!plen || !component_match(pc, plen, qc, qlen, n))
			return MATCH_NONE;
	}
}

/* Inode numbers: a hash of the path (FNV-1a), so that they stay the same across opens. */
static u64 path_ino_update(u64 h, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		h = (h ^ (u8)s[i]) * 0x100000001b3ULL;
	return h;
}

static u64 path_ino(const char *path)
{
	return (path_ino_update(0xcbf29ce484222325ULL, path, strlen(path)) & 0xffffffffULL) | 1;
}

static void procfs_fill_stat(struct procfs_node *n, const char *path)
{
	struct kstat *st = &n->stat;

	memset(st, 0, sizeof(*st));
	n->sysfs = !strncmp(path, "/sys", 4);
	st->ino = path_ino(path);
	st->dev = n->sysfs ? SYSFS_DEV : PROC_DEV;
	st->blksize = n->sysfs ? 4096 : 1024;
	if (n->pe) {
		st->mode = S_IFREG | n->pe->mode;
		st->nlink = 1;
		st->size = n->sysfs ? 4096 : 0;	/* sysfs shows a page; proc files are empty */
	} else {
		st->mode = S_IFDIR | (n->sysfs ? 0755 : 0555);
		st->nlink = 2;
	}
}

bool procfs_owns(const char *path)
{
	return (!strncmp(path, "/proc", 5) && (path[5] == '\0' || path[5] == '/')) ||
	       (!strncmp(path, "/sys", 4) && (path[4] == '\0' || path[4] == '/'));
}

int procfs_lookup(const char *path, struct procfs_node *node)
{
	struct procfs_node n, dir;
	bool is_dir = false;

	memset(&dir, 0, sizeof(dir));
	for (size_t i = 0; i < nr_proc_entries; i++) {
		enum match r;

		memset(&n, 0, sizeof(n));
		r = match_path(proc_entries[i].path, path, &n);
		if (r == MATCH_FILE && entry_visible(&proc_entries[i], &n)) {
			n.pe = &proc_entries[i];
			procfs_fill_stat(&n, path);
			*node = n;
			return 0;
		}
		if (r == MATCH_DIR && !is_dir) {
			dir = n;
			is_dir = true;
		}
	}
	if (!is_dir)
		return -ENOENT;
	procfs_fill_stat(&dir, path);
	*node = dir;
	return 0;
}

bool procfs_may_write(const struct procfs_node *node)
{
	if (!node->pe)
		return false;
	return node->sysfs ? (node->pe->mode & S_IWUGO) != 0 : true;
}

/*
 * proc's lookup fails before any create (ENOENT); sysfs refuses to create:
 * EACCES from open(O_CREAT), EPERM from mknod and mkdir.
 */
int procfs_create_error(const char *path, enum procfs_create how)
{
	if (strncmp(path, "/sys", 4))
		return -ENOENT;
	return how == CREATE_BY_OPEN ? -EACCES : -EPERM;
}

/* ---- open files ---- */

static void proc_drop_text(struct proc_file *pf)
{
	kfree(pf->seq.buf);
	pf->seq.buf = NULL;
	pf->seq.count = pf->seq.size = 0;
}

/* Print the file into a buffer that fits it (Linux: seq_read's traverse). */
static int proc_generate(struct proc_file *pf)
{
	size_t size = PAGE_SIZE;

	for (;;) {
		int err;

		pf->seq.buf = kmalloc(size, GFP_KERNEL);
		if (!pf->seq.buf)
			return -ENOMEM;
		pf->seq.size = size;
		pf->seq.count = 0;
		err = pf->node.pe->show(&pf->seq, pf);
		if (err < 0) {
			proc_drop_text(pf);
			return err;
		}
		if (!seq_has_overflowed(&pf->seq))
			return 0;
		if (size >= SEQ_MAX_SIZE) {
			pf->seq.count = size - 1;	/* keep what fitted */
			return 0;
		}
		proc_drop_text(pf);
		size *= 2;
	}
}

static ssize_t proc_seq_read(struct file *f, char *ubuf, size_t count, loff_t *pos)
{
	struct proc_file *pf = f->private_data;

	if (!pf->seq.buf) {
		int err = proc_generate(pf);

		if (err)
			return err;
	}
	return simple_read_from_buffer(ubuf, count, pos, pf->seq.buf, pf->seq.count);
}

static ssize_t proc_bin_read(struct file *f, char *ubuf, size_t count, loff_t *pos)
{
	struct proc_file *pf = f->private_data;
	ssize_t n = pf->node.pe->read(pf, ubuf, count, *pos);

	if (n > 0)
		*pos += n;
	return n;
}

static ssize_t proc_write(struct file *f, const char *ubuf, size_t count, loff_t *pos)
{
	struct proc_file *pf = f->private_data;
	char req[PROC_REQ_MAX];
	int err;

	if (!pf->node.pe->write)
		return -EIO;		/* Linux's proc_reg_write without a ->proc_write */
	if (count >= sizeof(req))
		return -EINVAL;
	if (copy_from_user(req, ubuf, count))
		return -EFAULT;
	req[count] = '\0';
	err = pf->node.pe->write(pf, req);
	if (err)
		return err;
	proc_drop_text(pf);
	f->f_pos = 0;			/* the next read starts at the answer */
	return count;
}

/*
 * /proc: SEEK_SET and SEEK_CUR only (seq_lseek); /sys: any whence against
 * the page-sized file. A seek to 0 drops the text, so the next read prints
 * fresh numbers, as re-reading a seq_file from 0 does on Linux.
 */
static loff_t proc_llseek(struct file *f, loff_t offset, int whence)
{
	struct proc_file *pf = f->private_data;
	loff_t pos;

	if (pf->node.sysfs)
		pos = generic_llseek_size(f, offset, whence, f->f_stat.size);
	else
		pos = dir_llseek(f, offset, whence);	/* seq_lseek's rule is the directories' */
	if (pos == 0)
		proc_drop_text(pf);
	return pos;
}

static void proc_release(struct file *f)
{
	struct proc_file *pf = f->private_data;

	proc_drop_text(pf);
	kfree(pf);
}

static const struct file_operations proc_seq_fops = {
	.read = proc_seq_read,
	.write = proc_write,
	.llseek = proc_llseek,
	.release = proc_release,
};

static const struct file_operations proc_bin_fops = {
	.read = proc_bin_read,
	.write = proc_write,
	.llseek = proc_llseek,
	.release = proc_release,
};

/* ---- directories ---- */

struct proc_dirent {
	char name[32];
	u8 type;
	u64 ino;
};

/* A directory's listing, made at open and freed at the last close. */
struct proc_dir {
	int nr, max;
	struct proc_dirent *d;
};

static int proc_dir_add(struct proc_dir *dir, const char *path, const char *name, size_t len, u8 type)
{
	struct proc_dirent *d;
	u64 h;

	if (len >= sizeof(d->name))
		return 0;
	for (int i = 0; i < dir->nr; i++)
		if (!strncmp(dir->d[i].name, name, len) && !dir->d[i].name[len])
			return 0;
	if (dir->nr == dir->max) {
		int max = dir->max ? 2 * dir->max : 16;

		d = kmalloc(max * sizeof(*d), GFP_KERNEL);
		if (!d)
			return -ENOMEM;
		if (dir->d)
			memcpy(d, dir->d, dir->nr * sizeof(*d));
		kfree(dir->d);
		dir->d = d;
		dir->max = max;
	}
	d = &dir->d[dir->nr++];
	memcpy(d->name, name, len);
	d->name[len] = '\0';
	d->type = type;
	h = path_ino_update(0xcbf29ce484222325ULL, path, strlen(path));
	h = path_ino_update(h, "/", 1);
	d->ino = (path_ino_update(h, name, len) & 0xffffffffULL) | 1;
	return 0;
}

/*
 * The names pattern component pc (of length plen) produces in directory
 * path: <pid> lists the processes (thread group leaders, as Linux's
 * /proc lists tgids), <tid> the threads of process pid.
 */
static int proc_dir_expand(struct proc_dir *dir, const char *path, const char *pc, size_t plen, u8 type,
			   int pid)
{
	char name[32];
	struct task_struct *t;
	const char *tok = NULL;
	size_t pre, post;
	int err = 0;

	for (size_t i = 0; i < plen; i++)
		if (pc[i] == '<')
			tok = pc + i;
	if (!tok)
		return proc_dir_add(dir, path, pc, plen, type);
	pre = tok - pc;
	post = plen - pre - 5;
	if (pre + post + 12 > sizeof(name))
		return 0;
	memcpy(name, pc, pre);
	if (!memcmp(tok, "<pid>", 5)) {
		err = proc_dir_add(dir, path, "self", 4, type);
		list_for_each_entry(t, &task_list, tasks) {
			int n = pre + snprintf(name + pre, sizeof(name) - pre, "%d", t->pid);

			if (err)
				break;
			if (!thread_group_leader(t))
				continue;
			memcpy(name + n, tok + 5, post);
			err = proc_dir_add(dir, path, name, n + post, type);
		}
		return err;
	}
	if (!memcmp(tok, "<tid>", 5)) {
		struct task_struct *g = find_task_by_pid(pid);

		if (!g)
			return 0;
		for_each_thread(g, t) {
			int n = pre + snprintf(name + pre, sizeof(name) - pre, "%d", t->pid);

			memcpy(name + n, tok + 5, post);
			err = proc_dir_add(dir, path, name, n + post, type);
			if (err)
				break;
		}
		return err;
	}
	if (!memcmp(tok, "<cpu>", 5)) {
		int cpu;

		for_each_possible_cpu(cpu) {
			int n = pre + snprintf(name + pre, sizeof(name) - pre, "%d", cpu);

			if (err)
				break;
			memcpy(name + n, tok + 5, post);
			err = proc_dir_add(dir, path, name, n + post, type);
		}
		return err;
	}
	for (int nid = 0; nid < nr_node_ids && !err; nid++) {
		int n = pre + snprintf(name + pre, sizeof(name) - pre, "%d", nid);

		memcpy(name + n, tok + 5, post);
		err = proc_dir_add(dir, path, name, n + post, type);
	}
	return err;
}

static int proc_dir_fill(struct proc_dir *dir, const char *path)
{
	for (size_t i = 0; i < nr_proc_entries; i++) {
		struct procfs_node n;
		const char *p = proc_entries[i].path, *q = path, *pc;
		size_t plen, qlen;
		int err;

		if (match_path(p, path, &n) != MATCH_DIR)
			continue;
		/* Skip the components path has, then take the pattern's next one. */
		for (next_component(&q, &qlen); qlen; next_component(&q, &qlen))
			next_component(&p, &plen);
		pc = next_component(&p, &plen);
		while (*p == '/')
			p++;
		if (!*p && !entry_visible(&proc_entries[i], &n))
			continue;	/* a hidden file of this directory */
		err = proc_dir_expand(dir, path, pc, plen, *p ? DT_DIR : DT_REG, n.pid);
		if (err)
			return err;
	}
	return 0;
}

/* Positions: 0 ".", 1 "..", 2 + i the listing's entry i. */
static long proc_getdents64(struct file *f, struct linux_dirent64 *udirent, unsigned int count)
{
	struct dir_context ctx = { .ubuf = (char *)udirent, .left = count };
	struct proc_dir *dir = f->private_data;

	if (f->f_pos == 0) {
		if (!dir_emit(&ctx, ".", 1, f->f_stat.ino, DT_DIR, 1))
			goto out;
		f->f_pos = 1;
	}
	if (f->f_pos == 1) {
		if (!dir_emit(&ctx, "..", 2, 1, DT_DIR, 2))
			goto out;
		f->f_pos = 2;
	}
	while (f->f_pos - 2 < dir->nr) {
		const struct proc_dirent *d = &dir->d[f->f_pos - 2];

		if (!dir_emit(&ctx, d->name, strlen(d->name), d->ino, d->type, f->f_pos + 1))
			break;
		f->f_pos++;
	}
out:
	return dir_context_result(&ctx);
}

static ssize_t proc_dir_read(struct file *f, char *ubuf, size_t count, loff_t *pos)
{
	return -EISDIR;
}

static void proc_dir_release(struct file *f)
{
	struct proc_dir *dir = f->private_data;

	kfree(dir->d);
	kfree(dir);
}

static const struct file_operations proc_dir_fops = {
	.read = proc_dir_read,
	.llseek = dir_llseek,
	.getdents64 = proc_getdents64,
	.release = proc_dir_release,
};

int procfs_open(struct file *f, const struct procfs_node *node, const char *path)
{
	if (!node->pe) {
		struct proc_dir *dir = kzalloc(sizeof(*dir), GFP_KERNEL);
		int err;

		if (!dir)
			return -ENOMEM;
		err = proc_dir_fill(dir, path);
		if (err) {
			kfree(dir->d);
			kfree(dir);
			return err;
		}
		f->private_data = dir;
		f->f_op = &proc_dir_fops;
		return 0;
	}

	struct proc_file *pf = kzalloc(sizeof(*pf), GFP_KERNEL);

	if (!pf)
		return -ENOMEM;
	pf->node = *node;
	f->private_data = pf;
	f->f_op = node->pe->read ? &proc_bin_fops : &proc_seq_fops;
	f->f_mode |= FMODE_PREAD;
	return 0;
}
