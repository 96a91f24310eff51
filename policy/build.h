/* policy/build.h - a VM config model (pveconf/) turned into the rules' input (struct policy_vm):
 * the one place where the audit, the guard, status and assign do it.  Pure: works on the model
 * in memory; what needs I/O (running, hookscript state) is left to the caller. */
#ifndef PP_POLICY_BUILD_H
#define PP_POLICY_BUILD_H

#include "policy/policy.h"
#include "pveconf/vmconf.h"

/* Which sections of the config the rules see. */
enum policy_build_view {
	POLICY_BUILD_ALL,        /* every section PVE keeps, [special:*] aside (audit, status) */
	POLICY_BUILD_MAIN,       /* main only: the guard (PVE applied [PENDING] before a start) */
	POLICY_BUILD_NEXT_START, /* main with [PENDING] values and deletes applied, as one main
	                            section: the VM as its next start sees it (assign's candidate) */
	/* ALL, and every hostpci value PVE drops read from the file's bytes (lenient: what the
	 * person meant): who holds a device for assign and release (POLICY_USES_DROPPED) */
	POLICY_BUILD_ALL_DROPPED,
};

/* One built VM.  vm.running, vm.hook_state and vm.hook_is_guard are left to the caller.  Every
 * pointer in vm points into storage owned here, so the model may be freed afterwards. */
struct policy_vm_build {
	struct policy_vm vm;
	const char *name; /* name:, NULL when absent */
	/* owned */
	struct policy_section *secs;
	struct policy_hostpci *hps;
	char **strings;
	size_t n_strings, cap_strings;
};

/* Builds vm from conf.  Hostpci values PVE drops (the reader's diagnostics) are kept as invalid
 * entries in ALL and MAIN views, so hostpci-invalid can name them.  0 or -ENOMEM. */
int policy_vm_build(const struct pveconf_vm *conf, unsigned vmid, const char *node,
                    enum policy_build_view view, struct policy_vm_build *out, struct util_err *e);
void policy_vm_build_free(struct policy_vm_build *b);

#endif
