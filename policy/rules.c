/* policy/rules.c - one small function per VM rule (guard and audit scope); policy_evaluate() runs
 * them.  The rules' ids, severities and texts are the registry's (policy/rules.def).
 * Pure: works on the plain structs of policy.h, allocates only the findings list.  Must not read
 * files, print, or know where the input came from. */
#include "policy/policy.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/expand.h"
#include "policy/mapcheck.h"
#include "sysfs/driver.h"
#include "pveconf/vmconf.h"
#include "util/i18n.h"

/* the registry entry of r */
#define RULE(r) (policy_rule_get(r))

/* ------------------------------------------------------------------ findings */

struct ctx {
	const struct policy_input *in;
	struct policy_findings *out;
	int err;
	/* the entries of every VM's main section on its node, expanded once (for the cross-VM rules) */
	struct policy_entry *mains;
	size_t n_mains;
	/* the rule that results land under when a pending / snapshot section is judged */
	const struct policy_section *wrap;
};

static enum policy_severity configured(const struct ctx *c, enum policy_rule_id r)
{
	return policy_rule_severity(c->in->severity, r);
}

static bool in_scope(const struct ctx *c, enum policy_rule_id r)
{
	unsigned want = c->in->mode == POLICY_MODE_GUARD ? POLICY_SCOPE_GUARD : POLICY_SCOPE_AUDIT;

	return (RULE(r)->scope & want) && configured(c, r) != POLICY_SEVERITY_OFF;
}

static void section_name(const struct policy_section *s, char *buf, size_t n)
{
	policy_section_label(s, buf, n);
}

/* snprintf through a va_list: truncation of long user values is intended, not a bug */
static void __attribute__((format(printf, 3, 4))) put(char *buf, size_t n, const char *f, ...)
{
	va_list ap;

	va_start(ap, f);
	vsnprintf(buf, n, f, ap);
	va_end(ap);
}

static struct policy_finding *add(struct ctx *c)
{
	struct policy_finding *f = policy_findings_add(c->out);

	if (!f)
		c->err = -ENOMEM;
	return f;
}

/* Records a finding of rule r at severity sev (already capped by the settings).  Findings about a
 * pending or snapshot section are recorded under hostpci-pending / hostpci-in-snapshot. */
