/*
 * rmap_seed003 (Pagoda only): the scenario at the end of seed article 003,
 * with real processes, checked through /sys/kernel/debug/pagoda/.
 *
 *   (1) P maps a 2-page anonymous region; writes page A, not page B
 *   (2) P forks P1 and P2        (3) P1 forks P12
 *   (4) P1 writes A: frame 2     (5) P12 writes B: frame 3
 *   (6) P2 writes B: frame 1     (7) P2 forks P21
 *
 * Expected anon_vma trees (one anon_vma per process, AV_P the root):
 *   AV_P   P P1 P2 P12 P21      AV_P1  P1 P12      AV_P2  P2 P21
 *   AV_P12 P12                  AV_P21 P21
 * Expected rmap walks (the "mapped" lines, as pid sets):
 *   A's original frame   P P2 P12 P21   (P12 forked before P1's write)
 *   frame 2 (A in P1)    P1             visited 2 (AV_P1's tree: P1, P12)
 *   frame 3 (B in P12)   P12            visited 1
 *   frame 1 (B in P2)    P2 P21         visited 2
 * and B is unmapped (ENOENT) in P and P1.
 *
 * Every process runs worker(): it waits for commands from P in a shared
 * mailbox (fork, write A, write B, quit), and reaps its own children before
 * it exits.  Each gives up after two minutes on its own, so a crashed P
 * cannot leave spinning orphans behind.
 */
#include "mmtest.h"

enum { SP, SP1, SP2, SP12, SP21, NSLOTS };
static const char *const slot_name[NSLOTS] = { "P", "P1", "P2", "P12", "P21" };

enum { CMD_NONE, CMD_FORK, CMD_WRITE_A, CMD_WRITE_B, CMD_QUIT };

struct mailbox {
	volatile long cmd[NSLOTS];
	volatile long arg[NSLOTS];              /* CMD_FORK: the new child's slot */
	volatile long pid[NSLOTS];
	volatile long quit;
};

static struct mailbox *mb;
static unsigned char *region;                   /* page A, then page B */
#define PAGE_A  (region)
#define PAGE_B  (region + PAGE_SIZE)
#define WORKER_TIMEOUT_NS (120L * 1000 * 1000 * 1000)

static char report[32768];

static __attribute__((noreturn)) void worker(int slot)
{
	long deadline = now_ns() + WORKER_TIMEOUT_NS;
	int st;

	mb->pid[slot] = sys_getpid();
	while (!mb->quit && now_ns() < deadline) {
		long cmd = mb->cmd[slot];

		if (cmd == CMD_NONE) {
			sys_sched_yield();
			continue;
		}
		if (cmd == CMD_FORK) {
			long child = mb->arg[slot];

			if (sys_fork() == 0) {
				slot = (int)child;
				mb->pid[slot] = sys_getpid();
				continue;       /* the child: a worker of its own, nothing pending */
			}
		} else if (cmd == CMD_WRITE_A) {
			PAGE_A[0] = (unsigned char)(0xa0 + slot);
		} else if (cmd == CMD_WRITE_B) {
			PAGE_B[0] = (unsigned char)(0xb0 + slot);
		}
		mb->cmd[slot] = CMD_NONE;
	}
	while (sys_wait4(-1, &st, 0, NULL) > 0)
		;
	sys_exit_group(0);
}

/* Have slot run cmd (CMD_FORK: into new_slot); 1 when done. */
static int command(int slot, long cmd, int new_slot)
{
	if (slot == SP) {               /* P is us: do it directly */
		if (cmd == CMD_WRITE_A)
			PAGE_A[0] = 0xa0;
		return 1;
	}
	mb->arg[slot] = new_slot;
	mb->cmd[slot] = cmd;
	if (!mailbox_wait(&mb->cmd[slot], CMD_NONE))
		return 0;
	return cmd != CMD_FORK || mailbox_wait_nonzero(&mb->pid[new_slot]);
}

