/*
 * execve: replace the caller's address space with a static ELF64 program
 * from the initramfs (Linux: fs/exec.c, fs/binfmt_elf.c).
 *
 *   do_execveat_common (from do_execve, or kernel_execve for the first
 *   process): copy argv/envp into the kernel (struct linux_binprm)
 *     -> load_elf_binary: check the header, build a new mm: per PT_LOAD
 *        segment a private file mapping of its file pages (elf_map; the
 *        pages come in on fault), an anonymous VMA for the bss beyond them
 *        (set_brk), the stack VMA (setup_arg_pages) and the brk base
 *     -> point of no return: switch to the new mm, drop the old one
 *     -> padzero: clear the bss bytes in the last file page (clear_user)
 *     -> create_elf_tables: argc, argv, envp, auxv on the new stack
 *     -> start_thread: user registers in pt_regs
 *
 * The loader writes no page-table entry: it makes VMAs (mm/) and touches
 * the new program's memory only through the uaccess helpers.
 */
#include <kernel/sched.h>
#include <kernel/kernel.h>
#include <lib/string.h>
#include <kernel/errno.h>
#include <fs/fs.h>
#include <fs/initramfs.h>
#include <kernel/elf.h>
#include <kernel/mman.h>
#include <arch/x86_64/uaccess.h>
#include <arch/x86_64/processor.h>
#include <arch/x86_64/process.h>
#include <arch/x86_64/setup.h>
#include <mm/mm.h>
#include <mm/slab.h>

/*
 * Linux bounds argv + envp by a quarter of the stack limit (2 MB with the
 * default 8 MB) and each string by MAX_ARG_STRLEN; Pagoda copies them
 * through one 512 KB buffer, which no test program comes near.
 */
#define MAX_ARG_STRLEN	(32 * PAGE_SIZE)
#define ARG_BUF_SIZE	(128 * PAGE_SIZE)	/* argv + envp strings together */
#define MAX_ARG_STRINGS	(ARG_BUF_SIZE / 2)	/* every string takes at least its NUL */
#define STACK_TOP	TASK_SIZE		/* 0x7ffffffff000, no randomization */
#define STACK_EXPAND	(128 * 1024UL)		/* Linux's stack_expand: room for the first calls */
#define ELF_ET_DYN_BASE	0x555555554000UL	/* where Linux loads a static PIE */
#define ELF_MAX_PHNUM	64			/* Pagoda's bound on e_phnum */

u8 init_fpu_state[512] __attribute__((aligned(16)));

struct linux_binprm {
	char *buf;			/* argv strings, then envp strings */
	size_t len;
	int argc, envc;
	const struct initramfs_entry *file;
	const char *filename;
	struct mm_struct *mm;
	unsigned long entry, phdr_addr, load_bias;
	unsigned long start_code, end_code;
	unsigned int phnum;
	/* The PT_LOAD segments so far (Linux's elf_bss, elf_brk, bss_prot). */
	unsigned long elf_bss;		/* end of the file bytes */
	unsigned long elf_brk;		/* end of the memory, bss included */
	unsigned long bss_flags;	/* vm_flags of the segment that ends at elf_brk */
	unsigned int nr_pads;
	struct { unsigned long addr, len; } pad[ELF_MAX_PHNUM];	/* for padzero */
};

/* Where execve's argv and envp arrays live (Linux: user_arg_ptr, or copy_strings_kernel). */
enum exec_args {
	EXEC_ARGS_USER,		/* execve(2): user pointers, copied with get_user */
	EXEC_ARGS_KERNEL,	/* the first process: arrays in the kernel */
};

/* Copy one string vector to the end of bprm->buf; 0, -EFAULT or -E2BIG. */
static int copy_strings(struct linux_binprm *bprm, const char *const *vec, enum exec_args where,
			int *count)
{
	if (!vec) {
		*count = 0;		/* Linux takes a NULL argv or envp as an empty one */
		return 0;
	}
	for (long i = 0;; i++) {
		const char *str;
		long len;

		if (i >= (long)MAX_ARG_STRINGS)
			return -E2BIG;
		if (where == EXEC_ARGS_USER) {
			if (get_user(str, vec + i))
				return -EFAULT;
		} else {
			str = vec[i];
		}
		if (!str) {
			*count = (int)i;
			return 0;
		}
		if (where == EXEC_ARGS_USER) {
			len = strncpy_from_user(bprm->buf + bprm->len, str, ARG_BUF_SIZE - bprm->len);
			if (len < 0)
				return len;
			if (bprm->len + len >= ARG_BUF_SIZE || len >= (long)MAX_ARG_STRLEN)
				return -E2BIG;
		} else {
			len = strlen(str);
			if (bprm->len + len >= ARG_BUF_SIZE)
				return -E2BIG;
			memcpy(bprm->buf + bprm->len, str, len + 1);
		}
		bprm->len += len + 1;
	}
}

