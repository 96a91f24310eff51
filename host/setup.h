/* host/setup.h - `host setup` and `host rollback`: a plan (file changes + commands + refusals),
 * its unified diff, and a journaled, atomic apply that undoes itself on failure.
 *
 * The plan is built from files under --root plus struct host_facts, which the front end fills from
 * sysfs/ and pveconf/ (so the plan itself never reads /sys). */
#ifndef PP_HOST_SETUP_H
#define PP_HOST_SETUP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "host/cmdline.h"
#include "host/probe.h"
#include "host/run.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/paths.h"

/* What the front end knows about the iGPU and its users. */
struct host_facts {
	bool igpu; /* an Intel display-class PF was found */
	char pf_bdf[16];
	unsigned device_id;
	const char *platform; /* "Raptor Lake-P", NULL when not in the table */
	const char *gfx;      /* "Xe-LP" ..., may be NULL */
	bool can_gvtg, can_sriov_i915, can_sriov_xe;
	int totalvfs, numvfs; /* -1 when unknown */
	int vfs_in_use;       /* VFs a running VM holds (reservation or running config) */
	int mdevs_in_use;     /* mdev instances a running VM holds */
	char in_use[256];     /* "VM 100 (0000:00:02.1)" for the refusal message */
	char held[16][16];    /* the VFs counted in vfs_in_use by reservation (first 16) */
	char held_why[16][64];
	size_t n_held;
	/* for doctor: */
	int iommu;          /* 1 on, 0 off, -1 unknown */
	char pf_driver[64]; /* "" when unbound */
	bool i915_loaded, xe_loaded, kvmgt_loaded;
	char enable_guc[16], max_vfs[16], enable_gvt[16]; /* i915 parameters, "" when absent */
	size_t n_mdev_types;                              /* GVT-g types on the PF */
	long mdev_available;                              /* sum of available_instances */
	char running[128];                                /* running kernel release */
	/* a generic SR-IOV PF (--pf names a PF that is not an Intel iGPU; igpu is false then): */
	bool generic;
	unsigned vendor_id;
	char pf_name[260];    /* "vendor device" from pci.ids, "" when unknown */
	char iommu_token[32]; /* the IOMMU token it needs (host_iommu_token), "" none */
	char iommu_why[256];
	const char *kernel_log; /* doctor --kernel-log FILE; NULL = <root>/dev/kmsg */
};

struct host_setup_opts {
	enum host_mode mode;
	int vfs;                /* --vfs N, 0 = default (totalvfs, else 7) */
	bool replace_conflicts; /* --replace-conflicts: consent to change conflicting tokens */
	const char *dkms_deb;   /* --dkms-deb FILE (a path on the real host), or NULL */
	const char *tool;       /* the binary the unit runs (PP_TOOL_BIN) */
};

struct host_change {
	char path[PP_PATH_MAX]; /* host path, "/etc/kernel/cmdline" */
	bool is_link;           /* a symlink to target (created, or removed when remove) */
	bool is_dir;            /* rollback only: an empty directory the setup created, removed */
	char target[PP_PATH_MAX];
	bool existed; /* old content below is valid */
	char *old_data;
	size_t old_len;
	mode_t old_mode;
	bool remove; /* delete the file/link instead of writing new_data */
	char *new_data;
	size_t new_len;
	mode_t new_mode;         /* for a new file */
	struct host_edit *edits; /* cmdline token edits made in this file */
	size_t n_edits;
};

struct host_argv {
	char *v[8]; /* NULL-terminated */
};

struct host_plan {
	enum host_mode mode;
	int vfs;
	struct host_boot boot;
	struct host_change *changes;
	size_t n_changes;
	struct host_argv *cmds;
	size_t n_cmds;
	char **refusals; /* non-empty: the setup must not run (exit 1) */
	size_t n_refusals;
	char **notes; /* conflicts left alone, warnings, next steps */
	size_t n_notes;
	char **blockers; /* notes that say the result will not work after the reboot (no dkms
	                    module for the next kernel, a conflict left alone): setup refuses them
	                    unless --force */
	size_t n_blockers;
	char package[128];    /* the package --dkms-deb installs ("i915-sriov-dkms") */
	char recovering[128]; /* rollback: the interrupted journal (state "applying") this plan
	                         resolves, "" when none */
	char pf[16];          /* sriov-generic: the PF set up (journaled: rollback needs it) */
};

