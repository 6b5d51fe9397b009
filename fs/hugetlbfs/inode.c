/*
 * fs/hugetlbfs/inode.c: the files of hugetlbfs (Linux: fs/hugetlbfs/inode.c).
 * A file's pages are 2 MB pages of the hugetlb pool (mm/hugetlb.c); it is
 * mapped, or read with read(2) (holes read as zeros); write(2) gives
 * EINVAL, as in Linux.
 *
 *   inode { i_size, i_blocks, i_mapping }
 *     i_mapping->i_pages        the pages faulted in or fallocated, by index
 *     i_mapping->i_mmap         the VMAs that map the file (unmap_ref_private, truncation)
 *     i_mapping->private_data   the resv_map: indices reserved by MAP_SHARED
 *                               mappings or holding a page
 *
 *   mmap          hugetlbfs_file_mmap: VM_HUGETLB, hugetlb_vm_ops, hugetlb_reserve_pages
 *   ftruncate     hugetlbfs_setattr -> hugetlb_vmtruncate: unmap, then
 *                 remove_inode_hugepages, which gives pages and reservations back
 *   fallocate     hugetlbfs_fallocate: allocate pages into the cache, or punch a hole
 *   last iput     hugetlbfs_evict_inode: every page and reservation back
 *
 * Locks (docs/hugetlb.md "Locking"): i_mmap_lock_write around every walk
 * of i_mmap that unmaps; each index's hugetlb fault mutex around
 * fallocate and around each page's removal; i_pages_lock around the cache
 * (mm/hugetlb.c's find_get_huge_page, huge_add/remove_from_page_cache)
 * and around every change of i_size, which a fault checks under it.
 *
 * Files made by MAP_HUGETLB and memfd_create(MFD_HUGETLB) live on an
 * internal mount, with no name in any directory (Linux: hugetlb_file_setup).
 * Mounts, directories and names are fs/hugetlbfs/super.c's.
 */
#include <fs/hugetlbfs/hugetlbfs.h>
#include <fs/internal.h>
#include <mm/hugetlb.h>
#include <mm/slab.h>
#include <kernel/mutex.h>
#include <kernel/kernel.h>
#include <kernel/errno.h>
#include <lib/string.h>
#include <arch/x86_64/uaccess.h>

/* The mount behind MAP_HUGETLB and memfd (Linux: hugetlbfs_vfsmount[]). */
static struct super_block hugetlbfs_internal_sb = { .s_dev = HUGETLBFS_INTERNAL_DEV, .s_count = 1 };

static int hugetlbfs_setattr(struct inode *inode, const struct iattr *attr);

static const struct inode_operations hugetlbfs_inode_operations = {
	.setattr = hugetlbfs_setattr,
};

/*
 * A new regular file of sb, not linked into any directory, with one
 * reference (the caller's) and an empty reservation map (Linux:
 * hugetlbfs_get_inode). NULL if out of memory.
 */
struct inode *hugetlbfs_get_inode(struct super_block *sb, unsigned int mode)
{
	struct inode *inode = kzalloc(sizeof(*inode), GFP_KERNEL);

	if (!inode)
		return NULL;
	inode->i_data.private_data = resv_map_alloc();
	if (!inode->i_data.private_data) {
		kfree(inode);
		return NULL;
	}
	inode->i_ino = ++sb->s_next_ino;
	inode->i_mode = S_IFREG | (mode & 07777);
	inode->i_blkbits = huge_page_shift(&default_hstate);
	atomic_set(&inode->i_count, 1);
	inode->i_dev = sb->s_dev;
	inode->i_sb = sb;
	sb->s_count++;			/* put_super() at eviction */
	inode->i_op = &hugetlbfs_inode_operations;
	inode->i_fop = &hugetlbfs_file_operations;
	inode->i_mapping = &inode->i_data;
	inode->i_data.host = inode;
	address_space_init_once(&inode->i_data);
	return inode;
}

