/* host/doctor.h - the host half of `doctor`: gathers every fact of the iGPU setup end to end
 * (files under --root; /sys facts come in through struct host_facts) into struct policy_host and
 * has policy/host_rules.c judge them: findings with a rule id of the registry (policy/rules.def,
 * host scope), a cause and a fix. */
#ifndef PP_HOST_DOCTOR_H
#define PP_HOST_DOCTOR_H

#include <stddef.h>

#include "host/setup.h"
#include "policy/policy.h"

/* What doctor found: findings of the one finding type (policy.h), with rule ids of the registry's
 * host scope, plus what the host is (being) set up for. */
/* The host's state as numbers, gathered by the checks themselves (no second reading), for the
 * machine formats (doctor --format prometheus|nagios). */
struct host_gauges {
	int iommu;         /* 1 on, 0 off, -1 unknown */
	char pf[16];       /* the PF of the setup, "" when none */
	int vfs_enabled;   /* sriov_numvfs, -1 unknown */
	int vfs_boot;      /* the count the tool's boot unit sets, -1 when no unit sets one */
	bool dkms_checked; /* the dkms checks ran (i915 SR-IOV, or i915-sriov-dkms registered) */
	struct host_gauge_kernel {
		char release[128];
		bool dkms, headers, next_boot, running;
	} kernels[16]; /* installed kernels, newest first */
	size_t n_kernels;
	struct host_gauge_token {
		char token[64];
		bool persisted, active; /* in the bootloader's file / in /proc/cmdline */
	} tokens[8];                    /* the kernel command line tokens the host mode needs */
	size_t n_tokens;
};

struct host_findings {
	struct policy_findings f; /* node, vmid, section, key empty: the caller knows the node */
	struct host_gauges gauges;
	enum host_mode mode;
	char mode_why[384];
};

/* Runs every host check.  severity: per-rule severities of the settings (POLICY_RULE_COUNT
 * entries; NULL = the registry's defaults); a rule set to off is not reported, a lower severity
 * caps it.  0 or -errno (an unreadable file is a finding, not an error). */
int host_doctor_run(const struct util_paths *p, const struct host_facts *f,
                    const enum policy_severity *severity, struct host_findings *out,
                    struct util_err *e);
void host_findings_free(struct host_findings *fs);

#endif
