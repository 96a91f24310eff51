/* assign/plan.c - the plan of an assign: which VF / mdev type / mapping, which hostpciN key, which
 * canonical value, which section, chosen how, allowed or refused by which rule (release: release.c).  Pure: it reads the struct assign_input the
 * caller gathered (host snapshot, every VM config of the node, mappings) and edits a private copy of
 * the target config to produce the before/after bytes.  Must not read or write any file, nor print. */
#include "assign/assign.h"

#include "assign/check.h"
#include "assign/entries.h"
#include "sysfs/driver.h"
#include "util/i18n.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool is_igpu(const struct sysfs_device *d)
{
	return d->vendor == 0x8086 && (d->class_code >> 16) == 0x03;
}

/* "0000:00:02.3" -> "02.3" when in bus 00 of domain 0000, for compact lists. */
static const char *short_bdf(const char *bdf)
{
	return strncmp(bdf, "0000:00:", 8) == 0 ? bdf + 8 : bdf;
}

/* ------------------------------------------------------------------ mdev accounting */

static bool mdev_live(const struct sysfs_host *h, int index, unsigned vmid)
{
	char uuid[40];

	policy_mdev_uuid((unsigned)index, vmid, uuid, sizeof(uuid));
	for (size_t i = 0; i < h->n_mdevs; i++)
		if (strcmp(h->mdevs[i].uuid, uuid) == 0)
			return true;
	return false;
}

/* Instances of type under parent that other VMs configured for it still need: entries of main
 * or [PENDING] (a snapshot only matters after a rollback; main and [PENDING] of the same key need
 * one instance) whose instance does not exist yet (one that exists is already out of
 * available_instances).  A value PVE drops still counts: the person meant it. */
static size_t mdev_needs(const struct assign_view *v, unsigned skip, const char *parent,
                         const char *type, struct util_buf *who)
{
	unsigned seen_vmid = 0, seen_mask = 0; /* hostpci indexes already counted for seen_vmid */
	size_t count = 0;

	for (size_t i = 0; i < v->uses.n; i++) {
		const struct policy_use *u = &v->uses.v[i];
		int index;

		if (!u->mdev || u->vm->vmid == skip || strcmp(u->bdf, parent) != 0 ||
		    strcmp(u->hp->parsed.mdev, type) != 0 ||
		    u->sec->kind == POLICY_SECTION_SNAPSHOT ||
		    !assign_hostpci_index(u->hp->key, &index))
			continue;
		if (seen_vmid != u->vm->vmid) {
			seen_vmid = u->vm->vmid;
			seen_mask = 0;
		}
		if (seen_mask & (1u << index))
			continue;
		seen_mask |= 1u << index;
		if (mdev_live(v->in.host, index, u->vm->vmid))
			continue;
		if (who)
			util_buf_addf(who, "%sVM %u %s", count ? ", " : "", u->vm->vmid,
			              u->hp->key);
		count++;
	}
	return count;
}

/* ------------------------------------------------------------------ the target VM */

struct already {
	const struct assign_request *req;
	const char *pf; /* VF auto: any VF of this PF; mdev: parent */
	const struct sysfs_host *host;
	char found[256];
};

/* Does the VM already have what the request asks for in hp (an entry that counts at its next
 * start: main not marked deleted, or [PENDING]; a value PVE drops is not assigned)? */