static void __attribute__((format(printf, 8, 9)))
emit(struct ctx *c, enum policy_rule_id r, enum policy_severity sev, const struct policy_vm *vm,
     const struct policy_hostpci *hp, const char *device, const char *hint, const char *fmt, ...)
{
	const struct policy_section *s = c->wrap;
	enum policy_rule_id as = r;
	struct policy_finding *f;
	char msg[sizeof(f->message)];
	va_list ap;

	if (!in_scope(c, r) || sev == POLICY_SEVERITY_OFF)
		return;
	if (sev > configured(c, r))
		sev = configured(c, r);
	if (s && s->kind == POLICY_SECTION_PENDING) {
		as = POLICY_RULE_HOSTPCI_PENDING;
		if (configured(c, as) == POLICY_SEVERITY_OFF)
			return;
	} else if (s && s->kind == POLICY_SECTION_SNAPSHOT) {
		as = POLICY_RULE_HOSTPCI_IN_SNAPSHOT;
		if (configured(c, as) == POLICY_SEVERITY_OFF)
			return;
		sev = configured(c, as);
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	f = add(c);
	if (!f)
		return;
	f->rule = as;
	f->severity = sev;
	put(f->node, sizeof(f->node), "%s",
	    vm && vm->node ? vm->node
	    : c->in->node  ? c->in->node
	                   : "");
	f->vmid = vm ? vm->vmid : 0;
	if (vm)
		section_name(s, f->section, sizeof(f->section));
	put(f->key, sizeof(f->key), "%s", hp ? hp->key : "");
	put(f->device, sizeof(f->device), "%s", device ? device : "");
	if (as == r)
		put(f->message, sizeof(f->message), "%s", msg);
	else if (as == POLICY_RULE_HOSTPCI_PENDING)
		put(f->message, sizeof(f->message), _("pending change breaks %s: %s"),
		    RULE(r)->name, msg);
	else
		put(f->message, sizeof(f->message),
		    _("a rollback to snapshot '%s' would break %s: %s"), s->name ? s->name : "",
		    RULE(r)->name, msg);
	put(f->hint, sizeof(f->hint), "%s", hint ? hint : _(RULE(r)->fix));
}

/* ------------------------------------------------------------------ helpers */

static bool same_node(const struct policy_vm *a, const struct policy_vm *b)
{
	return a->node && b->node && strcmp(a->node, b->node) == 0;
}

static const struct sysfs_host *host_of(const struct ctx *c, const struct policy_vm *vm)
{
	return policy_host_of(c->in, vm->node);
}

/* The device with that bdf (devices are sorted by bdf); policy/ uses only the data of host.h. */
static const struct sysfs_device *dev(const struct sysfs_host *h, const char *bdf)
{
	size_t lo = 0, hi = h ? h->n_devices : 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = strcmp(h->devices[mid].bdf, bdf);

		if (r == 0)
			return &h->devices[mid];
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static bool pf_with_vfs(const struct sysfs_device *d)
{
	return d && d->role == SYSFS_ROLE_PF && (d->n_vfs > 0 || d->numvfs > 0);
}

static const char *vm_label(const struct policy_vm *vm, char *buf, size_t n)
{
	if (vm->running)
		put(buf, n, _("VM %u (running)"), vm->vmid);
	else
		put(buf, n, _("VM %u"), vm->vmid);
	return buf;
}

static bool alt_has(const struct policy_alt *a, const char *bdf)
{
	for (size_t i = 0; i < a->n_devs; i++)
		if (strcmp(a->devs[i], bdf) == 0)
			return true;
	return false;
}

static bool entry_passes_pf_with_vfs(const struct ctx *c, const struct policy_entry *en)
{
	const struct sysfs_host *h = host_of(c, en->vm);

	if (en->mdev || !h)
		return false;
	for (size_t a = 0; a < en->n_alts; a++)
		for (size_t i = 0; i < en->alts[a].n_devs; i++)
			if (pf_with_vfs(dev(h, en->alts[a].devs[i])))
				return true;
	return false;
}

/* ------------------------------------------------------------------ per-entry rules */

/* hostpci-invalid: PVE drops the value, or it passes the format but cannot start. */
static bool rule_hostpci_invalid(struct ctx *c, const struct policy_vm *vm,
                                 const struct policy_hostpci *hp)
{
	const struct pveconf_hostpci *p = &hp->parsed;

	if (!hp->valid) {
		const char *why = hp->error ? hp->error : _("it does not parse");
		size_t kl = strlen(hp->key);

		/* the reader's reasons start with the key ("hostpci0: invalid key ...") */
		if (strncmp(why, hp->key, kl) == 0 && why[kl] == ':')
			why += kl + (why[kl + 1] == ' ' ? 2 : 1);
		if (hp->value)
			emit(c, POLICY_RULE_HOSTPCI_INVALID, POLICY_SEVERITY_ERROR, vm, hp, NULL,
			     NULL,
			     _("%s: '%s' is not valid (%s); PVE drops it at its next write and the device is not passed"),
			     hp->key, hp->value, why);
		else
			emit(c, POLICY_RULE_HOSTPCI_INVALID, POLICY_SEVERITY_ERROR, vm, hp, NULL,
			     NULL,
			     _("%s (line %u) is not valid (%s); PVE drops it at its next write and the device is not passed"),
			     hp->key, hp->line, why);
		return true;
	}
	if (p->n_ids > 0 && p->mapping[0]) {
		emit(c, POLICY_RULE_HOSTPCI_INVALID, POLICY_SEVERITY_ERROR, vm, hp, NULL,
		     _("keep either host= or mapping="),
		     _("%s: '%s' has both host= and mapping=; PVE refuses to start the VM"),
		     hp->key, hp->value);
		return true;
	}
	if (p->n_ids == 0 && !p->mapping[0]) {
		emit(c, POLICY_RULE_HOSTPCI_INVALID, POLICY_SEVERITY_ERROR, vm, hp, NULL,
		     _("add host=BDF or mapping=NAME"),
		     _("%s: '%s' names no device (neither host= nor mapping=); PVE refuses to start the VM"),
		     hp->key, hp->value);
		return true;
	}
	return false;
}

/* mapping-missing: mapping=NAME unknown, or without a map line for the VM's node. */
static bool rule_mapping_missing(struct ctx *c, const struct policy_entry *en)
{
	const char *name = en->hp->parsed.mapping;

	if (en->via != POLICY_VIA_MAPPING)
		return false;
	if (!en->mapping) {
		emit(c, POLICY_RULE_MAPPING_MISSING, POLICY_SEVERITY_ERROR, en->vm, en->hp, NULL,
		     NULL, _("%s: mapping '%s' does not exist in /etc/pve/mapping/pci.cfg"),
		     en->hp->key, name);
		return true;
	}
	if (en->n_alts == 0) {
		emit(c, POLICY_RULE_MAPPING_MISSING, POLICY_SEVERITY_ERROR, en->vm, en->hp, NULL,
		     _("add a map line for this node to the mapping"),
		     _("%s: mapping '%s' has no map line for node %s"), en->hp->key, name,
		     en->vm->node ? en->vm->node : "?");
		return true;
	}
	return false;
}

/* mapping-invalid: every map line of the VM's node is checked at start as PVE's assert_valid does
 * (policy/mapcheck.c); qemu-server refuses the start on the first line that fails, even when
 * another line would be valid, so each invalid line is an error. */
static void rule_mapping_invalid(struct ctx *c, const struct policy_entry *en)
{
	const struct sysfs_host *h = host_of(c, en->vm);
	const struct policy_mapping *m = en->mapping;

	if (en->via != POLICY_VIA_MAPPING || !h || !m)
		return;
	for (size_t l = 0; l < m->n_maps; l++) {
		const struct policy_map_line *ml = &m->maps[l];
		struct policy_mapcheck r;
		char what[200], fix[512];

		if (!ml->node || !en->vm->node || strcmp(ml->node, en->vm->node) != 0)
			continue;
		policy_mapcheck_line(h, m->name, m->mdev, ml, &r);
		if (r.valid)
			continue;
		policy_mapcheck_describe(&r, what, sizeof(what));
		policy_mapcheck_fix(&r, m->name, ml->line, fix, sizeof(fix));
		emit(c, POLICY_RULE_MAPPING_INVALID, POLICY_SEVERITY_ERROR, en->vm, en->hp,
		     r.problems[0].device, fix,
		     _("%s: mapping '%s', pci.cfg line %u: %s; PVE refuses the start (PCI device mapping invalid: %s)"),
		     en->hp->key, m->name, ml->line, what, r.pve_message);
	}
}

/* The node's entry when PVE's own mapping checks were read for it (audit --api), else NULL. */
static const struct policy_node_host *pve_checked(const struct ctx *c, const char *node)
{
	for (size_t i = 0; node && i < c->in->n_other_hosts; i++) {
		const struct policy_node_host *nh = &c->in->other_hosts[i];

		if (nh->node && strcmp(nh->node, node) == 0)
			return nh->has_pve_checks ? nh : NULL;
	}
	return NULL;
}

/* mapping-missing and mapping-invalid as PVE itself judged the mapping on the VM's node (GET
 * /cluster/mapping/pci?check-node=NODE runs the assert_valid that qemu-server runs at start): one
 * finding per check, in PVE's words; nothing is derived here.  "No mapping for node X." is
 * mapping-missing (qemu-server: "PCI device mapping not found"), every other check
 * mapping-invalid.  Returns false when PVE's verdict is not there, or PVE's answer did not list
 * the mapping (judged locally then);
 * *stop: the entry has no alternative on the node, the device rules have nothing to look at. */
static bool rule_mapping_pve(struct ctx *c, const struct policy_entry *en, bool *stop)
{
	const struct policy_node_host *nh;
	const char *name = en->hp->parsed.mapping;
	bool listed = false;

	*stop = false;
	if (en->via != POLICY_VIA_MAPPING || !en->mapping || !(nh = pve_checked(c, en->vm->node)))
		return false;
	for (size_t i = 0; i < nh->n_pve_mappings && !listed; i++)
		listed = strcmp(nh->pve_mappings[i], name) == 0;
	if (!listed)
		return false;
	for (size_t i = 0; i < nh->n_pve_checks; i++) {
		const struct policy_pve_check *k = &nh->pve_checks[i];
		char hint[256];

		if (!k->mapping || strcmp(k->mapping, name) != 0)
			continue;
		if (strncmp(k->message, "No mapping for node ", 20) == 0) {
			*stop = true;
			put(hint, sizeof(hint),
			    "add a map line for node %s to mapping '%s' (on that node: "
			    "pve-passthrough mapping create %s)",
			    en->vm->node, name, name);
			emit(c, POLICY_RULE_MAPPING_MISSING, POLICY_SEVERITY_ERROR, en->vm, en->hp,
			     NULL, hint,
			     "%s: mapping '%s' on node %s: PVE's check says \"%s\"; the start fails "
			     "(PCI device mapping not found)",
			     en->hp->key, name, en->vm->node, k->message);
			continue;
		}
		put(hint, sizeof(hint),
		    "on node %s: pve-passthrough mapping check %s (the map line and its corrected "
		    "text)",
		    en->vm->node, name);
		emit(c, POLICY_RULE_MAPPING_INVALID,
		     k->error ? POLICY_SEVERITY_ERROR : POLICY_SEVERITY_WARNING, en->vm, en->hp,
		     NULL, hint,
		     "%s: mapping '%s' on node %s: PVE's check says \"%s\"; PVE refuses the start "
		     "(PCI device mapping invalid (hardware probably changed))",
		     en->hp->key, name, en->vm->node, k->message);
	}
	return true;
}

/* device-missing: an id that names nothing on this node. */
static bool rule_device_missing(struct ctx *c, const struct policy_entry *en)
{
	const struct sysfs_host *h = host_of(c, en->vm);
	const struct policy_alt *al;
	char hint[512];

	if (!h || en->via == POLICY_VIA_MAPPING || en->n_alts == 0 || !en->alts[0].missing[0])
		return false;
	al = &en->alts[0];
	put(hint, sizeof(hint), "%s", _(RULE(POLICY_RULE_DEVICE_MISSING)->fix));
	for (size_t d = 0; d < h->n_devices; d++) {
		const struct sysfs_device *pf = &h->devices[d];
		unsigned dom, bus, slot, fn, pdom, pbus, pslot, pfn;

		if (pf->role != SYSFS_ROLE_PF || pf->totalvfs <= 0 ||
		    sscanf(al->missing, "%x:%x:%x", &dom, &bus, &slot) != 3 ||
		    sscanf(pf->bdf, "%x:%x:%x.%x", &pdom, &pbus, &pslot, &pfn) != 4 ||
		    dom != pdom || bus != pbus || slot != pslot)
			continue;
		(void)fn;
		put(hint, sizeof(hint),
		    _("%s is in the slot of SR-IOV PF %s, which has %d of %d VFs: recreate them (sriov_numvfs; after a kernel upgrade the dkms driver may be missing, see pve-passthrough doctor)"),
		    al->missing, pf->bdf, pf->numvfs < 0 ? 0 : pf->numvfs, pf->totalvfs);
	}
	if (en->mdev)
		emit(c, POLICY_RULE_DEVICE_MISSING, POLICY_SEVERITY_ERROR, en->vm, en->hp,
		     al->missing, hint, _("%s: mdev parent %s does not exist on node %s"),
		     en->hp->key, al->missing, en->vm->node);
	else
		emit(c, POLICY_RULE_DEVICE_MISSING, POLICY_SEVERITY_ERROR, en->vm, en->hp,
		     al->missing, hint, _("%s: device %s does not exist on node %s"), en->hp->key,
		     al->missing, en->vm->node);
	return true;
}

/* iommu-off: passthrough of a real device without an IOMMU. */
static void rule_iommu_off(struct ctx *c, const struct policy_entry *en)
{
	const struct sysfs_host *h = host_of(c, en->vm);

	if (!h || h->iommu || en->mdev)
		return;
	emit(c, POLICY_RULE_IOMMU_OFF, POLICY_SEVERITY_ERROR, en->vm, en->hp,
	     en->n_alts && en->alts[0].n_devs ? en->alts[0].devs[0] : NULL, NULL,
	     _("%s: PCI passthrough needs an IOMMU, and this node has none enabled"), en->hp->key);
}

/* pf-with-vfs: a passed PF whose VFs exist. */
static bool rule_pf_with_vfs(struct ctx *c, const struct policy_entry *en)
{
	const struct sysfs_host *h = host_of(c, en->vm);
	bool hit = false;

	if (!h || en->mdev)
		return false;
	for (size_t a = 0; a < en->n_alts; a++) {
		const struct policy_alt *al = &en->alts[a];

		for (size_t i = 0; i < al->n_devs; i++) {
			const struct sysfs_device *d = dev(h, al->devs[i]);
			char hint[512];
			size_t nvfs = d ? (d->n_vfs ? d->n_vfs : (size_t)d->numvfs) : 0;

			if (!pf_with_vfs(d))
				continue;
			/* the example VF is one of this PF's (a NIC's VFs are not at 00:02.x) */
			put(hint, sizeof(hint),
			    _("pass a VF (e.g. %s) instead of the PF, with a full id including the function"),
			    d->n_vfs ? d->vfs[0] : "0000:00:02.1");
			if (en->via == POLICY_VIA_MAPPING)
				emit(c, POLICY_RULE_PF_WITH_VFS, POLICY_SEVERITY_ERROR, en->vm,
				     en->hp, d->bdf, hint,
				     P_("%s passes SR-IOV PF %s through mapping '%s' (pci.cfg line %u); it has %zu active VF, which vanishes when vfio-pci takes the PF (the VM using it fails)",
				        "%s passes SR-IOV PF %s through mapping '%s' (pci.cfg line %u); it has %zu active VFs, which vanish when vfio-pci takes the PF (VMs using them fail)",
				        nvfs),
				     en->hp->key, d->bdf, en->mapping->name, al->map->line, nvfs);
			else if (al->slot_wide)
				emit(c, POLICY_RULE_PF_WITH_VFS, POLICY_SEVERITY_ERROR, en->vm,
				     en->hp, d->bdf, hint,
				     P_("%s passes SR-IOV PF %s by a function-less id, which passes every function of the slot: the PF and its VFs; it has %zu active VF, which vanishes when vfio-pci takes the PF (the VM using it fails)",
				        "%s passes SR-IOV PF %s by a function-less id, which passes every function of the slot: the PF and its VFs; it has %zu active VFs, which vanish when vfio-pci takes the PF (VMs using them fail)",
				        nvfs),
				     en->hp->key, d->bdf, nvfs);
			else if (en->via == POLICY_VIA_LIST)
				emit(c, POLICY_RULE_PF_WITH_VFS, POLICY_SEVERITY_ERROR, en->vm,
				     en->hp, d->bdf, hint,
				     P_("%s passes SR-IOV PF %s in a ';' list; it has %zu active VF, which vanishes when vfio-pci takes the PF (the VM using it fails)",
				        "%s passes SR-IOV PF %s in a ';' list; it has %zu active VFs, which vanish when vfio-pci takes the PF (VMs using them fail)",
				        nvfs),
				     en->hp->key, d->bdf, nvfs);
			else
				emit(c, POLICY_RULE_PF_WITH_VFS, POLICY_SEVERITY_ERROR, en->vm,
				     en->hp, d->bdf, hint,
				     P_("%s passes SR-IOV PF %s directly; it has %zu active VF, which vanishes when vfio-pci takes the PF (the VM using it fails)",
				        "%s passes SR-IOV PF %s directly; it has %zu active VFs, which vanish when vfio-pci takes the PF (VMs using them fail)",
				        nvfs),
				     en->hp->key, d->bdf, nvfs);
			hit = true;
		}
	}
	return hit;
}

/* Is bdf the parent named by some other VM's mdev entry? */
static const struct policy_vm *mdev_user(const struct ctx *c, const struct policy_vm *self,
                                         const char *bdf)
{
	for (size_t i = 0; i < c->n_mains; i++) {
		const struct policy_entry *o = &c->mains[i];

		if (o->vm != self && o->mdev && o->n_alts && alt_has(&o->alts[0], bdf) &&
		    same_node(o->vm, self))
			return o->vm;
	}
	return NULL;
}

/* pf-with-mdev: a passed device that serves mdev instances or mdev-configured VMs. */
static void rule_pf_with_mdev(struct ctx *c, const struct policy_entry *en)
{
	const struct sysfs_host *h = host_of(c, en->vm);
	char who[64];

	if (!h || en->mdev)
		return;
	for (size_t a = 0; a < en->n_alts; a++)
		for (size_t i = 0; i < en->alts[a].n_devs; i++) {
			const char *bdf = en->alts[a].devs[i];
			const struct policy_vm *u = mdev_user(c, en->vm, bdf);
			size_t live = 0;

			for (size_t m = 0; m < h->n_mdevs; m++)
				live += strcmp(h->mdevs[m].parent, bdf) == 0;
			if (!live && !u)
				continue;
			if (u)
				vm_label(u, who, sizeof(who));
			if (u)
				emit(c, POLICY_RULE_PF_WITH_MDEV, POLICY_SEVERITY_ERROR, en->vm,
				     en->hp, bdf, NULL,
				     P_("%s passes %s, which serves %zu live mdev instance and is the mdev parent of %s; passing it through destroys them",
				        "%s passes %s, which serves %zu live mdev instances and is the mdev parent of %s; passing it through destroys them",
				        live),
				     en->hp->key, bdf, live, who);
			else
				emit(c, POLICY_RULE_PF_WITH_MDEV, POLICY_SEVERITY_ERROR, en->vm,
				     en->hp, bdf, NULL,
				     P_("%s passes %s, which serves %zu live mdev instance; passing it through destroys it",
				        "%s passes %s, which serves %zu live mdev instances; passing it through destroys them",
				        live),
				     en->hp->key, bdf, live);
		}
}

static const struct sysfs_mdev_type *mdev_type(const struct sysfs_device *d, const char *type)
{
	for (size_t t = 0; t < d->n_mdev_types; t++)
		if (strcmp(d->mdev_types[t].id, type) == 0)
			return &d->mdev_types[t];
	return NULL;
}

/* mdev-type-missing and mdev-exhausted. */
static void rule_mdev(struct ctx *c, const struct policy_entry *en)
{
	const struct sysfs_host *h = host_of(c, en->vm);
	const char *type = en->hp->parsed.mdev;
	const struct sysfs_device *d;
	const struct sysfs_mdev_type *t;
	char uuid[40];
	size_t live = 0, users = 0;
	bool own = false;

	if (!h || !en->mdev || en->n_alts == 0 || en->alts[0].n_devs == 0)
		return;
	d = dev(h, en->alts[0].devs[0]);
	if (!d)
		return;
	t = mdev_type(d, type);
	if (!t) {
		if (d->n_mdev_types)
			emit(c, POLICY_RULE_MDEV_TYPE_MISSING, POLICY_SEVERITY_ERROR, en->vm,
			     en->hp, d->bdf, NULL, _("%s: %s offers no mdev type '%s'"),
			     en->hp->key, d->bdf, type);
		else
			emit(c, POLICY_RULE_MDEV_TYPE_MISSING, POLICY_SEVERITY_ERROR, en->vm,
			     en->hp, d->bdf,
			     _("load kvmgt with i915.enable_gvt=1 (pve-passthrough host setup gvtg)"),
			     _("%s: %s offers no mdev type '%s' (it has no mdev types at all)"),
			     en->hp->key, d->bdf, type);
		return;
	}
	/* PVE's instance uuid for this entry: %08d-0000-0000-0000-%012d of (index, vmid) */
	put(uuid, sizeof(uuid), "%08d-0000-0000-0000-%012u", atoi(en->hp->key + 7), en->vm->vmid);
	for (size_t m = 0; m < h->n_mdevs; m++) {
		if (strcmp(h->mdevs[m].parent, d->bdf) != 0 || strcmp(h->mdevs[m].type, type) != 0)
			continue;
		live++;
		own |= strcmp(h->mdevs[m].uuid, uuid) == 0;
	}
	if (c->in->mode == POLICY_MODE_GUARD) {
		if (t->available < 1 && !own)
			emit(c, POLICY_RULE_MDEV_EXHAUSTED, POLICY_SEVERITY_ERROR, en->vm, en->hp,
			     d->bdf, NULL,
			     _("%s: no instance of mdev type %s is left on %s (%zu in use by other VMs)"),
			     en->hp->key, type, d->bdf, live);
		return;
	}
	for (size_t i = 0; i < c->n_mains; i++) {
		const struct policy_entry *o = &c->mains[i];

		if (o->mdev && same_node(o->vm, en->vm) && o->n_alts && o->alts[0].n_devs &&
		    strcmp(o->alts[0].devs[0], d->bdf) == 0 &&
		    strcmp(o->hp->parsed.mdev, type) == 0)
			users++;
	}
	if (en->sec->kind != POLICY_SECTION_MAIN)
		users++;
	if (t->available >= 0 && users > (size_t)t->available + live)
		emit(c, POLICY_RULE_MDEV_EXHAUSTED, POLICY_SEVERITY_WARNING, en->vm, en->hp, d->bdf,
		     NULL,
		     _("%s: %zu VMs are configured for mdev type %s on %s, which has room for %ld (%ld free, %zu in use); they cannot all run together"),
		     en->hp->key, users, type, d->bdf, t->available + (long)live, t->available,
		     live);
}

static const struct policy_vm *device_user(const struct ctx *c, const struct policy_vm *self,
                                           const char *bdf)
{
	for (size_t i = 0; i < c->n_mains; i++) {
		const struct policy_entry *o = &c->mains[i];

		if (o->vm == self || o->mdev || !same_node(o->vm, self))
			continue;
		for (size_t a = 0; a < o->n_alts; a++)
			if (alt_has(&o->alts[a], bdf))
				return o->vm;
	}
	return NULL;
}

/* iommu-group-shared: other members of the group are used by the host or another VM. */
static void rule_iommu_group(struct ctx *c, const struct policy_entry *en)
{
	const struct sysfs_host *h = host_of(c, en->vm);

	if (!h || en->mdev)
		return;
	for (size_t a = 0; a < en->n_alts; a++) {
		const struct policy_alt *al = &en->alts[a];

		for (size_t i = 0; i < al->n_devs; i++) {
			const struct sysfs_device *d = dev(h, al->devs[i]);
			char others[256] = "";
			size_t len = 0;

			if (!d || d->iommu_group < 0)
				continue;
			for (size_t k = 0; k < h->n_devices; k++) {
				const struct sysfs_device *o = &h->devices[k];
				const struct policy_vm *u;
				char who[96];

				if (o->iommu_group != d->iommu_group || alt_has(al, o->bdf))
					continue;
				u = device_user(c, en->vm, o->bdf);
				if (u)
					put(who, sizeof(who), _("%s (VM %u)"), o->bdf, u->vmid);
				else if (o->driver[0] && strcmp(o->driver, "vfio-pci") != 0 &&
				         strcmp(o->driver, "pci-stub") != 0 &&
				         strcmp(o->driver, "pcieport") != 0)
					put(who, sizeof(who), _("%s (host driver %s)"), o->bdf,
					    o->driver);
				else
					continue;
				len += (size_t)snprintf(others + len, sizeof(others) - len, "%s%s",
				                        len ? _(", ") : "", who);
				if (len >= sizeof(others))
					len = sizeof(others) - 1;
			}
			if (len)
				emit(c, POLICY_RULE_IOMMU_GROUP_SHARED, POLICY_SEVERITY_WARNING,
				     en->vm, en->hp, d->bdf, NULL,
				     _("%s: %s shares IOMMU group %d with %s; PVE binds the whole group to vfio-pci"),
				     en->hp->key, d->bdf, d->iommu_group, others);
		}
	}
}

/* vf-bound-on-host: an assigned VF is on i915/xe on the host. */
static void rule_vf_bound(struct ctx *c, const struct policy_entry *en)
{
	const struct sysfs_host *h = host_of(c, en->vm);

	if (!h || en->mdev)
		return;
	for (size_t a = 0; a < en->n_alts; a++)
		for (size_t i = 0; i < en->alts[a].n_devs; i++) {
			const struct sysfs_device *d = dev(h, en->alts[a].devs[i]);

			if (d && d->role == SYSFS_ROLE_VF && sysfs_driver_is_igpu(d->driver))
				emit(c, POLICY_RULE_VF_BOUND_ON_HOST, POLICY_SEVERITY_WARNING,
				     en->vm, en->hp, d->bdf, NULL,
				     _("%s: VF %s is bound to %s on the host (a host program such as a media server may be using it); PVE takes it away at start"),
				     en->hp->key, d->bdf, d->driver);
		}
}

/* pcie-needs-q35 */
static void rule_pcie_q35(struct ctx *c, const struct policy_entry *en, const char *machine)
{
	if (en->hp->parsed.pcie != PVECONF_ON || pveconf_machine_is_q35(machine))
		return;
	if (machine)
		emit(c, POLICY_RULE_PCIE_NEEDS_Q35, POLICY_SEVERITY_ERROR, en->vm, en->hp, NULL,
		     NULL, _("%s has pcie=1 but the machine is %s; PVE refuses to start it"),
		     en->hp->key, machine);
	else
		emit(c, POLICY_RULE_PCIE_NEEDS_Q35, POLICY_SEVERITY_ERROR, en->vm, en->hp, NULL,
		     NULL,
		     _("%s has pcie=1 but the machine is i440fx (the default); PVE refuses to start it"),
		     en->hp->key);
}

/* The first device of alternative a that entry o also passes, or NULL.  A mapping entry of o
 * with several alternatives holds none of them for sure, so it blocks nothing. */
static const char *alt_overlap(const struct policy_alt *a, const struct policy_entry *o)
{
	if (o->via == POLICY_VIA_MAPPING && o->n_alts != 1)
		return NULL;
	for (size_t d = 0; d < a->n_devs; d++)
		for (size_t b = 0; b < o->n_alts; b++)
			if (alt_has(&o->alts[b], a->devs[d]))
				return a->devs[d];
	return NULL;
}

static bool shares_with(const struct ctx *c, const struct policy_entry *en,
                        const struct policy_entry *o)
{
	return o->vm != en->vm && !o->mdev && o->vm->node && en->vm->node &&
	       strcmp(o->vm->node, en->vm->node) == 0 && !entry_passes_pf_with_vfs(c, o);
}

static void shared_emit(struct ctx *c, const struct policy_entry *en, const struct policy_entry *o,
                        const char *common, bool error)
{
	char who[64], hint[256];

	put(hint, sizeof(hint),
	    _("give each VM its own VF (pve-passthrough assign %u --vf auto picks a free one)"),
	    en->vm->vmid);
	vm_label(o->vm, who, sizeof(who));
	if (error)
		emit(c, POLICY_RULE_DEVICE_SHARED, POLICY_SEVERITY_ERROR, en->vm, en->hp, common,
		     hint,
		     _("%s passes %s, which %s already uses (%s); a device can serve one VM at a time"),
		     en->hp->key, common, who, o->hp->key);
	else
		emit(c, POLICY_RULE_DEVICE_SHARED, POLICY_SEVERITY_WARNING, en->vm, en->hp, common,
		     hint,
		     _("%s passes %s, which %s also passes (%s); the two VMs cannot run at the same time"),
		     en->hp->key, common, who, o->hp->key);
}

/* A mapping entry with several alternatives is shared only when every alternative is taken. */
static void shared_mapping(struct ctx *c, const struct policy_entry *en, bool guard)
{
	const struct policy_entry *first = NULL;
	const char *first_dev = NULL;
	bool all_running = true;

	for (size_t a = 0; a < en->n_alts; a++) {
		const struct policy_entry *blocker = NULL;
		const char *hit = NULL;

		for (size_t i = 0; i < c->n_mains; i++) {
			const struct policy_entry *o = &c->mains[i];
			const char *h;

			if (!shares_with(c, en, o) || !(h = alt_overlap(&en->alts[a], o)))
				continue;
			if (!blocker || (o->vm->running && !blocker->vm->running)) {
				blocker = o;
				hit = h;
			}
		}
		if (!blocker)
			return;
		all_running &= blocker->vm->running;
		if (!first) {
			first = blocker;
			first_dev = hit;
		}
	}
	if (first &&
	    (guard || !en->vm->running || !first->vm->running || en->vm->vmid > first->vm->vmid))
		shared_emit(c, en, first, first_dev,
		            guard ? all_running : all_running && en->vm->running);
}

/* device-shared: the entry's devices are also passed by another VM on the node. */
static void rule_device_shared(struct ctx *c, const struct policy_entry *en)
{
	bool guard = c->in->mode == POLICY_MODE_GUARD;

	if (en->mdev || en->n_alts == 0 || entry_passes_pf_with_vfs(c, en))
		return;
	if (en->n_alts > 1) {
		shared_mapping(c, en, guard);
	} else {
		for (size_t i = 0; i < c->n_mains; i++) {
			const struct policy_entry *o = &c->mains[i];
			const char *common;
			bool running = o->vm->running, report;

			if (!shares_with(c, en, o) || !(common = alt_overlap(&en->alts[0], o)))
				continue;
			/* one finding per pair in audit: on the VM that is not running, else on
			 * the higher id; pending and snapshot entries always report */
			report = guard || en->sec->kind != POLICY_SECTION_MAIN ||
			         (en->vm->running != running ? !en->vm->running
			                                     : en->vm->vmid > o->vm->vmid);
			if (report)
				shared_emit(c, en, o, common,
				            guard ? running : running && en->vm->running);
		}
	}
	if (!guard)
		return;
	/* PVE's own reservations: a device held by another VM that is starting or running */
	for (size_t r = 0; r < c->in->n_reservations; r++) {
		const struct policy_reservation *res = &c->in->reservations[r];
		bool all = true;
		char hint[256];

		if (res->vmid == en->vm->vmid)
			continue;
		for (size_t a = 0; a < en->n_alts; a++)
			all &= alt_has(&en->alts[a], res->bdf);
		put(hint, sizeof(hint),
		    _("give each VM its own VF (pve-passthrough assign %u --vf auto picks a free one)"),
		    en->vm->vmid);
		if (all && device_user(c, en->vm, res->bdf) == NULL)
			emit(c, POLICY_RULE_DEVICE_SHARED, POLICY_SEVERITY_ERROR, en->vm, en->hp,
			     res->bdf, hint,
			     _("%s passes %s, which VM %u holds (pci-id-reservations); a device can serve one VM at a time"),
			     en->hp->key, res->bdf, res->vmid);
	}
}

/* Every per-entry rule on one section of one VM. */
static void judge_section(struct ctx *c, const struct policy_vm *vm,
                          const struct policy_section *sec, const char *machine)
{
	c->wrap = sec->kind == POLICY_SECTION_MAIN ? NULL : sec;
	for (size_t i = 0; i < sec->n_hostpci && !c->err; i++) {
		const struct policy_hostpci *hp = &sec->hostpci[i];
		struct policy_entry *en;
		size_t before = c->out->n;
		bool pve, stop;

		if (rule_hostpci_invalid(c, vm, hp))
			continue;
		en = malloc(sizeof(*en));
		if (!en) {
			c->err = -ENOMEM;
			break;
		}
		policy_entry_expand(c->in, vm, sec, hp, en);
		rule_pcie_q35(c, en, machine);
		/* a mapping: PVE's own verdict when it was read (audit --api), else ours */
		pve = rule_mapping_pve(c, en, &stop);
		if (!pve)
			stop = rule_mapping_missing(c, en);
		if (!stop) {
			if (!pve)
				rule_mapping_invalid(c, en);
			if (!rule_device_missing(c, en)) {
				rule_iommu_off(c, en);
				/* an entry that passes a PF with VFs must change anyway: what its
				 * other functions would do is noise (and device-shared skips it) */
				if (!rule_pf_with_vfs(c, en)) {
					rule_iommu_group(c, en);
					rule_vf_bound(c, en);
				}
				rule_pf_with_mdev(c, en);
				rule_mdev(c, en);
				rule_device_shared(c, en);
			}
		}
		if (sec->kind == POLICY_SECTION_PENDING && c->out->n == before)
			emit(c, POLICY_RULE_HOSTPCI_PENDING, POLICY_SEVERITY_INFO, vm, hp, NULL,
			     _("nothing to do; it takes effect at the next start"),
			     _("%s: '%s' is pending and applies at the next start"), hp->key,
			     hp->value);
		free(en);
	}
	c->wrap = NULL;
}

/* hookscript-missing and guard-missing. */
static void rule_hookscript(struct ctx *c, const struct policy_vm *vm)
{
	const struct policy_section *m = vm->n_sections ? &vm->sections[0] : NULL;
	char hint[256];

	put(hint, sizeof(hint),
	    _("restore the snippet or chmod +x it; or pve-passthrough hook remove %u, or qm set %u --delete hookscript"),
	    vm->vmid, vm->vmid);
	if (vm->hookscript && vm->hook_state == POLICY_HOOK_MISSING)
		emit(c, POLICY_RULE_HOOKSCRIPT_MISSING, POLICY_SEVERITY_ERROR, vm, NULL, NULL, hint,
		     _("hookscript %s does not exist; PVE refuses every start of VM %u"),
		     vm->hookscript, vm->vmid);
	else if (vm->hookscript && vm->hook_state == POLICY_HOOK_NOT_EXECUTABLE)
		emit(c, POLICY_RULE_HOOKSCRIPT_MISSING, POLICY_SEVERITY_ERROR, vm, NULL, NULL, hint,
		     _("hookscript %s is not executable; PVE refuses every start of VM %u"),
		     vm->hookscript, vm->vmid);
	/* one finding per node where the volume is absent: PVE refuses the start there */
	for (const char *n = vm->hook_missing_on; vm->hookscript && n && *n;) {
		size_t len = strcspn(n, " ");
		char node[128], fix[512];

		put(node, sizeof(node), "%.*s", (int)(len < 127 ? len : 127), n);
		put(fix, sizeof(fix),
		    _("copy the snippet to the same path on node %s, or put it in a shared snippets storage (pve-passthrough hook remove %u; pve-passthrough hook install %u)"),
		    node, vm->vmid, vm->vmid);
		emit(c, POLICY_RULE_HOOKSCRIPT_MISSING, POLICY_SEVERITY_ERROR, vm, NULL, NULL, fix,
		     _("hookscript %s does not exist on node %s; PVE refuses to start VM %u there "
		       "(HA recovery, migration)"),
		     vm->hookscript, node, vm->vmid);
		n += len;
		n += strspn(n, " ");
	}
	put(hint, sizeof(hint), "pve-passthrough hook install %u", vm->vmid);
	if (m && m->kind == POLICY_SECTION_MAIN && m->n_hostpci && !vm->hook_is_guard &&
	    vm->hookscript)
		emit(c, POLICY_RULE_GUARD_MISSING, POLICY_SEVERITY_INFO, vm, NULL, NULL, hint,
		     _("VM %u passes PCI devices through without the pre-start guard; its hookscript is %s"),
		     vm->vmid, vm->hookscript);
	else if (m && m->kind == POLICY_SECTION_MAIN && m->n_hostpci && !vm->hook_is_guard)
		emit(c, POLICY_RULE_GUARD_MISSING, POLICY_SEVERITY_INFO, vm, NULL, NULL, hint,
		     _("VM %u passes PCI devices through without the pre-start guard"), vm->vmid);
}

/* pf-driver: an Intel GPU PF with SR-IOV whose driver cannot create VFs. */
static void pf_driver_host(struct ctx *c, const char *node, const struct sysfs_host *h)
{
	for (size_t i = 0; h && i < h->n_devices; i++) {
		const struct sysfs_device *d = &h->devices[i];
		size_t before = c->out->n;

		if (d->role != SYSFS_ROLE_PF || d->totalvfs <= 0 || !d->platform ||
		    sysfs_driver_is_igpu(d->driver))
			continue;
		if (d->driver[0])
			emit(c, POLICY_RULE_PF_DRIVER, POLICY_SEVERITY_ERROR, NULL, NULL, d->bdf,
			     NULL,
			     _("SR-IOV PF %s (%s) on node %s is bound to %s, not i915 or xe, so it cannot create VFs"),
			     d->bdf, d->platform->platform, node ? node : "?", d->driver);
		else
			emit(c, POLICY_RULE_PF_DRIVER, POLICY_SEVERITY_ERROR, NULL, NULL, d->bdf,
			     NULL,
			     _("SR-IOV PF %s (%s) on node %s is not bound to any driver, not i915 or xe, so it cannot create VFs"),
			     d->bdf, d->platform->platform, node ? node : "?");
		if (c->out->n > before && node)
			put(c->out->v[before].node, sizeof(c->out->v[before].node), "%s", node);
	}
}

/* node-unreachable: a node whose hardware or configs could not be read through the API. */
static void rule_node_unreachable(struct ctx *c)
{
	if (!in_scope(c, POLICY_RULE_NODE_UNREACHABLE))
		return;
	for (size_t i = 0; i < c->in->n_other_hosts; i++) {
		const struct policy_node_host *nh = &c->in->other_hosts[i];
		size_t before = c->out->n;

		if (!nh->unreachable)
			continue;
		emit(c, POLICY_RULE_NODE_UNREACHABLE, POLICY_SEVERITY_ERROR, NULL, NULL, NULL, NULL,
		     _("node %s could not be read: %s"), nh->node ? nh->node : "?",
		     nh->unreachable);
		if (c->out->n > before && nh->node)
			put(c->out->v[before].node, sizeof(c->out->v[before].node), "%s", nh->node);
	}
}

/* pf-driver, for this host and every other node whose hardware is known. */
static void rule_pf_driver(struct ctx *c)
{
	if (!in_scope(c, POLICY_RULE_PF_DRIVER))
		return;
	pf_driver_host(c, c->in->node, c->in->host);
	for (size_t i = 0; i < c->in->n_other_hosts; i++)
		if (!c->in->other_hosts[i].drivers_unknown)
			pf_driver_host(c, c->in->other_hosts[i].node, c->in->other_hosts[i].host);
}

static int finding_cmp(const void *pa, const void *pb)
{
	const struct policy_finding *a = pa, *b = pb;
	int r;

	if (a->vmid != b->vmid)
		return a->vmid < b->vmid ? -1 : 1;
	if (a->severity != b->severity)
		return a->severity > b->severity ? -1 : 1;
	r = strcmp(a->section, b->section);
	if (r)
		return strcmp(a->section, "main") == 0   ? -1
		       : strcmp(b->section, "main") == 0 ? 1
		                                         : r;
	r = strcmp(a->key, b->key);
	if (r)
		return r;
	if (a->rule != b->rule)
		return a->rule < b->rule ? -1 : 1;
	r = strcmp(a->device, b->device);
	/* host-level findings of one rule (temp-file-left) differ only in their text */
	return r ? r : strcmp(a->message, b->message);
}

int policy_evaluate(const struct policy_input *in, struct policy_findings *out, struct util_err *e)
{
	struct ctx c = {.in = in, .out = out};
	size_t n = 0, k = 0;

	for (size_t v = 0; v < in->n_vms; v++)
		if (in->vms[v].n_sections && in->vms[v].sections[0].kind == POLICY_SECTION_MAIN)
			n += in->vms[v].sections[0].n_hostpci;
	c.mains = calloc(n ? n : 1, sizeof(*c.mains));
	if (!c.mains)
		return util_err_set(e, -ENOMEM, _("out of memory evaluating the rules"));
	for (size_t v = 0; v < in->n_vms; v++) {
		const struct policy_vm *vm = &in->vms[v];

		if (!vm->n_sections || vm->sections[0].kind != POLICY_SECTION_MAIN)
			continue;
		for (size_t i = 0; i < vm->sections[0].n_hostpci; i++) {
			const struct policy_hostpci *hp = &vm->sections[0].hostpci[i];

			if (hp->valid && (hp->parsed.n_ids > 0) != (hp->parsed.mapping[0] != 0))
				policy_entry_expand(in, vm, &vm->sections[0], hp, &c.mains[k++]);
		}
	}
	c.n_mains = k;

	if (in->mode == POLICY_MODE_AUDIT) {
		rule_pf_driver(&c);
		rule_node_unreachable(&c);
		if (!c.err && in_scope(&c, POLICY_RULE_TEMP_FILE_LEFT))
			c.err = policy_temp_files_add(out, in->severity, in->node, in->temp_files,
			                              in->n_temp_files);
	}
	for (size_t v = 0; v < in->n_vms && !c.err; v++) {
		const struct policy_vm *vm = &in->vms[v];
		const char *main_machine = NULL;

		if (in->mode == POLICY_MODE_GUARD && vm->vmid != in->guard_vmid)
			continue;
		for (size_t s = 0; s < vm->n_sections && !c.err; s++) {
			const struct policy_section *sec = &vm->sections[s];
			const char *machine = sec->machine;

			if (sec->kind == POLICY_SECTION_MAIN)
				main_machine = sec->machine;
			else if (in->mode == POLICY_MODE_GUARD)
				continue;
			if (sec->kind == POLICY_SECTION_PENDING && !machine)
				machine = main_machine;
			judge_section(&c, vm, sec, machine);
		}
		if (in->mode == POLICY_MODE_AUDIT)
			rule_hookscript(&c, vm);
	}
	for (size_t v = 0; in->mode == POLICY_MODE_AUDIT && v < in->n_hook_only && !c.err; v++)
		rule_hookscript(&c, &in->hook_only[v]);
	free(c.mains);
	if (c.err)
		return util_err_set(e, c.err, _("out of memory evaluating the rules"));
	if (out->n)
		qsort(out->v, out->n, sizeof(out->v[0]), finding_cmp);
	return 0;
}

struct policy_finding *policy_findings_add(struct policy_findings *f)
{
	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 16;
		struct policy_finding *v = realloc(f->v, cap * sizeof(*v));

		if (!v)
			return NULL;
		f->v = v;
		f->cap = cap;
	}
	memset(&f->v[f->n], 0, sizeof(f->v[0]));
	return &f->v[f->n++];
}

void policy_findings_free(struct policy_findings *f)
{
	free(f->v);
	f->v = NULL;
	f->n = f->cap = 0;
}

size_t policy_findings_count(const struct policy_findings *f, enum policy_severity s)
{
	size_t n = 0;

	for (size_t i = 0; i < f->n; i++)
		n += f->v[i].severity == s;
	return n;
}
