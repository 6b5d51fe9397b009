/*
 * vm_flags -> PTE protection bits for a VMA's pages (Linux 6.1:
 * arch/x86/mm/pgprot.c).
 *
 *   vma->vm_flags & (VM_READ|VM_WRITE|VM_EXEC|VM_SHARED)
 *        |  index 0..15
 *        v
 *   protection_map[16] --> PAGE_NONE / PAGE_READONLY(_EXEC) / PAGE_COPY(_EXEC) / PAGE_SHARED(_EXEC)
 *        |
 *        v
 *   vma->vm_page_prot, which mk_pte() and pte_modify() put in every PTE
 *
 * Why here and not in mm/mmap.c: the table's values are PTE encodings, and
 * which of them the hardware can express is the architecture's business
 * (x86 has no write-only or execute-only PTE, and NX may be missing).
 * Linux kept protection_map in mm/mmap.c, filled from the arch's
 * __P000..__S111 macros, until 6.1 moved it into each architecture
 * (ARCH_HAS_VM_GET_PAGE_PROT); this file is x86's 6.1 version. mm/ keeps
 * only the VM_* flags and calls vm_get_page_prot() (declared in mm/mm.h).
 *
 * Lock order: none; the table is constant.
 */
#include <arch/x86_64/pgtable.h>
#include <mm/mm.h>

/*
 * Private writable mappings get PAGE_COPY, which is read-only: the first
 * write faults, and do_wp_page() reuses or copies the page (copy-on-write).
 * VM_SHARED with no access bit is PAGE_NONE, as VM_NONE is.
 */
static const pgprot_t protection_map[16] = {
	[VM_NONE]					= PAGE_NONE,
	[VM_READ]					= PAGE_READONLY,
	[VM_WRITE]					= PAGE_COPY,
	[VM_WRITE | VM_READ]				= PAGE_COPY,
	[VM_EXEC]					= PAGE_READONLY_EXEC,
	[VM_EXEC | VM_READ]				= PAGE_READONLY_EXEC,
	[VM_EXEC | VM_WRITE]				= PAGE_COPY_EXEC,
	[VM_EXEC | VM_WRITE | VM_READ]			= PAGE_COPY_EXEC,
	[VM_SHARED]					= PAGE_NONE,
	[VM_SHARED | VM_READ]				= PAGE_READONLY,
	[VM_SHARED | VM_WRITE]				= PAGE_SHARED,
	[VM_SHARED | VM_WRITE | VM_READ]		= PAGE_SHARED,
	[VM_SHARED | VM_EXEC]				= PAGE_READONLY_EXEC,
	[VM_SHARED | VM_EXEC | VM_READ]			= PAGE_READONLY_EXEC,
	[VM_SHARED | VM_EXEC | VM_WRITE]		= PAGE_SHARED_EXEC,
	[VM_SHARED | VM_EXEC | VM_WRITE | VM_READ]	= PAGE_SHARED_EXEC,
};

/*
 * The protection for a VMA with these flags. NX is dropped where the CPU
 * lacks it when the bits are read (pgprot_val() masks with
 * __supported_pte_mask), not here.
 */
pgprot_t vm_get_page_prot(unsigned long vm_flags)
{
	return protection_map[vm_flags & (VM_READ | VM_WRITE | VM_EXEC | VM_SHARED)];
}
