/*
 * fs/read_write.c: read, write, pread64, pwrite64, readv, writev, lseek.
 *
 *   sys_read(fd, buf, n) -> fcheck_io(fd) -> vfs_read: checks (EBADF, EINVAL,
 *   EFAULT), then f_op->read(f, buf, n, &f->f_pos)
 */
#include <fs/fs.h>
#include <fs/internal.h>
#include <kernel/kernel.h>
#include <kernel/errno.h>
#include <kernel/sched.h>
#include <lib/string.h>
#include <arch/x86_64/uaccess.h>
#include <mm/slab.h>

/* Linux's generic_file_llseek_size() with maxsize = LLONG_MAX. */
loff_t generic_llseek_size(struct file *f, loff_t offset, int whence, loff_t eof)
{
	loff_t pos;

	switch (whence) {
	case SEEK_SET:
		pos = offset;
		break;
	case SEEK_CUR:
		if (__builtin_add_overflow(f->f_pos, offset, &pos))
			return -EINVAL;
		break;
	case SEEK_END:
		if (__builtin_add_overflow(eof, offset, &pos))
			return -EINVAL;
		break;
	case SEEK_DATA:
		if (offset < 0 || offset >= eof)
			return -ENXIO;
		pos = offset;
		break;
	case SEEK_HOLE:
		if (offset < 0 || offset >= eof)
			return -ENXIO;
		pos = eof;
		break;
	default:
		return -EINVAL;
	}
	if (pos < 0)
		return -EINVAL;
	f->f_pos = pos;
	return pos;
}

static ssize_t vfs_read(struct file *f, char *buf, size_t count, loff_t *pos)
{
	if (!(f->f_mode & FMODE_READ))
		return -EBADF;
	if (!f->f_op->read)
		return -EINVAL;
	if (!access_ok((unsigned long)buf, count))
		return -EFAULT;
	if (count > MAX_RW_COUNT)
		count = MAX_RW_COUNT;
	return f->f_op->read(f, buf, count, pos);
}

static ssize_t vfs_write(struct file *f, const char *buf, size_t count, loff_t *pos)
{
	if (!(f->f_mode & FMODE_WRITE))
		return -EBADF;
	if (!f->f_op->write)
		return -EINVAL;
	if (!access_ok((unsigned long)buf, count))
		return -EFAULT;
	if (count > MAX_RW_COUNT)
		count = MAX_RW_COUNT;
	return f->f_op->write(f, buf, count, pos);
}

long sys_read(unsigned int fd, char *buf, size_t count)
{
	struct file *f = fcheck_io(fd);

	return f ? vfs_read(f, buf, count, &f->f_pos) : -EBADF;
}

long sys_write(unsigned int fd, const char *buf, size_t count)
{
	struct file *f = fcheck_io(fd);

	return f ? vfs_write(f, buf, count, &f->f_pos) : -EBADF;
}

long sys_pread64(unsigned int fd, char *buf, size_t count, loff_t pos)
{
	struct file *f;

	if (pos < 0)
		return -EINVAL;
	f = fcheck_io(fd);
	if (!f)
		return -EBADF;
	if (!(f->f_mode & FMODE_PREAD))
		return -ESPIPE;
	return vfs_read(f, buf, count, &pos);
}

long sys_pwrite64(unsigned int fd, const char *buf, size_t count, loff_t pos)
{
	struct file *f;

	if (pos < 0)
		return -EINVAL;
	f = fcheck_io(fd);
	if (!f)
		return -EBADF;
	if (!(f->f_mode & FMODE_PREAD))
		return -ESPIPE;
	return vfs_write(f, buf, count, &pos);
}

/*
 * readv/writev. As Linux's import_iovec(), every iovec is checked before
 * any I/O: more than UIO_MAXIOV gives EINVAL, an unreadable array EFAULT,
 * a length above SSIZE_MAX EINVAL, a base that is not a user address
 * EFAULT; the total is capped at MAX_RW_COUNT. Then the pieces move in
 * order and a short piece ends the call with the bytes moved so far.
 */
#define IOV_BATCH 16

static ssize_t iov_check(const struct iovec *uvec, unsigned long vlen)
{
	struct iovec iov[IOV_BATCH];
	size_t total = 0;

	for (unsigned long i = 0; i < vlen; i += IOV_BATCH) {
		unsigned long n = min(vlen - i, (unsigned long)IOV_BATCH);

		if (copy_from_user(iov, uvec + i, n * sizeof(iov[0])))
			return -EFAULT;
		for (unsigned long j = 0; j < n; j++) {
			ssize_t len = (ssize_t)iov[j].iov_len;

			if (len < 0)
				return -EINVAL;
			if (!access_ok((unsigned long)iov[j].iov_base, len))
				return -EFAULT;
			total += min((size_t)len, MAX_RW_COUNT - total);
		}
	}
	return total;
}

#define READ	0	/* the direction of a vectored transfer, as Linux's */
#define WRITE	1

static ssize_t do_iter_rw(struct file *f, const struct iovec *uvec, unsigned long vlen,
			  loff_t *pos, int type)
{
	struct iovec iov[IOV_BATCH];
	size_t done = 0;
	ssize_t ret = iov_check(uvec, vlen);

	if (ret <= 0)
		return ret;
	for (unsigned long i = 0; i < vlen && done < MAX_RW_COUNT; i += IOV_BATCH) {
		unsigned long n = min(vlen - i, (unsigned long)IOV_BATCH);

		if (copy_from_user(iov, uvec + i, n * sizeof(iov[0])))
			return done ? (ssize_t)done : -EFAULT;
		for (unsigned long j = 0; j < n; j++) {
			size_t len = min(iov[j].iov_len, MAX_RW_COUNT - done);

			if (!len)
				continue;
			if (!access_ok((unsigned long)iov[j].iov_base, len))
				return done ? (ssize_t)done : -EFAULT;
			ret = type == WRITE ? f->f_op->write(f, iov[j].iov_base, len, pos)
				    : f->f_op->read(f, iov[j].iov_base, len, pos);
			if (ret < 0)
				return done ? (ssize_t)done : ret;
			done += ret;
			if ((size_t)ret < len)
				return done;
		}
	}
	return done;
}

static long do_readv_writev(unsigned int fd, const struct iovec *vec, unsigned long vlen, int type)
{
	struct file *f = fcheck_io(fd);

	if (!f)
		return -EBADF;
	if (!(f->f_mode & (type == WRITE ? FMODE_WRITE : FMODE_READ)))
		return -EBADF;
	if (type == WRITE ? !f->f_op->write : !f->f_op->read)
		return -EINVAL;
	if (vlen > UIO_MAXIOV)
		return -EINVAL;
	return do_iter_rw(f, vec, vlen, &f->f_pos, type);
}

long sys_readv(unsigned long fd, const struct iovec *vec, unsigned long vlen)
{
	return do_readv_writev((unsigned int)fd, vec, vlen, READ);
}

long sys_writev(unsigned long fd, const struct iovec *vec, unsigned long vlen)
{
	return do_readv_writev((unsigned int)fd, vec, vlen, WRITE);
}

long sys_lseek(unsigned int fd, loff_t offset, unsigned int whence)
{
	struct file *f = fcheck_io(fd);

	if (!f)
		return -EBADF;
	if (whence > SEEK_HOLE)
		return -EINVAL;
	if (!f->f_op->llseek)
		return -ESPIPE;
	return f->f_op->llseek(f, offset, whence);
}