static bool already_has(struct already *a, const struct assign_vm *vm,
                        const struct policy_section *sec, const struct policy_hostpci *hp)
{
	const struct assign_request *r = a->req;
	const struct pveconf_hostpci *h = &hp->parsed;
	char where[160];
	bool hit = false, force;

	if (!hp->valid || sec->kind == POLICY_SECTION_SNAPSHOT ||
	    (sec->kind == POLICY_SECTION_MAIN &&
	     pveconf_vm_pending_deletes(vm->conf, hp->key, &force)))
		return false;
	switch (r->kind) {
	case ASSIGN_KIND_VF:
		if (h->mdev[0] || h->n_ids != 1 || !h->ids[0].has_function)
			break;
		if (r->vf[0]) {
			hit = pveconf_pci_id_match(&h->ids[0], r->vf);
		} else if (a->pf) {
			const struct sysfs_device *pf = assign_host_find(a->host, a->pf);

			for (size_t i = 0; pf && i < pf->n_vfs && !hit; i++)
				hit = pveconf_pci_id_match(&h->ids[0], pf->vfs[i]);
		}
		break;
	case ASSIGN_KIND_MDEV:
		hit = h->mdev[0] && h->n_ids > 0 && a->pf &&
		      pveconf_pci_id_match(&h->ids[0], a->pf) &&
		      (!r->mdev[0] || strcmp(r->mdev, h->mdev) == 0);
		break;
	case ASSIGN_KIND_MAPPING: hit = strcmp(h->mapping, r->mapping) == 0; break;
	case ASSIGN_KIND_RELEASE: break;
	}
	if (!hit)
		return false;
	assign_hostpci_where(sec, hp->key, where, sizeof(where));
	snprintf(a->found, sizeof(a->found), "%s: %s", where, hp->value);
	return true;
}

/* The first entry of vm (pvm: its model) that already has it, into a->found. */
static void already_find(struct already *a, const struct assign_vm *vm, const struct policy_vm *pvm)
{
	for (size_t s = 0; s < pvm->n_sections; s++)
		for (size_t h = 0; h < pvm->sections[s].n_hostpci; h++)
			if (already_has(a, vm, &pvm->sections[s], &pvm->sections[s].hostpci[h]))
				return;
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
		found = assign_host_find(in->host, req->pf);
		if (!found)
			assign_finding_add(p, "device-missing", true,
			                   _("check the address with `pve-passthrough status`"),
			                   _("--pf %s: no such device on node %s"), req->pf,
			                   in->node);
		else if (found->role != SYSFS_ROLE_PF)
			assign_finding_add(
			        p, "vf-unsupported", true,
			        _("name the device whose VFs you want (`pve-passthrough status` shows "
			          "role pf)"),
			        _("--pf %s is not an SR-IOV physical function"), req->pf);
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
		snprintf(
		        p->summary, sizeof(p->summary),
		        _("several SR-IOV iGPU functions on this node (%s): say which with --pf BDF"),
		        util_buf_str(&list));
		p->outcome = ASSIGN_OUTCOME_NEEDS_ARG;
		found = NULL;
	} else if (n == 0) {
		if (n_mdev)
			assign_finding_add(
			        p, "vf-unsupported", true, _("use --mdev TYPE|auto on this host"),
			        _("this host shares its iGPU through GVT-g (mdev types), not SR-IOV: it "
			          "has no VFs to assign"));
		else
			assign_finding_add(
			        p, "vf-unsupported", true,
			        _("`pve-passthrough status` shows what the iGPU supports; `pve-passthrough "
			          "host setup sriov` enables VFs where it can"),
			        _("no SR-IOV capable iGPU on node %s"), in->node);
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
		         _("several mdev parents on this node (%s): say which with --pf BDF"),
		         util_buf_str(&list));
		p->outcome = ASSIGN_OUTCOME_NEEDS_ARG;
		found = NULL;
	} else if (n == 0) {
		if (req->pf[0] && assign_host_find(in->host, req->pf))
			assign_finding_add(
			        p, "mdev-unsupported", true,
			        _("GVT-g needs a Gen5-Gen10 iGPU with kvmgt loaded and "
			          "i915.enable_gvt=1 (`pve-passthrough host setup gvtg`)"),
			        _("%s offers no mdev types"), req->pf);
		else if (req->pf[0])
			assign_finding_add(p, "device-missing", true,
			                   _("check the address with `pve-passthrough status`"),
			                   _("--pf %s: no such device on node %s"), req->pf,
			                   in->node);
		else
			assign_finding_add(
			        p, "mdev-unsupported", true,
			        _("on an SR-IOV host use --vf auto; for GVT-g run `pve-passthrough "
			          "host setup gvtg` on a Gen5-Gen10 iGPU"),
			        _("no device on node %s offers mdev types (no GVT-g)"), in->node);
	}
	util_buf_free(&list);
	return found;
}

static int choose_vf(const struct assign_input *in, const struct assign_view *v,
                     const struct assign_request *req, const struct sysfs_device *pf,
                     struct assign_plan *p, char *out)
{
	struct util_buf held = {0};
	size_t existing = 0;

