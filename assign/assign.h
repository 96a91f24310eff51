/* assign/assign.h - give a VM an iGPU VF, a GVT-g mdev type or a mapped device, or take it away:
 * plan first (pure data: which key, which value, which section, against which digest, and why),
 * then apply through the safe writer under a node-wide allocation lock.  (docs/cli.md assign/release)
 *
 * Planning is pure: it reads a struct assign_input that the caller filled (host snapshot, every VM
 * config of the node, mappings, who runs) and never touches a file.  Only assign_run() does I/O. */
#ifndef PP_ASSIGN_ASSIGN_H
#define PP_ASSIGN_ASSIGN_H

#include <stdbool.h>
#include <stddef.h>

#include "gather/gather.h"
#include "policy/policy.h"
#include "pveconf/hostpci.h"
#include "pveconf/mapping.h"
#include "pveconf/vmconf.h"
#include "sysfs/host.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/paths.h"

#define ASSIGN_LOCK_TIMEOUT_MS 10000 /* as PVE's config lock */

enum assign_kind {
	ASSIGN_KIND_VF,      /* --vf auto|BDF */
	ASSIGN_KIND_MDEV,    /* --mdev TYPE|auto */
	ASSIGN_KIND_MAPPING, /* --mapping NAME */
	ASSIGN_KIND_RELEASE, /* release --slot/--device/--all */
};

enum assign_release_what {
	ASSIGN_RELEASE_SLOT,
	ASSIGN_RELEASE_DEVICE,
	ASSIGN_RELEASE_ALL,
};

/* What the person asked for (already checked for syntax by the front end). */
struct assign_request {
	unsigned vmid;
	enum assign_kind kind;
	char vf[SYSFS_BDF_LEN]; /* "" = auto */
	char pf[SYSFS_BDF_LEN]; /* --pf, "" = the iGPU */
	char mdev[96];          /* "" = auto */
	char mapping[128];
	int slot;                   /* --slot, -1 = lowest free */
	enum pveconf_tristate pcie; /* --pcie / --no-pcie, UNSET = pcie=1 on q35 */
	bool x_vga;
	char romfile[256];
	/* release */
	enum assign_release_what release;
	char device[SYSFS_BDF_LEN]; /* release --device */
};

/* One VM config of this node (the target included). */
struct assign_vm {
	unsigned vmid;
	const struct pveconf_vm *conf;
	bool running;
};

/* One alternative (`map` line for this node) of a PCI resource mapping. */
struct assign_mapping_alt {
	char bdfs[PVECONF_HOSTPCI_MAX_IDS][SYSFS_BDF_LEN];  /* path=, ';' = together */
	struct pveconf_pci_id ids[PVECONF_HOSTPCI_MAX_IDS]; /* the same, as pveconf parsed them */
	size_t n;
	char path[256];                /* path= as written */
	char id[16], subsystem_id[16]; /* "8086:a7a0", "" when absent */
	int iommugroup;                /* -1 when absent */
	unsigned line;                 /* of the map line in pci.cfg */
	char iommugroup_text[24];      /* iommugroup= as written ("" when absent or too long) */
	char raw[4608];                /* the map value as written ("" when too long) */
};

struct assign_mapping {
	char name[128];
	struct assign_mapping_alt *alts; /* this node's map lines */
	size_t n_alts;
	bool mdev; /* `mdev 1` */
};

/* Fills m with mapping src's alternatives on node (its map lines for node, file order).
 * 0 or -ENOMEM; free m->alts. */
int assign_mapping_from_pveconf(const struct pveconf_pci_mapping *src, const char *node,
                                struct assign_mapping *m);

/* Everything planning looks at, gathered by the caller. */
struct assign_input {
	const char *node;
	const struct sysfs_host *host;
	const struct assign_vm *vms;
	size_t n_vms;
	const struct assign_mapping *mappings;
	size_t n_mappings;
	/* PCI ids PVE holds for starting/running VMs (pci-id-reservations, active ones) */
	const struct policy_reservation *reservations;
	size_t n_reservations;
	const char *owner_node; /* node that owns the VMID (.vmlist), NULL = this one */
	bool romfile_exists;    /* the request's --romfile exists under /usr/share/kvm */
	const char *
	        config_path; /* for the diff header, e.g. "/etc/pve/nodes/pve1/qemu-server/101.conf" */
	/* per-rule severities from the settings (POLICY_RULE_COUNT entries), NULL = defaults */
	const enum policy_severity *severity;
	/* tests only: called between planning and writing (e.g. to change the file meanwhile) */
	void (*after_plan)(void *arg);
	void *after_plan_arg;
};