/* P's forks are plain forks whose child becomes a worker. */
static int fork_from_p(int new_slot)
{
	long pid = sys_fork();

	if (pid == 0)
		worker(new_slot);
	return pid > 0 && mailbox_wait_nonzero(&mb->pid[new_slot]);
}

/* ---- the anon_vma report ---- */

/*
 * In slot's anon_vma report, find the region's VMA; its anon_vma id goes to
 * *own.  Then the tree of anon_vma av (one of the "anon_vma" lines after
 * that VMA): the pids whose VMA at the region's address it holds, into
 * pids[]; its root and parent ids too.  Returns how many pids, or -1.
 */
static int anon_vma_tree(int slot, long av, long *own, long *root, long *parent, long *pids, int max)
{
	char want[64];
	char *line, *end;
	int n = 0;

	snprintf(want, sizeof(want), "%ld\n", mb->pid[slot]);
	if (debug_query(PAGODA_DEBUG "anon_vma", want, report, sizeof(report)) < 0)
		return -1;
	snprintf(want, sizeof(want), "vma 0x%lx-", (unsigned long)region);
	line = strstr(report, want);
	if (!line)
		return -1;
	*own = report_word(line, "anon_vma");
	if (av < 0)
		av = *own;
	/* The anon_vma lines up to the next "vma " line. */
	for (line = strchr(line, '\n'); line && line[1] == 'a'; line = strchr(line + 1, '\n')) {
		if (strtol(line + 1 + strlen("anon_vma "), NULL, 10) != av)
			continue;
		*root = report_word(line, "root");
		*parent = report_word(line, "parent");
		end = strchr(line + 1, '\n');
		for (char *t = strstr(line, " tree"); t && (!end || t < end); t = strchr(t + 1, ' ')) {
			char *colon;
			long pid = strtol(t + 1, &colon, 10);

			if (*colon != ':')
				continue;
			if (strtoul(colon + 1, NULL, 0) != (unsigned long)region)
				return -1;      /* some other VMA in this anon_vma's tree */
			if (n < max)
				pids[n] = pid;
			n++;
		}
		return n;
	}
	return -1;
}

static void check_tree(int slot, long av, const int *want_slots, int nwant, long *own_out)
{
	long own = -1, root = -1, parent = -1, pids[16], want[NSLOTS];
	char got_s[128], want_s[128];
	int n = anon_vma_tree(slot, av, &own, &root, &parent, pids, 16);

	for (int i = 0; i < nwant; i++)
		want[i] = mb->pid[want_slots[i]];
	if (own_out)
		*own_out = own;
	if (!tap_ok(n >= 0, "%s: the anon_vma report lists the region's VMA and anon_vma %ld", slot_name[slot], av < 0 ? own : av)) {
		tap_diag("%.200s", report);
		return;
	}
	if (!tap_ok(pid_set_equal(pids, n, want, nwant), "%s: anon_vma %ld's tree holds exactly the expected VMAs",
		    slot_name[slot], av < 0 ? own : av))
		tap_diag("got pids %s, expected %s", pid_list_str(pids, n, got_s, sizeof(got_s)),
			 pid_list_str(want, nwant, want_s, sizeof(want_s)));
}

/* The anon_vma of slot's region VMA, and its root and parent. */
static void own_anon_vma(int slot, long *own, long *root, long *parent)
{
	long pids[16];

	*own = *root = *parent = -1;
	anon_vma_tree(slot, -1, own, root, parent, pids, 16);
}

/* ---- the rmap report ---- */

/*
 * Check the rmap report of (slot, addr): mapped by exactly want_slots,
 * at the region's address; mapcount and exclusive as given; visited as
 * given (-1: only >= found).  Returns the PFN it reports.
 */
