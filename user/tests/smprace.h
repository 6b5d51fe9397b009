/*
 * smprace.h - the writer thread of smp_munmap_race and smp_mprotect_race
 * (not a test itself).
 *
 * The writer runs on a CPU of its own and, each round, stores
 *
 *	words[seq % nwords] = RACE_MARK | seq;   then   count = seq;
 *
 * for seq = 1, 2, ... until a store faults.  The main thread, on another
 * CPU, waits for count to pass a seeded threshold, takes the mapping away
 * (munmap, or mprotect to read-only), and reads count (S) as soon as the
 * call returns.  The SIGSEGV handler records si_addr, si_code and count
 * (F) and leaves through jmp_restore.  Since each count store follows its
 * word's store, F <= S + 1 for every kernel that flushed the writer's TLB
 * before the call returned: F > S + 1 means a store landed after it.
 * And at the fault the words hold exactly what stores 1..F wrote.
 *
 * A round that never faults stops after RACE_MAX_WRITES stores (the
 * writer reports it), and every wait has SMP_WAIT_CAP_NS: no hang.
 */
#ifndef SMPRACE_H
#define SMPRACE_H

#include "smptest.h"

#define RACE_MARK		0x5772697400000000UL	/* "Writ" in the high half, seq in the low */
#define RACE_MAX_WRITES		(1L << 26)

struct race {
	volatile unsigned long *words;	/* this round's target (main sets it) */
	volatile long nwords;
	volatile int cpu;		/* the writer's CPU this round */
	volatile long round;		/* main: start round r */
	volatile long count;		/* writer: the last store that completed */
	volatile long done;		/* writer: round r is over (faulted or not) */
	volatile long faulted;		/* writer: 1 if round done ended in SIGSEGV */
	volatile unsigned long fault_addr;
	volatile int fault_code;
	volatile long fault_count;	/* count when the fault came: F */
	volatile long pin_err;		/* the writer's last pin_to_cpu failure */
	volatile int abort;		/* main gave up: the writer returns */
	volatile int tid;
	int rounds;
};

static struct race race;
static struct jmp_state race_jmp;

/* SIGSEGV: in the writer, record the fault and go back to its round loop. */
static void race_on_segv(int sig, struct k_siginfo *si, void *uc)
{
	(void)sig; (void)uc;
	if (sys_gettid() != race.tid) {
		printf("# SIGSEGV in thread %ld, not the writer, at %p\n", sys_gettid(), si->si_addr);
		sys_exit_group(3);
	}
	race.fault_addr = (unsigned long)si->si_addr;
	race.fault_code = si->si_code;
	race.fault_count = race.count;
	jmp_restore(&race_jmp, 1);
}

/* One round's stores; returns only if none faulted. */
static void race_store_loop(void)
{
	volatile unsigned long *w = race.words;
	long n = race.nwords;

	for (long seq = 1; seq <= RACE_MAX_WRITES && !race.abort; seq++) {
		w[seq % n] = RACE_MARK | (unsigned long)seq;
		race.count = seq;
	}
}

static int race_writer(void *arg)
{
	(void)arg;
	race.tid = (int)sys_gettid();
	for (volatile long r = 1; r <= race.rounds; r++) {
		long err;

		if (!wait_until(&race.round, r, &race.abort))
			return 1;
		err = pin_to_cpu(race.cpu);
		if (err)
			race.pin_err = err;
		race.faulted = 0;
		if (jmp_save(&race_jmp) == 0)
			race_store_loop();
		else
			race.faulted = 1;
		race.done = r;
	}
	return 0;
}

/* The writer's CPU in round r: 1, 2, ..., cpus - 1 in turn (main is on CPU 0). */
static inline int race_writer_cpu(long r, int cpus)
{
	return cpus > 1 ? 1 + (int)(r % (cpus - 1)) : 0;
}

/* Start the writer for rounds rounds, with main pinned to CPU 0; its tid or -errno. */
static long race_start(int rounds, int *ctid)
{
	long tid;

	race.rounds = rounds;
	race.cpu = 1;
	if (sigaction_nodefer(SIGSEGV, race_on_segv) < 0)
		return -EINVAL;
	tid = thread_start(race_writer, NULL, ctid);
	if (tid > 0)
		race.tid = (int)tid;
	return tid;
}

/* Stop the writer (if a round failed, abort) and join it. */
static inline void race_stop(int *ctid)
{
	race.abort = 1;
	race.round = race.rounds + 1;
	thread_join(ctid);
}

#endif /* SMPRACE_H */
