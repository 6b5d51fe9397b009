/*
 * drivers/tty/n_tty.c: /dev/console and /dev/tty, the serial port with a
 * line discipline for input (Linux: drivers/tty/n_tty.c for the cooking,
 * tty_io.c for the file operations).
 */
#include <fs/fs.h>
#include <fs/internal.h>
#include <kernel/kernel.h>
#include <kernel/errno.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/spinlock.h>
#include <kernel/power.h>
#include <lib/string.h>
#include <arch/x86_64/uaccess.h>
#include <arch/x86_64/serial.h>

/*
 * Input is cooked as Linux's n_tty does in canonical mode with ECHO and
 * ICRNL: typed characters are echoed and collected until a newline; a
 * read returns at most one line. Backspace (DEL or ^H) erases, ^U erases
 * the line, ^D ends the input (a read of an empty line returns 0).
 */
#define N_TTY_BUF_SIZE	4096

static struct {
	spinlock_t lock;
	char buf[N_TTY_BUF_SIZE];
	size_t len;		/* characters typed */
	size_t ready;		/* buf[0, ready) are finished lines that reads may take */
	bool eof;		/* ^D on an empty line */
} tty = { .lock = __SPIN_LOCK_UNLOCKED };

/* One received character; returns what to echo in echo[] (up to 3 bytes). Called with tty.lock. */
static size_t n_tty_receive_char(char c, char *echo)
{
	if (c == '\r')
		c = '\n';				/* ICRNL */
	if (c == 0x7f || c == '\b') {			/* VERASE */
		if (tty.len == tty.ready)
			return 0;
		tty.len--;
		memcpy(echo, "\b \b", 3);
		return 3;
	}
	if (c == 0x15) {				/* VKILL: ^U */
		size_t n = 0;

		while (tty.len > tty.ready && n < 3) {	/* echo a few; the rest goes silently */
			tty.len--;
			n++;
		}
		tty.len = tty.ready;
		memcpy(echo, "\b \b", 3);
		return n ? 3 : 0;
	}
	if (c == 0x04) {				/* VEOF: ^D */
		if (tty.len == tty.ready)
			tty.eof = true;
		tty.ready = tty.len;
		return 0;
	}
	if (tty.len >= N_TTY_BUF_SIZE - 1 && c != '\n')
		return 0;				/* full: only a newline still fits */
	if (tty.len < N_TTY_BUF_SIZE)
		tty.buf[tty.len++] = c;
	if (c == '\n')
		tty.ready = tty.len;
	echo[0] = c;
	return 1;
}

/* Take up to n bytes of the first ready line into kbuf. Called with tty.lock. */
static size_t n_tty_take(char *kbuf, size_t n)
{
	size_t i;

	n = min(n, tty.ready);
	for (i = 0; i < n; i++) {
		kbuf[i] = tty.buf[i];
		if (kbuf[i] == '\n') {
			i++;
			break;
		}
	}
	memmove(tty.buf, tty.buf + i, tty.len - i);
	tty.len -= i;
	tty.ready -= i;
	return i;
}

/* Put bytes a failed copy_to_user could not deliver back in front. Called with tty.lock. */
static void n_tty_untake(const char *kbuf, size_t n)
{
	n = min(n, N_TTY_BUF_SIZE - tty.len);
	memmove(tty.buf + n, tty.buf, tty.len);
	memcpy(tty.buf, kbuf, n);
	tty.len += n;
	tty.ready += n;
}

/* Poll the serial port until a line is ready, sleeping with schedule() between polls. */
static int n_tty_wait_line(void)
{
	for (;;) {
		char echo[3];
		size_t n = 0;
		int c;

		spin_lock(&tty.lock);
		if (tty.ready || tty.eof) {
			spin_unlock(&tty.lock);
			return 0;
		}
		c = serial_getc_nonblock();
		if (c >= 0)
			n = n_tty_receive_char((char)c, echo);
		spin_unlock(&tty.lock);
		if (n)
			console_write(echo, n);
		if (c >= 0)
			continue;
		if (signal_pending(current))
			return -ERESTARTSYS;	/* EINTR unless the handler has SA_RESTART */
		schedule();
	}
}

