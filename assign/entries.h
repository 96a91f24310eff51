/* assign/entries.h - helpers shared by the planning files of assign/ (private to assign/). */
#ifndef PP_ASSIGN_ENTRIES_H
#define PP_ASSIGN_ENTRIES_H

#include "assign/assign.h"
#include "policy/build.h"

/* hostpciN with N in 0..15?  *idx = N. */
bool assign_hostpci_index(const char *key, int *idx);
const struct sysfs_device *assign_host_find(const struct sysfs_host *h, const char *bdf);
const struct assign_mapping *assign_mapping_find(const struct assign_input *in, const char *name);
const struct assign_vm *assign_vm_find(const struct assign_input *in, unsigned vmid);

/* Adds a finding to the plan (a refusal sets the outcome), following the settings' severity for
 * rules the guard also has. */
void assign_finding_add(struct assign_plan *p, const char *rule, bool refuses, const char *hint,
                        const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* The vm-locked refusal (PVE refuses config changes while lock: is set), for assign and release. */
void assign_refuse_locked(struct assign_plan *p, unsigned vmid, const char *lock);

/* The node as policy/ sees it, built from the assign input: every VM in view (ALL_DROPPED: the
 * values PVE drops too, read as the person meant them), or, with a candidate, VM vmid as it would
 * start with it (the guard's input); in.vms is in->vms' order.  With ALL_DROPPED, uses holds every
 * use of a device (policy_uses_collect with POLICY_USES_DROPPED): the one "who uses this device"
 * expansion of status and the rules, which also counts a broken entry, so it still blocks its
 * device and release still finds it.  0 or -errno; free with assign_view_free. */
struct assign_view {
	struct policy_input in;
	struct policy_vm *vms;
	struct policy_vm_build *builds;
	struct policy_mapping *maps;
	struct policy_map_line *lines;
	struct policy_uses uses;
};
int assign_view_build(const struct assign_input *in, enum policy_build_view view, unsigned vmid,
                      const struct pveconf_vm *candidate, struct assign_view *v,
                      struct util_err *e);
void assign_view_free(struct assign_view *v);
/* "hostpci0", "[PENDING] hostpci1", "snapshot 'x' hostpci0". */
void assign_hostpci_where(const struct policy_section *sec, const char *key, char *buf, size_t n);
/* How many entries of VMs other than skip (and active reservations) name bdf, not as an mdev
 * parent; who, in out (may be NULL). */
size_t assign_holders_of(const struct assign_view *v, unsigned skip, const char *bdf,
                         struct util_buf *out);

/* The plan's private, editable copy of conf (p->before gets its bytes), and its new bytes. */
int assign_conf_copy(const struct pveconf_vm *conf, struct assign_plan *p, struct pveconf_vm **out,
                     struct util_err *e);
int assign_conf_finish(struct pveconf_vm *copy, struct assign_plan *p, struct util_err *e);

/* release.c; v: the ALL_DROPPED view of the node, vm_at: the target's index in it */
int assign_release_plan(const struct assign_view *v, size_t vm_at, const struct assign_request *req,
                        const struct assign_vm *vm, struct assign_plan *p, struct util_err *e);

#endif