static int check_elf_header(const struct linux_binprm *bprm, const Elf64_Ehdr *eh)
{
	size_t size = bprm->file->size;

	if (size < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG))
		return -ENOEXEC;
	if (eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_machine != EM_X86_64 ||
	    (eh->e_type != ET_EXEC && eh->e_type != ET_DYN) ||
	    eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phnum == 0 || eh->e_phnum > ELF_MAX_PHNUM ||
	    eh->e_phoff > size || eh->e_phnum * sizeof(Elf64_Phdr) > size - eh->e_phoff)
		return -ENOEXEC;
	return 0;
}

static unsigned long elf_vm_flags(u32 p_flags)
{
	unsigned long f = VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;

	if (p_flags & PF_R)
		f |= VM_READ;
	if (p_flags & PF_W)
		f |= VM_WRITE;
	if (p_flags & PF_X)
		f |= VM_EXEC;
	return f;
}

/*
 * The file bytes of one PT_LOAD segment: a private file mapping of the
 * pages that hold them (Linux: elf_map). The pages come in on fault
 * (mm/filemap.c); the last one may show file bytes past p_filesz, as on
 * Linux, until padzero clears a bss tail there.
 */
static int elf_map(struct linux_binprm *bprm, const Elf64_Phdr *ph)
{
	unsigned long vaddr = ph->p_vaddr + bprm->load_bias;
	unsigned long start = vaddr & PAGE_MASK;
	unsigned long file_end = vaddr + ph->p_filesz;

	/*
	 * As Linux's elf_map, the size counts from the page start: a segment
	 * of pure bss that begins inside a page still maps that page from the
	 * file, and padzero clears the bytes from its p_vaddr on.
	 */
	if (file_end == start)
		return 0;
	if (!vm_mmap_file(bprm->mm, bprm->file, start, PAGE_ALIGN(file_end),
			  elf_vm_flags(ph->p_flags), (ph->p_offset - (vaddr - start)) >> PAGE_SHIFT))
		return -ENOMEM;
	return 0;
}

/* Every sum the loader makes with this segment must stay inside user space. */
static int check_segment(const struct linux_binprm *bprm, const Elf64_Phdr *ph)
{
	unsigned long vaddr = ph->p_vaddr + bprm->load_bias;
	unsigned long start = vaddr & PAGE_MASK;

	if (ph->p_offset > bprm->file->size || ph->p_filesz > bprm->file->size - ph->p_offset ||
	    ph->p_memsz < ph->p_filesz || ph->p_vaddr > TASK_SIZE || ph->p_memsz > TASK_SIZE ||
	    vaddr > TASK_SIZE - ph->p_memsz || PAGE_ALIGN(vaddr + ph->p_memsz) > TASK_SIZE ||
	    start < PAGE_SIZE || ph->p_offset < vaddr - start)
		return -ENOEXEC;
	return 0;
}

/*
 * The bss pages past the last file page: anonymous memory (Linux: set_brk,
 * which calls vm_brk_flags), so /proc/PID/maps shows the file-backed data
 * VMA and, above it, an anonymous one. The heap starts at its end.
 */
static int set_brk(struct linux_binprm *bprm, unsigned long start, unsigned long end,
		   unsigned long seg_flags)
{
	struct mm_struct *mm = bprm->mm;

	start = PAGE_ALIGN(start);
	end = PAGE_ALIGN(end);
	if (end > start &&
	    !vma_create(mm, start, end, VM_DATA_DEFAULT_FLAGS | (seg_flags & VM_EXEC), start >> PAGE_SHIFT))
		return -ENOMEM;
	mm->start_brk = mm->brk = end;
	return 0;
}

/*
 * The bytes from the end of a segment's file data to the end of its page
 * are bss: padzero clears them after the switch to the new mm (the write
 * copies the file page: it becomes anonymous). Remember where. Linux
 * clears up to the segment's bss end for a segment followed by another,
 * and the whole tail of the page after the last one (padzero).
 */
enum bss_pad { BSS_PAD_TO_BRK, BSS_PAD_TO_PAGE_END };

