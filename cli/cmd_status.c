/* cli/cmd_status.c - `status [--all]`: the host as it is (docs/cli.md): display-class devices,
 * SR-IOV PFs and VFs, devices named by VM configs (--all: every PCI device), the iGPU's platform
 * and what it supports, and which VMs use each device.  Reads; never changes anything. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/api.h"
#include "cli/cli.h"
#include "cli/status.h"
#include "cli/usage.h"
#include "sysfs/host.h"

int cli_status_show(struct cli_ctx *ctx, const struct sysfs_host *h, const struct cli_usage *usage,
                    const char *node, bool all, bool table)
{
	struct cli_status_view view = {0};
	bool *shown = calloc(h->n_devices ? h->n_devices : 1, sizeof(*shown));
	int r = 0;

	if (!shown) {
		cli_error(ctx, _("out of memory"));
		return CLI_EXIT_FAIL;
	}
	for (size_t i = 0; i < h->n_devices; i++) {
		const struct sysfs_device *d = &h->devices[i];
		size_t first;

		shown[i] = all || (d->class_code >> 16) == 0x03 || d->role != SYSFS_ROLE_DEVICE ||
		           cli_usage_of(usage, d->bdf, &first) > 0;
	}
	view.host = h;
	view.usage = usage;
	view.shown = shown;
	view.node = node;
	view.table = table;
	view.color = ctx->color;
	if (ctx->format == CLI_FORMAT_JSON)
		r = cli_status_render_json(stdout, &view);
	else
		r = cli_status_render_text(stdout, &view) < 0 ? -EIO : 0;
	free(shown);
	if (r < 0) {
		cli_error(ctx, _("cannot write the output: %s"), strerror(-r));
		return CLI_EXIT_FAIL;
	}
	return CLI_EXIT_OK;
}

int cli_cmd_status(struct cli_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
	        {"all", no_argument, NULL, 'a'},
	        {"table", no_argument, NULL, 't'},
	        {"format", required_argument, NULL, 'f'},
	        {"api", no_argument, NULL, 'A'},
	        {"node", required_argument, NULL, 'n'},
	        CLI_API_OPTIONS,
	        {NULL, 0, NULL, 0},
	};
	struct settings_api_overrides over = {0};
	const char *api_node = NULL;
	bool use_api = false;
	struct cli_usage usage = {0};
	struct util_err e = {0};
	struct sysfs_host *h = NULL;
	bool all = false, table = false;
	int c, r;

	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case 'a': all = true; break;
		case 't': table = true; break;
		case 'A': use_api = true; break;
		case 'n': api_node = optarg; break;
		case 'f':
			if (cli_set_format(ctx, optarg,
			                   1u << CLI_FORMAT_TEXT | 1u << CLI_FORMAT_JSON))
				return CLI_EXIT_USAGE;
			break;
		default:
			if (cli_api_option(&over, c, optarg))
				break;
			return cli_unknown_option(ctx, "status", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error(ctx, "status", _("unexpected argument '%s'"), argv[optind]);
	if (ctx->format != CLI_FORMAT_TEXT && ctx->format != CLI_FORMAT_JSON)
		return cli_usage_error(ctx, "status", _("status writes text or json"));
	if (!use_api &&
	    (api_node || over.url || over.token_file || over.fingerprint || over.ca_file))
		return cli_usage_error(ctx, "status",
		                       _("--node and the --api-* options go with --api"));
	r = cli_text_tables(ctx); /* before anything is read or printed */
	if (r)
		return r;
	if (use_api)
		return cli_api_status(ctx, &over, api_node, all, table);

	r = sysfs_host_read(&ctx->paths, &h, &e);
	if (r < 0) {
		cli_error(ctx, "%s", e.msg);
		return cli_exit_from_errno(r);
	}
	for (size_t i = 0; i < h->n_warnings; i++)
		cli_warn(ctx, "%s", h->warnings[i]);
	r = cli_usage_collect(ctx, h, &usage, &e);
	if (r < 0) {
		cli_error(ctx, "%s", e.msg);
		sysfs_host_free(h);
		return cli_exit_from_errno(r);
	}
	r = cli_status_show(ctx, h, &usage, ctx->node, all, table);
	cli_usage_free(&usage);
	sysfs_host_free(h);
	return r;
}
