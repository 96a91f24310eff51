/* assign/check.c - the guard's own rules on the candidate: builds the policy input with the target VM
 * as it would start after the change (main, with [PENDING] applied and the new entry) and every other
 * VM of the node as it is, runs policy/ in guard mode, and turns the findings about the new entry
 * into the plan's findings (error = refusal).  Pure: no I/O, no printing. */
#include "assign/check.h"

#include "assign/entries.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct vm_build {
	struct policy_section sections[64];
	size_t n_sections;
	struct policy_hostpci *hps; /* all sections' entries, one allocation */
	size_t n_hps, cap_hps;
	char errors[64][256];
	size_t n_errors;
};

static bool is_hostpci(const char *key)
{
	int n = 0;

	if (strncmp(key, "hostpci", 7) != 0 || !key[7])
		return false;
	for (const char *c = key + 7; *c; c++) {
		if (*c < '0' || *c > '9')
			return false;
		n = n * 10 + (*c - '0');
	}
	return n < PVECONF_HOSTPCI_MAX;
}

static int hp_add(struct vm_build *b, const char *key, const char *value, unsigned line)
{
	struct policy_hostpci *hp;
	struct util_err err = {0};

	if (b->n_hps == b->cap_hps)
		return -ENOSPC; /* sized by the caller */
	hp = &b->hps[b->n_hps++];
	memset(hp, 0, sizeof(*hp));
	hp->key = key;
	hp->value = value;
	hp->line = line;
	hp->valid = pveconf_hostpci_parse(value, &hp->parsed, &err) == 0;
	if (!hp->valid) {
		size_t i = b->n_errors < 64 ? b->n_errors++ : 63;

		snprintf(b->errors[i], sizeof(b->errors[i]), "%.255s", err.msg);
		hp->error = b->errors[i];
	}
	return 0;
}

static size_t count_entries(const struct pveconf_vm *conf)
{
	size_t n = 0, ns = pveconf_vm_section_count(conf);

	for (size_t s = 0; s < ns; s++) {
		const struct pveconf_kv *kv;
		size_t nk = pveconf_vm_keys(conf, s, &kv);

		for (size_t k = 0; k < nk; k++)
			n += is_hostpci(kv[k].key);
	}
	return n + PVECONF_HOSTPCI_MAX;
}

/* Every section as it is (other VMs). */
static int build_as_is(const struct pveconf_vm *conf, struct vm_build *b)
{
	size_t ns = pveconf_vm_section_count(conf);

	b->cap_hps = count_entries(conf);
	b->hps = calloc(b->cap_hps, sizeof(*b->hps));
	if (!b->hps)
		return -ENOMEM;
	for (size_t s = 0; s < ns && b->n_sections < 64; s++) {
		const struct pveconf_section *sec = pveconf_vm_section(conf, s);
		struct policy_section *ps;
		const struct pveconf_kv *kv;
		size_t nk = pveconf_vm_keys(conf, s, &kv), first = b->n_hps;
		const char *secname = sec->kind == PVECONF_SECTION_MAIN ? NULL : sec->name;

		if (sec->kind == PVECONF_SECTION_SPECIAL)
			continue;
		for (size_t k = 0; k < nk; k++)
			if (is_hostpci(kv[k].key))
				hp_add(b, kv[k].key, kv[k].value, kv[k].line);
		ps = &b->sections[b->n_sections++];
		ps->kind = sec->kind == PVECONF_SECTION_MAIN      ? POLICY_SECTION_MAIN
		           : sec->kind == PVECONF_SECTION_PENDING ? POLICY_SECTION_PENDING
		                                                  : POLICY_SECTION_SNAPSHOT;
		ps->name = sec->kind == PVECONF_SECTION_SNAPSHOT ? sec->name : NULL;
		ps->hostpci = b->hps + first;
		ps->n_hostpci = b->n_hps - first;
		ps->machine = pveconf_vm_get(conf, secname, "machine", NULL);
		ps->vga = pveconf_vm_get(conf, secname, "vga", NULL);
	}
	return 0;
}