static void bss_pad_add(struct linux_binprm *bprm, unsigned long elf_bss, unsigned long elf_brk,
			enum bss_pad how)
{
	unsigned long nbyte = PAGE_ALIGN(elf_bss) - elf_bss;

	if (!nbyte || elf_brk == elf_bss)
		return;
	bprm->pad[bprm->nr_pads].addr = elf_bss;
	bprm->pad[bprm->nr_pads].len = how == BSS_PAD_TO_BRK ? min(nbyte, elf_brk - elf_bss) : nbyte;
	bprm->nr_pads++;
}

/*
 * Map one PT_LOAD segment. A bss left by the segments before it is mapped
 * first, as Linux does when a segment with p_memsz > p_filesz is not the
 * last one.
 */
static int load_segment(struct linux_binprm *bprm, const Elf64_Phdr *ph)
{
	unsigned long vaddr = ph->p_vaddr + bprm->load_bias;
	int err = check_segment(bprm, ph);

	if (err)
		return err;
	if (bprm->elf_brk > bprm->elf_bss) {
		err = set_brk(bprm, bprm->elf_bss, bprm->elf_brk, bprm->bss_flags);
		if (err)
			return err;
		bss_pad_add(bprm, bprm->elf_bss, bprm->elf_brk, BSS_PAD_TO_BRK);
	}
	err = elf_map(bprm, ph);
	if (err)
		return err;
	bprm->elf_bss = max(bprm->elf_bss, vaddr + ph->p_filesz);
	if (vaddr + ph->p_memsz > bprm->elf_brk) {
		bprm->elf_brk = vaddr + ph->p_memsz;
		bprm->bss_flags = elf_vm_flags(ph->p_flags);
	}
	return 0;
}

/*
 * The stack VMA (Linux: setup_arg_pages): the pages the argument strings
 * take, plus 128 KB. It grows down on faults (expand_stack), up to
 * RLIMIT_STACK.
 */
static int setup_arg_pages(struct linux_binprm *bprm)
{
	unsigned long args = bprm->len + strlen(bprm->filename) + 1 + sizeof(void *);
	unsigned long size = min(PAGE_ALIGN(args) + STACK_EXPAND, _STK_LIM);

	if (!vma_create(bprm->mm, STACK_TOP - size, STACK_TOP, VM_STACK_FLAGS,
			(STACK_TOP - size) >> PAGE_SHIFT))
		return -ENOMEM;
	return 0;
}

/* load_elf_binary's mappings: the PT_LOAD segments, the bss and brk, the stack. */
static int map_elf_segments(struct linux_binprm *bprm, const Elf64_Ehdr *eh, const Elf64_Phdr *phdrs)
{
	int err;

	mmap_assert_write_locked(bprm->mm);
	for (int i = 0; i < eh->e_phnum; i++) {
		const Elf64_Phdr *ph = &phdrs[i];

		if (ph->p_type != PT_LOAD || !ph->p_memsz)
			continue;	/* an empty segment maps nothing */
		err = load_segment(bprm, ph);
		if (err)
			return err;
		if ((ph->p_flags & PF_X) && !bprm->end_code) {
			bprm->start_code = ph->p_vaddr + bprm->load_bias;
			bprm->end_code = bprm->start_code + ph->p_filesz;
		}
		/* AT_PHDR: the segment that contains the program headers. */
		if (eh->e_phoff >= ph->p_offset && eh->e_phoff < ph->p_offset + ph->p_filesz)
			bprm->phdr_addr = ph->p_vaddr + bprm->load_bias + eh->e_phoff - ph->p_offset;
	}
	if (!bprm->elf_brk)
		return -ENOEXEC;
	err = set_brk(bprm, bprm->elf_bss, bprm->elf_brk, bprm->bss_flags);
	if (err)
		return err;
	bss_pad_add(bprm, bprm->elf_bss, bprm->elf_brk, BSS_PAD_TO_PAGE_END);
	bprm->phnum = eh->e_phnum;
	bprm->entry = eh->e_entry + bprm->load_bias;
	bprm->mm->start_code = bprm->start_code;
	bprm->mm->end_code = bprm->end_code;
	return setup_arg_pages(bprm);
}

