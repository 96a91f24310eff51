/* assign/entries.c - what plan.c, check.c and release.c share: the node as policy/ sees it (struct
 * assign_view: policy_vm_build's models, with the values PVE drops when asked), who names a
 * device (policy_uses_collect's expansion, never a loop of its own), findings, and the private
 * copy of a config that a plan edits.  Pure: no I/O, no printing. */
#include "assign/entries.h"
#include "util/i18n.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ small helpers */

bool assign_hostpci_index(const char *key, int *idx)
{
	char *end;
	long n;

	if (strncmp(key, "hostpci", 7) != 0 || !isdigit((unsigned char)key[7]))
		return false;
	n = strtol(key + 7, &end, 10);
	if (*end || n < 0 || n >= PVECONF_HOSTPCI_MAX || (key[7] == '0' && key[8]))
		return false;
	*idx = (int)n;
	return true;
}

const struct sysfs_device *assign_host_find(const struct sysfs_host *h, const char *bdf)
{
	for (size_t i = 0; h && i < h->n_devices; i++)
		if (strcmp(h->devices[i].bdf, bdf) == 0)
			return &h->devices[i];
	return NULL;
}

const struct assign_mapping *assign_mapping_find(const struct assign_input *in, const char *name)
{
	for (size_t i = 0; i < in->n_mappings; i++)
		if (strcmp(in->mappings[i].name, name) == 0)
			return &in->mappings[i];
	return NULL;
}

const struct assign_vm *assign_vm_find(const struct assign_input *in, unsigned vmid)
{
	for (size_t i = 0; i < in->n_vms; i++)
		if (in->vms[i].vmid == vmid)
			return &in->vms[i];
	return NULL;
}

void assign_refuse_locked(struct assign_plan *p, unsigned vmid, const char *lock)
{
	assign_finding_add(p, "vm-locked", true,
	                   _("wait for the task that holds it to finish; if none is running, "
	                     "`qm unlock VMID` clears it"),
	                   _("VM %u is locked (%s): PVE refuses config changes while it is"), vmid,
	                   lock);
}

void assign_finding_add(struct assign_plan *p, const char *rule, bool refuses, const char *hint,
                        const char *fmt, ...)
{
	struct assign_finding *f;
	va_list ap;

	if (p->n_findings >= ASSIGN_MAX_FINDINGS)
		return;
	/* a rule the guard also has follows the settings' severity for it, as the guard does */
	if (p->severity && policy_rule_find(rule)) {
		enum policy_severity sev = p->severity[policy_rule_find(rule)->id];

		if (sev == POLICY_SEVERITY_OFF)
			return;
		refuses = refuses && sev >= POLICY_SEVERITY_ERROR;
	}
	f = &p->findings[p->n_findings++];
	snprintf(f->rule, sizeof(f->rule), "%s", rule);
	f->refuses = refuses;
	snprintf(f->hint, sizeof(f->hint), "%s", hint ? hint : "");
	va_start(ap, fmt);
	vsnprintf(f->message, sizeof(f->message), fmt, ap);
	va_end(ap);
	if (refuses)
		p->outcome = ASSIGN_OUTCOME_REFUSED;
}

/* ------------------------------------------------------------------ who names what */

int assign_view_build(const struct assign_input *in, enum policy_build_view view, unsigned vmid,
                      const struct pveconf_vm *candidate, struct assign_view *v, struct util_err *e)
{
	size_t n_lines = 0, li = 0;
	int r = 0;

	memset(v, 0, sizeof(*v));
	v->vms = calloc(in->n_vms ? in->n_vms : 1, sizeof(*v->vms));
	v->builds = calloc(in->n_vms ? in->n_vms : 1, sizeof(*v->builds));
	for (size_t i = 0; i < in->n_mappings; i++)
		n_lines += in->mappings[i].n_alts;
	v->maps = calloc(in->n_mappings ? in->n_mappings : 1, sizeof(*v->maps));
	v->lines = calloc(n_lines ? n_lines : 1, sizeof(*v->lines));
	if (!v->vms || !v->builds || !v->maps || !v->lines) {
		assign_view_free(v);
		return util_err_set(e, -ENOMEM, _("out of memory"));
	}
	v->in = (struct policy_input){
	        .mode = candidate ? POLICY_MODE_GUARD : POLICY_MODE_AUDIT,
	        .guard_vmid = vmid,
	        .node = in->node,
	        .host = in->host,
	        .vms = v->vms,
	        .n_vms = in->n_vms,
	        .mappings = v->maps,
	        .n_mappings = in->n_mappings,
	        .reservations = in->reservations,
	        .n_reservations = in->n_reservations,
	        .severity = in->severity,
	};
	for (size_t i = 0; i < in->n_vms && r == 0; i++) {
		const struct assign_vm *vm = &in->vms[i];
		bool cand = candidate && vm->vmid == vmid;

		r = policy_vm_build(cand ? candidate : vm->conf, vm->vmid, in->node,
		                    cand ? POLICY_BUILD_NEXT_START : view, &v->builds[i], e);
		v->vms[i] = v->builds[i].vm;
		v->vms[i].running = cand ? false : vm->running;
		v->vms[i].hookscript = NULL; /* judged by the guard at start, not by assign */
		v->vms[i].hook_state = POLICY_HOOK_NONE;
	}
	for (size_t i = 0; i < in->n_mappings; i++) {
		const struct assign_mapping *m = &in->mappings[i];

		v->maps[i].name = m->name;
		v->maps[i].maps = v->lines + li;
		v->maps[i].n_maps = m->n_alts;
		v->maps[i].mdev = m->mdev;
		for (size_t a = 0; a < m->n_alts; a++, li++) {
			const struct assign_mapping_alt *alt = &m->alts[a];

			v->lines[li] = (struct policy_map_line){
			        .node = in->node,
			        .path = alt->path,
			        .ids = alt->ids,
			        .n_ids = alt->n,
			        .id = alt->id,
			        .subsystem_id = alt->subsystem_id[0] ? alt->subsystem_id : NULL,
			        .iommugroup = alt->iommugroup,
			        .line = alt->line,
			        .iommugroup_text =
			                alt->iommugroup_text[0] ? alt->iommugroup_text : NULL,
			        .raw = alt->raw[0] ? alt->raw : NULL,
			};
		}
	}
	if (r == 0 && view == POLICY_BUILD_ALL_DROPPED)
		r = policy_uses_collect(&v->in, POLICY_USES_DROPPED, &v->uses, e);
	if (r < 0)
		assign_view_free(v);
	return r;
}