/*
 * i_size changes under i_pages_lock (Linux: i_size_write under the inode
 * lock): a fault inserts a page into the cache only below i_size, checked
 * under the same lock, so a truncation that lowered it never misses a page
 * a racing fault adds.
 */
static void hugetlbfs_set_size(struct inode *inode, loff_t size)
{
	spin_lock(&inode->i_mapping->i_pages_lock);
	WRITE_ONCE(inode->i_size, size);
	spin_unlock(&inode->i_mapping->i_pages_lock);
}

/*
 * The VMAs of the file that map page offsets [start, end) (end 0: to the
 * end of the file) lose those pages' mappings (Linux: hugetlb_vmdelete_list).
 * The caller holds i_mmap_lock_write: the VMAs (other processes' too) stay
 * in the tree, so alive, while their huge PTEs are cleared under their
 * mm's lock.
 */
static void hugetlb_vmdelete_list(struct address_space *mapping, unsigned long start,
				  unsigned long end)
{
	struct interval_node *node;

	lockdep_assert_held_write(&mapping->i_mmap_rwsem);
	for (node = interval_tree_iter_first(&mapping->i_mmap, start, end ? end - 1 : ~0UL); node;
	     node = interval_tree_iter_next(&mapping->i_mmap, node, start, end ? end - 1 : ~0UL)) {
		struct vm_area_struct *vma = container_of(node, struct vm_area_struct, shared_rb);
		unsigned long v_offset = 0, v_end = vma->vm_end;

		if (start > vma->vm_pgoff)
			v_offset = (start - vma->vm_pgoff) << PAGE_SHIFT;
		if (end && (end - vma->vm_pgoff) << PAGE_SHIFT < v_end - vma->vm_start)
			v_end = vma->vm_start + ((end - vma->vm_pgoff) << PAGE_SHIFT);
		unmap_hugepage_range(vma, vma->vm_start + v_offset, v_end, NULL);
	}
}

/*
 * The first page of the file at an index in [next, end), with a reference,
 * or NULL (Linux: filemap_get_folios, one at a time).
 */
static struct page *hugetlbfs_next_page(struct address_space *mapping, unsigned long next,
					unsigned long end)
{
	struct page *page, *found = NULL;

	spin_lock(&mapping->i_pages_lock);
	list_for_each_entry(page, &mapping->i_pages, lru) {
		if (page->index < next)
			continue;
		if (page->index < end) {
			found = page;
			get_page(found);
		}
		break;
	}
	spin_unlock(&mapping->i_pages_lock);
	return found;
}

/*
 * One page of the file leaves it (Linux: remove_inode_single_folio). The
 * caller holds the index's fault mutex, so no fault maps it meanwhile; a
 * fault that mapped it after the caller's unmap pass is undone here, as
 * Linux does. true if a hole punch freed it (its reservation given back).
 */
static bool remove_inode_single_page(struct inode *inode, struct page *page, unsigned long index,
				     bool truncate_op)
{
	struct hstate *h = hstate_inode(inode);
	struct address_space *mapping = inode->i_mapping;

	if (page_mapcount(page)) {	/* Linux: folio_mapped */
		unsigned long pgoff = index << huge_page_order(h);

		i_mmap_lock_write(mapping);
		hugetlb_vmdelete_list(mapping, pgoff, pgoff + pages_per_huge_page(h));
		i_mmap_unlock_write(mapping);
	}
	huge_remove_from_page_cache(page);
	put_page(page);		/* the cache's reference: back to the pool if unmapped */
	if (truncate_op)
		return false;
	if (hugetlb_unreserve_pages(inode, index, index + 1, 1))
		hugetlb_fix_reserve_counts(inode);
	return true;
}

/*
 * Take the pages of bytes [lstart, lend) out of the file and give them to
 * the pool, with the reservations they held (Linux: remove_inode_hugepages).
 * Truncation (lend LLONG_MAX) also drops the reservations past lstart that
 * no page used; a hole punch keeps those, as Linux does. Each page goes
 * under its index's fault mutex (Linux's rule), so that a fault there
 * either finished before (its page is found and unmapped) or starts after
 * (it sees the new i_size, or the hole). Called with no lock held.
 */