	if (pf->n_vfs == 0) {
		assign_finding_add(
		        p, "vf-none", true,
		        _("enable VFs first (`pve-passthrough host setup sriov`, or echo N > "
		          "sriov_numvfs)"),
		        _("%s has no VFs enabled (sriov_numvfs %d)"), pf->bdf, pf->numvfs);
		return 0;
	}
	for (size_t i = 0; i < pf->n_vfs; i++) {
		struct util_buf who = {0};

		const struct sysfs_device *vf = assign_host_find(in->host, pf->vfs[i]);
		size_t holders;

		if (!vf)
			continue; /* a virtfn link without a device directory: not usable */
		existing++;
		holders = assign_holders_of(v, req->vmid, pf->vfs[i], &who);
		if (holders == 0 && sysfs_driver_is_igpu(vf->driver)) {
			/* free by the configs, but the host uses it (a media server): auto leaves
			 * it alone (an explicit --vf keeps the vf-bound-on-host warning) */
			if (held.len)
				util_buf_adds(&held, _("; "));
			util_buf_addf(&held, _("%s bound to %s on the host"), short_bdf(pf->vfs[i]),
			              vf->driver);
			util_buf_free(&who);
			continue;
		}
		if (holders == 0) {
			strcpy(out, pf->vfs[i]);
			if (held.len)
				snprintf(
				        p->why, sizeof(p->why),
				        _("%s is the lowest-numbered VF of %s (VF %zu) that no other VM config on "
				          "node %s names and the host does not use; taken before it: %s"),
				        out, pf->bdf, i, in->node, util_buf_str(&held));
			else
				snprintf(
				        p->why, sizeof(p->why),
				        _("%s is the lowest-numbered VF of %s (VF %zu) that no other VM config on "
				          "node %s names and the host does not use"),
				        out, pf->bdf, i, in->node);
			util_buf_free(&who);
			util_buf_free(&held);
			return 0;
		}
		util_buf_addf(&held, "%s", held.len ? _("; ") : "");
		util_buf_addf(&held, _("%s by %s"), short_bdf(pf->vfs[i]), util_buf_str(&who));
		util_buf_free(&who);
	}
	if (existing)
		assign_finding_add(p, "vf-none-free", true,
		                   _("release one (`pve-passthrough release VMID --device BDF`), "
		                     "remove a stale config entry, or enable more VFs"),
		                   _("no free VF of %s on node %s: %s"), pf->bdf, in->node,
		                   util_buf_str(&held));
	else
		assign_finding_add(p, "vf-none-free", true,
		                   _("release one (`pve-passthrough release VMID --device BDF`), "
		                     "remove a stale config entry, or enable more VFs"),
		                   _("no free VF of %s on node %s: none of its VFs exists%s"),
		                   pf->bdf, in->node, util_buf_str(&held));
	util_buf_free(&held);
	return 0;
}

