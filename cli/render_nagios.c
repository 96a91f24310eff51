/* cli/render_nagios.c - findings as one Nagios/Icinga plugin status line with perfdata; the
 * return value is the plugin status (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN when something could
 * not be read: a blind run is never OK).  Consumes the report only. */
#include "cli/render.h"

static const char *sev_upper(enum policy_severity s)
{
	switch (s) {
	case POLICY_SEVERITY_ERROR: return "ERROR";
	case POLICY_SEVERITY_WARNING: return "WARNING";
	default: return "INFO";
	}
}

/* doctor: the host gauges as perfdata (the status comes from the findings). */
static void host_perfdata(FILE *out, const struct host_gauges *g)
{
	size_t inactive = 0;

	if (g->iommu >= 0)
		fprintf(out, " iommu=%d;;1:;0;1", g->iommu);
	if (g->pf[0] && g->vfs_enabled >= 0)
		fprintf(out, " vfs=%d;;;0", g->vfs_enabled);
	if (g->pf[0] && g->vfs_boot >= 0)
		fprintf(out, " vfs_boot=%d;;;0", g->vfs_boot);
	for (size_t i = 0; g->dkms_checked && i < g->n_kernels; i++)
		if (g->kernels[i].next_boot)
			fprintf(out, " next_boot_dkms=%d;;1:;0;1 next_boot_headers=%d;;1:;0;1",
			        g->kernels[i].dkms, g->kernels[i].headers);
	for (size_t i = 0; i < g->n_tokens; i++)
		inactive += !g->tokens[i].active;
	if (g->n_tokens)
		fprintf(out, " cmdline_inactive=%zu;;1;0", inactive);
}

static int nagios_report(const struct cli_report *r, FILE *out)
{
	size_t n = cli_report_n(r);
	size_t ne = cli_report_count(r, POLICY_SEVERITY_ERROR);
	size_t nw = cli_report_count(r, POLICY_SEVERITY_WARNING);
	size_t ni = cli_report_count(r, POLICY_SEVERITY_INFO);
	int status = !cli_report_complete(r) ? 3 : ne ? 2 : nw ? 1 : 0;
	const char *word = status == 3   ? "UNKNOWN"
	                   : status == 2 ? "CRITICAL"
	                   : status == 1 ? "WARNING"
	                                 : "OK";
	size_t shown = 0;

	fprintf(out, "PVE-PASSTHROUGH %s - ", word);
	/* blind: what could not be read comes first, in the status line */
	if (status == 3) {
		fprintf(out, "incomplete, not read: %s", r->unread[0]);
		if (r->n_unread > 1)
			fprintf(out, " (and %zu more)", r->n_unread - 1);
		fputs("; judged on the rest: ", out);
	}
	fprintf(out, "%zu error%s, %zu warning%s, %zu info in %zu VM%s", ne, ne == 1 ? "" : "s", nw,
	        nw == 1 ? "" : "s", ni, r->n_vms, r->n_vms == 1 ? "" : "s");
	/* name the worst findings (they come first within each VM) */
	for (int s = POLICY_SEVERITY_ERROR; s >= POLICY_SEVERITY_WARNING && status; s--)
		for (size_t i = 0; i < n && shown < 5; i++) {
			const struct policy_finding *x = cli_report_at(r, i);

			if ((int)x->severity != s)
				continue;
			fprintf(out, "%s%s %s%s", shown ? ", " : ": ", sev_upper(x->severity),
			        policy_rule_get(x->rule)->name, x->vmid ? "" : " (host)");
			if (x->vmid)
				fprintf(out, " VM %u", x->vmid);
			shown++;
		}
	if (shown < ne + nw && status)
		fprintf(out, ", ...");
	fprintf(out,
	        " | errors=%zu;;1;0 warnings=%zu;1;;0 info=%zu;;;0 vms=%zu;;;0 unreadable=%zu;;1;0",
	        ne, nw, ni, r->n_vms, r->configs_unreadable);
	if (r->gauges)
		host_perfdata(out, r->gauges);
	fputc('\n', out);
	return ferror(out) ? -1 : status;
}

const struct cli_render_ops cli_render_nagios = {.name = "nagios", .report = nagios_report};