/* The input from a node model of gather/ (GATHER_KEEP_CONFS): node's VMs, node's alternatives
 * of each mapping with their pci.cfg lines, the reservations, the VMID's owner, the settings'
 * severities.  The rest (romfile_exists, config_path) is the caller's.  Storage in *st (free
 * with assign_input_store_free); in points into it and into g.  0 or -ENOMEM. */
struct assign_input_store {
	struct assign_vm *vms;
	size_t n_vms;
	struct assign_mapping *mappings;
	size_t n_mappings;
};
int assign_input_from_gather(const struct gather_node *g, const char *node, struct assign_input *in,
                             struct assign_input_store *st, struct util_err *e);
void assign_input_store_free(struct assign_input_store *st);

enum assign_outcome {
	ASSIGN_OUTCOME_CHANGE,    /* the plan changes the file */
	ASSIGN_OUTCOME_NOTHING,   /* already assigned / nothing to release: exit 0 */
	ASSIGN_OUTCOME_REFUSED,   /* a rule refused: exit 1, file untouched */
	ASSIGN_OUTCOME_NEEDS_ARG, /* the request is ambiguous (e.g. several PFs, no --pf): exit 2 */
};

/* Why a plan was refused or allowed: a rule id (policy's, or assign's own) and a sentence. */
struct assign_finding {
	char rule[32];
	bool refuses;
	char message[2048];
	char hint[512];
};

#define ASSIGN_MAX_FINDINGS 16

struct assign_change {
	char key[16]; /* hostpciN */
	char value[512];
	bool pending;      /* [PENDING] instead of main */
	bool remove;       /* release: remove the key (main) or mark it deleted (pending delete) */
	bool pending_drop; /* release: drop a not-yet-applied [PENDING] entry */
	bool dropped;      /* release: a line PVE drops anyway (never active): removed directly */
};

/* The plan: pure data, enough for --dry-run, JSON and apply. */
struct assign_plan {
	unsigned vmid;
	enum assign_outcome outcome;
	struct assign_change changes[PVECONF_HOSTPCI_MAX];
	size_t n_changes;
	char digest[41];   /* of the config the plan was computed against */
	char summary[768]; /* one sentence: what happens (or why nothing), for a person */
	char why[768];     /* how the device/type was chosen, "" when given explicitly */
	struct assign_finding findings[ASSIGN_MAX_FINDINGS];
	size_t n_findings;
	char *before, *after; /* file bytes (malloc'd); after == NULL unless CHANGE */
	size_t before_len, after_len;
	const enum policy_severity *severity; /* the input's, borrowed (NULL = defaults) */
	/* assign_run: what gathering could not read or skipped (an input that is a FIFO, a VM
	 * whose run state is unknown), for the caller to print; malloc'd */
	char **warnings;
	size_t n_warnings;
};

/* Computes the plan (assign or release, by req->kind).  Returns 0 (the outcome says what) or
 * -errno for internal failures (-ENOMEM, target VM missing from the input ...). */
int assign_plan_make(const struct assign_input *in, const struct assign_request *req,
                     struct assign_plan *plan, struct util_err *e);
void assign_plan_free(struct assign_plan *plan);

/* Runs a request end to end on the host under p: takes the node-wide allocation lock
 * (<root>/run/lock/pve-passthrough/alloc-<node>.lock), gathers, plans, and unless dry_run writes
 * through the safe writer (per-VM lock, digest re-check).  The plan is filled in every case.
 * -ETIMEDOUT when a lock was not obtained, -ESTALE when the config changed meanwhile. */
struct assign_run_opts {
	const char *node;
	bool dry_run;
	int lock_timeout_ms;
	/* per-rule severities from the settings (POLICY_RULE_COUNT entries), NULL = defaults */
	const enum policy_severity *severity;
	/* tests only: called between planning and writing (e.g. to change the file meanwhile) */
	void (*after_plan)(void *arg);
	void *after_plan_arg;
};
int assign_run(const struct util_paths *p, const struct assign_run_opts *o,
               const struct assign_request *req, struct assign_plan *plan, struct util_err *e);

#endif