static long check_rmap(int slot, unsigned char *addr, const char *what, const int *want_slots, int nwant,
		       int exclusive, long visited)
{
	long pids[16], want[NSLOTS], pfn, r;
	unsigned long addrs[16];
	char got_s[128], want_s[128];
	int n, addrs_ok = 1;

	r = rmap_report(mb->pid[slot], addr, report, sizeof(report));
	if (!tap_ok(r > 0, "rmap report of %s in %s", what, slot_name[slot])) {
		tap_diag("error %ld (%s)", r, r < 0 ? errno_name((int)-r) : "empty");
		return -1;
	}
	pfn = report_field(report, "pfn");
	n = report_mapped(report, pids, addrs, 16);
	for (int i = 0; i < nwant; i++)
		want[i] = mb->pid[want_slots[i]];
	for (int i = 0; i < n && i < 16; i++)
		addrs_ok &= addrs[i] == (unsigned long)addr;
	tap_is_ulong((unsigned long)pfn, (unsigned long)page_pfn(mb->pid[slot], addr),
		     "%s in %s: the report's pfn is the one in /proc/%ld/pagemap", what, slot_name[slot], mb->pid[slot]);
	if (!tap_ok(pid_set_equal(pids, n, want, nwant) && addrs_ok,
		    "%s in %s: the rmap walk finds exactly the processes that map it", what, slot_name[slot]))
		tap_diag("got pids %s, expected %s", pid_list_str(pids, n, got_s, sizeof(got_s)),
			 pid_list_str(want, nwant, want_s, sizeof(want_s)));
	tap_is_long(report_field(report, "found"), n, "%s in %s: found == number of mapped lines", what, slot_name[slot]);
	tap_is_long(report_word(report, "mapcount"), nwant, "%s in %s: mapcount %d", what, slot_name[slot], nwant);
	tap_is_long(report_word(report, "exclusive"), exclusive, "%s in %s: exclusive %d", what, slot_name[slot], exclusive);
	tap_is_ulong((unsigned long)report_word(report, "index"), (unsigned long)addr / PAGE_SIZE,
		     "%s in %s: index is the page's vaddr >> 12 (vm_pgoff = vm_start >> 12)", what, slot_name[slot]);
	tap_diag("%s in %s: visited %ld found %ld", what, slot_name[slot],
		 report_field(report, "visited"), report_field(report, "found"));
	if (visited >= 0)
		tap_is_long(report_field(report, "visited"), visited, "%s in %s: the walk visited %ld VMAs",
			    what, slot_name[slot], visited);
	return pfn;
}

static int scenario(void)
{
	return fork_from_p(SP1) &&                      /* (2) */
	       fork_from_p(SP2) &&
	       command(SP1, CMD_FORK, SP12) &&          /* (3) */
	       command(SP1, CMD_WRITE_A, 0) &&          /* (4) */
	       command(SP12, CMD_WRITE_B, 0) &&         /* (5) */
	       command(SP2, CMD_WRITE_B, 0) &&          /* (6) */
	       command(SP2, CMD_FORK, SP21);            /* (7) */
}

