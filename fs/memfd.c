/*
 * fs/memfd.c: memfd_create(2) (Linux: mm/memfd.c; here in fs/ because it
 * copies a string from user space, which mm/ leaves to the layers above:
 * mm/ includes nothing from arch/ but pgtable.h, docs/design-notes.md).
 *
 *   memfd_create("buf", MFD_HUGETLB | MFD_CLOEXEC)
 *     flags and name checked (EINVAL, EFAULT), an fd reserved (EMFILE)
 *     hugetlb_file_setup("memfd:buf", 0, VM_NORESERVE)   fs/hugetlbfs/inode.c:
 *        a file of the internal hugetlbfs mount, size 0, no name in any
 *        directory; ftruncate sizes it, mmap reserves what it maps
 *     fd_install(O_CLOEXEC from MFD_CLOEXEC)
 *
 * /proc/PID/maps shows a mapping of it as "/memfd:buf (deleted)", as Linux.
 *
 * Without MFD_HUGETLB Linux makes a shmem (tmpfs) file. Pagoda's shared
 * anonymous memory (mm/shmem.c) is an object per mapping, not a file that
 * read, write and ftruncate could reach, so that case gives ENOSYS, after
 * the argument checks: programs that fall back when memfd_create is
 * missing keep working. Seals (MFD_ALLOW_SEALING, F_ADD_SEALS) are
 * accepted at creation and not kept: fcntl has no seal commands yet.
 */
#include <fs/fs.h>
#include <fs/internal.h>
#include <mm/hugetlb.h>
#include <mm/mm.h>
#include <mm/slab.h>
#include <kernel/kernel.h>
#include <kernel/errno.h>
#include <kernel/sched.h>
#include <lib/string.h>
#include <arch/x86_64/uaccess.h>

#define MFD_CLOEXEC		0x0001U
#define MFD_ALLOW_SEALING	0x0002U
#define MFD_HUGETLB		0x0004U
#define MFD_HUGE_SHIFT		26	/* the huge page size's log2, as MAP_HUGE_* */
#define MFD_HUGE_MASK		0x3fU
#define MFD_ALL_FLAGS		(MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_HUGETLB)

#define MFD_NAME_PREFIX		"memfd:"
#define MFD_NAME_PREFIX_LEN	(sizeof(MFD_NAME_PREFIX) - 1)
#define MFD_NAME_MAX_LEN	(NAME_MAX - MFD_NAME_PREFIX_LEN)	/* 249 */

/* Linux 6.1's flag rules: the size bits only with MFD_HUGETLB. */
static bool memfd_flags_valid(unsigned int flags)
{
	unsigned int allowed = MFD_ALL_FLAGS;

	if (flags & MFD_HUGETLB)
		allowed |= MFD_HUGE_MASK << MFD_HUGE_SHIFT;
	return !(flags & ~allowed);
}

/*
 * "memfd:" and the user's name into a kmalloc'd string (Linux: at most
 * 249 bytes, else EINVAL). NULL with *err set on failure.
 */
static char *memfd_getname(const char *uname, long *err)
{
	char *name = kmalloc(MFD_NAME_PREFIX_LEN + MFD_NAME_MAX_LEN + 1, GFP_KERNEL);
	long len;

	*err = -ENOMEM;
	if (!name)
		return NULL;
	memcpy(name, MFD_NAME_PREFIX, MFD_NAME_PREFIX_LEN);
	len = strncpy_from_user(name + MFD_NAME_PREFIX_LEN, uname, MFD_NAME_MAX_LEN + 1);
	if (len < 0)
		*err = -EFAULT;
	else if (len > (long)MFD_NAME_MAX_LEN)
		*err = -EINVAL;		/* no NUL in the first 250 bytes */
	else
		return name;
	kfree(name);
	return NULL;
}

long sys_memfd_create(const char *uname, unsigned int flags)
{
	unsigned int size_log = (flags >> MFD_HUGE_SHIFT) & MFD_HUGE_MASK;
	struct file *file;
	long err;
	char *name;
	int fd;

	if (!memfd_flags_valid(flags))
		return -EINVAL;
	name = memfd_getname(uname, &err);
	if (!name)
		return err;
	fd = get_unused_fd(current, 0);
	if (fd < 0) {
		err = fd;
		goto out;
	}
	if (!(flags & MFD_HUGETLB)) {
		err = -ENOSYS;		/* no shmem files: see the top of the file */
		goto out;
	}
	if (size_log && !hugetlb_size_supported(1UL << size_log)) {
		err = -ENODEV;		/* no pool of that size (Linux: get_hstate_idx) */
		goto out;
	}
	file = hugetlb_file_setup(name, 0, VM_NORESERVE);
	if (IS_ERR(file)) {
		err = PTR_ERR(file);
		goto out;
	}
	fd_install(current, fd, file, (flags & MFD_CLOEXEC) ? O_CLOEXEC : 0);
	err = fd;
out:
	kfree(name);
	return err;
}