static void choose_mdev(const struct assign_view *v, const struct assign_request *req,
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
		needs = (long)mdev_needs(v, req->vmid, parent->bdf, t->id, &who);
		left = t->available < 0 ? 0 : t->available - needs;
		if (req->mdev[0]) {
			if (left < 1 && needs)
				assign_finding_add(
				        p, "mdev-exhausted", true,
				        _("release it from a VM that does not need it, or pick a smaller "
				          "type (`pve-passthrough status` lists them)"),
				        _("no instance of %s left on %s: %ld available, %ld needed by "
				          "stopped VMs configured for it (%s)"),
				        t->id, parent->bdf, t->available, needs,
				        util_buf_str(&who));
			else if (left < 1)
				assign_finding_add(
				        p, "mdev-exhausted", true,
				        _("release it from a VM that does not need it, or pick a smaller "
				          "type (`pve-passthrough status` lists them)"),
				        _("no instance of %s left on %s: %ld available, %ld needed by "
				          "stopped VMs configured for it"),
				        t->id, parent->bdf, t->available, needs);
			else {
				snprintf(out, outn, "%s", t->id);
				snprintf(
				        p->why, sizeof(p->why),
				        P_("%s has %ld instance left on %s (%ld available, %ld needed by "
				           "other VMs configured for it)",
				           "%s has %ld instances left on %s (%ld available, %ld needed by "
				           "other VMs configured for it)",
				           (unsigned long)left),
				        t->id, left, parent->bdf, t->available, needs);
			}
			util_buf_free(&who);
			return;
		}
		util_buf_addf(&others, "%s", others.len ? _(", ") : "");
		util_buf_addf(&others, _("%s: %ld left"), t->id, left);
		if (left > best_left) {
			best_left = left;
			best = t;
		}
		util_buf_free(&who);
	}
	if (req->mdev[0]) {
		assign_finding_add(p, "mdev-type-missing", true,
		                   _("`pve-passthrough status` lists the types this iGPU offers"),
		                   _("%s offers no mdev type '%s'"), parent->bdf, req->mdev);
	} else if (!best) {
		assign_finding_add(
		        p, "mdev-exhausted", true,
		        _("release an instance from a VM that does not need it"),
		        _("no mdev type of %s has an instance left after the needs of the VMs "
		          "configured for it (%s)"),
		        parent->bdf, util_buf_str(&others));
	} else {
		snprintf(out, outn, "%s", best->id);
		snprintf(
		        p->why, sizeof(p->why),
		        _("%s has the most instances left after the needs of the other VMs configured "
		          "for it (%s)"),
		        best->id, util_buf_str(&others));
	}
	util_buf_free(&others);
}

/* ------------------------------------------------------------------ the chosen device */

/* What assign refuses itself about an explicit device, before any rule: ids that are not one VF of
 * the request, and a VF that is not free (another VM config names it: the allocation's own
 * definition of free, wider than device-shared).  Everything that is a rule (pf-with-vfs,
 * device-missing, iommu-off, vf-bound-on-host, ...) is policy's, judged on the candidate. */
static void device_refusals(const struct assign_input *in, const struct assign_view *v,
                            const struct assign_request *req, const char *bdf,
                            struct assign_plan *p)
{
	const struct sysfs_device *d = assign_host_find(in->host, bdf);
	struct util_buf who = {0};
	size_t blen = strlen(bdf);

	if (!strchr(bdf, '.')) {
		/* "0000:00:02": every function of the slot; with a PF of active VFs in it that is
		 * pf-with-vfs, which policy reports on the candidate */
		for (size_t i = 0; i < in->host->n_devices; i++) {
			const struct sysfs_device *f = &in->host->devices[i];

			if (strncmp(f->bdf, bdf, blen) == 0 && f->bdf[blen] == '.' &&
			    f->role == SYSFS_ROLE_PF && f->n_vfs > 0)
				return;
		}
		assign_finding_add(
		        p, "not-a-vf", true,
		        _("give one VF with its function (`pve-passthrough status` lists "
		          "them), or --vf auto"),
		        _("%s has no function: it names every function of the slot, not one "
		          "VF"),
		        bdf);
		return;
	}
	if (!d || (d->role == SYSFS_ROLE_PF && d->n_vfs > 0))
		return; /* device-missing, pf-with-vfs: policy's */
	if (req->kind == ASSIGN_KIND_VF && d->role != SYSFS_ROLE_VF) {
		assign_finding_add(
		        p, "not-a-vf", true,
		        _("give one of the iGPU's VFs (`pve-passthrough status` lists them), or "
		          "--vf auto; other devices are passed with qm set"),
		        _("%s is not an SR-IOV virtual function"), bdf);
		return;
	}
	if (assign_holders_of(v, req->vmid, bdf, &who) > 0)
		assign_finding_add(
		        p, "vf-taken", true,
		        _("pick a free VF (--vf auto), or release it from that VM first"),
		        _("%s is already used by %s"), bdf, util_buf_str(&who));
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

static bool slot_taken(const struct pveconf_vm *conf, int i)
{
	char key[24]; /* "hostpci" and any int: GCC 14 (Debian 13) checks the bound */

	snprintf(key, sizeof(key), "hostpci%d", i);
	return pveconf_vm_get(conf, NULL, key, NULL) ||
	       (pveconf_vm_section_find(conf, "PENDING") >= 0 &&
	        pveconf_vm_get(conf, "PENDING", key, NULL));
}

/* The guard's rules on the candidate: the same refusals as at the VM's next start.  policy/ is the
 * only judge: assign has no copy of any rule. */
static int guard_rules(const struct assign_input *in, unsigned vmid, const struct pveconf_vm *cand,
                       const char *key, struct assign_plan *p, struct util_err *e)
{
	struct assign_check chk;
	int r = assign_check_policy(in, vmid, cand, key, &chk, e);

	if (r < 0)
		return r;
	for (size_t i = 0; i < chk.n && p->n_findings < ASSIGN_MAX_FINDINGS; i++) {
		p->findings[p->n_findings++] = chk.v[i];
		if (chk.v[i].refuses)
			p->outcome = ASSIGN_OUTCOME_REFUSED;
	}
	return 0;
}

static int plan_assign(const struct assign_input *in, const struct assign_view *v, size_t vm_at,
                       const struct assign_request *req, const struct assign_vm *vm,
                       struct assign_plan *p, struct util_err *e)
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
	already_find(&a, vm, &v->vms[vm_at]);
	if (a.found[0]) {
		p->outcome = ASSIGN_OUTCOME_NOTHING;
		snprintf(p->summary, sizeof(p->summary),
		         _("VM %u already has it (%s): nothing to do"), req->vmid, a.found);
		return 0;
	}

