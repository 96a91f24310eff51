/* policy/policy.h - the rules that keep iGPU sharing safe: plain input in, findings out.
 *
 * Pure: no I/O, no printing.  The caller (cli/) gathers a snapshot of the host (sysfs/host.h), the
 * VM configs with their hostpci entries already parsed (pveconf/hostpci.h), the resource mappings,
 * the PCI reservations, which VMs run, and the per-rule severities, and gets a list of findings. */
#ifndef PP_POLICY_H
#define PP_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include "pveconf/hostpci.h"
#include "sysfs/driver.h"
#include "sysfs/host.h"
#include "util/err.h"
#include "util/i18n.h"

enum policy_severity {
	POLICY_SEVERITY_OFF = -1, /* rule disabled by the settings */
	POLICY_SEVERITY_INFO = 0,
	POLICY_SEVERITY_WARNING = 1,
	POLICY_SEVERITY_ERROR = 2,
};

/* Where a rule runs (bit mask). */
enum policy_scope {
	POLICY_SCOPE_GUARD = 1, /* pre-start guard: the starting VM's main section */
	POLICY_SCOPE_AUDIT = 2, /* audit: every VM, every section */
	POLICY_SCOPE_HOST = 4,  /* about the host itself, no VM */
};

/* Every rule id, from the registry (policy/rules.def): POLICY_RULE_PF_WITH_VFS, ... */
enum policy_rule_id {
#define PP_RULE(id, name, sev, scope, summary, fix) POLICY_RULE_##id,
#include "policy/rules.def"
#undef PP_RULE
	POLICY_RULE_COUNT,
};

struct policy_rule {
	enum policy_rule_id id;
	const char *name; /* stable id: "pf-with-vfs" */
	enum policy_severity severity;
	unsigned scope; /* enum policy_scope bits */
	const char *summary;
	const char *fix;
};

/* The registry (policy/registry.c), indexed by enum policy_rule_id. */
const struct policy_rule *policy_rule_get(enum policy_rule_id id);
/* The rule with that name, or NULL. */
const struct policy_rule *policy_rule_find(const char *name);
const char *policy_severity_name(enum policy_severity s); /* "error", "warning", "info", "off" */
/* "info"/"warning"/"error"/"off" -> severity; -EINVAL otherwise. */
int policy_severity_parse(const char *s, enum policy_severity *out);
/* Every rule id, NULL-terminated (for the settings' validation).  Static storage. */
const char *const *policy_rule_names(void);
/* The severity rule r has under severity (POLICY_RULE_COUNT entries, NULL = the defaults). */
enum policy_severity policy_rule_severity(const enum policy_severity *severity,
                                          enum policy_rule_id r);

/* ------------------------------------------------------------------ input */

/* One hostpciN line of a section, parsed by the gatherer with pveconf_hostpci_parse(). */
struct policy_hostpci {
	const char *key;   /* "hostpci0" */
	const char *value; /* as written */
	unsigned line;
	bool valid;                    /* false: PVE drops the value */
	const char *error;             /* PVE's reason when !valid */
	struct pveconf_hostpci parsed; /* meaningful when valid or lenient */
	/* POLICY_BUILD_ALL_DROPPED only: parsed is what a value PVE drops says (read as written, or
	 * without the blanks PVE rejects), the device a person meant */
	bool lenient;
	bool dropped; /* PVE's reader drops the whole line (a diagnostic, not a key) */
};

enum policy_section_kind {
	POLICY_SECTION_MAIN,
	POLICY_SECTION_PENDING,
	POLICY_SECTION_SNAPSHOT,
};

struct policy_section {
	enum policy_section_kind kind;
	const char *name; /* snapshot name; NULL for main and pending */
	const struct policy_hostpci *hostpci;
	size_t n_hostpci;
	const char *machine; /* effective values, NULL when absent */
	const char *vga;
};

