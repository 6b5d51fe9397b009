/*
 * rmap.c - /lectures/rmap, the scenario of `make lecture L=rmap` (pid 1).
 *
 * Seed 003's "building", section 7, with real processes (as the test
 * user/tests/rmap_seed003.c, which checks the same through debugfs):
 *   (1) P maps pages A and B at REGION and writes A
 *   (2) P forks P1 and P2        (3) P1 forks P12
 *   (4) P1 writes A              (5) P12 writes B
 *   (6) P2 writes B              (7) P2 forks P21
 * then P asks for the rmap walk (debugfs rmap file) of A in P and of A in
 * P1.  Last, the article's closing case: P maps a 1000-page VMA at FANOUT,
 * writes it, forks 999 children, child i writes page i; the walk of child
 * 1's private page visits one VMA, that of page 999 (nobody's copy) 1000.
 *
 * Each process plays its part when the shared stage counter reaches its
 * step, so the order of the forks and writes is the article's, always.
 */
#include "lecture.h"

#define REGION  0x20000000UL
#define FANOUT  0x30000000UL
#define NPAGES  1000
#define PAGE_A  (region)
#define PAGE_B  (region + PAGE_SIZE)

enum { SP, SP1, SP2, SP12, SP21, NSLOTS };

struct mailbox {
	volatile long stage;
	volatile long pid[NSLOTS];
	volatile long quit;
};

static struct mailbox *mb;
static unsigned char *region;
static char report[65536];

/* Wait for stage `at`, then move on to at + 1 (the caller acted). */
static int at_stage(long at)
{
	return mailbox_wait(&mb->stage, at);
}

static void next_stage(void)
{
	mb->stage++;
}

/* A process of the building: wait to be told to quit, reaping children. */
static __attribute__((noreturn)) void linger(void)
{
	int st;

	while (!mb->quit)
		sys_sched_yield();
	while (sys_wait4(-1, &st, 0, NULL) > 0)
		;
	sys_exit_group(0);
}

/* 999 of them: sleep, not yield, or they would take all of a TCG CPU. */
static __attribute__((noreturn)) void sleep_until_quit(void)
{
	struct timespec ts = { 1, 0 };

	while (!mb->quit)
		sys_nanosleep(&ts, NULL);
	sys_exit_group(0);
}

static void p12(void)
{
	mb->pid[SP12] = sys_getpid();
	if (at_stage(5)) {
		PAGE_B[0] = 0xb3;               /* (5) frame 3 */
		next_stage();
	}
	linger();
}

static void p1(void)
{
	mb->pid[SP1] = sys_getpid();
	if (at_stage(3)) {                      /* (3) */
		long pid = sys_fork();

		if (pid == 0)
			p12();
		mailbox_wait_nonzero(&mb->pid[SP12]);
		next_stage();
	}
	if (at_stage(4)) {
		PAGE_A[0] = 0xa1;               /* (4) frame 2 */
		next_stage();
	}
	linger();
}

static void p21(void)
{
	mb->pid[SP21] = sys_getpid();
	linger();
}

static void p2(void)
{
	mb->pid[SP2] = sys_getpid();
	if (at_stage(6)) {
		PAGE_B[0] = 0xb2;               /* (6) frame 1 */
		next_stage();
	}
	if (at_stage(7)) {                      /* (7) */
		long pid = sys_fork();

		if (pid == 0)
			p21();
		mailbox_wait_nonzero(&mb->pid[SP21]);
		next_stage();
	}
	linger();
}

static void show_walk(const char *what, long pid, const void *addr)
{
	long r = rmap_report(pid, addr, report, sizeof(report));

	printf("lecture rmap: walk of %s (pid %ld, %p): %s", what, pid, addr,
	       r > 0 ? "\n" : "failed\n");
	if (r <= 0)
		return;
	/* All of it, but for a walk that finds many: their count instead. */
	for (char *line = report, *nl; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (!nl)
			break;
		if (strncmp(line, "mapped ", 7) || report_field(report, "found") <= 8)
			printf("%.*s\n", (int)(nl - line), line);
	}
	if (report_field(report, "found") > 8)
		printf("(%ld mapped lines)\n", report_field(report, "found"));
}

/* The closing case: one parent, a 1000-page VMA, 999 children. */
static void fanout(void)
{
	unsigned char *big = lecture_map(FANOUT, NPAGES * PAGE_SIZE);
	static long kids[NPAGES];
	long done_before = mb->stage;
	int st, n = 0;

	if (!big)
		return;
	for (int i = 0; i < NPAGES; i++)
		big[(unsigned long)i * PAGE_SIZE] = 0xf0;
	for (int i = 0; i < NPAGES - 1; i++) {
		kids[i] = sys_fork();
		if (kids[i] == 0) {
			big[(unsigned long)i * PAGE_SIZE] = 0xc0;       /* child i's private copy */
			__atomic_add_fetch(&mb->stage, 1, __ATOMIC_SEQ_CST);
			sleep_until_quit();
		}
		if (kids[i] < 0)
			break;
		n++;
	}
	while (mb->stage != done_before + n)     /* no timeout: slow under gdb */
		sys_sched_yield();
	show_walk("child 1's private page 1", kids[1], big + PAGE_SIZE);
	show_walk("page 999, shared by all 1000", sys_getpid(), big + (NPAGES - 1) * PAGE_SIZE);
	mb->quit = 1;
	while (sys_wait4(-1, &st, 0, NULL) > 0)
		;
}

int main(void)
{
	lecture_setup();
	mb = mailbox_new(sizeof(*mb));
	region = lecture_map(REGION, 2 * PAGE_SIZE);
	if (!mb || !region) {
		printf("lecture rmap: mmap failed\n");
		lecture_done("rmap");
	}
	mb->pid[SP] = sys_getpid();
	PAGE_A[0] = 0xa0;                       /* (1) A has a frame, B not yet */
	if (sys_fork() == 0)                    /* (2) */
		p1();
	mailbox_wait_nonzero(&mb->pid[SP1]);
	if (sys_fork() == 0)
		p2();
	mailbox_wait_nonzero(&mb->pid[SP2]);
	mb->stage = 3;
	if (!at_stage(8)) {
		printf("lecture rmap: the processes did not get to stage 8 (at %ld)\n", mb->stage);
		lecture_done("rmap");
	}
	printf("lecture rmap: P %ld, P1 %ld, P2 %ld, P12 %ld, P21 %ld\n",
	       mb->pid[SP], mb->pid[SP1], mb->pid[SP2], mb->pid[SP12], mb->pid[SP21]);
	show_walk("A in P", mb->pid[SP], PAGE_A);
	show_walk("A in P1", mb->pid[SP1], PAGE_A);
	mb->quit = 1;
	while (sys_wait4(-1, &(int){ 0 }, 0, NULL) > 0)
		;
	mb->quit = 0;
	fanout();
	lecture_done("rmap");
}
