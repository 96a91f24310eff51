/* cli/cmd_release.c - the `release` command: parse and check the arguments, then the plan's run
 * and rendering that `assign` uses (cli_assign_run in cli/cmd_assign.c; with --api the same
 * fetch, plan and PUT with the digest, cli/api_assign.c).  Must not contain planning logic. */
#include <getopt.h>
#include <stdbool.h>
#include <string.h>

#include "assign/assign.h"
#include "cli/api.h"
#include "cli/cli.h"

int cli_cmd_release(struct cli_ctx *ctx, int argc, char **argv)
{
	enum { O_SLOT = 256, O_DEVICE, O_ALL, O_DRY, O_API, O_TIMEOUT, O_FORMAT };
	static const struct option opts[] = {
	        {"slot", required_argument, NULL, O_SLOT},
	        {"device", required_argument, NULL, O_DEVICE},
	        {"all", no_argument, NULL, O_ALL},
	        {"dry-run", no_argument, NULL, O_DRY},
	        {"api", no_argument, NULL, O_API},
	        {"lock-timeout", required_argument, NULL, O_TIMEOUT},
	        {"format", required_argument, NULL, O_FORMAT},
	        CLI_API_OPTIONS,
	        {NULL, 0, NULL, 0},
	};
	struct assign_request req;
	struct settings_api_overrides over = {0};
	bool dry_run = false, use_api = false;
	int c, whats = 0, timeout_s = ASSIGN_LOCK_TIMEOUT_MS / 1000;

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
		case O_DRY: dry_run = true; break;
		case O_API: use_api = true; break;
		case O_TIMEOUT:
			if (cli_arg_seconds(ctx, "release", "--lock-timeout", optarg, &timeout_s))
				return CLI_EXIT_USAGE;
			break;
		case O_FORMAT:
			if (cli_set_format(ctx, optarg,
			                   1u << CLI_FORMAT_TEXT | 1u << CLI_FORMAT_JSON))
				return CLI_EXIT_USAGE;
			break;
		case ':':
			return cli_usage_error(ctx, "release", _("option %s needs a value"),
			                       argv[optind - 1]);
		default:
			if (cli_api_option(&over, c, optarg))
				break;
			return cli_unknown_option(ctx, "release", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return cli_usage_error(ctx, "release", _("which VM? give its VMID"));
	if (cli_arg_vmid(ctx, "release", argv[optind], &req.vmid))
		return CLI_EXIT_USAGE;
	if (optind + 1 < argc)
		return cli_usage_error(ctx, "release", _("unexpected argument '%s'"),
		                       argv[optind + 1]);
	if (whats != 1)
		return cli_usage_error(ctx, "release",
		                       _("give exactly one of --slot, --device, --all"));
	if (ctx->format != CLI_FORMAT_TEXT && ctx->format != CLI_FORMAT_JSON)
		return cli_usage_error(ctx, "release", _("--format: text or json"));
	if (!use_api && (over.url || over.token_file || over.fingerprint || over.ca_file))
		return cli_usage_error(ctx, "release", _("the --api-* options go with --api"));
	return cli_assign_run(ctx, "release", &req, dry_run, timeout_s, use_api ? &over : NULL);
}