static void remove_inode_hugepages(struct inode *inode, loff_t lstart, loff_t lend)
{
	struct hstate *h = hstate_inode(inode);
	struct address_space *mapping = inode->i_mapping;
	unsigned long start = lstart >> huge_page_shift(h);
	unsigned long end = lend == LLONG_MAX ? ~0UL : (unsigned long)(lend >> huge_page_shift(h));
	bool truncate_op = lend == LLONG_MAX;
	unsigned long next = start;
	struct page *page;
	long freed = 0;

	while ((page = hugetlbfs_next_page(mapping, next, end))) {
		unsigned long index = page->index;
		u32 hash = hugetlb_fault_mutex_hash(mapping, index);

		put_page(page);		/* looked up again under the mutex */
		mutex_lock(&hugetlb_fault_mutex_table[hash]);
		page = find_get_huge_page(mapping, index);
		if (page) {
			remove_inode_single_page(inode, page, index, truncate_op);
			put_page(page);
			freed++;
		}
		mutex_unlock(&hugetlb_fault_mutex_table[hash]);
		next = index + 1;
	}
	if (truncate_op)
		hugetlb_unreserve_pages(inode, start, LONG_MAX, freed);
}

/*
 * Cut the file to offset bytes (Linux: hugetlb_vmtruncate): lower i_size
 * (under i_pages_lock, which a fault's insertion checks it under), unmap
 * under i_mmap_lock_write, then free what lies past it.
 */
static void hugetlb_vmtruncate(struct inode *inode, loff_t offset)
{
	struct address_space *mapping = inode->i_mapping;

	hugetlbfs_set_size(inode, offset);
	i_mmap_lock_write(mapping);
	hugetlb_vmdelete_list(mapping, offset >> PAGE_SHIFT, 0);
	i_mmap_unlock_write(mapping);
	remove_inode_hugepages(inode, offset, LLONG_MAX);
}

/* ftruncate: a size in whole huge pages, else EINVAL (Linux: hugetlbfs_setattr). */
static int hugetlbfs_setattr(struct inode *inode, const struct iattr *attr)
{
	if (attr->ia_valid & ATTR_SIZE) {
		if (attr->ia_size & ~huge_page_mask(hstate_inode(inode)))
			return -EINVAL;
		hugetlb_vmtruncate(inode, attr->ia_size);
	}
	return 0;
}

/* The last reference is gone: every page and reservation back to the pool (Linux: hugetlbfs_evict_inode). */
static void hugetlbfs_evict_inode(struct inode *inode)
{
	struct super_block *sb = inode->i_sb;

	remove_inode_hugepages(inode, 0, LLONG_MAX);
	resv_map_release(inode->i_mapping->private_data);
	if (sb->s_op && sb->s_op->destroy_inode)
		sb->s_op->destroy_inode(inode);
	kfree(inode);
	put_super(sb);			/* a lazily unmounted super block goes with its last file */
}

/* Drop a reference to inode; the last one, once no name links it, frees it (Linux: iput). */
void iput(struct inode *inode)
{
	if (atomic_dec_and_test(&inode->i_count))
		hugetlbfs_evict_inode(inode);
}

/*
 * mmap of a hugetlb file (Linux: hugetlbfs_file_mmap): the offset must be
 * huge-page aligned; the pages are reserved now (ENOMEM if the pool cannot
 * cover them); a writable mapping past the end makes the file longer.
 */
