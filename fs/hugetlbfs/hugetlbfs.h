/*
 * fs/hugetlbfs/hugetlbfs.h: what the rest of the kernel uses of hugetlbfs
 * (Linux: the hugetlbfs part of include/linux/hugetlb.h). The files are
 * fs/hugetlbfs/inode.c's; mounts and names fs/hugetlbfs/super.c's.
 */
#ifndef _FS_HUGETLBFS_H
#define _FS_HUGETLBFS_H

#include <fs/fs.h>

#define HUGETLBFS_MAGIC		0x958458f6	/* statfs f_type */
#define HUGETLBFS_INTERNAL_DEV	MKDEV(0, 15)	/* st_dev of MAP_HUGETLB and memfd files */

/* fallocate(2) modes (include/uapi/linux/falloc.h) */
#define FALLOC_FL_KEEP_SIZE	0x01
#define FALLOC_FL_PUNCH_HOLE	0x02

/* inode.c: the files */
struct inode *hugetlbfs_get_inode(struct super_block *sb, unsigned int mode);
struct file *hugetlbfs_open_inode(struct inode *inode, unsigned int flags, const char *path);
void iput(struct inode *inode);

/* super.c: mounts and the directory */
struct file_system_type;
extern const struct file_system_type hugetlbfs_fs_type;		/* mount(2) type "hugetlbfs" */
struct file *hugetlbfs_open_dir(struct inode *dir, unsigned int flags);	/* open(2) of a mount's root */
void hugetlbfs_statfs(struct super_block *sb, struct kstatfs *buf);	/* statfs(2), but f_flags */

#endif
