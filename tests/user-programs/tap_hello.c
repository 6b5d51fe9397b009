/*
 * tap_hello: a user's own program that prints TAP of its own, for the
 * check that `make run-user` shows these lines under the program's result
 * and does not count them as Pagoda's tests (tests/run_user.sh).
 */
#include "ulib.h"

int main(void)
{
	printf("1..3\n");
	printf("ok 1 - tap_hello first\n");
	printf("not ok 2 - tap_hello second\n");       /* counted, it would fail the run */
	printf("# tap_hello: a diagnostic of its own\n");
	printf("ok 3 - tap_hello third\n");
	return 0;
}
