/*
 * fs/hugetlbfs/super.c: hugetlbfs mounts and their directory (Linux:
 * the super block and directory half of fs/hugetlbfs/inode.c).
 *
 *   hugetlbfs_sb_info (one per mount(2); the internal mount of MAP_HUGETLB
 *   |                  and memfd has none: inode.c)
 *   +-- sb          super_block { s_dev 0:32.., s_root = &root, s_count }
 *   +-- root        the one directory: S_IFDIR | mode=, i_op lookup/create/unlink
 *   +-- dirents --> hugetlbfs_dirent { "f", pos 2 } --> { "g", pos 3 } ...
 *                     |                                  oldest first
 *                     d_inode: a file of inode.c; the name holds one i_count
 *
 * The tree is flat: names are files, mkdir gives EPERM (Linux's answer for
 * a directory without a mkdir method; Linux's hugetlbfs has subdirectories).
 * An unlinked file lives on while files or mappings hold it (i_nlink 0:
 * "(deleted)" in /proc/PID/maps); the inode's last iput frees its pages.
 *
 * s_count: the mount, every inode (inode.c takes and drops it), every open
 * directory. umount2 is refused (EBUSY) while anything but the names holds
 * it; MNT_DETACH drops the names at once and the super block goes with
 * the last open file.
 *
 * Options (Linux 6.1's hugetlb_fs_parameters): pagesize= (2M, the only
 * size), mode=, uid=, gid=, nr_inodes= (the root counts, as in Linux).
 * size= and min_size= need a subpool in mm/hugetlb.c, which Pagoda lacks:
 * EINVAL with a message.
 *
 * Locking: none beyond the VMAs' (see fs/fs.h): names change in system
 * calls only, which run under the big kernel lock (kernel/smp_lock.h).
 *
 * Start reading at hugetlbfs_get_tree(), then hugetlbfs_create().
 */
#include <fs/hugetlbfs/hugetlbfs.h>
#include <fs/internal.h>
#include <mm/hugetlb.h>
#include <mm/slab.h>
#include <kernel/kernel.h>
#include <kernel/errno.h>
#include <lib/string.h>

/* The options of one mount(2) (Linux: struct hugetlbfs_fs_context). */
struct hugetlbfs_fs_context {
	long nr_inodes;			/* -1: no limit */
	unsigned int mode, uid, gid;
};

struct hugetlbfs_dirent {
	struct list_head d_child;	/* in hugetlbfs_sb_info.dirents */
	loff_t d_pos;			/* getdents64 position; d_off is d_pos + 1 */
	struct inode *d_inode;		/* holds one i_count */
	char d_name[];
};

struct hugetlbfs_sb_info {
	struct super_block sb;
	struct inode root;
	struct list_head dirents;
	loff_t next_pos;		/* of the next name; 0 and 1 are "." and ".." */
	long max_inodes, free_inodes;	/* nr_inodes=; -1: no limit */
	unsigned int mode, uid, gid;
};

static inline struct hugetlbfs_sb_info *HUGETLBFS_SB(struct super_block *sb)
{
	return sb->s_fs_info;
}

/* ---- the directory ---- */

static struct hugetlbfs_dirent *hugetlbfs_find(struct hugetlbfs_sb_info *sbi, const char *name)
{
	struct hugetlbfs_dirent *d;

	list_for_each_entry(d, &sbi->dirents, d_child)
		if (!strcmp(d->d_name, name))
			return d;
	return NULL;
}

static struct inode *hugetlbfs_lookup(struct inode *dir, const char *name)
{
	struct hugetlbfs_dirent *d = hugetlbfs_find(HUGETLBFS_SB(dir->i_sb), name);

	return d ? d->d_inode : NULL;
}

