/* cli/audit.c - `audit`: every rule over the VM configs of this node (or of every node with
 * --cluster; hardware rules only for this node) and over this host, in text, JSON, Prometheus or
 * Nagios form.  Reads only. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/findings.h"
#include "cli/gather.h"

#define AUDIT_MAX_VMIDS 64

static const char *name_of(const void *arg, unsigned vmid)
{
	return cli_gather_vm_name(arg, vmid);
}

/* Keeps only the findings about the given VMs (host-level ones go too). */
static void keep_vmids(struct policy_findings *f, const unsigned *ids, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < f->n; i++) {
		bool keep = false;

		for (size_t j = 0; j < n && !keep; j++)
			keep = f->v[i].vmid == ids[j];
		if (keep)
			f->v[k++] = f->v[i];
	}
	f->n = k;
}

int cli_cmd_audit(struct cli_ctx *ctx, int argc, char **argv)
{
	enum { OPT_CLUSTER = 256, OPT_API, OPT_VMID, OPT_FAIL_ON, OPT_FORMAT };
	static const struct option opts[] = {
	        {"cluster", no_argument, NULL, OPT_CLUSTER},
	        {"api", no_argument, NULL, OPT_API},
	        {"vmid", required_argument, NULL, OPT_VMID},
	        {"fail-on", required_argument, NULL, OPT_FAIL_ON},
	        {"format", required_argument, NULL, OPT_FORMAT},
	        {NULL, 0, NULL, 0},
	};
	struct cli_gather_opts o = {.mode = POLICY_MODE_AUDIT, .read_names = false};
	enum policy_severity fail_on = POLICY_SEVERITY_ERROR;
	unsigned vmids[AUDIT_MAX_VMIDS];
	size_t n_vmids = 0, n_checked = 0;
	struct policy_findings f = {0};
	struct cli_findings_view view;
	struct util_err e = {0};
	struct cli_gather g;
	int c, r;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case OPT_CLUSTER: o.cluster = true; break;
		case OPT_API:
			return cli_usage_error(
			        ctx, "audit",
			        "--api is not available in this build (use --cluster)");
		case OPT_VMID:
			if (cli_vmid_parse(optarg, &vmids[n_vmids]) < 0)
				return cli_usage_error(ctx, "audit", "--vmid '%s': not a VMID",
				                       optarg);
			if (++n_vmids == AUDIT_MAX_VMIDS)
				return cli_usage_error(ctx, "audit", "at most %d --vmid",
				                       AUDIT_MAX_VMIDS - 1);
			break;
		case OPT_FAIL_ON:
			if (policy_severity_parse(optarg, &fail_on) < 0 ||
			    fail_on == POLICY_SEVERITY_OFF)
				return cli_usage_error(
				        ctx, "audit",
				        "--fail-on '%s': choose info, warning or error", optarg);
			break;
		case OPT_FORMAT:
			if (cli_set_format(ctx, optarg, 0xf))
				return CLI_EXIT_USAGE;
			break;
		case ':':
			return cli_usage_error(ctx, "audit", "option %s needs a value",
			                       argv[optind - 1]);
		default:
			return cli_usage_error(ctx, "audit", "unknown option '%s'",
			                       argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error(ctx, "audit", "unexpected argument '%s'", argv[optind]);
	if (cli_need_node(ctx))
		return ctx->format == CLI_FORMAT_NAGIOS ? 3 : CLI_EXIT_FAIL;

	memset(&g, 0, sizeof(g));
	r = cli_gather_settings(ctx, &g, &e);
	if (r == 0)
		r = cli_gather_run(ctx, &o, &g, &e);
	if (r == 0)
		r = policy_evaluate(&g.in, &f, &e);
	if (r < 0) {
		if (ctx->format == CLI_FORMAT_NAGIOS)
			printf("PVE-PASSTHROUGH UNKNOWN - %s\n", e.msg);
		else
			cli_error(ctx, "%s", e.msg);
		cli_gather_free(&g);
		return ctx->format == CLI_FORMAT_NAGIOS ? 3 : CLI_EXIT_FAIL;
	}
	for (size_t i = 0; i < g.n_warnings; i++)
		cli_warn(ctx, "%s", g.warnings[i]);
	if (n_vmids) {
		keep_vmids(&f, vmids, n_vmids);
		for (size_t i = 0; i < g.n_vms; i++)
			for (size_t j = 0; j < n_vmids; j++)
				n_checked += g.vms[i].vmid == vmids[j];
	} else {
		n_checked = g.n_vms;
	}
	view = (struct cli_findings_view){.node = ctx->node,
	                                  .findings = &f,
	                                  .n_vms = n_checked,
	                                  .vm_name = name_of,
	                                  .arg = &g};
	r = cli_findings_print(&view, ctx->format, stdout);
	if (ctx->format != CLI_FORMAT_NAGIOS) {
		bool hit = false;

		for (size_t i = 0; i < f.n; i++)
			hit |= f.v[i].severity >= fail_on;
		r = r < 0 ? CLI_EXIT_FAIL : hit ? CLI_EXIT_FOUND : CLI_EXIT_OK;
	}
	policy_findings_free(&f);
	cli_gather_free(&g);
	return r;
}
