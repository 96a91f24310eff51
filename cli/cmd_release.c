/* cli/cmd_release.c - the `release` command: parse and check its own arguments; the shared options,
 * the plan's run and its rendering are those of `assign` (cli_change_* in cli/cmd_assign.c; with
 * --api the same fetch, plan and PUT with the digest, cli/api_assign.c).  Must not contain planning
 * logic. */
#include <getopt.h>
#include <stdbool.h>
#include <string.h>

#include "assign/assign.h"
#include "cli/api.h"
#include "cli/cli.h"

int cli_cmd_release(struct cli_ctx *ctx, int argc, char **argv)
{
	enum { O_SLOT = 256, O_DEVICE, O_ALL };
	static const struct option opts[] = {
	        {"slot", required_argument, NULL, O_SLOT},
	        {"device", required_argument, NULL, O_DEVICE},
	        {"all", no_argument, NULL, O_ALL},
	        CLI_CHANGE_OPTIONS,
	        {NULL, 0, NULL, 0},
	};
	struct assign_request req;
	struct cli_change ch;
	int c, r, whats = 0;

	cli_change_init(&ch);
	memset(&req, 0, sizeof(req));
	req.kind = ASSIGN_KIND_RELEASE;
	req.slot = -1;
	req.pcie = PVECONF_UNSET;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case O_SLOT: {
			long v;

			if (cli_arg_long(optarg, 0, PVECONF_HOSTPCI_MAX - 1, &v) < 0)
				return cli_usage_error(ctx, "release", _("--slot '%s': not 0..15"),
				                       optarg);
			req.slot = (int)v;
			req.release = ASSIGN_RELEASE_SLOT;
			whats++;
			break;
		}
		case O_DEVICE:
			if (cli_arg_bdf(optarg, req.device, sizeof(req.device)) < 0)
				return cli_usage_error(
				        ctx, "release",
				        _("--device '%s': not a PCI address (0000:00:02.1)"),
				        optarg);
			req.release = ASSIGN_RELEASE_DEVICE;
			whats++;
			break;
		case O_ALL:
			req.release = ASSIGN_RELEASE_ALL;
			whats++;
			break;
		default:
			if ((r = cli_change_option(ctx, "release", &ch, c, argv)))
				return r;
		}
	}
	return cli_change_run(ctx, "release", &ch, argc, argv, &req, whats,
	                      _("give exactly one of --slot, --device, --all"));
}