/* A new file name in dir (Linux: hugetlbfs_create -> hugetlbfs_mknod). */
static int hugetlbfs_create(struct inode *dir, const char *name, unsigned int mode, struct inode **res)
{
	struct hugetlbfs_sb_info *sbi = HUGETLBFS_SB(dir->i_sb);
	size_t len = strlen(name);
	struct hugetlbfs_dirent *d;
	struct inode *inode;

	if (hugetlbfs_find(sbi, name))
		return -EEXIST;
	if (sbi->free_inodes == 0)
		return -ENOSPC;
	d = kmalloc(sizeof(*d) + len + 1, GFP_KERNEL);
	if (!d)
		return -ENOMEM;
	inode = hugetlbfs_get_inode(dir->i_sb, mode);
	if (!inode) {
		kfree(d);
		return -ENOMEM;
	}
	inode->i_nlink = 1;
	d->d_inode = inode;		/* the reference hugetlbfs_get_inode gave */
	d->d_pos = sbi->next_pos++;
	memcpy(d->d_name, name, len + 1);
	list_add_tail(&d->d_child, &sbi->dirents);
	if (sbi->free_inodes > 0)
		sbi->free_inodes--;
	*res = inode;
	return 0;
}

static void hugetlbfs_dirent_drop(struct hugetlbfs_sb_info *sbi, struct hugetlbfs_dirent *d)
{
	list_del(&d->d_child);
	d->d_inode->i_nlink = 0;
	iput(d->d_inode);		/* frees it unless a file or mapping still holds it */
	kfree(d);
}

/* An inode of this mount is freed: nr_inodes= has room for one more (Linux: hugetlbfs_inc_free_inodes). */
static void hugetlbfs_destroy_inode(struct inode *inode)
{
	struct hugetlbfs_sb_info *sbi = HUGETLBFS_SB(inode->i_sb);

	if (sbi->free_inodes >= 0)
		sbi->free_inodes++;
}

static int hugetlbfs_unlink(struct inode *dir, const char *name)
{
	struct hugetlbfs_sb_info *sbi = HUGETLBFS_SB(dir->i_sb);
	struct hugetlbfs_dirent *d = hugetlbfs_find(sbi, name);

	if (!d)
		return -ENOENT;
	hugetlbfs_dirent_drop(sbi, d);
	return 0;
}

static const struct inode_operations hugetlbfs_dir_inode_operations = {
	.lookup = hugetlbfs_lookup,
	.create = hugetlbfs_create,
	.unlink = hugetlbfs_unlink,
};

/* Positions: 0 ".", 1 "..", then each name at its d_pos (Linux: dcache_readdir). */
static long hugetlbfs_getdents64(struct file *f, struct linux_dirent64 *udirent, unsigned int count)
{
	struct dir_context ctx = { .ubuf = (char *)udirent, .left = count };
	struct inode *dir = f->f_inode;
	struct hugetlbfs_dirent *d;

	if (f->f_pos == 0) {
		if (!dir_emit(&ctx, ".", 1, dir->i_ino, DT_DIR, 1))
			goto out;
		f->f_pos = 1;
	}
	if (f->f_pos == 1) {
		/* The root's ".." is itself, as in Linux's dcache at a mount's root. */
		if (!dir_emit(&ctx, "..", 2, dir->i_ino, DT_DIR, 2))
			goto out;
		f->f_pos = 2;
	}
	list_for_each_entry(d, &HUGETLBFS_SB(dir->i_sb)->dirents, d_child) {
		if (d->d_pos < f->f_pos)
			continue;
		if (!dir_emit(&ctx, d->d_name, strlen(d->d_name), d->d_inode->i_ino,
			      S_DT(d->d_inode->i_mode), d->d_pos + 1))
			goto out;
		f->f_pos = d->d_pos + 1;
	}
out:
	return dir_context_result(&ctx);
}

static ssize_t hugetlbfs_dir_read(struct file *f, char *ubuf, size_t count, loff_t *pos)
{
	return -EISDIR;
}

/* An open directory holds its super block (Linux: the file's mount reference). */
static void hugetlbfs_dir_release(struct file *f)
{
	put_super(f->f_inode->i_sb);
}

static const struct file_operations hugetlbfs_dir_operations = {
	.read = hugetlbfs_dir_read,
	.llseek = dir_llseek,
	.getdents64 = hugetlbfs_getdents64,
	.release = hugetlbfs_dir_release,
};

/* open(2) of a mount's root: a directory file holding the super block. NULL if out of memory. */
struct file *hugetlbfs_open_dir(struct inode *dir, unsigned int flags)
{
	struct file *f = alloc_file(&hugetlbfs_dir_operations, flags);

	if (!f)
		return NULL;
	f->f_inode = dir;
	dir->i_sb->s_count++;
	return f;
}

/* ---- the super block ---- */

static void hugetlbfs_put_super(struct super_block *sb)
{
	kfree(HUGETLBFS_SB(sb));
}

