/* assign/check.c - the guard's own rules on the candidate: builds the policy input with the target VM
 * as it would start after the change (main, with [PENDING] applied and the new entry) and every other
 * VM of the node as it is, runs policy/ in guard mode, and turns the findings about the new entry
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
	struct policy_input pin;
	struct policy_vm *pvms = NULL;
	struct policy_vm_build *builds = NULL;
	struct policy_mapping *maps = NULL;
	struct policy_map_line *lines = NULL;
	size_t n_lines = 0, li = 0;
	struct policy_findings f = {0};
	int r = 0;

	memset(out, 0, sizeof(*out));
	pvms = calloc(in->n_vms ? in->n_vms : 1, sizeof(*pvms));
	builds = calloc(in->n_vms ? in->n_vms : 1, sizeof(*builds));
	for (size_t i = 0; i < in->n_mappings; i++)
		n_lines += in->mappings[i].n_alts;
	maps = calloc(in->n_mappings ? in->n_mappings : 1, sizeof(*maps));
	lines = calloc(n_lines ? n_lines : 1, sizeof(*lines));
	if (!pvms || !builds || !maps || !lines) {
		r = util_err_set(e, -ENOMEM, _("out of memory"));
		goto out;
	}
	for (size_t i = 0; i < in->n_vms && r == 0; i++) {
		const struct assign_vm *vm = &in->vms[i];
		const struct pveconf_vm *conf = vm->vmid == vmid ? candidate : vm->conf;

		r = policy_vm_build(conf, vm->vmid, in->node,
		                    vm->vmid == vmid ? POLICY_BUILD_NEXT_START : POLICY_BUILD_ALL,
		                    &builds[i], e);
		pvms[i] = builds[i].vm;
		pvms[i].running = vm->vmid == vmid ? false : vm->running;
		pvms[i].hookscript = NULL; /* judged by the guard at start, not by assign */
		pvms[i].hook_state = POLICY_HOOK_NONE;
	}
	if (r < 0)
		goto out;
	for (size_t i = 0; i < in->n_mappings; i++) {
		const struct assign_mapping *m = &in->mappings[i];

		maps[i].name = m->name;
		maps[i].maps = lines + li;
		maps[i].n_maps = m->n_alts;
		maps[i].mdev = m->mdev;
		for (size_t a = 0; a < m->n_alts; a++, li++) {
			lines[li].node = in->node;
			lines[li].path = m->alts[a].path;
			lines[li].ids = m->alts[a].ids;
			lines[li].n_ids = m->alts[a].n;
			lines[li].id = m->alts[a].id;
			lines[li].subsystem_id =
			        m->alts[a].subsystem_id[0] ? m->alts[a].subsystem_id : NULL;
			lines[li].iommugroup = m->alts[a].iommugroup;
			lines[li].line = m->alts[a].line;
			lines[li].iommugroup_text =
			        m->alts[a].iommugroup_text[0] ? m->alts[a].iommugroup_text : NULL;
			lines[li].raw = m->alts[a].raw[0] ? m->alts[a].raw : NULL;
		}
	}
	memset(&pin, 0, sizeof(pin));
	pin.mode = POLICY_MODE_GUARD;
	pin.guard_vmid = vmid;
	pin.node = in->node;
	pin.host = in->host;
	pin.vms = pvms;
	pin.n_vms = in->n_vms;
	pin.mappings = maps;
	pin.n_mappings = in->n_mappings;
	pin.reservations = in->reservations;
	pin.n_reservations = in->n_reservations;
	pin.severity = in->severity;
	r = policy_evaluate(&pin, &f, e);
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
	for (size_t i = 0; builds && i < in->n_vms; i++)
		policy_vm_build_free(&builds[i]);
	free(builds);
	free(pvms);
	free(maps);
	free(lines);
	return r;
}