	lock = pveconf_vm_lock(vm->conf);
	if (lock) {
		assign_refuse_locked(p, req->vmid, lock);
		return 0;
	}

	if (req->kind == ASSIGN_KIND_VF) {
		if (req->vf[0]) {
			const struct sysfs_device *vf = assign_host_find(in->host, req->vf);

			if (vf && vf->role == SYSFS_ROLE_VF && strcmp(vf->physfn, dev->bdf) != 0 &&
			    req->pf[0]) {
				assign_finding_add(p, "vf-unsupported", true,
				                   _("drop --pf, or name one of its VFs"),
				                   _("%s is not a VF of %s"), req->vf, dev->bdf);
				return 0;
			}
			snprintf(chosen, sizeof(chosen), "%s", req->vf);
		} else {
			choose_vf(in, v, req, dev, p, chosen);
		}
		if (!chosen[0])
			return 0;
		device_refusals(in, v, req, chosen, p);
		if (pveconf_hostpci_parse(chosen, &h, NULL) < 0) {
			assign_finding_add(p, "hostpci-invalid", true, NULL,
			                   _("%s is not a PCI address"), chosen);
			return 0;
		}
	} else if (req->kind == ASSIGN_KIND_MDEV) {
		choose_mdev(v, req, dev, p, chosen, sizeof(chosen));
		if (!chosen[0])
			return 0;
		if (pveconf_hostpci_parse(dev->bdf, &h, NULL) < 0)
			return util_err_set(e, -EINVAL, _("%s: not a PCI address"), dev->bdf);
		snprintf(h.mdev, sizeof(h.mdev), "%s", chosen);
	} else {
		/* mapping-missing, pf-with-vfs through it: policy's, on the candidate */
		snprintf(h.mapping, sizeof(h.mapping), "%s", req->mapping);
	}

	/* slot */
	if (req->slot >= 0) {
		if (slot_taken(vm->conf, req->slot)) {
			char key[24];
			const char *now;

			snprintf(key, sizeof(key), "hostpci%d", req->slot);
			now = next_value(vm->conf, key);
			assign_finding_add(
			        p, "slot-taken", true,
			        _("pick another --slot, or leave it out to take the lowest free one"),
			        _("VM %u already uses %s (%s)"), req->vmid, key, now ? now : "");
		} else {
			slot = req->slot;
		}
	} else {
		for (int i = 0; i < PVECONF_HOSTPCI_MAX && slot < 0; i++)
			if (!slot_taken(vm->conf, i))
				slot = i;
		if (slot < 0)
			assign_finding_add(p, "slots-full", true,
			                   _("release one with `pve-passthrough release`"),
			                   _("VM %u uses every slot hostpci0..hostpci15"),
			                   req->vmid);
	}

