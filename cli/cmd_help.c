/* cli/cmd_help.c - `help [COMMAND]`: the command list (cli_usage_print, from the command table),
 * or one command's help, which `COMMAND --help` prints too.  Reads the table only. */
#include <stdio.h>

#include "cli/cli.h"

void cli_help_print(FILE *out, const struct cli_command *c)
{
	fprintf(out, "usage: pve-passthrough %s\n%s\nSee pve-passthrough(8) for details.\n",
	        c->help.usage, c->help.summary);
}

int cli_cmd_help(struct cli_ctx *ctx, int argc, char **argv)
{
	const struct cli_command *c;

	if (argc < 2) {
		cli_usage_print(stdout);
		return CLI_EXIT_OK;
	}
	c = cli_command_find(argv[1]);
	if (!c)
		return cli_usage_error(ctx, NULL, "unknown command '%s'", argv[1]);
	cli_help_print(stdout, c);
	return CLI_EXIT_OK;
}
