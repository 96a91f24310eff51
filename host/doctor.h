/* host/doctor.h - the host half of `doctor`: every check of the iGPU setup end to end, each a
 * finding with a stable rule id, a cause and a fix (same shape as docs/cli.md's findings JSON).
 * Reads files under --root; /sys facts come in through struct host_facts. */
#ifndef PP_HOST_DOCTOR_H
#define PP_HOST_DOCTOR_H

#include <stddef.h>

#include "host/setup.h"

enum host_severity {
	HOST_SEVERITY_INFO = 0,
	HOST_SEVERITY_WARNING = 1,
	HOST_SEVERITY_ERROR = 2,
};
const char *host_severity_name(enum host_severity s);

struct host_finding {
	const char *rule; /* stable id, static: "dkms-missing" */
	enum host_severity severity;
	char device[16]; /* PCI address, "" when none */
	char message[768];
	char hint[512];
};

struct host_findings {
	struct host_finding *v;
	size_t n;
	enum host_mode mode; /* what the host is (being) set up for */
	char mode_why[128];
};

/* One host rule: id, default severity, what it means, how to fix it (the man page's RULES). */
struct host_rule {
	const char *id;
	enum host_severity severity;
	const char *summary;
};
const struct host_rule *host_rules(size_t *n);

/* Runs every host check.  0 or -errno (an unreadable file is a finding, not an error). */
int host_doctor_run(const struct util_paths *p, const struct host_facts *f,
                    struct host_findings *out, struct util_err *e);
void host_findings_free(struct host_findings *fs);

#endif
