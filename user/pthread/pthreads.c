/*
 * pthreads.c - an ordinary threaded C program, built twice: against glibc
 * (gcc -static -pthread -> /tests/pthread_glibc) and against musl
 * (musl-gcc -static -> /tests/pthread_musl). glibc's pthread_create uses
 * clone3, musl's clone, both with CLONE_VM | CLONE_FS | CLONE_FILES |
 * CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM | CLONE_SETTLS |
 * CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID; pthread_join waits on the
 * CHILD_CLEARTID futex, mutexes and condition variables on futexes.
 *
 * NTHREADS threads start and wait on a condition variable until main
 * broadcasts "go"; each adds to a counter under a mutex ITERS times,
 * keeps its own __thread variable (its TLS, CLONE_SETTLS), and returns
 * its tid. main joins them and checks the sum, the tids (distinct, none
 * the pid), getpid() in each (the pid) and the TLS values. Then:
 * pthread_kill (tgkill) runs a handler in the thread it names; ROUNDS
 * more rounds of create and join; DETACHED detached threads that exit on
 * their own (musl unmaps the stack it runs on, then calls exit). Prints
 * TAP comment lines; exits 0 only if every check holds.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

#define NTHREADS	4
#define ITERS		20000
#define ROUNDS		25
#define DETACHED	8

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int started, go;
static long counter;
static __thread long tls_value;

struct result {
	long tid, pid, tls;
};

static struct result results[NTHREADS];

static void *worker(void *arg)
{
	long i = (long)arg;

	tls_value = 1000 + i;
	pthread_mutex_lock(&lock);
	started++;
	pthread_cond_broadcast(&cond);
	while (!go)
		pthread_cond_wait(&cond, &lock);
	pthread_mutex_unlock(&lock);
	for (int n = 0; n < ITERS; n++) {
		pthread_mutex_lock(&lock);
		counter++;
		pthread_mutex_unlock(&lock);
		if (n % 1000 == 0)
			sched_yield();
	}
	results[i].tid = syscall(SYS_gettid);
	results[i].pid = getpid();
	results[i].tls = tls_value;
	return (void *)results[i].tid;
}

static int failures;

/* ---- pthread_kill: the handler runs in the named thread ---- */

static volatile long handler_tid, target_tid;
static int target_stop;

static void on_usr1(int sig)
{
	(void)sig;
	handler_tid = syscall(SYS_gettid);
}

static void *target(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock);
	target_tid = syscall(SYS_gettid);
	pthread_cond_broadcast(&cond);
	while (!target_stop)
		pthread_cond_wait(&cond, &lock);
	pthread_mutex_unlock(&lock);
	return NULL;
}

static int check_pthread_kill(void)
{
	pthread_t th;
	int ok;

	signal(SIGUSR1, on_usr1);
	if (pthread_create(&th, NULL, target, NULL))
		return 0;
	pthread_mutex_lock(&lock);
	while (!target_tid)
		pthread_cond_wait(&cond, &lock);
	pthread_mutex_unlock(&lock);
	ok = pthread_kill(th, SIGUSR1) == 0;
	while (!handler_tid)
		sched_yield();
	pthread_mutex_lock(&lock);
	target_stop = 1;
	pthread_cond_broadcast(&cond);
	pthread_mutex_unlock(&lock);
	ok &= pthread_join(th, NULL) == 0;
	return ok && handler_tid == target_tid;
}

/* ---- many short threads, joined or detached ---- */

static long round_sum, detached_done;

static void *adder(void *arg)
{
	pthread_mutex_lock(&lock);
	round_sum += (long)arg;
	pthread_mutex_unlock(&lock);
	return arg;
}

static void *detached(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock);
	detached_done++;
	pthread_cond_broadcast(&cond);
	pthread_mutex_unlock(&lock);
	return NULL;
}

static int check_rounds(void)
{
	long expect = 0, got = 0;

	for (int r = 0; r < ROUNDS; r++) {
		pthread_t th[NTHREADS];
		void *ret;

		for (long i = 0; i < NTHREADS; i++) {
			if (pthread_create(&th[i], NULL, adder, (void *)(r * 10 + i + 1)))
				return 0;
			expect += r * 10 + i + 1;
		}
		for (int i = 0; i < NTHREADS; i++) {
			if (pthread_join(th[i], &ret))
				return 0;
			got += (long)ret;
		}
	}
	printf("# %d rounds of %d threads: sum %ld, returned %ld, expected %ld\n", ROUNDS, NTHREADS,
	       round_sum, got, expect);
	return round_sum == expect && got == expect;
}

static int check_detached(void)
{
	pthread_attr_t attr;
	pthread_t th;

	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	for (int i = 0; i < DETACHED; i++)
		if (pthread_create(&th, &attr, detached, NULL))
			return 0;
	pthread_attr_destroy(&attr);
	pthread_mutex_lock(&lock);
	while (detached_done < DETACHED)
		pthread_cond_wait(&cond, &lock);
	pthread_mutex_unlock(&lock);
	return 1;
}

static void check(int cond_ok, const char *what)
{
	printf("#   %s - %s\n", cond_ok ? "ok" : "not ok", what);
	failures += !cond_ok;
}

int main(void)
{
	pthread_t th[NTHREADS];
	void *ret[NTHREADS];
	int created = 0, distinct = 1, pids = 1, tls = 1, rets = 1;

	for (long i = 0; i < NTHREADS; i++)
		created += pthread_create(&th[i], NULL, worker, (void *)i) == 0;
	check(created == NTHREADS, "pthread_create made every thread");
	if (created != NTHREADS)
		return 1;
	pthread_mutex_lock(&lock);
	while (started < NTHREADS)
		pthread_cond_wait(&cond, &lock);
	go = 1;
	pthread_cond_broadcast(&cond);
	pthread_mutex_unlock(&lock);
	check(started == NTHREADS, "every thread signalled the condition variable");

	for (int i = 0; i < NTHREADS; i++)
		rets &= pthread_join(th[i], &ret[i]) == 0;
	check(rets, "pthread_join returned 0 for each");
	check(counter == (long)NTHREADS * ITERS, "the mutex kept the counter exact");
	printf("# counter %ld, expected %ld\n", counter, (long)NTHREADS * ITERS);
	for (int i = 0; i < NTHREADS; i++) {
		pids &= results[i].pid == getpid();
		tls &= results[i].tls == 1000 + i;
		rets &= (long)ret[i] == results[i].tid;
		distinct &= results[i].tid > 0 && results[i].tid != getpid();
		for (int j = 0; j < i; j++)
			distinct &= results[i].tid != results[j].tid;
	}
	check(pids, "getpid() in every thread is the process's");
	check(distinct, "every thread has its own tid, none the pid");
	check(tls, "every thread kept its own __thread variable (CLONE_SETTLS)");
	check(rets, "pthread_join gave each thread's return value");
	check(tls_value == 0, "the main thread's __thread variable is untouched");
	check(check_pthread_kill(), "pthread_kill ran the SIGUSR1 handler in that thread");
	check(check_rounds(), "25 more rounds of pthread_create and pthread_join");
	check(check_detached(), "8 detached threads ran and exited on their own");
	printf("# pthreads: %d threads, %d failure(s)\n", NTHREADS, failures);
	return failures ? 1 : 0;
}