int main(void)
{
	static const int all[] = { SP, SP1, SP2, SP12, SP21 };
	static const int p1_tree[] = { SP1, SP12 }, p2_tree[] = { SP2, SP21 };
	static const int a_orig[] = { SP, SP2, SP12, SP21 };
	static const int only_p1[] = { SP1 }, only_p12[] = { SP12 }, only_p21[] = { SP21 };
	long av_p = -1, av_p1 = -1, av_p2 = -1, root, parent, own, pfn_a, pfn_a1, pfn_b1, pfn_b3;
	int st;

	if (!is_pagoda())
		tap_skip_all("Pagoda only: reads /sys/kernel/debug/pagoda/");
	mb = mailbox_new(sizeof(*mb));
	region = (unsigned char *)sys_mmap(NULL, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE,
					   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!tap_ok(mb && (long)region > 0, "(1) P maps pages A and B"))
		return tap_done();
	mb->pid[SP] = sys_getpid();
	command(SP, CMD_WRITE_A, 0);
	if (!tap_ok(scenario(), "(2)-(7) the processes fork and write as in the article")) {
		mb->quit = 1;
		while (sys_wait4(-1, &st, 0, NULL) > 0)
			;
		return tap_done();
	}
	tap_diag("pids: P %ld, P1 %ld, P2 %ld, P12 %ld, P21 %ld",
		 mb->pid[SP], mb->pid[SP1], mb->pid[SP2], mb->pid[SP12], mb->pid[SP21]);

	/* The anon_vma trees. */
	check_tree(SP, -1, all, NSLOTS, &av_p);
	own_anon_vma(SP, &own, &root, &parent);
	tap_ok(av_p >= 0 && root == av_p, "AV_P (%ld) is its own root", av_p);
	check_tree(SP1, -1, p1_tree, 2, &av_p1);
	own_anon_vma(SP1, &own, &root, &parent);
	tap_ok(av_p1 != av_p && root == av_p && parent == av_p, "AV_P1 (%ld): root and parent AV_P", av_p1);
	check_tree(SP2, -1, p2_tree, 2, &av_p2);
	own_anon_vma(SP2, &own, &root, &parent);
	tap_ok(av_p2 != av_p && av_p2 != av_p1 && root == av_p && parent == av_p, "AV_P2 (%ld): root and parent AV_P", av_p2);
	check_tree(SP1, av_p, all, NSLOTS, NULL);        /* P1's chain also links AV_P */
	check_tree(SP12, -1, only_p12, 1, &own);
	own_anon_vma(SP12, &own, &root, &parent);
	tap_ok(root == av_p && parent == av_p1, "AV_P12: root AV_P, parent AV_P1");
	check_tree(SP12, av_p1, p1_tree, 2, NULL);       /* ... and P12's links AV_P1 */
	check_tree(SP21, -1, only_p21, 1, &own);
	own_anon_vma(SP21, &own, &root, &parent);
	tap_ok(root == av_p && parent == av_p2, "AV_P21: root AV_P, parent AV_P2");
	check_tree(SP21, av_p2, p2_tree, 2, NULL);

	/* The rmap walks. */
	pfn_a = check_rmap(SP, PAGE_A, "A", a_orig, 4, 0, NSLOTS);
	tap_is_long(report_field(report, "anon_vma"), av_p, "A's frame points to AV_P");
	tap_is_long(check_rmap(SP12, PAGE_A, "A", a_orig, 4, 0, NSLOTS), pfn_a, "P12 maps A's original frame");
	tap_is_long(check_rmap(SP21, PAGE_A, "A", a_orig, 4, 0, NSLOTS), pfn_a, "P21 maps A's original frame");
	pfn_a1 = check_rmap(SP1, PAGE_A, "A", only_p1, 1, 1, 2);
	tap_ok(pfn_a1 > 0 && pfn_a1 != pfn_a, "P1's A is a frame of its own (frame 2)");
	tap_is_long(report_field(report, "anon_vma"), av_p1, "frame 2 points to AV_P1");
	pfn_b3 = check_rmap(SP12, PAGE_B, "B", only_p12, 1, 1, 1);
	pfn_b1 = check_rmap(SP2, PAGE_B, "B", p2_tree, 2, 0, 2);
	tap_is_long(report_field(report, "anon_vma"), av_p2, "frame 1 points to AV_P2");
	tap_is_long(check_rmap(SP21, PAGE_B, "B", p2_tree, 2, 0, 2), pfn_b1, "P21 maps frame 1");
	tap_ok(pfn_b1 > 0 && pfn_b3 > 0 && pfn_b1 != pfn_b3, "frames 1 and 3 differ");
	tap_is_err(rmap_report(mb->pid[SP], PAGE_B, report, sizeof(report)), ENOENT, "B is not mapped in P: ENOENT");
	tap_is_err(rmap_report(mb->pid[SP1], PAGE_B, report, sizeof(report)), ENOENT, "B is not mapped in P1: ENOENT");
	tap_is_err(rmap_report(999999, PAGE_A, report, sizeof(report)), ESRCH, "a pid that does not exist: ESRCH");

	tap_ok(debug_query(PAGODA_DEBUG "check", NULL, report, sizeof(report)) > 0 && !strcmp(report, "ok\n"),
	       "the consistency check reads ok with all five processes alive");
	mb->quit = 1;
	while (sys_wait4(-1, &st, 0, NULL) > 0)
		tap_ok(st == 0, "a worker exited 0");
	return tap_done();
}