static ssize_t console_read(struct file *f, char *ubuf, size_t count, loff_t *pos)
{
	char kbuf[256];
	size_t done = 0;
	int err;

	if (!count)
		return 0;
	err = n_tty_wait_line();
	if (err)
		return err;
	spin_lock(&tty.lock);
	if (!tty.ready && tty.eof) {
		tty.eof = false;
		spin_unlock(&tty.lock);
		return 0;
	}
	spin_unlock(&tty.lock);
	while (done < count) {
		size_t n;

		spin_lock(&tty.lock);
		n = n_tty_take(kbuf, min(count - done, sizeof(kbuf)));
		spin_unlock(&tty.lock);
		if (!n)
			break;
		if (copy_to_user(ubuf + done, kbuf, n)) {
			spin_lock(&tty.lock);
			n_tty_untake(kbuf, n);
			spin_unlock(&tty.lock);
			return done ? (ssize_t)done : -EFAULT;
		}
		done += n;
		if (kbuf[n - 1] == '\n')
			break;			/* one line per read */
	}
	return done;
}

/*
 * Copy through a kernel buffer in chunks. As Linux's tty write, a chunk
 * that cannot be copied ends the write: the bytes already written are
 * returned, or -EFAULT if there are none.
 */
static ssize_t console_write_user(struct file *f, const char *ubuf, size_t count, loff_t *pos)
{
	char kbuf[256];
	size_t done = 0;

	while (done < count) {
		size_t n = min(count - done, sizeof(kbuf));

		if (copy_from_user(kbuf, ubuf + done, n))
			return done ? (ssize_t)done : -EFAULT;
		console_write(kbuf, n);
		done += n;
	}
	return done;
}

/* The kernel's struct termios (include/uapi/asm-generic/termbits.h): 36 bytes. */
struct termios {
	u32 c_iflag, c_oflag, c_cflag, c_lflag;
	u8 c_line;
	u8 c_cc[19];
};

struct winsize {
	u16 ws_row, ws_col, ws_xpixel, ws_ypixel;
};

#define TCGETS		0x5401
#define TIOCGWINSZ	0x5413

/*
 * Linux's tty_std_termios, the settings a serial console starts with. The
 * flags say what the line discipline above does: canonical input with
 * echo and CR to NL (ICANON, ECHO, ICRNL); output NL becomes CR NL.
 */
static const struct termios console_termios = {
	.c_iflag = 0000400 | 0002000,				/* ICRNL | IXON */
	.c_oflag = 0000001 | 0000004,				/* OPOST | ONLCR */
	.c_cflag = 0000017 | 0000060 | 0000200 | 0002000,	/* B38400 | CS8 | CREAD | HUPCL */
	.c_lflag = 0000001 | 0000002 | 0000010 | 0000020 | 0000040 |
		   0001000 | 0004000 | 0100000,	/* ISIG ICANON ECHO ECHOE ECHOK ECHOCTL ECHOKE IEXTEN */
	.c_cc = { 3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26, 0, 18, 15, 23, 22 },	/* INIT_C_CC */
};

/*
 * The two tty ioctls a C library asks of its stdout (isatty: musl uses
 * TIOCGWINSZ, glibc TCGETS); setting modes is not supported (ENOTTY).
 */
static long console_ioctl(struct file *f, unsigned int cmd, unsigned long arg)
{
	static const struct winsize no_size;	/* nobody has set a size on the serial line */

	switch (cmd) {
	case TCGETS:
		return copy_to_user((void *)arg, &console_termios, sizeof(console_termios)) ? -EFAULT : 0;
	case TIOCGWINSZ:
		return copy_to_user((void *)arg, &no_size, sizeof(no_size)) ? -EFAULT : 0;
	default:
		return -ENOTTY;
	}
}

const struct file_operations console_fops = {
	.read = console_read,
	.write = console_write_user,
	.ioctl = console_ioctl,
	/* no llseek: ESPIPE */
};
