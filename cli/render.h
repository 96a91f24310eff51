/* cli/render.h - the renderers of a findings report, one ops struct per output format
 * (cli/render_text.c, render_json.c, render_prometheus.c, render_nagios.c), shared by every
 * command that reports policy findings (audit, doctor).  A renderer consumes the report; it
 * decides nothing about what is a problem. */
#ifndef PP_CLI_RENDER_H
#define PP_CLI_RENDER_H

#include <stdbool.h>
#include <stdio.h>

#include "cli/cli.h"
#include "host/doctor.h"
#include "policy/policy.h"

enum cli_report_kind {
	CLI_REPORT_AUDIT,  /* findings grouped by VM */
	CLI_REPORT_DOCTOR, /* the host's findings, then the VM configs' */
};

struct cli_report {
	enum cli_report_kind kind;
	const char *node;                       /* "" when unknown (doctor off a PVE node) */
	const struct policy_findings *host;     /* doctor: the host checks; NULL for audit */
	const struct policy_findings *findings; /* the rules over the VM configs (audit: all) */
	size_t n_vms;                           /* VMs checked */
	const char *(*vm_name)(const void *arg, unsigned vmid); /* NULL: no names */
	const void *arg;
	/* doctor */
	const char *mode, *mode_why;      /* host mode and why */
	bool audited;                     /* the VM configs were checked */
	const char *audit_skipped;        /* why not */
	const struct host_gauges *gauges; /* the host as numbers (Prometheus, Nagios perfdata) */
	/* text */
	bool quiet; /* -q: the findings only, one line each, no headers or summary */
	bool color; /* severities in colour (a terminal, no NO_COLOR, not --color=never) */
	/* completeness: what could not be read.  The findings are judged on what was read; with
	 * anything unread the report says it is incomplete (text/JSON exit 3, Nagios UNKNOWN,
	 * pve_passthrough_up 0), so a blind run never looks healthy. */
	char *const *unread;
	size_t n_unread;
	size_t configs_read, configs_unreadable;
	long long
	        now; /* the run's time (Unix seconds): pve_passthrough_last_run_timestamp_seconds */
};

struct cli_render_ops {
	const char *name;
	/* Prints r.  Returns 0 (nagios: its status 0..3), or -1 on a write error. */
	int (*report)(const struct cli_report *r, FILE *out);
};

extern const struct cli_render_ops cli_render_text;
extern const struct cli_render_ops cli_render_json;
extern const struct cli_render_ops cli_render_prometheus;
extern const struct cli_render_ops cli_render_nagios;

/* The renderer of format. */
const struct cli_render_ops *cli_render_ops_get(enum cli_format format);

/* Every finding of r as one list: the host's first, then the VM configs'. */
size_t cli_report_n(const struct cli_report *r);
const struct policy_finding *cli_report_at(const struct cli_report *r, size_t i);
size_t cli_report_count(const struct cli_report *r, enum policy_severity s);
/* A severity as text output shows it, in the reader's language ("error"; JSON, Prometheus and
 * Nagios use policy_severity_name). */
const char *cli_severity_label(enum policy_severity s);
/* Columns s takes on a terminal (a CJK character takes two; bytes when LC_CTYPE cannot tell). */
size_t cli_text_width(const char *s);
/* Writes s and pads it with spaces to width columns (left-aligned, as printf's %-*s does for
 * ASCII). */
void cli_text_pad(FILE *out, const char *s, size_t width);
/* Everything could be read. */
bool cli_report_complete(const struct cli_report *r);
/* A run that could not look at anything (why: the reason, one line): what the machine formats
 * say about it - Nagios the UNKNOWN status line, Prometheus the gauges of a blind run
 * (pve_passthrough_up 0, configs_read 0, ..., with their HELP/TYPE lines) - so a monitoring
 * system sees the blind run.  node "" = unknown; now: the run's time (Unix seconds).  Text and
 * JSON write nothing (the caller's error message on stderr says it).  0, or -1 on a write
 * error; the exit status of such a run is 3 in every format. */
int cli_render_blind(enum cli_format format, const char *node, const char *why, long long now,
                     FILE *out);
/* A finding's node: its own, else the report's, else "localhost". */
const char *cli_report_node_of(const struct cli_report *r, const struct policy_finding *x);

#endif
