/* assign/release.c - the plan of a release: which hostpci entries go, and how (removed from a
 * stopped VM; a [PENDING] delete for a running VM, so PVE's stop cleanup still sees the entry and
 * removes its mdev; a not-yet-applied [PENDING] value dropped; a line PVE drops removed).  The
 * entries are the VM's policy model with the values PVE drops (assign_view, ALL_DROPPED): no
 * reading of its own.  Pure: edits a private copy of the config; no I/O, no printing. */
#include "assign/entries.h"
#include "util/i18n.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* Does the request name entry hp?  A value PVE drops is matched by what it says (lenient). */
static bool release_matches(const struct assign_request *req, const struct policy_hostpci *hp)
{
	int idx;

	if (!assign_hostpci_index(hp->key, &idx))
		return false;
	switch (req->release) {
	case ASSIGN_RELEASE_ALL: return true;
	case ASSIGN_RELEASE_SLOT: return idx == req->slot;
	case ASSIGN_RELEASE_DEVICE:
		for (size_t i = 0; (hp->valid || hp->lenient) && i < hp->parsed.n_ids; i++)
			if (pveconf_pci_id_match(&hp->parsed.ids[i], req->device))
				return true;
		return false;
	}
	return false;
}

static bool change_has(const struct assign_plan *p, const char *key)
{
	for (size_t j = 0; j < p->n_changes; j++)
		if (strcmp(p->changes[j].key, key) == 0)
			return true;
	return false;
}

int assign_release_plan(const struct assign_view *v, size_t vm_at, const struct assign_request *req,
                        const struct assign_vm *vm, struct assign_plan *p, struct util_err *e)
{
	const struct policy_vm *pvm = &v->vms[vm_at];
	struct pveconf_vm *copy = NULL;
	int pend = pveconf_vm_section_find(vm->conf, "PENDING");
	const char *lock = pveconf_vm_lock(vm->conf);
	size_t marked = 0;
	int r;

	/* keys to release: main ones, then pending-only ones; then the lines PVE drops (a typo):
	 * never active, so they go directly, running or not */
	for (int pass = 0; pass < 3; pass++) {
		const struct policy_section *sec = NULL;

		for (size_t s = 0; s < pvm->n_sections && !sec; s++)
			if (pvm->sections[s].kind ==
			    (pass == 1 ? POLICY_SECTION_PENDING : POLICY_SECTION_MAIN))
				sec = &pvm->sections[s];
		for (size_t k = 0; sec && k < sec->n_hostpci && p->n_changes < PVECONF_HOSTPCI_MAX;
		     k++) {
			const struct policy_hostpci *hp = &sec->hostpci[k];
			struct assign_change *c = &p->changes[p->n_changes];
			bool force, dup;

			if (hp->dropped != (pass == 2) || !hp->value || !release_matches(req, hp))
				continue;
			dup = change_has(p, hp->key);
			if (dup && (pass != 1 || !vm->running))
				continue;
			if (pass == 0 && vm->running &&
			    pveconf_vm_pending_deletes(vm->conf, hp->key, &force)) {
				marked++; /* already marked for deletion */
				continue;
			}
			memset(c, 0, sizeof(*c));
			snprintf(c->key, sizeof(c->key), "%s", hp->key);
			snprintf(c->value, sizeof(c->value), "%s", hp->value);
			c->remove = true;
			c->pending = pass == 1 || (pass == 0 && vm->running);
			c->pending_drop = pass == 1;
			c->dropped = pass == 2;
			p->n_changes++;
		}
	}
	if (p->n_changes == 0 && marked) {
		p->outcome = ASSIGN_OUTCOME_NOTHING;
		snprintf(
		        p->summary, sizeof(p->summary),
		        _("VM %u: already marked for deletion in [PENDING] (applies at its next start): "
		          "nothing to do"),
		        req->vmid);
		return 0;
	}
	if (p->n_changes == 0) {
		p->outcome = ASSIGN_OUTCOME_NOTHING;
		if (req->release == ASSIGN_RELEASE_ALL)
			snprintf(p->summary, sizeof(p->summary),
			         _("VM %u has no hostpci entry to release: nothing to do"),
			         req->vmid);
		else if (req->release == ASSIGN_RELEASE_SLOT)
			snprintf(p->summary, sizeof(p->summary),
			         _("VM %u has no entry in that slot to release: nothing to do"),
			         req->vmid);
		else
			snprintf(p->summary, sizeof(p->summary),
			         _("VM %u has no entry naming %s to release: nothing to do"),
			         req->vmid, req->device);
		return 0;
	}
	if (lock) {
		assign_refuse_locked(p, req->vmid, lock);
		return 0;
	}
	r = assign_conf_copy(vm->conf, p, &copy, e);
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
		r = assign_conf_finish(copy, p, e);
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
		if (!vm->running || !nk) {
			char what[800] = "";
			size_t w = 0;

			/* what happens, clause by clause: "releases X; Y dropped from ...; removed Z" */
			if (keys[0])
				w += (size_t)snprintf(what + w, sizeof(what) - w, _("releases %s"),
				                      keys);
			if (drops[0] && w < sizeof(what))
				w += (size_t)snprintf(what + w, sizeof(what) - w, "%s",
				                      w ? _("; ") : "");
			if (drops[0] && w < sizeof(what))
				w += (size_t)snprintf(
				        what + w, sizeof(what) - w,
				        _("%s dropped from [PENDING] (not yet applied)"), drops);
			if (gone[0] && w < sizeof(what))
				w += (size_t)snprintf(what + w, sizeof(what) - w, "%s",
				                      w ? _("; ") : "");
			if (gone[0] && w < sizeof(what))
				snprintf(what + w, sizeof(what) - w,
				         keys[0] || drops[0] ? _("removed %s") : _("removes %s"),
				         gone);
			if (vm->running)
				snprintf(p->summary, sizeof(p->summary), _("VM %u is running: %s"),
				         req->vmid, what);
			else
				snprintf(p->summary, sizeof(p->summary), _("VM %u %s"), req->vmid,
				         what);
		} else {
			snprintf(
			        p->summary, sizeof(p->summary),
			        P_("VM %u is running: %s marked for deletion in [PENDING]; PVE removes "
			           "it at the next start, after the stop has cleaned up",
			           "VM %u is running: %s marked for deletion in [PENDING]; PVE removes "
			           "them at the next start, after the stop has cleaned up",
			           nk),
			        req->vmid, keys);
			if (drops[0])
				snprintf(p->summary + strlen(p->summary),
				         sizeof(p->summary) - strlen(p->summary),
				         _("; dropped from [PENDING], not yet applied: %s"), drops);
			if (gone[0])
				snprintf(p->summary + strlen(p->summary),
				         sizeof(p->summary) - strlen(p->summary),
				         _("; removed: %s"), gone);
		}
		if (gone[0])
			snprintf(p->summary + strlen(p->summary),
			         sizeof(p->summary) - strlen(p->summary),
			         _(" (a value PVE drops: it was never in use)"));
	}
	return 0;
}