static int load_elf_binary(struct linux_binprm *bprm)
{
	const Elf64_Ehdr *eh = bprm->file->data;
	const Elf64_Phdr *phdrs;
	int err = check_elf_header(bprm, eh);

	if (err)
		return err;
	phdrs = (const Elf64_Phdr *)((const u8 *)eh + eh->e_phoff);
	for (int i = 0; i < eh->e_phnum; i++)
		if (phdrs[i].p_type == PT_INTERP)
			return -ENOEXEC;	/* only static programs: there is no dynamic loader */
	bprm->load_bias = eh->e_type == ET_DYN ? ELF_ET_DYN_BASE : 0;
	bprm->mm = mm_alloc();
	if (!bprm->mm)
		return -ENOMEM;
	/*
	 * Nobody else sees the new mm until exec_mmap, but its VMAs are
	 * made as every mm's are: under its mmap_lock, for writing (Linux
	 * takes it in setup_arg_pages and vm_mmap, once the mm is current).
	 */
	mmap_write_lock(bprm->mm);
	err = map_elf_segments(bprm, eh, phdrs);
	mmap_write_unlock(bprm->mm);
	return err;
}

/*
 * Clear the bss bytes that share a page with file data (Linux: padzero).
 * Runs in the new mm: the write faults the file page in as an anonymous
 * copy (do_cow_fault). Only the last one may fail the exec, as in Linux.
 */
static int padzero(struct linux_binprm *bprm)
{
	for (unsigned int i = 0; i < bprm->nr_pads; i++)
		if (clear_user((void *)bprm->pad[i].addr, bprm->pad[i].len) && i == bprm->nr_pads - 1)
			return -EFAULT;
	return 0;
}

/*
 * A thread that execs takes its leader's place: the leader's pid (the
 * process id does not change), parent and place among its siblings; the
 * leader, a zombie by now, is freed (Linux: the !thread_group_leader part
 * of de_thread).
 */
static void exchange_leader(struct task_struct *tsk)
{
	struct task_struct *leader = tsk->group_leader;
	pid_t tid = tsk->pid;

	tsk->pid = leader->pid;
	leader->pid = tid;
	tsk->parent = leader->parent;
	tsk->pgid = leader->pgid;
	tsk->sid = leader->sid;
	tsk->exit_signal = SIGCHLD;
	list_add(&tsk->sibling, &leader->sibling);
	list_del(&leader->sibling);
	tsk->group_leader = tsk;
	list_del_init(&leader->thread_node);
	tsk->signal->nr_threads--;
	leader->state = EXIT_DEAD;
	free_task(leader);
}

/*
 * execve in a thread group: every other thread dies first (SIGKILL, and
 * exit code 0 for the group: group_exec_task), then the caller is the
 * only thread, and the leader (Linux: de_thread). -EAGAIN if the group is
 * already exiting or the caller is killed while it waits.
 */
int de_thread(struct task_struct *tsk)
{
	struct signal_struct *sig = tsk->signal;

	if (sig->live == 1 && thread_group_empty(tsk))
		return 0;
	if (sig->flags & SIGNAL_GROUP_EXIT)
		return -EAGAIN;
	sig->group_exec_task = tsk;
	zap_other_threads(tsk);
	/* Each thread's do_exit wakes us; other signals do not end the wait. */
	while (sig->live > 1) {
		if ((sig->flags & SIGNAL_GROUP_EXIT) || (tsk->sig.pending & sigmask(SIGKILL))) {
			sig->group_exec_task = NULL;
			return -EAGAIN;
		}
		local_irq_disable();
		tsk->state = TASK_INTERRUPTIBLE;
		tsk->wait_chan = sig;
		schedule();
		local_irq_enable();
	}
	sig->group_exec_task = NULL;
	if (!thread_group_leader(tsk))
		exchange_leader(tsk);
	return 0;
}

/* execve: handlers shared with another process (CLONE_SIGHAND alone) are copied (Linux: unshare_sighand). */
static int unshare_sighand(struct task_struct *tsk)
{
	struct sighand_struct *copy;

	if (atomic_read(&tsk->sighand->count) == 1)
		return 0;
	copy = sighand_alloc();
	if (!copy)
		return -ENOMEM;
	memcpy(copy->action, tsk->sighand->action, sizeof(copy->action));
	__cleanup_sighand(tsk->sighand);
	tsk->sighand = copy;
	return 0;
}

