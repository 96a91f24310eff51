/* assign/plan.c - the plan of an assign or release: which hostpciN key, which canonical value, which
 * section, chosen how, allowed or refused by which rule.  Pure: it reads the struct assign_input the
 * caller gathered (host snapshot, every VM config of the node, mappings) and edits a private copy of
 * the target config to produce the before/after bytes.  Must not read or write any file, nor print. */
#include "assign/assign.h"

#include "assign/check.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ small helpers */

static bool hostpci_index(const char *key, int *idx)
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
static int hostpci_parse_lenient(const char *value, struct pveconf_hostpci *h, bool *lenient)
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

static const struct sysfs_device *host_find(const struct sysfs_host *h, const char *bdf)
{
	for (size_t i = 0; h && i < h->n_devices; i++)
		if (strcmp(h->devices[i].bdf, bdf) == 0)
			return &h->devices[i];
	return NULL;
}

static const struct assign_mapping *mapping_find(const struct assign_input *in, const char *name)
{
	for (size_t i = 0; i < in->n_mappings; i++)
		if (strcmp(in->mappings[i].name, name) == 0)
			return &in->mappings[i];
	return NULL;
}

static const struct assign_vm *vm_find(const struct assign_input *in, unsigned vmid)
{
	for (size_t i = 0; i < in->n_vms; i++)
		if (in->vms[i].vmid == vmid)
			return &in->vms[i];
	return NULL;
}

static bool is_igpu(const struct sysfs_device *d)
{
	return d->vendor == 0x8086 && (d->class_code >> 16) == 0x03;
}

/* "0000:00:02.3" -> "02.3" when in bus 00 of domain 0000, for compact lists. */
static const char *short_bdf(const char *bdf)
{
	return strncmp(bdf, "0000:00:", 8) == 0 ? bdf + 8 : bdf;
}

static void finding_add(struct assign_plan *p, const char *rule, bool refuses, const char *hint,
                        const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void finding_add(struct assign_plan *p, const char *rule, bool refuses, const char *hint,
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

/* Calls fn for every hostpci entry of a VM, in every section PVE keeps. */
struct entry {
	const struct assign_vm *vm;
	const char *section; /* "main", "PENDING", snapshot name */
	enum pveconf_section_kind kind;
	const char *key;
	const char *value;
	int index;
	struct pveconf_hostpci h;
	bool parsed, lenient;
};

typedef bool (*entry_fn)(const struct entry *en, void *arg); /* false = stop */

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

static void vm_entries(const struct assign_vm *vm, entry_fn fn, void *arg)
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
			struct entry en;

			memset(&en, 0, sizeof(en));
			if (!hostpci_index(kv[k].key, &en.index))
				continue;
			en.vm = vm;
			en.section = sec->name;
			en.kind = sec->kind;
			en.key = kv[k].key;
			en.value = kv[k].value;
			en.parsed = hostpci_parse_lenient(kv[k].value, &en.h, &en.lenient) == 0;
			if (!fn(&en, arg))
				goto out;
		}
		/* values PVE drops still tell which device a person meant: count them as used */
		for (size_t d = 0; d < nd; d++) {
			struct entry en;
			char value[512];
			const char *sname = diags[d].section ? diags[d].section : "main";

			memset(&en, 0, sizeof(en));
			if (diags[d].kind != PVECONF_DIAG_DROPPED || !diags[d].key ||
			    !hostpci_index(diags[d].key, &en.index) ||
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
			en.parsed = hostpci_parse_lenient(value, &en.h, &en.lenient) == 0;
			en.lenient = true;
			if (!fn(&en, arg))
				goto out;
		}
	}
out:
	util_buf_free(&bytes);
}

static void where_of(const struct entry *en, char *buf, size_t n)
{
	if (en->kind == PVECONF_SECTION_MAIN)
		snprintf(buf, n, "%s", en->key);
	else if (en->kind == PVECONF_SECTION_PENDING)
		snprintf(buf, n, "[PENDING] %s", en->key);
	else
		snprintf(buf, n, "snapshot '%s' %s", en->section, en->key);
}

