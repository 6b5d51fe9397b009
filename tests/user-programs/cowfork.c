/*
 * cowfork: a user's own program that takes a copy-on-write fault, for the
 * check that `make debug DIR= PROG=cowfork` stops in do_wp_page for this
 * program and no other (tests/gdb_user.sh).  Built like any user program
 * (README, "Running your own program"): nothing here knows about Pagoda.
 *
 * It fills a page, forks, and the child writes to the page it shares with
 * its parent: the child's write is the fault.  The child checks that it
 * sees its own write, the parent that it still sees the old data.
 */
#include "ulib.h"

static char page[4096] __attribute__((aligned(4096)));

int main(void)
{
	int status;
	pid_t pid;

	memset(page, 'p', sizeof(page));        /* the parent's own copy, before the fork */
	pid = fork();
	if (pid < 0) {
		printf("cowfork: fork failed\n");
		return 1;
	}
	if (pid == 0) {
		page[0] = 'c';                  /* the copy-on-write fault */
		_exit(page[0] == 'c' && page[1] == 'p' ? 0 : 2);
	}
	if (waitpid(pid, &status, 0) != pid || status != 0) {
		printf("cowfork: child failed (status %#x)\n", status);
		return 1;
	}
	if (page[0] != 'p') {
		printf("cowfork: the child's write reached the parent\n");
		return 1;
	}
	printf("cowfork: the child wrote its own copy\n");
	return 0;
}
