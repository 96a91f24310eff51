/* cli/usage.c - the VM side of `status`: which VM configs of this node name each device
 * (used_by).  Gathers the configs like the audit does (cli/gather.c: every section, running
 * state) and expands their hostpci entries with the rules' own expansion (policy_uses_collect),
 * so status and the rules agree on what "00:02", "A;B", mapping= and mdev= cover; the audit's
 * own judgement (policy_evaluate) marks the uses it finds a problem on.  Must not print
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

/* The findings of f on u's entry and device (a finding without a device: on every device of the
 * entry). */
static void use_problems(struct cli_use *u, const struct policy_findings *f)
{
	size_t len = 0;

	u->worst = -1;
	for (size_t i = 0; i < f->n; i++) {
		const struct policy_finding *x = &f->v[i];
		const char *name = policy_rule_get(x->rule)->name;

		if (x->vmid != u->vmid || strcmp(x->key, u->key) ||
		    strcmp(x->section, u->section) || (x->device[0] && strcmp(x->device, u->bdf)) ||
		    strstr(u->problems, name))
			continue;
		len += (size_t)snprintf(u->problems + len, sizeof(u->problems) - len, "%s%s",
		                        len ? ", " : "", name);
		if (len >= sizeof(u->problems))
			len = sizeof(u->problems) - 1;
		if (u->worst < 0 || (int)x->severity > u->worst)
			u->worst = (int)x->severity;
	}
}

int cli_usage_judge(const struct policy_input *in, struct cli_usage *out, struct util_err *e)
{
	struct policy_uses pu = {0};
	struct policy_findings f = {0};
	int r = policy_uses_collect(in, 0, &pu, e);

	out->uses = NULL;
	out->n = 0;
	if (r == 0)
		r = policy_evaluate(in, &f, e);
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
		snprintf(u->mdev, sizeof(u->mdev), "%s",
		         pu.v[i].mdev ? pu.v[i].hp->parsed.mdev : "");
		use_problems(u, &f);
	}
	if (out->n)
		qsort(out->uses, out->n, sizeof(*out->uses), use_cmp);
	policy_uses_free(&pu);
	policy_findings_free(&f);
	if (r < 0)
		cli_usage_free(out);
	return r;
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
	/* the rules' severities; a broken settings file leaves the defaults (audit reports it) */
	if (cli_settings(ctx, &g, e) < 0)
		memset(e, 0, sizeof(*e));
	r = gather_local(&go, &g, e);
	for (size_t i = 0; i < g.n_warnings; i++)
		cli_warn(ctx, "%s", g.warnings[i]);
	if (r == 0)
		r = cli_usage_judge(&g.in, out, e);
	gather_free(&g);
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
