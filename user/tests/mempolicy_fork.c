/*
 * mempolicy_fork: policies across fork, execve and exit (Linux 6.1:
 * copy_process's mpol_dup, dup_mmap's vma_dup_policy, execve keeps the
 * task policy, do_exit's mpol_put_task_policy), on any machine of two
 * nodes or more:
 * - a child forked under a task BIND {1} policy has BIND {1}, and its new
 *   pages go to node 1; the VMA policies (INTERLEAVE on part of a mapping)
 *   are the child's too, and a later set_mempolicy or mbind in the child
 *   leaves the parent's alone;
 * - execve keeps the task policy (the new image reads BIND {1} and its new
 *   pages go to node 1) while the new VMAs have none (MPOL_DEFAULT at a
 *   fresh mapping);
 * - 300 children each make a task policy and four VMA policies and exit,
 *   and the parent replaces its own policy 1000 times: on Pagoda /init's
 *   leak check (MemFree back where it was) would see the slab pages of any
 *   policy left behind (300 x 5 objects of 264 bytes is about 100 pages).
 */
#include "mmtest.h"
#include "machine.h"
#include "numapol.h"

static struct machine m;

/* The exec'd image: exit 0 if the task policy came through execve and a new VMA has none. */
static int exec_child_main(void)
{
	unsigned long mask0 = 0;
	long r = sys_mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (r < 0)
		return 10;
	if (policy_of(NULL, &mask0) != MPOL_BIND || mask0 != 2)
		return 11;
	if (policy_of((void *)r, NULL) != MPOL_DEFAULT)
		return 12;
	*(char *)r = 1;
	if (node_of((void *)r) != 1)
		return 13;
	return 0;
}

static int child_checks(char *region)
{
	unsigned long mask0 = 0;
	long r;

	if (policy_of(NULL, &mask0) != MPOL_BIND || mask0 != 2)
		return 1;
	if (policy_of(region + 4 * PAGE_SIZE, &mask0) != MPOL_INTERLEAVE || mask0 != 3)
		return 2;
	if (policy_of(region, NULL) != MPOL_DEFAULT)
		return 3;
	r = sys_mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (r < 0)
		return 4;
	*(char *)r = 1;
	if (node_of((void *)r) != 1)
		return 5;
	/* The child's own changes stay its own. */
	if (sys_set_mempolicy(MPOL_PREFERRED, mask_node(0).w, MAXNODE) ||
	    sys_mbind(region, 4 * PAGE_SIZE, MPOL_BIND, mask_node(0).w, MAXNODE, 0))
		return 6;
	return 0;
}

static void check_fork(char *self)
{
	long r = sys_mmap(NULL, 8 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *region = (char *)r;
	unsigned long mask0 = 0;
	int status = -1;
	long pid;

	if (!tap_ok(r > 0, "mmap 8 pages"))
		return;
	tap_is_long(sys_mbind(region + 4 * PAGE_SIZE, 4 * PAGE_SIZE, MPOL_INTERLEAVE, mask_first(2).w, MAXNODE, 0), 0,
		    "mbind INTERLEAVE {0,1} on pages 4-7");
	tap_is_long(sys_set_mempolicy(MPOL_BIND, mask_node(1).w, MAXNODE), 0, "set_mempolicy BIND {1}");
	pid = sys_fork();
	if (pid == 0)
		sys_exit(child_checks(region));
	sys_wait4(pid, &status, 0, NULL);
	tap_is_long(status, 0, "the child has BIND {1}, the INTERLEAVE VMA, and its pages on node 1 (exit code / 256 says which failed)");
	tap_is_long(policy_of(NULL, &mask0), MPOL_BIND, "the parent's task policy is still BIND");
	tap_is_ulong(mask0, 2, "with node 1");
	tap_is_long(policy_of(region, NULL), MPOL_DEFAULT, "the child's mbind did not reach the parent's VMA");

	pid = sys_fork();
	if (pid == 0) {
		char *argv[] = { self, "exec-child", NULL }, *envp[] = { NULL };

		sys_execve(self, argv, envp);
		sys_exit(127);
	}
	status = -1;
	sys_wait4(pid, &status, 0, NULL);
	tap_is_long(status, 0, "after execve: BIND {1} kept, a new VMA has no policy, its page on node 1");
	tap_is_long(sys_set_mempolicy(MPOL_DEFAULT, NULL, 0), 0, "back to DEFAULT");
	sys_munmap(region, 8 * PAGE_SIZE);
}

static void churn_child(void)
{
	long r = sys_mmap(NULL, 8 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *p = (char *)r;

	if (r < 0)
		sys_exit(1);
	sys_set_mempolicy(MPOL_INTERLEAVE, mask_first(2).w, MAXNODE);
	for (int i = 0; i < 4; i++) {
		p[2 * i * PAGE_SIZE] = 1;
		if (sys_mbind(p + 2 * i * PAGE_SIZE, PAGE_SIZE, MPOL_BIND, mask_node(i & 1).w, MAXNODE, 0))
			sys_exit(2);
	}
	sys_exit(0);	/* the policies go with the task and its mm */
}

static void check_churn(void)
{
	int bad = 0;

	for (int i = 0; i < 300; i++) {
		int status = -1;
		long pid = sys_fork();

		if (pid == 0)
			churn_child();
		sys_wait4(pid, &status, 0, NULL);
		if (status && !bad++)
			tap_diag("child %d: status 0x%x", i, status);
	}
	tap_ok(!bad, "300 children each made a task policy and 4 VMA policies and exited");
	for (int i = 0; i < 1000; i++)
		if (sys_set_mempolicy(i & 1 ? MPOL_BIND : MPOL_INTERLEAVE, mask_first(2).w, MAXNODE) && !bad++)
			tap_diag("set_mempolicy %d failed", i);
	tap_ok(!bad, "1000 set_mempolicy calls replaced the task policy");
	tap_is_long(sys_set_mempolicy(MPOL_DEFAULT, NULL, 0), 0, "back to DEFAULT");
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "exec-child"))
		return exec_child_main();
	machine_get(&m);
	if (m.nodes < 2)
		tap_skip_all("mempolicy_fork: needs two NUMA nodes (qemu.nodes=)");
	check_fork(argv[0]);
	check_churn();
	return tap_done();
}