/* umount2: anything but the names holding the super block makes it busy (Linux: propagate_mount_busy). */
static bool hugetlbfs_busy(struct super_block *sb)
{
	struct hugetlbfs_sb_info *sbi = HUGETLBFS_SB(sb);
	struct hugetlbfs_dirent *d;
	int names = 0;

	list_for_each_entry(d, &sbi->dirents, d_child) {
		if (atomic_read(&d->d_inode->i_count) > 1)
			return true;	/* open or mapped */
		names++;
	}
	return sb->s_count != 1 + names;	/* open directories, unlinked files still open */
}

/* Leaving the tree: every name goes; files still open keep their inodes (and the super block). */
static void hugetlbfs_umount_begin(struct super_block *sb)
{
	struct hugetlbfs_sb_info *sbi = HUGETLBFS_SB(sb);

	while (!list_empty(&sbi->dirents))
		hugetlbfs_dirent_drop(sbi, list_first_entry(&sbi->dirents, struct hugetlbfs_dirent, d_child));
}

/* The options that differ from the defaults, then the page size (Linux: hugetlbfs_show_options). */
static void hugetlbfs_show_options(struct seq_file *m, struct super_block *sb)
{
	struct hugetlbfs_sb_info *sbi = HUGETLBFS_SB(sb);
	unsigned long hpage_size = huge_page_size(&default_hstate) / 1024;
	char mod = 'K';

	if (sbi->uid)
		seq_printf(m, ",uid=%u", sbi->uid);
	if (sbi->gid)
		seq_printf(m, ",gid=%u", sbi->gid);
	if (sbi->mode != 0755) {
		seq_puts(m, ",mode=");	/* "%o": the kernel's printf has no octal */
		for (int shift = 9; shift >= 0; shift -= 3)
			if ((sbi->mode >> shift) || !shift)
				seq_putc(m, '0' + ((sbi->mode >> shift) & 7));
	}
	if (sbi->max_inodes != -1)
		seq_printf(m, ",nr_inodes=%ld", sbi->max_inodes);
	if (hpage_size >= 1024) {
		hpage_size /= 1024;
		mod = 'M';
	}
	seq_printf(m, ",pagesize=%lu%c", hpage_size, mod);
}

static const struct super_operations hugetlbfs_ops = {
	.put_super = hugetlbfs_put_super,
	.show_options = hugetlbfs_show_options,
	.busy = hugetlbfs_busy,
	.umount_begin = hugetlbfs_umount_begin,
	.destroy_inode = hugetlbfs_destroy_inode,
};

/*
 * statfs: the huge page size as the block size (Linux: hugetlbfs_statfs).
 * Linux fills the block and inode counts only for a mount with a subpool
 * (size= or min_size=), which Pagoda does not have: they stay 0, even
 * with nr_inodes=, as Linux shows them then.
 */
void hugetlbfs_statfs(struct super_block *sb, struct kstatfs *buf)
{
	buf->f_type = HUGETLBFS_MAGIC;
	buf->f_bsize = huge_page_size(&default_hstate);
	buf->f_namelen = NAME_MAX;
}

/* ---- mount(2) ---- */

static int hugetlbfs_init_fs_context(struct fs_context *fc)
{
	struct hugetlbfs_fs_context *ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);

	if (!ctx)
		return -ENOMEM;
	ctx->nr_inodes = -1;
	ctx->mode = 0755;
	fc->fs_private = ctx;
	return 0;
}

static void hugetlbfs_free_fs_context(struct fs_context *fc)
{
	kfree(fc->fs_private);
}

/* A number with an optional K, M, G, T, P or E suffix (Linux: memparse); false if s has junk after it. */
static bool memparse(const char *s, unsigned long long *val)
{
	const char *end;
	unsigned long long v = simple_strtoul(s, &end, 0);
	int shift = 0;

	switch (*end) {
	case 'E': case 'e': shift += 10; /* fall through */
	case 'P': case 'p': shift += 10; /* fall through */
	case 'T': case 't': shift += 10; /* fall through */
	case 'G': case 'g': shift += 10; /* fall through */
	case 'M': case 'm': shift += 10; /* fall through */
	case 'K': case 'k': shift += 10;
		end++;
		break;
	default:
		break;
	}
	*val = v << shift;
	return end != s && !*end;
}