/* Point of no return: the task now runs the new program's address space. */
static void exec_mmap(struct mm_struct *mm)
{
	struct task_struct *tsk = current;
	struct mm_struct *old = tsk->mm;

	if (old)
		exit_mm_release(tsk, old);	/* CLONE_CHILD_CLEARTID: a joiner in the old mm wakes */

	local_irq_disable();
	tsk->mm = mm;
	switch_mm_irqs_off(mm);
	local_irq_enable();
	if (old) {
		/* The peak RSS survives execve (Linux: setmax_mm_hiwater_rss). */
		tsk->signal->maxrss_kb = max(tsk->signal->maxrss_kb, old->hiwater_rss * (PAGE_SIZE / 1024));
		mmput(old);
	}
}

#define AT_NULL		0
#define AT_PHDR		3
#define AT_PHENT	4
#define AT_PHNUM	5
#define AT_PAGESZ	6
#define AT_BASE		7
#define AT_FLAGS	8
#define AT_ENTRY	9
#define AT_UID		11
#define AT_EUID		12
#define AT_GID		13
#define AT_EGID		14
#define AT_PLATFORM	15
#define AT_HWCAP	16
#define AT_CLKTCK	17
#define AT_SECURE	23
#define AT_RANDOM	25
#define AT_EXECFN	31

/*
 * The initial stack, top down: strings (argv, envp, "x86_64", 16 random
 * bytes), then 16-byte aligned: argc, argv[], NULL, envp[], NULL, auxv.
 */
static int create_elf_tables(struct linux_binprm *bprm, unsigned long *sp_out)
{
	unsigned long sp = STACK_TOP, strings, platform, random, execfn;
	unsigned long vec[2 * 20], items, *argv_envp;
	int n = 0, nptrs = bprm->argc + bprm->envc + 2;
	u8 rnd[16];

	sp -= bprm->len;
	strings = sp;
	if (copy_to_user((void *)sp, bprm->buf, bprm->len))
		return -EFAULT;
	sp -= sizeof("x86_64");
	platform = sp;
	if (copy_to_user((void *)sp, "x86_64", sizeof("x86_64")))
		return -EFAULT;
	for (int i = 0; i < 16; i++)
		rnd[i] = (u8)(get_cycles() >> (i % 8));
	sp = (sp - 16) & ~15UL;
	random = sp;
	if (copy_to_user((void *)sp, rnd, 16))
		return -EFAULT;
	sp -= strlen(bprm->filename) + 1;
	execfn = sp;		/* AT_EXECFN: the file name execve was given */
	if (copy_to_user((void *)sp, bprm->filename, strlen(bprm->filename) + 1))
		return -EFAULT;

#define NEW_AUX_ENT(id, val) do { vec[n++] = (id); vec[n++] = (val); } while (0)
	NEW_AUX_ENT(AT_HWCAP, elf_hwcap);
	NEW_AUX_ENT(AT_PAGESZ, PAGE_SIZE);
	NEW_AUX_ENT(AT_CLKTCK, 100);
	NEW_AUX_ENT(AT_PHDR, bprm->phdr_addr);
	NEW_AUX_ENT(AT_PHENT, sizeof(Elf64_Phdr));
	NEW_AUX_ENT(AT_PHNUM, bprm->phnum);
	NEW_AUX_ENT(AT_BASE, 0);
	NEW_AUX_ENT(AT_FLAGS, 0);
	NEW_AUX_ENT(AT_ENTRY, bprm->entry);
	NEW_AUX_ENT(AT_UID, 0);
	NEW_AUX_ENT(AT_EUID, 0);
	NEW_AUX_ENT(AT_GID, 0);
	NEW_AUX_ENT(AT_EGID, 0);
	NEW_AUX_ENT(AT_SECURE, 0);
	NEW_AUX_ENT(AT_RANDOM, random);
	NEW_AUX_ENT(AT_EXECFN, execfn);
	NEW_AUX_ENT(AT_PLATFORM, platform);
	NEW_AUX_ENT(AT_NULL, 0);
#undef NEW_AUX_ENT

	items = 1 + nptrs + n;
	sp = (sp - items * 8) & ~15UL;
	*sp_out = sp;
	if (put_user((unsigned long)bprm->argc, (unsigned long *)sp))
		return -EFAULT;
	argv_envp = (unsigned long *)sp + 1;
	for (int i = 0, pos = 0; i < bprm->argc + bprm->envc; i++) {
		unsigned long p = strings + pos;

		if (i == bprm->argc)
			argv_envp++;	/* the NULL after argv */
		if (put_user(p, argv_envp + i))
			return -EFAULT;
		pos += strlen(bprm->buf + pos) + 1;
	}
	if (put_user(0UL, (unsigned long *)sp + 1 + bprm->argc) ||
	    put_user(0UL, (unsigned long *)sp + 2 + bprm->argc + bprm->envc))
		return -EFAULT;
	if (copy_to_user((unsigned long *)sp + 1 + nptrs, vec, n * sizeof(unsigned long)))
		return -EFAULT;
	return 0;
}

