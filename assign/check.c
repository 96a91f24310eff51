/* assign/check.c - the guard's own rules on the candidate: the policy input (assign_view_build) with
 * the target VM as it would start after the change (main, with [PENDING] applied and the new entry)
 * and every other VM of the node as it is, runs policy/ in guard mode, and turns the findings about the new entry
 * into the plan's findings (error = refusal).  Pure: no I/O, no printing. */
#include "assign/check.h"

#include "assign/entries.h"
#include "policy/build.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int assign_check_policy(const struct assign_input *in, unsigned vmid,
                        const struct pveconf_vm *candidate, const char *new_key,
                        struct assign_check *out, struct util_err *e)
{
	struct assign_view v;
	struct policy_findings f = {0};
	int r;

	memset(out, 0, sizeof(*out));
	r = assign_view_build(in, POLICY_BUILD_ALL, vmid, candidate, &v, e);
	if (r < 0)
		return r;
	r = policy_evaluate(&v.in, &f, e);
	if (r < 0)
		goto out;
	for (size_t i = 0; i < f.n && out->n < ASSIGN_MAX_FINDINGS; i++) {
		const struct policy_finding *pf = &f.v[i];
		const struct policy_rule *rule = policy_rule_get(pf->rule);

		if (pf->vmid != vmid || strcmp(pf->key, new_key) != 0 ||
		    pf->severity < POLICY_SEVERITY_WARNING)
			continue;
		snprintf(out->v[out->n].rule, sizeof(out->v[out->n].rule), "%s", rule->name);
		out->v[out->n].refuses = pf->severity >= POLICY_SEVERITY_ERROR;
		snprintf(out->v[out->n].message, sizeof(out->v[out->n].message), "%s", pf->message);
		snprintf(out->v[out->n].hint, sizeof(out->v[out->n].hint), "%s", pf->hint);
		out->n++;
	}
out:
	policy_findings_free(&f);
	assign_view_free(&v);
	return r;
}
