/*
 * getrusage: RUSAGE_SELF's ru_minflt grows by at least N after touching
 * N new pages, and so does /proc/vmstat's pgfault (a global count);
 * RUSAGE_CHILDREN works; an unknown who gives EINVAL and a bad pointer
 * EFAULT. The kernel writes the whole 144-byte struct and nothing past
 * it: the fields Linux does not maintain (ru_ixrss ... ru_nsignals, the
 * last at offset 128) read 0 over a 0xa5 fill.
 *
 * The N pages are a 256 KB mapping: too small to hold an aligned 2 MB
 * block, so no kernel can serve it with one THP fault.
 */
#include "mmtest.h"

#define NPAGES 64

/* Filled with 0xa5, then getrusage(RUSAGE_SELF): the guard must stay 0xa5. */
static void whole_struct(void)
{
	static struct {
		struct rusage ru;
		unsigned char guard[64];
	} buf;
	int guard_ok = 1;

	memset(&buf, 0xa5, sizeof(buf));
	tap_is_long(sys_getrusage(RUSAGE_SELF, &buf.ru), 0, "getrusage into a 0xa5-filled struct");
	for (size_t i = 0; i < sizeof(buf.guard); i++)
		guard_ok &= buf.guard[i] == 0xa5;
	tap_ok(guard_ok, "nothing is written past the 144-byte struct");
	tap_ok(!buf.ru.ru_ixrss && !buf.ru.ru_idrss && !buf.ru.ru_isrss && !buf.ru.ru_nswap &&
	       !buf.ru.ru_msgsnd && !buf.ru.ru_msgrcv && !buf.ru.ru_nsignals,
	       "the unmaintained fields read 0 (ru_nsignals 0x%lx)", buf.ru.ru_nsignals);
}

int main(void)
{
	struct rusage before, after, ch;
	unsigned char *p;
	long r;

	whole_struct();
	p = (unsigned char *)sys_mmap(NULL, NPAGES * PAGE_SIZE, PROT_READ | PROT_WRITE,
				      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!tap_ok((long)p > 0, "mmap %d pages", NPAGES))
		return tap_done();
	long pgfault = vmstat_get("pgfault");

	tap_is_long(sys_getrusage(RUSAGE_SELF, &before), 0, "getrusage(RUSAGE_SELF) returns 0");
	for (int i = 0; i < NPAGES; i++)
		p[i * PAGE_SIZE] = 1;
	r = sys_getrusage(RUSAGE_SELF, &after);
	tap_is_long(r, 0, "getrusage after the touches returns 0");
	tap_ok(pgfault >= 0 && vmstat_get("pgfault") - pgfault >= NPAGES,
	       "/proc/vmstat pgfault grew by >= %d", NPAGES);
	tap_ok(after.ru_minflt - before.ru_minflt >= NPAGES,
	       "ru_minflt grew by >= %d (%ld -> %ld)", NPAGES, before.ru_minflt, after.ru_minflt);
	tap_ok(after.ru_utime.tv_usec >= 0 && after.ru_utime.tv_usec < 1000000 &&
	       after.ru_stime.tv_usec >= 0 && after.ru_stime.tv_usec < 1000000,
	       "ru_utime and ru_stime are valid timevals");
	tap_ok(after.ru_maxrss >= NPAGES * 4, "ru_maxrss counts the touched pages: %ld kB >= %d kB",
	       after.ru_maxrss, NPAGES * 4);
	tap_is_long(sys_getrusage(RUSAGE_CHILDREN, &ch), 0, "getrusage(RUSAGE_CHILDREN) returns 0");
	{
		/* A child's peak RSS: 4 MB touched, then unmapped before it exits. */
		struct rusage child;
		int st = -1;
		long pid = sys_fork();

		if (pid == 0) {
			unsigned char *q = (unsigned char *)sys_mmap(NULL, 1024 * PAGE_SIZE, PROT_READ | PROT_WRITE,
								     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if ((long)q < 0)
				sys_exit_group(1);
			for (int i = 0; i < 1024; i++)
				q[i * PAGE_SIZE] = 1;
			sys_munmap(q, 1024 * PAGE_SIZE);
			sys_exit_group(0);
		}
		tap_is_long(sys_wait4((int)pid, &st, 0, &child), pid, "wait4 with a rusage");
		tap_is_long(st, 0, "the child touching 4 MB exits 0");
		tap_ok(child.ru_maxrss >= 4096, "wait4's ru_maxrss is the child's peak: %ld kB >= 4096 kB",
		       child.ru_maxrss);
		tap_is_long(sys_getrusage(RUSAGE_CHILDREN, &ch), 0, "getrusage(RUSAGE_CHILDREN) after wait4");
		tap_ok(ch.ru_maxrss >= 4096, "RUSAGE_CHILDREN's ru_maxrss: %ld kB >= 4096 kB", ch.ru_maxrss);
	}
	tap_is_err(sys_getrusage(5, &after), EINVAL, "who = 5 gives EINVAL");
	tap_is_err(sys_getrusage(-3, &after), EINVAL, "who = -3 gives EINVAL");
	tap_is_err(sys_getrusage(RUSAGE_SELF, (void *)0x10), EFAULT, "pointer 0x10 gives EFAULT");
	return tap_done();
}
