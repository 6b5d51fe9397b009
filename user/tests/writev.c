/*
 * writev: gathers the pieces in order and returns the sum; 0 iovecs
 * returns 0; exactly UIO_MAXIOV (1024) is allowed; 1025 or a negative
 * count gives EINVAL; a bad iov array or a bad iov_base gives EFAULT.
 */
#include "tap.h"

static struct iovec many[UIO_MAXIOV + 1];

int main(void)
{
	static char a[] = "# writev: ", b[] = "three ", c[] = "pieces\n";
	static char last[] = "# writev: 1024 iovecs, all empty but this one\n";
	struct iovec iov[3] = {
		{ a, sizeof(a) - 1 }, { b, sizeof(b) - 1 }, { c, sizeof(c) - 1 },
	};
	struct iovec bad_base[1] = { { (void *)0x10, 5 } };
	struct iovec kernel_base[1] = { { (void *)0xffffffff80000000UL, 5 } };

	tap_is_long(sys_writev(1, iov, 3), sizeof(a) + sizeof(b) + sizeof(c) - 3, "writev of 3 pieces returns the sum");
	tap_is_long(sys_writev(1, iov, 0), 0, "writev of 0 iovecs returns 0");

	for (int i = 0; i < UIO_MAXIOV + 1; i++)
		many[i] = (struct iovec){ a, 0 };
	many[UIO_MAXIOV - 1] = (struct iovec){ last, sizeof(last) - 1 };
	tap_is_long(sys_writev(1, many, UIO_MAXIOV), sizeof(last) - 1, "writev of 1024 iovecs is allowed");
	tap_is_err(sys_writev(1, many, UIO_MAXIOV + 1), EINVAL, "writev of 1025 iovecs gives EINVAL");
	tap_is_err(sys_writev(1, iov, -1), EINVAL, "writev of -1 iovecs gives EINVAL");

	tap_is_err(sys_writev(1, (void *)0x10, 1), EFAULT, "bad iov pointer gives EFAULT");
	tap_is_err(sys_writev(1, (void *)0xffff888000000000UL, 1), EFAULT, "kernel iov pointer gives EFAULT");
	tap_is_err(sys_writev(1, bad_base, 1), EFAULT, "iov_base 0x10 gives EFAULT");
	tap_is_err(sys_writev(1, kernel_base, 1), EFAULT, "kernel iov_base gives EFAULT");
	tap_is_err(sys_writev(-1, iov, 3), EBADF, "writev(-1) gives EBADF");
	return tap_done();
}
