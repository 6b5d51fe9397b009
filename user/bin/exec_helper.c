/*
 * exec_helper.c - /bin/exec_helper, the program the execve test runs.
 *
 *   exec_helper CODE [PID]
 *
 * Checks what a freshly exec'd image must see and exits with CODE if all
 * is well, or with a distinct code in 100..106 that names the first
 * thing that was wrong:
 *   100 wrong argc        101 .data not loaded      102 .bss not zero
 *   103 env missing       104 getpid() != PID       105 argv[0] not a path
 *   106 a big .bss array not zero (checks the last page, not just the first)
 */
#include "ulib.h"

static int data_marker = 0x5a5a1234;            /* must come from the file */
static long bss_marker;                         /* must be zero-filled */
static char bss_big[3 * 4096 + 100];            /* spans several pages */

int main(int argc, char **argv, char **envp)
{
	int env_ok = 0;

	if (argc < 2 || argc > 3)
		return 100;
	if (data_marker != 0x5a5a1234)
		return 101;
	if (bss_marker != 0)
		return 102;
	for (char **e = envp; *e; e++)
		if (!strcmp(*e, "PAGODA_EXEC=1"))
			env_ok = 1;
	if (!env_ok)
		return 103;
	if (argc == 3 && sys_getpid() != strtol(argv[2], NULL, 10))
		return 104;
	if (!strchr(argv[0], '/'))
		return 105;
	for (size_t i = 0; i < sizeof(bss_big); i++)
		if (bss_big[i])
			return 106;
	printf("# exec_helper: argc=%d argv[0]=%s pid=%ld, exiting %s\n",
	       argc, argv[0], sys_getpid(), argv[1]);
	return (int)strtol(argv[1], NULL, 10);
}