void assign_view_free(struct assign_view *v)
{
	for (size_t i = 0; v->builds && i < v->in.n_vms; i++)
		policy_vm_build_free(&v->builds[i]);
	policy_uses_free(&v->uses);
	free(v->builds);
	free(v->vms);
	free(v->maps);
	free(v->lines);
	memset(v, 0, sizeof(*v));
}

void assign_hostpci_where(const struct policy_section *sec, const char *key, char *buf, size_t n)
{
	if (sec->kind == POLICY_SECTION_MAIN)
		snprintf(buf, n, "%s", key);
	else if (sec->kind == POLICY_SECTION_PENDING)
		snprintf(buf, n, "[PENDING] %s", key);
	else
		snprintf(buf, n, _("snapshot '%s' %s"), sec->name, key);
}

/* How a use passes bdf: "every function of the slot", "in a ';' list", "through its mapping" or
 * "" (its one id). */
static const char *use_how(const struct policy_use *u)
{
	const struct pveconf_hostpci *h = &u->hp->parsed;

	if (h->mapping[0])
		return _("through its mapping");
	for (size_t i = 0; i < h->n_ids; i++)
		if (pveconf_pci_id_match(&h->ids[i], u->bdf))
			return !h->ids[i].has_function ? _("every function of the slot")
			       : h->n_ids > 1          ? _("in a ';' list")
			                               : "";
	return "";
}

size_t assign_holders_of(const struct assign_view *v, unsigned skip, const char *bdf,
                         struct util_buf *out)
{
	size_t count = 0;

	for (size_t i = 0; i < v->uses.n; i++) {
		const struct policy_use *u = &v->uses.v[i];
		const char *how;
		char where[160], note[256] = "";

		if (u->mdev || u->vm->vmid == skip || strcmp(u->bdf, bdf) != 0)
			continue;
		how = use_how(u);
		if (out) {
			if (*how && !u->hp->valid)
				snprintf(note, sizeof(note), _("%s; PVE drops the value"), how);
			else if (*how)
				snprintf(note, sizeof(note), "%s", how);
			else if (!u->hp->valid)
				snprintf(note, sizeof(note), "%s", _("PVE drops the value"));
			assign_hostpci_where(u->sec, u->hp->key, where, sizeof(where));
			util_buf_addf(out, "%s", count ? _(", ") : "");
			util_buf_addf(out, _("VM %u %s"), u->vm->vmid, where);
			if (note[0])
				util_buf_addf(out, _(" (%s)"), note);
		}
		count++;
	}
	/* PVE's own reservations: a VM that starts or runs with it, whatever its config says now */
	for (size_t i = 0; i < v->in.n_reservations; i++) {
		if (v->in.reservations[i].vmid == skip ||
		    strcmp(v->in.reservations[i].bdf, bdf) != 0)
			continue;
		if (out) {
			util_buf_addf(out, "%s", count ? _(", ") : "");
			util_buf_addf(out, _("VM %u (pci-id-reservations)"),
			              v->in.reservations[i].vmid);
		}
		count++;
	}
	return count;
}

int assign_conf_copy(const struct pveconf_vm *conf, struct assign_plan *p, struct pveconf_vm **out,
                     struct util_err *e)
{
	struct util_buf b = {0};
	int r = pveconf_vm_serialize(conf, &b);

	if (r < 0) {
		util_buf_free(&b);
		return util_err_set(e, r, _("cannot serialise the config of VM %u"), p->vmid);
	}
	p->before_len = b.len;
	p->before = util_buf_steal(&b);
	if (!p->before)
		p->before = strdup("");
	if (!p->before)
		return util_err_set(e, -ENOMEM, _("out of memory"));
	return pveconf_vm_parse(p->before, p->before_len, "config", out, e);
}

int assign_conf_finish(struct pveconf_vm *copy, struct assign_plan *p, struct util_err *e)
{
	struct util_buf b = {0};
	int r = pveconf_vm_serialize(copy, &b);

	if (r < 0) {
		util_buf_free(&b);
		return util_err_set(e, r, _("cannot serialise the new config of VM %u"), p->vmid);
	}
	p->after_len = b.len;
	p->after = util_buf_steal(&b);
	if (!p->after)
		p->after = strdup("");
	return p->after ? 0 : util_err_set(e, -ENOMEM, _("out of memory"));
}
