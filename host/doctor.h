/* host/doctor.h - the host half of `doctor`: every check of the iGPU setup end to end, each a
 * finding with a rule id of the registry (policy/rules.def, host scope), a cause and a fix.
 * Reads files under --root; /sys facts come in through struct host_facts. */
#ifndef PP_HOST_DOCTOR_H
#define PP_HOST_DOCTOR_H

#include <stddef.h>

#include "host/setup.h"
#include "policy/policy.h"

/* What doctor found: findings of the one finding type (policy.h), with rule ids of the registry's
 * host scope, plus what the host is (being) set up for. */
struct host_findings {
	struct policy_findings f; /* node, vmid, section, key empty: the caller knows the node */
	enum host_mode mode;
	char mode_why[384];
	bool last_dropped; /* (internal) the last add() was dropped: its severity is off */
};

/* Runs every host check.  severity: per-rule severities of the settings (POLICY_RULE_COUNT
 * entries; NULL = the registry's defaults); a rule set to off is not reported, a lower severity
 * caps it.  0 or -errno (an unreadable file is a finding, not an error). */
int host_doctor_run(const struct util_paths *p, const struct host_facts *f,
                    const enum policy_severity *severity, struct host_findings *out,
                    struct util_err *e);
void host_findings_free(struct host_findings *fs);

#endif