enum policy_hook_state {
	POLICY_HOOK_NONE,    /* no hookscript: */
	POLICY_HOOK_OK,      /* the script exists and is executable */
	POLICY_HOOK_MISSING, /* volume not resolvable or the file is absent */
	POLICY_HOOK_NOT_EXECUTABLE,
};

struct policy_vm {
	unsigned vmid;
	const char *node;
	bool running;
	const struct policy_section *sections; /* main first */
	size_t n_sections;
	const char *hookscript; /* value of hookscript:, NULL when absent */
	enum policy_hook_state hook_state;
	bool hook_is_guard; /* the hookscript runs this tool's guard */
	/* other nodes the VM can start on (an HA resource) where its hookscript volume is absent,
	 * space-separated; NULL when none (or not known) */
	const char *hook_missing_on;
	const char *lock; /* lock: value, NULL when absent or not locking ('lock: 0') */
};

/* One `map` line of /etc/pve/mapping/pci.cfg. */
struct policy_map_line {
	const char *node;
	const char *path; /* "0000:00:02.1" or "A;B" (passed together), as written */
	const struct pveconf_pci_id *ids; /* path= as pveconf's reader parsed it */
	size_t n_ids;                     /* 0: no usable path */
	const char *id;                   /* "8086:a7a0" */
	const char *subsystem_id;         /* "1028:0b1a", NULL when absent */
	int iommugroup;                   /* -1 when absent */
	unsigned line;
	/* as written, for judging as PVE does (it compares text) and for the corrected line; NULL:
	 * built from the fields above */
	const char *iommugroup_text;
	const char *raw; /* the whole map value, "id=...,iommugroup=...,node=...,path=..." */
};

struct policy_mapping {
	const char *name;
	const struct policy_map_line *maps;
	size_t n_maps;
	bool mdev; /* mdev 1: the mapping is used with mdev= */
};

/* One line of /run/qemu-server/pci-id-reservations (a device held by a starting/running VM). */
struct policy_reservation {
	const char *bdf;
	unsigned vmid;
};

/* One check PVE itself made of a mapping on a node (GET /cluster/mapping/pci?check-node=NODE):
 * "Invalid configuration: ..." (error, one per invalid map line) or "No mapping for node X."
 * (warning). */
struct policy_pve_check {
	const char *mapping;
	bool error;          /* PVE's severity "error" (else "warning") */
	const char *message; /* PVE's words, without the final newline */
};

struct policy_node_host {
	const char *node;
	const struct sysfs_host *host;
	/* non-NULL: the node could not be read (through the REST API), this says why; the audit
	 * reports node-unreachable and judges its VMs without hardware */
	const char *unreachable;
	/* the hardware came without drivers (the REST API does not list them): no pf-driver */
	bool drivers_unknown;
	/* PVE's verdict on every mapping for this node was read: mapping-missing (no map line for
	 * the node) and mapping-invalid come from these checks instead of judging the map lines */
	bool has_pve_checks;
	const struct policy_pve_check *pve_checks;
	size_t n_pve_checks;
	/* the mappings PVE's answer listed (with or without checks); one it left out (it lists
	 * only what the token may see) is judged here */
	const char *const *pve_mappings;
	size_t n_pve_mappings;
};

enum policy_mode {
	POLICY_MODE_AUDIT,
	POLICY_MODE_GUARD,
};

struct policy_input {
	enum policy_mode mode;
	unsigned guard_vmid; /* POLICY_MODE_GUARD: the VM that starts (must be in vms) */
	const char *node;    /* this node */
	/* this node's hardware; NULL = unknown (no hardware rules for its VMs) */
	const struct sysfs_host *host;
	/* other nodes' hardware (e.g. from the REST API); VMs of a node without one get the rules
	 * that need no hardware */
	const struct policy_node_host *other_hosts;
	size_t n_other_hosts;
	const struct policy_vm *vms;
	size_t n_vms;
	const struct policy_mapping *mappings;
	size_t n_mappings;
	const struct policy_reservation *reservations;
	size_t n_reservations;
	/* audit: the temporary files of ours that killed writes left under /etc/pve (temp-file-left) */
	char *const *temp_files;
	size_t n_temp_files;
	/* audit: VMs of other nodes judged only for their hookscript here (HA resources that may
	 * be started on this node; hook_missing_on names it when the file is absent here) */
	const struct policy_vm *hook_only;
	size_t n_hook_only;
	/* Per-rule severity (POLICY_RULE_COUNT entries), NULL = the table's defaults. */
	const enum policy_severity *severity;
};

