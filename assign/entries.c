/* assign/entries.c - what plan.c and release.c share: every hostpci entry of a VM in every section
 * (values PVE drops included, read from the file's bytes), who names a device, findings, and the
 * private copy of a config that a plan edits.  Pure: no I/O, no printing. */
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

/* Parses a hostpci value as PVE does; a value PVE rejects only because of blanks ("0000:00:02.3,
 * pcie=1", PVE drops it) is read without them, so the device a person meant still counts as used. */
int assign_hostpci_parse_lenient(const char *value, struct pveconf_hostpci *h, bool *lenient)
{
	char tmp[1024];
	size_t n = 0;

	*lenient = false;
	if (pveconf_hostpci_parse(value, h, NULL) == 0)
		return 0;
	for (const char *s = value; *s && n + 1 < sizeof(tmp); s++)
		if (!isspace((unsigned char)*s))
			tmp[n++] = *s;
	tmp[n] = '\0';
	if (pveconf_hostpci_parse(tmp, h, NULL) < 0)
		return -EINVAL;
	*lenient = true;
	return 0;
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

/* The value of a line PVE drops, from the file's bytes ("hostpci0: 0000:00:02.3, pcie=1"). */
static bool raw_value(const char *data, size_t len, unsigned line, const char *key, char *buf,
                      size_t n)
{
	const char *p = data, *end = data + len, *eol;
	size_t kl = strlen(key);

	for (unsigned l = 1; l < line && p < end; l++) {
		p = memchr(p, '\n', (size_t)(end - p));
		p = p ? p + 1 : end;
	}
	if (p >= end)
		return false;
	eol = memchr(p, '\n', (size_t)(end - p));
	eol = eol ? eol : end;
	if ((size_t)(eol - p) <= kl || strncmp(p, key, kl) != 0 || p[kl] != ':')
		return false;
	p += kl + 1;
	while (p < eol && isspace((unsigned char)*p))
		p++;
	while (eol > p && isspace((unsigned char)eol[-1]))
		eol--;
	snprintf(buf, n, "%.*s", (int)(eol - p), p);
	return eol > p;
}

void assign_vm_entries(const struct assign_vm *vm,
                       bool (*fn)(const struct assign_entry *en, void *arg), void *arg)
{
	size_t ns = pveconf_vm_section_count(vm->conf);
	const struct pveconf_diag *diags;
	size_t nd = pveconf_vm_diags(vm->conf, &diags);
	struct util_buf bytes = {0};

	for (size_t s = 0; s < ns; s++) {
		const struct pveconf_section *sec = pveconf_vm_section(vm->conf, s);
		const struct pveconf_kv *kv;
		size_t nk = pveconf_vm_keys(vm->conf, s, &kv);

		for (size_t k = 0; k < nk; k++) {
			struct assign_entry en;

			memset(&en, 0, sizeof(en));
			if (!assign_hostpci_index(kv[k].key, &en.index))
				continue;
			en.vm = vm;
			en.section = sec->name;
			en.kind = sec->kind;
			en.key = kv[k].key;
			en.value = kv[k].value;
			en.parsed =
			        assign_hostpci_parse_lenient(kv[k].value, &en.h, &en.lenient) == 0;
			if (!fn(&en, arg))
				goto out;
		}
		/* values PVE drops still tell which device a person meant: count them as used */
		for (size_t d = 0; d < nd; d++) {
			struct assign_entry en;
			char value[512];
			const char *sname = diags[d].section ? diags[d].section : "main";

			memset(&en, 0, sizeof(en));
			if (!pveconf_diag_is_loss(diags[d].kind) || !diags[d].key ||
			    !assign_hostpci_index(diags[d].key, &en.index) ||
			    strcmp(sname, sec->name) != 0 ||
			    pveconf_vm_get(vm->conf, s == 0 ? NULL : sec->name, diags[d].key, NULL))
				continue;
			if (!bytes.s && pveconf_vm_serialize(vm->conf, &bytes) < 0)
				goto out;
			if (!raw_value(util_buf_str(&bytes), bytes.len, diags[d].line, diags[d].key,
			               value, sizeof(value)))
				continue;
			en.vm = vm;
			en.section = sec->name;
			en.kind = sec->kind;
			en.key = diags[d].key;
			en.value = value;
			en.parsed = assign_hostpci_parse_lenient(value, &en.h, &en.lenient) == 0;
			en.lenient = true;
			if (!fn(&en, arg))
				goto out;
		}
	}
out:
	util_buf_free(&bytes);
}

void assign_entry_where(const struct assign_entry *en, char *buf, size_t n)
{
	if (en->kind == PVECONF_SECTION_MAIN)
		snprintf(buf, n, "%s", en->key);
	else if (en->kind == PVECONF_SECTION_PENDING)
		snprintf(buf, n, "[PENDING] %s", en->key);
	else
		snprintf(buf, n, _("snapshot '%s' %s"), en->section, en->key);
}

/* Does this entry pass (not as an mdev parent) the device bdf?  How, in *how. */
static bool entry_names(const struct assign_input *in, const struct assign_entry *en,
                        const char *bdf, const char **how)
{
	if (!en->parsed || en->h.mdev[0])
		return false;
	for (size_t i = 0; i < en->h.n_ids; i++) {
		if (pveconf_pci_id_match(&en->h.ids[i], bdf)) {
			*how = !en->h.ids[i].has_function ? _("every function of the slot")
			       : en->h.n_ids > 1          ? _("in a ';' list")
			                                  : "";
			return true;
		}
	}
	if (en->h.mapping[0]) {
		const struct assign_mapping *m = assign_mapping_find(in, en->h.mapping);

		for (size_t a = 0; m && a < m->n_alts; a++)
			for (size_t j = 0; j < m->alts[a].n; j++)
				if (strcmp(m->alts[a].bdfs[j], bdf) == 0) {
					*how = _("through its mapping");
					return true;
				}
	}
	return false;
}

struct holders {
	const struct assign_input *in;
	const char *bdf;
	struct util_buf *out; /* "VM 100 hostpci0, VM 103 hostpci0 (every function of the slot)" */
	size_t count;
};

static bool holders_cb(const struct assign_entry *en, void *arg)
{
	struct holders *h = arg;
	const char *how = "";
	char where[160];

	if (!entry_names(h->in, en, h->bdf, &how))
		return true;
	assign_entry_where(en, where, sizeof(where));
	if (h->out) {
		char note[256] = "";

		if (*how && en->lenient)
			snprintf(note, sizeof(note), _("%s; PVE drops the value"), how);
		else if (*how)
			snprintf(note, sizeof(note), "%s", how);
		else if (en->lenient)
			snprintf(note, sizeof(note), "%s", _("PVE drops the value"));
		util_buf_addf(h->out, "%s", h->count ? _(", ") : "");
		util_buf_addf(h->out, _("VM %u %s"), en->vm->vmid, where);
		if (note[0])
			util_buf_addf(h->out, _(" (%s)"), note);
	}
	h->count++;
	return true;
}

/* How many entries of VMs other than skip name bdf; their list in out (may be NULL). */
size_t assign_holders_of(const struct assign_input *in, unsigned skip, const char *bdf,
                         struct util_buf *out)
{
	struct holders h = {in, bdf, out, 0};

	for (size_t i = 0; i < in->n_vms; i++)
		if (in->vms[i].vmid != skip)
			assign_vm_entries(&in->vms[i], holders_cb, &h);
	/* PVE's own reservations: a VM that starts or runs with it, whatever its config says now */
	for (size_t i = 0; i < in->n_reservations; i++) {
		if (in->reservations[i].vmid == skip || strcmp(in->reservations[i].bdf, bdf) != 0)
			continue;
		if (out) {
			util_buf_addf(out, "%s", h.count ? _(", ") : "");
			util_buf_addf(out, _("VM %u (pci-id-reservations)"),
			              in->reservations[i].vmid);
		}
		h.count++;
	}
	return h.count;
}

bool assign_entry_live(const struct assign_entry *en)
{
	bool force;

	if (en->kind == PVECONF_SECTION_PENDING)
		return true;
	if (en->kind != PVECONF_SECTION_MAIN)
		return false;
	/* a main entry marked for deletion in [PENDING] goes away at the next start */
	return !pveconf_vm_pending_deletes(en->vm->conf, en->key, &force);
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
