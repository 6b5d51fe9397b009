/*
 * Fast user-space mutexes (Linux: kernel/futex/core.c, waitwake.c,
 * requeue.c, syscalls.c). A task waits on a 32-bit word in user memory
 * while it holds an expected value; another wakes it by the same word.
 *
 * Keys (Linux: union futex_key, get_futex_key). A word is named by:
 *   FUTEX_PRIVATE_FLAG          (mm, address)            private
 *   shared, private mapping     (mm, address) + MMSHARED  (not the same key)
 *   shared, MAP_SHARED mapping  (shmem object or file mapping, page index, offset)
 * so two processes sharing a MAP_SHARED page meet on the same key, as two
 * threads of one mm do on any.
 *
 * Waiters are struct futex_q on the waiter's kernel stack, in a hash of
 * buckets (Linux: futex_hash_bucket). The bucket lock is taken around
 * every change of a chain. The waiter queues itself, unlocks, then sleeps:
 * every futex call runs under the big kernel lock (kernel/smp_lock.h),
 * which the waiter gives up only inside schedule(), asleep, so no waker
 * comes in between. Without that lock the state must be set to sleeping
 * before the unlock (Linux: futex_wait_queue's set_current_state under
 * hb->lock).
 */
#include <kernel/futex.h>
#include <kernel/sched.h>
#include <kernel/kernel.h>
#include <kernel/errno.h>
#include <kernel/spinlock.h>
#include <lib/list.h>
#include <arch/x86_64/uaccess.h>
#include <arch/x86_64/time.h>
#include <mm/mm.h>
#include <fs/fs.h>

struct timespec {
	long tv_sec, tv_nsec;
};

#define FUT_OFF_MMSHARED	2	/* a shared futex in a private mapping */

struct futex_key {
	void *ptr;		/* mm, or the shmem object / file mapping */
	unsigned long word;	/* the address, or the page index */
	unsigned int offset;	/* offset in the page, plus FUT_OFF_MMSHARED */
};

struct futex_q {
	struct list_head list;	/* in its bucket; empty once woken */
	struct task_struct *task;
	struct futex_key key;
	u32 bitset;
};

#define FUTEX_HASH_BITS	6

struct futex_hash_bucket {
	spinlock_t lock;
	struct list_head chain;
};

static struct futex_hash_bucket futex_queues[1 << FUTEX_HASH_BITS];

static struct futex_hash_bucket *hash_futex(const struct futex_key *key)
{
	unsigned long h = (unsigned long)key->ptr ^ (key->word * 0x9e3779b97f4a7c15UL) ^ key->offset;

	return &futex_queues[(h >> 7 ^ h >> 19) & ((1 << FUTEX_HASH_BITS) - 1)];
}

static bool futex_match(const struct futex_key *a, const struct futex_key *b)
{
	return a->ptr == b->ptr && a->word == b->word && a->offset == b->offset;
}

/* Called lazily: the buckets' list heads need an init before first use. */
static void futex_init_once(void)
{
	static bool done;

	if (done)
		return;
	for (int i = 0; i < (1 << FUTEX_HASH_BITS); i++) {
		spin_lock_init(&futex_queues[i].lock);
		INIT_LIST_HEAD(&futex_queues[i].chain);
	}
	done = true;
}

/*
 * The key of the word at uaddr (Linux: get_futex_key): EINVAL if it is
 * not 4-byte aligned, EFAULT if it is not in user space or, for a shared
 * futex, not in any mapping.
 */
static int get_futex_key(u32 *uaddr, bool shared, struct futex_key *key)
{
	unsigned long address = (unsigned long)uaddr;
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;

	if (address % sizeof(u32))
		return -EINVAL;
	if (!access_ok(address, sizeof(u32)))
		return -EFAULT;
	if (!shared) {
		*key = (struct futex_key){ mm, address, 0 };
		return 0;
	}
	/* The VMA is read under mmap_lock (Linux finds the page with GUP, which takes it). */
	mmap_read_lock(mm);
	vma = find_vma(mm, address);
	if (!vma || vma->vm_start > address) {
		mmap_read_unlock(mm);
		return -EFAULT;
	}
	if (vma->vm_shm || vma->vm_file) {
		void *obj = vma->vm_shm ? (void *)vma->vm_shm : (void *)vma->vm_file->f_mapping;

		/* The page's index in the object (Linux: linear_page_index). */
		unsigned long pgoff = vma->vm_pgoff + ((address - vma->vm_start) >> PAGE_SHIFT);

		*key = (struct futex_key){ obj, pgoff, address % PAGE_SIZE };
	} else {
		*key = (struct futex_key){ mm, address, FUT_OFF_MMSHARED };
	}
	mmap_read_unlock(mm);
	return 0;
}

