/* cli/render_prometheus.c - findings as node_exporter textfile-collector lines: one gauge per
 * (VM, rule, severity), the counts by severity and the VMs checked.  Consumes the report only. */
#include "cli/render.h"

/* Prometheus label values escape \ " and newline. */
static void prom_label(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fprintf(out, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", out);
		else
			fputc(*s, out);
	}
}

static void gauge(FILE *out, const char *node, const char *name, const char *help, long long v)
{
	fprintf(out, "# HELP pve_passthrough_%s %s\n# TYPE pve_passthrough_%s gauge\n", name, help,
	        name);
	fprintf(out, "pve_passthrough_%s{node=\"", name);
	prom_label(out, node);
	fprintf(out, "\"} %lld\n", v);
}

/* One labelled sample: name{node="..",KEY="VAL"} v (HELP/TYPE written by the caller). */
static void sample(FILE *out, const char *name, const char *node, const char *key, const char *val,
                   const char *extra, long long v)
{
	fprintf(out, "pve_passthrough_%s{node=\"", name);
	prom_label(out, node);
	if (key) {
		fprintf(out, "\",%s=\"", key);
		prom_label(out, val);
	}
	fprintf(out, "\"%s} %lld\n", extra ? extra : "", v);
}

static void help(FILE *out, const char *name, const char *text)
{
	fprintf(out, "# HELP pve_passthrough_%s %s\n# TYPE pve_passthrough_%s gauge\n", name, text,
	        name);
}

/* doctor: the host as numbers, so an alert can fire before the reboot that loses the VFs. */
static void host_gauges(FILE *out, const char *node, const struct host_gauges *g)
{
	if (g->iommu >= 0) {
		help(out, "host_iommu", "1 when an IOMMU is active (/sys/class/iommu), else 0.");
		sample(out, "host_iommu", node, NULL, NULL, NULL, g->iommu);
	}
	if (g->pf[0] && g->vfs_enabled >= 0) {
		help(out, "host_vfs_enabled", "VFs enabled on the PF now (sriov_numvfs).");
		sample(out, "host_vfs_enabled", node, "pf", g->pf, NULL, g->vfs_enabled);
	}
	if (g->pf[0] && g->vfs_boot >= 0) {
		help(out, "host_vfs_boot",
		     "VFs the tool's boot unit sets (compare with host_vfs_enabled).");
		sample(out, "host_vfs_boot", node, "pf", g->pf, NULL, g->vfs_boot);
	}
	if (g->dkms_checked && g->n_kernels) {
		help(out, "host_dkms_module",
		     "1 when the installed kernel has the i915-sriov-dkms module, else 0.");
		for (size_t i = 0; i < g->n_kernels; i++) {
			char extra[64];

			snprintf(extra, sizeof(extra), ",next_boot=\"%d\",running=\"%d\"",
			         g->kernels[i].next_boot, g->kernels[i].running);
			sample(out, "host_dkms_module", node, "kernel", g->kernels[i].release,
			       extra, g->kernels[i].dkms);
		}
		help(out, "host_kernel_headers",
		     "1 when the installed kernel's headers are there (dkms can build for it).");
		for (size_t i = 0; i < g->n_kernels; i++)
			sample(out, "host_kernel_headers", node, "kernel", g->kernels[i].release,
			       NULL, g->kernels[i].headers);
		for (size_t i = 0; i < g->n_kernels; i++)
			if (g->kernels[i].next_boot) {
				help(out, "host_next_boot_ready",
				     "1 when the kernel that boots next has the dkms module and its "
				     "headers: 0 means the VFs are gone after the reboot.");
				sample(out, "host_next_boot_ready", node, "kernel",
				       g->kernels[i].release, NULL,
				       g->kernels[i].dkms && g->kernels[i].headers);
			}
	}
	if (g->n_tokens) {
		help(out, "host_cmdline_token",
		     "1 when a kernel command line token the host mode needs is active "
		     "(/proc/cmdline), else 0.");
		for (size_t i = 0; i < g->n_tokens; i++)
			sample(out, "host_cmdline_token", node, "token", g->tokens[i].token, NULL,
			       g->tokens[i].active);
	}
}

static bool same_series(const struct policy_finding *a, const struct policy_finding *b)
{
	return a->vmid == b->vmid && a->rule == b->rule && a->severity == b->severity;
}

static int prometheus_report(const struct cli_report *r, FILE *out)
{
	size_t n = cli_report_n(r);
	const char *node = r->node && r->node[0] ? r->node : "localhost";

	fputs("# HELP pve_passthrough_findings Findings of pve-passthrough audit, by rule, severity "
	      "and VM.\n# TYPE pve_passthrough_findings gauge\n",
	      out);
	/* one line per (vmid, rule, severity), at its first finding */
	for (size_t i = 0; i < n; i++) {
		const struct policy_finding *x = cli_report_at(r, i);
		bool seen = false;
		size_t c = 0;

		for (size_t k = 0; k < i && !seen; k++)
			seen = same_series(cli_report_at(r, k), x);
		if (seen)
			continue;
		for (size_t j = i; j < n; j++)
			c += same_series(cli_report_at(r, j), x);
		fputs("pve_passthrough_findings{node=\"", out);
		prom_label(out, cli_report_node_of(r, x));
		fprintf(out, "\",rule=\"%s\",severity=\"%s\",vmid=\"",
		        policy_rule_get(x->rule)->name, policy_severity_name(x->severity));
		if (x->vmid)
			fprintf(out, "%u", x->vmid);
		fprintf(out, "\"} %zu\n", c);
	}
	fputs("# HELP pve_passthrough_audit_findings Findings of the last audit by severity.\n"
	      "# TYPE pve_passthrough_audit_findings gauge\n",
	      out);
	for (int s = POLICY_SEVERITY_ERROR; s >= POLICY_SEVERITY_INFO; s--) {
		fputs("pve_passthrough_audit_findings{node=\"", out);
		prom_label(out, node);
		fprintf(out, "\",severity=\"%s\"} %zu\n",
		        policy_severity_name((enum policy_severity)s),
		        cli_report_count(r, (enum policy_severity)s));
	}
	fputs("# HELP pve_passthrough_audit_vms VMs the last audit checked.\n"
	      "# TYPE pve_passthrough_audit_vms gauge\npve_passthrough_audit_vms{node=\"",
	      out);
	prom_label(out, node);
	fprintf(out, "\"} %zu\n", r->n_vms);
	/* always, so that an alert can fire on a blind run (up 0) or a stale file (timestamp) */
	gauge(out, node, "up",
	      "1 when the last run read everything it needed (/etc/pve, every VM config, every API "
	      "node), 0 when its findings are incomplete.",
	      cli_report_complete(r));
	gauge(out, node, "configs_read", "VM configs the last run read.",
	      (long long)r->configs_read);
	gauge(out, node, "configs_unreadable",
	      "VM configs that exist (a config file, .vmlist or the API lists them) but could not "
	      "be read.",
	      (long long)r->configs_unreadable);
	gauge(out, node, "last_run_timestamp_seconds",
	      "When the last run ended, in seconds since the Unix epoch.", r->now);
	if (r->gauges)
		host_gauges(out, node, r->gauges);
	return ferror(out) ? -1 : 0;
}

const struct cli_render_ops cli_render_prometheus = {.name = "prometheus",
                                                     .report = prometheus_report};
