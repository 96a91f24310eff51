/* tests/cli/pp_test_main.c - main() of the test binary build/tests/pve-passthrough-test: the
 * same program as the installed one, plus the seams the cli tests set through the environment
 * (fault injection in host apply, a guard that hangs).  Only this
 * file reads these variables; the installed binary contains none of them. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

int main(int argc, char **argv)
{
	struct cli_seams s = {0};
	const char *fail = getenv("PVE_PASSTHROUGH_TEST_FAIL_AT");
	const char *stall = getenv("PVE_PASSTHROUGH_TEST_STALL");

	/* "change:N" or "command:N": that step of host apply fails; "kill:N": killed after change N */
	if (fail && strncmp(fail, "change:", 7) == 0)
		s.fail_at_change = atoi(fail + 7);
	else if (fail && strncmp(fail, "kill:", 5) == 0)
		s.kill_at_change = atoi(fail + 5);
	else if (fail && strncmp(fail, "command:", 8) == 0)
		s.fail_at_command = atoi(fail + 8);
	s.stall_guard = stall && strcmp(stall, "guard") == 0;
	s.stall_command = stall && strcmp(stall, "command") == 0;
	return cli_main(argc, argv, &s);
}