static void start_thread(struct pt_regs *regs, unsigned long ip, unsigned long sp)
{
	memset(regs, 0, sizeof(*regs));
	regs->rip = ip;
	regs->rsp = sp;
	regs->cs = __USER_CS;
	regs->ss = __USER_DS;
	regs->rflags = X86_EFLAGS_IF | 0x2;
	regs->rcx = ip;			/* lets the exit path use sysret */
	regs->r11 = regs->rflags;
}

static void set_comm(struct task_struct *t, const char *path)
{
	const char *base = path;

	for (const char *p = path; *p; p++)
		if (*p == '/' && p[1])
			base = p + 1;
	strlcpy(t->comm, base, sizeof(t->comm));
}

static long prepare_binprm(struct linux_binprm *bprm, const char *path)
{
	const struct initramfs_entry *f = initramfs_lookup(path);

	if (!f)
		return -ENOENT;
	if (initramfs_is_dir(f))
		return -EACCES;
	if (!initramfs_is_exec(f))
		return -EACCES;
	bprm->file = f;
	bprm->filename = path;
	return 0;
}

/*
 * execve (Linux: do_execveat_common). On success the caller's pt_regs hold
 * the new program's entry state; on failure before the point of no return,
 * nothing changed.
 */
static long do_execveat_common(const char *path, const char *const *argv, const char *const *envp,
			       enum exec_args where)
{
	struct linux_binprm bprm = { 0 };
	struct task_struct *tsk = current;
	unsigned long sp;
	long err;

	err = prepare_binprm(&bprm, path);
	if (err)
		return err;
	bprm.buf = kmalloc(ARG_BUF_SIZE, GFP_KERNEL);
	if (!bprm.buf)
		return -ENOMEM;
	err = copy_strings(&bprm, argv, where, &bprm.argc);
	if (!err && !bprm.argc) {
		/* Linux 6.1: a program never starts with argc 0; it gets argv[0] = "". */
		bprm.buf[bprm.len++] = '\0';
		bprm.argc = 1;
	}
	if (!err)
		err = copy_strings(&bprm, envp, where, &bprm.envc);
	if (!err)
		err = load_elf_binary(&bprm);
	if (!err)
		err = de_thread(tsk);
	if (!err)
		err = unshare_sighand(tsk);
	if (!err)
		err = unshare_files(tsk);
	if (err) {
		if (bprm.mm)
			mmput(bprm.mm);
		kfree(bprm.buf);
		return err;
	}

	exec_mmap(bprm.mm);
	err = padzero(&bprm);
	if (!err)
		err = create_elf_tables(&bprm, &sp);
	kfree(bprm.buf);
	if (!err)
		tsk->mm->start_stack = sp;	/* where argc is, as Linux's bprm->p */
	if (err) {
		/* Past the point of no return: the old program is gone. */
		force_sig_fault(SIGSEGV, SI_KERNEL, 0);
		return 0;
	}
	set_comm(tsk, path);
	flush_signal_handlers(tsk);
	do_close_on_exec(tsk);
	flush_thread(tsk);
	start_thread(task_pt_regs(tsk), bprm.entry, sp);
	return 0;
}

/* execve with argv and envp in user memory; path is already in the kernel. */
long do_execve(const char *path, const char *const *argv, const char *const *envp)
{
	return do_execveat_common(path, argv, envp, EXEC_ARGS_USER);
}

/* execve with argv and envp in kernel memory: the first process (Linux: kernel_execve). */
long kernel_execve(const char *path, const char *const *argv, const char *const *envp)
{
	return do_execveat_common(path, argv, envp, EXEC_ARGS_KERNEL);
}

long sys_execve(const char *upath, const char *const *argv, const char *const *envp)
{
	char *path = kmalloc(PATH_MAX, GFP_KERNEL);
	long len, err;

	if (!path)
		return -ENOMEM;
	len = strncpy_from_user(path, upath, PATH_MAX);
	if (len < 0)
		err = len;
	else if (len >= PATH_MAX)
		err = -ENAMETOOLONG;
	else if (len == 0)
		err = -ENOENT;
	else
		err = do_execve(path, argv, envp);
	kfree(path);
	return err;
}