static int hugetlbfs_file_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct inode *inode = file->f_inode;
	struct hstate *h = hstate_inode(inode);
	loff_t vma_len, len;

	vma->vm_flags |= VM_HUGETLB | VM_DONTEXPAND;
	vma->vm_ops = &hugetlb_vm_ops;
	if (vma->vm_pgoff & (~huge_page_mask(h) >> PAGE_SHIFT))
		return -EINVAL;
	vma_len = (loff_t)(vma->vm_end - vma->vm_start);
	len = vma_len + ((loff_t)vma->vm_pgoff << PAGE_SHIFT);
	if (len < vma_len)
		return -EINVAL;
	if (!hugetlb_reserve_pages(inode, vma->vm_pgoff >> huge_page_order(h),
				   len >> huge_page_shift(h), vma, vma->vm_flags))
		return -ENOMEM;
	if ((vma->vm_flags & VM_WRITE) && inode->i_size < len)
		hugetlbfs_set_size(inode, len);
	return 0;
}

/*
 * Punch a hole: the whole huge pages inside [offset, offset + len) leave
 * every mapping and the file (Linux: hugetlbfs_punch_hole).
 */
static long hugetlbfs_punch_hole(struct inode *inode, loff_t offset, loff_t len)
{
	loff_t hpage_size = huge_page_size(hstate_inode(inode));
	loff_t hole_start = ALIGN(offset, hpage_size);
	loff_t hole_end = (offset + len) & ~(hpage_size - 1);

	if (hole_end > hole_start) {
		i_mmap_lock_write(inode->i_mapping);
		hugetlb_vmdelete_list(inode->i_mapping, hole_start >> PAGE_SHIFT, hole_end >> PAGE_SHIFT);
		i_mmap_unlock_write(inode->i_mapping);
		remove_inode_hugepages(inode, hole_start, hole_end);
	}
	return 0;
}

/*
 * fallocate(2) (Linux: hugetlbfs_fallocate): PUNCH_HOLE, or put a zeroed
 * page at every index of the range the file lacks, taken as a fault of a
 * shared mapping would take it (the file's reservation, else a free page
 * nobody reserved). -ENOSPC when the pool runs out: the pages already
 * added stay, as in Linux. The size grows unless KEEP_SIZE.
 */
static long hugetlbfs_fallocate(struct file *file, int mode, loff_t offset, loff_t len)
{
	struct inode *inode = file->f_inode;
	struct hstate *h = hstate_inode(inode);
	struct address_space *mapping = inode->i_mapping;
	unsigned long start, end, index;
	/* The allocation routines need a VMA; a shared one consumes the file's reservations. */
	struct vm_area_struct pseudo_vma = {
		.vm_flags = VM_HUGETLB | VM_MAYSHARE | VM_SHARED,
		.vm_file = file,
	};

	if (mode & ~(FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE))
		return -EOPNOTSUPP;
	if (mode & FALLOC_FL_PUNCH_HOLE)
		return hugetlbfs_punch_hole(inode, offset, len);
	start = offset >> huge_page_shift(h);
	end = (offset + len + huge_page_size(h) - 1) >> huge_page_shift(h);
	for (index = start; index < end; index++) {
		u32 hash = hugetlb_fault_mutex_hash(mapping, index);
		struct page *page;

		/* As a fault of the index: under its mutex (Linux 6.1's hugetlbfs_fallocate). */
		mutex_lock(&hugetlb_fault_mutex_table[hash]);
		page = find_get_huge_page(mapping, index);
		if (page) {
			put_page(page);
			mutex_unlock(&hugetlb_fault_mutex_table[hash]);
			continue;
		}
		page = alloc_huge_page(&pseudo_vma, index << huge_page_shift(h), 0);
		if (IS_ERR(page)) {
			mutex_unlock(&hugetlb_fault_mutex_table[hash]);
			return PTR_ERR(page);
		}
		clear_huge_page(page);
		/* Cannot fail: the index's mutex is held and no page was there. */
		VM_BUG_ON(huge_add_to_page_cache(page, mapping, index, HUGE_CACHE_ANY),
			  "hugetlbfs index %lu filled under its fault mutex", index);
		put_page(page);		/* the cache keeps its own reference */
		mutex_unlock(&hugetlb_fault_mutex_table[hash]);
	}
	if (!(mode & FALLOC_FL_KEEP_SIZE) && offset + len > inode->i_size)
		hugetlbfs_set_size(inode, offset + len);
	return 0;
}