/* Does this entry pass (not as an mdev parent) the device bdf?  How, in *how. */
static bool entry_names(const struct assign_input *in, const struct entry *en, const char *bdf,
                        const char **how)
{
	if (!en->parsed || en->h.mdev[0])
		return false;
	for (size_t i = 0; i < en->h.n_ids; i++) {
		if (pveconf_pci_id_match(&en->h.ids[i], bdf)) {
			*how = !en->h.ids[i].has_function ? "every function of the slot"
			       : en->h.n_ids > 1          ? "in a ';' list"
			                                  : "";
			return true;
		}
	}
	if (en->h.mapping[0]) {
		const struct assign_mapping *m = mapping_find(in, en->h.mapping);

		for (size_t a = 0; m && a < m->n_alts; a++)
			for (size_t j = 0; j < m->alts[a].n; j++)
				if (strcmp(m->alts[a].bdfs[j], bdf) == 0) {
					*how = "through its mapping";
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

static bool holders_cb(const struct entry *en, void *arg)
{
	struct holders *h = arg;
	const char *how = "";
	char where[160];

	if (!entry_names(h->in, en, h->bdf, &how))
		return true;
	where_of(en, where, sizeof(where));
	if (h->out)
		util_buf_addf(h->out, "%sVM %u %s%s%s%s%s", h->count ? ", " : "", en->vm->vmid,
		              where, *how || en->lenient ? " (" : "", how,
		              en->lenient ? (*how ? "; PVE drops the value" : "PVE drops the value")
		                          : "",
		              *how || en->lenient ? ")" : "");
	h->count++;
	return true;
}

/* How many entries of VMs other than skip name bdf; their list in out (may be NULL). */
static size_t holders_of(const struct assign_input *in, unsigned skip, const char *bdf,
                         struct util_buf *out)
{
	struct holders h = {in, bdf, out, 0};

	for (size_t i = 0; i < in->n_vms; i++)
		if (in->vms[i].vmid != skip)
			vm_entries(&in->vms[i], holders_cb, &h);
	/* PVE's own reservations: a VM that starts or runs with it, whatever its config says now */
	for (size_t i = 0; i < in->n_reservations; i++) {
		if (in->reservations[i].vmid == skip || strcmp(in->reservations[i].bdf, bdf) != 0)
			continue;
		if (out)
			util_buf_addf(out, "%sVM %u (pci-id-reservations)", h.count ? ", " : "",
			              in->reservations[i].vmid);
		h.count++;
	}
	return h.count;
}

/* ------------------------------------------------------------------ mdev accounting */

struct mdev_need {
	const struct assign_input *in;
	const char *parent, *type;
	unsigned skip;
	size_t count;
	unsigned seen_vmid;
	unsigned seen_mask; /* hostpci indexes already counted for seen_vmid */
	struct util_buf *who;
};

static bool mdev_live(const struct sysfs_host *h, int index, unsigned vmid)
{
	char uuid[40];

	snprintf(uuid, sizeof(uuid), "%08d-0000-0000-0000-%012u", index, vmid);
	for (size_t i = 0; i < h->n_mdevs; i++)
		if (strcmp(h->mdevs[i].uuid, uuid) == 0)
			return true;
	return false;
}

static bool mdev_need_cb(const struct entry *en, void *arg)
{
	struct mdev_need *m = arg;

	if (!en->parsed || strcmp(en->h.mdev, m->type) != 0 || en->h.n_ids == 0 ||
	    !pveconf_pci_id_match(&en->h.ids[0], m->parent))
		return true;
	if (en->kind != PVECONF_SECTION_MAIN && en->kind != PVECONF_SECTION_PENDING)
		return true; /* a snapshot only matters after a rollback */
	if (m->seen_vmid != en->vm->vmid) {
		m->seen_vmid = en->vm->vmid;
		m->seen_mask = 0;
	}
	if (m->seen_mask & (1u << en->index))
		return true; /* main and [PENDING] of the same key need one instance */
	m->seen_mask |= 1u << en->index;
	if (mdev_live(m->in->host, en->index, en->vm->vmid))
		return true; /* its instance exists: already out of available_instances */
	if (m->who)
		util_buf_addf(m->who, "%sVM %u %s", m->count ? ", " : "", en->vm->vmid, en->key);
	m->count++;
	return true;
}

/* Instances of type under parent that other VMs configured for it still need. */
static size_t mdev_needs(const struct assign_input *in, unsigned skip, const char *parent,
                         const char *type, struct util_buf *who)
{
	struct mdev_need m = {in, parent, type, skip, 0, 0, 0, who};

	for (size_t i = 0; i < in->n_vms; i++)
		if (in->vms[i].vmid != skip)
			vm_entries(&in->vms[i], mdev_need_cb, &m);
	return m.count;
}

/* ------------------------------------------------------------------ the target VM */

struct already {
	const struct assign_request *req;
	const char *pf; /* VF auto: any VF of this PF; mdev: parent */
	const struct sysfs_host *host;
	char found[256];
};

static bool entry_is_live(const struct entry *en)
{
	bool force;

	if (en->kind == PVECONF_SECTION_PENDING)
		return true;
	if (en->kind != PVECONF_SECTION_MAIN)
		return false;
	/* a main entry marked for deletion in [PENDING] goes away at the next start */
	return !pveconf_vm_pending_deletes(en->vm->conf, en->key, &force);
}

static bool already_cb(const struct entry *en, void *arg)
{
	struct already *a = arg;
	const struct assign_request *r = a->req;
	char where[160];
	bool hit = false;

	if (!entry_is_live(en) || !en->parsed || en->lenient)
		return true; /* a value PVE drops is not assigned */
	switch (r->kind) {
	case ASSIGN_KIND_VF:
		if (en->h.mdev[0] || en->h.n_ids != 1 || !en->h.ids[0].has_function)
			break;
		if (r->vf[0]) {
			hit = pveconf_pci_id_match(&en->h.ids[0], r->vf);
		} else if (a->pf) {
			const struct sysfs_device *pf = host_find(a->host, a->pf);

			for (size_t i = 0; pf && i < pf->n_vfs && !hit; i++)
				hit = pveconf_pci_id_match(&en->h.ids[0], pf->vfs[i]);
		}
		break;
	case ASSIGN_KIND_MDEV:
		hit = en->h.mdev[0] && en->h.n_ids > 0 && a->pf &&
		      pveconf_pci_id_match(&en->h.ids[0], a->pf) &&
		      (!r->mdev[0] || strcmp(r->mdev, en->h.mdev) == 0);
		break;
	case ASSIGN_KIND_MAPPING: hit = strcmp(en->h.mapping, r->mapping) == 0; break;
	case ASSIGN_KIND_RELEASE: break;
	}
	if (!hit)
		return true;
	where_of(en, where, sizeof(where));
	snprintf(a->found, sizeof(a->found), "%s: %s", where, en->value);
	return false;
}

/* ------------------------------------------------------------------ choices */

/* The SR-IOV PF to take a VF from: --pf, or the one iGPU PF.  NULL with the plan's outcome set. */
static const struct sysfs_device *choose_pf(const struct assign_input *in,
                                            const struct assign_request *req, struct assign_plan *p)
{
	const struct sysfs_device *found = NULL;
	size_t n = 0, n_mdev = 0;
	struct util_buf list = {0};

	if (req->pf[0]) {
		found = host_find(in->host, req->pf);
		if (!found)
			finding_add(p, "device-missing", true,
			            "check the address with `pve-passthrough status`",
			            "--pf %s: no such device on node %s", req->pf, in->node);
		else if (found->role != SYSFS_ROLE_PF)
			finding_add(
			        p, "vf-unsupported", true,
			        "name the device whose VFs you want (`pve-passthrough status` shows "
			        "role pf)",
			        "--pf %s is not an SR-IOV physical function", req->pf);
		return p->outcome == ASSIGN_OUTCOME_REFUSED ? NULL : found;
	}
	for (size_t i = 0; i < in->host->n_devices; i++) {
		const struct sysfs_device *d = &in->host->devices[i];

		n_mdev += d->n_mdev_types > 0;
		if (d->role != SYSFS_ROLE_PF || !is_igpu(d))
			continue;
		util_buf_addf(&list, "%s%s", n ? ", " : "", d->bdf);
		found = d;
		n++;
	}
	if (n > 1) {
		snprintf(p->summary, sizeof(p->summary),
		         "several SR-IOV iGPU functions on this node (%s): say which with --pf BDF",
		         util_buf_str(&list));
		p->outcome = ASSIGN_OUTCOME_NEEDS_ARG;
		found = NULL;
	} else if (n == 0) {
		if (n_mdev)
			finding_add(
			        p, "vf-unsupported", true, "use --mdev TYPE|auto on this host",
			        "this host shares its iGPU through GVT-g (mdev types), not SR-IOV: it "
			        "has no VFs to assign");
		else
			finding_add(
			        p, "vf-unsupported", true,
			        "`pve-passthrough status` shows what the iGPU supports; `pve-passthrough "
			        "host setup sriov` enables VFs where it can",
			        "no SR-IOV capable iGPU on node %s", in->node);
	}
	util_buf_free(&list);
	return found;
}

/* The mdev parent: --pf, or the one device with mdev types. */
static const struct sysfs_device *choose_parent(const struct assign_input *in,
                                                const struct assign_request *req,
                                                struct assign_plan *p)
{
	const struct sysfs_device *found = NULL;
	size_t n = 0;
	struct util_buf list = {0};

	for (size_t i = 0; i < in->host->n_devices; i++) {
		const struct sysfs_device *d = &in->host->devices[i];

		if (d->n_mdev_types == 0 || (req->pf[0] && strcmp(d->bdf, req->pf) != 0))
			continue;
		util_buf_addf(&list, "%s%s", n ? ", " : "", d->bdf);
		found = d;
		n++;
	}
	if (n > 1) {
		snprintf(p->summary, sizeof(p->summary),
		         "several mdev parents on this node (%s): say which with --pf BDF",
		         util_buf_str(&list));
		p->outcome = ASSIGN_OUTCOME_NEEDS_ARG;
		found = NULL;
	} else if (n == 0) {
		if (req->pf[0] && host_find(in->host, req->pf))
			finding_add(p, "mdev-unsupported", true,
			            "GVT-g needs a Gen5-Gen10 iGPU with kvmgt loaded and "
			            "i915.enable_gvt=1 (`pve-passthrough host setup gvtg`)",
			            "%s offers no mdev types", req->pf);
		else if (req->pf[0])
			finding_add(p, "device-missing", true,
			            "check the address with `pve-passthrough status`",
			            "--pf %s: no such device on node %s", req->pf, in->node);
		else
			finding_add(
			        p, "mdev-unsupported", true,
			        "on an SR-IOV host use --vf auto; for GVT-g run `pve-passthrough "
			        "host setup gvtg` on a Gen5-Gen10 iGPU",
			        "no device on node %s offers mdev types (no GVT-g)", in->node);
	}
	util_buf_free(&list);
	return found;
}

static int choose_vf(const struct assign_input *in, const struct assign_request *req,
                     const struct sysfs_device *pf, struct assign_plan *p, char *out)
{
	struct util_buf held = {0};
	size_t existing = 0;

	if (pf->n_vfs == 0) {
		finding_add(p, "vf-none", true,
		            "enable VFs first (`pve-passthrough host setup sriov`, or echo N > "
		            "sriov_numvfs)",
		            "%s has no VFs enabled (sriov_numvfs %d)", pf->bdf, pf->numvfs);
		return 0;
	}
	for (size_t i = 0; i < pf->n_vfs; i++) {
		struct util_buf who = {0};

		if (!host_find(in->host, pf->vfs[i]))
			continue; /* a virtfn link without a device directory: not usable */
		existing++;
		if (holders_of(in, req->vmid, pf->vfs[i], &who) == 0) {
			strcpy(out, pf->vfs[i]);
			snprintf(p->why, sizeof(p->why),
			         "%s is the lowest-numbered VF of %s (VF %zu) "
			         "that no other VM config on node %s names%s%s",
			         out, pf->bdf, i, in->node, held.len ? "; taken before it: " : "",
			         util_buf_str(&held));
			util_buf_free(&who);
			util_buf_free(&held);
			return 0;
		}
		util_buf_addf(&held, "%s%s by %s", held.len ? "; " : "", short_bdf(pf->vfs[i]),
		              util_buf_str(&who));
		util_buf_free(&who);
	}
	finding_add(p, "vf-none-free", true,
	            "release one (`pve-passthrough release VMID --device BDF`), remove a stale "
	            "config entry, or enable more VFs",
	            "no free VF of %s on node %s: %s%s", pf->bdf, in->node,
	            existing ? "" : "none of its VFs exists", util_buf_str(&held));
	util_buf_free(&held);
	return 0;
}

static void choose_mdev(const struct assign_input *in, const struct assign_request *req,
                        const struct sysfs_device *parent, struct assign_plan *p, char *out,
                        size_t outn)
{
	struct util_buf others = {0};
	long best_left = 0;
	const struct sysfs_mdev_type *best = NULL;

	for (size_t i = 0; i < parent->n_mdev_types; i++) {
		const struct sysfs_mdev_type *t = &parent->mdev_types[i];
		struct util_buf who = {0};
		long needs, left;

		if (req->mdev[0] && strcmp(req->mdev, t->id) != 0 &&
		    strcmp(req->mdev, t->name) != 0)
			continue;
		needs = (long)mdev_needs(in, req->vmid, parent->bdf, t->id, &who);
		left = t->available < 0 ? 0 : t->available - needs;
		if (req->mdev[0]) {
			if (left < 1)
				finding_add(
				        p, "mdev-exhausted", true,
				        "release it from a VM that does not need it, or pick a smaller "
				        "type (`pve-passthrough status` lists them)",
				        "no instance of %s left on %s: %ld available, %ld needed by "
				        "stopped VMs configured for it%s%s%s",
				        t->id, parent->bdf, t->available, needs, needs ? " (" : "",
				        util_buf_str(&who), needs ? ")" : "");
			else {
				snprintf(out, outn, "%s", t->id);
				snprintf(
				        p->why, sizeof(p->why),
				        "%s has %ld instance%s left on %s (%ld available, %ld needed by "
				        "other VMs configured for it)",
				        t->id, left, left == 1 ? "" : "s", parent->bdf,
				        t->available, needs);
			}
			util_buf_free(&who);
			return;
		}
		util_buf_addf(&others, "%s%s: %ld left", others.len ? ", " : "", t->id, left);
		if (left > best_left) {
			best_left = left;
			best = t;
		}
		util_buf_free(&who);
	}
	if (req->mdev[0]) {
		finding_add(p, "mdev-type-missing", true,
		            "`pve-passthrough status` lists the types this iGPU offers",
		            "%s offers no mdev type '%s'", parent->bdf, req->mdev);
	} else if (!best) {
		finding_add(p, "mdev-exhausted", true,
		            "release an instance from a VM that does not need it",
		            "no mdev type of %s has an instance left after the needs of the VMs "
		            "configured for it (%s)",
		            parent->bdf, util_buf_str(&others));
	} else {
		snprintf(out, outn, "%s", best->id);
		snprintf(
		        p->why, sizeof(p->why),
		        "%s has the most instances left after the needs of the other VMs configured "
		        "for it (%s)",
		        best->id, util_buf_str(&others));
	}
	util_buf_free(&others);
}

/* ------------------------------------------------------------------ rules on the chosen device */

static void device_rules(const struct assign_input *in, const struct assign_request *req,
                         const char *bdf, struct assign_plan *p)
{
	const struct sysfs_device *d = host_find(in->host, bdf);
	struct util_buf who = {0};

	if (!d) {
		finding_add(
		        p, "device-missing", true,
		        "check the address with `pve-passthrough status`; VFs disappear when the "
		        "PF driver is reloaded or after a kernel upgrade without the dkms module",
		        "%s: no such device on node %s", bdf, in->node);
		return;
	}
	if (d->role == SYSFS_ROLE_PF && d->n_vfs > 0) {
		finding_add(p, "pf-with-vfs", true, "assign one of its VFs instead: --vf auto",
		            "%s is the physical function of %zu active VFs: passing it to a VM "
		            "destroys them and crashes every VM using them",
		            bdf, d->n_vfs);
		return;
	}
	if (req->kind == ASSIGN_KIND_VF && d->role != SYSFS_ROLE_VF) {
		finding_add(p, "not-a-vf", true,
		            "give one of the iGPU's VFs (`pve-passthrough status` lists them), or "
		            "--vf auto; other devices are passed with qm set",
		            "%s is not an SR-IOV virtual function", bdf);
		return;
	}
	if (!in->host->iommu)
		finding_add(
		        p, "iommu-off", true,
		        "enable the IOMMU (intel_iommu=on on the kernel command line) and reboot",
		        "the IOMMU is off on node %s: PVE cannot pass %s through", in->node, bdf);
	if (holders_of(in, req->vmid, bdf, &who) > 0)
		finding_add(p, "device-shared", true,
		            "pick a free VF (--vf auto), or release it from that VM first",
		            "%s is already used by %s", bdf, util_buf_str(&who));
	else if (d->driver[0] && (strcmp(d->driver, "i915") == 0 || strcmp(d->driver, "xe") == 0))
		finding_add(
		        p, "vf-bound-on-host", false,
		        "unbind it from the host driver, or pick another VF",
		        "%s is bound to %s on the host: whatever uses it there loses it when the "
		        "VM starts",
		        bdf, d->driver);
	util_buf_free(&who);
}

/* ------------------------------------------------------------------ plan assembly */

/* The effective value of key for the VM's next start: [PENDING] over main. */
static const char *next_value(const struct pveconf_vm *conf, const char *key)
{
	const char *v = NULL;

	if (pveconf_vm_section_find(conf, "PENDING") >= 0)
		v = pveconf_vm_get(conf, "PENDING", key, NULL);
	return v ? v : pveconf_vm_get(conf, NULL, key, NULL);
}

bool assign_machine_is_q35(const char *machine)
{
	const char *type = machine;
	const char *t;
	size_t n;

	if (!machine)
		return false;
	/* "type=q35,viommu=intel" or "pc-q35-8.1+pve0,viommu=virtio": the type is the default key */
	for (const char *s = machine; s && *s;) {
		const char *comma = strchr(s, ',');

		n = comma ? (size_t)(comma - s) : strlen(s);
		if (n > 5 && strncmp(s, "type=", 5) == 0) {
			type = s + 5;
			break;
		}
		if (!memchr(s, '=', n)) {
			type = s;
			break;
		}
		s = comma ? comma + 1 : NULL;
	}
	n = strcspn(type, ",");
	if (n == 3 && strncmp(type, "q35", 3) == 0)
		return true;
	for (t = type; t + 3 <= type + n; t++)
		if (strncmp(t, "q35", 3) == 0 && t > type && t[-1] == '-')
			return true;
	return false;
}

static bool slot_taken(const struct pveconf_vm *conf, int i)
{
	char key[16];

	snprintf(key, sizeof(key), "hostpci%d", i);
	return pveconf_vm_get(conf, NULL, key, NULL) ||
	       (pveconf_vm_section_find(conf, "PENDING") >= 0 &&
	        pveconf_vm_get(conf, "PENDING", key, NULL));
}

static int copy_conf(const struct pveconf_vm *conf, struct assign_plan *p, struct pveconf_vm **out,
                     struct util_err *e)
{
	struct util_buf b = {0};
	int r = pveconf_vm_serialize(conf, &b);

	if (r < 0) {
		util_buf_free(&b);
		return util_err_set(e, r, "cannot serialise the config of VM %u", p->vmid);
	}
	p->before_len = b.len;
	p->before = util_buf_steal(&b);
	if (!p->before)
		p->before = strdup("");
	if (!p->before)
		return util_err_set(e, -ENOMEM, "out of memory");
	return pveconf_vm_parse(p->before, p->before_len, "config", out, e);
}

static int finish_after(struct pveconf_vm *copy, struct assign_plan *p, struct util_err *e)
{
	struct util_buf b = {0};
	int r = pveconf_vm_serialize(copy, &b);

	if (r < 0) {
		util_buf_free(&b);
		return util_err_set(e, r, "cannot serialise the new config of VM %u", p->vmid);
	}
	p->after_len = b.len;
	p->after = util_buf_steal(&b);
	if (!p->after)
		p->after = strdup("");
	return p->after ? 0 : util_err_set(e, -ENOMEM, "out of memory");
}

/* The guard's rules on the candidate: the same refusals as at the VM's next start. */
static int guard_rules(const struct assign_input *in, unsigned vmid, const struct pveconf_vm *cand,
                       const char *key, struct assign_plan *p, struct util_err *e)
{
	struct assign_check chk;
	int r = assign_check_policy(in, vmid, cand, key, &chk, e);

	if (r < 0)
		return r;
	for (size_t i = 0; i < chk.n; i++) {
		bool dup = false;

		for (size_t j = 0; j < p->n_findings; j++)
			dup |= strcmp(p->findings[j].rule, chk.v[i].rule) == 0;
		if (dup || p->n_findings >= ASSIGN_MAX_FINDINGS)
			continue;
		p->findings[p->n_findings++] = chk.v[i];
		if (chk.v[i].refuses)
			p->outcome = ASSIGN_OUTCOME_REFUSED;
	}
	return 0;
}

static int plan_assign(const struct assign_input *in, const struct assign_request *req,
                       const struct assign_vm *vm, struct assign_plan *p, struct util_err *e)
{
	const struct sysfs_device *dev = NULL;
	struct pveconf_hostpci h;
	struct already a;
	struct pveconf_vm *copy = NULL;
	struct assign_change *c = &p->changes[0];
	struct util_buf val = {0};
	char chosen[128] = "";
	const char *machine, *lock;
	bool q35;
	int slot = -1, r;

	memset(&h, 0, sizeof(h));
	h.rombar = h.pcie = h.x_vga = h.legacy_igd = PVECONF_UNSET;

	/* which device or type (the PF / parent first: idempotence needs it) */
	if (req->kind == ASSIGN_KIND_VF)
		dev = choose_pf(in, req, p);
	else if (req->kind == ASSIGN_KIND_MDEV)
		dev = choose_parent(in, req, p);
	if (p->outcome != ASSIGN_OUTCOME_CHANGE)
		return 0;

	memset(&a, 0, sizeof(a));
	a.req = req;
	a.pf = dev ? dev->bdf : NULL;
	a.host = in->host;
	vm_entries(vm, already_cb, &a);
	if (a.found[0]) {
		p->outcome = ASSIGN_OUTCOME_NOTHING;
		snprintf(p->summary, sizeof(p->summary), "VM %u already has it (%s): nothing to do",
		         req->vmid, a.found);
		return 0;
	}

	lock = pveconf_vm_get(vm->conf, NULL, "lock", NULL);
	if (lock) {
		finding_add(p, "vm-locked", true,
		            "wait for the task that holds it to finish; if none is running, "
		            "`qm unlock VMID` clears it",
		            "VM %u is locked (%s): PVE refuses config changes while it is",
		            req->vmid, lock);
		return 0;
	}

	if (req->kind == ASSIGN_KIND_VF) {
		if (req->vf[0]) {
			const struct sysfs_device *vf = host_find(in->host, req->vf);

			if (vf && vf->role == SYSFS_ROLE_VF && strcmp(vf->physfn, dev->bdf) != 0 &&
			    req->pf[0]) {
				finding_add(p, "vf-unsupported", true,
				            "drop --pf, or name one of its VFs",
				            "%s is not a VF of %s", req->vf, dev->bdf);
				return 0;
			}
			snprintf(chosen, sizeof(chosen), "%s", req->vf);
		} else {
			choose_vf(in, req, dev, p, chosen);
		}
		if (!chosen[0])
			return 0;
		device_rules(in, req, chosen, p);
		if (pveconf_hostpci_parse(chosen, &h, NULL) < 0) {
			finding_add(p, "hostpci-invalid", true, NULL, "%s is not a PCI address",
			            chosen);
			return 0;
		}
	} else if (req->kind == ASSIGN_KIND_MDEV) {
		choose_mdev(in, req, dev, p, chosen, sizeof(chosen));
		if (!chosen[0])
			return 0;
		if (pveconf_hostpci_parse(dev->bdf, &h, NULL) < 0)
			return util_err_set(e, -EINVAL, "%s: not a PCI address", dev->bdf);
		snprintf(h.mdev, sizeof(h.mdev), "%s", chosen);
	} else {
		const struct assign_mapping *m = mapping_find(in, req->mapping);

		if (!m || m->n_alts == 0) {
			finding_add(
			        p, "mapping-missing", true,
			        "create it under Datacenter > Resource Mappings, with a map line for "
			        "this node",
			        m ? "mapping '%s' has no device on node %s"
			          : "no PCI mapping '%s' (for node %s) in /etc/pve/mapping/pci.cfg",
			        req->mapping, in->node);
			return 0;
		}
		for (size_t i = 0; i < m->n_alts; i++)
			for (size_t j = 0; j < m->alts[i].n; j++) {
				const struct sysfs_device *d =
				        host_find(in->host, m->alts[i].bdfs[j]);

				if (d && d->role == SYSFS_ROLE_PF && d->n_vfs > 0)
					finding_add(
					        p, "pf-with-vfs", true, "map the VFs, not the PF",
					        "mapping '%s' passes %s, the physical function of %zu "
					        "active VFs",
					        req->mapping, d->bdf, d->n_vfs);
			}
		snprintf(h.mapping, sizeof(h.mapping), "%s", req->mapping);
	}

	/* slot */
	if (req->slot >= 0) {
		if (slot_taken(vm->conf, req->slot)) {
			char key[16];
			const char *v;

			snprintf(key, sizeof(key), "hostpci%d", req->slot);
			v = next_value(vm->conf, key);
			finding_add(
			        p, "slot-taken", true,
			        "pick another --slot, or leave it out to take the lowest free one",
			        "VM %u already uses %s (%s)", req->vmid, key, v ? v : "");
		} else {
			slot = req->slot;
		}
	} else {
		for (int i = 0; i < PVECONF_HOSTPCI_MAX && slot < 0; i++)
			if (!slot_taken(vm->conf, i))
				slot = i;
		if (slot < 0)
			finding_add(p, "slots-full", true,
			            "release one with `pve-passthrough release`",
			            "VM %u uses every slot hostpci0..hostpci15", req->vmid);
	}

	/* value */
	machine = next_value(vm->conf, "machine");
	q35 = assign_machine_is_q35(machine);
	if (req->pcie == PVECONF_ON && !q35)
		finding_add(p, "pcie-needs-q35", true,
		            "set the machine type to q35 (qm set VMID --machine q35), or leave out "
		            "--pcie",
		            "pcie=1 needs a q35 machine; VM %u has '%s'", req->vmid,
		            machine ? machine : "i440fx (default)");
	if (req->pcie == PVECONF_ON || (req->pcie == PVECONF_UNSET && q35))
		h.pcie = PVECONF_ON;
	if (req->x_vga)
		h.x_vga = PVECONF_ON;
	if (req->romfile[0]) {
		if (strpbrk(req->romfile, ",;") || !in->romfile_exists)
			finding_add(p, "romfile-missing", true,
			            "put the ROM file under /usr/share/kvm and give its name",
			            "--romfile %s: no such file under /usr/share/kvm",
			            req->romfile);
		snprintf(h.romfile, sizeof(h.romfile), "%s", req->romfile);
	}
	if (p->outcome != ASSIGN_OUTCOME_CHANGE)
		return 0;

	r = pveconf_hostpci_format(&h, &val);
	if (r < 0) {
		util_buf_free(&val);
		return util_err_set(e, r, "cannot format the hostpci value");
	}
	snprintf(c->key, sizeof(c->key), "hostpci%d", slot);
	snprintf(c->value, sizeof(c->value), "%s", util_buf_str(&val));
	util_buf_free(&val);
	c->pending = vm->running;
	p->n_changes = 1;

	r = copy_conf(vm->conf, p, &copy, e);
	if (r == 0)
		r = pveconf_vm_set(copy, c->pending ? "PENDING" : NULL, c->key, c->value, e);
	if (r == 0)
		r = finish_after(copy, p, e);
	if (r == 0)
		r = guard_rules(in, req->vmid, copy, c->key, p, e);
	pveconf_vm_free(copy);
	if (r < 0 || p->outcome != ASSIGN_OUTCOME_CHANGE)
		return r;
	if (c->pending)
		snprintf(p->summary, sizeof(p->summary),
		         "VM %u is running: %s: %s goes to [PENDING] and applies at its next start "
		         "(stop and start it; a reboot inside the guest is not enough)",
		         req->vmid, c->key, c->value);
	else
		snprintf(p->summary, sizeof(p->summary), "VM %u gets %s: %s", req->vmid, c->key,
		         c->value);
	return 0;
}

static bool release_matches(const struct assign_request *req, const char *key, const char *value)
{
	struct pveconf_hostpci h;
	bool lenient;
	int idx;

	if (!hostpci_index(key, &idx))
		return false;
	switch (req->release) {
	case ASSIGN_RELEASE_ALL: return true;
	case ASSIGN_RELEASE_SLOT: return idx == req->slot;
	case ASSIGN_RELEASE_DEVICE:
		if (hostpci_parse_lenient(value, &h, &lenient) < 0)
			return false;
		for (size_t i = 0; i < h.n_ids; i++)
			if (pveconf_pci_id_match(&h.ids[i], req->device))
				return true;
		return false;
	}
	return false;
}

struct dropped_ctx {
	const struct assign_request *req;
	struct assign_plan *p;
};

static bool dropped_cb(const struct entry *en, void *arg)
{
	struct dropped_ctx *dc = arg;
	struct assign_change *c;

	if (!en->lenient || en->kind != PVECONF_SECTION_MAIN ||
	    dc->p->n_changes >= PVECONF_HOSTPCI_MAX ||
	    !release_matches(dc->req, en->key, en->value))
		return true;
	for (size_t j = 0; j < dc->p->n_changes; j++)
		if (strcmp(dc->p->changes[j].key, en->key) == 0)
			return true;
	c = &dc->p->changes[dc->p->n_changes++];
	memset(c, 0, sizeof(*c));
	snprintf(c->key, sizeof(c->key), "%s", en->key);
	snprintf(c->value, sizeof(c->value), "%s", en->value);
	c->remove = true;
	c->dropped = true;
	return true;
}

static int plan_release(const struct assign_input *in, const struct assign_request *req,
                        const struct assign_vm *vm, struct assign_plan *p, struct util_err *e)
{
	struct pveconf_vm *copy = NULL;
	const struct pveconf_kv *kv;
	int pend = pveconf_vm_section_find(vm->conf, "PENDING");
	const char *lock = pveconf_vm_get(vm->conf, NULL, "lock", NULL);
	size_t marked = 0;
	int r;

	(void)in;
	/* keys to release: main ones, then pending-only ones */
	for (int sec = 0; sec < 2; sec++) {
		size_t nk;

		if (sec == 1 && pend < 0)
			break;
		nk = pveconf_vm_keys(vm->conf, sec == 0 ? 0 : (size_t)pend, &kv);
		for (size_t k = 0; k < nk && p->n_changes < PVECONF_HOSTPCI_MAX; k++) {
			struct assign_change *c = &p->changes[p->n_changes];
			bool force, dup = false;

			if (!release_matches(req, kv[k].key, kv[k].value))
				continue;
			for (size_t j = 0; j < p->n_changes; j++)
				dup |= strcmp(p->changes[j].key, kv[k].key) == 0;
			if (dup && (sec == 0 || !vm->running))
				continue;
			if (sec == 0 && vm->running &&
			    pveconf_vm_pending_deletes(vm->conf, kv[k].key, &force)) {
				marked++; /* already marked for deletion */
				continue;
			}
			memset(c, 0, sizeof(*c));
			snprintf(c->key, sizeof(c->key), "%s", kv[k].key);
			snprintf(c->value, sizeof(c->value), "%s", kv[k].value);
			c->remove = true;
			c->pending = vm->running || sec == 1;
			c->pending_drop = sec == 1;
			p->n_changes++;
		}
	}
	/* lines PVE drops (a typo): never active, so they go directly, running or not */
	{
		struct dropped_ctx dc = {req, p};

		vm_entries(vm, dropped_cb, &dc);
	}
	if (p->n_changes == 0 && marked) {
		p->outcome = ASSIGN_OUTCOME_NOTHING;
		snprintf(
		        p->summary, sizeof(p->summary),
		        "VM %u: already marked for deletion in [PENDING] (applies at its next start): "
		        "nothing to do",
		        req->vmid);
		return 0;
	}
	if (p->n_changes == 0) {
		p->outcome = ASSIGN_OUTCOME_NOTHING;
		snprintf(p->summary, sizeof(p->summary),
		         "VM %u has no %s%s to release: nothing to do", req->vmid,
		         req->release == ASSIGN_RELEASE_ALL    ? "hostpci entry"
		         : req->release == ASSIGN_RELEASE_SLOT ? "entry in that slot"
		                                               : "entry naming ",
		         req->release == ASSIGN_RELEASE_DEVICE ? req->device : "");
		return 0;
	}
	if (lock) {
		finding_add(p, "vm-locked", true,
		            "wait for the task that holds it to finish; if none is running, "
		            "`qm unlock VMID` clears it",
		            "VM %u is locked (%s): PVE refuses config changes while it is",
		            req->vmid, lock);
		return 0;
	}
	r = copy_conf(vm->conf, p, &copy, e);
	for (size_t i = 0; r == 0 && i < p->n_changes; i++) {
		struct assign_change *c = &p->changes[i];
		bool force;

		if (c->dropped) {
			r = pveconf_vm_unset(copy, NULL, c->key, e);
		} else if (c->pending_drop) {
			r = pveconf_vm_unset(copy, "PENDING", c->key, e);
		} else if (vm->running) {
			r = pveconf_vm_pending_delete(copy, c->key, true, e);
		} else {
			r = pveconf_vm_unset(copy, NULL, c->key, e);
			/* a stopped VM: a [PENDING] value or delete mark for it goes too */
			if (r == 0 && pend >= 0 && pveconf_vm_get(copy, "PENDING", c->key, NULL))
				r = pveconf_vm_unset(copy, "PENDING", c->key, e);
			if (r == 0 && pveconf_vm_pending_deletes(copy, c->key, &force))
				r = pveconf_vm_pending_delete(copy, c->key, false, e);
		}
	}
	if (r == 0)
		r = finish_after(copy, p, e);
	pveconf_vm_free(copy);
	if (r < 0)
		return r;
	{
		char keys[256] = "", drops[256] = "", gone[256] = "";
		size_t nk = 0;

		for (size_t i = 0; i < p->n_changes; i++) {
			const struct assign_change *c = &p->changes[i];
			char *b = c->dropped ? gone : c->pending_drop && vm->running ? drops : keys;

			snprintf(b + strlen(b), 256 - strlen(b), "%s%s", *b ? ", " : "", c->key);
			nk += b == keys;
		}
		if (!vm->running || !nk)
			snprintf(p->summary, sizeof(p->summary), "VM %u %s%s%s%s%s%s%s%s",
			         req->vmid, vm->running ? "is running: " : "",
			         keys[0] ? "releases " : "", keys,
			         drops[0] ? (keys[0] ? "; " : "") : "", drops,
			         drops[0] ? " dropped from [PENDING] (not yet applied)" : "",
			         gone[0] ? (keys[0] || drops[0] ? "; removed " : "removes ") : "",
			         gone);
		else
			snprintf(
			        p->summary, sizeof(p->summary),
			        "VM %u is running: %s marked for deletion in [PENDING]; PVE removes %s "
			        "at the next start, after the stop has cleaned up%s%s%s%s",
			        req->vmid, keys, nk > 1 ? "them" : "it",
			        drops[0] ? "; dropped from [PENDING], not yet applied: " : "",
			        drops, gone[0] ? "; removed: " : "", gone);
		if (gone[0])
			snprintf(p->summary + strlen(p->summary),
			         sizeof(p->summary) - strlen(p->summary),
			         " (a value PVE drops: it was never in use)");
	}
	return 0;
}

int assign_plan_make(const struct assign_input *in, const struct assign_request *req,
                     struct assign_plan *p, struct util_err *e)
{
	const struct assign_vm *vm;

	memset(p, 0, sizeof(*p));
	p->severity = in->severity;
	p->vmid = req->vmid;
	p->outcome = ASSIGN_OUTCOME_CHANGE;
	if (in->owner_node && strcmp(in->owner_node, in->node) != 0) {
		finding_add(
		        p, "vm-other-node", true,
		        "run it on that node (PVE changes a VM's config only where it lives), or "
		        "use --api",
		        "VM %u lives on node %s, not on %s", req->vmid, in->owner_node, in->node);
		return 0;
	}
	vm = vm_find(in, req->vmid);
	if (!vm) {
		finding_add(p, "vm-missing", true, "`qm list` shows the VMs of this node",
		            "no VM %u on node %s", req->vmid, in->node);
		return 0;
	}
	snprintf(p->digest, sizeof(p->digest), "%s", pveconf_vm_digest(vm->conf));
	if (req->kind == ASSIGN_KIND_RELEASE)
		return plan_release(in, req, vm, p, e);
	return plan_assign(in, req, vm, p, e);
}

void assign_plan_free(struct assign_plan *p)
{
	free(p->before);
	free(p->after);
	p->before = p->after = NULL;
}
