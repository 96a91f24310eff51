/* cli/status.h - internal to cli/: what `status` shows, and its two renderers. */
#ifndef PP_CLI_STATUS_H
#define PP_CLI_STATUS_H

#include <stdbool.h>
#include <stdio.h>

#include "cli/cli.h"
#include "cli/usage.h"
#include "sysfs/host.h"

struct cli_status_view {
	const struct sysfs_host *host;
	const struct cli_usage *usage;
	const bool *shown; /* per host->devices[i] */
	const char *node;  /* "" when unknown */
};

void cli_status_render_text(FILE *out, const struct cli_status_view *v);
/* 0, or -ENOMEM */
int cli_status_render_json(FILE *out, const struct cli_status_view *v);
/* Prints the status of h in ctx's format (text or JSON): display-class devices, PFs and VFs,
 * the devices usage names (all: every device).  The local status and status --api alike.
 * Returns the exit status. */
int cli_status_show(struct cli_ctx *ctx, const struct sysfs_host *h, const struct cli_usage *usage,
                    const char *node, bool all);

#endif