static void futex_queue(struct futex_q *q)
{
	struct futex_hash_bucket *hb = hash_futex(&q->key);

	spin_lock(&hb->lock);
	list_add_tail(&q->list, &hb->chain);
	spin_unlock(&hb->lock);
}

/* Take q off its chain; false if a waker already did (Linux: futex_unqueue). */
static bool futex_unqueue(struct futex_q *q)
{
	struct futex_hash_bucket *hb = hash_futex(&q->key);
	bool queued;

	spin_lock(&hb->lock);
	queued = !list_empty(&q->list);
	if (queued)
		list_del_init(&q->list);
	spin_unlock(&hb->lock);
	return queued;
}

/* Under hb->lock: unqueue and wake (Linux: futex_wake_mark). */
static void futex_wake_mark(struct futex_q *q)
{
	list_del_init(&q->list);
	wake_up_process(q->task);
}

static long futex_wait_restart(struct restart_block *restart);

/*
 * FUTEX_WAIT(_BITSET): sleep while *uaddr == val, until a wake whose bitset
 * meets ours, the absolute deadline (ns, CLOCK_MONOTONIC; 0 = none) or a
 * signal. EAGAIN if the word differs, ETIMEDOUT, and on a signal
 * ERESTARTSYS (restarted under SA_RESTART) or, with a deadline,
 * ERESTART_RESTARTBLOCK: a handler sees EINTR, otherwise the wait goes on
 * to the same deadline (Linux: futex_wait).
 */
static long futex_wait(u32 *uaddr, bool shared, u32 val, u64 deadline, u32 bitset)
{
	struct futex_q q = { .task = current, .bitset = bitset };
	struct restart_block *restart;
	u32 uval;
	int err;

	if (!bitset)
		return -EINVAL;
	err = get_futex_key(uaddr, shared, &q.key);
	if (err)
		return err;
	if (get_user(uval, uaddr))
		return -EFAULT;
	if (uval != val)
		return -EAGAIN;
	INIT_LIST_HEAD(&q.list);
	futex_queue(&q);
	for (;;) {
		u64 now = ktime_get_ns();

		if (list_empty(&q.list))
			return 0;		/* woken */
		if (deadline && now >= deadline)
			return futex_unqueue(&q) ? -ETIMEDOUT : 0;
		if (sleep_on(&q, deadline ? deadline - now : 0))
			break;			/* a signal */
	}
	if (!futex_unqueue(&q))
		return 0;			/* a wake came with the signal: it wins */
	if (!deadline)
		return -ERESTARTSYS;
	restart = &current->restart_block;
	restart->fn = futex_wait_restart;
	restart->expires = deadline;
	restart->futex.uaddr = uaddr;
	restart->futex.val = val;
	restart->futex.bitset = bitset;
	restart->futex.shared = shared;
	return -ERESTART_RESTARTBLOCK;
}

static long futex_wait_restart(struct restart_block *restart)
{
	restart->fn = do_no_restart_syscall;
	return futex_wait(restart->futex.uaddr, restart->futex.shared, restart->futex.val,
			  restart->expires, restart->futex.bitset);
}

/*
 * Wake up to nr_wake waiters of key whose bitset meets bitset. Like Linux,
 * nr_wake <= 0 still wakes one (the count is checked after each wake).
 */
static int futex_wake_key(const struct futex_key *key, int nr_wake, u32 bitset)
{
	struct futex_hash_bucket *hb = hash_futex(key);
	struct futex_q *this, *next;
	int ret = 0;

	spin_lock(&hb->lock);
	list_for_each_entry_safe(this, next, &hb->chain, list) {
		if (!futex_match(&this->key, key) || !(this->bitset & bitset))
			continue;
		futex_wake_mark(this);
		if (++ret >= nr_wake)
			break;
	}
	spin_unlock(&hb->lock);
	return ret;
}

/* FUTEX_WAKE(_BITSET): how many were woken (Linux: futex_wake). */
static long futex_wake(u32 *uaddr, bool shared, int nr_wake, u32 bitset)
{
	struct futex_key key;
	int err;

	if (!bitset)
		return -EINVAL;
	err = get_futex_key(uaddr, shared, &key);
	if (err)
		return err;
	return futex_wake_key(&key, nr_wake, bitset);
}

