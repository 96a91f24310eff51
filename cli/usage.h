/* cli/usage.h - which VM configs of this node name a PCI device (status's `used_by`). */
#ifndef PP_CLI_USAGE_H
#define PP_CLI_USAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "cli/cli.h"
#include "policy/policy.h"
#include "sysfs/host.h"

/* One mention of a device in a VM config. */
struct cli_use {
	char bdf[SYSFS_BDF_LEN]; /* the device named (an "All Functions" or mapped entry is
				    expanded to every device it covers) */
	unsigned vmid;
	char section[80]; /* "main", "pending" or "snapshot:<name>" (docs/cli.md) */
	char key[16];     /* "hostpci0" */
	bool running;     /* the VM runs, as docs/cli.md defines running */
};

struct cli_usage {
	struct cli_use *uses; /* sorted by bdf, then vmid, section, key */
	size_t n;
};

/* Collects the uses of the devices of h by the VM configs of ctx's node.  0 or -errno with a
 * message.  Free with cli_usage_free(). */
int cli_usage_collect(const struct cli_ctx *ctx, const struct sysfs_host *h, struct cli_usage *out,
                      struct util_err *e);
/* The same from a node model's policy input (in->host, in->node; status --api).  0 or -ENOMEM. */
int cli_usage_from_input(const struct policy_input *in, struct cli_usage *out, struct util_err *e);
void cli_usage_free(struct cli_usage *u);

/* The uses of one device: *first (index into u->uses) and the count. */
size_t cli_usage_of(const struct cli_usage *u, const char *bdf, size_t *first);

#endif
