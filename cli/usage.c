/* cli/usage.c - the VM side of `status`: which VM configs name each device (used_by).
 * Lives in cli/ because it joins the two halves that the modules keep apart: sysfs/ (devices)
 * and pveconf/ (VM configs, running VMs).  Must not print. */
#include "cli/usage.h"

#include <stdlib.h>
#include <string.h>

int cli_usage_collect(const struct cli_ctx *ctx, const struct sysfs_host *h, struct cli_usage *out,
                      struct util_err *e)
{
	(void)ctx;
	(void)h;
	(void)e;
	/* The VM-config side (pveconf/vmconf.h, pveconf/hostpci.h, running-VM detection) is built
	 * on other branches; this function is filled in when those are merged.  Until then no
	 * device has a user, and status lists used_by as []. */
	out->uses = NULL;
	out->n = 0;
	return 0;
}

void cli_usage_free(struct cli_usage *u)
{
	free(u->uses);
	u->uses = NULL;
	u->n = 0;
}

size_t cli_usage_of(const struct cli_usage *u, const char *bdf, size_t *first)
{
	size_t i = 0, n = 0;

	while (i < u->n && strcmp(u->uses[i].bdf, bdf) != 0)
		i++;
	*first = i;
	while (i + n < u->n && strcmp(u->uses[i + n].bdf, bdf) == 0)
		n++;
	return n;
}