	/* value */
	machine = next_value(vm->conf, "machine");
	q35 = pveconf_machine_is_q35(machine);
	/* pcie=1 on a machine that is not q35: pcie-needs-q35, policy's */
	if (req->pcie == PVECONF_ON || (req->pcie == PVECONF_UNSET && q35))
		h.pcie = PVECONF_ON;
	if (req->x_vga)
		h.x_vga = PVECONF_ON;
	if (req->romfile[0]) {
		if (strpbrk(req->romfile, ",;") || !in->romfile_exists)
			assign_finding_add(
			        p, "romfile-missing", true,
			        _("put the ROM file under /usr/share/kvm and give its name"),
			        _("--romfile %s: no such file under /usr/share/kvm"), req->romfile);
		snprintf(h.romfile, sizeof(h.romfile), "%s", req->romfile);
	}
	if (p->outcome != ASSIGN_OUTCOME_CHANGE)
		return 0;

	r = pveconf_hostpci_format(&h, &val);
	if (r < 0) {
		util_buf_free(&val);
		return util_err_set(e, r, _("cannot format the hostpci value"));
	}
	snprintf(c->key, sizeof(c->key), "hostpci%d", slot);
	snprintf(c->value, sizeof(c->value), "%s", util_buf_str(&val));
	util_buf_free(&val);
	c->pending = vm->running;
	p->n_changes = 1;

	r = assign_conf_copy(vm->conf, p, &copy, e);
	if (r == 0)
		r = pveconf_vm_set(copy, c->pending ? "PENDING" : NULL, c->key, c->value, e);
	if (r == 0)
		r = assign_conf_finish(copy, p, e);
	if (r == 0)
		r = guard_rules(in, req->vmid, copy, c->key, p, e);
	pveconf_vm_free(copy);
	if (r < 0 || p->outcome != ASSIGN_OUTCOME_CHANGE)
		return r;
	if (c->pending)
		snprintf(
		        p->summary, sizeof(p->summary),
		        _("VM %u is running: %s: %s goes to [PENDING] and applies at its next start "
		          "(stop and start it; a reboot inside the guest is not enough)"),
		        req->vmid, c->key, c->value);
	else
		snprintf(p->summary, sizeof(p->summary), _("VM %u gets %s: %s"), req->vmid, c->key,
		         c->value);
	return 0;
}

int assign_plan_make(const struct assign_input *in, const struct assign_request *req,
                     struct assign_plan *p, struct util_err *e)
{
	const struct assign_vm *vm;
	struct assign_view v;
	int r;

	memset(p, 0, sizeof(*p));
	p->severity = in->severity;
	p->vmid = req->vmid;
	p->outcome = ASSIGN_OUTCOME_CHANGE;
	if (in->owner_node && strcmp(in->owner_node, in->node) != 0) {
		assign_finding_add(
		        p, "vm-other-node", true,
		        _("run it on that node (PVE changes a VM's config only where it lives), or "
		          "use --api"),
		        _("VM %u lives on node %s, not on %s"), req->vmid, in->owner_node,
		        in->node);
		return 0;
	}
	vm = assign_vm_find(in, req->vmid);
	if (!vm) {
		assign_finding_add(p, "vm-missing", true, _("`qm list` shows the VMs of this node"),
		                   _("no VM %u on node %s"), req->vmid, in->node);
		return 0;
	}
	snprintf(p->digest, sizeof(p->digest), "%s", pveconf_vm_digest(vm->conf));
	/* the node as policy sees it, broken entries included: who uses what */
	r = assign_view_build(in, POLICY_BUILD_ALL_DROPPED, 0, NULL, &v, e);
	if (r < 0)
		return r;
	if (req->kind == ASSIGN_KIND_RELEASE)
		r = assign_release_plan(&v, (size_t)(vm - in->vms), req, vm, p, e);
	else
		r = plan_assign(in, &v, (size_t)(vm - in->vms), req, vm, p, e);
	assign_view_free(&v);
	return r;
}

void assign_plan_free(struct assign_plan *p)
{
	free(p->before);
	free(p->after);
	p->before = p->after = NULL;
	for (size_t i = 0; i < p->n_warnings; i++)
		free(p->warnings[i]);
	free(p->warnings);
	p->warnings = NULL;
	p->n_warnings = 0;
}