/* The main section as the VM will start: [PENDING] values over main, pending deletes applied. */
static const char *next_get(const struct pveconf_vm *conf, const char *key, unsigned *line)
{
	bool force;
	const char *v = NULL;

	if (pveconf_vm_section_find(conf, "PENDING") >= 0)
		v = pveconf_vm_get(conf, "PENDING", key, line);
	if (v)
		return v;
	if (pveconf_vm_pending_deletes(conf, key, &force))
		return NULL;
	return pveconf_vm_get(conf, NULL, key, line);
}

static int build_next_start(const struct pveconf_vm *conf, struct vm_build *b)
{
	struct policy_section *ps = &b->sections[0];
	static const char *const keys[PVECONF_HOSTPCI_MAX] = {
	        "hostpci0",  "hostpci1",  "hostpci2",  "hostpci3", "hostpci4",  "hostpci5",
	        "hostpci6",  "hostpci7",  "hostpci8",  "hostpci9", "hostpci10", "hostpci11",
	        "hostpci12", "hostpci13", "hostpci14", "hostpci15"};

	b->cap_hps = PVECONF_HOSTPCI_MAX;
	b->hps = calloc(b->cap_hps, sizeof(*b->hps));
	if (!b->hps)
		return -ENOMEM;
	for (int i = 0; i < PVECONF_HOSTPCI_MAX; i++) {
		unsigned line = 0;
		const char *v = next_get(conf, keys[i], &line);

		if (v)
			hp_add(b, keys[i], v, line);
	}
	ps->kind = POLICY_SECTION_MAIN;
	ps->hostpci = b->hps;
	ps->n_hostpci = b->n_hps;
	ps->machine = next_get(conf, "machine", NULL);
	ps->vga = next_get(conf, "vga", NULL);
	b->n_sections = 1;
	return 0;
}

int assign_check_policy(const struct assign_input *in, unsigned vmid,
                        const struct pveconf_vm *candidate, const char *new_key,
                        struct assign_check *out, struct util_err *e)
{
	struct policy_input pin;
	struct policy_vm *pvms = NULL;
	struct vm_build *builds = NULL;
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
		r = util_err_set(e, -ENOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < in->n_vms && r == 0; i++) {
		const struct assign_vm *vm = &in->vms[i];
		const struct pveconf_vm *conf = vm->vmid == vmid ? candidate : vm->conf;

		r = vm->vmid == vmid ? build_next_start(conf, &builds[i])
		                     : build_as_is(conf, &builds[i]);
		pvms[i].vmid = vm->vmid;
		pvms[i].node = in->node;
		pvms[i].running = vm->vmid == vmid ? false : vm->running;
		pvms[i].sections = builds[i].sections;
		pvms[i].n_sections = builds[i].n_sections;
		pvms[i].hookscript = NULL; /* judged by the guard at start, not by assign */
		pvms[i].hook_state = POLICY_HOOK_NONE;
		pvms[i].lock = assign_vm_lock(conf);
	}
	if (r < 0) {
		util_err_set(e, r, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < in->n_mappings; i++) {
		const struct assign_mapping *m = &in->mappings[i];

		maps[i].name = m->name;
		maps[i].maps = lines + li;
		maps[i].n_maps = m->n_alts;
		maps[i].mdev = m->mdev;
		for (size_t a = 0; a < m->n_alts; a++, li++) {
			lines[li].node = in->node;
			lines[li].path = m->alts[a].path;
			lines[li].id = m->alts[a].id;
			lines[li].subsystem_id =
			        m->alts[a].subsystem_id[0] ? m->alts[a].subsystem_id : NULL;
			lines[li].iommugroup = m->alts[a].iommugroup;
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
		free(builds[i].hps);
	free(builds);
	free(pvms);
	free(maps);
	free(lines);
	return r;
}