/* An unsigned number in base (0: C's prefixes); false if s is not all digits. */
static bool parse_uint(const char *s, unsigned int base, unsigned int *val)
{
	const char *end;

	*val = (unsigned int)simple_strtoul(s, &end, base);
	return end != s && !*end;
}

/* One option (Linux: hugetlbfs_parse_param); -ENOPARAM for a key hugetlbfs does not have. */
static int hugetlbfs_parse_param(struct fs_context *fc, const char *key, const char *value)
{
	struct hugetlbfs_fs_context *ctx = fc->fs_private;
	unsigned long long v;

	if (!strcmp(key, "size") || !strcmp(key, "min_size")) {
		printk("hugetlbfs: %s= is not supported (Pagoda has no hugepage subpools)\n", key);
		return -EINVAL;
	}
	if (strcmp(key, "pagesize") && strcmp(key, "nr_inodes") && strcmp(key, "mode") &&
	    strcmp(key, "uid") && strcmp(key, "gid"))
		return -ENOPARAM;
	if (!value || !*value) {
		printk("hugetlbfs: Bad value for '%s'\n", key);
		return -EINVAL;
	}
	if (!strcmp(key, "pagesize")) {
		if (!memparse(value, &v) || !hugetlb_size_supported(v)) {
			printk("hugetlbfs: Unsupported page size %llu MB\n", v >> 20);
			return -EINVAL;
		}
		return 0;
	}
	if (!strcmp(key, "nr_inodes")) {
		if (!memparse(value, &v))
			return -EINVAL;
		ctx->nr_inodes = (long)v;
		return 0;
	}
	if (!strcmp(key, "mode"))
		return parse_uint(value, 8, &ctx->mode) ? (ctx->mode &= 01777, 0) : -EINVAL;
	return parse_uint(value, 0, !strcmp(key, "uid") ? &ctx->uid : &ctx->gid) ? 0 : -EINVAL;
}

/* A new super block with an empty root directory (Linux: hugetlbfs_fill_super + hugetlbfs_get_root). */
static int hugetlbfs_get_tree(struct fs_context *fc)
{
	struct hugetlbfs_fs_context *ctx = fc->fs_private;
	struct hugetlbfs_sb_info *sbi = kzalloc(sizeof(*sbi), GFP_KERNEL);
	struct super_block *sb;
	struct inode *root;
	int err;

	if (!sbi)
		return -ENOMEM;
	if (!ctx->nr_inodes) {		/* no room even for the root, as in Linux */
		kfree(sbi);
		return -ENOMEM;
	}
	sb = &sbi->sb;
	err = get_anon_bdev(&sb->s_dev);
	if (err) {
		kfree(sbi);
		return err;
	}
	sb->s_fs_info = sbi;
	sb->s_op = &hugetlbfs_ops;
	sb->s_count = 1;		/* the mount's */
	INIT_LIST_HEAD(&sbi->dirents);
	sbi->next_pos = 2;
	sbi->mode = ctx->mode;
	sbi->uid = ctx->uid;
	sbi->gid = ctx->gid;
	sbi->max_inodes = ctx->nr_inodes;
	sbi->free_inodes = ctx->nr_inodes > 0 ? ctx->nr_inodes - 1 : ctx->nr_inodes;	/* the root's */

	root = &sbi->root;
	root->i_ino = ++sb->s_next_ino;
	root->i_mode = S_IFDIR | ctx->mode;
	root->i_nlink = 2;
	atomic_set(&root->i_count, 1);	/* never dropped: the root lives as long as sbi */
	root->i_blkbits = huge_page_shift(&default_hstate);
	root->i_dev = sb->s_dev;
	root->i_sb = sb;
	root->i_op = &hugetlbfs_dir_inode_operations;
	root->i_mapping = &root->i_data;
	root->i_data.host = root;
	address_space_init_once(&root->i_data);
	sb->s_root = root;
	fc->root = sb;
	return 0;
}

const struct file_system_type hugetlbfs_fs_type = {
	.name = "hugetlbfs",
	.init_fs_context = hugetlbfs_init_fs_context,
	.parse_param = hugetlbfs_parse_param,
	.get_tree = hugetlbfs_get_tree,
	.free_fs_context = hugetlbfs_free_fs_context,
};
