/* cli/cmd_doctor.c - `doctor`: the host checks of host/doctor.c (facts from sysfs/) plus every
 * rule of the audit (policy/ over this node's VM configs, through cli/gather), rendered as text or
 * as docs/cli.md's findings JSON, exit status per --fail-on.  No checks of its own. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/findings.h"
#include "gather/gather.h"
#include "host/doctor.h"
#include "sysfs/host.h"

static int parse_level(const char *s, enum policy_severity *out)
{
	return policy_severity_parse(s, out) < 0 || *out == POLICY_SEVERITY_OFF ? -1 : 0;
}

/* prometheus and nagios: the host findings and the VM findings as one list, through the
 * renderers audit uses (cli/findings.c).  Returns nagios' status, 3 on failure, else -1. */
static int render_shared(const struct cli_ctx *ctx, const struct host_findings *fs,
                         const struct policy_findings *pf, size_t n_vms)
{
	struct policy_findings all = {0};
	struct cli_findings_view view = {
	        .node = ctx->node[0] ? ctx->node : "localhost", .findings = &all, .n_vms = n_vms};
	int r;

	all.n = all.cap = fs->f.n + pf->n;
	all.v = calloc(all.n ? all.n : 1, sizeof(*all.v));
	if (!all.v) {
		cli_error(ctx, "out of memory");
		return CLI_EXIT_FAIL;
	}
	for (size_t i = 0; i < fs->f.n; i++) {
		all.v[i] = fs->f.v[i];
		if (!all.v[i].node[0])
			snprintf(all.v[i].node, sizeof(all.v[i].node), "%s", view.node);
	}
	memcpy(all.v + fs->f.n, pf->v, pf->n * sizeof(*pf->v));
	r = cli_findings_print(&view, ctx->format, stdout);
	free(all.v);
	if (r < 0) {
		cli_error(ctx, "cannot write the output");
		return CLI_EXIT_FAIL;
	}
	return ctx->format == CLI_FORMAT_NAGIOS ? r : -1; /* prometheus: exit per --fail-on */
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
	size_t count[3] = {0}, k = 0;
	bool found = false, have_audit = false;
	struct gather_opts go;
	struct gather_node g;
	struct policy_findings pf = {0};
	char audit_skip[1024] = "";
	const char *kernel_log = NULL;
	struct sysfs_host *host = NULL;
	int c, r, rc = -1;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case OPT_FAIL_ON:
			if (parse_level(optarg, &fail_on) < 0)
				return cli_usage_error(ctx, "doctor",
				                       "--fail-on %s: info, warning or error",
				                       optarg);
			break;
		case OPT_KERNEL_LOG: kernel_log = optarg; break;
		default:
			return cli_usage_error(ctx, "doctor", "unknown option '%s'",
			                       argv[optind - 1]);
		}
	}
	if (optind != argc)
		return cli_usage_error(ctx, "doctor", "doctor takes no arguments");

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
	for (size_t i = 0; i < fs.f.n; i++) {
		count[fs.f.v[i].severity]++;
		found = found || fs.f.v[i].severity >= fail_on;
	}
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
			count[x->severity]++;
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
	if (ctx->format == CLI_FORMAT_PROMETHEUS || ctx->format == CLI_FORMAT_NAGIOS) {
		rc = render_shared(ctx, &fs, &pf, have_audit ? g.n_vms : 0);
	} else if (ctx->format == CLI_FORMAT_JSON) {
		json_t *o = json_object(), *arr = json_array();
		char *s;

		json_object_set_new(o, "schema_version", json_integer(1));
		json_object_set_new(o, "node", ctx->node[0] ? json_string(ctx->node) : json_null());
		json_object_set_new(o, "mode", json_string(host_mode_name(fs.mode)));
		for (size_t i = 0; i < fs.f.n; i++) {
			const struct policy_finding *h = &fs.f.v[i];
			json_t *j = json_object();

			json_object_set_new(j, "rule", json_string(policy_rule_get(h->rule)->name));
			json_object_set_new(j, "severity",
			                    json_string(policy_severity_name(h->severity)));
			json_object_set_new(j, "node",
			                    ctx->node[0] ? json_string(ctx->node) : json_null());
			json_object_set_new(j, "vmid", json_null());
			json_object_set_new(j, "section", json_null());
			json_object_set_new(j, "key", json_null());
			json_object_set_new(j, "device",
			                    h->device[0] ? json_string(h->device) : json_null());
			json_object_set_new(j, "message", json_string(h->message));
			json_object_set_new(j, "hint", json_string(h->hint));
			json_array_append_new(arr, j);
		}
		for (size_t i = 0; have_audit && i < pf.n; i++) {
			const struct policy_finding *x = &pf.v[i];
			json_t *j = json_object();

			json_object_set_new(j, "rule", json_string(policy_rule_get(x->rule)->name));
			json_object_set_new(j, "severity",
			                    json_string(policy_severity_name(x->severity)));
			json_object_set_new(j, "node",
			                    json_string(x->node[0] ? x->node : ctx->node));
			json_object_set_new(j, "vmid",
			                    x->vmid ? json_integer(x->vmid) : json_null());
			json_object_set_new(j, "section",
			                    x->section[0] ? json_string(x->section) : json_null());
			json_object_set_new(j, "key",
			                    x->key[0] ? json_string(x->key) : json_null());
			json_object_set_new(j, "device",
			                    x->device[0] ? json_string(x->device) : json_null());
			json_object_set_new(j, "message", json_string(x->message));
			json_object_set_new(j, "hint", json_string(x->hint));
			json_array_append_new(arr, j);
		}
		json_object_set_new(o, "findings", arr);
		json_object_set_new(o, "audit", have_audit ? json_true() : json_false());
		if (!have_audit)
			json_object_set_new(o, "audit_skipped", json_string(audit_skip));
		json_object_set_new(o, "summary",
		                    json_pack("{s:I,s:I,s:I}", "error", (json_int_t)count[2],
		                              "warning", (json_int_t)count[1], "info",
		                              (json_int_t)count[0]));
		s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		if (s)
			printf("%s\n", s);
		free(s);
		json_decref(o);
	} else {
		printf("doctor: %s, host mode %s (%s)\n", ctx->node[0] ? ctx->node : "this host",
		       host_mode_name(fs.mode), fs.mode_why);
		for (size_t i = 0; i < fs.f.n; i++) {
			const struct policy_finding *h = &fs.f.v[i];

			printf("%-7s %-20s %s%s%s\n", policy_severity_name(h->severity),
			       policy_rule_get(h->rule)->name, h->device[0] ? h->device : "",
			       h->device[0] ? ": " : "", h->message);
			if (h->hint[0])
				printf("%-28s fix: %s\n", "", h->hint);
		}
		if (have_audit) {
			printf("VM configs (every audit rule, %zu VMs):\n", g.n_vms);
			for (size_t i = 0; i < pf.n; i++) {
				const struct policy_finding *x = &pf.v[i];
				char where[160] = "";

				if (x->vmid)
					snprintf(where, sizeof(where), "VM %u%s%s%s%s: ", x->vmid,
					         x->key[0] ? " " : "", x->key,
					         x->section[0] && strcmp(x->section, "main") ? " "
					                                                     : "",
					         x->section[0] && strcmp(x->section, "main")
					                 ? x->section
					                 : "");
				printf("%-7s %-20s %s%s\n", policy_severity_name(x->severity),
				       policy_rule_get(x->rule)->name, where, x->message);
				if (x->hint[0])
					printf("%-28s fix: %s\n", "", x->hint);
			}
			if (!pf.n)
				printf("        no findings\n");
		} else {
			printf("VM configs: not checked (%s)\n", audit_skip);
		}
		printf("%zu error(s), %zu warning(s), %zu info\n", count[2], count[1], count[0]);
	}
	host_findings_free(&fs);
	policy_findings_free(&pf);
	gather_free(&g);
	sysfs_host_free(host);
	if (rc >= 0)
		return rc;
	return found ? CLI_EXIT_FOUND : CLI_EXIT_OK;
}
