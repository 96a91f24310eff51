/* assign/entries.h - helpers shared by the planning files of assign/ (private to assign/). */
#ifndef PP_ASSIGN_ENTRIES_H
#define PP_ASSIGN_ENTRIES_H

#include "assign/assign.h"

/* One hostpci entry of a VM: section, key, value, parsed (values PVE drops are read leniently). */
struct assign_entry {
	const struct assign_vm *vm;
	const char *section; /* "main", "PENDING", snapshot name */
	enum pveconf_section_kind kind;
	const char *key;
	const char *value;
	int index;
	struct pveconf_hostpci h;
	bool parsed, lenient; /* lenient: PVE drops the value */
};

/* hostpciN with N in 0..15?  *idx = N. */
bool assign_hostpci_index(const char *key, int *idx);
/* PVE's parse; a value PVE rejects only for blanks is read without them (*lenient = true). */
int assign_hostpci_parse_lenient(const char *value, struct pveconf_hostpci *h, bool *lenient);
const struct sysfs_device *assign_host_find(const struct sysfs_host *h, const char *bdf);
const struct assign_mapping *assign_mapping_find(const struct assign_input *in, const char *name);
const struct assign_vm *assign_vm_find(const struct assign_input *in, unsigned vmid);

/* Adds a finding to the plan (a refusal sets the outcome), following the settings' severity for
 * rules the guard also has. */
void assign_finding_add(struct assign_plan *p, const char *rule, bool refuses, const char *hint,
                        const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* The vm-locked refusal (PVE refuses config changes while lock: is set), for assign and release. */
void assign_refuse_locked(struct assign_plan *p, unsigned vmid, const char *lock);

/* Calls fn for every hostpci entry of vm in every section PVE keeps (fn returns false to stop). */
void assign_vm_entries(const struct assign_vm *vm,
                       bool (*fn)(const struct assign_entry *en, void *arg), void *arg);
/* "hostpci0", "[PENDING] hostpci1", "snapshot 'x' hostpci0". */
void assign_entry_where(const struct assign_entry *en, char *buf, size_t n);
/* Does the entry count at the VM's next start (main not marked deleted, or [PENDING])? */
bool assign_entry_live(const struct assign_entry *en);
/* How many entries of VMs other than skip (and active reservations) name bdf; who, in out. */
size_t assign_holders_of(const struct assign_input *in, unsigned skip, const char *bdf,
                         struct util_buf *out);

/* The plan's private, editable copy of conf (p->before gets its bytes), and its new bytes. */
int assign_conf_copy(const struct pveconf_vm *conf, struct assign_plan *p, struct pveconf_vm **out,
                     struct util_err *e);
int assign_conf_finish(struct pveconf_vm *copy, struct assign_plan *p, struct util_err *e);

/* release.c */
int assign_release_plan(const struct assign_input *in, const struct assign_request *req,
                        const struct assign_vm *vm, struct assign_plan *p, struct util_err *e);

#endif
