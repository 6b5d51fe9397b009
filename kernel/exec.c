/*
 * execve: replace the caller's address space with a static ELF64 program
 * from the initramfs (Linux: fs/exec.c, fs/binfmt_elf.c).
 *
 *   do_execveat_common (from do_execve, or kernel_execve for the first
 *   process): copy argv/envp into the kernel (struct linux_binprm)
 *     -> load_elf_binary: check the header, build a new mm with one VMA per
 *        PT_LOAD segment (pages filled now), the stack VMA and the brk base
 *     -> point of no return: switch to the new mm, drop the old one
 *     -> create_elf_tables: argc, argv, envp, auxv on the new stack
 *     -> start_thread: user registers in pt_regs
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
#include <mm/rmap.h>
#include <mm/internal.h>

/*
 * Linux bounds argv + envp by a quarter of the stack limit (2 MB with the
 * default 8 MB) and each string by MAX_ARG_STRLEN; Pagoda copies them
 * through one 512 KB buffer, which no test program comes near.
 */
#define MAX_ARG_STRLEN	(32 * PAGE_SIZE)
#define ARG_BUF_SIZE	(128 * PAGE_SIZE)	/* argv + envp strings together */
#define MAX_ARG_STRINGS	(ARG_BUF_SIZE / 2)	/* every string takes at least its NUL */
#define STACK_TOP	TASK_SIZE		/* 0x7ffffffff000, no randomization */
#define STACK_SIZE	(8UL << 20)		/* RLIMIT_STACK default */
#define ELF_ET_DYN_BASE	0x555555554000UL	/* where Linux loads a static PIE */

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
	    eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phnum == 0 || eh->e_phnum > 64 ||
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
 * Fill the pages of one segment from the file. The pages are private
 * anonymous memory from the start: Pagoda has no page cache to share.
 */
static int map_segment(struct linux_binprm *bprm, const Elf64_Phdr *ph)
{
	struct mm_struct *mm = bprm->mm;
	unsigned long vaddr = ph->p_vaddr + bprm->load_bias;
	unsigned long start = vaddr & PAGE_MASK;
	unsigned long file_end = vaddr + ph->p_filesz;
	unsigned long end = PAGE_ALIGN(vaddr + ph->p_memsz);
	const u8 *data = (const u8 *)bprm->file->data + ph->p_offset - (vaddr - start);
	struct vm_area_struct *vma;

	if (!ph->p_memsz)
		return 0;		/* an empty segment maps nothing */
	/* Every sum below must stay inside user space: reject before it can wrap. */
	if (ph->p_offset > bprm->file->size || ph->p_filesz > bprm->file->size - ph->p_offset ||
	    ph->p_memsz < ph->p_filesz || ph->p_vaddr > TASK_SIZE || ph->p_memsz > TASK_SIZE ||
	    vaddr > TASK_SIZE - ph->p_memsz || end > TASK_SIZE || start < PAGE_SIZE ||
	    ph->p_offset < vaddr - start)
		return -ENOEXEC;
	vma = vma_create(mm, start, end, elf_vm_flags(ph->p_flags),
			 (ph->p_offset - (vaddr - start)) >> PAGE_SHIFT);
	if (!vma)
		return -ENOMEM;
	vma->vm_file = bprm->file;
	if (anon_vma_prepare(vma))
		return -ENOMEM;
	/* Pages that hold file bytes are filled now; pure bss is demand-zero. */
	for (unsigned long addr = start; addr < file_end; addr += PAGE_SIZE) {
		struct page *page = alloc_page(GFP_HIGHUSER_MOVABLE | __GFP_ZERO);
		unsigned long from = max(addr, vaddr), to = min(addr + PAGE_SIZE, file_end);
		spinlock_t *ptl;
		pte_t *pte = page ? get_locked_pte(mm, addr, &ptl) : NULL;

		if (!pte) {
			if (page)
				__free_page(page);
			return -ENOMEM;
		}
		memcpy((u8 *)page_address(page) + (from - addr), data + (from - start), to - from);
		page_add_new_anon_rmap(page, vma, addr);
		inc_mm_counter(mm);
		set_pte(pte, mk_pte(page, vma->vm_page_prot));
		pte_unmap_unlock(pte, ptl);
	}
	return 0;
}

static int load_elf_binary(struct linux_binprm *bprm)
{
	const Elf64_Ehdr *eh = bprm->file->data;
	const Elf64_Phdr *phdrs;
	unsigned long brk = 0;
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
	for (int i = 0; i < eh->e_phnum; i++) {
		const Elf64_Phdr *ph = &phdrs[i];

		if (ph->p_type != PT_LOAD)
			continue;
		err = map_segment(bprm, ph);
		if (err)
			return err;
		if ((ph->p_flags & PF_X) && !bprm->end_code) {
			bprm->start_code = ph->p_vaddr + bprm->load_bias;
			bprm->end_code = bprm->start_code + ph->p_filesz;
		}
		/* AT_PHDR: the segment that contains the program headers. */
		if (eh->e_phoff >= ph->p_offset && eh->e_phoff < ph->p_offset + ph->p_filesz)
			bprm->phdr_addr = ph->p_vaddr + bprm->load_bias + eh->e_phoff - ph->p_offset;
		brk = max(brk, ph->p_vaddr + bprm->load_bias + ph->p_memsz);
	}
	if (!brk)
		return -ENOEXEC;
	bprm->phnum = eh->e_phnum;
	bprm->entry = eh->e_entry + bprm->load_bias;
	bprm->mm->start_brk = bprm->mm->brk = PAGE_ALIGN(brk);
	bprm->mm->start_code = bprm->start_code;
	bprm->mm->end_code = bprm->end_code;
	if (!vma_create(bprm->mm, STACK_TOP - STACK_SIZE, STACK_TOP,
			VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC | VM_GROWSDOWN,
			(STACK_TOP - STACK_SIZE) >> PAGE_SHIFT))
		return -ENOMEM;
	bprm->mm->start_stack = STACK_TOP;
	return 0;
}

/* Point of no return: the task now runs the new program's address space. */
static void exec_mmap(struct mm_struct *mm)
{
	struct task_struct *tsk = current;
	struct mm_struct *old = tsk->mm;

	local_irq_disable();
	tsk->mm = mm;
	load_cr3(__pa(mm->pgd));
	local_irq_enable();
	if (old) {
		/* The peak RSS survives execve (Linux: setmax_mm_hiwater_rss). */
		tsk->maxrss_kb = max(tsk->maxrss_kb, old->hiwater_rss * (PAGE_SIZE / 1024));
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
	if (err) {
		if (bprm.mm)
			mmput(bprm.mm);
		kfree(bprm.buf);
		return err;
	}

	exec_mmap(bprm.mm);
	err = create_elf_tables(&bprm, &sp);
	kfree(bprm.buf);
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