/* ------------------------------------------------------------------ output */

struct policy_finding {
	enum policy_rule_id rule;
	enum policy_severity severity;
	char node[64];
	unsigned vmid;              /* 0 for host-level findings */
	char section[80];           /* "main", "pending", "snapshot:NAME"; "" for host-level */
	char key[16];               /* "hostpci0"; "" when none */
	char device[SYSFS_BDF_LEN]; /* "" when none */
	char message[768];
	char hint[512];
};

/* One list of findings for every scope: the guard's, the audit's and the host's (doctor). */
struct policy_findings {
	struct policy_finding *v;
	size_t n, cap;
};

/* Runs every rule of the mode's scope.  Findings come sorted: host-level first, then by vmid, most
 * severe first, then key.  0 or -ENOMEM. */
int policy_evaluate(const struct policy_input *in, struct policy_findings *out, struct util_err *e);
void policy_findings_free(struct policy_findings *f);
/* Appends a zeroed finding and returns it; NULL when out of memory. */
struct policy_finding *policy_findings_add(struct policy_findings *f);
/* Number of findings at severity s. */
size_t policy_findings_count(const struct policy_findings *f, enum policy_severity s);

/* "main", "pending" or "snapshot:NAME" (docs/cli.md's section names). */
void policy_section_label(const struct policy_section *s, char *buf, size_t n);
/* The uuid of the mdev instance PVE creates at VM start for the entry hostpciINDEX with mdev= of
 * VM vmid: %08d-0000-0000-0000-%012d of (index, vmid), as qemu-server spells it. */
void policy_mdev_uuid(unsigned index, unsigned vmid, char *buf, size_t n);

/* ------------------------------------------------------------------ host rules (doctor) */

/* One place that sets a PF's VF count at boot, as doctor found it under --root. */
struct policy_vf_boot {
	char file[256];         /* "/etc/sysfs.conf", the tool's unit file, ... */
	int line;               /* 1-based; 0 for the tool's unit */
	char text[256];         /* the line */
	char why[320];          /* what it is, for vfs-other-mechanism */
	char pf[SYSFS_BDF_LEN]; /* the PF it names, "" when the line names none */
	int count;              /* the count it sets, -1 when it cannot be read off the line */
	bool tool_unit;         /* the tool's own unit (host setup's) */
};

/* One kernel command-line token the host mode needs (its driver profile's tokens), where it is. */
struct policy_cmdline_token {
	const char *token; /* "intel_iommu=on" */
	bool persisted;    /* in the file the bootloader reads */
	bool active;       /* in /proc/cmdline */
	bool other_file;   /* in the file the bootloader in use does not read */
};

/* A persisted token that works against the mode: a whole token (item NULL: "i915.enable_gvt=1")
 * or one item of a comma list (key "module_blacklist", item "i915"). */
struct policy_cmdline_conflict {
	const char *token; /* as written */
	char key[64];      /* the list's key, "" for a whole token */
	const char *item;
};

/* A token the kernel ignores (a typo), with host/cmdline.c's reason. */
struct policy_cmdline_typo {
	bool running;      /* from /proc/cmdline; false: from the persisted file */
	bool also_running; /* a persisted token that /proc/cmdline has too */
	char why[512];     /* "915.enable_guc: no module 915 - did you mean i915?" */
};