/*
 * FUTEX_REQUEUE and FUTEX_CMP_REQUEUE (cmpval): wake nr_wake waiters of
 * uaddr1 and move up to nr_requeue others to uaddr2; CMP_ first checks
 * that *uaddr1 is *cmpval (EAGAIN). Returns the woken plus the requeued
 * (Linux: futex_requeue, not the PI part). Both chains' locks are held
 * while waiters move: the lower bucket first (Linux: double_lock_hb).
 */
static long futex_requeue(u32 *uaddr1, bool shared, u32 *uaddr2, int nr_wake, int nr_requeue,
			  const u32 *cmpval)
{
	struct futex_key key1, key2;
	struct futex_hash_bucket *hb1, *hb2;
	struct futex_q *this, *next;
	int task_count = 0, err;

	if (nr_wake < 0 || nr_requeue < 0)
		return -EINVAL;
	err = get_futex_key(uaddr1, shared, &key1);
	if (!err)
		err = get_futex_key(uaddr2, shared, &key2);
	if (err)
		return err;
	if (cmpval) {
		u32 curval;

		if (get_user(curval, uaddr1))
			return -EFAULT;
		if (curval != *cmpval)
			return -EAGAIN;
	}
	hb1 = hash_futex(&key1);
	hb2 = hash_futex(&key2);
	spin_lock(hb1 < hb2 ? &hb1->lock : &hb2->lock);
	if (hb1 != hb2)
		spin_lock(hb1 < hb2 ? &hb2->lock : &hb1->lock);
	list_for_each_entry_safe(this, next, &hb1->chain, list) {
		if (task_count - nr_wake >= nr_requeue)
			break;
		if (!futex_match(&this->key, &key1))
			continue;
		if (++task_count <= nr_wake) {
			futex_wake_mark(this);
			continue;
		}
		/* Linux: requeue_futex; the waiter's key changes with its chain. */
		list_del(&this->list);
		this->key = key2;
		list_add_tail(&this->list, &hb2->chain);
	}
	if (hb1 != hb2)
		spin_unlock(hb1 < hb2 ? &hb2->lock : &hb1->lock);
	spin_unlock(hb1 < hb2 ? &hb1->lock : &hb2->lock);
	return task_count;
}

#define FUTEX_OP_SET		0	/* *uaddr2 = oparg */
#define FUTEX_OP_ADD		1	/* *uaddr2 += oparg */
#define FUTEX_OP_OR		2	/* *uaddr2 |= oparg */
#define FUTEX_OP_ANDN		3	/* *uaddr2 &= ~oparg */
#define FUTEX_OP_XOR		4	/* *uaddr2 ^= oparg */
#define FUTEX_OP_OPARG_SHIFT	8	/* oparg is 1 << oparg */

static int sign_extend12(u32 v)
{
	return (int)(v << 20) >> 20;
}

/*
 * WAKE_OP's operation on *uaddr: the new value is stored, then the old one
 * compared with cmparg; returns the comparison (0 or 1), -EFAULT, or
 * -ENOSYS for an unknown op or comparison (Linux: futex_atomic_op_inuser;
 * an unknown comparison comes after the store, as there). A locked
 * cmpxchg loop: a thread on another CPU may change the word meanwhile
 * with its own atomic instructions, and neither update may be lost.
 */
static int futex_atomic_op_inuser(u32 encoded_op, u32 *uaddr)
{
	unsigned int op = (encoded_op & 0x70000000) >> 28;
	unsigned int cmp = (encoded_op & 0x0f000000) >> 24;
	int oparg = sign_extend12((encoded_op & 0x00fff000) >> 12);
	int cmparg = sign_extend12(encoded_op & 0x00000fff);
	u32 oldval, newval;

	if (encoded_op & (FUTEX_OP_OPARG_SHIFT << 28))
		oparg = 1 << (oparg & 31);	/* Linux masks a shift out of 0..31 */
	if (!access_ok((unsigned long)uaddr, sizeof(u32)))
		return -EFAULT;
	if (op > FUTEX_OP_XOR)
		return -ENOSYS;
	if (get_user(oldval, uaddr))
		return -EFAULT;
	for (;;) {
		u32 found;

		switch (op) {
		case FUTEX_OP_SET: newval = oparg; break;
		case FUTEX_OP_ADD: newval = oldval + oparg; break;
		case FUTEX_OP_OR: newval = oldval | oparg; break;
		case FUTEX_OP_ANDN: newval = oldval & ~oparg; break;
		default: newval = oldval ^ oparg; break;	/* FUTEX_OP_XOR */
		}
		if (futex_atomic_cmpxchg_inatomic(&found, uaddr, oldval, newval))
			return -EFAULT;
		if (found == oldval)
			break;
		oldval = found;
	}
	switch (cmp) {
	case 0: return (int)oldval == cmparg;
	case 1: return (int)oldval != cmparg;
	case 2: return (int)oldval < cmparg;
	case 3: return (int)oldval <= cmparg;
	case 4: return (int)oldval > cmparg;
	case 5: return (int)oldval >= cmparg;
	default: return -ENOSYS;
	}
}

