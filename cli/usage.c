/* cli/usage.c - the VM side of `status`: which VM configs of this node name each device
 * (used_by), local or through the API alike.  Gathers the configs like the audit does (gather/:
 * every section, running state) and expands their hostpci entries with the rules' own expansion
 * (policy_uses_collect), so status and the rules agree on what "00:02", "A;B", mapping= and mdev= cover.  Must not print
 * except the gatherer's warnings through cli_warn. */
#include "cli/usage.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gather/gather.h"

static int use_cmp(const void *pa, const void *pb)
{
	const struct cli_use *a = pa, *b = pb;
	int c = strcmp(a->bdf, b->bdf);

	if (c)
		return c;
	if (a->vmid != b->vmid)
		return a->vmid < b->vmid ? -1 : 1;
	/* main, pending, then snapshots by name */
	c = (a->section[0] != 'm') - (b->section[0] != 'm');
	if (!c)
		c = (a->section[0] != 'p') - (b->section[0] != 'p');
	if (!c)
		c = strcmp(a->section, b->section);
	if (c)
		return c;
	/* hostpci2 before hostpci10 */
	if (strlen(a->key) != strlen(b->key))
		return strlen(a->key) < strlen(b->key) ? -1 : 1;
	return strcmp(a->key, b->key);
}

int cli_usage_collect(const struct cli_ctx *ctx, const struct sysfs_host *h, struct cli_usage *out,
                      struct util_err *e)
{
	struct gather_opts go;
	struct gather_node g;
	int r;

	out->uses = NULL;
	out->n = 0;
	/* no node name (a machine without Proxmox): no VM configs, so no users */
	if (!ctx->node[0])
		return 0;
	memset(&g, 0, sizeof(g));
	cli_gather_opts(ctx, 0, &go);
	go.host = h; /* status read it already */
	r = gather_local(&go, &g, e);
	for (size_t i = 0; i < g.n_warnings; i++)
		cli_warn(ctx, "%s", g.warnings[i]);
	if (r == 0)
		r = cli_usage_from_input(&g.in, out, e);
	gather_free(&g);
	return r;
}

int cli_usage_from_input(const struct policy_input *in, struct cli_usage *out, struct util_err *e)
{
	struct policy_uses pu = {0};
	int r = policy_uses_collect(in, &pu, e);

	out->uses = NULL;
	out->n = 0;
	if (r == 0 && pu.n) {
		out->uses = calloc(pu.n, sizeof(*out->uses));
		if (!out->uses)
			r = util_err_set(e, -ENOMEM, _("out of memory"));
	}
	for (size_t i = 0; r == 0 && i < pu.n; i++) {
		struct cli_use *u = &out->uses[out->n++];

		snprintf(u->bdf, sizeof(u->bdf), "%s", pu.v[i].bdf);
		u->vmid = pu.v[i].vm->vmid;
		policy_section_label(pu.v[i].sec, u->section, sizeof(u->section));
		snprintf(u->key, sizeof(u->key), "%s", pu.v[i].hp->key);
		u->running = pu.v[i].vm->running;
	}
	if (out->n)
		qsort(out->uses, out->n, sizeof(*out->uses), use_cmp);
	policy_uses_free(&pu);
	if (r < 0)
		cli_usage_free(out);
	return r;
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