/* The kernel command line as doctor found it: the bootloader, the persisted and running tokens. */
struct policy_cmdline {
	const char *loader;     /* "grub", "systemd-boot" */
	bool pbt;               /* on ESPs managed by proxmox-boot-tool */
	bool grub_dropins;      /* GRUB: /etc/default/grub.d/ *.cfg are read too */
	const char *loader_why; /* the evidence, one sentence */
	const char *file;       /* the file the bootloader reads ("/etc/default/grub") */
	const char *other_file; /* the one it does not read, NULL when absent */
	bool running_known;     /* /proc/cmdline was read (not empty) */
	const struct policy_cmdline_token *tokens;
	size_t n_tokens;
	const struct policy_cmdline_conflict *conflicts; /* whole tokens first, then list items */
	size_t n_conflicts;
	const struct policy_cmdline_typo *typos; /* /proc/cmdline's first, then the file's */
	size_t n_typos;
};

/* One installed kernel and i915-sriov-dkms for it (host/dkms.c fills these). */
struct policy_kernel {
	char release[128];
	bool headers;        /* lib/modules/<kver>/build resolves to a directory */
	bool dkms_built;     /* the dkms tree has the module built for it */
	bool dkms_installed; /* lib/modules/<kver>/updates/dkms/i915.ko* */
	char dkms_version[64];
	bool source_fits; /* an added dkms source version's window covers this kernel */
	char fitting[64]; /* the window table's newest release that covers it, "" if none */
	bool running, next_boot, pinned;
};

/* i915-sriov-dkms across the installed kernels. */
struct policy_dkms {
	const char *module; /* dkms module name found ("i915-sriov-dkms"), "" when none */
	size_t n_sources;   /* versions added to dkms */
	/* the kernel window of the added release (its row of the window table), NULL when none */
	const char *window_release;
	int window_min[2], window_max[2];    /* major, minor */
	const struct policy_kernel *kernels; /* newest first */
	size_t n_kernels;
	const char *said; /* `dkms status`'s lines about the module, "; "-joined, "" when none */
	/* what `dkms status` says is broken (on the real host only) */
	const struct policy_dkms_broken {
		const char *module, *version;
	} * broken;
	size_t n_broken;
};

/* A modprobe.d / modules line that works against the setup (host/probe.c's scan). */
struct policy_modconf {
	bool obsolete;    /* a module that no longer exists (module-obsolete) */
	bool modprobe_d;  /* in /etc/modprobe.d (an initramfs update applies it) */
	const char *file; /* "/etc/modprobe.d/i915.conf" */
	int line;         /* 1-based */
	const char *text; /* the line */
	const char *why;  /* what it does wrong */
};

/* One kernel-log signature that matched (host/klog_sig.c's table), with its first line. */
struct policy_klog_match {
	enum policy_rule_id rule;
	const char *device;  /* "0000:00:02.0", "" when the message names none */
	const char *meaning; /* what the kernel is saying */
	const char *fix;
	const char *stamp, *text; /* the first matching line */
	bool truncated;
	unsigned count; /* lines that matched for that device */
};

/* What the host rules judge: plain facts doctor gathered (sysfs snapshot, files under --root).
 * host/doctor.c only gathers these; every host rule is a function of policy/host_rules.c. */
