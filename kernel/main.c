/*
 * start_kernel: the machine-independent half of boot (Linux: init/main.c).
 * arch/x86_64/setup.c has found RAM, the NUMA nodes and built the page
 * tables; here the allocators come up, then the clock, the scheduler, and
 * the first user process, /init from the initramfs.
 */
#include <mm/mempolicy.h>
#include <kernel/kernel.h>
#include <kernel/sched.h>
#include <fs/fs.h>
#include <fs/initramfs.h>
#include <kernel/selftest.h>
#include <kernel/smp.h>
#include <lib/string.h>
#include <arch/x86_64/setup.h>
#include <arch/x86_64/apic.h>
#include <arch/x86_64/percpu.h>
#include <arch/x86_64/fpu.h>
#include <arch/x86_64/pgtable.h>
#include <mm/mmzone.h>
#include <mm/slab.h>
#include <mm/numa.h>
#include <mm/rmap.h>
#include <mm/hugetlb.h>


/* hugepagesz= and hugepages=: the hugetlb pool taken from the buddy allocator at boot. */
static void hugetlb_boot_pool(void)
{
	char pages[24], size[16];
	bool have_pages = cmdline_get("hugepages", pages, sizeof(pages));
	bool have_size = cmdline_get("hugepagesz", size, sizeof(size));

	hugetlb_setup_cmdline(have_pages ? pages : NULL, have_size ? size : NULL);
	hugetlb_init();
}

static void mm_init(void)
{
	char opt[16];

	/* Poisoning freed pages catches use-after-free; benchmarks turn it off (Linux: page_poison=). */
	if (cmdline_get("page_poison", opt, sizeof(opt)))
		page_poisoning_enabled = strcmp(opt, "off") && strcmp(opt, "0");
	free_area_init();
	build_all_zonelists();
	memblock_free_all();
	kmem_cache_init();
	mmap_init();
	mempolicy_init();
	anon_vma_init();
	zero_page_init();
	if (cmdline_get("transparent_hugepage", opt, sizeof(opt)))
		setup_transparent_hugepage(opt);
	if (cmdline_get("pagoda_thp_cow", opt, sizeof(opt)))
		setup_thp_cow_policy(opt);
	printk("Memory: %luK/%luK available\n", nr_free_pages() * 4, totalram_pages() * 4);
	hugetlb_boot_pool();
}

/*
 * selftest=all, =SUITE or =SUITE/CASE: the self-tests of tests/kernel/, as
 * TAP; the after_smp suites (IPIs, TLB shootdown) once the other CPUs are up.
 */
static void run_selftests(bool late)
{
	char which[64];

	if (!cmdline_get("selftest", which, sizeof(which)))
		return;
	if (late)
		selftest_run_late(which);
	else
		selftest_run(which);
}

/* Linux's rdinit= and init= choose the first program; /init by default. */
static const char *init_program(void)
{
	static char path[128];

	if (cmdline_get("rdinit", path, sizeof(path)) || cmdline_get("init", path, sizeof(path)))
		return path;
	return "/init";
}

void start_kernel(void)
{
	mm_init();
	this_cpu()->node = cpu_to_node(0);
	run_selftests(false);
	sched_init();
	fpu_init_state(init_fpu_state);
	if (!boot_params.initrd_size)
		panic("no initramfs: GRUB must load it as a multiboot2 module");
	initramfs_init(__va(boot_params.initrd_start), boot_params.initrd_size);
	mnt_init();		/* hugetlbfs on /dev/hugepages */
	lapic_init();
	lapic_timer_init();
	smp_init();
	run_selftests(true);
	start_init(init_program());
	printk("Run %s as init process\n", init_program());
	cpu_idle();
}