/* FUTEX_WAKE_OP: the operation on *uaddr2, then wake nr_wake of uaddr1 and, if it compared true, nr_wake2 of uaddr2. */
static long futex_wake_op(u32 *uaddr1, bool shared, u32 *uaddr2, int nr_wake, int nr_wake2, u32 op)
{
	struct futex_key key1, key2;
	int err, op_ret, ret;

	err = get_futex_key(uaddr1, shared, &key1);
	if (!err)
		err = get_futex_key(uaddr2, shared, &key2);
	if (err)
		return err;
	op_ret = futex_atomic_op_inuser(op, uaddr2);
	if (op_ret < 0)
		return op_ret;
	ret = futex_wake_key(&key1, nr_wake, FUTEX_BITSET_MATCH_ANY);
	if (op_ret > 0)
		ret += futex_wake_key(&key2, nr_wake2, FUTEX_BITSET_MATCH_ANY);
	return ret;
}

long do_futex(u32 *uaddr, int op, u32 val, u64 *timeout, u32 *uaddr2, u32 val2, u32 val3)
{
	int cmd = op & FUTEX_CMD_MASK;
	bool shared = !(op & FUTEX_PRIVATE_FLAG);

	futex_init_once();
	if ((op & FUTEX_CLOCK_REALTIME) && cmd != FUTEX_WAIT_BITSET && cmd != FUTEX_WAIT_REQUEUE_PI &&
	    cmd != FUTEX_LOCK_PI2)
		return -ENOSYS;
	switch (cmd) {
	case FUTEX_WAIT:
		val3 = FUTEX_BITSET_MATCH_ANY;
		/* fallthrough */
	case FUTEX_WAIT_BITSET:
		return futex_wait(uaddr, shared, val, timeout ? *timeout : 0, val3);
	case FUTEX_WAKE:
		val3 = FUTEX_BITSET_MATCH_ANY;
		/* fallthrough */
	case FUTEX_WAKE_BITSET:
		return futex_wake(uaddr, shared, (int)val, val3);
	case FUTEX_REQUEUE:
		return futex_requeue(uaddr, shared, uaddr2, (int)val, (int)val2, NULL);
	case FUTEX_CMP_REQUEUE:
		return futex_requeue(uaddr, shared, uaddr2, (int)val, (int)val2, &val3);
	case FUTEX_WAKE_OP:
		return futex_wake_op(uaddr, shared, uaddr2, (int)val, (int)val2, val3);
	}
	return -ENOSYS;		/* FUTEX_FD, the PI operations */
}

static bool futex_cmd_has_timeout(int cmd)
{
	return cmd == FUTEX_WAIT || cmd == FUTEX_LOCK_PI || cmd == FUTEX_LOCK_PI2 ||
	       cmd == FUTEX_WAIT_BITSET || cmd == FUTEX_WAIT_REQUEUE_PI;
}

/*
 * futex(uaddr, op, val, utime, uaddr2, val3). utime is a timeout for the
 * waits (FUTEX_WAIT: relative; WAIT_BITSET: absolute, CLOCK_MONOTONIC, or
 * CLOCK_REALTIME with FUTEX_CLOCK_REALTIME, the same clock here since the
 * wall clock starts at 0 at boot), and otherwise the number val2
 * (Linux: SYSCALL_DEFINE6(futex), futex_init_timeout).
 */
long sys_futex(u32 *uaddr, int op, u32 val, const struct timespec *utime, u32 *uaddr2, u32 val3)
{
	int cmd = op & FUTEX_CMD_MASK;
	u64 t, *tp = NULL;

	if (utime && futex_cmd_has_timeout(cmd)) {
		struct timespec ts;

		if (copy_from_user(&ts, utime, sizeof(ts)))
			return -EFAULT;
		if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (long)NSEC_PER_SEC)
			return -EINVAL;
		t = (u64)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
		if (cmd == FUTEX_WAIT)
			t += ktime_get_ns();
		if (!t)
			t = 1;		/* an absolute time of 0 has passed; 0 means "none" below */
		tp = &t;
	}
	return do_futex(uaddr, op, val, tp, uaddr2, (u32)(unsigned long)utime, val3);
}
