/* cli/render.c - what the four renderers share: the table of ops by format and the walk over a
 * report's findings (host first, then the VM configs'), and the machine formats' answer to a blind
 * run (cli_render_blind), which audit, the root check and the deadline share. */
#include "cli/render.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

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

int cli_render_blind(enum cli_format format, const char *node, const char *why, long long now,
                     FILE *out)
{
	char *unread[1] = {(char *)why};
	struct policy_findings none = {0};
	struct cli_report rep = {.kind = CLI_REPORT_AUDIT,
	                         .node = node,
	                         .findings = &none,
	                         .unread = unread,
	                         .n_unread = 1,
	                         .now = now};

	if (format == CLI_FORMAT_NAGIOS)
		fprintf(out, "PVE-PASSTHROUGH UNKNOWN - %s\n", why);
	else if (format == CLI_FORMAT_PROMETHEUS)
		return cli_render_prometheus.report(&rep, out);
	return ferror(out) ? -1 : 0;
}

bool cli_report_complete(const struct cli_report *r)
{
	return r->n_unread == 0;
}

const char *cli_severity_label(enum policy_severity s)
{
	switch (s) {
	case POLICY_SEVERITY_ERROR: return _("error");
	case POLICY_SEVERITY_WARNING: return _("warning");
	case POLICY_SEVERITY_INFO: return _("info");
	default: return _("off");
	}
}

size_t cli_text_width(const char *s)
{
	mbstate_t st;
	size_t w = 0, len = strlen(s);

	memset(&st, 0, sizeof(st));
	while (len) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, s, len, &st);
		int cw;

		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) { /* not this locale's: a byte */
			memset(&st, 0, sizeof(st));
			n = 1;
			cw = 1;
		} else {
			cw = wcwidth(wc);
			if (cw < 0)
				cw = 1;
		}
		w += (size_t)cw;
		s += n;
		len -= n;
	}
	return w;
}

void cli_text_pad(FILE *out, const char *s, size_t width)
{
	size_t w = cli_text_width(s);

	fputs(s, out);
	for (; w < width; w++)
		fputc(' ', out);
}
