/* cli/entry.c - the installed binary's main(): the program with no test seams.  The cli tests
 * link tests/cli/pp_test_main.c instead, so fault injection never exists in what is installed. */
#include "cli/cli.h"

int main(int argc, char **argv)
{
	return cli_main(argc, argv, NULL);
}