/* Builds the plan for `host setup`.  0 or -errno (I/O); refusals are data.  Decides first: when
 * the platform, the PF, an interrupted journal or --dkms-deb give a refusal, the plan stops there
 * (no file changes, no commands), so nothing is shown that could not be applied. */
int host_setup_plan(const struct util_paths *p, const struct host_setup_opts *o,
                    const struct host_facts *f, struct host_plan *plan, struct util_err *e);
void host_plan_free(struct host_plan *plan);

/* Unified diff of every change ("--- a/etc/kernel/cmdline" ...) appended to out.  0 or -ENOMEM. */
int host_plan_diff(const struct host_plan *plan, struct util_buf *out);

struct host_apply_opts {
	int fail_at_change; /* tests: the Nth change (1-based) fails with -EIO; 0 = never */
	int kill_at_change; /* tests: the process kills itself (SIGKILL) right after the Nth change */
	const char *kind;   /* "setup" or "rollback" (journal header) */
	const char *of;     /* rollback: the journal id it undoes */
};

/* Applies the plan: journal under /var/lib/pve-passthrough/journal/<id>/ (file, mode, SHA-256
 * before/after, backup of the old content, commands), atomic writes, then the commands through r.
 * On any failure, what was done is undone in reverse and the journal marked "failed".
 * journal_id (may be NULL) receives the id.  0 or -errno. */
int host_plan_apply(const struct util_paths *p, const struct host_plan *plan, struct host_runner *r,
                    const struct host_apply_opts *o, char *journal_id, size_t id_len,
                    struct util_err *e);

struct host_rollback_opts {
	bool force; /* restore files changed since the setup anyway (their current content is
	               backed up in the rollback's journal) */
};

/* The newest journal a crash left behind: state "applying" (kind "setup" or "rollback"), or a
 * journal directory without its journal file (kind "empty").  id "" when none.  0 or -errno. */
int host_journal_interrupted(const struct util_paths *p, char *id, size_t id_len, char *kind,
                             size_t kind_len, struct util_err *e);

/* Builds the plan that undoes the last applied setup, or first the setup a crash interrupted
 * (every step its journal recorded; plan->recovering names it).  An interrupted rollback is
 * resumed by undoing the last applied setup again (plan->recovering names the rollback).  Files
 * are restored byte for byte when unchanged since, cmdline files whose tokens were edited since get only the tokens the setup
 * added removed (a note with the diff), other changed files are refusals unless force.
 * *found is false when there is nothing to roll back.  setup_id receives the setup's journal id
 * ("" when only an interrupted journal with nothing left to undo was found).  0 or -errno. */
int host_rollback_plan(const struct util_paths *p, const struct host_rollback_opts *o,
                       const struct host_facts *f, struct host_plan *plan, bool *found,
                       char *setup_id, size_t id_len, struct util_err *e);

/* The newest applied setup journal: its id and mode name ("sriov-i915"), or id "" when none.
 * 0 or -errno. */
int host_journal_last_setup(const struct util_paths *p, char *id, size_t id_len, char *mode,
                            size_t mode_len, struct util_err *e);

/* Storage for the tokens of one mode; host_mode_want fills it and w points into it. */
#define HOST_MODE_TOKENS_MAX 8
struct host_mode_tokens {
	char text[HOST_MODE_TOKENS_MAX][64]; /* tokens with the device id put in */
	const char *v[HOST_MODE_TOKENS_MAX]; /* NULL-terminated */
};
/* The command-line tokens a mode needs and forbids, from its driver profile (sysfs/driver.c):
 * "%04x" in a token becomes device_id (xe.force_probe=<id>); sriov-generic gets iommu_token
 * (struct host_facts.iommu_token, "" when its kernel needs none). */
void host_mode_want(enum host_mode m, unsigned device_id, const char *iommu_token,
                    struct host_mode_tokens *buf, struct host_cmdline_want *w);

/* The PF a setup journal names (sriov-generic setups), "" when none.  0 or -errno. */
int host_journal_setup_pf(const struct util_paths *p, const char *id, char *pf, size_t pf_len,
                          struct util_err *e);

/* Marks the setup journal id as rolled back.  0 or -errno. */
int host_journal_mark(const struct util_paths *p, const char *id, const char *state,
                      struct util_err *e);

#endif
