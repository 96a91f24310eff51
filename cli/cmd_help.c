/* cli/cmd_help.c - `help [COMMAND]`: the command list (cli_usage_print, from the command table),
 * or one command's help, which `COMMAND --help` prints too.  Reads the table only. */
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "cli/table.h"

void cli_help_print(FILE *out, const struct cli_command *c)
{
	char *summary = NULL;

	cli_help_usage_print(out, c->help.usage);
	/* TRANSLATORS: %s is the command's summary, a sentence without its full stop */
	if (asprintf(&summary, _("\n%s.\n"), _(c->help.summary)) >= 0)
		cli_text_wrap(out, summary, 0, 0, CLI_HELP_WIDTH);
	free(summary);
	if (c->help.options) {
		fprintf(out, "%s", _("\nOptions:\n"));
		cli_help_options_print(out, c->help.options);
	}
	fprintf(out, "%s",
	        _("\nGlobal options (before or after the command): --root DIR, --node NAME, "
	          "--config FILE,\n--format F, -t SEC, --color WHEN, -q, -v; see "
	          "pve-passthrough --help.\nSee pve-passthrough(8) for details.\n"));
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
		return cli_unknown_command(ctx, NULL, cli_commands, cli_n_commands, argv[1]);
	cli_help_print(stdout, c);
	return CLI_EXIT_OK;
}
