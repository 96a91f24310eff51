/* cli/cmd_doctor.c - `doctor`: the host checks of host/doctor.c (facts from sysfs/) plus every
 * rule of the audit (policy/ over this node's VM configs, through gather/), rendered by the shared
 * renderers of cli/render.h (text, JSON, Prometheus, Nagios), exit status per --fail-on (Nagios:
 * its plugin status).  No checks of its own. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/render.h"
#include "gather/gather.h"
#include "host/doctor.h"
#include "sysfs/host.h"

static int parse_level(const char *s, enum policy_severity *out)
{
	return policy_severity_parse(s, out) < 0 || *out == POLICY_SEVERITY_OFF ? -1 : 0;
}

int cli_cmd_doctor(struct cli_ctx *ctx, int argc, char **argv)
{
	enum { OPT_FAIL_ON = 256, OPT_KERNEL_LOG };
	static const struct option opts[] = {
	        {"fail-on", required_argument, NULL, OPT_FAIL_ON},
	        {"kernel-log", required_argument, NULL, OPT_KERNEL_LOG},
	        {NULL, 0, NULL, 0},
	};
	enum policy_severity fail_on = POLICY_SEVERITY_ERROR;
	struct host_facts f;
	struct host_findings fs;
	struct util_err e = {0};
	size_t k = 0;
	bool found = false, have_audit = false;
	struct gather_opts go;
	struct gather_node g;
	struct policy_findings pf = {0};
	char audit_skip[1024] = "";
	char *skipped[1] = {audit_skip};
	const char *kernel_log = NULL;
	struct sysfs_host *host = NULL;
	struct cli_report report;
	int c, r, rc = -1;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case OPT_FAIL_ON:
			if (parse_level(optarg, &fail_on) < 0)
				return cli_usage_error(ctx, "doctor",
				                       _("--fail-on %s: info, warning or error"),
				                       optarg);
			break;
		case OPT_KERNEL_LOG: kernel_log = optarg; break;
		default: return cli_unknown_option(ctx, "doctor", argv[optind - 1]);
		}
	}
	if (optind != argc)
		return cli_usage_error(ctx, "doctor", _("doctor takes no arguments"));
	/* text tables (not -q's lines): libsmartcols, loaded before anything is read */
	if (ctx->verbosity >= 0 && (r = cli_text_tables(ctx)) != 0)
		return r;

	/* the settings first: they set the severities of host rules and VM rules alike */
	memset(&g, 0, sizeof(g));
	if (cli_settings(ctx, &g, &e) < 0) {
		cli_error(ctx, "%s", e.msg);
		gather_free(&g);
		return CLI_EXIT_FAIL;
	}
	/* one snapshot (module parameters included) for the host facts and the VM rules */
	r = sysfs_host_read(&ctx->paths, &host, &e);
	if (r == 0)
		r = cli_host_facts_setup(ctx, host, &f, &e);
	f.kernel_log = kernel_log;
	if (r == 0)
		r = host_doctor_run(&ctx->paths, &f, g.severity, &fs, &e);
	if (r < 0) {
		cli_error(ctx, "%s", e.msg);
		gather_free(&g);
		if (host)
			sysfs_host_free(host);
		return CLI_EXIT_FAIL;
	}
	for (size_t i = 0; i < fs.f.n; i++)
		found = found || fs.f.v[i].severity >= fail_on;
	/* every VM rule of the audit, when this node's configs can be read */
	cli_gather_opts(ctx, 0, &go);
	go.host = host;
	if (!ctx->node[0]) {
		snprintf(audit_skip, sizeof(audit_skip), "%s", ctx->node_error);
	} else if (gather_local(&go, &g, &e) < 0 || policy_evaluate(&g.in, &pf, &e) < 0) {
		snprintf(audit_skip, sizeof(audit_skip), "%s", e.msg);
	} else {
		have_audit = true;
		for (size_t i = 0; i < pf.n; i++) {
			const struct policy_finding *x = &pf.v[i];
			bool dup = false;

			for (size_t j = 0; j < fs.f.n && !dup; j++)
				dup = x->vmid == 0 && fs.f.v[j].rule == x->rule;
			if (dup || x->severity < POLICY_SEVERITY_INFO)
				continue;
			pf.v[k++] = *x;
			found = found || x->severity >= fail_on;
		}
		pf.n = k;
	}
	/* what gathering skipped or PVE ignores (pci.cfg lines, unreadable configs, sysfs), as
	 * audit says it */
	for (size_t i = 0; i < g.n_warnings; i++)
		cli_warn(ctx, "%s", g.warnings[i]);
	for (size_t i = 0; i < host->n_warnings; i++)
		cli_warn(ctx, "%s", host->warnings[i]);
	if (!have_audit)
		pf.n = 0;
	report = (struct cli_report){.kind = CLI_REPORT_DOCTOR,
	                             .quiet = ctx->verbosity < 0,
	                             .color = ctx->color,
	                             .node = ctx->node,
	                             .host = &fs.f,
	                             .findings = &pf,
	                             .n_vms = have_audit ? g.n_vms : 0,
	                             .mode = host_mode_name(fs.mode),
	                             .mode_why = fs.mode_why,
	                             .audited = have_audit,
	                             .audit_skipped = audit_skip,
	                             /* VM configs not checked, or not all read: incomplete */
	                             .unread = have_audit ? g.unread : skipped,
	                             .n_unread = have_audit ? g.n_unread : 1,
	                             .configs_read = g.n_configs_read,
	                             .configs_unreadable = g.n_configs_unreadable,
	                             .now = (long long)time(NULL),
	                             .gauges = &fs.gauges};
	r = cli_render_ops_get(ctx->format)->report(&report, stdout);
	if (r < 0) {
		cli_error(ctx, _("cannot write the output"));
		rc = ctx->format == CLI_FORMAT_NAGIOS ? 3 : CLI_EXIT_FAIL;
	} else if (ctx->format == CLI_FORMAT_NAGIOS) {
		rc = r; /* prometheus, text, json: exit per --fail-on */
	} else if (!cli_report_complete(&report)) {
		rc = CLI_EXIT_FAIL; /* judged on what was read, but could not finish */
	}
	host_findings_free(&fs);
	policy_findings_free(&pf);
	gather_free(&g);
	sysfs_host_free(host);
	if (rc >= 0)
		return rc;
	return found ? CLI_EXIT_FOUND : CLI_EXIT_OK;
}