static void hugetlbfs_release(struct file *file)
{
	if (file->f_inode)
		iput(file->f_inode);
}

/* lseek: SEEK_END is the file's size (Linux: default_llseek). */
static loff_t hugetlbfs_llseek(struct file *file, loff_t offset, int whence)
{
	return generic_llseek_size(file, offset, whence, file->f_inode->i_size);
}

/*
 * read(2) from the page cache: a page's bytes, zeros for a hole, nothing
 * past i_size (Linux: hugetlbfs_read_iter). There is no write: EINVAL.
 */
static ssize_t hugetlbfs_read(struct file *file, char *ubuf, size_t count, loff_t *pos)
{
	struct inode *inode = file->f_inode;
	unsigned long hpage_size = huge_page_size(hstate_inode(inode));
	size_t done = 0;

	if (*pos < 0)
		return -EINVAL;
	while (done < count && *pos < inode->i_size) {
		struct page *page = find_get_huge_page(inode->i_mapping, *pos / hpage_size);
		unsigned long offset = *pos % hpage_size;
		size_t n = min(count - done, (size_t)min((loff_t)(hpage_size - offset), inode->i_size - *pos));
		unsigned long left = page ? copy_to_user(ubuf + done, (char *)page_address(page) + offset, n)
					  : clear_user(ubuf + done, n);

		if (page)
			put_page(page);		/* held across the copy: a truncation cannot free it */
		done += n - left;
		*pos += n - left;
		if (left)
			return done ? (ssize_t)done : -EFAULT;
	}
	return done;
}

const struct file_operations hugetlbfs_file_operations = {
	.read = hugetlbfs_read,
	.mmap = hugetlbfs_file_mmap,
	.fallocate = hugetlbfs_fallocate,
	.llseek = hugetlbfs_llseek,
	.release = hugetlbfs_release,
};

/*
 * An open file of inode, holding its own reference on it; flags are
 * open(2)'s. path is what /proc/PID/maps names it by. NULL if out of memory.
 */
struct file *hugetlbfs_open_inode(struct inode *inode, unsigned int flags, const char *path)
{
	struct file *file = alloc_file(&hugetlbfs_file_operations, flags);

	if (!file)
		return NULL;
	file->f_path = kstrdup(path, GFP_KERNEL);
	if (!file->f_path) {
		fput(file);	/* no inode yet: release is not reached with one */
		return NULL;
	}
	atomic_inc(&inode->i_count);
	file->f_inode = inode;
	file->f_mapping = inode->i_mapping;
	file->f_mode |= FMODE_PREAD;
	return file;
}

/*
 * A file of the internal mount, size bytes long, with no name (Linux:
 * hugetlb_file_setup): MAP_HUGETLB's, and memfd_create(MFD_HUGETLB)'s.
 * vm_flags VM_NORESERVE reserves nothing now; mmap reserves what it maps.
 * Returns the file (O_RDWR) or ERR_PTR(-ENOMEM).
 */
struct file *hugetlb_file_setup(const char *name, size_t size, unsigned long vm_flags)
{
	struct inode *inode = hugetlbfs_get_inode(&hugetlbfs_internal_sb, S_IRWXUGO);
	struct hstate *h = &default_hstate;
	struct file *file;
	char path[NAME_MAX + 2];

	if (!inode)
		return ERR_PTR(-ENOMEM);
	inode->i_size = size;
	if (!hugetlb_reserve_pages(inode, 0, size >> huge_page_shift(h), NULL, vm_flags)) {
		iput(inode);
		return ERR_PTR(-ENOMEM);
	}
	snprintf(path, sizeof(path), "/%s", name);
	file = hugetlbfs_open_inode(inode, O_RDWR, path);
	iput(inode);		/* the file holds it now */
	return file ? file : ERR_PTR(-ENOMEM);
}
