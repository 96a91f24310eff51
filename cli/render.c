/* cli/render.c - what the four renderers share: the table of ops by format and the walk over a
 * report's findings (host first, then the VM configs').  Prints nothing itself. */
#include "cli/render.h"

const struct cli_render_ops *cli_render_ops_get(enum cli_format format)
{
	switch (format) {
	case CLI_FORMAT_JSON: return &cli_render_json;
	case CLI_FORMAT_PROMETHEUS: return &cli_render_prometheus;
	case CLI_FORMAT_NAGIOS: return &cli_render_nagios;
	default: return &cli_render_text;
	}
}

size_t cli_report_n(const struct cli_report *r)
{
	return (r->host ? r->host->n : 0) + (r->findings ? r->findings->n : 0);
}

const struct policy_finding *cli_report_at(const struct cli_report *r, size_t i)
{
	size_t nh = r->host ? r->host->n : 0;

	return i < nh ? &r->host->v[i] : &r->findings->v[i - nh];
}

size_t cli_report_count(const struct cli_report *r, enum policy_severity s)
{
	return (r->host ? policy_findings_count(r->host, s) : 0) +
	       (r->findings ? policy_findings_count(r->findings, s) : 0);
}

const char *cli_report_node_of(const struct cli_report *r, const struct policy_finding *x)
{
	return x->node[0] ? x->node : r->node && r->node[0] ? r->node : "localhost";
}

bool cli_report_complete(const struct cli_report *r)
{
	return r->n_unread == 0;
}
