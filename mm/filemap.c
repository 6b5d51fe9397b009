/*
 * mm/filemap.c: private mappings of a program file (execve's PT_LOAD
 * segments), filled from the file on fault.
 *
 *   vma->vm_image ---> initramfs_entry { data, size }      (fs/initramfs.h)
 *   vma->vm_pgoff      file offset of vm_start, in pages
 *
 *   read fault   -> do_read_fault: a page filled from the file, mapped
 *                   read-only, not anonymous (no anon_vma is needed)
 *   write fault  -> do_cow_fault: a new anonymous page filled from the file
 *   write to a page do_read_fault mapped -> do_wp_page copies it
 *
 * Linux maps the page-cache page itself on a read fault, so every process
 * running the program shares it. Pagoda has no page cache: each read fault
 * gets its own copy, which is freed with its last mapping. What a process
 * sees is the same: a never-written text VMA has only file pages and no
 * anon_vma, and a written data page is an anonymous copy.
 *
 * Lock order: none here; the fault path takes the page-table lock.
 * Start reading at vm_mmap_file(), then do_fault() in mm/memory.c.
 */
#include <mm/mm.h>
#include <mm/internal.h>
#include <fs/initramfs.h>
#include <lib/string.h>
#include <kernel/kernel.h>

/*
 * Map [start, end) of mm privately onto file from page offset pgoff, as
 * mmap(MAP_PRIVATE | MAP_FIXED) of a file does (Linux: vm_mmap). The range
 * must be free and page-aligned. No page is filled yet. Returns the VMA, or
 * NULL if out of memory.
 */
struct vm_area_struct *vm_mmap_file(struct mm_struct *mm, const struct initramfs_entry *file,
				    unsigned long start, unsigned long end,
				    unsigned long vm_flags, unsigned long pgoff)
{
	struct vm_area_struct *vma = vma_create(mm, start, end, vm_flags & ~VM_SHARED, pgoff);

	if (vma)
		vma->vm_image = file;
	return vma;
}

/*
 * Fill page with the file's bytes at page offset pgoff of vma's file:
 * what a read of the file there returns, zeroes past its end (Linux: the
 * page-cache page that filemap_fault finds or reads). page must be zeroed.
 */
void filemap_fill_page(const struct vm_area_struct *vma, unsigned long pgoff, struct page *page)
{
	const struct initramfs_entry *file = vma->vm_image;
	unsigned long pos = pgoff << PAGE_SHIFT;

	if (pos >= file->size)
		return;
	memcpy(page_address(page), (const u8 *)file->data + pos, min(PAGE_SIZE, file->size - pos));
}
