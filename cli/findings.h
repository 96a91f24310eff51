/* cli/findings.h - output of policy findings in the four audit formats. */
#ifndef PP_CLI_FINDINGS_H
#define PP_CLI_FINDINGS_H

#include <stdio.h>

#include "cli/cli.h"
#include "policy/policy.h"

struct cli_findings_view {
	const char *node;
	const struct policy_findings *findings;
	size_t n_vms;                                           /* VMs checked */
	const char *(*vm_name)(const void *arg, unsigned vmid); /* NULL: no names */
	const void *arg;
};

/* Prints in format.  Returns 0 (nagios: its status 0/1/2), or -1 on a write error. */
int cli_findings_print(const struct cli_findings_view *v, enum cli_format format, FILE *out);

#endif