struct policy_host {
	enum sysfs_profile_id mode; /* the driver profile the host is (being) set up for */
	const char *mode_why;       /* why that mode, one clause */
	/* a setup or rollback stopped half-way: its journal (dir/id) and kind, or the error that
	 * kept the journals from being read; NULL when none */
	const char *journal_dir, *journal_interrupted, *journal_kind, *journal_error;
	char *const *temp_files; /* our temporary files whose writer is gone (host paths) */
	size_t n_temp_files;
	bool igpu, generic;    /* an iGPU PF / a generic SR-IOV PF (--pf) was found */
	const char *pf_bdf;    /* "" when none */
	const char *pf_driver; /* "" when unbound */
	unsigned vendor_id, device_id;
	const char *pf_name;  /* "vendor device" from pci.ids, "" when unknown */
	const char *platform; /* the platform table's name, NULL when not in it */
	const char *gfx;      /* "Xe-LP", NULL when unknown */
	bool can_gvtg, can_sriov_i915, can_sriov_xe;
	int iommu;             /* 1 on, 0 off, -1 unknown */
	const char *iommu_why; /* generic PF: whether the kernel needs an IOMMU token */
	int totalvfs, numvfs;  /* -1 when unknown */
	const char *running;   /* running kernel release, "" when unknown */
	bool pf_module_loaded; /* the profile's module (i915) is loaded */
	/* module parameters of the profile's module ("" when absent): the dkms i915's max_vfs,
	 * enable_guc, enable_gvt */
	const char *max_vfs, *enable_guc, *enable_gvt;
	bool extra_module_loaded;             /* the profile's extra module (kvmgt) is loaded now */
	bool extra_module_at_boot;            /* ... and something loads it at boot */
	size_t n_mdev_types;                  /* mdev types the PF offers */
	bool unit, unit_enabled;              /* the tool's VF unit exists / is enabled */
	int unit_vfs;                         /* the count the tool's unit sets, -1 when unknown */
	const struct policy_vf_boot *vf_boot; /* every place that sets the count at boot */
	size_t n_vf_boot;
	const struct policy_cmdline *cmdline; /* NULL: not read */
	const struct policy_dkms *dkms;       /* NULL: not an i915-sriov-dkms host */
	bool secure_boot;                     /* the SecureBoot efivar reads 1 */
	const char *mok;                      /* the dkms signing key's path */
	bool mok_exists;
	const struct policy_modconf *modconf;
	size_t n_modconf;
	/* the kernel log: the matches, or why it was not read (NULL: read, or nothing to read) */
	const struct policy_klog_match *klog;
	size_t n_klog;
	const char *klog_source; /* "/dev/kmsg", the --kernel-log file */
	const char *klog_unreadable;
};

/* temp-file-left: one finding per temporary file of ours a killed write left (files: host paths,
 * util_tmp_stale_under), for doctor and audit alike; node (NULL: none) names the node.
 * 0 or -ENOMEM. */
int policy_temp_files_add(struct policy_findings *out, const enum policy_severity *severity,
                          const char *node, char *const *files, size_t n);
/* Runs every host rule of policy/host_rules.c over h (doctor's whole host judgement), appending
 * to out in the order doctor reports them.  severity as in struct policy_input (NULL = defaults); a rule set to off
 * adds nothing.  0 or -ENOMEM. */
int policy_host_evaluate(const struct policy_host *h, const enum policy_severity *severity,
                         struct policy_findings *out);

/* ------------------------------------------------------------------ uses (status's used_by) */

/* A device of this node's hardware that a hostpci entry names, with PVE's semantics: a
 * function-less id covers every function of the slot (an iGPU's PF and all its VFs), "A;B" names
 * each, mapping= names the devices of every map line for the VM's node (each an alternative PVE
 * may pick), mdev= names its parent (which is not passed through).  Values PVE drops name
 * nothing. */
struct policy_use {
	char bdf[SYSFS_BDF_LEN];
	const struct policy_vm *vm;
	const struct policy_section *sec;
	const struct policy_hostpci *hp;
	bool mdev; /* the entry creates an mdev instance on this parent */
};

struct policy_uses {
	struct policy_use *v; /* in->vms order, then section, then entry; one per (entry, device) */
	size_t n, cap;
};

/* What policy_uses_collect counts besides the entries PVE keeps. */
enum policy_uses_flags {
	/* also the values PVE drops that still name a device (policy_hostpci.lenient, from a
	 * POLICY_BUILD_ALL_DROPPED build): assign and release count what a person meant, so a
	 * broken entry still holds its device */
	POLICY_USES_DROPPED = 1,
};

/* Every use of a device of in->host by the VMs of in->node, every section.  flags: enum
 * policy_uses_flags.  0 or -ENOMEM. */
int policy_uses_collect(const struct policy_input *in, unsigned flags, struct policy_uses *out,
                        struct util_err *e);
void policy_uses_free(struct policy_uses *u);

#endif
