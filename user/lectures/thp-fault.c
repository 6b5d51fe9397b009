/*
 * thp-fault.c - /lectures/thp-fault, the scenario of `make lecture
 * L=thp-fault` (pid 1): seed 001's transparent huge pages, one 2 MB-aligned
 * region per step, each at a fixed address the script's conditions name:
 *   1. HUGE_ADDR: a write fault on an empty PMD maps a THP
 *      (create_huge_pmd -> do_huge_pmd_anonymous_page);
 *   2. ZERO_ADDR: a read fault maps the huge zero page (set_huge_zero_page);
 *   3. NOHUGE_ADDR, MADV_NOHUGEPAGE: the write gets a 4 KB page
 *      (handle_pte_fault -> do_anonymous_page);
 *   4. SPLIT_ADDR, pagoda_cow_policy "split": fork, the child writes:
 *      do_huge_pmd_wp_page splits its PMD (VM_FAULT_FALLBACK) and
 *      do_wp_page copies 4 KB;
 *   5. COPY_ADDR, pagoda_cow_policy "copy": fork, the child writes:
 *      do_huge_pmd_wp_page_copy copies all 2 MB.
 * Restores the policy it found. tools/gdb/lectures/thp-fault.lecture stops
 * on these steps.
 */
#include "lecture.h"

#define THP_SIZE	(2UL << 20)
#define HUGE_ADDR	0x40000000UL
#define ZERO_ADDR	0x40400000UL
#define NOHUGE_ADDR	0x40800000UL
#define SPLIT_ADDR	0x40c00000UL
#define COPY_ADDR	0x41000000UL
#define POLICY		"/sys/kernel/mm/transparent_hugepage/pagoda_cow_policy"

static unsigned char *map_2mb(unsigned long addr)
{
	unsigned char *p = lecture_map(addr, THP_SIZE);

	if (!p)
		printf("lecture thp-fault: mmap at 0x%lx failed\n", addr);
	return p;
}

/* One COW round: a THP at addr under policy, fork, the child writes its first byte. */
static void cow_round(unsigned long addr, const char *policy)
{
	unsigned char *p = map_2mb(addr);
	long pid;
	int status = -1;

	if (!p)
		return;
	p[0] = 'P';
	p[PAGE_SIZE] = 'p';
	if (knob_write(POLICY, policy) < 0)
		printf("lecture thp-fault: cannot write %s to %s\n", policy, POLICY);
	pid = sys_fork();
	if (pid == 0) {
		p[0] = 'C';
		sys_exit_group(p[0] == 'C' && p[PAGE_SIZE] == 'p' ? 0 : 1);
	}
	if (pid < 0 || sys_wait4((int)pid, &status, 0, NULL) != pid || status != 0)
		printf("lecture thp-fault: %s: the child failed (pid %ld, status 0x%x)\n", policy, pid, status);
	printf("lecture thp-fault: %s: the child wrote 'C'; the parent still reads '%c'\n", policy, p[0]);
}

int main(void)
{
	char saved[16];
	unsigned char *p;

	lecture_setup();
	if (knob_selected(POLICY, saved, sizeof(saved)) < 0) {
		printf("lecture thp-fault: cannot read %s\n", POLICY);
		lecture_done("thp-fault");
	}
	p = map_2mb(HUGE_ADDR);
	if (p)
		p[0] = 'H';					/* 1. a THP */
	p = map_2mb(ZERO_ADDR);
	if (p)
		printf("lecture thp-fault: read '%d' from the huge zero page\n", p[0]);	/* 2. */
	p = map_2mb(NOHUGE_ADDR);
	if (p && sys_madvise(p, THP_SIZE, MADV_NOHUGEPAGE) == 0)
		p[0] = 'N';					/* 3. 4 KB */
	cow_round(SPLIT_ADDR, "split");				/* 4. */
	cow_round(COPY_ADDR, "copy");				/* 5. */
	knob_write(POLICY, saved);
	printf("lecture thp-fault: policy restored to %s\n", saved);
	lecture_done("thp-fault");
}
